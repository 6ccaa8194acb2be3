package ingest

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/floehq/floe/engine"
)

// PositionKey is the snapshot-summary property holding the stream position
// an ingest commit applied up to (a JSON Position).
const PositionKey = "floe.ingest.position"

// Position is how far a stream has been applied: everything before byte
// Offset of File (and, for a directory, every file whose name sorts
// before File), and every Debezium event at or before Source.
type Position struct {
	// Stream names the input: a file's or directory's absolute path, "-"
	// for standard input, "http" for floe serve's endpoint, "kafka:TOPIC"
	// for a Kafka topic.
	Stream string `json:"stream,omitempty"`
	// File is the file within a directory stream (its base name), or the
	// file itself.
	File   string `json:"file,omitempty"`
	Offset int64  `json:"offset"`
	Line   int    `json:"line"`
	// Offsets are a Kafka topic's next offsets to read, per partition.
	Offsets KafkaOffsets `json:"offsets,omitempty"`
	// Source is the latest Debezium source position applied (for a Kafka
	// topic, Sources holds one per partition instead).
	Source SourcePos `json:"source,omitzero"`
	// Sources are a Kafka topic's latest exact Debezium source positions
	// applied, per partition: a Debezium key always maps to one partition,
	// so positions are ordered within a partition, not across them.
	Sources PartitionSources `json:"sources,omitempty"`
}

// PartitionSources are source positions per Kafka partition, kept as
// canonical JSON text so that a Position stays comparable; in JSON it is
// an object {"0": {...}, "1": {...}}. Empty is "".
type PartitionSources string

// NewPartitionSources renders a partition -> position map (zero positions
// left out).
func NewPartitionSources(m map[int32]SourcePos) PartitionSources {
	out := map[string]SourcePos{}
	for p, s := range m {
		if !s.IsZero() {
			out[strconv.Itoa(int(p))] = s
		}
	}
	if len(out) == 0 {
		return ""
	}
	b, _ := json.Marshal(out) // keys sorted: canonical
	return PartitionSources(b)
}

// Map returns the positions by partition.
func (s PartitionSources) Map() (map[int32]SourcePos, error) {
	m := map[int32]SourcePos{}
	if s == "" {
		return m, nil
	}
	var raw map[string]SourcePos
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("source positions per partition: %w", err)
	}
	for k, v := range raw {
		p, err := strconv.ParseInt(k, 10, 32)
		if err != nil || p < 0 {
			return nil, fmt.Errorf("source positions per partition: %q is not a partition", k)
		}
		m[int32(p)] = v
	}
	return m, nil
}

// MarshalJSON writes the positions as an object of partition: position.
func (s PartitionSources) MarshalJSON() ([]byte, error) {
	if s == "" {
		return []byte("{}"), nil
	}
	return []byte(s), nil
}

// UnmarshalJSON reads an object of partition: position.
func (s *PartitionSources) UnmarshalJSON(b []byte) error {
	v := PartitionSources(b)
	m, err := v.Map()
	if err != nil {
		return err
	}
	*s = NewPartitionSources(m)
	return nil
}

func (p Position) String() string {
	b, _ := json.Marshal(p)
	return string(b)
}

// AppliedPosition returns the position the newest ingest commit in the
// table's current snapshot chain recorded, and whether there is one.
// Commits that carry none (schema changes, maintenance, other writers) are
// passed over.
func AppliedPosition(t *engine.Table) (Position, bool, error) {
	md := t.Iceberg().Metadata()
	snap := md.CurrentSnapshot()
	for snap != nil {
		if snap.Summary != nil {
			if v, ok := snap.Summary.Properties[PositionKey]; ok {
				var p Position
				if err := json.Unmarshal([]byte(v), &p); err != nil {
					return Position{}, false, fmt.Errorf("%s: snapshot %d: %s is not a position: %w", t.Ident(), snap.SnapshotID, PositionKey, err)
				}
				return p, true, nil
			}
		}
		if snap.ParentSnapshotID == nil {
			break
		}
		snap = md.SnapshotByID(*snap.ParentSnapshotID)
	}
	return Position{}, false, nil
}
