package lens

import (
	"context"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// TestCollectIfDue runs a daily schedule's checks: the first check of a
// day collects, later ones that day do not, a collect killed before its
// last table leaves the day due, and the next day collects again.
func TestCollectIfDue(t *testing.T) {
	dir := t.TempDir()
	l := openLake(t, dir)
	l.exec("CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id BIGINT); INSERT INTO lake.s.t SELECT i FROM range(10) r(i)")
	last := definitions(Namespace)[len(definitions(Namespace))-1].name
	steps := []struct {
		now     string
		killed  bool // the collect dies as it commits its last table
		collect bool
	}{
		{now: "2026-08-01T00:10:00Z", collect: true},
		{now: "2026-08-01T09:00:00Z"},
		{now: "2026-08-01T23:59:00Z"},
		{now: "2026-08-02T00:01:00Z", killed: true},
		{now: "2026-08-02T00:11:00Z", collect: true},
		{now: "2026-08-02T06:00:00Z"},
	}
	for _, st := range steps {
		wh := l.wh
		var crash *errorfs.Counter
		if st.killed {
			// The last table's commit is the collect's last metadata file.
			crash = &errorfs.Counter{Op: errorfs.OpPublish, Match: "/" + last + "/metadata/", N: 1, Crash: true}
			var err error
			if wh, err = engine.Open(context.Background(), dir, engine.WithFS(errorfs.Wrap(vfs.Local{}, crash))); err != nil {
				t.Fatal(err)
			}
		}
		_, ran, err := CollectIfDue(context.Background(), wh, Options{Now: mustTime(t, st.now)})
		if st.killed {
			wh.Close()
			if err == nil || !crash.Fired() {
				t.Fatalf("%s: the collect was not killed (err %v)", st.now, err)
			}
			if done, err := Collected(context.Background(), l.wh, mustTime(t, st.now)); err != nil || done {
				t.Fatalf("%s: after a killed collect Collected = %v, %v; want false", st.now, done, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", st.now, err)
		}
		if ran != st.collect {
			t.Errorf("%s: collected = %v, want %v", st.now, ran, st.collect)
		}
	}
	// One collect per day in the tables that have rows every day.
	for _, name := range []string{StorageDaily, TableHealthDaily, CostDaily} {
		got := l.rows(`SELECT count(*) FROM (SELECT DISTINCT day, collected_at FROM lake.floe_lens.` + name + `)`)
		if got[0][0] != int64(2) {
			t.Errorf("%s holds rows of %v collects, want 2 (one per day)", name, got[0][0])
		}
	}
}
