package ingest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/iceberg-go/table"
	gocmp "github.com/google/go-cmp/cmp"
)

// sourceOf parses a Debezium event with the given source block.
func sourceOf(t *testing.T, src string) SourcePos {
	t.Helper()
	ev, err := parseDebezium([]byte(`{"op":"u","after":{"id":1},"source":`+src+`}`), "test")
	if err != nil {
		t.Fatal(err)
	}
	return ev.Source
}

// TestSourcePosExact compares the source blocks of each connector: only
// exact positions of the same kind (and MySQL server) compare.
func TestSourcePosExact(t *testing.T) {
	tests := []struct {
		name                string
		p, q                string
		notAfter, comparabl bool
		exact               bool // p.Exact()
	}{
		{"postgres: same transaction, earlier change", `{"lsn":90,"sequence":"[\"50\",\"90\"]"}`, `{"lsn":95,"sequence":"[\"50\",\"95\"]"}`, true, true, true},
		{"postgres: the same change", `{"lsn":95,"sequence":"[\"50\",\"95\"]"}`, `{"lsn":95,"sequence":"[\"50\",\"95\"]"}`, true, true, true},
		{"postgres: a later commit with a lower LSN", `{"lsn":60,"sequence":"[\"120\",\"60\"]"}`, `{"lsn":95,"sequence":"[\"50\",\"95\"]"}`, false, true, true},
		{"postgres: sequence with no commit yet", `{"lsn":10,"sequence":"[null,\"10\"]"}`, `{"lsn":11,"sequence":"[null,\"11\"]"}`, true, true, true},
		{"postgres: a sequence without the last commit does not compare with one that has it", `{"lsn":10,"sequence":"[null,\"10\"]"}`, `{"lsn":95,"sequence":"[\"50\",\"95\"]"}`, false, false, true},
		{"postgres: LSN without sequence is not exact", `{"lsn":90,"ts_ms":5}`, `{"lsn":95,"ts_ms":6}`, false, false, false},
		{"mysql: earlier row of one event", `{"file":"mysql-bin.000003","pos":4015,"row":0,"server_id":1}`, `{"file":"mysql-bin.000003","pos":4015,"row":2,"server_id":1}`, true, true, true},
		{"mysql: later position", `{"file":"mysql-bin.000003","pos":5000,"row":0,"server_id":1}`, `{"file":"mysql-bin.000003","pos":4015,"row":2,"server_id":1}`, false, true, true},
		{"mysql: binlog numbers past six digits", `{"file":"mysql-bin.999999","pos":900}`, `{"file":"mysql-bin.1000000","pos":4}`, true, true, true},
		{"mysql: another server after a failover", `{"file":"mysql-bin.000001","pos":4,"server_id":2}`, `{"file":"mysql-bin.000090","pos":8000,"server_id":1}`, false, false, true},
		{"mysql gtid: an older transaction", `{"gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:22"}`, `{"gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:23"}`, true, true, true},
		{"mysql gtid: the same transaction is not known applied", `{"gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:23"}`, `{"gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:23"}`, false, true, true},
		{"mysql gtid: another source server", `{"gtid":"aaaaaaaa-71ca-11e1-9e33-c80aa9429562:1"}`, `{"gtid":"3e11fa47-71ca-11e1-9e33-c80aa9429562:23"}`, false, false, true},
		{"sql server: earlier change of a commit", `{"commit_lsn":"0000002d:00000a38:0003","change_lsn":"0000002d:00000a30:0002","event_serial_no":1}`, `{"commit_lsn":"0000002d:00000a38:0003","change_lsn":"0000002d:00000a30:0002","event_serial_no":2}`, true, true, true},
		{"sql server: a later commit", `{"commit_lsn":"0000002e:00000010:0001","change_lsn":"0000002e:00000008:0001","event_serial_no":1}`, `{"commit_lsn":"0000002d:00000a38:0003","change_lsn":"0000002d:00000a30:0002","event_serial_no":2}`, false, true, true},
		{"sql server: commit_lsn alone is shared by the commit's changes", `{"commit_lsn":"0000002d:00000a38:0003"}`, `{"commit_lsn":"0000002d:00000a38:0003"}`, false, false, false},
		{"mongodb: earlier ordinal in the second", `{"ts_ms":1700000000000,"ord":3}`, `{"ts_ms":1700000000000,"ord":4}`, true, true, true},
		{"mongodb: one transaction shares its time", `{"ts_ms":1700000000000,"ord":4,"txnNumber":7}`, `{"ts_ms":1700000000000,"ord":4,"txnNumber":7}`, false, true, true},
		{"time only is not a position", `{"ts_ms":5}`, `{"ts_ms":6}`, false, false, false},
		{"postgres and mysql do not compare", `{"lsn":1,"sequence":"[\"1\",\"1\"]"}`, `{"file":"mysql-bin.000001","pos":4}`, false, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, q := sourceOf(t, tc.p), sourceOf(t, tc.q)
			na, ok := p.NotAfterExact(q)
			if na != tc.notAfter || ok != tc.comparabl {
				t.Errorf("%+v NotAfterExact %+v = %v, %v; want %v, %v", p, q, na, ok, tc.notAfter, tc.comparabl)
			}
			if p.Exact() != tc.exact {
				t.Errorf("%+v: Exact() = %v, want %v", p, p.Exact(), tc.exact)
			}
		})
	}
}

// cdc builds a Debezium stream: each original event sets column n to its
// number, so a row that goes back to an older n was re-applied.
type cdc struct {
	n     int
	lines []string     // every line so far, duplicates included
	ids   []int        // the id of each line
	live  map[int]int  // id -> n after the original events
	orig  map[int]bool // line index -> an original event (not a duplicate)
}

func newCDC() *cdc { return &cdc{live: map[int]int{}, orig: map[int]bool{}} }

// ev appends an original event of op on id with the given source block
// (and snapshot flag, when not "").
func (c *cdc) ev(op string, id int, src string) {
	c.n++
	row := fmt.Sprintf(`{"id":%d,"n":%d}`, id, c.n)
	var line string
	if op == "d" {
		line = fmt.Sprintf(`{"op":"d","before":%s,"after":null,"source":%s}`, row, src)
		delete(c.live, id)
	} else {
		line = fmt.Sprintf(`{"op":%q,"before":null,"after":%s,"source":%s}`, op, row, src)
		c.live[id] = c.n
	}
	c.orig[len(c.lines)] = true
	c.lines = append(c.lines, line)
	c.ids = append(c.ids, id)
}

// resend appends again the lines [from, to) as Debezium does after a
// connector restart: the same events at new offsets.
func (c *cdc) resend(from, to int) {
	c.lines = append(c.lines, slices.Clone(c.lines[from:to])...)
	c.ids = append(c.ids, slices.Clone(c.ids[from:to])...)
}

func (c *cdc) want() []string {
	var out []string
	for _, id := range slices.Sorted(func(yield func(int) bool) {
		for k := range c.live {
			if !yield(k) {
				return
			}
		}
	}) {
		out = append(out, fmt.Sprintf("%d,%d", id, c.live[id]))
	}
	return out
}

func pgSrc(commit, lsn int) string {
	return fmt.Sprintf(`{"connector":"postgresql","ts_ms":1700000000000,"lsn":%d,"sequence":"[\"%d\",\"%d\"]","txId":%d}`, lsn, commit, lsn, commit)
}

func mySrc(server int, file string, pos, row int) string {
	return fmt.Sprintf(`{"connector":"mysql","ts_ms":1700000000000,"server_id":%d,"file":%q,"pos":%d,"row":%d}`, server, file, pos, row)
}

// TestGuardFile ingests a file stream in steps (each appends lines and
// resumes from the table's offset): duplicates Debezium writes at new
// offsets after a connector restart are skipped and counted, snapshot
// reads are never skipped, positions that do not compare are applied,
// and with exact positions no snapshot of the table shows a row older
// than an earlier snapshot did.
func TestGuardFile(t *testing.T) {
	type step struct {
		add     func(c *cdc)
		skipped int64
	}
	// pgTxns appends k transactions of two changes on ids 1-4, the later
	// ones with lower LSNs (long transactions committing after short ones).
	var commit int
	pgTxns := func(c *cdc, k int) {
		for range k {
			lsn := 1_000_000 - commit*10
			commit += 100
			c.ev("u", c.n%4+1, pgSrc(commit, lsn))
			c.ev("u", (c.n+2)%4+1, pgSrc(commit, lsn+1))
		}
	}
	tests := []struct {
		name      string
		steps     []step
		monotonic bool // rows never go back to an older n
	}{
		{"postgres: duplicates after a connector restart", []step{
			{func(c *cdc) { commit = 0; pgTxns(c, 5) }, 0},
			{func(c *cdc) { c.resend(4, 10); pgTxns(c, 2); c.ev("d", 2, pgSrc(commit+100, 1)) }, 6},
			{func(c *cdc) { c.resend(10, len(c.lines)) }, 11},
		}, true},
		{"mysql: duplicates across a binlog rotation", []step{
			{func(c *cdc) {
				for i := range 6 {
					c.ev("c", i%3+1, mySrc(1, "mysql-bin.999999", 400+i/2*100, i%2))
				}
			}, 0},
			{func(c *cdc) {
				c.resend(2, 6)
				for i := range 4 {
					c.ev("u", i%3+1, mySrc(1, "mysql-bin.1000000", 4+i*100, 0))
				}
			}, 4},
		}, true},
		{"mysql: failover to another server starts its own positions", []step{
			{func(c *cdc) {
				for i := range 4 {
					c.ev("u", i%2+1, mySrc(1, "mysql-bin.000090", 8000+i*100, 0))
				}
			}, 0},
			{func(c *cdc) {
				for i := range 4 {
					c.ev("u", i%2+1, mySrc(2, "mysql-bin.000001", 4+i*100, 0))
				}
			}, 0},
			{func(c *cdc) { c.resend(5, 8); c.ev("u", 1, mySrc(2, "mysql-bin.000001", 900, 0)) }, 3},
		}, true},
		{"time only: offsets decide, nothing skipped", []step{
			{func(c *cdc) {
				for i := range 5 {
					c.ev("u", i%2+1, `{"ts_ms":1700000000000}`)
				}
			}, 0},
			{func(c *cdc) { c.resend(2, 5); c.ev("u", 1, `{"ts_ms":1700000000001}`) }, 0},
		}, false},
		{"postgres LSN without sequence: offsets decide", []step{
			{func(c *cdc) {
				for i := range 4 {
					c.ev("u", i%2+1, fmt.Sprintf(`{"lsn":%d}`, 100+i))
				}
			}, 0},
			{func(c *cdc) { c.ev("u", 1, `{"lsn":50}`) }, 0},
		}, true},
		{"snapshot rows share one position and are all applied", []step{
			{func(c *cdc) {
				for i := range 7 {
					flag := map[int]string{0: "first", 6: "last"}[i]
					if flag == "" {
						flag = "true"
					}
					c.ev("r", i+1, fmt.Sprintf(`{"lsn":500,"sequence":"[null,\"500\"]","snapshot":%q}`, flag))
				}
				commit = 500
				pgTxns(c, 2)
			}, 0},
			{func(c *cdc) { c.resend(7, 11); pgTxns(c, 1) }, 4},
		}, true},
		{"a new snapshot after a reset goes back in position and is applied", []step{
			{func(c *cdc) { commit = 9000; pgTxns(c, 3) }, 0},
			{func(c *cdc) {
				// The source was restored: its snapshot and the changes
				// after it are at positions before the ones applied.
				for i := range 4 {
					c.ev("r", i+1, `{"lsn":300,"sequence":"[null,\"300\"]","snapshot":"true"}`)
				}
				commit = 300
				pgTxns(c, 3)
			}, 0},
			{func(c *cdc) { c.resend(10, len(c.lines)); pgTxns(c, 1) }, 6},
		}, true},
		{"an incremental snapshot between changes keeps the guard", []step{
			{func(c *cdc) {
				commit = 0
				pgTxns(c, 2)
				for id := 1; id <= 4; id++ {
					c.ev("r", id, pgSrc(commit, 1)[:len(pgSrc(commit, 1))-1]+`,"snapshot":"incremental"}`)
				}
				pgTxns(c, 1)
			}, 0},
			{func(c *cdc) { c.resend(0, 4); c.resend(8, 10); pgTxns(c, 1) }, 6},
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openLake(t)
			path := filepath.Join(t.TempDir(), "events.json")
			c := newCDC()
			for i, s := range tc.steps {
				before := len(c.lines)
				s.add(c)
				f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.WriteString(strings.Join(c.lines[before:], "\n") + "\n"); err != nil {
					t.Fatal(err)
				}
				f.Close()
				g, err := New(l.ctx, l.sess, "g", "t", Options{Keys: []string{"id"}, MaxRows: 3})
				if err != nil {
					t.Fatal(err)
				}
				pos, ok := g.Applied()
				src, err := OpenFile(path, false, pos, ok)
				if err != nil {
					t.Fatal(err)
				}
				err = g.Run(l.ctx, src)
				src.Close()
				if err != nil {
					t.Fatalf("step %d: %v", i+1, err)
				}
				if st := g.Stats(); st.Events != int64(len(c.lines)-before) || st.Skipped != s.skipped {
					t.Errorf("step %d: read %d events, skipped %d; want %d and %d", i+1, st.Events, st.Skipped, len(c.lines)-before, s.skipped)
				}
			}
			if diff := gocmp.Diff(c.want(), l.query("SELECT id, n FROM lake.g.t ORDER BY id")); diff != "" {
				t.Errorf("table (-want +got):\n%s", diff)
			}
			if tc.monotonic {
				l.checkNeverOlder("g", "t")
			}
		})
	}
}

// checkNeverOlder reads every snapshot of lake.ns.name in commit order and
// fails when a row's n is lower than in an earlier snapshot: a reader saw
// an older version of it.
func (l *lake) checkNeverOlder(ns, name string) {
	l.t.Helper()
	t, err := l.wh.Table(l.ctx, ns, name)
	if err != nil {
		l.t.Fatal(err)
	}
	snaps := t.Snapshots()
	slices.SortFunc(snaps, func(a, b table.Snapshot) int { return cmp.Compare(a.SequenceNumber, b.SequenceNumber) })
	seen := map[string]int{}
	for _, s := range snaps {
		id := s.SnapshotID
		for _, r := range l.query(fmt.Sprintf(`SELECT id, n FROM lake.%s.%s AT (VERSION => %d)`, ns, name, id)) {
			k, v, _ := strings.Cut(r, ",")
			n, _ := strconv.Atoi(v)
			if n < seen[k] {
				l.t.Errorf("snapshot %d: id %s has n=%d, an earlier snapshot had n=%d", id, k, n, seen[k])
			}
			seen[k] = max(seen[k], n)
		}
	}
}

// TestGuardStreams runs the guard on one batch against an applied
// position: positions of another stream, and Kafka positions written
// before the guard kept them per partition (one global source), guard
// nothing; standard input guards across streams, by time too.
func TestGuardStreams(t *testing.T) {
	evOp := func(op string, part int32, src string) Event {
		e, err := parseDebezium([]byte(`{"op":"`+op+`","after":{"id":1},"source":`+src+`}`), "test")
		if err != nil {
			t.Fatal(err)
		}
		e.Partition = part
		return e
	}
	ev := func(part int32, src string) Event { return evOp("u", part, src) }
	old := sourceOf(t, pgSrc(200, 20))
	tests := []struct {
		name    string
		applied Position
		stream  string
		loose   bool
		evs     []Event
		skipped int64
		sources string // Sources in JSON, for Kafka streams
	}{
		{"file: same stream", Position{Stream: "/a", Source: old}, "/a", false,
			[]Event{ev(0, pgSrc(200, 19)), ev(0, pgSrc(300, 1))}, 1, ""},
		{"file: another stream", Position{Stream: "/a", Source: old}, "/b", false,
			[]Event{ev(0, pgSrc(200, 19)), ev(0, pgSrc(300, 1))}, 0, ""},
		{"stdin: any stream, time too", Position{Stream: "/a", Source: sourceOf(t, `{"ts_ms":50}`)}, "-", true,
			[]Event{ev(0, `{"ts_ms":49}`), ev(0, `{"ts_ms":50}`)}, 1, ""},
		{"stdin: snapshot reads at the applied position are applied, then guard again", Position{Stream: "-", Source: old}, "-", true,
			[]Event{evOp("r", 0, pgSrc(200, 20)), evOp("r", 0, pgSrc(200, 20)), ev(0, pgSrc(300, 5)), ev(0, pgSrc(300, 5))}, 1, ""},
		{"kafka: a position from before per-partition guards", Position{Stream: "kafka:cdc", Offsets: "0=3", Source: old}, "kafka:cdc", false,
			[]Event{ev(0, pgSrc(200, 19)), ev(1, pgSrc(100, 5))}, 0, `{"0":{"ts_ms":1700000000000,"commit_lsn":200,"lsn":19,"seq":true},"1":{"ts_ms":1700000000000,"commit_lsn":100,"lsn":5,"seq":true}}`},
		{"kafka: per partition", Position{Stream: "kafka:cdc", Offsets: "0=3", Sources: NewPartitionSources(map[int32]SourcePos{0: old})}, "kafka:cdc", false,
			[]Event{ev(0, pgSrc(200, 19)), ev(1, pgSrc(100, 5)), ev(0, pgSrc(200, 21))}, 1, `{"0":{"ts_ms":1700000000000,"commit_lsn":200,"lsn":21,"seq":true},"1":{"ts_ms":1700000000000,"commit_lsn":100,"lsn":5,"seq":true}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := &Ingester{opts: Options{Format: FormatDebezium, GuardSource: tc.loose}, applied: tc.applied, hasApplied: true}
			g.opts.Log = &strings.Builder{}
			end := Position{Stream: tc.stream}
			kept, err := g.guard(tc.evs, &end)
			if err != nil {
				t.Fatal(err)
			}
			if g.stats.Skipped != tc.skipped || len(kept) != len(tc.evs)-int(tc.skipped) {
				t.Errorf("skipped %d, kept %d; want %d skipped", g.stats.Skipped, len(kept), tc.skipped)
			}
			if string(end.Sources) != tc.sources {
				t.Errorf("sources %s, want %s", end.Sources, tc.sources)
			}
			// The position survives the summary's JSON unchanged.
			var back Position
			if err := json.Unmarshal([]byte(end.String()), &back); err != nil || back != end {
				t.Errorf("position %s read back as %+v (%v)", end, back, err)
			}
		})
	}
}

// BenchmarkSourceGuard measures the guard over a batch of 10,000 Debezium
// events from 3 Kafka partitions, without duplicates and with a fifth of
// them re-sent.
func BenchmarkSourceGuard(b *testing.B) {
	for _, dupEvery := range []int{0, 5} {
		name := "no duplicates"
		if dupEvery > 0 {
			name = "a fifth duplicates"
		}
		b.Run(name, func(b *testing.B) {
			var evs []Event
			skipped := 0
			for i := range 10000 {
				at := i
				if dupEvery > 0 && i%dupEvery == dupEvery-1 {
					at = i - 3 // re-sent
					skipped++
				}
				e, err := parseDebezium([]byte(`{"op":"u","after":{"id":1},"source":`+pgSrc(100+at*10, 1_000_000-at)+`}`), "bench")
				if err != nil {
					b.Fatal(err)
				}
				e.Partition = int32(i % 3)
				evs = append(evs, e)
			}
			work := make([]Event, len(evs))
			for b.Loop() {
				b.StopTimer()
				copy(work, evs) // the guard drops duplicates in place
				b.StartTimer()
				g := &Ingester{opts: Options{Format: FormatDebezium, Log: io.Discard}}
				end := Position{Stream: KafkaStream("cdc")}
				kept, err := g.guard(work, &end)
				if err != nil {
					b.Fatal(err)
				}
				if want := len(evs) - skipped; len(kept) != want {
					b.Fatalf("kept %d events, want %d", len(kept), want)
				}
			}
		})
	}
}
