package agent

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/agent/schema"
)

// duckCatalog is a Catalog over a plain in-memory DuckDB database whose
// catalog lake holds generated tables: a stand-in for a large warehouse
// that is quick to build.
type duckCatalog struct {
	db     *sql.DB
	tables []Table
}

func (c *duckCatalog) Tables(context.Context) ([]Table, error) { return c.tables, nil }

func (c *duckCatalog) Query(ctx context.Context, q string, maxRows int) (*Result, error) {
	rows, err := c.db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	res := &Result{Columns: cols}
	for rows.Next() {
		if len(res.Rows) >= maxRows {
			res.Truncated = true
			break
		}
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, vals)
	}
	return res, rows.Err()
}

func col(name, typ, comment string) Column { return Column{Name: name, Type: typ, Comment: comment} }

var (
	domains  = strings.Fields("sales finance hr marketing support logistics inventory web mobile billing crm product risk ops legal")
	entities = strings.Fields(`orders invoices payments shipments tickets campaigns sessions events employees accounts
		contracts refunds returns suppliers stock_levels leads opportunities subscriptions usage audits`)
	pool = []Column{
		col("status", "VARCHAR", "Lifecycle status of the record"),
		col("amount", "DECIMAL(12,2)", "Amount in the account currency"),
		col("currency", "VARCHAR", "ISO 4217 currency code"),
		col("country", "VARCHAR", "Country of the counterparty"),
		col("owner", "VARCHAR", "Employee who owns the record"),
		col("priority", "VARCHAR", "Priority assigned at triage"),
		col("channel", "VARCHAR", "Channel the record came in through"),
		col("quantity", "INTEGER", "Number of items"),
		col("score", "DOUBLE", "Model score between 0 and 1"),
		col("notes", "VARCHAR", "Free text notes"),
		col("is_active", "BOOLEAN", "Whether the record is active"),
		col("updated_at", "TIMESTAMP", "When the record last changed"),
		col("source_system", "VARCHAR", "System the record was loaded from"),
		col("cost_center", "VARCHAR", "Cost center code"),
		col("discount", "DECIMAL(5,2)", "Discount applied, in percent"),
		col("tax", "DECIMAL(12,2)", "Tax amount"),
		col("segment", "VARCHAR", "Customer segment"),
		col("tier", "VARCHAR", "Service tier"),
	}
)

// bigCatalog builds 300 generated tables plus the two sample schemas
// (lake.telco.customers, lake.retail.daily_sales), each with a few rows.
func bigCatalog(tb testing.TB) *duckCatalog {
	tb.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		tb.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { db.Close() })
	c := &duckCatalog{db: db}
	exec := func(q string) {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%v\n%s", err, q)
		}
	}
	exec("ATTACH ':memory:' AS lake")
	add := func(ns, name, comment string, cols []Column, rows int) {
		var defs, sel []string
		for i, col := range cols {
			defs = append(defs, schema.QuoteIdent(col.Name)+" "+col.Type)
			switch schema.KindOf(col.Type) {
			case schema.Text:
				sel = append(sel, fmt.Sprintf("'%s_' || (i %% %d)", col.Name, 3+i%4))
			case schema.Bool:
				sel = append(sel, "i % 2 = 0")
			case schema.Date, schema.Timestamp:
				sel = append(sel, "DATE '2024-01-01' + CAST(i AS INTEGER)")
			default:
				sel = append(sel, "i * 1.5")
			}
		}
		exec(fmt.Sprintf("CREATE SCHEMA IF NOT EXISTS lake.%s", ns))
		exec(fmt.Sprintf("CREATE TABLE lake.%s.%s (%s)", ns, name, strings.Join(defs, ", ")))
		exec(fmt.Sprintf("INSERT INTO lake.%s.%s SELECT %s FROM range(%d) r(i)", ns, name, strings.Join(sel, ", "), rows))
		c.tables = append(c.tables, Table{Name: "lake." + ns + "." + name, Comment: comment, Rows: int64(rows), Columns: cols})
	}
	for d, dom := range domains {
		for e, ent := range entities {
			single := strings.TrimSuffix(ent, "s")
			cols := []Column{col(single+"_id", "BIGINT", "Primary key"), col("created_at", "TIMESTAMP", "When the "+single+" was created")}
			for k := 0; k < 6+(d+e)%12; k++ {
				cols = append(cols, pool[(d*7+e*3+k)%len(pool)])
			}
			add(dom, ent, fmt.Sprintf("%s %s from the %s system", strings.ToUpper(dom[:1])+dom[1:], strings.ReplaceAll(ent, "_", " "), dom), cols, 20)
		}
	}
	add("telco", "customers", "Telecom subscribers and whether they churned", []Column{
		col("customer_id", "VARCHAR", ""), col("gender", "VARCHAR", ""), col("senior_citizen", "BOOLEAN", ""),
		col("tenure_months", "INTEGER", "Whole months as a customer"), col("contract", "VARCHAR", ""),
		col("internet_service", "VARCHAR", ""), col("monthly_charges", "DECIMAL(8,2)", ""), col("churned", "BOOLEAN", ""),
	}, 50)
	exec("UPDATE lake.telco.customers SET contract = ['Month-to-month', 'One year', 'Two year'][1 + tenure_months::INT % 3]")
	add("retail", "daily_sales", "Daily unit sales per store and product", []Column{
		col("sale_date", "DATE", ""), col("store_name", "VARCHAR", ""), col("city", "VARCHAR", ""), col("category", "VARCHAR", ""),
		col("units", "INTEGER", ""), col("revenue", "DECIMAL(12,2)", ""),
	}, 50)
	return c
}

// TestPromptScales checks schema linking on a 302-table catalog: the
// prompt carries the right table and is a small fraction of a full dump.
func TestPromptScales(t *testing.T) {
	ctx := context.Background()
	cat := bigCatalog(t)
	a := New(Config{Provider: ProviderOpenAI, BaseURL: "http://127.0.0.1:1/v1"}, cat)
	full := schema.EstimateTokens(a.systemPromptText(fullSchemaText(cat.tables)))
	tests := []struct{ q, want string }{
		{"What is the churn rate by contract?", "lake.telco.customers"},
		{"Revenue by store name in 2024", "lake.retail.daily_sales"},
		{"How many support tickets are open, by priority?", "lake.support.tickets"},
		{"How many refunds were there in finance?", "lake.finance.refunds"},
		{"Which month-to-month customers have the highest monthly charges?", "lake.telco.customers"},
	}
	total := 0.0
	for _, tt := range tests {
		tables, _ := cat.Tables(ctx)
		l, err := a.link(ctx, &Timing{}, tt.q, nil, tables)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, m := range l.prompt {
			names = append(names, m.Table.Name)
		}
		if !contains(names, tt.want) {
			t.Errorf("%q: prompt tables %v lack %s", tt.q, names, tt.want)
		}
		linked := schema.EstimateTokens(a.systemPrompt(l))
		ratio := float64(linked) / float64(full)
		total += ratio
		t.Logf("%q: %d tables in the prompt, ~%d tokens vs ~%d for the full dump (ratio %.3f)", tt.q, len(l.prompt), linked, full, ratio)
	}
	avg := total / float64(len(tests))
	t.Logf("%d tables: linked prompt / full dump = %.3f on average (~%d tokens for the full dump)", len(cat.tables), avg, full)
	if avg > 0.1 {
		t.Errorf("linked prompts are %.1f%% of the full dump, want under 10%%", 100*avg)
	}
}

// BenchmarkPromptSize measures linking on the 302-table catalog and
// reports the linked prompt's size against the full dump's, measured in
// the same run.
func BenchmarkPromptSize(b *testing.B) {
	ctx := context.Background()
	cat := bigCatalog(b)
	a := New(Config{Provider: ProviderOpenAI, BaseURL: "http://127.0.0.1:1/v1"}, cat)
	full := schema.EstimateTokens(a.systemPromptText(fullSchemaText(cat.tables)))
	tables, _ := cat.Tables(ctx)
	var linked int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l, err := a.link(ctx, &Timing{}, "What is the churn rate by contract?", nil, tables)
		if err != nil {
			b.Fatal(err)
		}
		linked = schema.EstimateTokens(a.systemPrompt(l))
	}
	b.ReportMetric(float64(full), "full-tokens")
	b.ReportMetric(float64(linked), "linked-tokens")
	b.ReportMetric(float64(linked)/float64(full), "linked/full")
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
