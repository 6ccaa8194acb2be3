package complete

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// at splits a test input at the cursor mark |.
func at(t *testing.T, s string) (string, int) {
	t.Helper()
	i := strings.Index(s, "|")
	if i < 0 {
		t.Fatalf("no cursor mark in %q", s)
	}
	return s[:i] + s[i+1:], i
}

func TestAt(t *testing.T) {
	tests := []struct {
		src       string
		ok        bool
		prefix    string
		qualifier []string
		refs      []Ref
	}{
		{src: "SEL|", ok: true, prefix: "SEL"},
		{src: "SELECT |", ok: true},
		{src: "SELECT na|me FROM t", ok: true, prefix: "na", refs: []Ref{{Parts: []string{"t"}}}},
		{src: "SELECT * FROM lake.|", ok: true, qualifier: []string{"lake"}, refs: []Ref{{Parts: []string{"lake"}}}},
		{src: "SELECT * FROM lake.sa|", ok: true, prefix: "sa", qualifier: []string{"lake"}, refs: []Ref{{Parts: []string{"lake", "sa"}}}},
		{src: "SELECT * FROM lake.sales.o|", ok: true, prefix: "o", qualifier: []string{"lake", "sales"}, refs: []Ref{{Parts: []string{"lake", "sales", "o"}}}},
		{src: `SELECT "My T".c| FROM x`, ok: true, prefix: "c", qualifier: []string{"My T"}, refs: []Ref{{Parts: []string{"x"}}}},
		{src: "SELECT x.| FROM lake.s.t AS x", ok: true, qualifier: []string{"x"}, refs: []Ref{{Parts: []string{"lake", "s", "t"}, Alias: "x"}}},
		{src: "SELECT x. | FROM t", ok: true, refs: []Ref{{Parts: []string{"t"}}}},
		{src: "SELECT 'lake.|'", ok: false},
		{src: "SELECT 1 -- lake.|", ok: false},
		{src: "SELECT 1 /* lake.| */", ok: false},
		{src: "SELECT 1 /* c */ lake.|", ok: true, qualifier: []string{"lake"}},
		{src: `SELECT "lake.|`, ok: false},
		{src: "SELECT a FROM t1; SELECT | FROM t2 y", ok: true, refs: []Ref{{Parts: []string{"t2"}, Alias: "y"}}},
		{src: "SELECT o.| FROM lake.sales.orders o JOIN lake.crm.customers AS c ON o.customer_id = c.id WHERE c.x > 1", ok: true,
			qualifier: []string{"o"}, refs: []Ref{{Parts: []string{"lake", "sales", "orders"}, Alias: "o"}, {Parts: []string{"lake", "crm", "customers"}, Alias: "c"}}},
		{src: "SELECT | FROM a, b AS bb, main.c cc WHERE 1", ok: true,
			refs: []Ref{{Parts: []string{"a"}}, {Parts: []string{"b"}, Alias: "bb"}, {Parts: []string{"main", "c"}, Alias: "cc"}}},
		{src: "SELECT | FROM (SELECT 1) AS s, read_parquet('f.parquet') p", ok: true, refs: []Ref{{Alias: "s"}, {Alias: "p"}}},
		{src: "SELECT | FROM lake.s.t AT (VERSION => 3) v LEFT JOIN u USING (id)", ok: true,
			refs: []Ref{{Parts: []string{"lake", "s", "t"}, Alias: "v"}, {Parts: []string{"u"}}}},
		{src: "UPDATE lake.s.t SET a = | WHERE b", ok: true, refs: []Ref{{Parts: []string{"lake", "s", "t"}}}},
		{src: "MERGE INTO lake.s.t AS t USING staged s ON t.id = s.|", ok: true, qualifier: []string{"s"},
			refs: []Ref{{Parts: []string{"lake", "s", "t"}, Alias: "t"}, {Parts: []string{"staged"}, Alias: "s"}}},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			src, cur := at(t, tt.src)
			ctx, ok := At(src, cur)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if ctx.Prefix != tt.prefix || ctx.Start != cur-len(tt.prefix) {
				t.Errorf("prefix %q at %d, want %q at %d", ctx.Prefix, ctx.Start, tt.prefix, cur-len(tt.prefix))
			}
			if d := cmp.Diff(tt.qualifier, ctx.Qualifier); d != "" {
				t.Errorf("qualifier (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.refs, ctx.Refs); d != "" {
				t.Errorf("refs (-want +got):\n%s", d)
			}
		})
	}
}

var testNames = &Names{
	Tables: []Table{
		{Catalog: "lake", Schema: "crm", Name: "customers", Columns: []string{"id", "name", "segment", "signup_date"}},
		{Catalog: "lake", Schema: "sales", Name: "orders", Columns: []string{"order_id", "customer_id", "amount", "Order Date"}},
		{Catalog: "lake", Schema: "sales", Name: "returns", Columns: []string{"order_id", "reason"}},
		{Catalog: "temp", Schema: "main", Name: "top_customers", Columns: []string{"customer", "revenue"}},
		{Catalog: "memory", Schema: "main", Name: "scratch", Columns: []string{"x"}},
	},
	Functions: []string{"count", "coalesce", "date_trunc", "sum", "strftime", "string_split"},
}

func texts(items []Item, n int) []string {
	var out []string
	for i, it := range items {
		if n > 0 && i == n {
			break
		}
		out = append(out, it.Text)
	}
	return out
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		src  string
		n    int // how many items to compare; 0 for all
		want []string
	}{
		// Keywords in the case typed; prefix before fuzzy.
		{src: "SEL|", want: []string{"SELECT"}},
		{src: "sel|", want: []string{"select"}},
		// Columns of the statement's tables first.
		{src: "SELECT na| FROM lake.crm.customers", want: []string{"name", "natural"}},
		// After lake.: namespaces, then ns.table.
		{src: "SELECT * FROM lake.|", want: []string{"crm.customers", "sales.orders", "sales.returns", "crm", "sales"}},
		{src: "SELECT * FROM lake.sa|", want: []string{"sales.orders", "sales.returns", "sales"}},
		{src: "SELECT * FROM lake.sales.|", want: []string{"orders", "returns"}},
		{src: "SELECT * FROM lake.sales.r|", want: []string{"returns"}},
		// Full lake names from nothing, matched by the table's name too.
		{src: "SELECT * FROM ord|", n: 1, want: []string{"lake.sales.orders"}},
		{src: "SELECT * FROM lake.sales.orders o WHERE o.|", want: []string{"order_id", "customer_id", "amount", `"Order Date"`}},
		// Aliases: x. offers t's columns, wherever the FROM is.
		{src: "SELECT x.| FROM lake.crm.customers AS x", want: []string{"id", "name", "segment", "signup_date"}},
		{src: "SELECT x.s| FROM lake.crm.customers AS x", want: []string{"segment", "signup_date"}},
		// By the table's own name, and named results (temp tables).
		{src: "SELECT orders.a| FROM lake.sales.orders", want: []string{"amount"}},
		{src: "SELECT top_customers.| FROM top_customers", want: []string{"customer", "revenue"}},
		{src: "SELECT | FROM top_customers t", n: 3, want: []string{"customer", "revenue", "t"}},
		{src: "SELECT * FROM top|", want: []string{"top_customers"}},
		{src: "SELECT * FROM main.|", want: []string{"top_customers", "scratch"}},
		// Fuzzy after prefix: dt -> date_trunc; scnt matches nothing.
		{src: "SELECT dt|", want: []string{"date_trunc"}},
		{src: "SELECT strs|", want: []string{"string_split"}},
		{src: "SELECT cust| FROM lake.sales.orders", n: 2, want: []string{"customer_id", "lake.crm.customers"}},
		{src: "SELECT qqq|", want: nil},
		// Unknown alias: nothing to offer after the dot.
		{src: "SELECT zz.| FROM lake.crm.customers c", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			src, cur := at(t, tt.src)
			ctx, ok := At(src, cur)
			if !ok {
				t.Fatal("no context")
			}
			got := texts(Candidates(ctx, testNames), tt.n)
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("candidates (-want +got):\n%s", d)
			}
		})
	}
}

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{"a_1": "a_1", "Order Date": `"Order Date"`, "1x": `"1x"`, `a"b`: `"a""b"`, "": `""`} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}
