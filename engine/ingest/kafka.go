package ingest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// KafkaOffsets is the next offset to read of each partition of a Kafka
// topic, kept as a canonical string ("0=12,1=40", partitions in order) so
// that a Position stays comparable; in JSON it is an object
// {"0": 12, "1": 40}.
type KafkaOffsets string

// NewKafkaOffsets renders a partition -> next offset map.
func NewKafkaOffsets(m map[int32]int64) KafkaOffsets {
	var b strings.Builder
	for i, p := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(p)))
		b.WriteByte('=')
		b.WriteString(strconv.FormatInt(m[p], 10))
	}
	return KafkaOffsets(b.String())
}

// Map returns the offsets as partition -> next offset.
func (o KafkaOffsets) Map() (map[int32]int64, error) {
	m := map[int32]int64{}
	if o == "" {
		return m, nil
	}
	for part := range strings.SplitSeq(string(o), ",") {
		ps, offs, ok := strings.Cut(part, "=")
		p, err1 := strconv.ParseInt(ps, 10, 32)
		off, err2 := strconv.ParseInt(offs, 10, 64)
		if !ok || err1 != nil || err2 != nil || p < 0 || off < 0 {
			return nil, fmt.Errorf("kafka offsets %q: %q is not partition=offset", string(o), part)
		}
		m[int32(p)] = off
	}
	return m, nil
}

// MarshalJSON writes the offsets as an object of partition: offset.
func (o KafkaOffsets) MarshalJSON() ([]byte, error) {
	m, err := o.Map()
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, p := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%d", strconv.Itoa(int(p)), m[p])
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// UnmarshalJSON reads an object of partition: offset.
func (o *KafkaOffsets) UnmarshalJSON(b []byte) error {
	var raw map[string]int64
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("kafka offsets: %w", err)
	}
	m := map[int32]int64{}
	for k, v := range raw {
		p, err := strconv.ParseInt(k, 10, 32)
		if err != nil || p < 0 || v < 0 {
			return fmt.Errorf("kafka offsets: %q: %d is not a partition and offset", k, v)
		}
		m[int32(p)] = v
	}
	*o = NewKafkaOffsets(m)
	return nil
}

// KafkaOptions say which topic to read and how to reach its brokers.
type KafkaOptions struct {
	Brokers []string // host:port of one or more brokers (seeds)
	Topic   string
	// Group, when set, is a consumer group floe commits its offsets to
	// after each table commit, for lag monitoring. Those commits are only a
	// hint: the table's snapshot summary holds the offsets ingest resumes
	// from; the group's offsets are used for partitions the table holds
	// none for.
	Group string
	// SASL is "", "plain", "scram-sha-256" or "scram-sha-512", with User
	// and Password.
	SASL, User, Password string
	// TLS dials the brokers over TLS, trusting CAFile (PEM) when given,
	// else the system's roots.
	TLS    bool
	CAFile string
	// Follow keeps reading for new records; otherwise the source ends when
	// every partition is read up to the end offsets it had when opened.
	Follow bool
	// Timeout is how long the brokers may be unreachable before reading
	// fails (default 30s).
	Timeout time.Duration
	// WrapKey hands each record to the parser as {"key": K, "value": V}
	// when its key is a JSON object (Debezium's key), so the key columns
	// are known even for deletes.
	WrapKey bool
}

// KafkaStream is the Position.Stream of a topic.
func KafkaStream(topic string) string { return "kafka:" + topic }

// kafkaSource reads the records of every partition of one topic.
type kafkaSource struct {
	o       KafkaOptions
	cl      *kgo.Client
	adm     *kadm.Client
	next    map[int32]int64 // next offset to read, per partition
	end     map[int32]int64 // end offsets when opened (not following)
	buf     []*kgo.Record
	seen    time.Time // when the brokers last answered
	brokers string
}

// ErrKafka is wrapped by errors reaching or reading a Kafka topic.
var ErrKafka = errors.New("kafka")

// OpenKafka connects to o.Brokers and reads o.Topic from the offsets pos
// holds (when resume and pos is of the same topic), partitions it holds no
// offset for from the group's committed offset (with o.Group) or else
// their first record.
func OpenKafka(ctx context.Context, o KafkaOptions, pos Position, resume bool) (Source, error) {
	if len(o.Brokers) == 0 || o.Topic == "" {
		return nil, fmt.Errorf("ingest: %w: kafka needs brokers (--kafka host:port) and a topic (--topic)", ErrBadOption)
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	s := &kafkaSource{o: o, brokers: strings.Join(o.Brokers, ","), next: map[int32]int64{}}
	opts := []kgo.Opt{kgo.SeedBrokers(o.Brokers...), kgo.DialTimeout(min(o.Timeout, 10*time.Second)),
		kgo.RetryTimeout(o.Timeout), kgo.FetchMaxWait(500 * time.Millisecond),
		kgo.ClientID("floe-ingest")}
	switch strings.ToLower(o.SASL) {
	case "":
	case "plain":
		opts = append(opts, kgo.SASL(plain.Auth{User: o.User, Pass: o.Password}.AsMechanism()))
	case "scram-sha-256":
		opts = append(opts, kgo.SASL(scram.Auth{User: o.User, Pass: o.Password}.AsSha256Mechanism()))
	case "scram-sha-512":
		opts = append(opts, kgo.SASL(scram.Auth{User: o.User, Pass: o.Password}.AsSha512Mechanism()))
	default:
		return nil, fmt.Errorf("ingest: %w: unknown SASL mechanism %q (want plain, scram-sha-256 or scram-sha-512)", ErrBadOption, o.SASL)
	}
	if o.TLS || o.CAFile != "" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if o.CAFile != "" {
			pem, err := os.ReadFile(o.CAFile)
			if err != nil {
				return nil, fmt.Errorf("ingest: kafka CA file: %w", err)
			}
			cfg.RootCAs = x509.NewCertPool()
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("ingest: %w: kafka CA file %s holds no PEM certificate", ErrBadOption, o.CAFile)
			}
		}
		opts = append(opts, kgo.DialTLSConfig(cfg))
	}
	held := map[int32]int64{}
	if resume && pos.Stream == KafkaStream(o.Topic) {
		m, err := pos.Offsets.Map()
		if err != nil {
			return nil, err
		}
		held = m
	}

	// The partitions and their offsets, from the brokers.
	admin, err := kgo.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w: %v", ErrBadOption, err)
	}
	adm := kadm.NewClient(admin)
	lctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	starts, err := adm.ListStartOffsets(lctx, o.Topic)
	if err != nil {
		admin.Close()
		return nil, s.fail("list the topic's partitions", err)
	}
	ends, err := adm.ListEndOffsets(lctx, o.Topic)
	if err != nil {
		admin.Close()
		return nil, s.fail("list the topic's end offsets", err)
	}
	if err := errors.Join(starts.Error(), ends.Error()); err != nil {
		admin.Close()
		if errors.Is(err, kerr.UnknownTopicOrPartition) {
			return nil, fmt.Errorf("ingest: %w: topic %q does not exist on brokers %s", ErrKafka, o.Topic, s.brokers)
		}
		return nil, s.fail("list the topic's offsets", err)
	}
	var groupOffsets kadm.OffsetResponses
	if o.Group != "" {
		// A group that never committed does not exist yet: no hint.
		if groupOffsets, err = adm.FetchOffsetsForTopics(lctx, o.Group, o.Topic); err != nil && !errors.Is(err, kerr.GroupIDNotFound) {
			admin.Close()
			return nil, s.fail("fetch the offsets of group "+o.Group, err)
		}
	}
	s.end = map[int32]int64{}
	consume := map[int32]kgo.Offset{}
	for p, lo := range ends[o.Topic] {
		s.end[p] = lo.Offset
		first := int64(0)
		if st, ok := starts.Lookup(o.Topic, p); ok {
			first = st.Offset
		}
		at, ok := held[p]
		if !ok && groupOffsets != nil {
			if g, found := groupOffsets.Lookup(o.Topic, p); found && g.Err == nil && g.At >= 0 {
				at, ok = g.At, true
			}
		}
		if !ok {
			at = first
		} else if at < first {
			admin.Close()
			return nil, fmt.Errorf("ingest: %w: topic %s partition %d on %s: the table has applied up to offset %d but the partition now starts at %d: records were deleted (retention) before floe read them", ErrKafka, o.Topic, p, s.brokers, at, first)
		}
		s.next[p] = at
		consume[p] = kgo.NewOffset().At(at)
	}
	for p := range held {
		if _, ok := s.end[p]; !ok {
			admin.Close()
			return nil, fmt.Errorf("ingest: %w: the table holds an offset for partition %d of topic %s, which the brokers %s do not have", ErrKafka, p, o.Topic, s.brokers)
		}
	}
	admin.Close()
	s.cl, err = kgo.NewClient(append(opts, kgo.ConsumePartitions(map[string]map[int32]kgo.Offset{o.Topic: consume}))...)
	if err != nil {
		return nil, fmt.Errorf("ingest: %w: %v", ErrBadOption, err)
	}
	s.adm = kadm.NewClient(s.cl)
	s.seen = time.Now()
	return s, nil
}

func (s *kafkaSource) fail(what string, err error) error {
	return fmt.Errorf("ingest: %w: topic %s on brokers %s: %s: %v", ErrKafka, s.o.Topic, s.brokers, what, err)
}

// done reports whether every partition is read to the end offsets it had
// when the source opened.
func (s *kafkaSource) done() bool {
	for p, e := range s.end {
		if s.next[p] < e {
			return false
		}
	}
	return true
}

func (s *kafkaSource) position() Position {
	return Position{Stream: KafkaStream(s.o.Topic), Offsets: NewKafkaOffsets(s.next)}
}

func (s *kafkaSource) Next(ctx context.Context) (Line, error) {
	for len(s.buf) == 0 {
		if err := ctx.Err(); err != nil {
			return Line{}, err
		}
		if !s.o.Follow && s.done() {
			return Line{}, io.EOF
		}
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		fs := s.cl.PollFetches(pctx)
		cancel()
		for _, fe := range fs.Errors() {
			if errors.Is(fe.Err, context.DeadlineExceeded) || errors.Is(fe.Err, context.Canceled) {
				continue
			}
			return Line{}, fmt.Errorf("ingest: %w: topic %s partition %d on brokers %s: %v", ErrKafka, fe.Topic, fe.Partition, s.brokers, fe.Err)
		}
		// Interleave the partitions (each in its order): a batch takes
		// from all of them rather than draining one first.
		var parts [][]*kgo.Record
		at := map[int32]int{}
		for r := range fs.RecordsAll() {
			if r.Offset < s.next[r.Partition] {
				continue
			}
			i, ok := at[r.Partition]
			if !ok {
				i = len(parts)
				at[r.Partition] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], r)
		}
		for more := true; more; {
			more = false
			for i, q := range parts {
				if len(q) > 0 {
					s.buf = append(s.buf, q[0])
					parts[i] = q[1:]
					more = true
				}
			}
		}
		if len(s.buf) > 0 {
			s.seen = time.Now()
			break
		}
		// Nothing came: are the brokers still there?
		if ctx.Err() == nil && time.Since(s.seen) >= min(5*time.Second, s.o.Timeout/2) {
			hctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
			err := s.cl.Ping(hctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				return Line{}, s.fail(fmt.Sprintf("no broker answered for %s", s.o.Timeout), err)
			}
			s.seen = time.Now()
		}
	}
	r := s.buf[0]
	s.buf = s.buf[1:]
	s.next[r.Partition] = r.Offset + 1
	text := r.Value
	if s.o.WrapKey && len(r.Value) > 0 && isJSONObject(r.Key) {
		w := make([]byte, 0, len(r.Key)+len(r.Value)+20)
		w = append(w, `{"key":`...)
		w = append(w, r.Key...)
		w = append(w, `,"value":`...)
		w = append(w, r.Value...)
		text = append(w, '}')
	}
	return Line{Text: text, Where: fmt.Sprintf("kafka topic %s partition %d offset %d", r.Topic, r.Partition, r.Offset),
		End: s.position(), Partition: r.Partition}, nil
}

func isJSONObject(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return json.Valid(b)
		}
		return false
	}
	return false
}

// Committed tells the consumer group (with Group) the offsets the table
// now holds, for lag monitoring. It is a hint only: resuming reads the
// table's snapshot.
func (s *kafkaSource) Committed(ctx context.Context, p Position) error {
	if s.o.Group == "" || p.Stream != KafkaStream(s.o.Topic) {
		return nil
	}
	m, err := p.Offsets.Map()
	if err != nil {
		return err
	}
	var offs kadm.Offsets
	for part, at := range m {
		offs.AddOffset(s.o.Topic, part, at, -1)
	}
	cctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	if err := s.adm.CommitAllOffsets(cctx, s.o.Group, offs); err != nil {
		return fmt.Errorf("commit offsets of group %s (topic %s, brokers %s): %w", s.o.Group, s.o.Topic, s.brokers, err)
	}
	return nil
}

func (s *kafkaSource) Close() error {
	s.cl.Close()
	return nil
}
