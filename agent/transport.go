package agent

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// maxRetryAfter caps how long a Retry-After header makes a call wait.
const maxRetryAfter = 10 * time.Second

// retryTransport retries requests that failed with HTTP 429, a 5xx status
// or a dropped connection, waiting with exponential backoff and jitter. A
// server that cannot be dialled is not retried: the agent falls back to the
// offline planner at once rather than hang.
type retryTransport struct {
	base    http.RoundTripper
	max     int
	backoff time.Duration
	retries atomic.Int64 // retries done, for Usage
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		r := req
		if attempt > 0 {
			if req.Body != nil && req.GetBody == nil {
				return nil, errors.New("cannot retry a request whose body cannot be replayed")
			}
			r = req.Clone(req.Context())
			if req.GetBody != nil {
				body, err := req.GetBody()
				if err != nil {
					return nil, err
				}
				r.Body = body
			}
		}
		resp, err := t.base.RoundTrip(r)
		wait := t.backoff << attempt
		wait += time.Duration(rand.Int64N(int64(wait)/4 + 1))
		switch {
		case attempt >= t.max:
			return resp, err
		case err != nil:
			if req.Context().Err() != nil || isDialError(err) {
				return nil, err
			}
		case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			if d, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
				wait = min(d, maxRetryAfter)
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
			resp.Body.Close()
		default:
			return resp, nil
		}
		t.retries.Add(1)
		if err := sleep(req.Context(), wait); err != nil {
			return nil, err
		}
	}
}

func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

func retryAfter(h string) (time.Duration, bool) {
	if h == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(0, time.Until(t)), true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// newHTTPClient returns the client model requests go through: bounded
// dialling and response-header waits, and retries.
func newHTTPClient(c Config) (*http.Client, *retryTransport) {
	var base http.RoundTripper
	if c.HTTPClient != nil && c.HTTPClient.Transport != nil {
		base = c.HTTPClient.Transport
	} else {
		base = &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: c.RequestTimeout,
			IdleConnTimeout:       90 * time.Second,
			MaxIdleConns:          4,
		}
	}
	rt := &retryTransport{base: base, max: c.MaxRetries, backoff: c.RetryBackoff}
	return &http.Client{Transport: rt}, rt
}
