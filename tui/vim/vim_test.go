package vim

import (
	"slices"
	"strings"
	"testing"
)

// parse reads a buffer written with the cursor as | .
func parse(s string) Buffer {
	lines := strings.Split(s, "\n")
	for r, l := range lines {
		if i := strings.Index(l, "|"); i >= 0 {
			lines[r] = l[:i] + l[i+1:]
			return Buffer{Lines: lines, Row: r, Col: len([]rune(l[:i]))}
		}
	}
	return Buffer{Lines: lines}
}

func (b Buffer) String() string {
	lines := slices.Clone(b.Lines)
	l := []rune(lines[b.Row])
	lines[b.Row] = string(l[:b.Col]) + "|" + string(l[b.Col:])
	return strings.Join(lines, "\n")
}

// keys splits "dw<esc>x" into d, w, esc, x.
func keys(s string) []string {
	var out []string
	for s != "" {
		if strings.HasPrefix(s, "<") {
			end := strings.Index(s, ">")
			out = append(out, s[1:end])
			s = s[end+1:]
			continue
		}
		r := []rune(s)[0]
		out = append(out, string(r))
		s = s[len(string(r)):]
	}
	return out
}

// feed types keys: normal mode through the machine, insert mode as text,
// the way the notebook does.
func feed(v *Machine, b *Buffer, ks []string) {
	for _, k := range ks {
		if v.Mode == Insert {
			if k == "esc" {
				v.Escape(b)
				continue
			}
			l := []rune(b.Lines[b.Row])
			b.Lines[b.Row] = string(l[:b.Col]) + k + string(l[b.Col:])
			b.Col += len([]rune(k))
			continue
		}
		v.Key(k, b)
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		name, start, keys, want string
		mode                    Mode
	}{
		{"h l", "ab|cd", "hhhl", "a|bcd", Normal},
		{"l stops on the last char", "ab|cd", "llll", "abc|d", Normal},
		{"j k keep the column in the line", "abcd|e\nxy\nabcdef", "jj", "abcde\nxy\nabcd|ef", Normal},
		{"j clamps", "abc|d\nxy", "j", "abcd\nx|y", Normal},
		{"counts", "a\nb\nc\nd\ne", "3j", "a\nb\nc\n|d\ne", Normal},
		{"w", "|SELECT a, b FROM t", "w", "SELECT |a, b FROM t", Normal},
		{"w punctuation", "SELECT |a, b FROM t", "w", "SELECT a|, b FROM t", Normal},
		{"w across lines", "SELECT |a\nFROM t", "w", "SELECT a\n|FROM t", Normal},
		{"w stops at an empty line", "a |b\n\nc", "w", "a b\n|\nc", Normal},
		{"3w", "|one two three four", "3w", "one two three |four", Normal},
		{"b", "SELECT a, b FROM |t", "bb", "SELECT a, |b FROM t", Normal},
		{"b across lines", "SELECT a\n|FROM t", "b", "SELECT |a\nFROM t", Normal},
		{"e", "|SELECT a_b FROM t", "ee", "SELECT a_|b FROM t", Normal},
		{"0 ^ $", "  SELECT |x", "0", "|  SELECT x", Normal},
		{"^", "  SELECT |x", "^", "  |SELECT x", Normal},
		{"$", "  |SELECT x", "$", "  SELECT |x", Normal},
		{"gg", "a\n  b\nc|", "gg", "|a\n  b\nc", Normal},
		{"G", "|a\n  b\n  c", "G", "a\n  b\n  |c", Normal},
		{"2G", "|a\n  b\n  c", "2G", "a\n  |b\n  c", Normal},
		{"x", "ab|cd", "x", "ab|d", Normal},
		{"x at the end", "abc|d", "x", "ab|c", Normal},
		{"3x", "|abcdef", "3x", "|def", Normal},
		{"dd", "a\nb|b\nc", "dd", "a\n|c", Normal},
		{"dd last line", "a\nb|b", "dd", "|a", Normal},
		{"dd only line", "ab|c", "dd", "|", Normal},
		{"2dd", "a\n|b\nc\nd", "2dd", "a\n|d", Normal},
		{"dj", "a\n|b\nc\nd", "dj", "a\n|d", Normal},
		{"dG", "a\n|b\nc", "dG", "|a", Normal},
		{"dgg", "a\nb\n|c\nd", "dgg", "|d", Normal},
		{"D", "SELECT |a, b", "D", "SELECT| ", Normal},
		{"dw", "SELECT |a, b", "dw", "SELECT |, b", Normal},
		{"dw at the line's last word", "SELECT |ab\nx", "dw", "SELECT| \nx", Normal},
		{"d2w", "|one two three", "d2w", "|three", Normal},
		{"de", "|one two", "de", "| two", Normal},
		{"db", "one two|x", "db", "one |x", Normal},
		{"cw changes to the word's end", "SELECT |abc FROM t", "cwxyz<esc>", "SELECT xy|z FROM t", Normal},
		{"cw mode", "SELECT |abc FROM t", "cwq", "SELECT q| FROM t", Insert},
		{"cc", "a\n  |bc\nd", "ccx<esc>", "a\n|x\nd", Normal},
		{"i", "ab|c", "iX<esc>", "ab|Xc", Normal},
		{"a", "ab|c", "aX<esc>", "abc|X", Normal},
		{"a on an empty line", "|", "aX<esc>", "|X", Normal},
		{"I", "  ab|c", "IX<esc>", "  |Xabc", Normal},
		{"A", "a|bc", "AX<esc>", "abc|X", Normal},
		{"o", "a|b\nc", "oX<esc>", "ab\n|X\nc", Normal},
		{"O", "ab\n|c", "OX<esc>", "ab\n|X\nc", Normal},
		{"insert mode stays", "ab|c", "iXY", "abXY|c", Insert},
		{"yy p", "|a\nb", "yyp", "a\n|a\nb", Normal},
		{"yy P", "a\n|b", "yyP", "a\n|b\nb", Normal},
		{"dd p moves a line", "|a\nb\nc", "ddp", "b\n|a\nc", Normal},
		{"x p swaps", "|ab", "xp", "b|a", Normal},
		{"yw P", "|one two", "ywP", "one| one two", Normal},
		{"v selects, d deletes", "a|bcd", "vld", "a|d", Normal},
		{"v x across lines", "a|b\ncd", "vjx", "|a", Normal},
		{"v at the line end takes the line break", "a|b\ncd", "v$d", "a|cd", Normal},
		{"v backwards", "abc|d", "vhhd", "|a", Normal},
		{"v y P", "|ab", "vlyP", "a|bab", Normal},
		{"v c", "x|yz", "vlcQ", "xQ|", Insert},
		{"v esc leaves", "a|bc", "vl<esc>x", "a|b", Normal},
		{"v v leaves", "a|bc", "vvx", "a|c", Normal},
		{"v ignores other keys", "a|bc", "vpud", "a|c", Normal},
		{"unknown keys are ignored", "a|b", "zqZ", "a|b", Normal},
		{"arrows move", "a|bc\nd", "<right><down><up><left>", "a|bc\nd", Normal},
		{"a pending operator is dropped by esc", "a|bc", "d<esc>x", "a|c", Normal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := parse(tt.start)
			var v Machine
			feed(&v, &b, keys(tt.keys))
			if got := b.String(); got != tt.want || v.Mode != tt.mode {
				t.Errorf("%q after %s: got %q in %v, want %q in %v", tt.start, tt.keys, got, v.Mode, tt.want, tt.mode)
			}
		})
	}
}

func TestResult(t *testing.T) {
	var v Machine
	b := parse("a|bc")
	if r := v.Key("esc", &b); !r.Unhandled {
		t.Error("esc in normal mode is handled; the notebook needs it to stop editing")
	}
	if r := v.Key("l", &b); !r.Moved || r.Changed {
		t.Errorf("l: %+v, want moved only", r)
	}
	if r := v.Key("x", &b); !r.Changed {
		t.Errorf("x: %+v, want changed", r)
	}
	if r := v.Key("y", &b); r.Changed || r.Moved {
		t.Errorf("y (pending): %+v, want nothing yet", r)
	}
	v.Reset(Normal)
	if r := v.Key("u", &b); !r.Undo || r.Changed {
		t.Errorf("u: %+v, want undo asked of the caller", r)
	}
	if r := v.Key("ctrl+r", &b); !r.Redo || r.Unhandled {
		t.Errorf("ctrl+r: %+v, want redo asked of the caller", r)
	}
}

func TestSelection(t *testing.T) {
	var v Machine
	b := parse("ab|cd\nef")
	if _, _, ok := v.Selection(b); ok {
		t.Error("a selection outside visual mode")
	}
	v.Key("v", &b)
	v.Key("j", &b)
	from, to, ok := v.Selection(b)
	if want := (Pos{0, 2}); !ok || from != want || to != (Pos{1, 2}) {
		t.Errorf("selection %v..%v %v, want %v..{1 2}", from, to, ok, want)
	}
}
