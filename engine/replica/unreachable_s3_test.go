package replica_test

import (
	"context"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/replica"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// proxy forwards loopback TCP connections to an S3 server, so the
// destination keeps one endpoint while the server behind it is stopped
// and restarted (on a new port). While the server is down a connection
// is closed at once: the endpoint is unreachable.
type proxy struct {
	ln      net.Listener
	backend atomic.Value // host:port
	mu      sync.Mutex
	conns   map[net.Conn]bool
}

func startProxy(t *testing.T, endpoint string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, conns: map[net.Conn]bool{}}
	p.backend.Store(strings.TrimPrefix(endpoint, "http://"))
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

func (p *proxy) endpoint() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) serve(c net.Conn) {
	defer c.Close()
	b, err := net.Dial("tcp", p.backend.Load().(string))
	if err != nil {
		return
	}
	defer b.Close()
	p.mu.Lock()
	p.conns[c], p.conns[b] = true, true
	p.mu.Unlock()
	go func() { io.Copy(b, c); b.Close() }()
	io.Copy(c, b)
	p.mu.Lock()
	delete(p.conns, c)
	delete(p.conns, b)
	p.mu.Unlock()
}

// TestUnreachableS3Destination stops the S3 server of a destination while
// a watching replicator runs: the replication is failed with the error
// (naming the endpoint), retried with exponential backoff (not before the
// backoff has passed, then again), and ready once the server is back,
// with the replica level with the source. The replicator's clock is the
// test's, so the backoff is checked without waiting for it.
func TestUnreachableS3Destination(t *testing.T) {
	srv := s3test.Start(t)
	px := startProxy(t, srv.Endpoint)
	src := openLake(t, t.TempDir())
	dest := "s3://" + srv.Bucket + "/dr"
	src.exec(`CREATE SCHEMA lake.ns; CREATE TABLE lake.ns.t (id INTEGER) TBLPROPERTIES ('format-version'='3'); INSERT INTO lake.ns.t SELECT * FROM range(10)`)
	if err := replica.Put(src.ctx, src.wh, replica.Scope{NS: "ns", Name: "t"}, []string{dest}); err != nil {
		t.Fatal(err)
	}
	var clock atomic.Int64
	clock.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	now := func() time.Time { return time.Unix(0, clock.Load()) }
	advance := func(d time.Duration) { clock.Add(int64(d)) }
	r := replica.New(src.wh)
	r.Now = now
	r.Options = []engine.Option{engine.WithHome(t.TempDir()), engine.WithS3(s3fs.Options{Endpoint: px.endpoint(), Region: s3test.Region,
		AccessKeyID: s3test.AccessKey, SecretAccessKey: s3test.SecretKey, MaxAttempts: 1})}
	defer r.Close()
	var attempts atomic.Int64
	ctx, cancel := context.WithCancel(src.ctx)
	done := make(chan error, 1)
	go func() {
		done <- r.Watch(ctx, 10*time.Millisecond, time.Hour, func(replica.Result) { attempts.Add(1) })
	}()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	status := func() replica.Status {
		t.Helper()
		sts, err := replica.Report(src.ctx, src.wh, "ns", "t", r.Options...)
		if err != nil {
			t.Fatal(err)
		}
		if len(sts) != 1 {
			t.Fatalf("status: %d destinations, want 1: %+v", len(sts), sts)
		}
		return sts[0]
	}
	waitFor := func(what string, ok func(replica.Status) bool) replica.Status {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			st := status()
			if ok(st) {
				return st
			}
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s: the status stays %+v", what, st)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	level := func(st replica.Status) bool {
		want, err := src.wh.MetadataLocation(src.ctx, "ns", "t")
		return err == nil && st.Status == replica.StatusReady && st.LastError == "" && st.LagSnapshots == 0 &&
			st.LastSuccess.MetadataLocation != "" && strings.HasPrefix(st.LastSuccess.MetadataLocation, dest+"/") && replicaMirrors(t, r, dest) == want
	}
	waitFor("the backfill", level)

	srv.Stop()
	src.exec(`INSERT INTO lake.ns.t SELECT * FROM range(10, 20)`)
	st := waitFor("a failure", func(st replica.Status) bool { return st.Status == replica.StatusFailed })
	host := strings.TrimPrefix(px.endpoint(), "http://")
	if st.Failures != 1 || !strings.Contains(st.LastError, host) || !st.NextAttempt.Equal(now().Add(time.Second)) {
		t.Fatalf("after the first failure: %+v; want 1 failure, an error naming %s, the next attempt in 1 s", st, host)
	}
	// Not retried before the backoff has passed, then retried.
	n := attempts.Load()
	time.Sleep(100 * time.Millisecond)
	if attempts.Load() != n {
		t.Fatalf("retried before the backoff passed: %d attempts, then %d", n, attempts.Load())
	}
	advance(time.Second)
	st = waitFor("a retry", func(st replica.Status) bool { return st.Failures == 2 })
	if st.Status != replica.StatusFailed || !st.NextAttempt.Equal(now().Add(2*time.Second)) {
		t.Fatalf("after the second failure: %+v; want failed, the next attempt in 2 s", st)
	}

	srv = s3test.Restart(t, srv)
	px.backend.Store(strings.TrimPrefix(srv.Endpoint, "http://"))
	advance(2 * time.Second)
	st = waitFor("ready again", level)
	if st.Failures != 0 || !st.NextAttempt.IsZero() {
		t.Fatalf("ready again: %+v; want the failures cleared", st)
	}
	dst := openLakeWith(t, dest, r.Options...)
	if got, want := dst.rows(`SELECT count(*), sum(id) FROM lake.ns.t`), src.rows(`SELECT count(*), sum(id) FROM lake.ns.t`); got[0][0] != want[0][0] || got[0][1] != want[0][1] {
		t.Fatalf("the replica holds %v, the source %v", got, want)
	}
}

// replicaMirrors returns the source metadata file the replica in dest
// mirrors; "" when there is no replica or the destination is down.
func replicaMirrors(t *testing.T, r *replica.Replicator, dest string) string {
	dw, err := engine.Open(context.Background(), dest, r.Options...)
	if err != nil {
		return ""
	}
	defer dw.Close()
	rt, err := dw.Table(context.Background(), "ns", "t")
	if err != nil {
		return ""
	}
	return rt.Properties()[engine.PropReplicaSourceMetadata]
}
