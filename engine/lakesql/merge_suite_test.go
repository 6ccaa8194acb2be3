package lakesql

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The MERGE workload of issue 20: TPC-DS's web_returns, generated in SQL,
// and a suite shaped like EMR's MERGE benchmark (inserts, upserts, deletes
// of rows and of whole partitions), run on floe copy-on-write, floe
// merge-on-read (v3 deletion vectors) and a DuckDB native table.

// webReturnsCols are TPC-DS's 24 web_returns columns and their types.
var webReturnsCols = [][2]string{
	{"wr_returned_date_sk", "INTEGER"}, {"wr_returned_time_sk", "INTEGER"}, {"wr_item_sk", "INTEGER"},
	{"wr_refunded_customer_sk", "INTEGER"}, {"wr_refunded_cdemo_sk", "INTEGER"}, {"wr_refunded_hdemo_sk", "INTEGER"},
	{"wr_refunded_addr_sk", "INTEGER"}, {"wr_returning_customer_sk", "INTEGER"}, {"wr_returning_cdemo_sk", "INTEGER"},
	{"wr_returning_hdemo_sk", "INTEGER"}, {"wr_returning_addr_sk", "INTEGER"}, {"wr_web_page_sk", "INTEGER"},
	{"wr_reason_sk", "INTEGER"}, {"wr_order_number", "BIGINT"}, {"wr_return_quantity", "INTEGER"},
	{"wr_return_amt", "DECIMAL(7,2)"}, {"wr_return_tax", "DECIMAL(7,2)"}, {"wr_return_amt_inc_tax", "DECIMAL(7,2)"},
	{"wr_fee", "DECIMAL(7,2)"}, {"wr_return_ship_cost", "DECIMAL(7,2)"}, {"wr_refunded_cash", "DECIMAL(7,2)"},
	{"wr_reversed_charge", "DECIMAL(7,2)"}, {"wr_account_credit", "DECIMAL(7,2)"}, {"wr_net_loss", "DECIMAL(7,2)"},
}

// webReturnsMacro defines web_returns_gen(lo, n, days): rows lo..lo+n-1 of
// a deterministic web_returns, every column a hash of the row number.
// Dimension keys range as at TPC-DS SF 100 (204,000 items, 2M customers,
// 1.92M demographics, 7,200 household demographics, 1M addresses, 2,040 web
// pages, 55 reasons); about 4% of the dimension keys are NULL as in dsdgen's
// output; (wr_item_sk, wr_order_number) is unique. Returned dates spread
// over days days from 1998-01-02 (2450816): 2,184 at SF 100, fewer at
// smaller sizes so a partition keeps SF 100's ~3,300 rows.
const webReturnsMacro = `CREATE OR REPLACE MACRO web_returns_gen(lo, n, days) AS TABLE
SELECT
  CAST(2450816 + hash(i, 1) % days AS INTEGER) AS wr_returned_date_sk,
  CAST(hash(i, 2) % 86400 AS INTEGER) AS wr_returned_time_sk,
  CAST(1 + hash(i, 3) % 204000 AS INTEGER) AS wr_item_sk,
  CASE WHEN hash(i, 40) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 4) % 2000000 AS INTEGER) END AS wr_refunded_customer_sk,
  CASE WHEN hash(i, 41) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 5) % 1920800 AS INTEGER) END AS wr_refunded_cdemo_sk,
  CASE WHEN hash(i, 42) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 6) % 7200 AS INTEGER) END AS wr_refunded_hdemo_sk,
  CASE WHEN hash(i, 43) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 7) % 1000000 AS INTEGER) END AS wr_refunded_addr_sk,
  CASE WHEN hash(i, 44) % 25 = 0 THEN NULL WHEN hash(i, 8) % 10 < 9 THEN CAST(1 + hash(i, 4) % 2000000 AS INTEGER) ELSE CAST(1 + hash(i, 9) % 2000000 AS INTEGER) END AS wr_returning_customer_sk,
  CASE WHEN hash(i, 45) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 10) % 1920800 AS INTEGER) END AS wr_returning_cdemo_sk,
  CASE WHEN hash(i, 46) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 11) % 7200 AS INTEGER) END AS wr_returning_hdemo_sk,
  CASE WHEN hash(i, 47) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 12) % 1000000 AS INTEGER) END AS wr_returning_addr_sk,
  CASE WHEN hash(i, 48) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 13) % 2040 AS INTEGER) END AS wr_web_page_sk,
  CASE WHEN hash(i, 49) % 25 = 0 THEN NULL ELSE CAST(1 + hash(i, 14) % 55 AS INTEGER) END AS wr_reason_sk,
  CAST(i * 10 + 1 + hash(i, 15) % 10 AS BIGINT) AS wr_order_number,
  CAST(1 + hash(i, 16) % 100 AS INTEGER) AS wr_return_quantity,
  CAST(wr_return_quantity * (1 + hash(i, 17) % 30000) / 100 AS DECIMAL(7,2)) AS wr_return_amt,
  CAST(wr_return_amt * (hash(i, 18) % 10) / 100 AS DECIMAL(7,2)) AS wr_return_tax,
  CAST(wr_return_amt + wr_return_tax AS DECIMAL(7,2)) AS wr_return_amt_inc_tax,
  CAST((50 + hash(i, 19) % 10000) / 100 AS DECIMAL(7,2)) AS wr_fee,
  CAST(wr_return_amt * (hash(i, 20) % 50) / 100 AS DECIMAL(7,2)) AS wr_return_ship_cost,
  CAST(wr_return_amt * (hash(i, 21) % 100) / 100 AS DECIMAL(7,2)) AS wr_refunded_cash,
  CAST((wr_return_amt - wr_refunded_cash) * (hash(i, 22) % 100) / 100 AS DECIMAL(7,2)) AS wr_reversed_charge,
  CAST(wr_return_amt - wr_refunded_cash - wr_reversed_charge AS DECIMAL(7,2)) AS wr_account_credit,
  CAST(wr_return_ship_cost + wr_fee + wr_return_tax AS DECIMAL(7,2)) AS wr_net_loss
FROM range(lo, lo + n) r(i)`

// webReturnsDays is the number of returned dates (partitions) for n rows.
func webReturnsDays(n int64) int64 { return min(2184, max(10, n/3300)) }

// mergeQuery is one MERGE of the suite: source is a query over the
// reference table ref (the DuckDB native table, equal to the lake tables
// when the query starts) that is materialised before the MERGE is timed;
// then is the MERGE's WHEN clauses.
type mergeQuery struct {
	name, source, then string
}

// mergeOn joins a source row to its target row: by partition and key.
const mergeOn = "t.wr_returned_date_sk = s.wr_returned_date_sk AND t.wr_item_sk = s.wr_item_sk AND t.wr_order_number = s.wr_order_number"

// mergeSuite returns the suite for a base table of n rows: insert-only
// MERGEs of 5%, 10%, 50%, 100% new rows, upserts of a% matched + b% new
// rows, deletes of 1% and 10% of rows, of one partition and of a range of
// partitions. Percentages are of n; matched rows are picked by a hash of
// the key, new rows continue the generator past the rows already there.
func mergeSuite(n int64) []mergeQuery {
	days := webReturnsDays(n)
	next := n
	fresh := func(pct float64) string {
		k := int64(math.Round(float64(n) * pct / 100))
		q := fmt.Sprintf("SELECT * FROM web_returns_gen(%d, %d, %d)", next, k, days)
		next += k
		return q
	}
	// matched picks pct% of ref's rows and changes their measures.
	matched := func(pct float64, seed int) string {
		return fmt.Sprintf(`SELECT * REPLACE (
  wr_return_quantity %% 100 + 1 AS wr_return_quantity,
  CAST(wr_return_amt + 1 AS DECIMAL(7,2)) AS wr_return_amt,
  CAST(wr_fee / 2 AS DECIMAL(7,2)) AS wr_fee,
  CAST(coalesce(wr_reason_sk, 0) %% 55 + 1 AS INTEGER) AS wr_reason_sk,
  NULL::INTEGER AS wr_web_page_sk)
FROM ref WHERE hash(wr_order_number, %d) %% 10000 < %d`, seed, int(pct*100))
	}
	keys := func(where string) string {
		return "SELECT wr_returned_date_sk, wr_item_sk, wr_order_number FROM ref WHERE " + where
	}
	const upsert = "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *"
	const del = "WHEN MATCHED THEN DELETE"
	var qs []mergeQuery
	for _, p := range []float64{5, 10, 50, 100} {
		qs = append(qs, mergeQuery{fmt.Sprintf("insert %g%%", p), fresh(p), upsert})
	}
	for i, p := range [][2]float64{{1, 10}, {10, 1}, {50, 50}, {99, 1}} {
		qs = append(qs, mergeQuery{fmt.Sprintf("upsert %g%%+%g%%", p[0], p[1]), matched(p[0], 100+i) + "\nUNION ALL " + fresh(p[1]), upsert})
	}
	qs = append(qs,
		mergeQuery{"delete 1%", keys("hash(wr_order_number, 200) % 10000 < 100"), del},
		mergeQuery{"delete 10%", keys("hash(wr_order_number, 201) % 10000 < 1000"), del},
		mergeQuery{"delete 1 partition", keys(fmt.Sprintf("wr_returned_date_sk = %d", 2450816+days/2)), del},
		mergeQuery{"delete partitions", keys(fmt.Sprintf("wr_returned_date_sk BETWEEN %d AND %d", 2450816+days/5, 2450816+days/5+days/10)), del},
	)
	return qs
}

// mergeEngine is one side of the comparison.
type mergeEngine struct {
	name, table string
	lake        string // "" for DuckDB; else the table's name in lake.merge_bench
}

var mergeEngines = []mergeEngine{
	{"floe CoW", "lake.merge_bench.cow", "cow"},
	{"floe MoR", "lake.merge_bench.mor", "mor"},
	{"DuckDB", "native.web_returns", ""},
}

// mergeResult is one query on one engine.
type mergeResult struct {
	elapsed     time.Duration
	sourceRows  int64
	dataFiles   int64 // data files added
	deleteFiles int64 // delete files or deletion vectors added
	// bytes is what the statement wrote under the table's data directory:
	// the sizes of the data and delete files there that were not there
	// before, each file once (a Puffin file holding many deletion vectors
	// counts once, as do files written and coalesced away in the same
	// commit). Manifests and metadata are not counted.
	bytes int64
	live  int64 // data files in the table after the query
}

// mergeRun is a loaded suite: the session, its tables and base size.
type mergeRun struct {
	tb  testing.TB
	ctx context.Context
	s   *Session
	n   int64
	// on says which of mergeEngines run (DuckDB always does: it is the
	// reference the lake tables are checked against).
	on [3]bool

	// cur names the engine running; phases sums the MERGE phases dmlTrace
	// reports by engine and phase, when the benchmark traces them.
	cur    string
	phases map[string]time.Duration
	// byQuery sums merge-on-read's phases by query (query index, phase).
	query   int
	byQuery map[int]map[string]time.Duration

	// progress, when set (BenchmarkMergeSuite -v), gets a line per query
	// as it finishes, so a long run shows how far it got.
	progress io.Writer
	started  time.Time
}

func (r *mergeRun) exec(q string) time.Duration {
	r.tb.Helper()
	start := time.Now()
	if err := r.s.Exec(r.ctx, q); err != nil {
		r.tb.Fatalf("%s\n: %v", q, err)
	}
	return time.Since(start)
}

func (r *mergeRun) row(q string) []any {
	r.tb.Helper()
	rows, err := r.s.Query(r.ctx, q)
	if err != nil {
		r.tb.Fatalf("%s\n: %v", q, err)
	}
	data, err := rows.All()
	if err != nil || len(data) != 1 {
		r.tb.Fatalf("%s\n: %v (%d rows)", q, err, len(data))
	}
	return data[0]
}

// mergeModes parses FLOE_MERGE_MODES, a comma-separated subset of cow,
// mor and duckdb naming the engines to run ("" runs all three). DuckDB
// runs in any case: every lake table is checked against it.
func mergeModes(v string) ([3]bool, error) {
	if strings.TrimSpace(v) == "" {
		return [3]bool{true, true, true}, nil
	}
	on := [3]bool{2: true}
	for _, m := range strings.Split(v, ",") {
		switch strings.ToLower(strings.TrimSpace(m)) {
		case "cow", "copy-on-write":
			on[0] = true
		case "mor", "merge-on-read":
			on[1] = true
		case "duckdb", "":
		default:
			return on, fmt.Errorf("FLOE_MERGE_MODES=%q: unknown mode %q (want cow, mor or duckdb)", v, m)
		}
	}
	return on, nil
}

// loadMergeSuite creates web_returns with n rows as a DuckDB table in a
// database file under dir and as a lake table partitioned by
// wr_returned_date_sk per write mode in on (copy-on-write, merge-on-read).
func loadMergeSuite(tb testing.TB, s *Session, dir string, n int64, on [3]bool) *mergeRun {
	r := &mergeRun{tb: tb, ctx: context.Background(), s: s, n: n, on: on}
	cols := make([]string, len(webReturnsCols))
	for i, c := range webReturnsCols {
		cols[i] = c[0] + " " + c[1]
	}
	ddl := "(" + strings.Join(cols, ", ") + ") PARTITIONED BY (wr_returned_date_sk) TBLPROPERTIES ('format-version'='3', "
	r.exec(webReturnsMacro)
	r.exec("ATTACH " + quoteSQL(filepath.Join(dir, "native.duckdb")) + " AS native")
	r.exec(fmt.Sprintf("CREATE TABLE native.web_returns AS SELECT * FROM web_returns_gen(0, %d, %d)", n, webReturnsDays(n)))
	r.exec("CREATE SCHEMA lake.merge_bench")
	for i, mode := range []string{"copy-on-write", "merge-on-read"} {
		if !on[i] {
			continue
		}
		name := "lake.merge_bench." + map[string]string{"copy-on-write": "cow", "merge-on-read": "mor"}[mode]
		r.exec("CREATE TABLE " + name + " " + ddl + fmt.Sprintf("'write.merge.mode'='%s', 'write.delete.mode'='%s', 'write.update.mode'='%s')", mode, mode, mode))
		r.exec("INSERT INTO " + name + " SELECT * FROM native.web_returns")
	}
	r.exec("CHECKPOINT native")
	return r
}

func quoteSQL(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// checksum returns the row count and an order-independent checksum over
// all columns of a table.
func (r *mergeRun) checksum(table string) string {
	r.tb.Helper()
	names := make([]string, len(webReturnsCols))
	for i, c := range webReturnsCols {
		names[i] = c[0]
	}
	row := r.row(fmt.Sprintf("SELECT count(*), coalesce(sum(hash(%s)), 0)::VARCHAR FROM %s", strings.Join(names, ", "), table))
	return fmt.Sprint(row...)
}

// lastSummary returns the files the table's last statement added, from
// the summary of the current snapshot and, when that is the coalescing
// that followed a MERGE in the same commit, of its parent. (The summary's
// added-files-size is not used for bytes: it counts a Puffin file once per
// deletion vector it holds; see dataDirFiles.)
func (r *mergeRun) lastSummary(name string) (data, deletes int64) {
	atoi := func(v any) int64 {
		n, _ := strconv.ParseInt(fmt.Sprint(v), 10, 64)
		return n
	}
	rows, err := r.s.Query(r.ctx, `SELECT coalesce(summary['added-data-files'], '0'), coalesce(summary['added-delete-files'], '0'),
	coalesce(summary['floe.operation'], ''), committed_at
FROM lake.merge_bench."`+name+`$snapshots" ORDER BY committed_at DESC, snapshot_id LIMIT 2`)
	if err != nil {
		r.tb.Fatal(err)
	}
	all, err := rows.All()
	if err != nil {
		r.tb.Fatal(err)
	}
	for i, row := range all {
		// The pair commits together: the second row belongs to the
		// statement when the first is the coalescing, or when it is the
		// coalescing with the same commit time.
		if i == 1 && fmt.Sprint(all[0][2]) != "coalesce" && (fmt.Sprint(row[2]) != "coalesce" || fmt.Sprint(row[3]) != fmt.Sprint(all[0][3])) {
			break
		}
		data += atoi(row[0])
		deletes += atoi(row[1])
	}
	return data, deletes
}

// dataDirFiles returns the files under a lake table's data directory (data
// files and Puffin deletion vectors) with their sizes. Written files are
// never changed or removed by a statement, so the files a statement adds
// to it are what it wrote.
func (r *mergeRun) dataDirFiles(name string) map[string]int64 {
	r.tb.Helper()
	t, err := r.s.wh.Table(r.ctx, "merge_bench", name)
	if err != nil {
		r.tb.Fatal(err)
	}
	dir, err := t.DataDir()
	if err != nil {
		r.tb.Fatal(err)
	}
	out := map[string]int64{}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out[path] = info.Size()
		return nil
	})
	if err != nil {
		r.tb.Fatal(err)
	}
	return out
}

// runMergeSuite runs the suite on every engine, query by query, and checks
// after every query that the lake tables equal the DuckDB table. It
// returns results[query][engine].
func (r *mergeRun) runMergeSuite(qs []mergeQuery) [][]mergeResult {
	r.tb.Helper()
	out := make([][]mergeResult, len(qs))
	for qi, q := range qs {
		r.exec("CREATE OR REPLACE VIEW ref AS SELECT * FROM native.web_returns")
		r.exec("CREATE OR REPLACE TABLE merge_src AS " + q.source)
		var srcRows int64
		fmt.Sscan(fmt.Sprint(r.row("SELECT count(*) FROM merge_src")[0]), &srcRows)
		out[qi] = make([]mergeResult, len(mergeEngines))
		r.query = qi
		for ei, e := range mergeEngines {
			if !r.on[ei] {
				continue
			}
			r.cur = e.name
			res := mergeResult{sourceRows: srcRows}
			stmt := fmt.Sprintf("MERGE INTO %s AS t USING merge_src AS s ON %s %s", e.table, mergeOn, q.then)
			if e.lake == "" {
				// DuckDB's own table, committed to its file.
				res.elapsed = r.exec(stmt + "; CHECKPOINT native")
			} else {
				before := r.dataDirFiles(e.lake)
				res.elapsed = r.exec(stmt)
				res.dataFiles, res.deleteFiles = r.lastSummary(e.lake)
				for path, size := range r.dataDirFiles(e.lake) {
					if _, ok := before[path]; !ok {
						res.bytes += size
					}
				}
				fmt.Sscan(fmt.Sprint(r.row(`SELECT count(*) FROM lake.merge_bench."` + e.lake + `$files"`)[0]), &res.live)
			}
			out[qi][ei] = res
		}
		if r.progress != nil {
			var b strings.Builder
			for ei, e := range mergeEngines {
				if x := out[qi][ei]; r.on[ei] {
					fmt.Fprintf(&b, " | %s %.1f ms (%.2fx) %d+%d files %d bytes", e.name, ms(x.elapsed),
						float64(x.elapsed)/float64(out[qi][2].elapsed), x.dataFiles, x.deleteFiles, x.bytes)
				}
			}
			fmt.Fprintf(r.progress, "merge suite %s: %s, %d source rows%s\n", time.Since(r.started).Round(time.Second), q.name, srcRows, b.String())
		}
		want := r.checksum("native.web_returns")
		for ei, e := range mergeEngines[:2] {
			if !r.on[ei] {
				continue
			}
			if got := r.checksum(e.table); got != want {
				r.tb.Fatalf("after %q %s holds %s (rows, checksum), DuckDB %s", q.name, e.name, got, want)
			}
		}
	}
	return out
}

// mergeTable renders results as a table: per query and engine the time,
// rows/s, files and bytes written, and each floe engine's ratio to DuckDB;
// then the geometric means.
func mergeTable(qs []mergeQuery, res [][]mergeResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s %9s | %9s %6s %9s %11s | %9s %6s %9s %11s | %9s | %s\n", "query", "src rows",
		"CoW ms", "xDuck", "files", "bytes", "MoR ms", "xDuck", "files", "bytes", "DuckDB ms", "MoR live files")

	logs := make([]float64, len(mergeEngines))
	for qi, q := range qs {
		r := res[qi]
		duck := r[2].elapsed
		cell := func(x mergeResult) string {
			if x.elapsed == 0 {
				return fmt.Sprintf("%9s %6s %9s %11s", "-", "-", "-", "-")
			}
			return fmt.Sprintf("%9.1f %6.2f %4d+%-4d %11d", ms(x.elapsed), float64(x.elapsed)/float64(duck), x.dataFiles, x.deleteFiles, x.bytes)
		}
		fmt.Fprintf(&b, "%-20s %9d | %s | %s | %9.1f | %6d\n", q.name, r[2].sourceRows, cell(r[0]), cell(r[1]), ms(duck), r[1].live)
		for ei := range mergeEngines {
			logs[ei] += math.Log(float64(r[ei].elapsed))
		}
	}
	geo := make([]float64, len(logs))
	for i, l := range logs {
		geo[i] = math.Exp(l / float64(len(qs)))
	}
	gcell := func(g float64) string {
		if math.IsInf(g, 0) || math.IsNaN(g) || g == 0 {
			return fmt.Sprintf("%9s %6s %21s", "-", "-", "")
		}
		return fmt.Sprintf("%9.1f %6.2f %21s", g/1e6, g/geo[2], "")
	}
	fmt.Fprintf(&b, "%-20s %9s | %s | %s | %9.1f\n", "geometric mean", "", gcell(geo[0]), gcell(geo[1]), geo[2]/1e6)
	b.WriteString("files: data + delete files (deletion vectors) the commit added; bytes: the new files in the table's\n" +
		"data directory (data and Puffin files, each file once, also those coalesced away in the same commit;\n" +
		"manifests and metadata not counted)\n")
	return b.String()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// TestMergeSuiteMatchesDuckDB runs the whole suite at a small size: after
// every query both lake tables hold exactly the DuckDB table's rows, and
// the partition deletes are metadata-only (no file written).
func TestMergeSuiteMatchesDuckDB(t *testing.T) {
	f := openLake(t)
	r := loadMergeSuite(t, f.s, t.TempDir(), 10_000, [3]bool{true, true, true})
	qs := mergeSuite(r.n)
	res := r.runMergeSuite(qs)
	t.Logf("\n%s", mergeTable(qs, res))
	for qi, q := range qs {
		for ei, e := range mergeEngines[:2] {
			x := res[qi][ei]
			if strings.Contains(q.name, "partition") && (x.dataFiles != 0 || x.deleteFiles != 0 || x.bytes != 0) {
				t.Errorf("%s on %s wrote %d data files, %d delete files, %d bytes; want a metadata-only commit", q.name, e.name, x.dataFiles, x.deleteFiles, x.bytes)
			}
			if x.sourceRows == 0 {
				t.Errorf("%s: empty source", q.name)
			}
		}
	}
}

// mergeBenchRows is the base size of BenchmarkMergeSuite: FLOE_MERGE_ROWS,
// else 200,000 rows (7.2M is TPC-DS SF 100).
func mergeBenchRows() int64 {
	if v, err := strconv.ParseInt(os.Getenv("FLOE_MERGE_ROWS"), 10, 64); err == nil && v > 0 {
		return v
	}
	return 200_000
}

// BenchmarkMergeSuite runs the suite on a fresh load per iteration and
// reports each engine's geometric mean and floe's ratios to DuckDB; with
// -v it logs the per-query table. FLOE_MERGE_ROWS sets the size,
// FLOE_MERGE_MODES the engines (e.g. mor,duckdb skips copy-on-write).
func BenchmarkMergeSuite(b *testing.B) {
	n := mergeBenchRows()
	on, err := mergeModes(os.Getenv("FLOE_MERGE_MODES"))
	if err != nil {
		b.Fatal(err)
	}
	var geo [3]float64
	var table string
	var phases map[string]time.Duration
	var byQuery string
	for range b.N {
		b.StopTimer()
		s := benchWarehouse(b)
		start := time.Now()
		r := loadMergeSuite(b, s, b.TempDir(), n, on)
		r.started = start
		if testing.Verbose() {
			r.progress = os.Stderr
			fmt.Fprintf(os.Stderr, "merge suite %s: loaded %d rows\n", time.Since(start).Round(time.Second), n)
		}
		qs := mergeSuite(n)
		r.phases = map[string]time.Duration{}
		r.byQuery = map[int]map[string]time.Duration{}
		dmlTrace = func(p string, d time.Duration) {
			r.phases[r.cur+": "+p] += d
			if r.cur == "floe MoR" {
				if r.byQuery[r.query] == nil {
					r.byQuery[r.query] = map[string]time.Duration{}
				}
				r.byQuery[r.query][p] += d
			}
		}
		b.StartTimer()
		res := r.runMergeSuite(qs)
		dmlTrace = nil
		phases = r.phases
		for ei := range mergeEngines {
			if !on[ei] {
				continue
			}
			l := 0.0
			for qi := range qs {
				l += math.Log(float64(res[qi][ei].elapsed))
			}
			geo[ei] += math.Exp(l/float64(len(qs))) / float64(b.N)
		}
		table = mergeTable(qs, res)
		byQuery = phaseTable(qs, r.byQuery)
	}
	b.Logf("web_returns, %d rows, %d partitions\n%s", n, webReturnsDays(n), table)
	// Where the time goes: each phase of floe's MERGE summed over the
	// suite (last iteration).
	var lines []string
	for _, k := range slices.Sorted(maps.Keys(phases)) {
		lines = append(lines, fmt.Sprintf("%-28s %9.1f ms", k, ms(phases[k])))
	}
	b.Logf("MERGE phases, summed over the suite:\n%s", strings.Join(lines, "\n"))
	b.Logf("merge-on-read's phases by query (ms):\n%s", byQuery)
	if on[0] {
		b.ReportMetric(geo[0]/1e6, "cow-geomean-ms")
		b.ReportMetric(geo[0]/geo[2], "cow-x-duckdb")
	}
	if on[1] {
		b.ReportMetric(geo[1]/1e6, "mor-geomean-ms")
		b.ReportMetric(geo[1]/geo[2], "mor-x-duckdb")
	}
	b.ReportMetric(geo[2]/1e6, "duckdb-geomean-ms")
}

// phaseTable renders phases by query: a row per query, a column per phase.
func phaseTable(qs []mergeQuery, byQuery map[int]map[string]time.Duration) string {
	set := map[string]bool{}
	for _, ph := range byQuery {
		for p := range ph {
			set[p] = true
		}
	}
	names := slices.Sorted(maps.Keys(set))
	var b strings.Builder
	fmt.Fprintf(&b, "%-20s", "query")
	for _, p := range names {
		fmt.Fprintf(&b, " %9s", strings.TrimPrefix(p, "merge "))
	}
	b.WriteString("\n")
	for qi, q := range qs {
		fmt.Fprintf(&b, "%-20s", q.name)
		for _, p := range names {
			fmt.Fprintf(&b, " %9.1f", ms(byQuery[qi][p]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// TestMergeModes checks FLOE_MERGE_MODES' parsing: DuckDB always runs, an
// unknown mode is refused by name.
func TestMergeModes(t *testing.T) {
	for _, c := range []struct {
		in   string
		want [3]bool
		err  string
	}{
		{"", [3]bool{true, true, true}, ""},
		{"mor,duckdb", [3]bool{false, true, true}, ""},
		{"cow", [3]bool{true, false, true}, ""},
		{" MoR , copy-on-write ", [3]bool{true, true, true}, ""},
		{"duckdb", [3]bool{false, false, true}, ""},
		{"mor,spark", [3]bool{}, `unknown mode "spark"`},
	} {
		got, err := mergeModes(c.in)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("mergeModes(%q): error %v, want one saying %s", c.in, err, c.err)
			}
		case err != nil:
			t.Errorf("mergeModes(%q): %v", c.in, err)
		case got != c.want:
			t.Errorf("mergeModes(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}
