package lakesql

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// pruneFixture holds lake.ns.ev, partitioned by day(ts) with one file per
// day plus one for NULL ts, and lake.ns.ids, unpartitioned with one file
// per disjoint id range; and copies of both as plain DuckDB tables.
func pruneFixture(t *testing.T) *lakeFixture {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.ev (id INTEGER, ts TIMESTAMP, kind VARCHAR, amount DOUBLE) PARTITIONED BY (day(ts));
		CREATE TABLE lake.ns.ids (id BIGINT, v VARCHAR, dec DECIMAL(10,2), f FLOAT, d DATE)`)
	for day := 1; day <= 6; day++ {
		f.exec(fmt.Sprintf(`INSERT INTO lake.ns.ev SELECT %d * 100 + r, TIMESTAMP '2024-03-0%d 00:10:00' + INTERVAL (r * 137) MINUTE,
			(['click', 'view', 'buy'])[r %% 3 + 1], r * 1.5 FROM range(10) t(r)`, day, day))
	}
	f.exec(`INSERT INTO lake.ns.ev VALUES (999, NULL, 'lost', NULL)`)
	for k := 0; k < 5; k++ {
		f.exec(fmt.Sprintf(`INSERT INTO lake.ns.ids SELECT r, 'v' || r, r * 1.25, r / 4, DATE '2024-01-01' + r::INTEGER
			FROM range(%d, %d) t(r)`, k*100, k*100+100))
	}
	f.exec(`CREATE TABLE memory.main.ev AS SELECT * FROM lake.ns.ev;
		CREATE TABLE memory.main.ids AS SELECT * FROM lake.ns.ids;
		CREATE TABLE memory.main.days AS SELECT DATE '2024-02-28' + r::INTEGER AS day FROM range(12) t(r)`)
	return f
}

// TestPruning runs each query on the lake tables and on plain DuckDB
// copies: results must match, and the lake scans must keep exactly the
// files the predicate allows (or none pruned, -1, where pruning would be
// wrong or floe cannot tell).
func TestPruning(t *testing.T) {
	f := pruneFixture(t)
	if n := len(f.table("ns", "ev").Snapshots()); n != 7 {
		t.Fatalf("lake.ns.ev has %d snapshots, want 7", n)
	}

	const noPrune = -1
	for _, tc := range []struct {
		name    string
		query   string // {ev} and {ids} stand for the tables
		evFiles int
		idFiles int
	}{
		// Partition pruning on day(ts).
		{"ts range", `SELECT * FROM {ev} WHERE ts >= '2024-03-05'`, 2, noPrune},
		{"ts typed range", `SELECT * FROM {ev} WHERE ts >= TIMESTAMP '2024-03-03 00:00:00' AND ts < TIMESTAMP '2024-03-04 00:00:00'`, 1, noPrune},
		{"ts between", `SELECT * FROM {ev} WHERE ts BETWEEN '2024-03-02' AND '2024-03-02 23:59:59'`, 1, noPrune},
		{"ts flipped", `SELECT * FROM {ev} WHERE TIMESTAMP '2024-03-02 00:00:00' > ts`, 1, noPrune},
		{"ts in", `SELECT * FROM {ev} WHERE ts IN (TIMESTAMP '2024-03-02 02:27:00', TIMESTAMP '2024-03-04 00:10:00')`, 2, noPrune},
		{"or of ranges", `SELECT * FROM {ev} WHERE ts < '2024-03-02' OR ts >= '2024-03-06'`, 2, noPrune},
		{"and with non-column", `SELECT * FROM {ev} WHERE ts >= '2024-03-06' AND random() < 2`, 1, noPrune},
		{"qualified", `SELECT e.id FROM {ev} e WHERE e.ts < '2024-03-02'`, 1, noPrune},
		{"date cast of midnight", `SELECT * FROM {ev} WHERE ts >= CAST('2024-03-06' AS DATE)`, 1, noPrune},
		{"cte", `WITH x AS (SELECT * FROM {ev} WHERE ts >= '2024-03-06') SELECT count(*), sum(amount) FROM x`, 1, noPrune},
		{"union", `SELECT id FROM {ev} WHERE ts < '2024-03-02' UNION ALL SELECT id FROM {ev} WHERE ts >= '2024-03-06'`, 2, noPrune},
		{"no match", `SELECT * FROM {ev} WHERE ts > '2030-01-01'`, 0, noPrune},

		// Column statistics on the unpartitioned table.
		{"id eq", `SELECT * FROM {ids} WHERE id = 250`, noPrune, 1},
		{"id range", `SELECT * FROM {ids} WHERE id >= 380`, noPrune, 2},
		{"id between", `SELECT * FROM {ids} WHERE id BETWEEN 150 AND 250`, noPrune, 2},
		{"id none", `SELECT * FROM {ids} WHERE id < 0`, noPrune, 0},
		{"id beyond int", `SELECT * FROM {ids} WHERE id < 3000000000`, noPrune, 5},
		{"decimal", `SELECT * FROM {ids} WHERE dec = 312.50`, noPrune, 1},
		{"decimal integer", `SELECT * FROM {ids} WHERE dec >= 600`, noPrune, 1},
		{"float exact", `SELECT * FROM {ids} WHERE f = 0.5e0`, noPrune, 1},
		{"date", `SELECT * FROM {ids} WHERE d = '2024-01-05'`, noPrune, 1},
		{"join both pruned", `SELECT e.id, i.v FROM {ev} e JOIN {ids} i ON i.id = e.id WHERE e.ts >= '2024-03-06' AND i.id >= 400`, 1, 1},

		// Predicates that must not prune, or only on what they restrict.
		{"or with non-column", `SELECT * FROM {ev} WHERE ts < '2024-03-02' OR random() < 2`, noPrune, noPrune},
		{"or with function", `SELECT * FROM {ev} WHERE ts < '2024-03-02' OR id + 0 = 505`, noPrune, noPrune},
		{"is null", `SELECT * FROM {ev} WHERE ts IS NULL`, noPrune, noPrune},
		{"coalesce", `SELECT * FROM {ev} WHERE coalesce(ts, TIMESTAMP '2024-03-01') < '2024-03-02'`, noPrune, noPrune},
		// DuckDB's parser turns NOT (ts >= x) into ts < x, which is as
		// null-rejecting as any comparison.
		{"not", `SELECT * FROM {ev} WHERE NOT (ts >= '2024-03-02')`, 1, noPrune},
		{"function of column", `SELECT * FROM {ev} WHERE CAST(ts AS DATE) = '2024-03-03'`, noPrune, noPrune},
		{"date cast that truncates", `SELECT * FROM {ev} WHERE ts >= CAST('2024-03-05 10:30:00' AS DATE)`, noPrune, noPrune},
		{"integer cast of double", `SELECT * FROM {ids} WHERE id < CAST(2.5e0 AS INTEGER)`, noPrune, noPrune},
		{"decimal that rounds", `SELECT * FROM {ids} WHERE dec = CAST(12.499 AS DECIMAL(10,2))`, noPrune, noPrune},
		{"inexact float", `SELECT * FROM {ids} WHERE f > 1e-1`, noPrune, noPrune},
		{"subquery", `SELECT * FROM {ev} WHERE ts >= (SELECT max(ts) - INTERVAL 1 DAY FROM {ev})`, noPrune, noPrune},
		{"derived table", `SELECT * FROM (SELECT * FROM {ev}) WHERE ts >= '2024-03-05'`, noPrune, noPrune},
		{"self join one side", `SELECT a.id FROM {ev} a JOIN {ev} b ON a.id = b.id WHERE a.ts >= '2024-03-06'`, noPrune, noPrune},
		{"left join on", `SELECT d.day, count(e.id) FROM memory.main.days d LEFT JOIN {ev} e ON CAST(e.ts AS DATE) = d.day AND e.ts >= '2024-03-05' GROUP BY d.day`, noPrune, noPrune},
		{"left join where", `SELECT d.day, e.id FROM memory.main.days d LEFT JOIN {ev} e ON CAST(e.ts AS DATE) = d.day WHERE e.ts >= '2024-03-05'`, 2, noPrune},
		{"left join where is null", `SELECT d.day FROM memory.main.days d LEFT JOIN {ev} e ON CAST(e.ts AS DATE) = d.day WHERE e.ts IS NULL OR e.ts >= '2024-03-05'`, noPrune, noPrune},
		{"lake left join lake", `SELECT e.id, i.v FROM {ev} e LEFT JOIN {ids} i ON i.id = e.id AND i.id > 300 WHERE e.ts < '2024-03-04'`, 3, noPrune},
		{"qualified by catalog", `SELECT lake.ns.ev.id FROM lake.ns.ev WHERE ts >= '2024-03-05'`, noPrune, noPrune},
		// The row an ASOF or POSITIONAL join pairs with depends on every
		// row of the other side, not only on those the WHERE keeps.
		{"asof join", `SELECT d.day, e.id FROM memory.main.days d ASOF JOIN {ev} e ON CAST(d.day AS TIMESTAMP) >= e.ts WHERE e.id = 309`, noPrune, noPrune},
		{"positional join", `SELECT count(*) FROM range(10) r POSITIONAL JOIN {ids} i WHERE i.id < 100`, noPrune, noPrune},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := strings.NewReplacer("{ev}", "lake.ns.ev", "{ids}", "lake.ns.ids").Replace(tc.query)
			base := strings.NewReplacer("{ev}", "memory.main.ev", "{ids}", "memory.main.ids").Replace(tc.query)
			base = strings.ReplaceAll(base, "lake.ns.ev", "memory.main.ev")
			got := sortedRows(f.strings(q))
			evFiles, idFiles := f.planFiles("lake.ns.ev"), f.planFiles("lake.ns.ids")
			want := sortedRows(f.strings(base))
			diffRows(t, q, want, got)
			if evFiles != tc.evFiles {
				t.Errorf("lake.ns.ev kept %d files, want %d (-1: not pruned)", evFiles, tc.evFiles)
			}
			if idFiles != tc.idFiles {
				t.Errorf("lake.ns.ids kept %d files, want %d (-1: not pruned)", idFiles, tc.idFiles)
			}
		})
	}
}

// TestPrunedScanStaysPrivate checks that a pruned scan serves only the
// statement that asked for it: DuckDB views over a lake table, and later
// statements, see the whole table.
func TestPrunedScanStaysPrivate(t *testing.T) {
	f := pruneFixture(t)
	f.exec(`CREATE VIEW memory.main.all_ev AS SELECT * FROM lake.ns.ev`)
	total := f.one(`SELECT count(*) FROM memory.main.ev`)
	if got := f.one(`SELECT count(*) FROM lake.ns.ev WHERE ts >= '2024-03-06'`); got != "10" {
		t.Fatalf("pruned count = %s, want 10", got)
	}
	if n := f.planFiles("lake.ns.ev"); n != 1 {
		t.Fatalf("pruned scan kept %d files, want 1", n)
	}
	for _, q := range []string{
		`SELECT count(*) FROM memory.main.all_ev`,
		`SELECT count(*) FROM lake.ns.ev`,
		`SELECT count(*) FROM lake.ns.ev WHERE ts >= '2024-03-06'; SELECT count(*) FROM memory.main.all_ev`,
	} {
		if got := f.one(q); got != total {
			t.Errorf("%s = %s, want all %s rows", q, got, total)
		}
	}
}

// TestLakeJoinsOtherSources joins lake tables with DuckDB tables, CSV and
// Parquet files.
func TestLakeJoinsOtherSources(t *testing.T) {
	f := pruneFixture(t)
	dir := t.TempDir()
	csv := filepath.Join(dir, "labels.csv")
	pq := filepath.Join(dir, "ranks.parquet")
	f.exec(fmt.Sprintf(`COPY (SELECT r * 100 + 5 AS id, 'label' || r AS label FROM range(1, 7) t(r)) TO '%s' (HEADER);
		COPY (SELECT 'v' || (r * 50) AS v, r AS rank FROM range(10) t(r)) TO '%s' (FORMAT parquet)`, csv, pq))
	for _, tc := range []struct {
		name, query string
		want        [][]string
	}{
		{"csv", fmt.Sprintf(`SELECT e.id, c.label FROM lake.ns.ev e JOIN read_csv('%s') c ON e.id = c.id WHERE e.ts >= '2024-03-05' ORDER BY e.id`, csv),
			[][]string{{"505", "label5"}, {"605", "label6"}}},
		{"parquet", fmt.Sprintf(`SELECT i.id, p.rank FROM read_parquet('%s') p JOIN lake.ns.ids i USING (v) WHERE i.id BETWEEN 100 AND 200 ORDER BY 1`, pq),
			[][]string{{"100", "2"}, {"150", "3"}, {"200", "4"}}},
		{"duckdb table", `SELECT d.day, count(e.id) FROM memory.main.days d JOIN lake.ns.ev e ON CAST(e.ts AS DATE) = d.day GROUP BY d.day ORDER BY d.day LIMIT 2`,
			[][]string{{"2024-03-01 00:00:00", "10"}, {"2024-03-02 00:00:00", "10"}}},
		{"two lake tables and csv", fmt.Sprintf(`SELECT count(*) FROM lake.ns.ev e JOIN lake.ns.ids i ON i.id = e.id - 100 JOIN read_csv('%s') c ON c.id = e.id`, csv),
			[][]string{{"5"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			diffRows(t, tc.query, tc.want, f.strings(tc.query))
		})
	}
}
