package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
)

// maintainNow is the clock maintenance tests run at: far enough ahead that
// every snapshot and stray file is old.
const maintainNow = "FLOE_NOW=2031-01-01T00:00:00Z"

// maintainLater is 11 days after maintainNow: files maintainNow's run
// marked noncurrent are deleted then.
const maintainLater = "FLOE_NOW=2031-01-12T00:00:00Z"

// countDirs counts the directories directly in dir.
func countDirs(dir string) int {
	entries, _ := os.ReadDir(dir)
	n := 0
	for _, e := range entries {
		if e.IsDir() {
			n++
		}
	}
	return n
}

// countMetadata counts a table's metadata files.
func countMetadata(dir string) int {
	m, _ := filepath.Glob(filepath.Join(dir, "*.metadata.json"))
	return len(m)
}

// TestKillDuringMaintenance kills floe maintain with SIGKILL while it
// writes the compacted files, and right after the compaction commits
// (expiry and orphan removal in flight): the table stays readable with the
// same rows, and the next floe maintain finishes the work.
func TestKillDuringMaintenance(t *testing.T) {
	base := t.TempDir()
	const rows = 6 * 50000
	var stmts []string
	stmts = append(stmts, "CREATE SCHEMA lake.k; CREATE TABLE lake.k.t (id BIGINT, s VARCHAR) TBLPROPERTIES ('format-version'='3')")
	for i := range 6 {
		stmts = append(stmts, fmt.Sprintf("INSERT INTO lake.k.t SELECT i, md5(i::VARCHAR) || md5((i+7)::VARCHAR) FROM range(%d, %d) r(i)", i*rows/6, (i+1)*rows/6))
	}
	stmts = append(stmts, "DELETE FROM lake.k.t WHERE id % 5 = 0")
	if _, err := runFloe(t, base, strings.Join(stmts, ";\n")); err != nil {
		t.Fatal(err)
	}
	const check = "SELECT count(*), sum(id), count(DISTINCT s) FROM lake.k.t"
	want, err := runFloe(t, base, "--format", "csv", check)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		// killed says, from the table's directory and the number of
		// write directories and metadata files it had, when to kill.
		killed func(tableDir string, dirs, metadata int) bool
	}{
		{"while writing the compacted files", func(dir string, dirs, _ int) bool {
			return countDirs(filepath.Join(dir, "data")) > dirs
		}},
		{"right after the compaction commits", func(dir string, _, metadata int) bool {
			return countMetadata(filepath.Join(dir, "metadata")) > metadata
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wh := filepath.Join(t.TempDir(), "wh")
			if _, err := engine.Copy(context.Background(), base, wh); err != nil {
				t.Fatal(err)
			}
			tableDir := filepath.Join(wh, "k.db", "t")
			metadataBefore := countMetadata(filepath.Join(tableDir, "metadata"))
			dirsBefore := countDirs(filepath.Join(tableDir, "data"))
			cmd := floeCmd(t, "maintain", "--warehouse", wh)
			cmd.Env = append(cmd.Env, maintainNow)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for time.Now().Before(deadline) && !tc.killed(tableDir, dirsBefore, metadataBefore) {
				time.Sleep(2 * time.Millisecond)
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("floe maintain finished before it was killed (%s); make the table larger", out.String())
			}
			got, err := runFloe(t, wh, "--format", "csv", check)
			if err != nil {
				t.Fatalf("table unreadable after the kill: %v", err)
			}
			if got != want {
				t.Errorf("after the kill: %q, want %q", got, want)
			}
			again := floeCmd(t, "maintain", "--warehouse", wh)
			again.Env = append(again.Env, maintainNow)
			if b, err := again.CombinedOutput(); err != nil {
				t.Fatalf("floe maintain after the kill: %v\n%s", err, b)
			}
			if got, err := runFloe(t, wh, "--format", "csv", check); err != nil || got != want {
				t.Errorf("after maintenance finished: %q, %v; want %q", got, err, want)
			}
			// What the killed run left behind is marked noncurrent, and
			// gone once marked for the policy's non-current days (10).
			later := floeCmd(t, "maintain", "--warehouse", wh)
			later.Env = append(later.Env, maintainLater)
			if b, err := later.CombinedOutput(); err != nil {
				t.Fatalf("floe maintain 11 days later: %v\n%s", err, b)
			}
			if got, err := runFloe(t, wh, "--format", "csv", `SELECT count(*) FROM lake.k."t$files"`); err != nil || got != "count_star()\n1\n" {
				t.Errorf("data files after maintenance: %q, %v; want 1", got, err)
			}
			if n := countFiles(t, filepath.Join(tableDir, "data")); n != 1 {
				t.Errorf("%d files under the data directory after maintenance, want only the compacted one", n)
			}
		})
	}
}

// TestBackgroundMaintenance runs floe maintain --watch, and floe serve
// --maintain, while another process inserts small batches: maintenance
// compacts the table meanwhile, no insert fails or is lost, and SIGTERM
// stops the runner cleanly.
func TestBackgroundMaintenance(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"floe maintain --watch", []string{"maintain", "--watch", "--interval", "50ms"}},
		{"floe serve --maintain", []string{"serve", "--addr", "127.0.0.1:0", "--maintain", "--maintain-interval", "50ms"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wh := t.TempDir()
			if _, err := runFloe(t, wh, "CREATE SCHEMA lake.w; CREATE TABLE lake.w.t (id BIGINT) TBLPROPERTIES ('format-version'='3')"); err != nil {
				t.Fatal(err)
			}
			runner := floeCmd(t, append(tc.args, "--warehouse", wh)...)
			var out bytes.Buffer
			runner.Stdout, runner.Stderr = &out, &out
			if err := runner.Start(); err != nil {
				t.Fatal(err)
			}
			defer runner.Process.Kill()
			const batches = 12
			var stmts []string
			for i := range batches {
				stmts = append(stmts, fmt.Sprintf("INSERT INTO lake.w.t SELECT i FROM range(%d, %d) r(i)", i*10, i*10+10))
			}
			if _, err := runFloe(t, wh, strings.Join(stmts, ";\n")); err != nil {
				t.Fatalf("inserts beside maintenance: %v\nrunner: %s", err, out.String())
			}
			// Wait for a compaction that saw at least five small files.
			deadline := time.Now().Add(60 * time.Second)
			var jobs string
			for time.Now().Before(deadline) {
				jobs, _ = runFloe(t, wh, "--format", "csv",
					"SELECT count(*) FROM lake.floe_system.maintenance_jobs WHERE table_name = 'lake.w.t' AND job_type = 'icebergCompaction' AND status = 'Successful'")
				if jobs != "" && jobs != "count_star()\n0\n" {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if jobs == "" || jobs == "count_star()\n0\n" {
				t.Fatalf("no compaction recorded within a minute; runner said:\n%s", out.String())
			}
			if err := runner.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := runner.Wait(); err != nil {
				t.Errorf("runner after SIGTERM: %v\n%s", err, out.String())
			}
			got, err := runFloe(t, wh, "--format", "csv", "SELECT count(*), count(DISTINCT id) FROM lake.w.t")
			if err != nil || got != fmt.Sprintf("count_star(),count(DISTINCT id)\n%d,%d\n", batches*10, batches*10) {
				t.Errorf("rows: %q, %v; want all %d inserted", got, err, batches*10)
			}
		})
	}
}
