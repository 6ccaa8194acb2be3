package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/engine/replica"
)

// TestReplicateKill kills a real floe replicate process with SIGKILL at
// random points, 32 times, each after a change to the source, and checks
// after each kill that the replica is consistent (every file it reaches
// is there, and it reads as the source did at the replica's snapshot),
// then that a rerun brings it level with the source. The same with an S3
// destination is engine/replica's TestReplicateKillS3 (fewer kills: S3
// round trips are slower, and this package is the slowest already).
func TestReplicateKill(t *testing.T) {
	t.Parallel() // its own processes and temporary directories; no environment changes
	for _, d := range []struct {
		name string
		dir  func(t *testing.T) string
	}{
		{"local", func(t *testing.T) string { return filepath.Join(t.TempDir(), "replica") }},
	} {
		t.Run(d.name, func(t *testing.T) { testReplicateKill(t, d.dir(t)) })
	}
}

func testReplicateKill(t *testing.T, dest string) {
	ctx := context.Background()
	srcDir := t.TempDir()
	src := openSession(t, srcDir)
	exec := func(q string) {
		t.Helper()
		if err := src.s.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`CREATE SCHEMA lake.k; CREATE TABLE lake.k.t (id INTEGER, s VARCHAR) PARTITIONED BY (bucket(4, id)) TBLPROPERTIES ('format-version'='3');
		INSERT INTO lake.k.t SELECT r, 'a' FROM range(100) t(r)`)
	if err := replica.Put(ctx, src.wh, replica.Scope{}, []string{dest}); err != nil {
		t.Fatal(err)
	}
	// replicate starts floe replicate; its started channel closes when
	// the process begins copying (its debug log says so).
	replicate := func() *execResult {
		cmd := floeCmd(t, "replicate", "--warehouse", srcDir)
		cmd.Env = append(cmd.Env, "FLOE_LOG=debug")
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		e := &execResult{cmd: cmd, started: make(chan struct{}), drained: make(chan struct{})}
		go func() {
			defer close(e.drained)
			sc := bufio.NewScanner(stderr)
			once := false
			for sc.Scan() {
				if !once && strings.Contains(sc.Text(), "replication starts") {
					once = true
					e.copied = true
					close(e.started)
				}
			}
			if !once {
				close(e.started)
			}
		}()
		return e
	}
	if err := replicate().wait(); err != nil {
		t.Fatalf("replicate: %v", err)
	}
	// How long copying one change takes, to spread the kills over it.
	exec(`INSERT INTO lake.k.t SELECT r, 'b' FROM range(100, 110) t(r)`)
	p := replicate()
	<-p.started
	start := time.Now()
	if err := p.wait(); err != nil {
		t.Fatalf("replicate: %v", err)
	}
	span := time.Since(start)
	dst := openSession(t, dest)
	rng := rand.New(rand.NewPCG(18, 18))
	// Kill until 30 runs died mid-way. The source changes only after a
	// run that finished, so a run after a kill resumes what the killed
	// one left (and may be killed in turn).
	const kills, maxRuns = 30, 70
	killed, runs, changes := 0, 0, 0
	finished := true
	for ; killed < kills && runs < maxRuns; runs++ {
		if finished {
			changes++
			switch i := changes; i % 4 {
			case 0:
				exec(fmt.Sprintf(`INSERT INTO lake.k.t SELECT r, 'i%d' FROM range(%d, %d) t(r)`, i, 200+i*10, 210+i*10))
			case 1:
				exec(fmt.Sprintf(`DELETE FROM lake.k.t WHERE id %% 9 = %d`, i%9))
			case 2:
				exec(fmt.Sprintf(`UPDATE lake.k.t SET s = 'u%d' WHERE id %% 5 = %d`, i, i%5))
			default:
				exec(`CALL rewrite_data_files('k.t')`)
			}
		}
		p := replicate()
		<-p.started
		began := time.Now()
		time.Sleep(time.Duration(rng.Int64N(int64(span * 9 / 10))))
		p.cmd.Process.Signal(syscall.SIGKILL)
		err := p.wait()
		finished = err == nil
		if err != nil {
			if ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				killed++
			} else {
				t.Fatalf("run %d: replicate failed by itself: %v", runs, err)
			}
		} else if d := time.Since(began); p.copied && d < span {
			// The copy is quicker than measured (a busy machine
			// slowed the measurement): aim the kills earlier.
			span = d
		}
		checkReplicaConsistent(t, src, dst, dest, fmt.Sprintf("after run %d (%d killed)", runs, killed), false)
		if runs%10 == 9 && !finished {
			if err := replicate().wait(); err != nil {
				t.Fatalf("replicate after run %d: %v", runs, err)
			}
			checkReplicaConsistent(t, src, dst, dest, fmt.Sprintf("resumed after run %d", runs), true)
		}
	}
	if killed < kills {
		t.Fatalf("only %d of %d runs were killed before they finished; the kills come too late", killed, runs)
	}
	if err := replicate().wait(); err != nil {
		t.Fatalf("replicate after the last kill: %v", err)
	}
	checkReplicaConsistent(t, src, dst, dest, "at the end", true)
	t.Logf("%d of %d runs killed mid-way (copying one change takes %s)", killed, runs, span)
}

type execResult struct {
	cmd              *osexec.Cmd
	started, drained chan struct{}
	copied           bool // the process had something to copy (set before started closes)
}

func (e *execResult) wait() error {
	<-e.drained
	return e.cmd.Wait()
}

type session struct {
	wh *engine.Warehouse
	s  *lakesql.Session
}

func openSession(t *testing.T, dir string) *session {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := lakesql.Open(ctx, wh)
	if err != nil {
		wh.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); wh.Close() })
	return &session{wh: wh, s: s}
}

func (s *session) strings(t *testing.T, q string) [][]string {
	t.Helper()
	rows, err := s.s.Query(context.Background(), q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	data, err := rows.All()
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([][]string, len(data))
	for i, r := range data {
		for _, v := range r {
			out[i] = append(out[i], fmt.Sprint(v))
		}
	}
	return out
}

// checkReplicaConsistent checks that the replica, if there is one yet,
// reaches only files that exist and reads as the source did at the
// replica's current snapshot; with level, that it is at the source's.
func checkReplicaConsistent(t *testing.T, src, dst *session, dest, when string, level bool) {
	t.Helper()
	ctx := context.Background()
	dw, err := engine.Open(ctx, dest)
	if err != nil {
		t.Fatal(err)
	}
	defer dw.Close()
	rt, err := dw.Table(ctx, "k", "t")
	if errors.Is(err, engine.ErrNoSuchTable) && !level {
		return
	}
	if err != nil {
		t.Fatalf("%s: the replica cannot be read: %v", when, err)
	}
	st, err := src.wh.Table(ctx, "k", "t")
	if err != nil {
		t.Fatal(err)
	}
	if level && rt.Properties()[engine.PropReplicaSourceMetadata] != st.MetadataLocation() {
		t.Fatalf("%s: the replica mirrors %s, the source is at %s", when, rt.Properties()[engine.PropReplicaSourceMetadata], st.MetadataLocation())
	}
	// Every file the replica reaches is there: its manifest lists,
	// manifests, data and delete files.
	rfs, err := rt.Iceberg().FS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rt.Snapshots() {
		p, _ := engine.LocalPath(s.ManifestList)
		if _, err := dw.FS().Stat(p); err != nil {
			t.Fatalf("%s: snapshot %d's manifest list: %v", when, s.SnapshotID, err)
		}
		mans, err := s.Manifests(rfs)
		if err != nil {
			t.Fatalf("%s: snapshot %d: %v", when, s.SnapshotID, err)
		}
		for _, m := range mans {
			for e, err := range m.Entries(rfs, false) {
				if err != nil {
					t.Fatalf("%s: manifest %s: %v", when, m.FilePath(), err)
				}
				p, _ := engine.LocalPath(e.DataFile().FilePath())
				if _, err := dw.FS().Stat(p); errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("%s: the replica points at a missing file %s", when, p)
				}
			}
		}
	}
	cur := rt.Iceberg().CurrentSnapshot()
	if cur == nil {
		return
	}
	want := src.strings(t, fmt.Sprintf(`SELECT * FROM lake.k.t AT (VERSION => %d) ORDER BY ALL`, cur.SnapshotID))
	got := dst.strings(t, `SELECT * FROM lake.k.t ORDER BY ALL`)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: the replica at snapshot %d (-source +replica):\n%s", when, cur.SnapshotID, diff)
	}
}
