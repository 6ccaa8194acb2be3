package lens

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Transport returns an HTTP transport for the S3 client of the warehouse
// c counts (s3fs.Options.HTTPClient) that times each GET and PUT of a
// table's objects, as S3's request metrics do: first-byte latency from
// the request's start until the response's headers arrive, total latency
// until its body is read or closed. From then on these are the latencies
// activity_daily reports for the warehouse, not the files' open-to-close
// times. Retries are requests of their own. base nil is
// http.DefaultTransport.
func (c *CountingFS) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	c.timed.Store(true)
	return &timingTransport{c: c, base: base}
}

type timingTransport struct {
	c    *CountingFS
	base http.RoundTripper
}

func (t *timingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet && req.Method != http.MethodPut {
		return t.base.RoundTrip(req)
	}
	k := t.c.requestTable(req)
	if k == nil {
		return t.base.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	first := time.Since(start)
	k.firstByte[bucket(first)].Add(1)
	if err != nil || resp.Body == nil || resp.Body == http.NoBody {
		k.total[bucket(first)].Add(1)
		return resp, err
	}
	resp.Body = &timedBody{ReadCloser: resp.Body, k: k, start: start}
	return resp, nil
}

// requestTable returns the counters of the table whose object req
// addresses, path-style (/bucket/key) or virtual-hosted
// (bucket.host/key); nil when it is no table's.
func (c *CountingFS) requestTable(req *http.Request) *counters {
	rest, ok := strings.CutPrefix(c.root, "s3://")
	if !ok {
		return nil
	}
	bucket, _, _ := strings.Cut(rest, "/")
	p := req.URL.Path
	key, pathStyle := strings.CutPrefix(p, "/"+bucket+"/")
	if !pathStyle {
		if !strings.HasPrefix(req.URL.Hostname(), bucket+".") {
			return nil
		}
		key = strings.TrimPrefix(p, "/")
	}
	return c.tableOf("s3://" + bucket + "/" + key)
}

// timedBody records a request's total latency when its body ends.
type timedBody struct {
	io.ReadCloser
	k     *counters
	start time.Time
	done  atomic.Bool
}

func (b *timedBody) end() {
	if !b.done.Swap(true) {
		b.k.total[bucket(time.Since(b.start))].Add(1)
	}
}

func (b *timedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.end()
	}
	return n, err
}

func (b *timedBody) Close() error {
	b.end()
	return b.ReadCloser.Close()
}
