package lakesql

import (
	"fmt"
	"strconv"
	"testing"
)

// TestPartitionedWriteFileCount: rows spread over more partitions than
// DuckDB keeps files open for (100) are written as about one file per
// partition, not a new file at every flush that brings a partition back,
// whether they arrive by INSERT or by MERGE; the table still holds every
// row.
func TestPartitionedWriteFileCount(t *testing.T) {
	f := openLake(t)
	const parts = 400
	f.exec("CREATE SCHEMA lake.w")
	// DuckDB hands a thread's rows to the partition files every
	// partitioned_write_flush_threshold rows (524,288); lower it so a hundred
	// thousand rows go through as many flushes as millions would.
	f.exec("SET partitioned_write_flush_threshold = 10000")
	for _, c := range []struct {
		name, ddl, write string
		rows             int
	}{
		{"insert", "(k BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (p)",
			fmt.Sprintf("INSERT INTO lake.w.insert SELECT i, hash(i) %% %d, repeat('x', 20) FROM range(100000) r(i)", parts), 100000},
		{"merge", "(k BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (p) TBLPROPERTIES ('format-version'='3')",
			fmt.Sprintf("MERGE INTO lake.w.merge t USING (SELECT i AS k, CAST(hash(i) %% %d AS INTEGER) AS p, 'y' AS v FROM range(100000) r(i)) s ON t.k = s.k AND t.p = s.p WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *", parts), 100000},
		{"bucket", "(k BIGINT, p INTEGER, v VARCHAR) PARTITIONED BY (bucket(300, k), p)",
			"INSERT INTO lake.w.bucket SELECT i, i % 2, 'z' FROM range(100000) r(i)", 100000},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.exec("CREATE TABLE lake.w." + c.name + " " + c.ddl)
			f.exec(c.write)
			if got := f.one("SELECT count(*) FROM lake.w." + c.name); got != strconv.Itoa(c.rows) {
				t.Fatalf("%s holds %s rows, want %d", c.name, got, c.rows)
			}
			partitions, _ := strconv.Atoi(f.one(`SELECT count(DISTINCT partition) FROM lake.w."` + c.name + `$files"`))
			files, _ := strconv.Atoi(f.one(`SELECT count(*) FROM lake.w."` + c.name + `$files"`))
			// Two threads may each write a partition's rows that straddle
			// the chunk they were handed: allow a quarter more files.
			if partitions < 300 || files > partitions+partitions/4 {
				t.Errorf("%s: %d data files for %d partitions; want about one per partition", c.name, files, partitions)
			}
			t.Logf("%s: %d files, %d partitions", c.name, files, partitions)
		})
	}
}
