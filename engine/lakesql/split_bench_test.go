package lakesql

import (
	"fmt"
	"strings"
	"testing"

	"github.com/floehq/floe/internal/sqltext"
)

// largeScript is a script of n statements of the kinds notebooks hold:
// DDL, inserts with strings and comments, queries over lake tables.
func largeScript(n int) string {
	var b strings.Builder
	for i := range n {
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "-- step %d; load\nINSERT INTO lake.sales.orders VALUES (%d, 'it''s; %d', E'a\\'b', $$x;y$$, 1.5e3);\n", i, i, i)
		case 1:
			fmt.Fprintf(&b, "SELECT o.id, \"Order Date\", sum(amount) /* total; */ FROM lake.sales.orders o JOIN lake.crm.customers c ON o.cid = c.id WHERE o.id > %d GROUP BY ALL;\n", i)
		case 2:
			fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS lake.ns.t%d (id INTEGER, name VARCHAR) PARTITIONED BY (bucket(8, id));\n", i)
		case 3:
			fmt.Fprintf(&b, "SELECT * FROM lake.sales.orders AT (VERSION => %d) WHERE name ILIKE '%%x%%' AND id::VARCHAR <> '7';\n", i)
		}
	}
	return b.String()
}

// BenchmarkSplitTokens measures the scanning a script costs on its way
// through Session.Query before any statement runs: Split, whose tokens run
// and rewriteReads use ("handed-on"), against scanning each statement
// again in run and in rewriteReads as lakesql did before ("rescanned").
func BenchmarkSplitTokens(b *testing.B) {
	script := largeScript(2000)
	b.Run("handed-on", func(b *testing.B) {
		b.SetBytes(int64(len(script)))
		for b.Loop() {
			n := 0
			for _, st := range Split(script) {
				n += len(st.Tokens)
			}
			if n == 0 {
				b.Fatal("no tokens")
			}
		}
	})
	b.Run("rescanned", func(b *testing.B) {
		b.SetBytes(int64(len(script)))
		for b.Loop() {
			for _, st := range Split(script) {
				_ = sqltext.Code(st.Text) // run
				_ = sqltext.Code(st.Text) // rewriteReads
			}
		}
	})
}
