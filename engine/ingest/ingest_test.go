package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

type lake struct {
	t    *testing.T
	ctx  context.Context
	wh   *engine.Warehouse
	sess *lakesql.Session
}

func openLake(t *testing.T) *lake {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	sess, err := lakesql.Open(ctx, wh)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sess.Close() })
	return &lake{t, ctx, wh, sess}
}

// query returns a result as lines of comma-separated values.
func (l *lake) query(q string) []string {
	l.t.Helper()
	rows, err := l.sess.Query(l.ctx, q)
	if err != nil {
		l.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	all, err := rows.All()
	if err != nil {
		l.t.Fatal(err)
	}
	var out []string
	for _, r := range all {
		parts := make([]string, len(r))
		for i, v := range r {
			if v == nil {
				parts[i] = "NULL"
			} else {
				parts[i] = fmt.Sprint(v)
			}
		}
		out = append(out, strings.Join(parts, ","))
	}
	return out
}

func (l *lake) snapshots(ns, name string) int {
	l.t.Helper()
	t, err := l.wh.Table(l.ctx, ns, name)
	if err != nil {
		return 0
	}
	return len(t.Snapshots())
}

// ingestFile writes lines to a file and ingests it (not following).
func (l *lake) ingestFile(table string, lines []string, opts Options) (*Ingester, error) {
	l.t.Helper()
	path := filepath.Join(l.t.TempDir(), "events.json")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		l.t.Fatal(err)
	}
	ns, name, _ := strings.Cut(table, ".")
	g, err := New(l.ctx, l.sess, ns, name, opts)
	if err != nil {
		return nil, err
	}
	pos, ok := g.Applied()
	src, err := OpenFile(path, false, pos, ok)
	if err != nil {
		l.t.Fatal(err)
	}
	defer src.Close()
	return g, g.Run(l.ctx, src)
}

const schemaBlock = `{"type":"struct","fields":[` +
	`{"type":"struct","optional":true,"field":"before","fields":[{"type":"int32","field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"%s","optional":true,"field":"qty"}]},` +
	`{"type":"struct","optional":true,"field":"after","fields":[{"type":"int32","field":"id"},{"type":"string","optional":true,"field":"name"},{"type":"%s","optional":true,"field":"qty"},` +
	`{"type":"int32","optional":true,"name":"io.debezium.time.Date","field":"day"},{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"price"}]},` +
	`{"type":"string","field":"op"}]}`

// withSchema wraps a payload in the envelope with a schema block whose qty
// column has the given Kafka Connect type.
func withSchema(qtyType, payload string) string {
	s := fmt.Sprintf(schemaBlock, qtyType, qtyType)
	return `{"schema":` + s + `,"payload":` + payload + `}`
}

func TestApply(t *testing.T) {
	tests := []struct {
		name   string
		create string // SQL run first, or ""
		lines  []string
		opts   Options
		query  string
		want   []string
	}{
		{
			name: "debezium with schema block: create, update, delete, logical types",
			lines: []string{
				withSchema("int32", `{"op":"c","before":null,"after":{"id":1,"name":"a","qty":5,"day":19000,"price":"MDk="},"source":{"ts_ms":1}}`),
				withSchema("int32", `{"op":"c","before":null,"after":{"id":2,"name":"b","qty":6,"day":19001,"price":"/88="},"source":{"ts_ms":2}}`),
				withSchema("int32", `{"op":"u","before":{"id":1},"after":{"id":1,"name":"a2","qty":7,"day":19002,"price":null},"source":{"ts_ms":3}}`),
				withSchema("int32", `{"op":"c","before":null,"after":{"id":3,"name":"c","qty":8,"day":null,"price":"/88="},"source":{"ts_ms":4}}`),
				withSchema("int32", `{"op":"d","before":{"id":2,"name":"b","qty":6},"after":null,"source":{"ts_ms":5}}`),
			},
			opts:  Options{Keys: []string{"id"}, MaxRows: 2},
			query: "SELECT id, name, qty, day, price::VARCHAR, typeof(qty), typeof(price) FROM lake.cdc.t ORDER BY id",
			want:  []string{"1,a2,7,2022-01-10 00:00:00 +0000 UTC,NULL,INTEGER,DECIMAL(10,2)", "3,c,8,NULL,-0.49,INTEGER,DECIMAL(10,2)"},
		},
		{
			name: "last event per key in one batch wins",
			lines: []string{
				`{"op":"c","after":{"id":1,"v":"x"}}`,
				`{"op":"u","after":{"id":1,"v":"y"}}`,
				`{"op":"c","after":{"id":2,"v":"x"}}`,
				`{"op":"d","before":{"id":2,"v":"x"}}`,
				`{"op":"d","before":{"id":1}}`,
				`{"op":"r","after":{"id":1,"v":"z"}}`,
			},
			opts:  Options{Keys: []string{"id"}},
			query: "SELECT id, v FROM lake.cdc.t ORDER BY id",
			want:  []string{"1,z"},
		},
		{
			name: "key from the Debezium key, payload-only envelope",
			lines: []string{
				`{"key":{"id":1},"value":{"op":"c","after":{"id":1,"v":"x"}}}`,
				`{"key":{"id":2},"value":{"op":"c","after":{"id":2,"v":"x"}}}`,
				`{"key":{"id":1},"value":{"op":"u","after":{"id":1,"v":"y"}}}`,
				`{"key":{"id":2},"value":{"op":"d","before":null}}`,
			},
			opts:  Options{MaxRows: 1},
			query: "SELECT id, v FROM lake.cdc.t ORDER BY id",
			want:  []string{"1,y"},
		},
		{
			name: "a new column is added at the end; fewer columns do nothing",
			lines: []string{
				`{"op":"c","after":{"id":1,"v":"x"}}`,
				`{"op":"c","after":{"id":2,"v":"x","note":"new"}}`,
				`{"op":"u","after":{"id":1}}`,
			},
			opts:  Options{Keys: []string{"id"}, MaxRows: 1},
			query: "SELECT id, v, note FROM lake.cdc.t ORDER BY id",
			want:  []string{"1,NULL,NULL", "2,x,new"},
		},
		{
			name: "int32 to int64 is promoted",
			lines: []string{
				withSchema("int32", `{"op":"c","after":{"id":1,"qty":5}}`),
				withSchema("int64", `{"op":"c","after":{"id":2,"qty":5000000000}}`),
			},
			opts:  Options{Keys: []string{"id"}, MaxRows: 1},
			query: "SELECT id, qty, typeof(qty) FROM lake.cdc.t ORDER BY id",
			want:  []string{"1,5,BIGINT", "2,5000000000,BIGINT"},
		},
		{
			name:   "v2 merge-on-read table: equality deletes, as Flink writes them",
			create: "CREATE SCHEMA lake.cdc; CREATE TABLE lake.cdc.t (id BIGINT, v VARCHAR) TBLPROPERTIES ('write.merge.mode' = 'merge-on-read'); INSERT INTO lake.cdc.t SELECT i, 'old' FROM range(10) r(i)",
			lines: []string{
				`{"op":"u","after":{"id":3,"v":"new"}}`,
				`{"op":"d","before":{"id":4}}`,
				`{"op":"c","after":{"id":11,"v":"new"}}`,
			},
			opts:  Options{Keys: []string{"id"}, MaxRows: 2},
			query: `SELECT count(*), count(*) FILTER (WHERE v = 'new'), (SELECT list(content ORDER BY content) FROM lake.cdc."t$delete_files") FROM lake.cdc.t`,
			want:  []string{"10,2,[2 2]"},
		},
		{
			name:   "v2 merge-on-read partitioned table: position deletes",
			create: "CREATE SCHEMA lake.cdc; CREATE TABLE lake.cdc.t (id BIGINT, v VARCHAR) PARTITIONED BY (bucket(2, id)) TBLPROPERTIES ('write.merge.mode' = 'merge-on-read'); INSERT INTO lake.cdc.t SELECT i, 'old' FROM range(10) r(i)",
			lines: []string{
				`{"op":"u","after":{"id":3,"v":"new"}}`,
				`{"op":"d","before":{"id":4}}`,
			},
			opts:  Options{Keys: []string{"id"}},
			query: `SELECT count(*), count(*) FILTER (WHERE v = 'new'), (SELECT list(content) FROM lake.cdc."t$delete_files") FROM lake.cdc.t`,
			want:  []string{"9,1,[1 1]"},
		},
		{
			name:   "v2 copy-on-write table: rewritten files",
			create: "CREATE SCHEMA lake.cdc; CREATE TABLE lake.cdc.t (id BIGINT, v VARCHAR); INSERT INTO lake.cdc.t SELECT i, 'old' FROM range(10) r(i)",
			lines: []string{
				`{"op":"u","after":{"id":3,"v":"new"}}`,
				`{"op":"d","before":{"id":4}}`,
			},
			opts:  Options{Keys: []string{"id"}},
			query: `SELECT count(*), count(*) FILTER (WHERE v = 'new'), (SELECT count(*) FROM lake.cdc."t$delete_files") FROM lake.cdc.t`,
			want:  []string{"9,1,0"},
		},
		{
			name:  "JSON lines are appended",
			lines: []string{`{"a":1.5,"b":"x"}`, `{"a":1.5,"b":"x"}`, `{"a":2,"c":true}`},
			opts:  Options{Format: FormatJSONL, MaxRows: 2},
			query: "SELECT a, b, c FROM lake.cdc.t ORDER BY a, b",
			want:  []string{"1.5,x,NULL", "1.5,x,NULL", "2,NULL,true"},
		},
		{
			name:  "CSV with a key is upserted",
			lines: []string{"id,name,n", "1,a,10", "2,b,20", "1,a2,11"},
			opts:  Options{Format: FormatCSV, Keys: []string{"id"}, MaxRows: 2},
			query: "SELECT id, name, n FROM lake.cdc.t ORDER BY id",
			want:  []string{"1,a2,11", "2,b,20"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openLake(t)
			if tc.create != "" {
				if err := l.sess.Exec(l.ctx, tc.create); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := l.ingestFile("cdc.t", tc.lines, tc.opts); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, l.query(tc.query)); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBadInput: each bad event stops the ingest with an error naming its
// file and line, and nothing of its batch is committed.
func TestBadInput(t *testing.T) {
	good := []string{
		`{"op":"c","after":{"id":1,"v":"x","n":1}}`,
		`{"op":"c","after":{"id":2,"v":"y","n":2}}`,
	}
	tests := []struct {
		name string
		bad  string
		want []string // substrings of the error
		is   error
	}{
		{"malformed JSON", `{"op":"c","after":{"id":3`, []string{"events.json:2", "not a JSON object"}, ErrBadEvent},
		{"unknown op", `{"op":"x","after":{"id":3}}`, []string{"events.json:2", `unknown op "x"`}, ErrBadEvent},
		{"no op", `{"after":{"id":3}}`, []string{"events.json:2", "no op"}, ErrBadEvent},
		{"missing key", `{"op":"c","after":{"v":"z"}}`, []string{"events.json:2", "no value for key column id"}, ErrBadEvent},
		{"type mismatch", `{"op":"c","after":{"id":3,"n":"many"}}`, []string{"events.json:2", "column n (BIGINT in lake.cdc.t)", `"many" is not an integer`}, ErrBadEvent},
		{"declared type change", withSchema("string", `{"op":"c","after":{"id":3,"qty":"a lot"}}`), []string{"events.json:2", "column qty", "is INTEGER, the source now sends VARCHAR"}, ErrHeld},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openLake(t)
			lines := good
			if tc.is == ErrHeld {
				lines = []string{
					withSchema("int32", `{"op":"c","after":{"id":1,"qty":1}}`),
					withSchema("int32", `{"op":"c","after":{"id":2,"qty":2}}`),
				}
			}
			if _, err := l.ingestFile("cdc.t", lines, Options{Keys: []string{"id"}}); err != nil {
				t.Fatal(err)
			}
			before := l.snapshots("cdc", "t")
			var log strings.Builder
			// The bad event comes between good ones in one batch.
			all := []string{`{"op":"c","after":{"id":3,"v":"w","n":3}}`, tc.bad, `{"op":"c","after":{"id":4,"v":"w","n":4}}`}
			_, err := l.ingestFile("cdc.t", all, Options{Keys: []string{"id"}, Log: &log})
			if err == nil {
				t.Fatal("ingest of a bad event succeeded")
			}
			if !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if tc.is == ErrHeld && !strings.Contains(log.String(), "warning") {
				t.Errorf("no warning for a held batch: %q", log.String())
			}
			if got := l.snapshots("cdc", "t"); got != before {
				t.Errorf("snapshots %d after the bad batch, want %d (nothing committed)", got, before)
			}
			if got := l.query("SELECT count(*) FROM lake.cdc.t WHERE id > 2"); got[0] != "0" {
				t.Errorf("rows of the bad batch were committed: %v", got)
			}
		})
	}
}

// TestFollow ingests a directory being written to: appended lines (also a
// line written in two parts) and a new file are applied, each batch
// committed after the commit interval.
func TestFollow(t *testing.T) {
	l := openLake(t)
	dir := t.TempDir()
	first := filepath.Join(dir, "a.json")
	if err := os.WriteFile(first, []byte(`{"op":"c","after":{"id":1,"v":"x"}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	g, err := New(l.ctx, l.sess, "cdc", "t", Options{Keys: []string{"id"}, CommitInterval: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	src, err := OpenFile(dir, true, Position{}, false)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithCancel(l.ctx)
	done := make(chan error, 1)
	go func() { done <- g.Run(ctx, src) }()
	waitFor := func(want []string) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		var got []string
		for time.Now().Before(deadline) {
			if _, err := l.wh.Table(l.ctx, "cdc", "t"); err == nil {
				if got = l.query("SELECT id, v FROM lake.cdc.t ORDER BY id"); cmp.Equal(got, want) {
					return
				}
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatalf("following: table %v, want %v", got, want)
	}
	waitFor([]string{"1,x"})
	f, err := os.OpenFile(first, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"op":"u","after":{"id":1,`)
	time.Sleep(3 * pollInterval)
	f.WriteString(`"v":"y"}}` + "\n")
	f.Close()
	waitFor([]string{"1,y"})
	if err := os.WriteFile(filepath.Join(dir, "b.json"), []byte(`{"op":"c","after":{"id":2,"v":"z"}}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor([]string{"1,y", "2,z"})
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run after cancel: %v", err)
	}
	tb, _ := l.wh.Table(l.ctx, "cdc", "t")
	pos, ok, err := AppliedPosition(tb)
	if err != nil || !ok || pos.File != "b.json" || pos.Line != 1 {
		t.Errorf("position %+v %v %v, want b.json line 1", pos, ok, err)
	}
}

// TestSourceGuard replays a stream without a byte position (standard
// input): Debezium events at or before the applied source position are
// skipped, later ones applied.
func TestSourceGuard(t *testing.T) {
	tests := []struct {
		name    string
		source  func(i int) string
		skipped int64 // of the 3 events replayed
	}{
		{"postgres lsn", func(i int) string { return fmt.Sprintf(`{"lsn":%d,"ts_ms":5}`, 100+i) }, 3},
		{"postgres sequence", func(i int) string {
			return fmt.Sprintf(`{"lsn":%d,"sequence":"[\"%d\",\"%d\"]"}`, 100-i, 50+i, 100-i)
		}, 3},
		{"mysql binlog", func(i int) string { return fmt.Sprintf(`{"file":"binlog.000007","pos":%d,"row":0,"ts_ms":5}`, 100+i) }, 3},
		// Two events may share a millisecond: only older ones are skipped
		// (the upsert of the one at the applied time is harmless).
		{"time only", func(i int) string { return fmt.Sprintf(`{"ts_ms":%d}`, 1000+i) }, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openLake(t)
			ev := func(i int) string {
				return fmt.Sprintf(`{"op":"c","after":{"id":%d,"n":%d},"source":%s}`, i, i, tc.source(i))
			}
			run := func(lines []string) Stats {
				g, err := New(l.ctx, l.sess, "cdc", "t", Options{Format: FormatDebezium, Keys: []string{"id"}, GuardSource: true})
				if err != nil {
					t.Fatal(err)
				}
				if err := g.Run(l.ctx, NewReaderSource(strings.NewReader(strings.Join(lines, "\n")), "stdin", "-")); err != nil {
					t.Fatal(err)
				}
				return g.Stats()
			}
			run([]string{ev(1), ev(2), ev(3)})
			// A replay of the whole stream plus one new event.
			st := run([]string{ev(1), ev(2), ev(3), ev(4)})
			if st.Skipped != tc.skipped || st.Upserts != 4-tc.skipped {
				t.Errorf("replay: skipped %d, upserted %d; want %d and %d", st.Skipped, st.Upserts, tc.skipped, 4-tc.skipped)
			}
			if got := l.query("SELECT count(*), sum(n) FROM lake.cdc.t"); got[0] != "4,10" {
				t.Errorf("table %v, want 4 rows summing to 10", got)
			}
		})
	}
}

// TestHTTP posts streams to the ingest endpoint over a loopback server.
func TestHTTP(t *testing.T) {
	l := openLake(t)
	srv := httptest.NewServer(Handler(l.sess, Options{}))
	defer srv.Close()
	post := func(path, body string) (int, string) {
		t.Helper()
		resp, err := http.Post(srv.URL+path, "application/x-ndjson", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, strings.TrimSpace(string(b))
	}
	stream := `{"op":"c","after":{"id":1,"v":"a"},"source":{"lsn":1}}
{"op":"c","after":{"id":2,"v":"b"},"source":{"lsn":2}}
{"op":"u","after":{"id":1,"v":"c"},"source":{"lsn":3}}
`
	tests := []struct {
		name, path, body string
		code             int
		answer           string // substring of the answer
		table            []string
	}{
		{"apply", "/v1/ingest/web.t?key=id", stream, 200, `"events":3,"skipped":0,"upserts":2`, []string{"1,c", "2,b"}},
		{"resend is skipped", "/v1/ingest/web.t?key=id", stream, 200, `"events":3,"skipped":3,"upserts":0`, []string{"1,c", "2,b"}},
		{"delete", "/v1/ingest/web.t?key=id", `{"op":"d","before":{"id":2},"source":{"lsn":4}}`, 200, `"deletes":1`, []string{"1,c"}},
		{"bad event", "/v1/ingest/web.t?key=id", `{"op":"q","after":{"id":3},"source":{"lsn":5}}`, 400, `request:1: bad event: unknown op`, []string{"1,c"}},
		{"bad format", "/v1/ingest/web.t?format=xml", "", 400, `unknown format`, []string{"1,c"}},
		{"bad path", "/v1/ingest/t", "", 404, `want /v1/ingest/SCHEMA.TABLE`, []string{"1,c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, answer := post(tc.path, tc.body)
			if code != tc.code || !strings.Contains(answer, tc.answer) {
				t.Errorf("POST %s: %d %s, want %d with %s", tc.path, code, answer, tc.code, tc.answer)
			}
			if diff := cmp.Diff(tc.table, l.query("SELECT id, v FROM lake.web.t ORDER BY id")); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
		})
	}
	resp, err := http.Get(srv.URL + "/v1/ingest/web.t")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d, want 405", resp.StatusCode)
	}
}
