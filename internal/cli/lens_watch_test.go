package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestWatchFlushesEachRun runs floe maintain --watch's loop in this
// process: each run's warehouse I/O counter is written to the warehouse
// when the run ends and then dropped, so a loop that runs for months
// holds at most the counter of the run in flight, and the day's activity
// holds each run's counts without waiting for the process to end.
func TestWatchFlushesEachRun(t *testing.T) {
	wh := t.TempDir()
	if _, err := runFloe(t, wh, "CREATE SCHEMA lake.d; CREATE TABLE lake.d.t (id BIGINT); INSERT INTO lake.d.t VALUES (1), (2)"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLOE_NOW", "2026-09-03T08:00:00Z")
	t.Setenv("FLOE_LENS_ACTIVITY", "")
	var out syncBuffer
	g := &globals{warehouse: wh, stdout: &out, stderr: &out}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- g.maintainLoop(ctx, "", 20*time.Millisecond, false, &out) }()

	const runs = 4
	most := 0
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && strings.Count(out.String(), "maintenance:") < runs {
		g.countersMu.Lock()
		most = max(most, len(g.counters))
		g.countersMu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	if n := strings.Count(out.String(), "maintenance:"); n < runs {
		t.Fatalf("%d maintenance runs within a minute, want %d:\n%s", n, runs, out.String())
	}
	// Written while the loop still runs, one object per run: the first
	// runs-1 are done (the last may be flushing).
	flushed, err := filepath.Glob(filepath.Join(wh, "_floe_lens", "activity", "day=2026-09-03", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(flushed) < runs-1 {
		t.Errorf("%d activity objects written during %d runs, want one per run", len(flushed), runs)
	}
	if most > 1 {
		t.Errorf("the loop held %d counters at once, want at most the run in flight's", most)
	}
	if len(g.counters) != 0 {
		t.Errorf("%d counters left after the loop, want none", len(g.counters))
	}
}
