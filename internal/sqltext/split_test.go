package sqltext

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplit(t *testing.T) {
	type stmt struct {
		Text string
		Line int
	}
	for _, tc := range []struct {
		name, script string
		want         []stmt
	}{
		{"two", "SELECT 1; SELECT 2", []stmt{{"SELECT 1", 1}, {"SELECT 2", 1}}},
		{"trailing semicolon", "SELECT 1;\n", []stmt{{"SELECT 1", 1}}},
		{"empty statements", ";; SELECT 1 ;;\n;", []stmt{{"SELECT 1", 1}}},
		{"nothing", "  \n\t", nil},
		{"only comments", "-- a; b\n/* c; d */", nil},
		{"semicolon in string", "SELECT 'a;b'; SELECT 2", []stmt{{"SELECT 'a;b'", 1}, {"SELECT 2", 1}}},
		{"doubled quote", "SELECT 'it''s; fine'; SELECT 2", []stmt{{"SELECT 'it''s; fine'", 1}, {"SELECT 2", 1}}},
		{"escape string", `SELECT E'it\'s; fine'; SELECT 2`, []stmt{{`SELECT E'it\'s; fine'`, 1}, {"SELECT 2", 1}}},
		{"backslash ends a plain string", `SELECT 'a\'; SELECT 2`, []stmt{{`SELECT 'a\'`, 1}, {"SELECT 2", 1}}},
		{"semicolon in identifier", `SELECT "a;""b" FROM t; SELECT 2`, []stmt{{`SELECT "a;""b" FROM t`, 1}, {"SELECT 2", 1}}},
		{"line comment", "SELECT 1 -- not; a statement\n; SELECT 2", []stmt{{"SELECT 1 -- not; a statement", 1}, {"SELECT 2", 2}}},
		{"block comment", "SELECT /* ; */ 1; /* a\n; b */ SELECT 2", []stmt{{"SELECT /* ; */ 1", 1}, {"SELECT 2", 2}}},
		{"nested block comment", "SELECT 1 /* a /* b */ ; */; SELECT 2", []stmt{{"SELECT 1 /* a /* b */ ; */", 1}, {"SELECT 2", 1}}},
		{"comment before statement", "-- header;\nSELECT 1", []stmt{{"SELECT 1", 2}}},
		{"dollar quote", "SELECT $$a;b$$; SELECT 2", []stmt{{"SELECT $$a;b$$", 1}, {"SELECT 2", 1}}},
		{"tagged dollar quote", "SELECT $fn$ x; $$; y $fn$; SELECT 2", []stmt{{"SELECT $fn$ x; $$; y $fn$", 1}, {"SELECT 2", 1}}},
		{"parameters are not quotes", "SELECT $1; SELECT $2", []stmt{{"SELECT $1", 1}, {"SELECT $2", 1}}},
		{"dollar in identifier", `SELECT * FROM lake.ns.t$files; SELECT 2`, []stmt{{"SELECT * FROM lake.ns.t$files", 1}, {"SELECT 2", 1}}},
		{"unterminated string", "SELECT 'abc; SELECT 2", []stmt{{"SELECT 'abc; SELECT 2", 1}}},
		{"unterminated comment", "SELECT 1; /* SELECT 2;", []stmt{{"SELECT 1", 1}}},
		{"lines", "\n\nSELECT 1;\n  SELECT\n 2;\r\nSELECT 3", []stmt{{"SELECT 1", 3}, {"SELECT\n 2", 4}, {"SELECT 3", 6}}},
		{"lines after multi-line strings", "SELECT 'a\nb', \"c\nd\";\nSELECT 2", []stmt{{"SELECT 'a\nb', \"c\nd\"", 1}, {"SELECT 2", 4}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []stmt
			for _, st := range Split(tc.script) {
				got = append(got, stmt{st.Text, st.Line})
				if diff := cmp.Diff(kinds(Code(st.Text)), kinds(st.Tokens)); diff != "" {
					t.Errorf("tokens of %q are not Code(Text) (-code +tokens):\n%s", st.Text, diff)
				}
				for _, tk := range st.Tokens {
					if st.Text[tk.Start:tk.End] != tk.Text {
						t.Errorf("token %q does not stand at %d:%d of %q", tk.Text, tk.Start, tk.End, st.Text)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Split(%q) (-want +got):\n%s", tc.script, diff)
			}
		})
	}
}

// FuzzTokens checks, on any input, that the tokens put together are the
// input, that each token's text is its span, and that Split cuts only at
// semicolons that are punctuation: never inside a string, quoted
// identifier, dollar quote or comment.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{
		"SELECT 'a;b', \"c;d\", $$e;f$$, $t$g;h$t$ -- i;j\n/* k; /* l; */ m; */ FROM t; SELECT 2",
		`E'\'; x' ; X'41'; n'a';`, "a=-1;b<--c\n;?1;$n;", "1_000.5e-3;.5;1..2", "/* open ; /* ", "'open ;", `"open ;`,
		"naïve;\xff\xfe;", "$$;$a$;$$",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks := Tokens(src)
		if got := join(toks); got != src {
			t.Fatalf("tokens put together = %q, want %q", got, src)
		}
		pos := 0
		for _, tk := range toks {
			if tk.Start != pos || tk.End <= tk.Start || src[tk.Start:tk.End] != tk.Text {
				t.Fatalf("token %+v at %d is not its span", tk, pos)
			}
			pos = tk.End
		}
		// Each statement's text lies between two punctuation semicolons and
		// holds none of them.
		cuts := map[int]bool{}
		for _, tk := range toks {
			if tk.IsPunct(";") {
				cuts[tk.Start] = true
			}
		}
		search := 0
		for _, st := range Split(src) {
			at := strings.Index(src[search:], st.Text)
			if at < 0 {
				t.Fatalf("statement %q is not in the script after %d", st.Text, search)
			}
			at += search
			for i := at; i < at+len(st.Text); i++ {
				if cuts[i] {
					t.Fatalf("statement %q at %d holds the semicolon at %d", st.Text, at, i)
				}
			}
			if at > 0 {
				before := strings.TrimRightFunc(src[:at], isSpaceRune)
				if !(before == "" || cuts[len(before)-1] || strings.HasSuffix(before, "*/") || strings.Contains(src[:at], "--")) {
					t.Fatalf("statement %q at %d does not follow a semicolon or a comment: %q", st.Text, at, before)
				}
			}
			if diff := cmp.Diff(kinds(Code(st.Text)), kinds(st.Tokens)); diff != "" {
				t.Fatalf("tokens of %q are not Code(Text) (-code +tokens):\n%s", st.Text, diff)
			}
			search = at + len(st.Text)
		}
	})
}

// splitAtoms are pieces of statements that hold semicolons Split must not
// cut at, and plain ones; FuzzSplitAtoms builds scripts of them.
var splitAtoms = []string{
	"SELECT", "x", "1.5e3", "'a;b'", "'it''s;'", `E'\';'`, `"c;""d"`, "$$;$$", "$t$ $$; $t$", "$1",
	"/* ; */", "/* a /* ; */ b; */", "-- ;\n", "(", ")", "=>", "::", "x'41'", "?", "t$x",
}

// FuzzSplitAtoms checks Split against scripts whose statements are known:
// statements made of splitAtoms, joined by semicolons, come back one for
// one whatever semicolons their strings, quoted names, dollar quotes and
// comments hold.
func FuzzSplitAtoms(f *testing.F) {
	f.Add([]byte{0, 3, 255, 4, 5, 255, 6, 7, 8, 9, 10, 11, 12, 1})
	f.Add([]byte{16, 17, 255, 18, 19, 255, 13, 14, 15})
	f.Fuzz(func(t *testing.T, picks []byte) {
		var stmts []string
		var cur []string
		flush := func() {
			// A statement that is only comments is no statement.
			code := false
			for _, a := range cur {
				if !strings.HasPrefix(a, "/*") && !strings.HasPrefix(a, "--") {
					code = true
				}
			}
			if code {
				stmts = append(stmts, strings.Join(cur, " "))
			}
			cur = nil
		}
		for _, p := range picks {
			if p == 255 {
				flush()
				continue
			}
			cur = append(cur, splitAtoms[int(p)%len(splitAtoms)])
		}
		flush()
		script := strings.Join(stmts, ";\n")
		got := Split(script)
		if len(got) != len(stmts) {
			t.Fatalf("Split(%q) = %d statements, want %d", script, len(got), len(stmts))
		}
		for i, st := range got {
			if !strings.Contains(stmts[i], st.Text) {
				t.Errorf("statement %d = %q, not within %q", i, st.Text, stmts[i])
			}
		}
	})
}
