package sqlformat

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestFormatGolden formats each testdata/*.sql and compares it with the
// .golden file beside it; formatting the result again must not change it,
// and only white space and the case of letters may change.
func TestFormatGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.sql: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".sql")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Format(string(src))
			if err != nil {
				t.Fatalf("Format: %v", err)
			}
			golden := strings.TrimSuffix(file, ".sql") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if d := cmp.Diff(strings.TrimSuffix(string(want), "\n"), got); d != "" {
				t.Errorf("Format(%s) (-want +got):\n%s", file, d)
			}
			again, err := Format(got)
			if err != nil || again != got {
				t.Errorf("formatting again changes it (err %v):\n%s", err, cmp.Diff(got, again))
			}
			if squash(strings.ToUpper(string(src))) != squash(strings.ToUpper(got)) {
				t.Errorf("more than white space and case changed:\n%s", got)
			}
		})
	}
}

// squash drops white space.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func TestFormatKeeps(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"strings and comments", "select 'select from where' as s -- from where\nfrom t /* where */",
			"SELECT 'select from where' AS s -- from where\nFROM t /* where */"},
		{"dollar quotes", "select $tag$ a from b $tag$, $$ where $$", "SELECT $tag$ a from b $tag$, $$ where $$"},
		{"quoted names", `select "from", "Select" from "where"`, `SELECT "from", "Select"` + "\nFROM \"where\""},
		{"column-like words keep their case", "select date, version, first from t", "SELECT date, version, first\nFROM t"},
		{"functions keep their case", "select count(*), left(s, 2), replace(s, 'a', 'b') from t", "SELECT count(*), left(s, 2), replace(s, 'a', 'b')\nFROM t"},
		{"operators as written", "select a>=1, b::int, c->>'x', -1 from t where a<>b",
			"SELECT a>=1, b::int, c->>'x', -1\nFROM t\nWHERE a<>b"},
		{"qualified names", "select t.select, lake.crm.customers.name from lake.crm.customers t",
			"SELECT t.select, lake.crm.customers.name\nFROM lake.crm.customers t"},
		{"is distinct from", "select 1 where a is distinct from b", "SELECT 1\nWHERE a IS DISTINCT FROM b"},
		{"between and", "select 1 where a between 1 and 2 and b", "SELECT 1\nWHERE a BETWEEN 1 AND 2\n  AND b"},
		{"case when and", "select case when a and b then 1 end from t where x or y",
			"SELECT CASE WHEN a AND b THEN 1 END\nFROM t\nWHERE x\n  OR y"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Format(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("Format(%q) (-want +got):\n%s", tt.src, d)
			}
		})
	}
}

func TestFormatLeavesBrokenSQL(t *testing.T) {
	tests := []struct {
		src  string
		line int
		what string
	}{
		{"select 1;\nselect 'abc", 2, "string"},
		{`select "abc from t`, 1, "quoted name"},
		{"select 1 /* no end", 1, "comment"},
		{"select $x$ no end", 1, "string"},
	}
	for _, tt := range tests {
		got, err := Format(tt.src)
		var fe *Error
		if !errors.As(err, &fe) || fe.Line != tt.line || fe.What != tt.what {
			t.Errorf("Format(%q) error = %v, want an unterminated %s at line %d", tt.src, err, tt.what, tt.line)
		}
		if got != tt.src {
			t.Errorf("Format(%q) changed broken SQL to %q", tt.src, got)
		}
	}
}
