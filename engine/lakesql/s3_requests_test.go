package lakesql

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/engine"
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
// once); a scan after a commit reads the new manifest list and manifest
// alone (manifests, immutable, are kept in memory once read) and fetches
// the new data file alone.
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
	if len(avro) != 2 || !strings.HasPrefix(avro[0], "GET ") || !strings.HasPrefix(avro[1], "GET ") {
		t.Errorf("the scan after a commit asked for %d manifest objects, want a GET of the new manifest list and of the new manifest (the old manifests are in memory): %q", len(avro), reqs)
	}
	if len(parquet) != 1 {
		t.Errorf("the scan after a commit fetched %d data files, want 1 (the new one; the others are cached): %q", len(parquet), reqs)
	}
}
