package lakesql

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// smallFiles makes lake.r.t (format v3, merge-on-read) from n inserts of
// 100 rows each (ids from 0; g = id % 2 when partitioned by g), then runs
// extra (deletes).
func smallFiles(f *lakeFixture, n int, partitioned bool, extra string) {
	f.t.Helper()
	part := ""
	if partitioned {
		part = " PARTITIONED BY (g)"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "CREATE SCHEMA lake.r; CREATE TABLE lake.r.t (id INTEGER, g INTEGER, s VARCHAR)%s TBLPROPERTIES ('format-version' = '3');", part)
	for i := range n {
		fmt.Fprintf(&b, "INSERT INTO lake.r.t SELECT i, i %% 2, CASE WHEN i %% 10 = 0 THEN NULL ELSE 'v' || i END FROM range(%d, %d) r(i);", i*100, i*100+100)
	}
	b.WriteString(extra)
	f.exec(b.String())
}

// TestRewriteDataFilesOptions: rewrite_data_files picks files as Spark
// does with its defaults and options, rewrites only what where can match,
// sorts with strategy sort, keeps every row, and returns Spark's columns.
func TestRewriteDataFilesOptions(t *testing.T) {
	for _, tc := range []struct {
		name        string
		files       int
		partitioned bool
		setup       string
		call        string
		rewritten   int32  // rewritten_data_files_count
		filesAfter  string // data files of the table afterwards
		check       string // a query that must return "true"; {file} is the one data file left
	}{
		{name: "too few small files for the default min-input-files", files: 4,
			call: "", rewritten: 0, filesAfter: "4"},
		{name: "five small files are packed", files: 5,
			call: "", rewritten: 5, filesAfter: "1"},
		{name: "min-input-files", files: 3,
			call: ", options => map(['min-input-files'], ['2'])", rewritten: 3, filesAfter: "1"},
		{name: "a deletion vector over 30% makes its partition's small files go", files: 3,
			setup: "DELETE FROM lake.r.t WHERE id < 50", rewritten: 3, filesAfter: "1"},
		{name: "delete-ratio-threshold above the file's ratio", files: 3,
			setup: "DELETE FROM lake.r.t WHERE id < 50", call: ", options => map(['delete-ratio-threshold'], ['0.6'])", rewritten: 0, filesAfter: "3"},
		{name: "one deleted row is below the default ratio", files: 3,
			setup: "DELETE FROM lake.r.t WHERE id = 7", rewritten: 0, filesAfter: "3"},
		{name: "delete-file-threshold 1 takes any file with a delete", files: 3,
			setup: "DELETE FROM lake.r.t WHERE id = 7", call: ", options => map(['delete-file-threshold'], ['1'])", rewritten: 3, filesAfter: "1"},
		{name: "target-file-size-bytes below every file: nothing is small", files: 5,
			call: ", options => map(['target-file-size-bytes', 'min-file-size-bytes', 'max-file-size-bytes'], ['100', '10', '100000000'])", rewritten: 0, filesAfter: "5"},
		{name: "where prunes by partition", files: 5, partitioned: true,
			call: ", where => 'g = 1'", rewritten: 5, filesAfter: "6",
			check: `SELECT count(*) = 5 FROM lake.r."t$files" WHERE partition['g'] = '0'`},
		{name: "where prunes by column statistics", files: 6,
			call: ", where => 'id >= 300', options => map(['min-input-files'], ['2'])", rewritten: 3, filesAfter: "4"},
		{name: "sort by a column, nulls first by default", files: 3,
			call: ", strategy => 'sort', sort_order => 's ASC', options => map(['min-input-files'], ['2'])", rewritten: 3, filesAfter: "1",
			check: `SELECT list(s) IS NOT DISTINCT FROM list(s ORDER BY s ASC NULLS FIRST) FROM read_parquet({file})`},
		{name: "sort descending, nulls last", files: 3,
			call: ", sort_order => 'id DESC', options => map(['min-input-files'], ['2'])", rewritten: 3, filesAfter: "1",
			check: `SELECT list(id) = list(id ORDER BY id DESC) FROM read_parquet({file})`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			smallFiles(f, tc.files, tc.partitioned, tc.setup)
			before := f.strings("SELECT * FROM lake.r.t ORDER BY ALL")
			res := f.rows("CALL rewrite_data_files('r.t'" + tc.call + ")")
			if got := res[0][0].(int32); got != tc.rewritten {
				t.Errorf("rewritten_data_files_count = %d, want %d (result %v)", got, tc.rewritten, res)
			}
			if res[0][3].(int32) != 0 {
				t.Errorf("failed_data_files_count = %v, want 0", res[0][3])
			}
			if tc.rewritten > 0 && (res[0][1].(int32) < 1 || res[0][2].(int64) <= 0) {
				t.Errorf("added %v files and rewrote %v bytes, want both positive", res[0][1], res[0][2])
			}
			diffRows(t, "rows after the rewrite", before, f.strings("SELECT * FROM lake.r.t ORDER BY ALL"))
			diffRows(t, "rows iceberg-go reads after the rewrite", sortedRows(before), icebergRows(t, f, f.table("r", "t"), nil))
			if got := f.one(`SELECT count(*) FROM lake.r."t$files"`); got != tc.filesAfter {
				t.Errorf("%s data files afterwards, want %s", got, tc.filesAfter)
			}
			if tc.check != "" {
				check := tc.check
				if strings.Contains(check, "{file}") {
					file := strings.TrimPrefix(f.one(`SELECT file_path FROM lake.r."t$files"`), "file://")
					check = strings.ReplaceAll(check, "{file}", engine.QuoteString(file))
				}
				if got := f.one(check); got != "true" {
					t.Errorf("%s\n= %s, want true", tc.check, got)
				}
			}
		})
	}
}

// TestRewriteDataFilesResultColumns: the result has Spark's columns.
func TestRewriteDataFilesResultColumns(t *testing.T) {
	f := openLake(t)
	smallFiles(f, 1, false, "")
	rows, err := f.s.Query(f.ctx, "CALL rewrite_data_files('r.t')")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := []string{"rewritten_data_files_count", "added_data_files_count", "rewritten_bytes_count", "failed_data_files_count", "removed_delete_files_count"}
	if diff := cmp.Diff(want, rows.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}
}

// TestRewriteDataFilesBadArguments: each bad argument is an error naming it.
func TestRewriteDataFilesBadArguments(t *testing.T) {
	f := openLake(t)
	smallFiles(f, 2, false, "")
	for _, tc := range []struct{ args, want string }{
		{"options => map(['min-input-file'], ['2'])", `unknown option "min-input-file"`},
		{"options => map(['min-input-files'], ['0'])", "min-input-files must be an integer of at least 1"},
		{"options => map(['delete-ratio-threshold'], ['1.5'])", "delete-ratio-threshold must be a number in (0, 1]"},
		{"options => map(['target-file-size-bytes', 'max-file-size-bytes'], ['1000', '10'])", "max-file-size-bytes (10) must hold"},
		{"options => 3", "options must be a map"},
		{"strategy => 'zorder'", "strategy must be 'binpack' or 'sort'"},
		{"strategy => 'sort'", "has no sort order"},
		{"sort_order => 'nope ASC'", "nope ASC is not a column of the table"},
		{"sort_order => 'id SIDEWAYS'", `cannot read "id SIDEWAYS"`},
		{"sort_order => 'zorder(id, g)'", "zorder is not supported"},
		{"strategy => 'binpack', sort_order => 'id'", "sort_order needs strategy => 'sort'"},
		{"where => 'nope = 1'", `where "nope = 1"`},
		{"where => ''", "where must be a non-empty string"},
		{"partial_progress => true", "unknown argument partial_progress"},
	} {
		t.Run(tc.args, func(t *testing.T) {
			err := f.fails("CALL rewrite_data_files('r.t', " + tc.args + ")")
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "lake.r.t") {
				t.Errorf("error %q does not say %q and name lake.r.t", err, tc.want)
			}
		})
	}
	if got := f.one(`SELECT count(*) FROM lake.r."t$snapshots"`); got != "2" {
		t.Errorf("%s snapshots after the failed calls, want the 2 inserts", got)
	}
}

// TestRewriteDataFilesLosesToUserCommits: a user's DELETE committed while
// a compaction is writing wins. Once, the compaction plans again and
// commits with the delete applied; every time, it is dropped and counted
// as failed. Either way the rows are the user's.
func TestRewriteDataFilesLosesToUserCommits(t *testing.T) {
	for _, tc := range []struct {
		name       string
		interfere  int // attempts the user's DELETE lands in
		rewritten  int32
		failed     int32
		filesAfter string
	}{
		{"retried after one conflicting commit", 1, 5, 0, "1"},
		{"dropped after conflicts on every attempt", compactionAttempts, 0, 5, "5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			smallFiles(f, 5, false, "")
			user, err := Open(f.ctx, f.wh)
			if err != nil {
				t.Fatal(err)
			}
			defer user.Close()
			var hookErr error
			beforeCompactionCommit = func(ctx context.Context, attempt int) {
				if attempt <= tc.interfere && hookErr == nil {
					hookErr = user.Exec(ctx, fmt.Sprintf("DELETE FROM lake.r.t WHERE id = %d", attempt))
				}
			}
			defer func() { beforeCompactionCommit = nil }()
			res := f.rows("CALL rewrite_data_files('r.t')")
			if hookErr != nil {
				t.Fatalf("the user's DELETE: %v", hookErr)
			}
			if res[0][0].(int32) != tc.rewritten || res[0][3].(int32) != tc.failed {
				t.Errorf("rewritten %v, failed %v; want %d, %d", res[0][0], res[0][3], tc.rewritten, tc.failed)
			}
			want := fmt.Sprintf("%d", 500-tc.interfere)
			if got := f.one("SELECT count(*) FROM lake.r.t WHERE id NOT IN (1, 2, 3)"); got != fmt.Sprintf("%d", 500-3) {
				t.Errorf("%s rows besides ids 1-3, want 497", got)
			}
			if got := f.one("SELECT count(*) FROM lake.r.t"); got != want {
				t.Errorf("%s rows, want %s: the user's deletes must all hold", got, want)
			}
			if got := f.one(`SELECT count(*) FROM lake.r."t$files"`); got != tc.filesAfter {
				t.Errorf("%s data files, want %s", got, tc.filesAfter)
			}
			// Nothing the dropped attempts wrote is left behind.
			if got, want := len(f.parquetFiles(f.table("r", "t"))), map[bool]int{true: 5, false: 6}[tc.failed > 0]; got != want {
				t.Errorf("%d Parquet files under the table, want %d (written files of dropped attempts must go)", got, want)
			}
		})
	}
}

// TestRewriteDataFilesTableSortOrder: strategy 'sort' without sort_order,
// and floe maintain's 'auto' strategy, sort by the table's own sort order
// (a table another engine created sorted, here through the catalog).
func TestRewriteDataFilesTableSortOrder(t *testing.T) {
	for _, tc := range []struct{ name, run string }{
		{"CALL with strategy sort", "CALL rewrite_data_files('r.t', strategy => 'sort', options => map(['min-input-files'], ['2']))"},
		{"maintenance with strategy auto", "CALL run_maintenance('r.t')"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			schema := iceberg.NewSchema(0,
				iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: false},
				iceberg.NestedField{ID: 2, Name: "s", Type: iceberg.PrimitiveTypes.String, Required: false})
			order, err := table.NewSortOrder(1, []table.SortField{{SourceIDs: []int{1}, Transform: iceberg.IdentityTransform{},
				Direction: table.SortDESC, NullOrder: table.NullsLast}})
			if err != nil {
				t.Fatal(err)
			}
			f.exec("CREATE SCHEMA lake.r")
			loc := (&url.URL{Scheme: "file", Path: f.wh.NewTableDir("r", "t")}).String()
			if _, err := f.wh.Catalog().CreateTable(f.ctx, table.Identifier{"r", "t"}, schema,
				catalog.WithLocation(loc), catalog.WithSortOrder(order),
				catalog.WithProperties(iceberg.Properties{"format-version": "2"})); err != nil {
				t.Fatal(err)
			}
			for i := range 5 {
				f.exec(fmt.Sprintf("INSERT INTO lake.r.t SELECT i, 'v' || i FROM range(%d, %d) r(i) ORDER BY i", i*100, i*100+100))
			}
			f.exec(tc.run)
			if got := f.one(`SELECT count(*) FROM lake.r."t$files"`); got != "1" {
				t.Fatalf("%s data files after %s, want 1", got, tc.run)
			}
			file := strings.TrimPrefix(f.one(`SELECT file_path FROM lake.r."t$files"`), "file://")
			if got := f.one("SELECT list(id) = list(id ORDER BY id DESC) AND count(*) = 500 FROM read_parquet(" + engine.QuoteString(file) + ")"); got != "true" {
				t.Errorf("the compacted file is not in the table's order (id DESC)")
			}
		})
	}
}
