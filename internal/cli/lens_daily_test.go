package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/s3test"
)

// syncBuffer is a bytes.Buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// lensCollects returns the collects lake.floe_lens.storage_daily holds, as
// "day collected_at" lines.
func lensCollects(t *testing.T, wh string) string {
	t.Helper()
	out, err := runFloe(t, wh, "--format", "csv",
		"SELECT DISTINCT day, collected_at FROM lake.floe_lens.storage_daily ORDER BY ALL")
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(out, "day,collected_at\n")
}

// TestLensDailyCollect runs the daily storage lens schedule of floe
// maintain (once, and --watch) and floe serve: each day (FLOE_NOW's) is
// collected once however many checks run, and a failing collect is
// reported without failing the command.
func TestLensDailyCollect(t *testing.T) {
	run := func(t *testing.T, wh, now string, args ...string) (string, error) {
		t.Helper()
		cmd := floeCmd(t, append(args, "--warehouse", wh)...)
		cmd.Env = append(cmd.Env, "FLOE_NOW="+now)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}
	// watch starts a long-running command, waits until its output holds
	// n lines matching until, then stops it.
	watch := func(t *testing.T, wh, now, until string, n int, args ...string) string {
		t.Helper()
		cmd := floeCmd(t, append(args, "--warehouse", wh)...)
		cmd.Env = append(cmd.Env, "FLOE_NOW="+now)
		var out syncBuffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		defer cmd.Process.Kill()
		deadline := time.Now().Add(60 * time.Second)
		for time.Now().Before(deadline) && strings.Count(out.String(), until) < n {
			time.Sleep(50 * time.Millisecond)
		}
		if strings.Count(out.String(), until) < n {
			t.Fatalf("%v: no %d lines %q within a minute:\n%s", args, n, until, out.String())
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err != nil {
			t.Errorf("%v after SIGTERM: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	const day1, day2 = "2026-09-01T08:00:00Z", "2026-09-02T01:00:00Z"
	cases := []struct {
		name string
		run  func(t *testing.T, wh string)
	}{
		{"floe maintain, three runs over two days", func(t *testing.T, wh string) {
			for i, now := range []string{day1, "2026-09-01T20:00:00Z", day2} {
				out, err := run(t, wh, now, "maintain", "--lens-collect", "daily")
				if err != nil {
					t.Fatalf("run %d: %v\n%s", i+1, err, out)
				}
				if collected := strings.Contains(out, "floe lens: collected "+now[:10]); collected != (i != 1) {
					t.Errorf("run %d at %s: collected = %v, want %v:\n%s", i+1, now, collected, i != 1, out)
				}
			}
		}},
		{"floe maintain --watch", func(t *testing.T, wh string) {
			// Four maintenance runs, each followed by a check.
			out := watch(t, wh, day1, "maintenance: nothing was due", 4, "maintain", "--watch", "--interval", "50ms", "--lens-collect", "daily")
			if !strings.Contains(out, "floe lens: collected 2026-09-01") {
				t.Fatalf("floe maintain --watch did not collect:\n%s", out)
			}
			if out, err := run(t, wh, day2, "maintain", "--lens-collect", "daily"); err != nil || !strings.Contains(out, "collected 2026-09-02") {
				t.Fatalf("next day: %v\n%s", err, out)
			}
		}},
		{"floe serve", func(t *testing.T, wh string) {
			watch(t, wh, day1, "floe lens: collected 2026-09-01", 1, "serve", "--addr", "127.0.0.1:0", "--lens-collect", "daily")
			// Restarted the same day, it finds the day collected. (Its
			// check runs as it starts serving; the count below would see
			// a second collect made within the seconds it serves.)
			cmd := floeCmd(t, "serve", "--addr", "127.0.0.1:0", "--lens-collect", "daily", "--warehouse", wh)
			cmd.Env = append(cmd.Env, "FLOE_NOW="+day1)
			var out syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			time.Sleep(3 * time.Second)
			cmd.Process.Signal(syscall.SIGTERM)
			cmd.Wait()
			if strings.Contains(out.String(), "floe lens: collected") || strings.Contains(out.String(), "floe:") {
				t.Errorf("serve restarted the same day collected again or failed:\n%s", out.String())
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wh := t.TempDir()
			if _, err := runFloe(t, wh, "CREATE SCHEMA lake.d; CREATE TABLE lake.d.t (id BIGINT); INSERT INTO lake.d.t VALUES (1), (2)"); err != nil {
				t.Fatal(err)
			}
			tc.run(t, wh)
			got := lensCollects(t, wh)
			days := strings.Count(got, "2026-09-01,")
			if days != 1 {
				t.Errorf("2026-09-01 was collected %d times, want once:\n%s", days, got)
			}
		})
	}

	t.Run("a failing collect is reported, not fatal", func(t *testing.T) {
		wh := t.TempDir()
		if _, err := runFloe(t, wh, "CREATE SCHEMA lake.d; CREATE TABLE lake.d.t (id BIGINT)"); err != nil {
			t.Fatal(err)
		}
		bad := filepath.Join(wh, "_floe_lens", "activity", "day=2026-09-01")
		if err := os.MkdirAll(bad, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(bad, "broken.json"), []byte("{not json"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := run(t, wh, day1, "maintain", "--lens-collect", "daily")
		if err != nil || !strings.Contains(out, "storage lens daily collect") || !strings.Contains(out, "broken.json") {
			t.Errorf("floe maintain with a broken activity object: %v; want success and the collect's error named:\n%s", err, out)
		}
		if out, err := run(t, wh, day1, "maintain", "--lens-collect", "weekly"); err == nil || !strings.Contains(out, "--lens-collect") {
			t.Errorf("--lens-collect weekly: %v, want an error naming the flag:\n%s", err, out)
		}
	})
}

// TestActivityOnS3CLI runs floe sql on a warehouse in an S3 bucket
// (versitygw on loopback): the process's activity lands in the bucket,
// and floe lens collect turns it into activity_daily rows with latency
// percentiles of its GETs and PUTs.
func TestActivityOnS3CLI(t *testing.T) {
	srv := s3test.Start(t)
	wh := "s3://" + srv.Bucket + "/act"
	floe := func(args ...string) string {
		t.Helper()
		cmd := floeCmd(t, args...)
		for k, v := range srv.Env() {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Env = append(cmd.Env, "FLOE_HOME="+t.TempDir(), "FLOE_NOW=2026-09-03T10:00:00Z")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("floe %v: %v\n%s", args, err, out.String())
		}
		return out.String()
	}
	floe("sql", "--warehouse", wh, "CREATE SCHEMA lake.a; CREATE TABLE lake.a.t (id BIGINT); INSERT INTO lake.a.t SELECT i FROM range(100) r(i)")
	floe("sql", "--warehouse", wh, "SELECT count(*) FROM lake.a.t")
	floe("lens", "collect", "--warehouse", wh)
	got := floe("sql", "--warehouse", wh, "--format", "csv", `SELECT processes, read_requests > 0, write_requests > 0, commits,
		first_byte_p50_ms IS NOT NULL AND total_p99_ms >= first_byte_p50_ms FROM lake.floe_lens.activity_daily WHERE table_name = 't'`)
	if want := "2,true,true,2,true"; !strings.Contains(got, want) {
		t.Errorf("activity_daily of lake.a.t on S3:\n%s\nwant %s (two processes, create and insert committed, latencies)", got, want)
	}
}

// TestLensCollectKilled kills floe lens collect (SIGKILL, a real process)
// as it commits its first and its third lens table: the earlier day's
// rows stay as they were, and the collect run again afterwards leaves
// each day one collect's rows, none counted twice.
func TestLensCollectKilled(t *testing.T) {
	base := t.TempDir()
	if _, err := runFloe(t, base, "CREATE SCHEMA lake.k; CREATE TABLE lake.k.t (id BIGINT); INSERT INTO lake.k.t SELECT i FROM range(1000) r(i)"); err != nil {
		t.Fatal(err)
	}
	collect := func(wh, now string) *exec.Cmd {
		return floeCmd(t, "lens", "collect", "--warehouse", wh, "--now", now)
	}
	if out, err := collect(base, "2026-09-10T09:00:00Z").CombinedOutput(); err != nil {
		t.Fatalf("collect: %v\n%s", err, out)
	}
	// The day's rows of every lens table, as CSV, in one process.
	dayRows := func(wh, day string) string {
		var qs []string
		for _, tbl := range []string{"storage_daily", "object_sizes_daily", "table_health_daily", "activity_daily", "cost_daily"} {
			qs = append(qs, "SELECT '"+tbl+"' AS lens_table, r::VARCHAR AS row FROM lake.floe_lens."+tbl+" r WHERE day = DATE '"+day+"'")
		}
		out, err := runFloe(t, wh, "--format", "csv", strings.Join(qs, " UNION ALL ")+" ORDER BY ALL")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "storage_daily,") || !strings.Contains(out, "cost_daily,") {
			t.Fatalf("no rows of %s:\n%s", day, out)
		}
		return out
	}
	before := dayRows(base, "2026-09-10")
	for _, tc := range []struct {
		name  string
		table string // kill when this lens table's new metadata file appears
	}{
		{"at its first commit", "storage_daily"},
		{"at its third commit", "table_health_daily"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wh := filepath.Join(t.TempDir(), "wh")
			if _, err := engine.Copy(context.Background(), base, wh); err != nil {
				t.Fatal(err)
			}
			if _, err := runFloe(t, wh, "INSERT INTO lake.k.t SELECT i FROM range(500) r(i)"); err != nil {
				t.Fatal(err)
			}
			mdDir := filepath.Join(wh, "floe_lens.db", tc.table, "metadata")
			was := countMetadata(mdDir)
			cmd := collect(wh, "2026-09-11T09:00:00Z")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			killed := false
		poll:
			for {
				select {
				case err := <-exited:
					t.Logf("the collect ended (%v) before the kill point: checking a completed run", err)
					break poll
				default:
				}
				if countMetadata(mdDir) > was {
					cmd.Process.Kill()
					<-exited
					killed = true
					break
				}
				time.Sleep(time.Millisecond)
			}
			if got := dayRows(wh, "2026-09-10"); got != before {
				t.Fatalf("killed %s: 2026-09-10 changed:\nbefore\n%s\nafter\n%s", tc.name, before, got)
			}
			if out, err := collect(wh, "2026-09-11T10:00:00Z").CombinedOutput(); err != nil {
				t.Fatalf("collect after the kill: %v\n%s", err, out)
			}
			got := lensCollects(t, wh)
			if strings.Count(got, "2026-09-10,") != 1 || strings.Count(got, "2026-09-11,") != 1 {
				t.Errorf("killed = %v: collects per day after the re-run:\n%s\nwant one each", killed, got)
			}
		})
	}
}

// TestServeActivityAfterDailyCollect checks that floe serve's activity
// counting goes on after its daily check flushed it: a table the server
// loads afterwards is in the activity it writes when it stops.
func TestServeActivityAfterDailyCollect(t *testing.T) {
	wh := t.TempDir()
	if _, err := runFloe(t, wh, "CREATE SCHEMA lake.d; CREATE TABLE lake.d.t (id BIGINT)"); err != nil {
		t.Fatal(err)
	}
	t.Setenv("FLOE_NOW", "2026-09-05T08:00:00Z")
	url, cmd := startServe(t, wh, "--lens-collect", "daily")
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) && !strings.Contains(lensCollects(t, wh), "2026-09-05,") {
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(lensCollects(t, wh), "2026-09-05,") {
		t.Fatal("floe serve --lens-collect daily did not collect within a minute")
	}
	pattern := filepath.Join(wh, "_floe_lens", "activity", "day=2026-09-05", fmt.Sprintf("*-%d-*.json", cmd.Process.Pid))
	flushed, _ := filepath.Glob(pattern) // at the check, before the load
	// A table made by another process now: the server reads its metadata.
	if _, err := runFloe(t, wh, "CREATE TABLE lake.d.u (id BIGINT)"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url + "/v1/namespaces/d/tables/u")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("load table: %s", resp.Status)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	names, _ := filepath.Glob(pattern)
	var reads int64
	for _, n := range names {
		if slices.Contains(flushed, n) {
			continue
		}
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		var obj struct {
			Tables []struct {
				Table        string `json:"table"`
				ReadRequests int64  `json:"read_requests"`
			} `json:"tables"`
		}
		if err := json.Unmarshal(b, &obj); err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for _, tb := range obj.Tables {
			if tb.Table == "u" {
				reads += tb.ReadRequests
			}
		}
	}
	if reads == 0 {
		t.Errorf("floe serve (pid %d) wrote %d activity objects after its check (%d before), none counting its load of d.u",
			cmd.Process.Pid, len(names)-len(flushed), len(flushed))
	}
}
