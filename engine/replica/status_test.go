package replica_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/replica"
)

func report(t *testing.T, src *lake) replica.Status {
	t.Helper()
	sts, err := replica.Report(src.ctx, src.wh, "ns", "t")
	if err != nil {
		t.Fatal(err)
	}
	if len(sts) != 1 {
		t.Fatalf("status: %d destinations, want 1: %+v", len(sts), sts)
	}
	return sts[0]
}

// TestStatus follows one replication through pending, ready, failed (the
// destination cannot be made), ready again once it can, and failed when
// the source table is dropped; $replication shows the same.
func TestStatus(t *testing.T) {
	src := openLake(t, t.TempDir())
	base := t.TempDir()
	blocker := filepath.Join(base, "blocker")
	dest := filepath.Join(blocker, "wh")
	src.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id INTEGER) TBLPROPERTIES ('format-version'='3');
		INSERT INTO lake.ns.t SELECT * FROM range(10)`)
	if err := replica.Put(src.ctx, src.wh, replica.Scope{NS: "ns", Name: "t"}, []string{dest}); err != nil {
		t.Fatal(err)
	}
	if st := report(t, src); st.Status != replica.StatusPending || st.LagSnapshots != 1 {
		t.Fatalf("before any replication: %+v, want pending with a lag of 1 snapshot", st)
	}
	// A regular file where the destination's parent should be: the
	// destination cannot be made.
	if err := os.WriteFile(blocker, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := replica.New(src.wh)
	defer r.Close()
	res, err := r.Once(src.ctx)
	if err != nil || len(res) != 1 || res[0].Err == nil {
		t.Fatalf("replicate into an impossible destination: %+v, %v; want one failed result", res, err)
	}
	st := report(t, src)
	if st.Status != replica.StatusFailed || !strings.Contains(st.LastError, dest) || st.Failures != 1 || st.NextAttempt.IsZero() {
		t.Fatalf("after a failure: %+v, want failed naming %s with a next attempt", st, dest)
	}
	if got := src.rows(`SELECT replicationStatus, lastError IS NOT NULL FROM lake.ns."t$replication"`); len(got) != 1 || got[0][0] != "failed" || got[0][1] != "true" {
		t.Fatalf("$replication after a failure: %v", got)
	}
	os.Remove(blocker)
	if res, err := r.Once(src.ctx); err != nil || res[0].Err != nil {
		t.Fatalf("replicate once the destination can be made: %+v, %v", res, err)
	}
	st = report(t, src)
	if st.Status != replica.StatusReady || st.LagSnapshots != 0 || st.BytesCopied == 0 || st.LastError != "" ||
		!strings.HasPrefix(strings.TrimPrefix(st.LastSuccess.MetadataLocation, "file://"), dest) {
		t.Fatalf("after the failure cleared: %+v, want ready", st)
	}
	src.exec(`INSERT INTO lake.ns.t VALUES (99)`)
	if got := src.rows(`SELECT replicationStatus, lagSnapshots FROM lake.ns."t$replication"`); len(got) != 1 || got[0][0] != "pending" || got[0][1] != "1" {
		t.Fatalf("$replication after a new commit: %v, want pending 1", got)
	}
	if _, err := r.Once(src.ctx); err != nil {
		t.Fatal(err)
	}
	if got := src.rows(`SELECT replicationStatus, lagSnapshots, lastSuccessfulReplicatedUpdate.metadataLocation LIKE 'file://` + dest + `/%' FROM lake.ns."t$replication"`); len(got) != 1 || got[0][0] != "ready" || got[0][1] != "0" || got[0][2] != "true" {
		t.Fatalf("$replication once replicated: %v", got)
	}

	src.exec(`DROP TABLE lake.ns.t`)
	res, err = r.Once(src.ctx)
	if err != nil || len(res) != 1 || res[0].Err == nil || !strings.Contains(res[0].Err.Error(), "dropped") {
		t.Fatalf("replicate after the source was dropped: %+v, %v; want a failure saying so", res, err)
	}
	// The replica stays, readable.
	dst := openLake(t, dest)
	if got := dst.rows(`SELECT count(*) FROM lake.ns.t`); got[0][0] != "11" {
		t.Fatalf("the replica after its source was dropped holds %v rows, want 11", got)
	}
}

// TestWatch replicates with Watch while the source commits: the replica
// catches up with each commit.
func TestWatch(t *testing.T) {
	src := openLake(t, t.TempDir())
	dest := filepath.Join(t.TempDir(), "replica")
	src.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id INTEGER)`)
	if err := replica.Put(src.ctx, src.wh, replica.Scope{}, []string{dest}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(src.ctx)
	done := make(chan error, 1)
	r := replica.New(src.wh)
	defer r.Close()
	go func() { done <- r.Watch(ctx, 10*time.Millisecond, time.Hour, nil) }()
	for i := range 3 {
		src.exec(`INSERT INTO lake.ns.t SELECT * FROM range(10)`)
		want, err := src.wh.MetadataLocation(src.ctx, "ns", "t")
		if err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			if st := report(t, src); st.Status == replica.StatusReady && st.LastSuccess.MetadataLocation != "" {
				dw, err := engine.Open(src.ctx, dest)
				if err != nil {
					t.Fatal(err)
				}
				rt, err := dw.Table(src.ctx, "ns", "t")
				if err == nil && rt.Properties()[engine.PropReplicaSourceMetadata] == want {
					dw.Close()
					break
				}
				dw.Close()
			}
			if time.Now().After(deadline) {
				t.Fatalf("commit %d: the replica did not catch up within 20 s", i)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
