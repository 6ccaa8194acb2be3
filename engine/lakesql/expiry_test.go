package lakesql

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/floehq/floe/engine"
)

// laterBy sets FLOE_NOW to d after the real clock for the rest of the test.
func laterBy(t *testing.T, d time.Duration) {
	t.Helper()
	t.Setenv(engine.EnvNow, time.Now().Add(d).UTC().Format(time.RFC3339Nano))
}

// dirFiles lists the files under dir, as absolute paths, sorted.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// reachable lists the files a table's metadata reaches (its metadata
// file and metadata log, statistics, and for every snapshot the manifest
// list, manifests and the files their live entries name: a file a
// manifest lists as deleted is not in its snapshot), read with iceberg-go
// alone, apart from the engine's own bookkeeping.
func (f *lakeFixture) reachable(ns, name string) map[string]bool {
	f.t.Helper()
	tbl := f.table(ns, name).Iceberg()
	md := tbl.Metadata()
	out := map[string]bool{}
	add := func(loc string) {
		if p, ok := engine.LocalPath(loc); ok {
			out[filepath.Clean(p)] = true
		} else if strings.HasPrefix(loc, "s3://") {
			out[loc] = true
		}
	}
	add(tbl.MetadataLocation())
	for e := range md.PreviousFiles() {
		add(e.MetadataFile)
	}
	for s := range md.Statistics() {
		add(s.StatisticsPath)
	}
	fsys, err := tbl.FS(f.ctx)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, s := range md.Snapshots() {
		add(s.ManifestList)
		mfs, err := s.Manifests(fsys)
		if err != nil {
			f.t.Fatal(err)
		}
		for _, mf := range mfs {
			add(mf.FilePath())
			for e, err := range mf.Entries(fsys, true) {
				if err != nil {
					f.t.Fatal(err)
				}
				add(strings.Clone(e.DataFile().FilePath()))
			}
		}
	}
	return out
}

// snapshotIDs lists a table's snapshots, oldest first.
func (f *lakeFixture) snapshotIDs(ns, name string) []int64 {
	f.t.Helper()
	var ids []int64
	for _, s := range f.table(ns, name).Snapshots() {
		ids = append(ids, s.SnapshotID)
	}
	return ids
}

// setRef points a tag or branch of lake.ns.name at a snapshot.
func (f *lakeFixture) setRef(ns, name, ref string, id int64, typ table.RefType, maxRefAgeMs int64) {
	f.t.Helper()
	_, _, err := f.wh.Catalog().CommitTable(f.ctx, table.Identifier{ns, name}, nil,
		[]table.Update{table.NewSetSnapshotRefUpdate(ref, id, typ, maxRefAgeMs, 0, 0)})
	if err != nil {
		f.t.Fatal(err)
	}
}

// history makes lake.e.t (format v3, merge-on-read) with five snapshots:
// two appends (one data file each), a DELETE (a deletion vector on the
// second file), rewrite_data_files (one file with the delete applied: the
// first two files and the vector are then reached only by the older
// snapshots) and an append. It returns the rows each snapshot reads.
func (f *lakeFixture) history() [][][]string {
	f.t.Helper()
	f.exec(`CREATE SCHEMA lake.e;
		CREATE TABLE lake.e.t (id INTEGER, s VARCHAR) TBLPROPERTIES ('format-version' = '3');
		INSERT INTO lake.e.t VALUES (1, 'a'), (2, 'b');
		INSERT INTO lake.e.t VALUES (3, 'c'), (4, 'd');
		DELETE FROM lake.e.t WHERE id = 3;
		CALL rewrite_data_files('e.t');
		INSERT INTO lake.e.t VALUES (5, 'e')`)
	ids := f.snapshotIDs("e", "t")
	if len(ids) != 5 {
		f.t.Fatalf("%d snapshots, want 5", len(ids))
	}
	var rows [][][]string
	for _, id := range ids {
		rows = append(rows, f.strings(fmt.Sprintf("SELECT * FROM lake.e.t AT (VERSION => %d) ORDER BY id", id)))
	}
	return rows
}

// metadataAt finds the metadata file of lake.ns.name's log whose current
// snapshot is id.
func (f *lakeFixture) metadataAt(ns, name string, id int64) string {
	f.t.Helper()
	for e := range f.table(ns, name).Iceberg().Metadata().PreviousFiles() {
		p, _ := engine.LocalPath(e.MetadataFile)
		b, err := os.ReadFile(p)
		if err != nil {
			f.t.Fatal(err)
		}
		md, err := table.ParseMetadataBytes(b)
		if err != nil {
			f.t.Fatal(err)
		}
		if s := md.CurrentSnapshot(); s != nil && s.SnapshotID == id {
			return e.MetadataFile
		}
	}
	f.t.Fatalf("no metadata file of lake.%s.%s has snapshot %d current", ns, name, id)
	return ""
}

// metadataFiles counts the metadata files under dir.
func metadataFiles(files []string) int {
	n := 0
	for _, p := range files {
		if strings.HasSuffix(p, ".metadata.json") {
			n++
		}
	}
	return n
}

// expireResult is the row CALL expire_snapshots returns.
type expireResult struct {
	Data, PositionDeletes, EqualityDeletes, Manifests, ManifestLists, Statistics, Expired int64
	Bytes                                                                                 int64
}

func (f *lakeFixture) expire(call string) expireResult {
	f.t.Helper()
	rows := f.rows(call)
	if len(rows) != 1 || len(rows[0]) != 8 {
		f.t.Fatalf("%s returned %v, want one row of 8 counts", call, rows)
	}
	v := func(i int) int64 { return rows[0][i].(int64) }
	return expireResult{v(0), v(1), v(2), v(3), v(4), v(5), v(6), v(7)}
}

// TestExpireSnapshots: expire_snapshots removes exactly the snapshots
// Iceberg's rules let go, in one commit; the current rows and the kept
// snapshots read as before, the expired ones fail clearly; the files it
// deletes are exactly those no kept snapshot and no other table reaches,
// and none that one does.
func TestExpireSnapshots(t *testing.T) {
	for _, tc := range []struct {
		name  string
		later time.Duration // FLOE_NOW after the real clock
		setup func(f *lakeFixture, ids []int64)
		call  func(f *lakeFixture, ids []int64) string
		keep  []int // indexes of the snapshots kept
		want  expireResult
	}{
		{
			name: "young snapshots stay (older_than defaults to 5 days ago)",
			call: func(*lakeFixture, []int64) string { return "CALL expire_snapshots('e.t')" },
			keep: []int{0, 1, 2, 3, 4},
		},
		{
			name:  "six days later all but the current one go",
			later: 6 * 24 * time.Hour,
			call:  func(*lakeFixture, []int64) string { return "CALL system.expire_snapshots(table => 'lake.e.t')" },
			keep:  []int{4},
			// The two first data files and the deletion vector, a manifest
			// list per expired snapshot; manifests are checked by listing.
			want: expireResult{Data: 2, PositionDeletes: 1, ManifestLists: 4, Expired: 4},
		},
		{
			name:  "retain_last keeps the newest three",
			later: 6 * 24 * time.Hour,
			call:  func(*lakeFixture, []int64) string { return "CALL expire_snapshots('e.t', retain_last => 3)" },
			keep:  []int{2, 3, 4},
			want:  expireResult{ManifestLists: 2, Expired: 2},
		},
		{
			name: "older_than the third snapshot",
			call: func(f *lakeFixture, ids []int64) string {
				ts := f.one(fmt.Sprintf(`SELECT strftime(committed_at, '%%Y-%%m-%%d %%H:%%M:%%S.%%g') FROM lake.e."t$snapshots" WHERE snapshot_id = %d`, ids[2]))
				return "CALL expire_snapshots('e.t', TIMESTAMP '" + ts + "', 1, 4, false)"
			},
			keep: []int{2, 3, 4},
			want: expireResult{ManifestLists: 2, Expired: 2},
		},
		{
			name:  "a tag keeps its snapshot and its files",
			later: 6 * 24 * time.Hour,
			setup: func(f *lakeFixture, ids []int64) { f.setRef("e", "t", "v1", ids[0], table.TagRef, 0) },
			call:  func(*lakeFixture, []int64) string { return "CALL expire_snapshots('e.t', retain_last => 1)" },
			keep:  []int{0, 4},
			want:  expireResult{Data: 1, PositionDeletes: 1, ManifestLists: 3, Expired: 3},
		},
		{
			name:  "a branch keeps its head",
			later: 6 * 24 * time.Hour,
			setup: func(f *lakeFixture, ids []int64) { f.setRef("e", "t", "audit", ids[1], table.BranchRef, 0) },
			call:  func(*lakeFixture, []int64) string { return "CALL expire_snapshots('e.t')" },
			keep:  []int{1, 4},
			want:  expireResult{PositionDeletes: 1, ManifestLists: 3, Expired: 3},
		},
		{
			name:  "a tag older than its max-ref-age goes with its snapshot",
			later: 6 * 24 * time.Hour,
			setup: func(f *lakeFixture, ids []int64) {
				f.setRef("e", "t", "old", ids[0], table.TagRef, (24 * time.Hour).Milliseconds())
			},
			call: func(*lakeFixture, []int64) string { return "CALL expire_snapshots('e.t')" },
			keep: []int{4},
			want: expireResult{Data: 2, PositionDeletes: 1, ManifestLists: 4, Expired: 4},
		},
		{
			name:  "a table registered over the files keeps them",
			later: 6 * 24 * time.Hour,
			setup: func(f *lakeFixture, ids []int64) {
				// lake.e.copy is lake.e.t as of its second snapshot.
				f.exec(`CALL register_table('e.copy', '` + f.metadataAt("e", "t", ids[1]) + `')`)
			},
			call: func(*lakeFixture, []int64) string { return "CALL expire_snapshots('e.t')" },
			keep: []int{4},
			want: expireResult{PositionDeletes: 1, ManifestLists: 2, Expired: 4},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			rows := f.history()
			ids := f.snapshotIDs("e", "t")
			if tc.setup != nil {
				tc.setup(f, ids)
			}
			var copyRows [][]string
			hasCopy := false
			if tables, _ := f.wh.Tables(f.ctx, "e"); slices.Contains(tables, "copy") {
				hasCopy = true
				copyRows = f.strings("SELECT * FROM lake.e.copy ORDER BY id")
			}
			if tc.later != 0 {
				laterBy(t, tc.later)
			}
			before := dirFiles(t, f.dir)

			got := f.expire(tc.call(f, ids))

			after := dirFiles(t, f.dir)
			var kept []int64
			for _, i := range tc.keep {
				kept = append(kept, ids[i])
			}
			if diff := cmp.Diff(kept, f.snapshotIDs("e", "t")); diff != "" {
				t.Errorf("snapshots left (-want +got):\n%s", diff)
			}
			diffRows(t, "current rows", rows[4], f.strings("SELECT * FROM lake.e.t ORDER BY id"))
			for i, id := range ids {
				q := fmt.Sprintf("SELECT * FROM lake.e.t AT (VERSION => %d) ORDER BY id", id)
				if slices.Contains(tc.keep, i) {
					diffRows(t, fmt.Sprintf("snapshot %d", i+1), rows[i], f.strings(q))
					continue
				}
				wantErr(t, f.fails(q), engine.ErrNoSuchSnapshot, "lake.e.t", strconv.FormatInt(id, 10))
			}
			if hasCopy {
				diffRows(t, "lake.e.copy", copyRows, f.strings("SELECT * FROM lake.e.copy ORDER BY id"))
			}

			// The files deleted are exactly those nothing reaches any more
			// (metadata files stay: the metadata log still lists them).
			reached := f.reachable("e", "t")
			if hasCopy {
				maps.Copy(reached, f.reachable("e", "copy"))
			}
			var wantGone []string
			for _, p := range before {
				if !reached[p] && !strings.HasSuffix(p, ".metadata.json") && strings.Contains(p, "/e.db/") {
					wantGone = append(wantGone, p)
				}
			}
			var gone []string
			for _, p := range before {
				if !slices.Contains(after, p) {
					gone = append(gone, p)
				}
			}
			if diff := cmp.Diff(wantGone, gone, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("files deleted (-unreachable +deleted):\n%s", diff)
			}
			for p := range reached {
				if _, err := os.Stat(p); err != nil {
					t.Errorf("a reachable file is gone: %v", err)
				}
			}
			// One commit, or none when nothing expired.
			wantMeta := metadataFiles(before)
			if len(tc.keep) < len(ids) {
				wantMeta++
			}
			if n := metadataFiles(after); n != wantMeta {
				t.Errorf("%d metadata files, want %d (one commit)", n, wantMeta)
			}

			// The counts say what went: manifests are whatever the listing
			// shows, the bytes are the deleted files' sizes.
			want := tc.want
			for _, p := range gone {
				if strings.HasSuffix(p, ".avro") && !strings.Contains(filepath.Base(p), "snap-") {
					want.Manifests++
				}
			}
			want.Bytes = got.Bytes
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if sum := got.Data + got.PositionDeletes + got.EqualityDeletes + got.Manifests + got.ManifestLists + got.Statistics; sum != int64(len(gone)) {
				t.Errorf("result counts %d files, %d were deleted", sum, len(gone))
			}
			if (got.Bytes > 0) != (len(gone) > 0) {
				t.Errorf("deleted_bytes_count = %d for %d files", got.Bytes, len(gone))
			}
		})
	}
}

// TestExpireSnapshotsTimeTravelByTimestamp: after expiry, AT (TIMESTAMP)
// to a time only an expired snapshot covered fails saying so, and to a
// time a kept snapshot covers reads it.
func TestExpireSnapshotsTimeTravelByTimestamp(t *testing.T) {
	f := openLake(t)
	rows := f.history()
	var times []string
	for _, r := range f.strings(`SELECT strftime(committed_at, '%Y-%m-%d %H:%M:%S.%g+00') FROM lake.e."t$snapshots" ORDER BY committed_at`) {
		times = append(times, r[0])
	}
	f.exec("CALL expire_snapshots('e.t', older_than => TIMESTAMP '" + strings.TrimSuffix(times[3], "+00") + "')")
	q := func(i int) string {
		return "SELECT * FROM lake.e.t AT (TIMESTAMP => TIMESTAMPTZ '" + times[i] + "') ORDER BY id"
	}
	wantErr(t, f.fails(q(1)), engine.ErrNoSuchSnapshot, "lake.e.t")
	diffRows(t, "at the fourth snapshot's time", rows[3], f.strings(q(3)))
}
