package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/floehq/floe/engine"
)

// TestMain lets the test binary stand in for the floe command: tests that
// need real processes (concurrent writers, SIGKILL) run it with
// FLOE_TEST_AS_CLI=1, which skips the build of a separate binary.
func TestMain(m *testing.M) {
	if os.Getenv("FLOE_TEST_AS_CLI") == "1" {
		os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){
		"floe": func() { os.Exit(Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// floeCmd returns a command that runs floe with args in a new process.
func floeCmd(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), "FLOE_TEST_AS_CLI=1")
	return cmd
}

func runFloe(t *testing.T, wh string, args ...string) (string, error) {
	t.Helper()
	cmd := floeCmd(t, append([]string{"sql", "--warehouse", wh}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("%v: %s", err, errb.String())
	}
	return out.String(), nil
}

// TestConcurrentInserts runs two floe processes inserting into the same
// table at the same time: both succeed and no row is lost.
func TestConcurrentInserts(t *testing.T) {
	t.Parallel() // its own processes and temporary directories; no environment changes
	wh := t.TempDir()
	if _, err := runFloe(t, wh, "CREATE SCHEMA lake.c; CREATE TABLE lake.c.t (writer INTEGER, n INTEGER)"); err != nil {
		t.Fatal(err)
	}
	const writers, inserts = 2, 8
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var stmts []string
			for i := range inserts {
				stmts = append(stmts, fmt.Sprintf("INSERT INTO lake.c.t SELECT %d, %d FROM range(100)", w, i))
			}
			// One process per writer, each running its inserts in a row.
			if _, err := runFloe(t, wh, strings.Join(stmts, ";\n")); err != nil {
				errs <- fmt.Errorf("writer %d: %w", w, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out, err := runFloe(t, wh, "--format", "csv", "SELECT writer, count(*), count(DISTINCT n) FROM lake.c.t GROUP BY writer ORDER BY writer")
	if err != nil {
		t.Fatal(err)
	}
	want := "writer,count_star(),count(DISTINCT n)\n0,800,8\n1,800,8\n"
	if out != want {
		t.Errorf("after concurrent inserts got\n%s\nwant\n%s", out, want)
	}
	snaps, err := runFloe(t, wh, "--format", "csv", `SELECT count(*) FROM lake.c."t$snapshots"`)
	if err != nil {
		t.Fatal(err)
	}
	if snaps != "count_star()\n16\n" {
		t.Errorf("snapshots: got %q, want 16 (one per insert)", snaps)
	}
}

// TestKillDuringInsert kills a floe process with SIGKILL while it writes
// a large INSERT: the table stays at its previous snapshot, readable, and
// the files the killed process left are not referenced by the table.
func TestKillDuringInsert(t *testing.T) {
	t.Parallel() // its own processes and temporary directories; no environment changes
	wh := t.TempDir()
	if _, err := runFloe(t, wh, "CREATE SCHEMA lake.k; CREATE TABLE lake.k.t (id BIGINT, s VARCHAR); INSERT INTO lake.k.t SELECT i, 'before' FROM range(1000) r(i)"); err != nil {
		t.Fatal(err)
	}
	cmd := floeCmd(t, "sql", "--warehouse", wh,
		"INSERT INTO lake.k.t SELECT i, md5(i::VARCHAR) || md5((i+1)::VARCHAR) FROM range(200000000) r(i)")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill once the process is writing data files.
	dataDir := filepath.Join(wh, "k.db", "t", "data")
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if countFiles(t, dataDir) > 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the insert finished before it was killed (%v); make it larger", err)
	}
	out, err := runFloe(t, wh, "--format", "csv", "SELECT count(*), min(s), max(s) FROM lake.k.t")
	if err != nil {
		t.Fatalf("table unreadable after kill: %v", err)
	}
	if out != "count_star(),min(s),max(s)\n1000,before,before\n" {
		t.Errorf("after kill got %q, want the 1000 rows from before", out)
	}
	// Files on disk beyond the referenced ones are orphans, never data.
	files, err := runFloe(t, wh, "--format", "csv", `SELECT count(*) FROM lake.k."t$files"`)
	if err != nil {
		t.Fatal(err)
	}
	if files != "count_star()\n1\n" {
		t.Errorf("referenced files: %q, want 1", files)
	}
	// The catalog and metadata are intact for a further write.
	if _, err := runFloe(t, wh, "INSERT INTO lake.k.t VALUES (1000, 'after')"); err != nil {
		t.Fatalf("insert after kill: %v", err)
	}
	ctx := context.Background()
	w, err := engine.Open(ctx, wh)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	tbl, err := w.Table(ctx, "k", "t")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tbl.Snapshots()); n != 2 {
		t.Errorf("snapshots after kill and insert: %d, want 2", n)
	}
}

func countFiles(t *testing.T, dir string) int {
	n := 0
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestConcurrentDeletes runs two floe processes deleting different rows of
// the same data file at the same time, on a v3 table (deletion vectors) and
// a v2 merge-on-read table: both deletes survive, no row comes back.
func TestConcurrentDeletes(t *testing.T) {
	t.Parallel() // its own processes and temporary directories; no environment changes
	for _, props := range []string{"'format-version'='3'", "'format-version'='2', 'write.delete.mode'='merge-on-read'"} {
		t.Run(props, func(t *testing.T) {
			wh := t.TempDir()
			if _, err := runFloe(t, wh, "CREATE SCHEMA lake.d; CREATE TABLE lake.d.t (id INTEGER) TBLPROPERTIES ("+props+"); INSERT INTO lake.d.t SELECT i FROM range(1000) r(i)"); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 2)
			for w := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					var stmts []string
					for i := range 5 {
						// Writer 0 deletes even ids, writer 1 odd ones, in slices.
						stmts = append(stmts, fmt.Sprintf("DELETE FROM lake.d.t WHERE id %% 2 = %d AND id // 100 = %d", w, i))
					}
					if _, err := runFloe(t, wh, strings.Join(stmts, ";\n")); err != nil {
						errs <- fmt.Errorf("writer %d: %w", w, err)
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			out, err := runFloe(t, wh, "--format", "csv", "SELECT count(*), min(id) FROM lake.d.t")
			if err != nil {
				t.Fatal(err)
			}
			if out != "count_star(),min(id)\n500,500\n" {
				t.Errorf("after concurrent deletes got %q, want ids 500..999 left", out)
			}
		})
	}
}

// TestConcurrentSynthReleases runs two floe synth releases of the same
// source at once, with a budget that holds only one of them: the budget
// check and the ledger row are one step, so exactly one is released and
// the other is refused with nothing written.
func TestConcurrentSynthReleases(t *testing.T) {
	t.Parallel() // its own processes and temporary directories; no environment changes
	wh := t.TempDir()
	if _, err := runFloe(t, wh, `CREATE SCHEMA lake.p;
CREATE TABLE lake.p.src AS SELECT i % 7 AS a, (i * 13) % 5 AS b, CAST(i % 3 = 0 AS BOOLEAN) AS y, (i * 37) % 101 AS x
FROM range(3000) r(i);
ALTER TABLE lake.p.src SET TBLPROPERTIES ('floe.privacy.epsilon-budget'='1.5')`); err != nil {
		t.Fatal(err)
	}
	const releases = 4
	type result struct {
		err    error
		stderr string
	}
	results := make([]result, releases)
	var wg sync.WaitGroup
	for i := range releases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := floeCmd(t, "synth", "--warehouse", wh, "--from", "lake.p.src", "--target", "y", "--epsilon", "1",
				"--to", fmt.Sprintf("lake.p.out%d", i), "--seed", "1")
			var errb bytes.Buffer
			cmd.Stderr = &errb
			results[i] = result{cmd.Run(), errb.String()}
		}()
	}
	wg.Wait()
	released := 0
	for i, r := range results {
		switch {
		case r.err == nil:
			released++
		case strings.Contains(r.stderr, "privacy budget exceeded"):
			if _, err := runFloe(t, wh, fmt.Sprintf("SELECT * FROM lake.p.out%d", i)); err == nil {
				t.Errorf("release %d was refused but its table lake.p.out%d exists", i, i)
			}
		default:
			t.Errorf("release %d: %v\n%s", i, r.err, r.stderr)
		}
	}
	if released != 1 {
		t.Errorf("%d releases went through against a budget that holds one", released)
	}
	out, err := runFloe(t, wh, "--format", "csv", "SELECT count(*), sum(epsilon) FROM lake.floe_privacy.ledger WHERE source = 'lake.p.src'")
	if err != nil {
		t.Fatal(err)
	}
	if out != "count_star(),sum(epsilon)\n1,1\n" {
		t.Errorf("ledger: %q, want one release of epsilon 1", out)
	}
}
