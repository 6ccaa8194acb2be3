package ingest

import (
	"encoding/json"
	"fmt"

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
	// Source is the latest Debezium source position applied.
	Source SourcePos `json:"source,omitzero"`
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
