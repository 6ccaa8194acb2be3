package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
)

// kafkaCluster starts an in-process Kafka cluster (kfake: the Kafka wire
// protocol on loopback ports) with topic "cdc" of three partitions.
func kafkaCluster(t *testing.T) (*kfake.Cluster, []string) {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(2), kfake.SeedTopics(3, "cdc"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c, c.ListenAddrs()
}

// produce sends records (key, value; a nil value is a tombstone) to topic.
func produce(t *testing.T, brokers []string, topic string, recs [][2][]byte) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var batch []*kgo.Record
	for _, r := range recs {
		batch = append(batch, &kgo.Record{Key: r[0], Value: r[1]})
	}
	if err := cl.ProduceSync(context.Background(), batch...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// cdcEvents generates Debezium events (keyed records, a tombstone after
// each delete as Debezium sends them) over a few ids, a column "extra"
// appearing half way, and the rows the table must hold after them,
// as "id,name,extra" lines in id order.
func cdcEvents(n int, seed uint64, from int, live map[int][2]string) [][2][]byte {
	r := rand.New(rand.NewPCG(seed, 3))
	var recs [][2][]byte
	for i := from; i < from+n; i++ {
		id := r.IntN(25)
		key := fmt.Appendf(nil, `{"id":%d}`, id)
		after := map[string]any{"id": id, "name": fmt.Sprintf("n%d", i)}
		extra := "NULL"
		if i >= 60 {
			after["extra"] = i % 7
			extra = fmt.Sprint(i % 7)
		}
		src := map[string]any{"ts_ms": 1_700_000_000_000 + i, "lsn": i}
		var ev map[string]any
		_, exists := live[id]
		switch {
		case !exists:
			ev = map[string]any{"op": "c", "after": after, "source": src}
			live[id] = [2]string{after["name"].(string), extra}
		case r.IntN(4) == 0:
			ev = map[string]any{"op": "d", "before": map[string]any{"id": id}, "source": src}
			delete(live, id)
		default:
			ev = map[string]any{"op": "u", "before": map[string]any{"id": id}, "after": after, "source": src}
			live[id] = [2]string{after["name"].(string), extra}
		}
		b, _ := json.Marshal(ev)
		recs = append(recs, [2][]byte{key, b})
		if ev["op"] == "d" {
			recs = append(recs, [2][]byte{key, nil})
		}
	}
	return recs
}

func liveRows(live map[int][2]string) []string {
	var out []string
	for _, id := range slices.Sorted(mapKeysInt(live)) {
		out = append(out, fmt.Sprintf("%d,%s,%s", id, live[id][0], live[id][1]))
	}
	return out
}

func mapKeysInt(m map[int][2]string) func(func(int) bool) {
	return func(yield func(int) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// ingestKafka runs one ingest of topic into ns.name to the topic's end.
func (l *lake) ingestKafka(table string, ko KafkaOptions, opts Options) (*Ingester, error) {
	l.t.Helper()
	ns, name, _ := strings.Cut(table, ".")
	g, err := New(l.ctx, l.sess, ns, name, opts)
	if err != nil {
		return nil, err
	}
	pos, ok := g.Applied()
	src, err := OpenKafka(l.ctx, ko, pos, ok)
	if err != nil {
		return g, err
	}
	defer src.Close()
	return g, g.Run(l.ctx, src)
}

// endOffsets returns the topic's end offsets as a position would hold them.
func endOffsets(t *testing.T, brokers []string, topic string) KafkaOffsets {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	ends, err := kadm.NewClient(cl).ListEndOffsets(context.Background(), topic)
	if err != nil {
		t.Fatal(err)
	}
	m := map[int32]int64{}
	for p, o := range ends[topic] {
		m[p] = o.Offset
	}
	return NewKafkaOffsets(m)
}

// TestKafka reads Debezium change events and JSON lines from a topic of a
// Kafka cluster on loopback, in runs that each stop at the topic's end;
// records produced between runs are applied once: no duplicate, no loss.
func TestKafka(t *testing.T) {
	tests := []struct {
		name   string
		format string
		keys   []string
		rounds int
	}{
		{"debezium: c/u/d, tombstones, a new column, resumed", FormatDebezium, nil, 3},
		{"json lines appended, resumed", FormatJSONL, nil, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openLake(t)
			_, brokers := kafkaCluster(t)
			live := map[int][2]string{}
			sent := 0
			for round := range tc.rounds {
				var recs [][2][]byte
				if tc.format == FormatDebezium {
					recs = cdcEvents(40, uint64(round), sent, live)
				} else {
					for i := sent; i < sent+40; i++ {
						recs = append(recs, [2][]byte{fmt.Appendf(nil, "k%d", i%5), fmt.Appendf(nil, `{"seq":%d,"p":"v%d"}`, i, i)})
					}
				}
				sent += 40
				produce(t, brokers, "cdc", recs)
				g, err := l.ingestKafka("k.t", KafkaOptions{Brokers: brokers, Topic: "cdc", WrapKey: tc.format == FormatDebezium, Timeout: 5 * time.Second},
					Options{Format: tc.format, Keys: tc.keys, MaxRows: 7})
				if err != nil {
					t.Fatalf("round %d: %v", round, err)
				}
				nonEmpty := 0
				for _, r := range recs {
					if r[1] != nil {
						nonEmpty++
					}
				}
				if st := g.Stats(); st.Events != int64(nonEmpty) {
					t.Errorf("round %d read %d events, want the %d new ones", round, st.Events, nonEmpty)
				}
				pos, ok := g.Applied()
				if want := endOffsets(t, brokers, "cdc"); !ok || pos.Stream != "kafka:cdc" || pos.Offsets != want {
					t.Errorf("round %d: applied %v, want offsets %s", round, pos, want)
				}
			}
			if tc.format == FormatDebezium {
				got := l.query("SELECT id, name, extra FROM lake.k.t ORDER BY id")
				if diff := gocmp.Diff(liveRows(live), got); diff != "" {
					t.Errorf("table (-want +got):\n%s", diff)
				}
			} else {
				got := l.query("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM lake.k.t")
				if want := []string{fmt.Sprintf("%d,%d,0,%d", sent, sent, sent-1)}; !gocmp.Equal(want, got) {
					t.Errorf("table %v, want %v", got, want)
				}
			}
			// Nothing new: a run applies nothing and commits nothing.
			before := l.snapshots("k", "t")
			g, err := l.ingestKafka("k.t", KafkaOptions{Brokers: brokers, Topic: "cdc", Timeout: 5 * time.Second}, Options{Format: tc.format})
			if err != nil {
				t.Fatal(err)
			}
			if st := g.Stats(); st.Events != 0 || l.snapshots("k", "t") != before {
				t.Errorf("a run with nothing new read %d events and made %d snapshots", st.Events, l.snapshots("k", "t")-before)
			}
		})
	}
}

// TestKafkaGroupIsAHint commits the applied offsets to the consumer group,
// and resumes from the table's snapshot, not from the group's offsets.
func TestKafkaGroupIsAHint(t *testing.T) {
	l := openLake(t)
	_, brokers := kafkaCluster(t)
	var recs [][2][]byte
	for i := range 30 {
		recs = append(recs, [2][]byte{fmt.Appendf(nil, "k%d", i), fmt.Appendf(nil, `{"seq":%d}`, i)})
	}
	produce(t, brokers, "cdc", recs)
	ko := KafkaOptions{Brokers: brokers, Topic: "cdc", Group: "floe-test", Timeout: 5 * time.Second}
	if _, err := l.ingestKafka("k.t", ko, Options{Format: FormatJSONL, MaxRows: 4}); err != nil {
		t.Fatal(err)
	}
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	adm := kadm.NewClient(cl)
	got, err := adm.FetchOffsetsForTopics(l.ctx, "floe-test", "cdc")
	if err != nil {
		t.Fatal(err)
	}
	m := map[int32]int64{}
	got.Each(func(o kadm.OffsetResponse) {
		if o.Err == nil && o.At >= 0 {
			m[o.Partition] = o.At
		}
	})
	if want := endOffsets(t, brokers, "cdc"); NewKafkaOffsets(m) != want {
		t.Errorf("group offsets %s, want the applied %s", NewKafkaOffsets(m), want)
	}
	// Move the group back to the start: the table's offsets win.
	var zero kadm.Offsets
	for p := range m {
		zero.AddOffset("cdc", p, 0, -1)
	}
	if err := adm.CommitAllOffsets(l.ctx, "floe-test", zero); err != nil {
		t.Fatal(err)
	}
	produce(t, brokers, "cdc", [][2][]byte{{[]byte("k"), []byte(`{"seq":30}`)}})
	if _, err := l.ingestKafka("k.t", ko, Options{Format: FormatJSONL}); err != nil {
		t.Fatal(err)
	}
	if got, want := l.query("SELECT count(*), count(DISTINCT seq) FROM lake.k.t"), []string{"31,31"}; !gocmp.Equal(got, want) {
		t.Errorf("table %v, want %v", got, want)
	}
}

// TestKafkaErrors: a missing topic, a broker that goes away while ingest
// follows the topic, and brokers nobody listens on are clear errors
// naming the brokers and the topic.
func TestKafkaErrors(t *testing.T) {
	tests := []struct {
		name  string
		topic string
		setup func(t *testing.T, c *kfake.Cluster) // run once ingest follows the topic
		dead  bool                                 // brokers that are not there at all
		want  string
	}{
		{name: "no such topic", topic: "nope", want: `topic "nope" does not exist on brokers`},
		{name: "the broker goes away", topic: "cdc", setup: func(t *testing.T, c *kfake.Cluster) { c.Close() }, want: "topic cdc on brokers"},
		{name: "no broker listens", topic: "cdc", dead: true, want: "topic cdc on brokers"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := openLake(t)
			c, brokers := kafkaCluster(t)
			produce(t, brokers, "cdc", [][2][]byte{{[]byte("k"), []byte(`{"seq":1}`)}})
			if tc.dead {
				c.Close()
			}
			ctx, cancel := context.WithTimeout(l.ctx, 30*time.Second)
			defer cancel()
			g, err := New(ctx, l.sess, "k", "t", Options{Format: FormatJSONL, CommitInterval: 50 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			src, err := OpenKafka(ctx, KafkaOptions{Brokers: brokers, Topic: tc.topic, Follow: true, Timeout: 2 * time.Second}, Position{}, false)
			if err == nil {
				defer src.Close()
				done := make(chan error, 1)
				go func() { done <- g.Run(ctx, src) }()
				// Wait for the first record's commit, then break things.
				for l.snapshots("k", "t") < 1 && ctx.Err() == nil {
					time.Sleep(20 * time.Millisecond)
				}
				if tc.setup != nil {
					tc.setup(t, c)
				}
				err = <-done
			}
			if err == nil || !errors.Is(err, ErrKafka) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), brokers[0]) {
				t.Fatalf("got error %v, want one naming %q and broker %s", err, tc.want, brokers[0])
			}
			if ctx.Err() != nil {
				t.Fatalf("the error came only when the test's deadline passed: %v", err)
			}
		})
	}
}

// produceTo sends Debezium lines to one partition of topic.
func produceTo(t *testing.T, brokers []string, topic string, part int32, lines []string) {
	t.Helper()
	cl, err := kgo.NewClient(kgo.SeedBrokers(brokers...), kgo.DefaultProduceTopic(topic), kgo.RecordPartitioner(kgo.ManualPartitioner()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	var batch []*kgo.Record
	for _, l := range lines {
		batch = append(batch, &kgo.Record{Partition: part, Value: []byte(l)})
	}
	if err := cl.ProduceSync(context.Background(), batch...).FirstErr(); err != nil {
		t.Fatal(err)
	}
}

// TestKafkaPartitionGuards: each partition has its own source-position
// guard. Two partitions hold interleaved positions (even keys in one, odd
// in the other) and one is read long before the other: none of the slower
// partition's events is lost. After a simulated connector restart both
// partitions get their last events again at new offsets: those are
// skipped and counted, and no snapshot of the table shows an older row.
func TestKafkaPartitionGuards(t *testing.T) {
	l := openLake(t)
	_, brokers := kafkaCluster(t)
	c := newCDC()
	commit := 0
	// changes appends k one-change transactions on the given ids, at
	// interleaved commit positions (each partition's are ordered).
	changes := func(ids []int, from int) []string {
		before := len(c.lines)
		for i, id := range ids {
			at := from + 200*i
			commit = max(commit, at)
			c.ev("u", id, pgSrc(at, 1_000_000-at))
		}
		return slices.Clone(c.lines[before:])
	}
	ingest := func(round string, events, skipped int64) {
		t.Helper()
		g, err := l.ingestKafka("k.t", KafkaOptions{Brokers: brokers, Topic: "cdc", Timeout: 5 * time.Second},
			Options{Keys: []string{"id"}, MaxRows: 3})
		if err != nil {
			t.Fatalf("%s: %v", round, err)
		}
		if st := g.Stats(); st.Events != events || st.Skipped != skipped {
			t.Errorf("%s: read %d events, skipped %d; want %d and %d", round, st.Events, st.Skipped, events, skipped)
		}
	}
	p0 := changes([]int{2, 4, 2, 6, 4, 2}, 100) // positions 100, 300, ... 1100
	produceTo(t, brokers, "cdc", 0, p0)
	ingest("partition 0", 6, 0)
	p1 := changes([]int{1, 3, 1, 5, 3}, 200) // positions 200 ... 1000: all before partition 0's last
	produceTo(t, brokers, "cdc", 1, p1)
	ingest("partition 1, read later", 5, 0)

	// The connector restarts and sends the partitions' last events again,
	// then new ones.
	produceTo(t, brokers, "cdc", 0, append(slices.Clone(p0[3:]), changes([]int{6, 2}, commit+100)...))
	produceTo(t, brokers, "cdc", 1, append(slices.Clone(p1[3:]), changes([]int{5}, commit+100)...))
	ingest("after the restart", 3+2+2+1, 5)

	if diff := gocmp.Diff(c.want(), l.query("SELECT id, n FROM lake.k.t ORDER BY id")); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
	l.checkNeverOlder("k", "t")
	tb, err := l.wh.Table(l.ctx, "k", "t")
	if err != nil {
		t.Fatal(err)
	}
	pos, ok, err := AppliedPosition(tb)
	if err != nil || !ok {
		t.Fatalf("applied position: %v %v", ok, err)
	}
	m, err := pos.Sources.Map()
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 2 || m[0].CommitLSN != 1400 || m[1].CommitLSN != 1500 || !pos.Source.IsZero() {
		t.Errorf("applied position %s: want the last source position of partitions 0 and 1 apart", pos)
	}
}
