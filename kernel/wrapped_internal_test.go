package kernel

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/internal/sqltext"
)

// TestWrappedStatementTokens checks that a statement wrapped in floe's own
// SQL carries the tokens a scan of the whole text finds: the statement's
// tokens from Split, moved along, between the prefix's and the suffix's.
func TestWrappedStatementTokens(t *testing.T) {
	for _, src := range []string{
		"SELECT 1",
		"SELECT 'a;b', \"Odd Name\" FROM lake.s.t -- trailing comment",
		"-- lead\nSELECT x /* mid */ FROM t WHERE y = $$z;$$\nORDER BY 1",
		"FROM t SELECT E'it\\'s'",
		"SELECT 'open string",
		"SELECT 1 /* open comment",
	} {
		t.Run(src, func(t *testing.T) {
			stmts := lakesql.Split(src)
			if len(stmts) != 1 {
				t.Fatalf("Split(%q) = %d statements", src, len(stmts))
			}
			got := wrappedStatement("SELECT * FROM (", stmts[0], ") AS floe_shown LIMIT 11")
			text := wrapped("SELECT * FROM (", stmts[0].Text, ") AS floe_shown LIMIT 11")
			if got.Text != text || got.Line != 1 {
				t.Fatalf("text %q line %d, want %q line 1", got.Text, got.Line, text)
			}
			if d := cmp.Diff(sqltext.Code(text), got.Tokens); d != "" {
				t.Errorf("tokens differ from a scan of the whole text (-scan +got):\n%s", d)
			}
		})
	}
}
