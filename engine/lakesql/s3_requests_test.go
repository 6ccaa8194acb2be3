package lakesql

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/filecache"
)

// requestLog records the S3 requests of a warehouse: method and path.
type requestLog struct {
	mu   sync.Mutex
	reqs []string
}

func (l *requestLog) RoundTrip(r *http.Request) (*http.Response, error) {
	l.mu.Lock()
	l.reqs = append(l.reqs, r.Method+" "+r.URL.Path)
	l.mu.Unlock()
	return http.DefaultTransport.RoundTrip(r)
}

// take returns the requests since the last take and forgets them.
func (l *requestLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.reqs
	l.reqs = nil
	return out
}

// TestS3WarmScanRequests: a scan of a table whose data is in the read
// cache asks the server for the catalog pointer only, once however often
// planning looks the table up (a commit by another machine must show), and
// not for the manifest list and manifests (the session plans a snapshot
// once); a scan after this process's commit reads no manifest (manifests,
// immutable, are kept in memory once read or written) and fetches the new
// data file alone.
func TestS3WarmScanRequests(t *testing.T) {
	log := &requestLog{}
	f := openS3Lake(t, t.TempDir(), engine.WithS3HTTPClient(&http.Client{Transport: log}))
	f.exec(`CREATE SCHEMA lake.r; CREATE TABLE lake.r.t (id BIGINT, g VARCHAR);
		INSERT INTO lake.r.t SELECT i, 'g' || (i % 3) FROM range(1000) r(i);
		INSERT INTO lake.r.t SELECT i, 'h' FROM range(1000, 1500) r(i)`)
	const q = `SELECT g, count(*), sum(id) FROM lake.r.t GROUP BY g ORDER BY g`
	want := "[[g0 334 166833] [g1 333 166167] [g2 333 166500] [h 500 624750]]"
	check := func(what string) []string {
		t.Helper()
		log.take()
		got := fmt.Sprint(f.rows(q))
		reqs := log.take()
		if got != want {
			t.Fatalf("%s: got %s, want %s", what, got, want)
		}
		return reqs
	}
	check("the first scan")
	for i := range 3 {
		reqs := check("a warm scan")
		if len(reqs) != 1 || !strings.HasPrefix(reqs[0], "GET ") || !strings.Contains(reqs[0], "/_catalog/tables/") {
			t.Fatalf("warm scan %d asked the server %d times, want once (the table's catalog pointer): %q", i, len(reqs), reqs)
		}
	}
	f.exec(`INSERT INTO lake.r.t VALUES (2000, 'h')`)
	want = "[[g0 334 166833] [g1 333 166167] [g2 333 166500] [h 501 626750]]"
	reqs := check("the scan after a commit")
	var parquet, avro []string
	seen := map[string]bool{}
	for _, r := range reqs {
		if seen[r] {
			t.Errorf("the scan after a commit sent %s twice: %q", r, reqs)
		}
		seen[r] = true
		if strings.HasPrefix(r, "GET ") && strings.HasSuffix(r, ".parquet") {
			parquet = append(parquet, r)
		}
		if strings.HasSuffix(r, ".avro") {
			avro = append(avro, r)
		}
	}
	if len(avro) != 0 {
		t.Errorf("the scan after a commit asked for %d manifest objects, want none (the old ones were read, the new ones written by this process: all in memory): %q", len(avro), reqs)
	}
	if len(parquet) != 1 {
		t.Errorf("the scan after a commit fetched %d data files, want 1 (the new one; the others are cached): %q", len(parquet), reqs)
	}
}

// TestS3PrunedFetch: with an empty cache, a query whose filter prunes a
// partitioned table to one partition fetches that partition's data file
// alone, and the cache holds just its bytes.
func TestS3PrunedFetch(t *testing.T) {
	log := &requestLog{}
	f := openS3Lake(t, t.TempDir(), engine.WithS3HTTPClient(&http.Client{Transport: log}))
	f.exec(`CREATE SCHEMA lake.r; CREATE TABLE lake.r.p (id BIGINT, p INTEGER) PARTITIONED BY (p);
		INSERT INTO lake.r.p SELECT i, i % 4 FROM range(4000) r(i)`)
	if _, err := filecache.ClearDir(f.wh.Cache().Dir()); err != nil {
		t.Fatal(err)
	}
	size := f.one(`SELECT sum(file_size_in_bytes) FROM lake.r."p$files" WHERE partition.p = 2`)
	before := f.wh.Cache().Fetched()
	log.take()
	diffRows(t, "one partition", [][]string{{"1000", "2000000"}}, f.strings(`SELECT count(*), sum(id) FROM lake.r.p WHERE p = 2`))
	var gets []string
	for _, r := range log.take() {
		if strings.HasPrefix(r, "GET ") && strings.HasSuffix(r, ".parquet") {
			gets = append(gets, r)
		}
	}
	if len(gets) != 1 || !strings.Contains(gets[0], "=2/") {
		t.Errorf("the pruned query fetched %q, want the one data file of p=2", gets)
	}
	if got := fmt.Sprint(f.wh.Cache().Fetched() - before); got != size {
		t.Errorf("the pruned query fetched %s bytes, want %s (the partition's file)", got, size)
	}
}
