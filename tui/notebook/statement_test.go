package notebook

import (
	"strings"
	"testing"

	"github.com/floehq/floe/kernel"
)

// TestStatementAt checks which statement a cursor is in, the cell written
// with the cursor as |.
func TestStatementAt(t *testing.T) {
	tests := []struct {
		name, src string
		want      string
	}{
		{"inside the first", "SEL|ECT 1; SELECT 2", "SELECT 1"},
		{"at the start", "|SELECT 1; SELECT 2", "SELECT 1"},
		{"at the end, before the semicolon", "SELECT 1|; SELECT 2", "SELECT 1"},
		{"after the semicolon, same line", "SELECT 1;| SELECT 2", "SELECT 1"},
		{"the second", "SELECT 1; SELECT |2", "SELECT 2"},
		{"a blank line between: the next", "SELECT 1;\n|\nSELECT 2", "SELECT 2"},
		{"a comment before: the next", "SELECT 1;\n-- the| second; not a statement\nSELECT 2", "SELECT 2"},
		{"a semicolon in a string", "SELECT 'a;|b'; SELECT 2", "SELECT 'a;b'"},
		{"a semicolon in a quoted name", `SELECT "a;|b" FROM t; SELECT 2`, `SELECT "a;b" FROM t`},
		{"dollar quotes", "SELECT 1; SELECT $$x;|y$$", "SELECT $$x;y$$"},
		{"a tagged dollar quote", "SELECT $f$ a; b $f$|; SELECT 2", "SELECT $f$ a; b $f$"},
		{"a block comment", "SELECT /* ; */ 1|; SELECT 2", "SELECT /* ; */ 1"},
		{"after the last, lines below", "SELECT 1;\nSELECT 2;\n\n|", "SELECT 2"},
		{"a multi-line statement", "SELECT a,\n  b|\nFROM t;\nSELECT 2", "SELECT a,\n  b\nFROM t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := strings.Index(tt.src, "|")
			src := tt.src[:p] + tt.src[p+1:]
			stmts := kernel.Statements(src)
			if got := stmts[statementAt(stmts, src, p)].Text; got != tt.want {
				t.Errorf("statement at %d of %q = %q, want %q", p, src, got, tt.want)
			}
		})
	}
}

func TestFindAll(t *testing.T) {
	tests := []struct {
		text, q string
		want    []match
	}{
		{"a foo Foo\nFOO foo", "foo", []match{{0, 2, 3}, {0, 6, 3}, {1, 0, 3}, {1, 4, 3}}},
		{"a foo Foo\nFOO foo", "Foo", []match{{0, 6, 3}}},
		{"aaaa", "aa", []match{{0, 0, 2}, {0, 2, 2}}}, // matches do not overlap
		{"日本語の本", "本", []match{{0, 1, 1}, {0, 4, 1}}}, // rune columns
		{"abc", "", nil},
	}
	for _, tt := range tests {
		got := findAll(tt.text, tt.q)
		if len(got) != len(tt.want) {
			t.Errorf("findAll(%q, %q) = %v, want %v", tt.text, tt.q, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("findAll(%q, %q) = %v, want %v", tt.text, tt.q, got, tt.want)
				break
			}
		}
	}
}

// TestStartsWord checks where typing starts a new step of undo.
func TestStartsWord(t *testing.T) {
	tests := []struct {
		before, after textState
		want          bool
	}{
		{textState{"ab", 0, 2}, textState{"abc", 0, 3}, false},     // a word goes on
		{textState{"ab", 0, 2}, textState{"ab ", 0, 3}, false},     // a space ends it, in its step
		{textState{"ab ", 0, 3}, textState{"ab c", 0, 4}, true},    // a new word
		{textState{"", 0, 0}, textState{"a", 0, 1}, true},          // the first
		{textState{"a\n", 1, 0}, textState{"a\nb", 1, 1}, true},    // a new line's first
		{textState{"ab", 0, 2}, textState{"abcd", 0, 4}, true},     // not one character: its own
		{textState{"ab", 0, 2}, textState{"ab(", 0, 3}, false},     // punctuation goes on
		{textState{"ab (", 0, 4}, textState{"ab (x", 0, 5}, false}, // after punctuation too
	}
	for _, tt := range tests {
		if got := startsWord(tt.before, tt.after); got != tt.want {
			t.Errorf("startsWord(%q -> %q) = %v, want %v", tt.before.text, tt.after.text, got, tt.want)
		}
	}
}
