package ingest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
)

// Formats of an input stream.
const (
	FormatDebezium = "debezium" // Debezium JSON change events, one per line
	FormatJSONL    = "jsonl"    // plain JSON objects, one per line (append only)
	FormatCSV      = "csv"      // CSV with a header line (append only)
)

// ErrBadEvent is wrapped by every error about an input event that cannot
// be applied (malformed, unknown op, missing key, type mismatch).
var ErrBadEvent = errors.New("bad event")

// Event is one change read from a stream.
type Event struct {
	// Op is Debezium's: 'c' create, 'u' update, 'd' delete, 'r' read (a
	// snapshot row). Plain JSON lines and CSV rows are 'c'.
	Op byte
	// Row is the row's new version ("after"), or for a delete the old one
	// ("before"), by column name.
	Row map[string]any
	// Key is the Debezium key, when the line carries one.
	Key map[string]any
	// Cols are Row's columns in the order the source gives them, with the
	// DuckDB type the schema block declares ("" when there is none).
	Cols []Col
	// Source is the Debezium source position (zero for other formats).
	Source SourcePos
	// Snapshot is the source block's "snapshot" flag when it marks a
	// snapshot read ("true", "first", "last", "incremental", ...).
	Snapshot string
	// Partition is the Kafka partition the event came from (0 for other
	// sources): source positions are ordered only within one.
	Partition int32
	// Where is file:line.
	Where string
	// End is the stream position just after the event.
	End Position
}

// Col is a source column: its name, its DuckDB type as the source declares
// it ("" when the type is inferred from values) and, for Debezium logical
// types, how values turn into DuckDB's text form.
type Col struct {
	Name     string
	Type     string
	Declared bool
	convert  func(any) (any, error)
}

// SourcePos is the position Debezium's source block gives an event:
// Postgres' LSN and commit sequence, MySQL's binlog coordinates (or GTID),
// SQL Server's commit and change LSNs, MongoDB's oplog time and ordinal,
// and the time of the change.
type SourcePos struct {
	TsMs int64 `json:"ts_ms,omitempty"`
	// CommitLSN is the LSN of the last commit before the event (the first
	// of Debezium's "sequence"): changes of concurrent transactions
	// interleave by LSN, commits do not.
	CommitLSN int64 `json:"commit_lsn,omitempty"`
	LSN       int64 `json:"lsn,omitempty"`
	// Seq says the event carried Debezium's "sequence", so (CommitLSN,
	// LSN) orders it even when its first element was null.
	Seq bool `json:"seq,omitempty"`
	// MySQL: binlog file, position and row within the event, the server
	// that wrote the binlog, and the transaction's GTID.
	File     string `json:"binlog_file,omitempty"`
	Pos      int64  `json:"binlog_pos,omitempty"`
	Row      int64  `json:"binlog_row,omitempty"`
	ServerID int64  `json:"server_id,omitempty"`
	GTID     string `json:"gtid,omitempty"`
	// SQL Server: commit_lsn, change_lsn (fixed-width hex, so they sort
	// as text) and event_serial_no.
	MSCommitLSN string `json:"mssql_commit_lsn,omitempty"`
	MSChangeLSN string `json:"mssql_change_lsn,omitempty"`
	MSSerial    int64  `json:"mssql_event_serial_no,omitempty"`
	// MongoDB: the ordinal of the event within its oplog second (TsMs
	// holds the second), and whether it belongs to a multi-document
	// transaction (whose events share one oplog time).
	Ord      int64 `json:"ord,omitempty"`
	MongoTxn bool  `json:"mongo_txn,omitempty"`
}

// IsZero reports whether p holds no position.
func (p SourcePos) IsZero() bool { return p == SourcePos{} }

// Exact reports whether p holds a position that orders every change of
// its source: a Postgres LSN with Debezium's sequence, MySQL binlog
// coordinates or a GTID, SQL Server change LSNs, a MongoDB oplog
// ordinal. Time alone does not (several changes share a millisecond),
// nor a Postgres LSN without the sequence (concurrent transactions'
// changes interleave by LSN but arrive in commit order).
func (p SourcePos) Exact() bool {
	return (p.LSN != 0 && p.Seq) || p.File != "" || p.GTID != "" || p.MSChangeLSN != "" || p.Ord != 0
}

// NotAfterExact reports whether p is at or before q by their exact
// positions, and whether the two compare at all: both of the same source
// kind and, for MySQL, binlogs of the same server (after a failover the
// new primary's binlog coordinates say nothing about the old one's).
func (p SourcePos) NotAfterExact(q SourcePos) (notAfter, comparable bool) {
	switch {
	case p.LSN != 0 && p.Seq && q.LSN != 0 && q.Seq:
		if (p.CommitLSN == 0) != (q.CommitLSN == 0) {
			// Debezium did not know the last commit of one of them (its
			// first transaction, or offsets without it): not ordered.
			return false, false
		}
		if p.CommitLSN != q.CommitLSN {
			return p.CommitLSN < q.CommitLSN, true
		}
		return p.LSN <= q.LSN, true
	case p.File != "" && q.File != "":
		if p.ServerID != 0 && q.ServerID != 0 && p.ServerID != q.ServerID {
			return false, false
		}
		if c := compareBinlogFiles(p.File, q.File); c != 0 {
			return c < 0, true
		}
		if p.Pos != q.Pos {
			return p.Pos < q.Pos, true
		}
		return p.Row <= q.Row, true
	case p.GTID != "" && q.GTID != "":
		// One GTID covers a whole transaction: only an older transaction
		// of the same source server is known to be applied.
		pu, pn, ok1 := splitGTID(p.GTID)
		qu, qn, ok2 := splitGTID(q.GTID)
		if !ok1 || !ok2 || pu != qu {
			return false, false
		}
		return pn < qn, true
	case p.MSChangeLSN != "" && q.MSChangeLSN != "":
		// commit_lsn alone is shared by a commit's changes: change_lsn
		// and event_serial_no tell them apart.
		if len(p.MSCommitLSN) != len(q.MSCommitLSN) || len(p.MSChangeLSN) != len(q.MSChangeLSN) {
			return false, false
		}
		if p.MSCommitLSN != q.MSCommitLSN {
			return p.MSCommitLSN < q.MSCommitLSN, true
		}
		if p.MSChangeLSN != q.MSChangeLSN {
			return p.MSChangeLSN < q.MSChangeLSN, true
		}
		return p.MSSerial <= q.MSSerial, true
	case p.Ord != 0 && q.Ord != 0:
		if p.TsMs != q.TsMs {
			return p.TsMs < q.TsMs, true
		}
		if p.Ord != q.Ord {
			return p.Ord < q.Ord, true
		}
		// The events of one transaction share its oplog time: an equal
		// one is not known to be applied.
		return !p.MongoTxn && !q.MongoTxn, true
	}
	return false, false
}

// compareBinlogFiles orders MySQL binlog names by their numeric suffix
// (mysql-bin.000999 before mysql-bin.1000000), else as text.
func compareBinlogFiles(a, b string) int {
	ab, an, aok := strings.Cut(a, ".")
	bb, bn, bok := strings.Cut(b, ".")
	if aok && bok && ab == bb {
		x, err1 := strconv.ParseUint(an, 10, 64)
		y, err2 := strconv.ParseUint(bn, 10, 64)
		if err1 == nil && err2 == nil {
			return cmpInt(x, y)
		}
	}
	return strings.Compare(a, b)
}

func cmpInt[T int64 | uint64](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// splitGTID reads a MySQL GTID "source_uuid:transaction_id" (MariaDB's
// "domain-server-sequence" as domain-server and sequence).
func splitGTID(g string) (string, int64, bool) {
	src, n, ok := strings.Cut(g, ":")
	if !ok {
		i := strings.LastIndexByte(g, '-')
		if i < 0 {
			return "", 0, false
		}
		src, n = g[:i], g[i+1:]
	}
	v, err := strconv.ParseInt(n, 10, 64)
	return src, v, err == nil
}

// NotAfter reports whether p is at or before q, when the two can be
// compared: by their exact positions when they have them, else by a
// Postgres LSN alone, else by time, where an event is older only when its
// time is strictly earlier. Only streams with no offsets to resume from
// (standard input, HTTP) rely on the inexact comparisons.
func (p SourcePos) NotAfter(q SourcePos) (notAfter, comparable bool) {
	if na, ok := p.NotAfterExact(q); ok {
		return na, true
	}
	switch {
	case p.LSN != 0 && q.LSN != 0:
		if p.CommitLSN != q.CommitLSN && p.CommitLSN != 0 && q.CommitLSN != 0 {
			return p.CommitLSN < q.CommitLSN, true
		}
		return p.LSN <= q.LSN, true
	case p.TsMs != 0 && q.TsMs != 0:
		return p.TsMs < q.TsMs, true
	}
	return false, false
}

// Max returns the later of p and q (p when they do not compare).
func (p SourcePos) Max(q SourcePos) SourcePos {
	if p.IsZero() {
		return q
	}
	if na, ok := p.NotAfter(q); ok && na {
		return q
	}
	return p
}

// decode parses JSON keeping numbers exact.
func decode(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// parseDebezium reads one Debezium change event: the envelope with a
// schema block ({"schema": ..., "payload": {...}}), the payload alone
// ({"op": ..., "before": ..., "after": ...}), either one optionally
// wrapped with its key as {"key": ..., "value": ...}.
func parseDebezium(line []byte, where string) (Event, error) {
	bad := func(format string, args ...any) (Event, error) {
		return Event{}, fmt.Errorf("%s: %w: %s", where, ErrBadEvent, fmt.Sprintf(format, args...))
	}
	var top envelope
	if err := json.Unmarshal(line, &top); err != nil {
		return bad("not a JSON object: %v", err)
	}
	var ev Event
	ev.Where = where
	if !isNull(top.Value) {
		if k := top.Key; !isNull(k) {
			var key envelope
			if err := json.Unmarshal(k, &key); err != nil {
				return bad("key is not a JSON object: %v", err)
			}
			if !isNull(key.Payload) { // a key with its own schema block
				k = key.Payload
			}
			if err := decode(k, &ev.Key); err != nil {
				return bad("key is not a JSON object: %v", err)
			}
		}
		v := top.Value
		top = envelope{}
		if err := json.Unmarshal(v, &top); err != nil {
			return bad("value is not a JSON object: %v", err)
		}
	}
	payload := top
	var schema *connectSchema
	if !isNull(top.Payload) {
		payload = envelope{}
		if err := json.Unmarshal(top.Payload, &payload); err != nil {
			return bad("payload is not a JSON object: %v", err)
		}
		if !isNull(top.Schema) {
			schema = &connectSchema{}
			if err := json.Unmarshal(top.Schema, schema); err != nil {
				return bad("schema block: %v", err)
			}
		}
	}
	op := payload.Op
	if op == "" {
		return bad("no op (a Debezium event has \"op\": \"c\", \"u\", \"d\" or \"r\")")
	}
	if len(op) != 1 || !strings.Contains("cudr", op) {
		return bad("unknown op %q (want c, u, d or r)", op)
	}
	ev.Op = op[0]
	field, raw := "after", payload.After
	if ev.Op == 'd' {
		field, raw = "before", payload.Before
	}
	if isNull(raw) {
		if ev.Op == 'd' && ev.Key != nil {
			// A delete whose before image is not kept (REPLICA IDENTITY
			// DEFAULT without the key columns): the key is enough.
			raw = nil
		} else {
			return bad("op %q has no %q row", op, field)
		}
	}
	if raw != nil {
		keys, row, err := decodeObject(raw)
		if err != nil {
			return bad("%s is not a JSON object: %v", field, err)
		}
		ev.Row = row
		var declared map[string]connectField
		if schema != nil {
			declared = schema.rowFields(field)
		}
		ev.Cols = make([]Col, 0, len(keys))
		for _, k := range keys {
			c := Col{Name: k}
			if f, ok := declared[k]; ok {
				if c.Type, c.convert, err = f.duckdb(); err != nil {
					return bad("schema of column %q: %v", k, err)
				}
				c.Declared = true
			}
			ev.Cols = append(ev.Cols, c)
		}
		for _, c := range ev.Cols {
			if c.convert == nil || ev.Row[c.Name] == nil {
				continue
			}
			v, err := c.convert(ev.Row[c.Name])
			if err != nil {
				return bad("column %q: %v", c.Name, err)
			}
			ev.Row[c.Name] = v
		}
	} else {
		ev.Row = map[string]any{}
		for k, v := range ev.Key {
			ev.Row[k] = v
			ev.Cols = append(ev.Cols, Col{Name: k})
		}
	}
	if src := payload.Source; !isNull(src) {
		var s struct {
			TsMs      json.Number     `json:"ts_ms"`
			LSN       json.RawMessage `json:"lsn"`
			File      string          `json:"file"`
			Pos       json.Number     `json:"pos"`
			Row       json.Number     `json:"row"`
			ServerID  json.Number     `json:"server_id"`
			GTID      *string         `json:"gtid"`
			Seq       *string         `json:"sequence"`
			CommitLSN *string         `json:"commit_lsn"`
			ChangeLSN *string         `json:"change_lsn"`
			Serial    json.Number     `json:"event_serial_no"`
			Ord       json.Number     `json:"ord"`
			TxnNumber json.RawMessage `json:"txnNumber"`
			Snapshot  json.RawMessage `json:"snapshot"`
		}
		if err := json.Unmarshal(src, &s); err != nil {
			return bad("source block: %v", err)
		}
		ev.Source.TsMs, _ = s.TsMs.Int64()
		ev.Source.File = s.File
		ev.Source.Pos, _ = s.Pos.Int64()
		ev.Source.Row, _ = s.Row.Int64()
		ev.Source.ServerID, _ = s.ServerID.Int64()
		if s.GTID != nil {
			ev.Source.GTID = *s.GTID
		}
		ev.Source.Ord, _ = s.Ord.Int64()
		ev.Source.MongoTxn = !isNull(s.TxnNumber)
		var lsn json.Number // a number, or a string holding one
		if json.Unmarshal(s.LSN, &lsn) == nil {
			if v, err := lsn.Int64(); err == nil {
				ev.Source.LSN = v
			}
		}
		if s.ChangeLSN != nil || (s.CommitLSN != nil && s.Seq == nil) {
			// SQL Server: commit_lsn, change_lsn, event_serial_no.
			if s.CommitLSN != nil {
				ev.Source.MSCommitLSN = *s.CommitLSN
			}
			if s.ChangeLSN != nil {
				ev.Source.MSChangeLSN = *s.ChangeLSN
			}
			ev.Source.MSSerial, _ = s.Serial.Int64()
		}
		if s.Seq != nil {
			var seq []*string
			if json.Unmarshal([]byte(*s.Seq), &seq) == nil && len(seq) == 2 {
				ev.Source.Seq = true
				if seq[0] != nil {
					ev.Source.CommitLSN, _ = strconv.ParseInt(*seq[0], 10, 64)
				}
				if seq[1] != nil && ev.Source.LSN == 0 {
					ev.Source.LSN, _ = strconv.ParseInt(*seq[1], 10, 64)
				}
			}
		}
		switch snap := strings.Trim(strings.TrimSpace(string(s.Snapshot)), `"`); snap {
		case "", "null", "false":
		default:
			ev.Snapshot = snap // "true", "first", "last", "incremental", ...
		}
	}
	if ev.Source.TsMs == 0 {
		ev.Source.TsMs, _ = payload.TsMs.Int64()
	}
	return ev, nil
}

// envelope is the fields of a Debezium line, any of its forms: the
// key/value wrapper, the schema/payload envelope, the payload itself.
type envelope struct {
	Key     json.RawMessage `json:"key"`
	Value   json.RawMessage `json:"value"`
	Schema  json.RawMessage `json:"schema"`
	Payload json.RawMessage `json:"payload"`
	Op      string          `json:"op"`
	Before  json.RawMessage `json:"before"`
	After   json.RawMessage `json:"after"`
	Source  json.RawMessage `json:"source"`
	TsMs    json.Number     `json:"ts_ms"`
}

// decodeObject reads a JSON object in one pass: its keys in order and its
// values, numbers kept exact.
func decodeObject(b []byte) ([]string, map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	t, err := d.Token()
	if err != nil {
		return nil, nil, err
	}
	if t != json.Delim('{') {
		return nil, nil, errors.New("not a JSON object")
	}
	var keys []string
	row := map[string]any{}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, nil, err
		}
		k := t.(string)
		var v any
		if err := d.Decode(&v); err != nil {
			return nil, nil, err
		}
		if _, dup := row[k]; !dup {
			keys = append(keys, k)
		}
		row[k] = v
	}
	if _, err := d.Token(); err != nil {
		return nil, nil, err
	}
	if d.More() {
		return nil, nil, errors.New("more than one JSON value")
	}
	return keys, row, nil
}

func isNull(b json.RawMessage) bool { return len(b) == 0 || string(bytes.TrimSpace(b)) == "null" }

// parseJSONL reads one plain JSON object as an insert.
func parseJSONL(line []byte, where string) (Event, error) {
	keys, row, err := decodeObject(line)
	if err != nil {
		return Event{}, fmt.Errorf("%s: %w: not a JSON object: %v", where, ErrBadEvent, err)
	}
	ev := Event{Op: 'c', Row: row, Where: where}
	for _, k := range keys {
		ev.Cols = append(ev.Cols, Col{Name: k})
	}
	return ev, nil
}

// connectSchema is a Kafka Connect schema block.
type connectSchema struct {
	Type       string            `json:"type"`
	Name       string            `json:"name"`
	Field      string            `json:"field"`
	Optional   bool              `json:"optional"`
	Fields     []connectField    `json:"fields"`
	Parameters map[string]string `json:"parameters"`
}

type connectField = connectSchema

// rowFields returns the fields of the envelope's before or after struct.
func (s *connectSchema) rowFields(which string) map[string]connectField {
	out := map[string]connectField{}
	for _, f := range s.Fields {
		if f.Field == which {
			for _, c := range f.Fields {
				out[c.Field] = c
			}
		}
	}
	return out
}

// duckdb maps a Kafka Connect field schema (with Debezium's logical names)
// to a DuckDB type and a conversion of its JSON values, if they need one.
func (f connectField) duckdb() (string, func(any) (any, error), error) {
	switch f.Name {
	case "io.debezium.time.Date", "org.apache.kafka.connect.data.Date":
		return "DATE", func(v any) (any, error) {
			d, err := asInt(v)
			if err != nil {
				return nil, err
			}
			return time.Unix(d*86400, 0).UTC().Format("2006-01-02"), nil
		}, nil
	case "io.debezium.time.Timestamp", "org.apache.kafka.connect.data.Timestamp":
		return "TIMESTAMP", epochConv(time.Millisecond), nil
	case "io.debezium.time.MicroTimestamp":
		return "TIMESTAMP", epochConv(time.Microsecond), nil
	case "io.debezium.time.NanoTimestamp":
		return "TIMESTAMP", epochConv(time.Nanosecond), nil
	case "io.debezium.time.ZonedTimestamp":
		return "TIMESTAMP WITH TIME ZONE", nil, nil
	case "org.apache.kafka.connect.data.Decimal":
		scale := 0
		if s, ok := f.Parameters["scale"]; ok {
			if _, err := fmt.Sscan(s, &scale); err != nil {
				return "", nil, fmt.Errorf("decimal scale %q", s)
			}
		}
		prec := 38
		if p, ok := f.Parameters["connect.decimal.precision"]; ok {
			if _, err := fmt.Sscan(p, &prec); err != nil {
				return "", nil, fmt.Errorf("decimal precision %q", p)
			}
		}
		if prec > 38 || scale > prec {
			return "", nil, fmt.Errorf("DECIMAL(%d, %d) does not fit Iceberg's decimal (precision up to 38)", prec, scale)
		}
		return fmt.Sprintf("DECIMAL(%d, %d)", prec, scale), func(v any) (any, error) {
			s, ok := v.(string)
			if !ok {
				return v, nil // already a number (decimal.handling.mode=double/string)
			}
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return s, nil // decimal.handling.mode=string
			}
			n := new(big.Int).SetBytes(b)
			if len(b) > 0 && b[0]&0x80 != 0 { // two's complement
				n.Sub(n, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
			}
			r := new(big.Rat).SetFrac(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil))
			return r.FloatString(scale), nil
		}, nil
	}
	switch f.Type {
	case "int8", "int16", "int32":
		return "INTEGER", nil, nil
	case "int64":
		return "BIGINT", nil, nil
	case "float", "float32":
		return "FLOAT", nil, nil
	case "double", "float64":
		return "DOUBLE", nil, nil
	case "boolean":
		return "BOOLEAN", nil, nil
	case "string":
		return "VARCHAR", nil, nil
	case "bytes":
		return "BLOB", nil, nil
	}
	return "", nil, fmt.Errorf("unsupported Kafka Connect type %q", f.Type)
}

func epochConv(unit time.Duration) func(any) (any, error) {
	return func(v any) (any, error) {
		n, err := asInt(v)
		if err != nil {
			return nil, err
		}
		var t time.Time
		switch unit {
		case time.Millisecond:
			t = time.UnixMilli(n)
		case time.Microsecond:
			t = time.UnixMicro(n)
		default:
			t = time.Unix(0, n)
		}
		return t.UTC().Format("2006-01-02 15:04:05.999999"), nil
	}
}

func asInt(v any) (int64, error) {
	if n, ok := v.(json.Number); ok {
		return n.Int64()
	}
	return 0, fmt.Errorf("%v is not an integer", v)
}
