package lens

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// storeTally counts, below the counting filesystem, what each table's
// files and catalog pointer see: opens, creates, metadata files written,
// pointer swaps that landed, and the conflicts it injects (the swap of
// a table's pointer number conflictAt loses, as to another machine).
type storeTally struct {
	mu                              sync.Mutex
	conflictAt                      int
	opens, creates, commits, swaps  map[string]int64
	conflicts, swapsSeen, requested map[string]int64
}

func newStoreTally(conflictAt int) *storeTally {
	return &storeTally{conflictAt: conflictAt, opens: map[string]int64{}, creates: map[string]int64{},
		commits: map[string]int64{}, swaps: map[string]int64{}, conflicts: map[string]int64{},
		swapsSeen: map[string]int64{}, requested: map[string]int64{}}
}

func (o *storeTally) MaybeError(op errorfs.Op, name string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, tbl := range []string{"a", "b"} {
		switch {
		case strings.Contains(name, "/s.db/"+tbl+"/"):
			switch op {
			case errorfs.OpOpen:
				o.opens[tbl]++
			case errorfs.OpCreate:
				o.creates[tbl]++
				if strings.HasSuffix(name, ".metadata.json") {
					o.commits[tbl]++
				}
			}
		case op == errorfs.OpSwap && strings.HasSuffix(name, "/"+objcat.Dir+"/tables/s/"+tbl+".json"):
			o.swapsSeen[tbl]++
			if tbl == "a" && o.swapsSeen[tbl] == int64(o.conflictAt) {
				o.conflicts[tbl]++
				return vfs.ErrConflict
			}
			o.swaps[tbl]++
		}
	}
	return nil
}

// RoundTrip counts the GETs and PUTs of each table's objects that reach
// the server, below the timing transport.
func (o *storeTally) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodGet || req.Method == http.MethodPut {
		for _, tbl := range []string{"a", "b"} {
			if strings.Contains(req.URL.Path, "/s.db/"+tbl+"/") {
				o.mu.Lock()
				o.requested[tbl]++
				o.mu.Unlock()
			}
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestActivityOnObjectStorage counts a warehouse whose catalog is on its
// storage (package objcat): locally, and on S3 (versitygw on loopback),
// where every GET and PUT is timed. A commit whose pointer swap loses to
// another writer is a conflict and no commit; activity_daily holds what
// the storage below saw.
func TestActivityOnObjectStorage(t *testing.T) {
	cases := []struct {
		name string
		s3   bool
	}{
		{name: "local object catalog"},
		{name: "s3", s3: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tally := newStoreTally(3) // a's swaps: create, insert, then the delete's commit loses
			home := t.TempDir()
			var root string
			opts := []engine.Option{engine.WithObjectCatalog()}
			c := Count(nil, "")
			if tc.s3 {
				srv := s3test.Start(t)
				root = "s3://" + srv.Bucket + "/wh"
				opts = []engine.Option{engine.WithHome(home), engine.WithS3(s3fs.Options{
					Endpoint: srv.Endpoint, Region: s3test.Region, AccessKeyID: s3test.AccessKey,
					SecretAccessKey: s3test.SecretKey, MaxAttempts: 1,
					HTTPClient: &http.Client{Transport: c.Transport(tally)}})}
			} else {
				root = t.TempDir()
			}
			c.root = clean(root)
			opts = append(opts, engine.WithWrapFS(func(f vfs.FS) vfs.FS { return c.Wrap(errorfs.Wrap(f, tally)) }))
			l := openLake(t, root, opts...)
			if _, ok := l.wh.FS().(vfs.Swapper); !ok {
				t.Fatalf("the counted FS %T cannot swap: the object catalog could not commit", l.wh.FS())
			}
			l.exec("CREATE SCHEMA lake.s; CREATE TABLE lake.s.a (id BIGINT) TBLPROPERTIES ('format-version'='3'); INSERT INTO lake.s.a SELECT i FROM range(50) r(i)")
			err := l.s.Exec(l.ctx, "DELETE FROM lake.s.a WHERE id < 5")
			if tally.conflicts["a"] != 1 {
				t.Fatalf("the injected conflict did not fire (delete: %v)", err)
			}
			if err != nil && !errors.Is(err, vfs.ErrConflict) && !strings.Contains(err.Error(), "commit") {
				t.Fatalf("delete after a lost swap: %v", err)
			}
			l.exec("CREATE TABLE lake.s.b (v VARCHAR); INSERT INTO lake.s.b VALUES ('x'); SELECT count(*) FROM lake.s.a")

			// On S3, every GET and PUT of a table's objects was timed once.
			if tc.s3 {
				c.mu.Lock()
				for _, tbl := range []string{"a", "b"} {
					k := c.by[[2]string{"s", tbl}]
					var first, total int64
					for i := range latencyBuckets {
						first += k.firstByte[i].Load()
						total += k.total[i].Load()
					}
					if want := tally.requested[tbl]; first != want || total != want || want == 0 {
						t.Errorf("table %s: %d first-byte and %d total latencies timed, want one each of its %d GETs and PUTs",
							tbl, first, total, want)
					}
				}
				c.mu.Unlock()
			}
			// What the collect reads below (through the same counted FS)
			// lands in the next flush, not in these counts.
			tally.mu.Lock()
			opens, creates, swaps, conflicts := maps.Clone(tally.opens), maps.Clone(tally.creates), maps.Clone(tally.swaps), maps.Clone(tally.conflicts)
			tally.mu.Unlock()
			now := mustTime(t, "2026-07-01T12:00:00Z")
			if err := c.Flush(now); err != nil {
				t.Fatal(err)
			}
			l.collect("2026-07-01T23:00:00Z")
			got := l.rows(`SELECT table_name, read_requests, write_requests, commits, commit_conflicts,
				first_byte_p50_ms IS NOT NULL AND first_byte_p50_ms <= total_p99_ms, bytes_read > 0, bytes_written > 0
				FROM lake.floe_lens.activity_daily ORDER BY table_name`)
			if len(got) != 2 {
				t.Fatalf("activity_daily rows = %v, want tables a and b", got)
			}
			for i, tbl := range []string{"a", "b"} {
				reads := opens[tbl]
				if tbl == "a" && !tc.s3 {
					// The SELECT's read of a's one data file: DuckDB
					// reads it itself, below no FS (on S3 it reads the
					// cache's copy, whose GET the tally saw).
					reads++
				}
				want := []any{tbl, reads, creates[tbl], swaps[tbl], conflicts[tbl], true, true, true}
				for j := range want {
					if got[i][j] != want[j] {
						t.Errorf("activity_daily %s column %d = %v, want %v (row %v)", tbl, j, got[i][j], want[j], got[i])
					}
				}
			}
			// storage_daily measured the warehouse where its objects are
			// (the bucket, on S3): table a's bytes are its objects' sizes.
			var objects, bytes int64
			loc := strings.TrimSuffix(root, "/") + "/s.db/a"
			if !tc.s3 {
				loc = clean(root) + "/s.db/a"
			}
			if err := l.wh.FS().Walk(loc, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				info, err := d.Info()
				if err != nil {
					return err
				}
				objects, bytes = objects+1, bytes+info.Size()
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			st := l.rows(`SELECT sum(objects)::BIGINT, sum(bytes)::BIGINT FROM lake.floe_lens.storage_daily WHERE level = 'table' AND table_name = 'a'`)
			if st[0][0] != any(objects) || st[0][1] != any(bytes) || objects == 0 {
				t.Errorf("storage_daily table a = %v objects, %v bytes; walking %s found %d, %d", st[0][0], st[0][1], loc, objects, bytes)
			}
			if tally.commits["a"] != tally.swaps["a"]+1 {
				t.Errorf("table a: %d metadata files and %d pointer swaps landed, want one metadata file more (the lost commit's)",
					tally.commits["a"], tally.swaps["a"])
			}
		})
	}
}

// TestStorageConfigThroughCounter checks that a counted S3 warehouse
// still tells Iceberg clients its storage (floe serve hands it out).
func TestStorageConfigThroughCounter(t *testing.T) {
	srv := s3test.Start(t)
	c := Count(nil, "s3://"+srv.Bucket+"/cfg")
	wh, err := engine.Open(context.Background(), "s3://"+srv.Bucket+"/cfg", engine.WithHome(t.TempDir()),
		engine.WithS3(s3fs.Options{Endpoint: srv.Endpoint, Region: s3test.Region, AccessKeyID: s3test.AccessKey,
			SecretAccessKey: s3test.SecretKey, HTTPClient: &http.Client{Transport: c.Transport(nil)}}),
		engine.WithWrapFS(c.Wrap))
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	props, err := wh.StorageConfig(context.Background(), false)
	if err != nil {
		t.Fatal(err)
	}
	if props["s3.endpoint"] != srv.Endpoint {
		t.Errorf("storage config through the counter = %v, want s3.endpoint %s", props, srv.Endpoint)
	}
}
