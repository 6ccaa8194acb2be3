package lakesql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// applyEq upserts ids (value v) and deletes dels on lake.q.t through
// ApplyChanges, which on an unpartitioned v2 merge-on-read table commits
// an equality-delete file of the keys plus the new rows, as Flink does.
func applyEq(t *testing.T, s *Session, ups []int, v string, dels []int) {
	t.Helper()
	var b strings.Builder
	for _, id := range ups {
		fmt.Fprintf(&b, `{"__floe_op":"upsert","id":%d,"v":%q}`+"\n", id, v)
	}
	for _, id := range dels {
		fmt.Fprintf(&b, `{"__floe_op":"delete","id":%d}`+"\n", id)
	}
	path := filepath.Join(t.TempDir(), "changes.jsonl")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyChanges(context.Background(), "q", "t", ChangeSet{File: path, Keys: []string{"id"}}); err != nil {
		t.Fatal(err)
	}
}

// TestRewriteDataFilesEqualityDeletes: rewrite_data_files applies the
// equality deletes of the files it rewrites and drops the equality-delete
// files no live data file needs any more (those whose older data files
// were all rewritten, and those no data file is older than), keeping
// those that still apply to a file it left alone. floe's reader and
// iceberg-go's give the same rows before and after, and the same as a
// table that never had a delete.
func TestRewriteDataFilesEqualityDeletes(t *testing.T) {
	tests := []struct {
		name string
		// setup leaves lake.q.t with equality deletes; the rewrite runs
		// with call's arguments.
		setup    func(t *testing.T, f *lakeFixture)
		noBase   bool // the table starts empty, not with ids 0-39
		call     string
		eqBefore string // equality-delete files before and after
		eqAfter  string
	}{
		{
			name: "every file rewritten: every equality delete goes",
			setup: func(t *testing.T, f *lakeFixture) {
				for i := range 4 {
					applyEq(t, f.s, []int{i, i + 10, i + 20}, fmt.Sprintf("u%d", i), []int{30 + i})
				}
			},
			call:     "CALL rewrite_data_files(table => 'q.t', options => map(['rewrite-all'], ['true']))",
			eqBefore: "4", eqAfter: "0",
		},
		{
			name: "files with many equality deletes are candidates (delete-file-threshold)",
			setup: func(t *testing.T, f *lakeFixture) {
				for i := range 3 {
					applyEq(t, f.s, []int{i}, fmt.Sprintf("u%d", i), []int{35 + i})
				}
			},
			call:     "CALL rewrite_data_files(table => 'q.t', options => map(['delete-file-threshold', 'min-input-files'], ['2', '100']))",
			eqBefore: "3", eqAfter: "0",
		},
		{
			name: "a file left alone keeps the equality deletes that apply to it",
			setup: func(t *testing.T, f *lakeFixture) {
				// A second base file of ids 100-139, then deletes over both.
				f.exec("INSERT INTO lake.q.t SELECT i, 'base2' FROM range(100, 140) r(i)")
				applyEq(t, f.s, []int{1, 101}, "u", []int{2, 102})
				applyEq(t, f.s, []int{3}, "u", []int{103})
			},
			call:     "CALL rewrite_data_files(table => 'q.t', where => 'id >= 100', options => map(['rewrite-all'], ['true']))",
			eqBefore: "2", eqAfter: "2",
		},
		{
			name:   "an equality delete older than every data file goes",
			noBase: true,
			setup: func(t *testing.T, f *lakeFixture) {
				// A delete streamed into the empty table, then the data:
				// the delete applies to no data file, now or later.
				applyEq(t, f.s, nil, "", []int{5})
				f.exec("INSERT INTO lake.q.t SELECT i, 'base' FROM range(40) r(i)")
			},
			call:     "CALL rewrite_data_files(table => 'q.t', options => map(['rewrite-all'], ['true']))",
			eqBefore: "1", eqAfter: "0",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			f.exec("CREATE SCHEMA lake.q; CREATE TABLE lake.q.t (id BIGINT, v VARCHAR) TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read')")
			if !tc.noBase {
				f.exec("INSERT INTO lake.q.t SELECT i, 'base' FROM range(40) r(i)")
			}
			tc.setup(t, f)
			eqFiles := `SELECT count(*) FROM lake.q."t$delete_files" WHERE content = 2`
			if got := f.one(eqFiles); got != tc.eqBefore {
				t.Fatalf("%s equality-delete files before the rewrite, want %s", got, tc.eqBefore)
			}
			const q = "SELECT * FROM lake.q.t"
			before := sortedRows(floeRows(t, f, q))
			if got := icebergRows(t, f, f.table("q", "t"), nil); !cmp.Equal(before, got) {
				t.Fatalf("before the rewrite iceberg-go reads other rows than floe (-floe +iceberg-go):\n%s", cmp.Diff(before, got))
			}
			res := f.rows(tc.call)
			if res[0][0].(int32) == 0 {
				t.Fatalf("the rewrite rewrote nothing: %v", res)
			}
			if got := f.one(eqFiles); got != tc.eqAfter {
				t.Errorf("%s equality-delete files after the rewrite, want %s", got, tc.eqAfter)
			}
			after := sortedRows(floeRows(t, f, q))
			if diff := cmp.Diff(before, after); diff != "" {
				t.Errorf("the rewrite changed the rows (-before +after):\n%s", diff)
			}
			if got := icebergRows(t, f, f.table("q", "t"), nil); !cmp.Equal(after, got) {
				t.Errorf("after the rewrite iceberg-go reads other rows than floe (-floe +iceberg-go):\n%s", cmp.Diff(after, got))
			}
		})
	}
}

// TestRewriteDataFilesConcurrentEqualityDelete: an equality delete
// committed while a compaction writes its files applies to the files it
// read. The rewritten files keep the sequence number of the snapshot the
// compaction read (Iceberg Java's use-starting-sequence-number), so the
// delete still applies to their rows: the compaction commits at once,
// keeps that delete file and drops the one it applied, and floe and
// iceberg-go read the user's rows. A position delete committed meanwhile
// names the old files only: that compaction plans again.
func TestRewriteDataFilesConcurrentEqualityDelete(t *testing.T) {
	for _, tc := range []struct {
		name     string
		late     func(t *testing.T, user *Session)
		attempts int
		want     [][]string // ids 1, 2, 7, 8
		rows     int
		eqAfter  string
	}{
		{"equality delete: commits over it", func(t *testing.T, user *Session) { applyEq(t, user, []int{7}, "late", []int{8}) },
			1, [][]string{{"1", "u"}, {"7", "late"}}, 38, "1"},
		{"position delete: plans again", func(t *testing.T, user *Session) {
			if err := user.Exec(context.Background(), "DELETE FROM lake.q.t WHERE id IN (7, 8)"); err != nil {
				t.Fatal(err)
			}
		}, 2, [][]string{{"1", "u"}}, 37, "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			f.exec("CREATE SCHEMA lake.q; CREATE TABLE lake.q.t (id BIGINT, v VARCHAR) TBLPROPERTIES ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read'); " +
				"INSERT INTO lake.q.t SELECT i, 'base' FROM range(40) r(i)")
			applyEq(t, f.s, []int{1}, "u", []int{2})
			user, err := Open(f.ctx, f.wh)
			if err != nil {
				t.Fatal(err)
			}
			defer user.Close()
			attempts := 0
			beforeCompactionCommit = func(ctx context.Context, attempt int) {
				attempts = attempt
				if attempt == 1 {
					tc.late(t, user)
				}
			}
			defer func() { beforeCompactionCommit = nil }()
			res := f.rows("CALL rewrite_data_files(table => 'q.t', options => map(['rewrite-all'], ['true']))")
			if res[0][0].(int32) == 0 || res[0][3].(int32) != 0 {
				t.Fatalf("rewritten %v, failed %v: the compaction did not commit", res[0][0], res[0][3])
			}
			if attempts != tc.attempts {
				t.Errorf("the compaction took %d attempts, want %d", attempts, tc.attempts)
			}
			got := f.strings("SELECT id, v FROM lake.q.t WHERE id IN (1, 2, 7, 8) ORDER BY id")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("the late change was lost (-want +got):\n%s", diff)
			}
			if got := f.one(`SELECT count(*) FROM lake.q."t$delete_files" WHERE content = 2`); got != tc.eqAfter {
				t.Errorf("%s equality-delete files after the rewrite, want %s", got, tc.eqAfter)
			}
			all := sortedRows(f.strings("SELECT * FROM lake.q.t"))
			if len(all) != tc.rows {
				t.Errorf("%d rows, want %d", len(all), tc.rows)
			}
			if diff := cmp.Diff(all, icebergRows(t, f, f.table("q", "t"), nil)); diff != "" {
				t.Errorf("iceberg-go reads other rows than floe (-floe +iceberg-go):\n%s", diff)
			}
		})
	}
}
