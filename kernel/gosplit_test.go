package kernel

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSplitGo(t *testing.T) {
	type unit struct {
		Kind  unitKind
		Line  int
		Text  string
		Decls []string
	}
	tests := []struct {
		name string
		src  string
		want []unit
	}{
		{"statements", "x := 1\ny, z := 2, 3\nfmt.Println(x)", []unit{
			{unitStmt, 1, "x := 1", []string{"x"}},
			{unitStmt, 2, "y, z := 2, 3", []string{"y", "z"}},
			{unitStmt, 3, "fmt.Println(x)", nil},
		}},
		{"mixed", "import \"strings\"\n\ntype T struct {\n\tA int\n}\n\nfunc (t T) M() int { return t.A }\nvar ts []T\nfunc f() {}\nfunc() { x = 1 }()\n", []unit{
			{unitImport, 1, `import "strings"`, nil},
			{unitDecl, 3, "type T struct {\n\tA int\n}", []string{"T"}},
			{unitDecl, 7, "func (t T) M() int { return t.A }", nil},
			{unitDecl, 8, "var ts []T", []string{"ts"}},
			{unitDecl, 9, "func f() {}", []string{"f"}},
			{unitStmt, 10, "func() { x = 1 }()", nil},
		}},
		{"groups", "var (\n\ta = 1\n\tb, c int\n)\nconst d = 2", []unit{
			{unitDecl, 1, "var (\n\ta = 1\n\tb, c int\n)", []string{"a", "b", "c"}},
			{unitDecl, 5, "const d = 2", []string{"d"}},
		}},
		{"multi-line statement", "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}\nt", []unit{
			{unitStmt, 1, "for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}", nil},
			{unitStmt, 4, "t", nil},
		}},
		{"if else", "if x := f(); x > 1 {\n} else if y; z {\n}\nswitch a := 1; a {\n}", []unit{
			{unitStmt, 1, "if x := f(); x > 1 {\n} else if y; z {\n}", nil},
			{unitStmt, 4, "switch a := 1; a {\n}", nil},
		}},
		{"explicit semicolons", "a := 1; b := 2", []unit{
			{unitStmt, 1, "a := 1;", []string{"a"}},
			{unitStmt, 1, "b := 2", []string{"b"}},
		}},
		{"comments", "// note\nx := 1 // one\n/* two */", []unit{
			{unitStmt, 2, "x := 1 // one", []string{"x"}},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			units, err := splitGo(tc.src)
			if err != nil {
				t.Fatal(err)
			}
			var got []unit
			for _, u := range units {
				got = append(got, unit{u.kind, u.line, tc.src[u.start:u.end], u.decls})
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("splitGo (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDisplayable(t *testing.T) {
	for src, want := range map[string]bool{
		"t":                     true,
		"x + 1":                 true,
		`floe.Result("a")`:      true,
		"f(1)":                  true,
		`fmt.Println("a")`:      false,
		`floe.Display(t)`:       false,
		`println(1)`:            false,
		"x := 1":                false,
		"for {}":                false,
		`floe.Register("a", t)`: false,
	} {
		if got := displayable(src); got != want {
			t.Errorf("displayable(%q) = %v, want %v", src, got, want)
		}
	}
}
