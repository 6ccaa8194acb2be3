package lakesql

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// preconditionFailed answers as S3 does when an If-Match or If-None-Match
// condition fails.
func preconditionFailed(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusPreconditionFailed)
	if r.Method != http.MethodHead {
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Resource>` + r.URL.Path + `</Resource></Error>`))
	}
}

// truncatedGet forwards r and sends the response's headers (its full
// Content-Length) but only half its body, then drops the connection.
func truncatedGet(proxy http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		proxy.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		body := rec.Body.Bytes()
		w.Write(body[:len(body)/2])
		panic(http.ErrAbortHandler)
	}
}

// TestS3Faults: a server that sends a data object short, answers a read
// with 412 (the object was replaced since floe looked at it), or refuses
// every swap of a table's pointer with 412: each is an error naming the
// object (bucket and key) and the endpoint, nothing committed is lost,
// nothing half-fetched is cached, and once the server behaves the same
// statements work. A loopback proxy in front of versitygw makes the
// faults.
func TestS3Faults(t *testing.T) {
	srv := s3Server(t)
	target, _ := url.Parse(srv.Endpoint)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var fault atomic.Pointer[func(w http.ResponseWriter, r *http.Request) bool]
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if f := fault.Load(); f != nil && (*f)(w, r) {
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	o := s3Options(srv)
	o.Endpoint = front.URL
	f := openS3Lake(t, t.TempDir(), engine.WithS3(o))
	f.exec(`CREATE SCHEMA lake.f; CREATE TABLE lake.f.t (id INTEGER, s VARCHAR) TBLPROPERTIES ('format-version'='3');
		INSERT INTO lake.f.t SELECT i, repeat('x', 50) || i FROM range(2000) r(i)`)
	want := [][]string{{"2000", "1999000"}}
	bucket := "s3://" + srv.Bucket + "/"
	for _, tc := range []struct {
		name   string
		fault  func(w http.ResponseWriter, r *http.Request) bool
		stmt   string
		is     error
		msg    []string
		after  string // run once the server behaves
		wantOK [][]string
	}{
		{name: "truncated data object", stmt: `SELECT count(*), sum(id) FROM lake.f.t`,
			fault: func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ".parquet") {
					truncatedGet(proxy)(w, r)
					return true
				}
				return false
			},
			msg: []string{bucket, ".parquet", front.URL, "truncated"}},
		{name: "object replaced while read", stmt: `SELECT count(*), sum(id) FROM lake.f.t`,
			fault: func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, ".parquet") && r.Header.Get("If-Match") != "" {
					preconditionFailed(w, r)
					return true
				}
				return false
			},
			is: s3fs.ErrReplaced, msg: []string{bucket, ".parquet", front.URL, "replaced since it was opened"}},
		{name: "412 on every commit of an insert", stmt: `INSERT INTO lake.f.t VALUES (5000, 'lost')`,
			fault: func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/_catalog/tables/f/t.json") {
					preconditionFailed(w, r)
					return true
				}
				return false
			},
			is: engine.ErrCommitConflict, msg: []string{"lake.f.t", "gave up", bucket + "TestS3Faults/_catalog/tables/f/t.json", front.URL, "412"},
			after: `INSERT INTO lake.f.t VALUES (5000, 'kept'); DELETE FROM lake.f.t WHERE id = 5000`},
		{name: "412 on every commit of a delete", stmt: `DELETE FROM lake.f.t WHERE id < 10`,
			fault: func(w http.ResponseWriter, r *http.Request) bool {
				if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, "/_catalog/tables/f/t.json") {
					preconditionFailed(w, r)
					return true
				}
				return false
			},
			is: engine.ErrCommitConflict, msg: []string{"lake.f.t", "gave up", bucket + "TestS3Faults/_catalog/tables/f/t.json", front.URL, "412"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// A cold cache, so reads go to the server.
			if _, err := filecache.ClearDir(f.wh.Cache().Dir()); err != nil {
				t.Fatal(err)
			}
			snaps := f.snapshotCount("f", "t")
			fault.Store(&tc.fault)
			err := f.fails(tc.stmt)
			fault.Store(nil)
			t.Logf("error: %v", err)
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("err = %v, want %v", err, tc.is)
			}
			for _, m := range tc.msg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("err %q does not name %q", err, m)
				}
			}
			if n := f.snapshotCount("f", "t"); n != snaps {
				t.Errorf("%d snapshots after the fault, had %d", n, snaps)
			}
			diffRows(t, "the table after the fault", want, f.strings(`SELECT count(*), sum(id) FROM lake.f.t`))
			if tc.after != "" {
				f.exec(tc.after)
			}
		})
	}
}
