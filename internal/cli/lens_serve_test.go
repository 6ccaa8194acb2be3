package cli

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestServeMaintainAndLensCollect runs floe serve --maintain
// --lens-collect daily as a real process on a warehouse whose table has
// small files: the maintenance loop compacts it, then collects the storage
// lens for FLOE_NOW's day, once however many runs follow; SIGTERM stops
// the server cleanly. The collect follows the run's maintenance, so its
// figures see the compaction.
func TestServeMaintainAndLensCollect(t *testing.T) {
	const now = "2026-09-07T08:00:00Z"
	wh := t.TempDir()
	var stmts []string
	stmts = append(stmts, "CREATE SCHEMA lake.w; CREATE TABLE lake.w.t (id BIGINT)")
	for i := range 6 {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO lake.w.t SELECT i FROM range(%d, %d) r(i)", i*10, i*10+10))
	}
	if _, err := runFloe(t, wh, strings.Join(stmts, ";\n")); err != nil {
		t.Fatal(err)
	}
	cmd := floeCmd(t, "serve", "--warehouse", wh, "--addr", "127.0.0.1:0",
		"--maintain", "--maintain-interval", "100ms", "--lens-collect", "daily")
	cmd.Env = append(cmd.Env, "FLOE_NOW="+now)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	// Wait for the compaction, the collect, and three runs after them.
	ready := func(s string) bool {
		i := strings.Index(s, "floe lens: collected")
		return strings.Contains(s, "icebergCompaction Successful") && i >= 0 &&
			strings.Count(s[i:], "maintenance: nothing was due") >= 3
	}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) && !ready(out.String()) {
		time.Sleep(50 * time.Millisecond)
	}
	if !ready(out.String()) {
		t.Fatalf("no compaction, collect and three more runs within 90 s:\n%s", out.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("floe serve after SIGTERM: %v\n%s", err, out.String())
	}
	got := out.String()
	for _, c := range []struct {
		what, want string
		n          int
	}{
		{"collects reported", "floe lens: collected 2026-09-07: ", 1},
		{"failures", "floe:", 0},
		{"clean shutdowns", "floe serve: shutting down", 1},
	} {
		if n := strings.Count(got, c.want); n != c.n {
			t.Errorf("%s: %q %d times, want %d:\n%s", c.what, c.want, n, c.n, got)
		}
	}
	// One collect, of FLOE_NOW's day at FLOE_NOW's time, after the
	// compaction.
	if collects := lensCollects(t, wh); collects != "2026-09-07,2026-09-07 08:00:00\n" {
		t.Errorf("lens collects %q, want one at %s", collects, now)
	}
	health, err := runFloe(t, wh, "--format", "csv",
		"SELECT last_compaction IS NOT NULL AS compacted, data_files FROM lake.floe_lens.table_health_daily WHERE namespace = 'w' AND table_name = 't'")
	if err != nil {
		t.Fatal(err)
	}
	if want := "compacted,data_files\ntrue,1\n"; health != want {
		t.Errorf("table_health_daily of w.t:\n%s\nwant\n%s", health, want)
	}
}
