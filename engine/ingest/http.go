package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// HTTPPath is where Handler serves: POST HTTPPath + "ns.table".
const HTTPPath = "/v1/ingest/"

// Handler serves POST /v1/ingest/{ns}.{table}: the request body is a
// stream of events (query parameters format=debezium|jsonl|csv and
// key=col,... as floe ingest's flags), applied in batches of opts.MaxRows
// events, one commit each, with the same code as floe ingest. Debezium
// events at or before the source position the table holds are skipped, so
// a client may resend a request that failed (snapshot reads, op "r", are
// applied again, as upserts). The answer is the Stats as
// JSON; a bad event is 400, a held batch or a moved position 409.
// Requests are applied one at a time over sess.
func Handler(sess *lakesql.Session, opts Options) http.Handler {
	var mu sync.Mutex
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fail := func(code int, err error) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			fail(http.StatusMethodNotAllowed, fmt.Errorf("%s %s: use POST with the events as the body", r.Method, r.URL.Path))
			return
		}
		name := strings.TrimPrefix(r.URL.Path, HTTPPath)
		ns, tbl, ok := strings.Cut(name, ".")
		if !ok || ns == "" || tbl == "" || strings.Contains(tbl, ".") {
			fail(http.StatusNotFound, fmt.Errorf("%s: want %sSCHEMA.TABLE", r.URL.Path, HTTPPath))
			return
		}
		o := opts
		o.GuardSource = true
		if f := r.URL.Query().Get("format"); f != "" {
			o.Format = f
		}
		if k := r.URL.Query().Get("key"); k != "" {
			o.Keys = nil
			for _, c := range strings.Split(k, ",") {
				if c = strings.TrimSpace(c); c != "" {
					o.Keys = append(o.Keys, c)
				}
			}
		}
		mu.Lock()
		defer mu.Unlock()
		ctx := r.Context()
		g, err := New(ctx, sess, ns, tbl, o)
		if err != nil {
			fail(statusOf(err), err)
			return
		}
		err = g.Run(ctx, NewReaderSource(r.Body, "request", "http"))
		st := g.Stats()
		if err != nil {
			fail(statusOf(err), fmt.Errorf("%w (applied before it: %d commits)", err, st.Commits))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(st)
	})
}

func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrBadEvent), errors.Is(err, ErrBadOption), errors.Is(err, engine.ErrInvalidName):
		return http.StatusBadRequest
	case errors.Is(err, ErrHeld), errors.Is(err, ErrPositionMoved):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
