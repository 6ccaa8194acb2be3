package lakesql

import (
	"fmt"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// writeStatsRows are rows with NULLs (a column NULL in a whole partition
// too), strings shorter and longer than Iceberg's 16-character bounds
// (multi-byte ones too), negative decimals of both physical widths, dates,
// booleans and floating point numbers.
const writeStatsRows = `INSERT INTO lake.w.%s VALUES
  (1, 10, 100000000000, -3.25, 12345678901234.5678, DATE '2020-01-01', 'a', true, 1.5, 2.5),
  (1, NULL, -7, 999.99, -0.0001, DATE '1969-12-31', 'a string of more than sixteen characters', false, -0.0, NULL),
  (1, -2147483648, NULL, NULL, NULL, NULL, NULL, NULL, NULL, -1.25),
  (2, 2147483647, 9223372036854775807, 0.01, 1, DATE '2099-12-31', 'ünïcödé strings past sixteen ✓✓✓', NULL, 1e300, 3.0),
  (2, 0, 0, -99999.99, 0, DATE '2000-02-29', 'zzzzzzzzzzzzzzzzzzzz', true, -1e-300, NULL),
  (3, 5, 5, 5.00, 5, DATE '2024-06-01', NULL, NULL, NULL, NULL)`

// TestWriterStatsMatchFooter: the Iceberg statistics floe builds from
// DuckDB's COPY ... RETURN_STATS equal those iceberg-go reads from each
// written file's footer (counts, sizes, bounds; strings cut to 16
// characters with the upper bound rounded up), leaving out only the
// optional split offsets; a table whose metrics mode is set, or a file
// with a NaN, reads the footer as before. iceberg-go then plans and reads
// the table with filters the bounds prune on.
func TestWriterStatsMatchFooter(t *testing.T) {
	const cols = "(p INTEGER, i INTEGER, b BIGINT, d DECIMAL(7,2), w DECIMAL(18,4), dt DATE, s VARCHAR, ok BOOLEAN, x DOUBLE, r REAL)"
	const wide = "(p INTEGER, i INTEGER, b BIGINT, d DECIMAL(7,2), w DECIMAL(20,4), dt DATE, s VARCHAR, ok BOOLEAN, x DOUBLE, r REAL)"
	for _, tc := range []struct {
		name, ddl  string
		extra      string // another INSERT
		fromWriter func(partition int32) bool
	}{
		{"partitioned", cols + " PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')", "",
			func(int32) bool { return true }},
		{"unpartitioned", cols + " TBLPROPERTIES ('format-version'='3')", "",
			func(int32) bool { return true }},
		{"a NaN reads the footer", cols + " PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')",
			"INSERT INTO lake.w.%s VALUES (4, 1, 1, 1, 1, DATE '2020-01-01', 'x', true, 'NaN'::DOUBLE, 1)",
			func(p int32) bool { return p != 4 }},
		{"a decimal of 20 digits reads the footer", wide + " PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')", "",
			func(int32) bool { return false }},
		{"a metrics mode reads the footer", cols + " PARTITIONED BY (p) TBLPROPERTIES ('format-version'='2', 'write.metadata.metrics.default'='full')", "",
			func(int32) bool { return false }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			f.exec("CREATE SCHEMA lake.w")
			f.exec("CREATE TABLE lake.w.t " + tc.ddl)
			f.exec(fmt.Sprintf(writeStatsRows, "t"))
			if tc.extra != "" {
				f.exec(fmt.Sprintf(tc.extra, "t"))
			}
			it := f.table("w", "t")
			ice := it.Iceberg()
			fs, err := ice.FS(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			tasks, err := ice.Scan().PlanFiles(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(tasks) == 0 {
				t.Fatal("no data files")
			}
			for _, task := range tasks {
				got := task.File
				want, err := table.FileToDataFile(f.ctx, fs, got.FilePath(), ice.Schema(), *iceberg.UnpartitionedSpec, 0, ice.Properties())
				if err != nil {
					t.Fatal(err)
				}
				part := int32(0)
				if v, ok := got.Partition()[1000].(int32); ok {
					part = v
				}
				type stats struct {
					Rows, Size          int64
					Sizes, Values, Null map[int]int64
					NaN                 map[int]int64
					Lower, Upper        map[int][]byte
				}
				of := func(df iceberg.DataFile) stats {
					return stats{df.Count(), df.FileSizeBytes(), df.ColumnSizes(), df.ValueCounts(), df.NullValueCounts(),
						df.NaNValueCounts(), df.LowerBoundValues(), df.UpperBoundValues()}
				}
				if diff := cmp.Diff(of(want), of(got), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s: statistics in the manifest differ from the footer's (-footer +manifest):\n%s", got.FilePath(), diff)
				}
				// Split offsets are what tells the two paths apart: the
				// footer has them, the writer does not report them.
				if fromWriter := len(got.SplitOffsets()) == 0; fromWriter != tc.fromWriter(part) {
					t.Errorf("%s (partition %d): statistics from the writer %v, want %v", got.FilePath(), part, fromWriter, tc.fromWriter(part))
				}
				if len(want.SplitOffsets()) == 0 {
					t.Errorf("%s: the footer has no split offsets", got.FilePath())
				}
			}
			// iceberg-go plans with the bounds: each filter keeps the
			// rows DuckDB finds.
			for _, c := range []struct {
				filter iceberg.BooleanExpression
				where  string
			}{
				{iceberg.EqualTo(iceberg.Reference("s"), "a string of more than sixteen characters"), "s = 'a string of more than sixteen characters'"},
				{iceberg.GreaterThan(iceberg.Reference("s"), "zzzzzzzzzzzzzzzz"), "s > 'zzzzzzzzzzzzzzzz'"},
				{iceberg.LessThan(iceberg.Reference("i"), int32(0)), "i < 0"},
				{iceberg.GreaterThanEqual(iceberg.Reference("b"), int64(9223372036854775807)), "b >= 9223372036854775807"},
				{iceberg.GreaterThan(iceberg.Reference("dt"), iceberg.Date(18000)), "dt > DATE '2019-04-14'"},
				{iceberg.IsNull(iceberg.Reference("s")), "s IS NULL"},
			} {
				got := len(icebergRows(t, f, it, c.filter))
				want := f.one("SELECT count(*) FROM lake.w.t WHERE " + c.where)
				if fmt.Sprint(got) != want {
					t.Errorf("iceberg-go reads %d rows with %v, DuckDB %s where %s", got, c.filter, want, c.where)
				}
			}
		})
	}
}
