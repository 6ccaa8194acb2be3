package sqltext

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tok is a token as the tests write it: kind and text.
type tok struct {
	Kind Kind
	Text string
	Open bool
}

func kinds(toks []Token) []tok {
	var out []tok
	for _, t := range toks {
		out = append(out, tok{t.Kind, t.Text, t.Open})
	}
	return out
}

// TestTokens checks each lexical rule on its own.
func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []tok
	}{
		{"words", "SELECT a_1, _b FROM t$files", []tok{{Word, "SELECT", false}, {Word, "a_1", false}, {Punct, ",", false}, {Word, "_b", false}, {Word, "FROM", false}, {Word, "t$files", false}}},
		{"non-ascii word", "naïve", []tok{{Word, "naïve", false}}},
		{"quoted identifier", `"My ""T"""`, []tok{{Quoted, `"My ""T"""`, false}}},
		{"open quoted identifier", `"ab`, []tok{{Quoted, `"ab`, true}}},
		{"string", `'it''s'`, []tok{{String, `'it''s'`, false}}},
		{"backslash ends a plain string", `'a\' b`, []tok{{String, `'a\'`, false}, {Word, "b", false}}},
		{"escape string", `E'it\'s' e'\\'`, []tok{{String, `E'it\'s'`, false}, {String, `e'\\'`, false}}},
		{"hex, bit and national strings", `X'4A' b'01' N'x'`, []tok{{String, `X'4A'`, false}, {String, `b'01'`, false}, {String, `N'x'`, false}}},
		{"prefix letter inside a word is no prefix", `ae'x'`, []tok{{Word, "ae", false}, {String, `'x'`, false}}},
		{"open string", `'abc`, []tok{{String, `'abc`, true}}},
		{"dollar quote", "$$a;'b$$", []tok{{String, "$$a;'b$$", false}}},
		{"tagged dollar quote", "$fn$ $$ x $fn$", []tok{{String, "$fn$ $$ x $fn$", false}}},
		{"open dollar quote", "$$ab", []tok{{String, "$$ab", true}}},
		{"line comment", "1 -- c; d\n2", []tok{{Number, "1", false}, {Comment, "-- c; d", false}, {Number, "2", false}}},
		{"block comment", "/* a */b", []tok{{Comment, "/* a */", false}, {Word, "b", false}}},
		{"nested block comment", "/* a /* b */ c */d", []tok{{Comment, "/* a /* b */ c */", false}, {Word, "d", false}}},
		{"open block comment", "/* a /* b */", []tok{{Comment, "/* a /* b */", true}}},
		{"numbers", "12 3.5 .5 1. 1e-3 2E+10 1_000", []tok{{Number, "12", false}, {Number, "3.5", false}, {Number, ".5", false}, {Number, "1.", false}, {Number, "1e-3", false}, {Number, "2E+10", false}, {Number, "1_000", false}}},
		{"exponent needs digits", "1e x", []tok{{Number, "1", false}, {Word, "e", false}, {Word, "x", false}}},
		{"parameters", "? ?2 $1 $name", []tok{{Param, "?", false}, {Param, "?2", false}, {Param, "$1", false}, {Param, "$name", false}}},
		{"lone dollar", "$ 1", []tok{{Punct, "$", false}, {Number, "1", false}}},
		{"punctuation", "a.b(c)[1]{d}:e;", []tok{{Word, "a", false}, {Punct, ".", false}, {Word, "b", false}, {Punct, "(", false}, {Word, "c", false}, {Punct, ")", false}, {Punct, "[", false}, {Number, "1", false}, {Punct, "]", false}, {Punct, "{", false}, {Word, "d", false}, {Punct, "}", false}, {Punct, ":", false}, {Word, "e", false}, {Punct, ";", false}}},
		{"two-character operators", "x::INT y => 1 a <= b >= c <> d != e || f := g -> h", []tok{
			{Word, "x", false}, {Punct, "::", false}, {Word, "INT", false}, {Word, "y", false}, {Punct, "=>", false}, {Number, "1", false},
			{Word, "a", false}, {Punct, "<=", false}, {Word, "b", false}, {Punct, ">=", false}, {Word, "c", false}, {Punct, "<>", false},
			{Word, "d", false}, {Punct, "!=", false}, {Word, "e", false}, {Punct, "||", false}, {Word, "f", false}, {Punct, ":=", false},
			{Word, "g", false}, {Punct, "->", false}, {Word, "h", false}}},
		{"trailing minus is its own operator", "a=-1", []tok{{Word, "a", false}, {Punct, "=", false}, {Punct, "-", false}, {Number, "1", false}}},
		{"operator stops at a comment", "a*/* c */b<--d", []tok{{Word, "a", false}, {Punct, "*", false}, {Comment, "/* c */", false}, {Word, "b", false}, {Punct, "<", false}, {Comment, "--d", false}}},
		{"operator keeps a minus after a special character", "a @- b", []tok{{Word, "a", false}, {Punct, "@-", false}, {Word, "b", false}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []Token
			for _, tk := range Tokens(tc.src) {
				if tk.Kind != Space {
					got = append(got, tk)
				}
			}
			if diff := cmp.Diff(tc.want, kinds(got)); diff != "" {
				t.Errorf("Tokens(%q) without space (-want +got):\n%s", tc.src, diff)
			}
			if got := join(Tokens(tc.src)); got != tc.src {
				t.Errorf("Tokens(%q) put together = %q", tc.src, got)
			}
		})
	}
}

func join(toks []Token) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.Text)
	}
	return b.String()
}

// TestValues checks what identifiers and strings stand for.
func TestValues(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`"My ""T"""`, `My "T"`},
		{`"open`, "open"},
		{`'it''s'`, "it's"},
		{`E'tab\t\'q\' \\ it''s'`, "tab\t'q' \\ it's"},
		{`'a\n'`, `a\n`},
		{`X'4A'`, "4A"},
		{`'open`, "open"},
		{"$$a 'b'$$", "a 'b'"},
		{"$fn$ x $fn$", " x "},
		{"$fn$ open", " open"},
		{"word", "word"},
	} {
		t.Run(tc.src, func(t *testing.T) {
			toks := Code(tc.src)
			if len(toks) != 1 {
				t.Fatalf("Code(%q) = %d tokens, want 1", tc.src, len(toks))
			}
			got := toks[0].Ident()
			if toks[0].Kind == String {
				got = toks[0].StringValue()
			}
			if got != tc.want {
				t.Errorf("value of %s = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

// TestTokensGolden cuts testdata/tokens.sql into tokens and compares them,
// with the values of strings and quoted identifiers, with
// testdata/tokens.golden (go test -update rewrites it).
func TestTokensGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "tokens.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, tk := range Tokens(string(src)) {
		if tk.Kind == Space {
			continue
		}
		fmt.Fprintf(&b, "%-7s %q", tk.Kind, tk.Text)
		switch tk.Kind {
		case String:
			fmt.Fprintf(&b, " = %q", tk.StringValue())
		case Quoted:
			fmt.Fprintf(&b, " = %q", tk.Ident())
		}
		b.WriteString("\n")
	}
	path := filepath.Join("testdata", "tokens.golden")
	if *update {
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), b.String()); diff != "" {
		t.Errorf("%s differs (-want +got; go test -update rewrites it):\n%s", path, diff)
	}
}
