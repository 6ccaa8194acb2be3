package replica_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/replica"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// The kill test starts the test binary as a replicator process: helperEnv
// names the source warehouse, endpointEnv the S3 server.
const (
	helperEnv   = "FLOE_REPLICA_TEST_REPLICATOR"
	endpointEnv = "FLOE_REPLICA_TEST_ENDPOINT"
)

// replicatorProcess replicates the source warehouse once, as floe
// replicate does, logging at debug level to stderr ("replication starts"
// marks the start of a copy); its exit status is 1 when a replication
// failed.
func replicatorProcess() int {
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ctx := context.Background()
	src, err := engine.Open(ctx, os.Getenv(helperEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer src.Close()
	r := replica.New(src)
	r.Options = []engine.Option{engine.WithS3(s3fs.Options{Endpoint: os.Getenv(endpointEnv), Region: s3test.Region,
		AccessKeyID: s3test.AccessKey, SecretAccessKey: s3test.SecretKey})}
	defer r.Close()
	res, err := r.Once(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	for _, x := range res {
		if x.Err != nil {
			fmt.Fprintf(os.Stderr, "%s -> %s: %v\n", x.Table, x.Destination, x.Err)
			return 1
		}
	}
	return 0
}

type replicatorRun struct {
	cmd     *exec.Cmd
	started chan struct{} // closed when the process begins copying, or ends
	drained chan struct{}
	stderr  strings.Builder
}

func (p *replicatorRun) wait() error {
	<-p.drained
	err := p.cmd.Wait()
	if err != nil && !p.killed() {
		return fmt.Errorf("%w: %s", err, p.stderr.String())
	}
	return err
}

func (p *replicatorRun) killed() bool {
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled()
}

// TestReplicateKillS3 kills a replicator process (SIGKILL) mid-copy into
// an S3 destination, after each of a series of changes to the source, and
// checks after each kill that the replica on S3 is consistent (every file
// it reaches is there and it reads as the source did at the replica's
// snapshot), then that a run to the end brings it level. The
// local-to-local kill test in internal/cli kills floe replicate 30 times;
// this one adds the object store with fewer, as S3 round trips are slower.
func TestReplicateKillS3(t *testing.T) {
	srv := s3Server(t)
	ctx := context.Background()
	srcDir := t.TempDir()
	src := openLake(t, srcDir)
	dest := s3Dir("replica")(t)
	home := t.TempDir()
	src.exec(`CREATE SCHEMA lake.k; CREATE TABLE lake.k.t (id INTEGER, s VARCHAR) PARTITIONED BY (bucket(8, id)) TBLPROPERTIES ('format-version'='3');
		INSERT INTO lake.k.t SELECT r, 'a' FROM range(200) t(r)`)
	if err := replica.Put(ctx, src.wh, replica.Scope{}, []string{dest}); err != nil {
		t.Fatal(err)
	}
	replicate := func() *replicatorRun {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), helperEnv+"="+srcDir, endpointEnv+"="+srv.Endpoint, "FLOE_HOME="+home)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		p := &replicatorRun{cmd: cmd, started: make(chan struct{}), drained: make(chan struct{})}
		go func() {
			defer close(p.drained)
			sc := bufio.NewScanner(stderr)
			once := false
			for sc.Scan() {
				p.stderr.WriteString(sc.Text() + "\n")
				if !once && strings.Contains(sc.Text(), "replication starts") {
					once = true
					close(p.started)
				}
			}
			if !once {
				close(p.started)
			}
		}()
		return p
	}
	// The backfill, whole, and how long copying one change takes.
	if err := replicate().wait(); err != nil {
		t.Fatalf("replicate: %v", err)
	}
	change := func(i int) {
		switch i % 4 {
		case 0:
			src.exec(fmt.Sprintf(`INSERT INTO lake.k.t SELECT r, 'i%d' FROM range(%d, %d) t(r)`, i, 300+i*40, 340+i*40))
		case 1:
			src.exec(fmt.Sprintf(`DELETE FROM lake.k.t WHERE id %% 9 = %d`, i%9))
		case 2:
			src.exec(fmt.Sprintf(`UPDATE lake.k.t SET s = 'u%d' WHERE id %% 5 = %d`, i, i%5))
		default:
			src.exec(`CALL rewrite_data_files('k.t')`)
		}
	}
	change(0)
	p := replicate()
	<-p.started
	begin := time.Now()
	if err := p.wait(); err != nil {
		t.Fatalf("replicate: %v", err)
	}
	span := time.Since(begin)
	rng := rand.New(rand.NewPCG(18, 3))
	const kills, maxRuns = 5, 14
	killed, runs, changes := 0, 0, 0
	finished := true
	for ; killed < kills && runs < maxRuns; runs++ {
		if finished {
			changes++
			change(changes)
		}
		p := replicate()
		<-p.started
		time.Sleep(time.Duration(rng.Int64N(int64(span*9/10) + 1)))
		p.cmd.Process.Signal(syscall.SIGKILL)
		err := p.wait()
		finished = err == nil
		switch {
		case err != nil && p.killed():
			killed++
		case err != nil:
			t.Fatalf("run %d: the replicator failed by itself: %v", runs, err)
		}
		checkKilledReplica(t, src, dest, fmt.Sprintf("after run %d (%d killed)", runs, killed), false)
	}
	if killed < kills {
		t.Fatalf("only %d of %d runs were killed before they finished; the kills come too late", killed, runs)
	}
	if err := replicate().wait(); err != nil {
		t.Fatalf("replicate after the last kill: %v", err)
	}
	checkKilledReplica(t, src, dest, "at the end", true)
	t.Logf("%d of %d runs killed mid-way (copying one change takes %s)", killed, runs, span)
}

// checkKilledReplica checks that the replica of lake.k.t in dest, if there
// is one yet, reaches only files that exist and reads as the source did at
// the replica's current snapshot (by floe and by iceberg-go); with level,
// that it mirrors the source's current version.
func checkKilledReplica(t *testing.T, src *lake, dest, when string, level bool) {
	t.Helper()
	ctx := context.Background()
	dst := openLake(t, dest)
	defer dst.close()
	rt, err := dst.wh.Table(ctx, "k", "t")
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
	rfs, err := rt.Iceberg().FS(ctx)
	if err != nil {
		t.Fatal(err)
	}
	exists := func(loc string) error {
		if !strings.HasPrefix(loc, dest+"/") {
			return fmt.Errorf("%s lies outside the destination %s", loc, dest)
		}
		_, err := dst.wh.FS().Stat(loc)
		return err
	}
	for _, s := range rt.Snapshots() {
		if err := exists(s.ManifestList); err != nil {
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
				if err := exists(e.DataFile().FilePath()); err != nil {
					t.Fatalf("%s: the replica points at %s: %v", when, e.DataFile().FilePath(), err)
				}
			}
		}
	}
	cur := rt.Iceberg().CurrentSnapshot()
	if cur == nil {
		return
	}
	want := src.rows(fmt.Sprintf(`SELECT * FROM lake.k.t AT (VERSION => %d) ORDER BY ALL`, cur.SnapshotID))
	if diff := cmp.Diff(want, dst.rows(`SELECT * FROM lake.k.t ORDER BY ALL`)); diff != "" {
		t.Fatalf("%s: the replica at snapshot %d (-source +replica):\n%s", when, cur.SnapshotID, diff)
	}
	var wantRows []string
	for _, r := range want {
		wantRows = append(wantRows, strings.Join(r, "|"))
	}
	slices.Sort(wantRows)
	if diff := cmp.Diff(wantRows, icebergRows(t, ctx, rt)); diff != "" {
		t.Fatalf("%s: the replica at snapshot %d read by iceberg-go (-source +replica):\n%s", when, cur.SnapshotID, diff)
	}
}
