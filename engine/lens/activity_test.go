package lens

import (
	"math"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// opTally counts the opens and creates of each table's files as the
// filesystem below the counting one sees them.
type opTally struct {
	mu                      sync.Mutex
	opens, creates, commits map[string]int64
	names                   map[string]map[string]bool // the distinct files opened or created
}

func (o *opTally) MaybeError(op errorfs.Op, name string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, tbl := range []string{"s.db/a/", "s.db/b/"} {
		if !strings.Contains(name, tbl) {
			continue
		}
		if op == errorfs.OpOpen || op == errorfs.OpCreate {
			if o.names[tbl] == nil {
				o.names[tbl] = map[string]bool{}
			}
			p := name
			if local, ok := engine.LocalPath(name); ok {
				p = local
			}
			o.names[tbl][filepath.Clean(p)] = true
		}
		switch op {
		case errorfs.OpOpen:
			o.opens[tbl]++
		case errorfs.OpCreate:
			o.creates[tbl]++
			if strings.HasSuffix(name, ".metadata.json") {
				o.commits[tbl]++
			}
		}
	}
	return nil
}

// TestActivityFromProcessCounters runs two "processes" (two counted
// warehouses on one directory), each flushing its counters, and checks
// that activity_daily holds their sums per table.
func TestActivityFromProcessCounters(t *testing.T) {
	dir := t.TempDir()
	tally := &opTally{opens: map[string]int64{}, creates: map[string]int64{}, commits: map[string]int64{}, names: map[string]map[string]bool{}}
	now := mustTime(t, "2026-06-01T12:00:00Z")
	scripts := []string{
		"CREATE SCHEMA IF NOT EXISTS lake.s; CREATE TABLE lake.s.a (id BIGINT); INSERT INTO lake.s.a VALUES (1), (2)",
		"CREATE TABLE lake.s.b (id BIGINT) TBLPROPERTIES ('format-version'='3'); INSERT INTO lake.s.b SELECT i FROM range(100) r(i); DELETE FROM lake.s.b WHERE id < 5; SELECT count(*) FROM lake.s.a",
	}
	for _, script := range scripts {
		c := Count(errorfs.Wrap(vfs.Local{}, tally), dir)
		l := openLake(t, dir, engine.WithFS(c.FS()))
		l.exec(script)
		if err := c.Flush(now); err != nil {
			t.Fatal(err)
		}
		if err := c.Flush(now); err != nil { // nothing new: writes nothing
			t.Fatal(err)
		}
	}
	l := openLake(t, dir)
	l.collect("2026-06-01T23:00:00Z")
	got := l.rows(`SELECT table_name, processes, read_requests, write_requests, commits, files_accessed, bytes_written > 0, total_p99_ms IS NOT NULL
		FROM lake.floe_lens.activity_daily ORDER BY table_name`)
	want := [][]any{
		// DuckDB's read of a's one data file (SELECT count(*)) never passes
		// the FS: it counts through ObserveScan.
		{"a", int64(2), tally.opens["s.db/a/"] + 1, tally.creates["s.db/a/"], tally.commits["s.db/a/"]},
		{"b", int64(1), tally.opens["s.db/b/"], tally.creates["s.db/b/"], tally.commits["s.db/b/"]},
	}
	if len(got) != len(want) {
		t.Fatalf("activity_daily rows = %v, want tables a and b", got)
	}
	for i, w := range want {
		for j, v := range w {
			if got[i][j] != v {
				t.Errorf("activity_daily %s column %d = %v, want %v (row %v)", w[0], j, got[i][j], v, got[i])
			}
		}
		if got[i][5].(int64) <= 0 || got[i][6] != true || got[i][7] != true {
			t.Errorf("activity_daily %s: files, bytes written or latency missing: %v", w[0], got[i])
		}
	}
	if tally.commits["s.db/b/"] < 3 {
		t.Errorf("table b saw %d commits, want create, insert and delete", tally.commits["s.db/b/"])
	}
	// Unique files accessed: those the filesystem saw opened or created,
	// and a's data file DuckDB read; as a share of the table's objects.
	for _, tbl := range []string{"a", "b"} {
		want := int64(len(tally.names["s.db/"+tbl+"/"]))
		if tbl == "a" {
			f := l.rows(`SELECT file_path FROM lake.s."a$files"`)
			if len(f) != 1 {
				t.Fatalf("a has %d data files, want 1", len(f))
			}
			p, _ := engine.LocalPath(f[0][0].(string))
			if !tally.names["s.db/a/"][filepath.Clean(p)] {
				want++
			}
		}
		r := l.rows(`SELECT a.files_accessed, a.files_accessed_pct, (SELECT sum(objects) FROM lake.floe_lens.storage_daily s
			WHERE s.level = 'table' AND s.namespace = 's' AND s.table_name = a.table_name)::BIGINT
			FROM lake.floe_lens.activity_daily a WHERE table_name = '` + tbl + `'`)
		files, pct, objects := i64(r[0][0]), r[0][1].(float64), i64(r[0][2])
		if files != want {
			t.Errorf("activity_daily %s: %d unique files accessed, want %d", tbl, files, want)
		}
		if wantPct := min(100, 100*float64(want)/float64(objects)); math.Abs(pct-wantPct) > 1e-9 {
			t.Errorf("activity_daily %s: %g%% of files accessed, want %g%% (%d of %d objects)", tbl, pct, wantPct, want, objects)
		}
	}
	// cost_daily bills a month of such days' requests at the class's
	// request prices, once per table.
	for _, r := range l.rows(`SELECT c.table_name, sum(c.monthly_request_cost), any_value(a.read_requests), any_value(a.write_requests), count(*) FILTER (WHERE c.monthly_request_cost > 0)
		FROM lake.floe_lens.cost_daily c JOIN lake.floe_lens.activity_daily a USING (namespace, table_name) GROUP BY 1 ORDER BY 1`) {
		p := DefaultPrices()[ClassStandard]
		want := 30 * (float64(i64(r[2]))*p.Per1000Reads + float64(i64(r[3]))*p.Per1000Writes) / 1000
		if got := r[1].(float64); math.Abs(got-want) > 1e-12 || i64(r[4]) != 1 {
			t.Errorf("cost_daily %s: request cost %g on %d rows, want %g on one", r[0], got, i64(r[4]), want)
		}
	}
	// A second collect the same day counts the same activity, not twice.
	before := l.rows(`SELECT * EXCLUDE (collected_at) FROM lake.floe_lens.activity_daily ORDER BY ALL`)
	l.collect("2026-06-01T23:30:00Z")
	if after := l.rows(`SELECT * EXCLUDE (collected_at) FROM lake.floe_lens.activity_daily ORDER BY ALL`); !cmp.Equal(before, after) {
		t.Errorf("activity_daily after a second collect the same day (-first +second):\n%s", cmp.Diff(before, after))
	}
	// Another day's collect sees none of these.
	l.collect("2026-06-02T01:00:00Z")
	if n := l.rows(`SELECT count(*) FROM lake.floe_lens.activity_daily WHERE day = DATE '2026-06-02'`); n[0][0] != int64(0) {
		t.Errorf("2026-06-02 has %v activity rows, want none", n[0][0])
	}
}
