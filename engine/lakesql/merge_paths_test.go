package lakesql

import (
	"fmt"
	"testing"
)

// TestMergeFastPaths covers the MERGEs that skip materialising the join:
// delete-only MERGEs (positions from an inner join) and upserts of whole
// source rows (UPDATE SET *, INSERT *: the source is written as it is).
// In every write mode they must give DuckDB's result and count, refuse a
// target row matched twice and a NULL in a NOT NULL column, and leave the
// table as it was when they fail.
func TestMergeFastPaths(t *testing.T) {
	// setup runs before the MERGE: with deletion vectors in place, the
	// v3 merge-on-read MERGE joins the raw files and must drop the deleted
	// rows and the old versions of updated rows it matches.
	modes := []struct{ name, props, setup string }{
		{"v3 merge-on-read", "'format-version'='3', 'write.merge.mode'='merge-on-read'", ""},
		{"v3 merge-on-read over deletion vectors", "'format-version'='3', 'write.merge.mode'='merge-on-read', 'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read'",
			"DELETE FROM %[1]s WHERE id %% 10 = 3; UPDATE %[1]s SET n = n + 1 WHERE id %% 11 = 0"},
		{"v2 merge-on-read", "'format-version'='2', 'write.merge.mode'='merge-on-read'", ""},
		{"v3 copy-on-write", "'format-version'='3', 'write.merge.mode'='copy-on-write'", ""},
	}
	cases := []struct {
		name, source, then string
		wantCount          string   // rows the MERGE reports
		wantErr            []string // fragments, when it must fail
	}{
		{"upsert", "SELECT id, p, n + 1000 AS n, 'u' AS s FROM ref WHERE id % 7 = 0 UNION ALL SELECT 1000 + i, i % 3, i, 'new' FROM range(20) r(i)",
			"WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *", "63", nil},
		{"delete", "SELECT id, p FROM ref WHERE id % 5 = 1", "WHEN MATCHED THEN DELETE", "60", nil},
		{"delete with a no-op insert clause", "SELECT id, p FROM ref WHERE id < 40 UNION ALL SELECT 5000, 1",
			"WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN DO NOTHING", "40", nil},
		{"delete whole partition", "SELECT id, p FROM ref WHERE p = 2", "WHEN MATCHED THEN DELETE", "100", nil},
		{"upsert matching a row twice", "SELECT id, p, n, s FROM ref WHERE id < 3 UNION ALL SELECT id, p, n, s FROM ref WHERE id = 2",
			"WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *", "", []string{"matched by 2 source rows"}},
		{"delete matching a row twice", "SELECT id, p FROM ref WHERE id IN (4, 5) UNION ALL SELECT id, p FROM ref WHERE id = 4",
			"WHEN MATCHED THEN DELETE", "", []string{"matched by 2 source rows"}},
		{"upsert of a NULL into NOT NULL", "SELECT id, p, CASE WHEN id = 9 THEN NULL ELSE n END AS n, s FROM ref WHERE id < 20",
			"WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *", "", []string{"NOT NULL column n"}},
	}
	f := openLake(t)
	f.exec("CREATE SCHEMA lake.fp")
	for mi, mode := range modes {
		for ci, tc := range cases {
			t.Run(mode.name+"/"+tc.name, func(t *testing.T) {
				f.t = t
				tbl := fmt.Sprintf("lake.fp.t%d_%d", mi, ci)
				f.exec(fmt.Sprintf(`CREATE TABLE %s (id BIGINT, p INTEGER, n INTEGER NOT NULL, s VARCHAR) PARTITIONED BY (p) TBLPROPERTIES (%s)`, tbl, mode.props))
				// Two appends, so partitions hold more than one file.
				f.exec(fmt.Sprintf(`INSERT INTO %s SELECT i, i %% 3, i, 'a' FROM range(150) r(i);
INSERT INTO %s SELECT i, i %% 3, i, 'b' FROM range(150, 300) r(i)`, tbl, tbl))
				if mode.setup != "" {
					f.exec(fmt.Sprintf(mode.setup, tbl))
				}
				f.exec(fmt.Sprintf(`CREATE OR REPLACE TABLE ref AS SELECT * FROM %s;
CREATE OR REPLACE TABLE src AS %s`, tbl, tc.source))
				before := sortedRows(f.strings("SELECT * FROM " + tbl))
				stmt := fmt.Sprintf("MERGE INTO %%s AS t USING src AS s ON t.p = s.p AND t.id = s.id %s", tc.then)
				if tc.wantErr != nil {
					wantErr(t, f.fails(fmt.Sprintf(stmt, tbl)), nil, tc.wantErr...)
					diffRows(t, "table after the failed MERGE", before, sortedRows(f.strings("SELECT * FROM "+tbl)))
					return
				}
				got := f.one(fmt.Sprintf(stmt, tbl))
				duck := f.one(fmt.Sprintf(stmt, "ref"))
				// The counts are of the table before setup; after it, DuckDB's.
				want := tc.wantCount
				if mode.setup != "" {
					want = duck
				}
				if got != want {
					t.Errorf("MERGE reports %s rows, want %s", got, want)
				}
				diffRows(t, "table after MERGE vs DuckDB's", sortedRows(f.strings("SELECT * FROM ref")), sortedRows(f.strings("SELECT * FROM "+tbl)))
			})
		}
	}
}
