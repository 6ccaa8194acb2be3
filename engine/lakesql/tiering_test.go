package lakesql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/errorfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

const day = 24 * time.Hour

// atDay sets FLOE_NOW to d days after start.
func atDay(t testing.TB, start time.Time, d int) {
	t.Setenv(engine.EnvNow, start.Add(time.Duration(d)*day).UTC().Format(time.RFC3339Nano))
}

func (f *lakeFixture) tiers() []string {
	f.t.Helper()
	var out []string
	for _, r := range f.strings(`SELECT tier FROM lake.ns."t$tiers" ORDER BY file`) {
		out = append(out, r[0])
	}
	return out
}

// tieredTable makes lake.ns.t, INTELLIGENT_TIERING, with two data files
// committed just before the time it returns.
func (f *lakeFixture) tieredTable() time.Time {
	f.t.Helper()
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id BIGINT, v VARCHAR);
		INSERT INTO lake.ns.t SELECT range, 'a' FROM range(100);
		INSERT INTO lake.ns.t SELECT range + 100, 'b' FROM range(100);
		CALL storage_class('ns.t', 'intelligent_tiering')`)
	// Day 0 is just after the commits: day 30 is 30 days and a moment
	// after them, day 29 a moment less than 30.
	return time.Now()
}

func TestTierTransitions(t *testing.T) {
	f := openLake(t)
	start := f.tieredTable()
	both := func(tier string) []string { return []string{tier, tier} }
	for _, c := range []struct {
		day  int
		want []string
	}{
		{0, both(engine.TierFrequent)},
		{29, both(engine.TierFrequent)},
		{30, both(engine.TierInfrequent)},
		{89, both(engine.TierInfrequent)},
		{90, both(engine.TierArchiveInstant)},
	} {
		atDay(t, start, c.day)
		if diff := cmp.Diff(c.want, f.tiers()); diff != "" {
			t.Errorf("day %d: tiers (-want +got):\n%s", c.day, diff)
		}
	}
	// A read at day 100 of one file (pruned to it) makes it FREQUENT again
	// for 30 days; the other stays cold.
	atDay(t, start, 100)
	if got := f.one(`SELECT count(*) FROM lake.ns.t WHERE id >= 100`); got != "100" {
		t.Fatalf("pruned read: %s rows", got)
	}
	files := f.strings(`SELECT file, tier FROM lake.ns."t$tiers" ORDER BY file`)
	hot := 0
	for _, r := range files {
		if r[1] == engine.TierFrequent {
			hot++
		}
	}
	if hot != 1 {
		t.Errorf("day 100, after a pruned read of one file: %v, want one FREQUENT", files)
	}
	for _, c := range []struct {
		day int
		hot int
	}{{129, 1}, {130, 0}} {
		atDay(t, start, c.day)
		n := 0
		for _, tier := range f.tiers() {
			if tier == engine.TierFrequent {
				n++
			}
		}
		if n != c.hot {
			t.Errorf("day %d: %d FREQUENT files, want %d", c.day, n, c.hot)
		}
	}
	// The reads reach the access log: a second warehouse handle sees them.
	if err := f.wh.FlushAccess(f.ctx); err != nil {
		t.Fatal(err)
	}
	other, err := engine.Open(f.ctx, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	acc, err := other.AccessTimes(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(acc) != 1 {
		t.Errorf("access log read by another handle: %d files, want 1", len(acc))
	}
	// A STANDARD table's files are always FREQUENT.
	f.exec(`CALL storage_class('ns.t', 'STANDARD')`)
	if diff := cmp.Diff(both(engine.TierFrequent), f.tiers()); diff != "" {
		t.Errorf("STANDARD: (-want +got):\n%s", diff)
	}
}

func TestCompactionSkipsColdFiles(t *testing.T) {
	f := openLake(t)
	start := f.tieredTable()
	for _, c := range []struct {
		day       int
		rewritten string
	}{{45, "0"}, {0, "2"}} {
		atDay(t, start, c.day)
		got := f.strings(`CALL rewrite_data_files('ns.t', options => map(['min-input-files'], ['2']))`)[0][0]
		if got != c.rewritten {
			t.Errorf("day %d: compaction rewrote %s files, want %s", c.day, got, c.rewritten)
		}
	}
}

func TestTieringColdPath(t *testing.T) {
	f := openLake(t)
	start := f.tieredTable()
	cold := t.TempDir()
	f.exec(`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.cold-path' = '` + cold + `')`)
	want := sortedRows(f.strings(`SELECT * FROM lake.ns.t`))

	atDay(t, start, 40)
	got := f.strings(`CALL apply_tiering('ns.t')`)[0][2:6]
	if diff := cmp.Diff([]string{"2", "0", "2", "0"}, got); diff != "" {
		t.Fatalf("apply_tiering at day 40 (-want +got):\n%s", diff)
	}
	coldFiles := f.strings(`SELECT file, tier FROM lake.ns."t$tiers" WHERE cold`)
	if len(coldFiles) != 2 {
		t.Fatalf("cold files: %v", coldFiles)
	}
	for _, r := range coldFiles {
		p, _ := engine.LocalPath(r[0])
		if !strings.HasPrefix(p, cold) {
			t.Errorf("%s is not in the cold path %s", p, cold)
		}
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
		if r[1] != engine.TierInfrequent {
			t.Errorf("%s: moved file is %s, want INFREQUENT (a move keeps its age)", r[0], r[1])
		}
	}
	// Readable by iceberg-go's reader at the new paths. (Read by floe
	// after, since floe's read is an access.)
	if diff := cmp.Diff(want, sortedRows(icebergRows(t, f, f.table("ns", "t"), nil))); diff != "" {
		t.Errorf("iceberg-go read after the move (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, sortedRows(f.strings(`SELECT * FROM lake.ns.t`))); diff != "" {
		t.Errorf("floe read after the move (-want +got):\n%s", diff)
	}
	// That read warms them: the next run moves them home.
	got = f.strings(`CALL apply_tiering('ns.t')`)[0][4:6]
	if diff := cmp.Diff([]string{"0", "2"}, got); diff != "" {
		t.Fatalf("apply_tiering after a read (-want +got):\n%s", diff)
	}
	if n := f.one(`SELECT count(*) FROM lake.ns."t$tiers" WHERE cold`); n != "0" {
		t.Errorf("%s files still cold after warming", n)
	}
	if diff := cmp.Diff(want, sortedRows(icebergRows(t, f, f.table("ns", "t"), nil))); diff != "" {
		t.Errorf("iceberg-go read after warming (-want +got):\n%s", diff)
	}
	// Cool again at day 80, then expire the snapshots that reference the
	// copies in the warehouse: expiry deletes them, orphans in the cold
	// path go with orphan removal.
	atDay(t, start, 80)
	f.exec(`CALL apply_tiering('ns.t')`)
	stray := filepath.Join(cold, "ns.db", "t", "data", "stray.parquet")
	if err := os.MkdirAll(filepath.Dir(stray), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stray, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-10 * day)
	os.Chtimes(stray, old, old)
	atDay(t, start, 81)
	f.exec(`CALL expire_snapshots('ns.t', older_than => now() + INTERVAL 200 DAY, retain_last => 1)`)
	if n := len(f.parquetFiles(f.table("ns", "t"))); n != 0 {
		t.Errorf("%d parquet files left in the warehouse after expiry; want all in the cold path", n)
	}
	rows := f.strings(`CALL remove_orphan_files('ns.t', older_than => TIMESTAMP '` + time.Now().Add(-day).UTC().Format("2006-01-02 15:04:05") + `')`)
	if len(rows) != 1 || !strings.HasSuffix(rows[0][0], "stray.parquet") {
		t.Errorf("orphans removed: %v, want the stray file in the cold path", rows)
	}
	if _, err := os.Stat(stray); !os.IsNotExist(err) {
		t.Errorf("stray cold file still there: %v", err)
	}
	if diff := cmp.Diff(want, sortedRows(icebergRows(t, f, f.table("ns", "t"), nil))); diff != "" {
		t.Errorf("iceberg-go read at the end (-want +got):\n%s", diff)
	}
}

func TestTieringBadProperties(t *testing.T) {
	f := openLake(t)
	f.tieredTable()
	for _, c := range []struct {
		sql, want string
	}{
		{`CALL storage_class('ns.t', 'GLACIER')`, "must be STANDARD or INTELLIGENT_TIERING"},
		{`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.infrequent-days' = '0')`, "floe.tiering.infrequent-days=\"0\": must be a whole number"},
		{`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.infrequent-days' = '90', 'floe.tiering.archive-instant-days' = '30')`, "must be more than"},
		{`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.archive-days' = '30')`, "unknown tiering property"},
		{`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.cold-path' = 'relative/dir')`, "must be an absolute local directory"},
		{`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.price.infrequent' = '-1')`, "must be a price"},
		{`CALL set_clock('next tuesday')`, "not an RFC 3339 time"},
	} {
		err := f.fails(c.sql)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one saying %q", c.sql, err, c.want)
		}
	}
	// The warehouse default: archive must stay above the table's
	// infrequent days once combined.
	ctx := context.Background()
	if err := f.wh.SetTiering(ctx, "", "", engine.PropArchiveDays, "20"); err == nil || !strings.Contains(err.Error(), "must be more than") {
		t.Errorf("warehouse archive-instant-days 20 under the default 30: %v", err)
	}
}

// BenchmarkScanAccessRecording measures a pruned scan of a 20-file table
// with the access recording on and off (off as for maintenance's reads),
// alternating the two in each iteration so machine noise hits both, and
// reports each one's time per scan and their ratio.
func BenchmarkScanAccessRecording(b *testing.B) {
	ctx := context.Background()
	wh, err := engine.Open(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer wh.Close()
	s, err := Open(ctx, wh)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Exec(ctx, `CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id BIGINT, v DOUBLE)`); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		if err := s.Exec(ctx, fmt.Sprintf(`INSERT INTO lake.ns.t SELECT range + %d, random() FROM range(5000)`, i*5000)); err != nil {
			b.Fatal(err)
		}
	}
	const q = `SELECT sum(v) FROM lake.ns.t WHERE id >= 10000`
	scan := func(off bool) time.Duration {
		s.noAccess = off
		defer func() { s.noAccess = false }()
		start := time.Now()
		if err := s.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	var with, without time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		with += scan(false)
		without += scan(true)
	}
	b.ReportMetric(float64(with.Nanoseconds())/float64(b.N), "recorded-ns/scan")
	b.ReportMetric(float64(without.Nanoseconds())/float64(b.N), "unrecorded-ns/scan")
	b.ReportMetric(float64(with)/float64(without), "ratio")
}

// TestTieringS3StorageClass checks that maintenance sets each object's
// storage class on S3-compatible storage (versitygw) with an in-place
// CopyObject the server accepts, and the data stays readable. versitygw
// v1.8.0's posix backend accepts x-amz-storage-class but does not keep it
// (HEAD answers STANDARD after), so the test checks the copies made and
// what HEAD reports only where the server keeps classes.
func TestTieringS3StorageClass(t *testing.T) {
	f := openS3Lake(t, t.TempDir())
	start := f.tieredTable()
	sfs, ok := f.wh.FS().(*s3fs.FS)
	if !ok {
		t.Fatalf("the warehouse's FS is %T, not s3fs", f.wh.FS())
	}
	want := sortedRows(f.strings(`SELECT * FROM lake.ns.t`))
	for _, c := range []struct {
		day    int
		cooled string
		class  string
	}{
		{10, "0", "STANDARD"},
		{40, "2", "STANDARD_IA"},
		{95, "2", "GLACIER_IR"},
	} {
		atDay(t, start, c.day)
		got := f.strings(`CALL apply_tiering('ns.t')`)[0]
		if got[4] != c.cooled {
			t.Errorf("day %d: %s objects given a colder class, want %s (%v)", c.day, got[4], c.cooled, got)
		}
		for _, r := range f.strings(`SELECT file FROM lake.ns."t$tiers"`) {
			cl, err := sfs.StorageClass(r[0])
			if err != nil {
				t.Fatal(err)
			}
			if cl != c.class && cl != "STANDARD" {
				t.Errorf("day %d: %s is %s, want %s", c.day, r[0], cl, c.class)
			}
		}
	}
	if diff := cmp.Diff(want, sortedRows(f.strings(`SELECT * FROM lake.ns.t`))); diff != "" {
		t.Fatalf("read after the class changes (-want +got):\n%s", diff)
	}
}

// TestTierMoveCrash kills (errorfs: every later write fails, as after a
// kill -9) a cold-path move at each of its steps: the copies, the age
// records, the rewrite of a v2 position-delete file naming the moved
// files, the commit. A fresh process then reads every row, through floe
// and iceberg-go, and the next run moves the files.
func TestTierMoveCrash(t *testing.T) {
	for _, c := range []struct {
		name       string
		fault      *errorfs.Counter
		posDeletes bool // the files have v2 position deletes
	}{
		{"first copy", &errorfs.Counter{Op: errorfs.OpPublish, Match: "cold", N: 1, Crash: true}, false},
		{"second copy", &errorfs.Counter{Op: errorfs.OpPublish, Match: "cold", N: 2, Crash: true}, false},
		{"age records", &errorfs.Counter{Op: errorfs.OpPublish, Match: engine.AccessDir, N: 1, Crash: true}, false},
		{"commit", &errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}, false},
		{"position-delete rewrite", &errorfs.Counter{Op: errorfs.OpPublish, Match: "-deletes.parquet", N: 1, Crash: true}, true},
		{"commit with position deletes", &errorfs.Counter{Op: errorfs.OpCreate, Match: ".metadata.json", N: 1, Crash: true}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, sw := openFaultyLake(t)
			start := f.tieredTable()
			cold := filepath.Join(t.TempDir(), "cold")
			f.exec(`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.cold-path' = '` + cold + `')`)
			if c.posDeletes {
				f.exec(`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('write.delete.mode' = 'merge-on-read');
					DELETE FROM lake.ns.t WHERE id IN (5, 150)`)
				if n := f.one(`SELECT count(*) FROM lake.ns."t$delete_files" WHERE file_format = 'PARQUET'`); n != "1" {
					t.Fatalf("%s position-delete files, want 1", n)
				}
			}
			want := sortedRows(f.strings(`SELECT * FROM lake.ns.t`))
			if err := f.wh.FlushAccess(f.ctx); err != nil {
				t.Fatal(err)
			}
			atDay(t, start, 40)
			sw.set(c.fault)
			err := f.fails(`CALL apply_tiering('ns.t')`)
			sw.set(nil)
			if !c.fault.Fired() {
				t.Fatalf("the fault never fired; saw %v", c.fault.Seen())
			}
			if !strings.Contains(err.Error(), errorfs.ErrInjected.Error()) {
				t.Errorf("err = %v, want the injected fault", err)
			}
			g := openLakeAt(t, f.dir)
			if diff := cmp.Diff(want, sortedRows(g.strings(`SELECT * FROM lake.ns.t`))); diff != "" {
				t.Errorf("floe read after the crash (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, sortedRows(icebergRows(t, g, g.table("ns", "t"), nil))); diff != "" {
				t.Errorf("iceberg-go read after the crash (-want +got):\n%s", diff)
			}
			// A fresh process's next run completes the move. Its read
			// above warmed the files: let them cool again first.
			atDay(t, start, 80)
			got := g.strings(`CALL apply_tiering('ns.t')`)[0]
			if got[4] != "2" {
				t.Errorf("the next run cooled %s files, want 2 (%v)", got[4], got)
			}
			if diff := cmp.Diff(want, sortedRows(icebergRows(t, g, g.table("ns", "t"), nil))); diff != "" {
				t.Errorf("iceberg-go read after the next run (-want +got):\n%s", diff)
			}
		})
	}
}

// TestAccessLogCompaction checks that a maintenance run merges the access
// log's objects (one per flush) into one that says the same.
func TestAccessLogCompaction(t *testing.T) {
	f := openLake(t)
	start := f.tieredTable()
	for d := 1; d <= 3; d++ {
		atDay(t, start, d)
		f.exec(`SELECT count(*) FROM lake.ns.t WHERE id < 100`)
		if err := f.wh.FlushAccess(f.ctx); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(f.dir, engine.AccessDir, "access")
	count := func() int {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	if n := count(); n != 3 {
		t.Fatalf("%d access log objects after three flushes, want 3", n)
	}
	before, err := f.wh.AccessTimes(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.exec(`CALL run_maintenance('ns.t')`)
	if n := count(); n != 1 {
		t.Errorf("%d access log objects after maintenance, want 1", n)
	}
	other, err := engine.Open(f.ctx, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	after, err := other.AccessTimes(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("access times after the merge (-before +after):\n%s", diff)
	}
	if len(after) != 1 || !after[firstKey(after)].Last.After(start.Add(2*day)) {
		t.Errorf("access times %v: want the one file read, last on day 3", after)
	}
}

func firstKey(m map[string]engine.FileAccess) string {
	for k := range m {
		return k
	}
	return ""
}

// TestTieringJobStatus: maintenance's tiering job is its own job type,
// icebergIntelligentTiering: Disabled in maintenance status while the table
// is STANDARD, recorded in maintenance_jobs when a run moved files, and
// Successful in status after.
func TestTieringJobStatus(t *testing.T) {
	f := openLake(t)
	start := f.tieredTable()
	status := func() JobStatus {
		t.Helper()
		sts, err := f.s.MaintenanceStatus(f.ctx, "ns", "t")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range sts {
			if s.Job == JobTiering {
				return s
			}
		}
		t.Fatalf("maintenance status has no %s: %+v", JobTiering, sts)
		return JobStatus{}
	}
	f.exec(`CALL storage_class('ns.t', 'standard')`)
	if st := status(); st.Status != StatusDisabled {
		t.Errorf("STANDARD table: tiering status %s, want %s", st.Status, StatusDisabled)
	}
	f.exec(`CALL storage_class('ns.t', 'intelligent_tiering');
		ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.cold-path' = '` + t.TempDir() + `')`)
	if st := status(); st.Status != StatusNotYetRun {
		t.Errorf("INTELLIGENT_TIERING table before a run: tiering status %s, want %s", st.Status, StatusNotYetRun)
	}
	atDay(t, start, 40)
	f.exec(`CALL run_maintenance('ns.t')`)
	got := f.strings(`SELECT status, files_in FROM lake.floe_system.maintenance_jobs WHERE job_type = 'icebergIntelligentTiering'`)
	if diff := cmp.Diff([][]string{{StatusSuccessful, "2"}}, got); diff != "" {
		t.Errorf("maintenance_jobs tiering rows (-want +got):\n%s", diff)
	}
	if st := status(); st.Status != StatusSuccessful || !strings.Contains(st.Message, "moved 2 files to colder tiers") {
		t.Errorf("after the run: tiering status %+v, want Successful, 2 files moved", st)
	}
}

// TestTieringMovesDeletedFiles: data files with deletion vectors or v2
// position-delete files move to the cold path and back with them: the DVs
// are written again for the new paths, the position-delete files are
// rewritten to name the new paths, in the same commit, and iceberg-go's
// reader and floe's read the same rows before and after (in every
// snapshot the commit made), with rows deleted before and after the move.
func TestTieringMovesDeletedFiles(t *testing.T) {
	const v2 = "'format-version' = '2', 'write.delete.mode' = 'merge-on-read'"
	for _, tc := range []struct {
		name       string
		props      string
		deletes    string // the deletes before the move (11 rows)
		extraWrite string // a delete after it (1 row)
		posFiles   string // position-delete files before the move
	}{
		{name: "v3 deletion vectors", props: "'format-version' = '3'",
			deletes:    "DELETE FROM lake.ns.t WHERE id % 10 = 0 AND id < 100; DELETE FROM lake.ns.t WHERE id = 150",
			extraWrite: "DELETE FROM lake.ns.t WHERE id = 151", posFiles: "0"},
		{name: "v2 position-delete files, one per data file", props: v2,
			deletes:    "DELETE FROM lake.ns.t WHERE id % 10 = 0 AND id < 100; DELETE FROM lake.ns.t WHERE id = 150",
			extraWrite: "DELETE FROM lake.ns.t WHERE id = 151", posFiles: "2"},
		{name: "v2 position-delete file naming both data files", props: v2,
			deletes:    "DELETE FROM lake.ns.t WHERE (id % 10 = 0 AND id < 100) OR id = 150",
			extraWrite: "DELETE FROM lake.ns.t WHERE id IN (151)", posFiles: "1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := openLake(t)
			f.exec(`CREATE SCHEMA lake.ns;
				CREATE TABLE lake.ns.t (id BIGINT, v VARCHAR) TBLPROPERTIES (` + tc.props + `);
				INSERT INTO lake.ns.t SELECT range, 'a' FROM range(100);
				INSERT INTO lake.ns.t SELECT range + 100, 'b' FROM range(100);
				` + tc.deletes + `;
				CALL storage_class('ns.t', 'intelligent_tiering')`)
			if n := f.one(`SELECT count(*) FROM lake.ns."t$delete_files" WHERE file_format = 'PARQUET'`); n != tc.posFiles {
				t.Fatalf("%s position-delete files before the move, want %s", n, tc.posFiles)
			}
			start := time.Now()
			cold := t.TempDir()
			f.exec(`ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.cold-path' = '` + cold + `')`)
			want := sortedRows(f.strings(`SELECT * FROM lake.ns.t`))
			if len(want) != 189 {
				t.Fatalf("%d rows before the move, want 189", len(want))
			}
			atDay(t, start, 40)
			snapsBefore := len(f.table("ns", "t").Snapshots())
			got := f.strings(`CALL apply_tiering('ns.t')`)[0]
			if got[4] != "2" || got[6] != "0" {
				t.Fatalf("apply_tiering at day 40: cooled %s kept %s, want 2 and 0 (%v)", got[4], got[6], got)
			}
			if n := f.one(`SELECT count(*) FROM lake.ns."t$tiers" WHERE cold`); n != "2" {
				t.Errorf("%s files cold, want 2", n)
			}
			// Every snapshot the move made reads the same rows.
			moved := f.table("ns", "t")
			for _, snap := range moved.Snapshots()[snapsBefore:] {
				if n := icebergCountAt(t, f, moved, snap.SnapshotID); n != len(want) {
					t.Errorf("iceberg-go read of snapshot %d of the move: %d rows, want %d", snap.SnapshotID, n, len(want))
				}
			}
			// No live position-delete file names a path that is gone.
			for _, r := range f.strings(`SELECT file_path FROM lake.ns."t$delete_files" WHERE file_format = 'PARQUET'`) {
				p, _ := engine.LocalPath(r[0])
				if stale := f.strings(`SELECT DISTINCT file_path FROM read_parquet(` + engine.QuoteString(p) +
					`) WHERE file_path NOT IN (SELECT file_path FROM lake.ns."t$files")`); len(stale) != 0 {
					t.Errorf("position-delete file %s names data files not in the table: %v", r[0], stale)
				}
			}
			if diff := cmp.Diff(want, sortedRows(icebergRows(t, f, f.table("ns", "t"), nil))); diff != "" {
				t.Errorf("iceberg-go read after the move (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(want, sortedRows(f.strings(`SELECT * FROM lake.ns.t`))); diff != "" {
				t.Errorf("floe read after the move (-want +got):\n%s", diff)
			}
			// A delete on a moved file, then the read warms them home.
			f.exec(tc.extraWrite)
			want = sortedRows(f.strings(`SELECT * FROM lake.ns.t`))
			if len(want) != 188 {
				t.Fatalf("%d rows after another delete, want 188", len(want))
			}
			f.exec(`CALL apply_tiering('ns.t')`)
			if n := f.one(`SELECT count(*) FROM lake.ns."t$tiers" WHERE cold`); n != "0" {
				t.Errorf("%s files still cold after warming", n)
			}
			if diff := cmp.Diff(want, sortedRows(icebergRows(t, f, f.table("ns", "t"), nil))); diff != "" {
				t.Errorf("iceberg-go read after warming (-want +got):\n%s", diff)
			}
			g := openLakeAt(t, f.dir)
			if diff := cmp.Diff(want, sortedRows(g.strings(`SELECT * FROM lake.ns.t`))); diff != "" {
				t.Errorf("floe read in a new session after warming (-want +got):\n%s", diff)
			}
		})
	}
}

// icebergCountAt counts the rows iceberg-go's reader reads from snapshot
// id of it.
func icebergCountAt(t *testing.T, f *lakeFixture, it *engine.Table, id int64) int {
	t.Helper()
	at, err := it.Iceberg().Scan(table.WithSnapshotID(id)).ToArrowTable(f.ctx)
	if err != nil {
		t.Fatalf("iceberg-go scan of %s at snapshot %d: %v", it.Ident(), id, err)
	}
	defer at.Release()
	return int(at.NumRows())
}

// TestTieringKeepsFilesOutsideTheWarehouse: a registered table's files
// outside the warehouse directory have no place in the cold path: they
// stay, counted as kept, and read as before.
func TestTieringKeepsFilesOutsideTheWarehouse(t *testing.T) {
	src := openLake(t)
	src.exec(`CREATE SCHEMA lake.other;
		CREATE TABLE lake.other.src (id BIGINT, v VARCHAR);
		INSERT INTO lake.other.src SELECT range, 'a' FROM range(10);
		INSERT INTO lake.other.src SELECT range + 10, 'b' FROM range(10)`)
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CALL register_table('ns.t', '` + src.table("other", "src").MetadataLocation() + `');
		CALL storage_class('ns.t', 'intelligent_tiering');
		ALTER TABLE lake.ns.t SET TBLPROPERTIES ('floe.tiering.cold-path' = '` + t.TempDir() + `')`)
	start := time.Now()
	want := sortedRows(f.strings(`SELECT * FROM lake.ns.t`))
	atDay(t, start, 40)
	got := f.strings(`CALL apply_tiering('ns.t')`)[0]
	if diff := cmp.Diff([]string{"0", "2", "0", "0", "0", "2"}, got[1:7]); diff != "" {
		t.Errorf("apply_tiering (frequent, infrequent, archive, cooled, warmed, kept) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, sortedRows(icebergRows(t, f, f.table("ns", "t"), nil))); diff != "" {
		t.Errorf("iceberg-go read after apply_tiering (-want +got):\n%s", diff)
	}
}
