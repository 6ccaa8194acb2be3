package agent

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/agent/lake"
	"github.com/floehq/floe/agent/schema"
	"github.com/floehq/floe/engine/lakesql"
)

// bigLake creates the tables of bigCatalog as lake tables: 300 generated
// tables over 15 namespaces, 20 rows each, plus lake.telco.customers and
// lake.retail.daily_sales.
func bigLake(tb testing.TB) *lakesql.Session {
	tb.Helper()
	s := openLake(tb)
	create := func(ns, name, comment string, cols []Column, rows int) string {
		var sel []string
		for i, c := range cols {
			var e string
			switch schema.KindOf(c.Type) {
			case schema.Text:
				e = fmt.Sprintf("'%s_' || (i %% %d)", c.Name, 3+i%4)
			case schema.Bool:
				e = "i % 2 = 0"
			case schema.Date, schema.Timestamp:
				e = "DATE '2024-01-01' + CAST(i AS INTEGER)"
			default:
				e = "i * 1.5"
			}
			sel = append(sel, fmt.Sprintf("CAST(%s AS %s) AS %s", e, c.Type, schema.QuoteIdent(c.Name)))
		}
		return fmt.Sprintf("CREATE TABLE lake.%s.%s AS SELECT %s FROM range(%d) r(i);\n", ns, name, strings.Join(sel, ", "), rows)
	}
	for d, dom := range domains {
		var b strings.Builder
		b.WriteString("CREATE SCHEMA lake." + dom + ";\n")
		for e, ent := range entities {
			single := strings.TrimSuffix(ent, "s")
			cols := []Column{col(single+"_id", "BIGINT", ""), col("created_at", "TIMESTAMP", "")}
			for k := 0; k < 6+(d+e)%12; k++ {
				cols = append(cols, pool[(d*7+e*3+k)%len(pool)])
			}
			b.WriteString(create(dom, ent, "", cols, 20))
		}
		mustExec(tb, s, b.String())
	}
	mustExec(tb, s, "CREATE SCHEMA lake.telco;\nCREATE SCHEMA lake.retail;\n"+
		create("telco", "customers", "", []Column{
			col("customer_id", "VARCHAR", ""), col("gender", "VARCHAR", ""), col("senior_citizen", "BOOLEAN", ""),
			col("tenure_months", "INTEGER", ""), col("contract", "VARCHAR", ""), col("internet_service", "VARCHAR", ""),
			col("monthly_charges", "DECIMAL(8,2)", ""), col("churned", "BOOLEAN", ""),
		}, 50)+
		create("retail", "daily_sales", "", []Column{
			col("sale_date", "DATE", ""), col("store_name", "VARCHAR", ""), col("city", "VARCHAR", ""), col("category", "VARCHAR", ""),
			col("units", "INTEGER", ""), col("revenue", "DECIMAL(12,2)", ""),
		}, 50))
	return s
}

// BenchmarkOfflineAsk measures a question answered by the offline planner
// on a 302-table lake warehouse once its tables are profiled: the whole of
// Agent.Ask (listing the catalog, linking, planning, the read-only guard
// and the query), median per question. The baseline, measured in the same
// run, is a SELECT 1 round trip through the same catalog.
func BenchmarkOfflineAsk(b *testing.B) {
	ctx := context.Background()
	t0 := time.Now()
	s := bigLake(b)
	b.Logf("302 lake tables created in %v", time.Since(t0).Round(time.Millisecond))
	cat := lake.NewCatalog(s)
	a := New(Config{}, cat)
	qs := []string{
		"What is the churn rate by contract?",
		"Revenue by store name in 2024",
		"How many support tickets are there, by priority?",
		"How many refunds were there in finance?",
		"average monthly charges by internet service",
		"total tax of logistics shipments by segment",
	}
	t0 = time.Now()
	for _, q := range qs {
		if _, err := a.Ask(ctx, q, nil); err != nil {
			b.Fatalf("%q: %v", q, err)
		}
	}
	b.Logf("first round (profiling) %v", time.Since(t0).Round(time.Millisecond))
	var ask, one []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			t := time.Now()
			if _, err := a.Ask(ctx, q, nil); err != nil {
				b.Fatalf("%q: %v", q, err)
			}
			ask = append(ask, time.Since(t))
			t = time.Now()
			if _, err := cat.Query(ctx, "SELECT 1", 1); err != nil {
				b.Fatal(err)
			}
			one = append(one, time.Since(t))
		}
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(median(ask)), "ms/question")
	b.ReportMetric(ms(median(one)), "ms/select-1")
	b.ReportMetric(float64(median(ask))/float64(median(one)), "question/select-1")
}

// queryOnly hides a catalog's metadata, so that profiles are computed by
// query alone, as before profiles read metadata.
type queryOnly struct{ Catalog }

// BenchmarkProfileLargeTable measures profiling one 4-million-row lake
// table in 8 data files from metadata and a bounded sample, against the
// same profile computed by an aggregate query over the table (measured in
// the same run).
func BenchmarkProfileLargeTable(b *testing.B) {
	ctx := context.Background()
	s := openLake(b)
	mustExec(b, s, "CREATE SCHEMA lake.big")
	for k := 0; k < 8; k++ {
		sel := fmt.Sprintf(`SELECT CAST(%[1]d * 500000 + i AS BIGINT) AS id, ['a', 'b', 'c', 'd'][1 + i %% 4] AS kind,
  DATE '2020-01-01' + CAST(i %% 2000 AS INTEGER) AS day, CAST(i %% 997 AS DOUBLE) AS value FROM range(500000) r(i)`, k)
		if k == 0 {
			mustExec(b, s, "CREATE TABLE lake.big.events AS "+sel)
		} else {
			mustExec(b, s, "INSERT INTO lake.big.events "+sel)
		}
	}
	cat := lake.NewCatalog(s)
	tbl := lakeTable(b, cat, "lake.big.events")
	var meta, full []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		if _, err := schema.ProfileTable(ctx, cat, tbl); err != nil {
			b.Fatal(err)
		}
		meta = append(meta, time.Since(t))
		t = time.Now()
		if _, err := schema.ProfileTable(ctx, queryOnly{cat}, tbl); err != nil {
			b.Fatal(err)
		}
		full = append(full, time.Since(t))
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(median(meta)), "ms/profile")
	b.ReportMetric(ms(median(full)), "ms/profile-by-query")
	b.ReportMetric(float64(median(meta))/float64(median(full)), "profile/by-query")
}
