package lens

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// dayRows returns every lens table's rows of a day, without collected_at,
// as text, keyed by table. The warehouse-level storage row is left out:
// it counts the catalog database, whose size changes with every commit.
func (l *lake) dayRows(day string) map[string][]string {
	l.t.Helper()
	out := map[string][]string{}
	if n := l.rows(fmt.Sprintf("SELECT count(*) FROM lake.%s.%s WHERE day = DATE '%s' AND level = 'warehouse'", Namespace, StorageDaily, day)); i64(n[0][0]) > 1 {
		l.t.Fatalf("%s has %d warehouse rows, want at most one", day, i64(n[0][0]))
	}
	for _, lt := range definitions(Namespace) {
		where := ""
		if lt.name == StorageDaily {
			where = " AND level <> 'warehouse'"
		}
		rows := l.rows(fmt.Sprintf("SELECT * EXCLUDE (collected_at) FROM lake.%s.%s WHERE day = DATE '%s'%s ORDER BY ALL", Namespace, lt.name, day, where))
		for _, r := range rows {
			out[lt.name] = append(out[lt.name], fmt.Sprint(r))
		}
	}
	return out
}

// tableBytes returns lake.s.t's storage_daily bytes per day.
func (l *lake) tableBytes() map[string][]int64 {
	l.t.Helper()
	out := map[string][]int64{}
	for _, r := range l.rows(`SELECT strftime(day, '%Y-%m-%d'), bytes FROM lake.floe_lens.storage_daily
		WHERE level = 'table' AND namespace = 's' AND table_name = 't' ORDER BY day, bytes`) {
		out[r[0].(string)] = append(out[r[0].(string)], i64(r[1]))
	}
	return out
}

// TestCollectReplacesTheDay runs collects over days with the table
// changing in between: each day keeps one set of rows, a second run the
// same day replaces the first's, and each run is one overwrite snapshot of
// each lens table, all committed together.
func TestCollectReplacesTheDay(t *testing.T) {
	type step struct {
		sql string // run before the collect
		at  string // collect time
	}
	steps := []step{
		{"INSERT INTO lake.s.t SELECT i FROM range(100) r(i)", "2026-05-01T09:00:00Z"},
		{"", "2026-05-01T18:00:00Z"}, // same day, nothing changed
		{"INSERT INTO lake.s.t SELECT i FROM range(5000) r(i)", "2026-05-02T09:00:00Z"},
		{"INSERT INTO lake.s.t SELECT i FROM range(5000) r(i)", "2026-05-02T23:59:59Z"}, // same day, grown
	}
	l := openLake(t, t.TempDir())
	l.exec("CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id BIGINT)")
	var first map[string][]string
	for i, st := range steps {
		if st.sql != "" {
			l.exec(st.sql)
		}
		l.collect(st.at)
		if i == 0 {
			first = l.dayRows("2026-05-01")
		}
	}
	// The same day collected twice over unchanged tables: the same rows.
	if d := cmp.Diff(first, l.dayRows("2026-05-01")); d != "" {
		t.Errorf("2026-05-01 after its second collect (-first +second):\n%s", d)
	}
	got := l.tableBytes()
	if len(got["2026-05-01"]) != 1 || len(got["2026-05-02"]) != 1 {
		t.Fatalf("table rows per day = %v, want one a day", got)
	}
	want, _ := expected(t, l, "s", "t")
	if got["2026-05-02"][0] != want.Bytes {
		t.Errorf("2026-05-02 bytes = %d, want %d, the table as the last collect saw it", got["2026-05-02"][0], want.Bytes)
	}
	if got["2026-05-01"][0] >= got["2026-05-02"][0] {
		t.Errorf("bytes did not grow from day to day: %v", got)
	}
	for _, lt := range definitions(Namespace) {
		tb, err := l.wh.Table(l.ctx, Namespace, lt.name)
		if err != nil {
			t.Fatal(err)
		}
		// Partitioned by day: every data file holds one day.
		spec := tb.Spec()
		if spec.NumFields() != 1 || spec.Field(0).Transform.String() != "identity" || spec.Field(0).Name != "day" {
			t.Errorf("%s is partitioned by %v, want identity(day)", lt.name, spec)
		}
		tasks, err := tb.Iceberg().Scan().PlanFiles(l.ctx)
		if err != nil {
			t.Fatal(err)
		}
		days := map[string]bool{}
		for _, task := range tasks {
			days[partitionKey(task.File)] = true
		}
		if len(tasks) > 0 && len(days) != 2 {
			t.Errorf("%s's live files are in %d partitions, want the 2 days collected", lt.name, len(days))
		}
		snaps := tb.Snapshots()
		if len(snaps) != len(steps) {
			t.Errorf("%s has %d snapshots after %d collects, want one each", lt.name, len(snaps), len(steps))
		}
		for _, s := range snaps {
			if op := s.Summary.Operation; op != "append" && op != "overwrite" {
				t.Errorf("%s snapshot %d is a %s, want an overwrite of its day", lt.name, s.SnapshotID, op)
			}
		}
	}
}

// TestCollectKilledKeepsEarlierRows kills a collect after each of the
// files it writes in turn (every later write fails, as for a dead
// process) and checks that the earlier day's rows are intact and the
// day being re-collected holds either the old run's rows in every lens
// table or the new run's in every one: the run is one commit.
func TestCollectKilledKeepsEarlierRows(t *testing.T) {
	dir := t.TempDir()
	l := openLake(t, dir)
	l.exec("CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id BIGINT)")
	l.exec("INSERT INTO lake.s.t SELECT i FROM range(100) r(i)")
	l.collect("2026-05-01T09:00:00Z")
	l.exec("INSERT INTO lake.s.t SELECT i FROM range(100) r(i)")
	l.collect("2026-05-02T09:00:00Z")
	day1 := l.dayRows("2026-05-01")
	old := l.dayRows("2026-05-02")
	l.exec("INSERT INTO lake.s.t SELECT i FROM range(1000) r(i)")

	// Kill points: each lens table's commit (its metadata file), and the
	// data file and manifest list of some of them.
	type kill struct {
		match string
		n     int
	}
	// The last one is past the last commit: that run completes.
	kills := []kill{{".parquet", 1}, {".parquet", 3}, {"snap-", 2}}
	for n := 1; n <= len(definitions(Namespace))+1; n++ {
		kills = append(kills, kill{".metadata.json", n})
	}
	var killed []map[string][]string
	for _, k := range kills {
		n := k.n
		c := &errorfs.Counter{Op: errorfs.OpPublish, Match: k.match, N: n, Crash: true}
		wh, err := engine.Open(context.Background(), dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, c)))
		if err != nil {
			t.Fatal(err)
		}
		_, cerr := Collect(context.Background(), wh, Options{Now: mustTime(t, "2026-05-02T20:00:00Z")})
		wh.Close()
		if !c.Fired() {
			if cerr != nil {
				t.Fatalf("collect with no fault: %v", cerr)
			}
			if k.match != ".metadata.json" {
				t.Fatalf("the collect wrote fewer than %d files matching %s", n, k.match)
			}
			continue
		}
		if cerr == nil {
			t.Fatalf("collect killed at %s #%d reported success", k.match, n)
		}
		now := openLake(t, dir)
		if d := cmp.Diff(day1, now.dayRows("2026-05-01")); d != "" {
			t.Fatalf("killed at %s #%d: 2026-05-01 changed (-before +after):\n%s", k.match, n, d)
		}
		killed = append(killed, now.dayRows("2026-05-02"))
	}
	if len(killed) < len(definitions(Namespace)) {
		t.Fatalf("only %d kill points: the collect wrote fewer files than it has tables", len(killed))
	}
	// The run with no fault wrote what any complete run writes now.
	fresh := openLake(t, dir).dayRows("2026-05-02")
	if cmp.Equal(fresh, old) {
		t.Fatal("the re-run wrote the same rows as the old run: the test cannot tell them apart")
	}
	// One commit per run: every lens table holds the old run's rows, or
	// every one the new run's.
	for n, got := range killed {
		if !cmp.Equal(got, old) && !cmp.Equal(got, fresh) {
			t.Errorf("kill %d: the lens tables' 2026-05-02 rows are neither all the old run's nor all a whole new run's (-new +got):\n%s",
				n+1, cmp.Diff(fresh, got))
		}
	}
}
