package ingest

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// ErrHeld is returned when a batch cannot be applied until someone changes
// the table by hand (a source column changed type in a way Iceberg cannot
// promote): nothing of the batch is committed and the stream position
// stays before it.
var ErrHeld = errors.New("batch held")

// ErrPositionMoved is returned when another writer committed an ingest
// position to the table while this one was running.
var ErrPositionMoved = errors.New("the table's ingest position moved")

// ErrBadOption is wrapped by errors about the options of an ingest (an
// unknown format, a key column the table lacks).
var ErrBadOption = errors.New("bad ingest option")

// Options configure an Ingester.
type Options struct {
	Format string   // FormatDebezium (default), FormatJSONL or FormatCSV
	Keys   []string // key columns; default: the table's identifier fields, then the Debezium key
	// CommitInterval bounds how long an event waits for its batch's commit
	// (default 5s); MaxRows bounds a batch's events (default 10000).
	CommitInterval time.Duration
	MaxRows        int
	// Log receives notes (table created, columns added); nil discards them.
	Log io.Writer
	// GuardSource is for streams without offsets to resume from (standard
	// input, HTTP): besides exact source positions, which guard every
	// stream, a Postgres LSN alone and a strictly earlier time also mark an
	// event as applied, and the applied position guards whatever stream
	// comes next.
	GuardSource bool
	// Now is the clock used to measure commit intervals (default time.Now).
	Now func() time.Time
}

// Stats count what an Ingester did.
type Stats struct {
	Events        int64 `json:"events"`         // events read
	Skipped       int64 `json:"skipped"`        // duplicates: events at or before the applied source position
	Upserts       int64 `json:"upserts"`        // changes applied, after the last-per-key collapse
	Deletes       int64 `json:"deletes"`        //
	Commits       int64 `json:"commits"`        // data commits
	SchemaCommits int64 `json:"schema_commits"` // table creation and schema evolution commits
}

// Ingester applies a change stream to one lake table in micro-batches.
type Ingester struct {
	sess     *lakesql.Session
	ns, name string
	opts     Options

	applied    Position // the position the table holds
	hasApplied bool
	keys       []string
	csvHeader  []string
	stats      Stats
}

// New prepares to ingest into lake.ns.name (which need not exist yet),
// reading the position the table's snapshots recorded.
func New(ctx context.Context, sess *lakesql.Session, ns, name string, opts Options) (*Ingester, error) {
	if opts.Format == "" {
		opts.Format = FormatDebezium
	}
	switch opts.Format {
	case FormatDebezium, FormatJSONL, FormatCSV:
	default:
		return nil, fmt.Errorf("ingest: %w: unknown format %q (want debezium, jsonl or csv)", ErrBadOption, opts.Format)
	}
	if opts.CommitInterval <= 0 {
		opts.CommitInterval = 5 * time.Second
	}
	if opts.MaxRows <= 0 {
		opts.MaxRows = 10000
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	g := &Ingester{sess: sess, ns: ns, name: name, opts: opts}
	t, err := sess.Warehouse().Table(ctx, ns, name)
	switch {
	case errors.Is(err, engine.ErrNoSuchTable):
	case err != nil:
		return nil, err
	default:
		if g.applied, g.hasApplied, err = AppliedPosition(t); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// Ident is the table's name, lake.ns.name.
func (g *Ingester) Ident() string { return "lake." + g.ns + "." + g.name }

// Applied returns the position the table holds, if any.
func (g *Ingester) Applied() (Position, bool) { return g.applied, g.hasApplied }

// Stats returns what the Ingester did so far.
func (g *Ingester) Stats() Stats { return g.stats }

// Parse reads one input line as an event. Blank lines give ok false.
func (g *Ingester) Parse(l Line) (ev Event, ok bool, err error) {
	text := strings.TrimRight(string(l.Text), "\r\n")
	if strings.TrimSpace(text) == "" {
		return Event{}, false, nil
	}
	switch g.opts.Format {
	case FormatJSONL:
		ev, err = parseJSONL([]byte(text), l.Where)
	case FormatCSV:
		rec, cerr := csv.NewReader(strings.NewReader(text)).Read()
		if cerr != nil {
			return Event{}, false, fmt.Errorf("%s: %w: %v", l.Where, ErrBadEvent, cerr)
		}
		if l.End.Line == 1 || g.csvHeader == nil {
			if l.End.Line != 1 {
				if err := g.readCSVHeader(l.End); err != nil {
					return Event{}, false, err
				}
			} else {
				g.csvHeader = rec
				return Event{}, false, nil
			}
		}
		if len(rec) != len(g.csvHeader) {
			return Event{}, false, fmt.Errorf("%s: %w: %d fields, the header has %d", l.Where, ErrBadEvent, len(rec), len(g.csvHeader))
		}
		ev = Event{Op: 'c', Row: map[string]any{}, Where: l.Where}
		for i, h := range g.csvHeader {
			ev.Cols = append(ev.Cols, Col{Name: h})
			if rec[i] != "" {
				ev.Row[h] = rec[i]
			}
		}
	default:
		ev, err = parseDebezium([]byte(text), l.Where)
	}
	if err != nil {
		return Event{}, false, err
	}
	ev.End, ev.Partition = l.End, l.Partition
	return ev, true, nil
}

// readCSVHeader reads the header of the file a resumed CSV stream is in.
func (g *Ingester) readCSVHeader(p Position) error {
	path := p.Stream
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, p.File)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("ingest: read the CSV header: %w", err)
	}
	defer f.Close()
	line, err := bufio.NewReader(f).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("ingest: read the CSV header of %s: %w", path, err)
	}
	rec, err := csv.NewReader(strings.NewReader(line)).Read()
	if err != nil {
		return fmt.Errorf("%s:1: %w: CSV header: %v", path, ErrBadEvent, err)
	}
	g.csvHeader = rec
	return nil
}

// Run reads src to its end (or, following, until ctx ends) and applies
// its events in batches of at most MaxRows events, committing a batch
// when it is full, when its first event has waited CommitInterval, and
// at the end. A bad event stops Run with an error naming its line; its
// batch is not committed (the batches before it are).
func (g *Ingester) Run(ctx context.Context, src Source) error {
	lines := make(chan Line, 1024)
	eg, ectx := errgroup.WithContext(ctx)
	readCtx, stopReading := context.WithCancel(ectx)
	defer stopReading()
	eg.Go(func() error {
		defer close(lines)
		for {
			l, err := src.Next(readCtx)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				if readCtx.Err() != nil && ctx.Err() == nil {
					return nil // stopped by Run
				}
				return err
			}
			select {
			case lines <- l:
			case <-readCtx.Done():
				return nil
			}
		}
	})
	var after func(Position)
	if c, ok := src.(Committer); ok {
		after = func(p Position) {
			if err := c.Committed(ctx, p); err != nil {
				fmt.Fprintf(g.opts.Log, "ingest: warning: %v\n", err)
			}
		}
	}
	err := g.consume(ctx, lines, after)
	stopReading()
	if rerr := eg.Wait(); err == nil {
		err = rerr
	}
	return err
}

// Committer is a Source that wants to know the positions committed to the
// table (a Kafka source tells its consumer group). Errors are warnings.
type Committer interface {
	Committed(ctx context.Context, p Position) error
}

func (g *Ingester) consume(ctx context.Context, lines <-chan Line, after func(Position)) error {
	var batch []Event
	var end Position
	var timer <-chan time.Time
	flush := func() error {
		timer = nil
		if end == (Position{}) {
			return nil
		}
		commits := g.stats.Commits
		err := g.Apply(ctx, batch, end)
		batch, end = batch[:0], Position{}
		if err == nil && after != nil && g.stats.Commits > commits {
			after(g.applied)
		}
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer:
			if err := flush(); err != nil {
				return err
			}
		case l, ok := <-lines:
			if !ok {
				return flush()
			}
			ev, ok, err := g.Parse(l)
			if err != nil {
				return err // the batch holding a bad event is not committed
			}
			end = l.End
			if !ok {
				continue
			}
			batch = append(batch, ev)
			if len(batch) == 1 {
				timer = time.After(g.opts.CommitInterval)
			}
			if len(batch) >= g.opts.MaxRows {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
}

// guard drops the events of a batch that the source-position guard knows
// were applied already (in place: the events kept move to the front of
// evs), and records in end the guard's positions after the
// batch (Source, or for a Kafka topic Sources per partition).
//
// Each stream (each partition of a Kafka topic) has one guard: the last
// exact source position applied (see SourcePos.Exact). An event whose
// exact position is at or before it is a duplicate Debezium wrote again
// after a connector restart (its delivery is at least once), at a new
// offset, and is skipped; an event with no exact position, or one that
// does not compare (another MySQL server after a failover), is applied and
// the guard moves to it. With GuardSource (standard input, HTTP: no
// offsets to resume from) events are also skipped by a Postgres LSN alone
// or by a time strictly earlier than the position the batch started from,
// and the guard holds across streams.
//
// Snapshot reads are never skipped: Debezium gives every row of a snapshot
// one position, and a new snapshot after a connector reset may start
// before what was applied (a restored or failed-over source). A snapshot
// read (op "r", or a "snapshot" flag other than "incremental") resets the
// guard of its stream: its rows apply as upserts and the changes after it
// are guarded from the first one on. Rows of an incremental snapshot are
// applied and leave the guard as it is.
func (g *Ingester) guard(evs []Event, end *Position) ([]Event, error) {
	if g.opts.Format != FormatDebezium {
		return evs, nil
	}
	kafka := strings.HasPrefix(end.Stream, "kafka:")
	loose := g.opts.GuardSource
	guards := map[int32]SourcePos{}
	if g.hasApplied && (loose || g.applied.Stream == end.Stream) {
		if kafka {
			m, err := g.applied.Sources.Map()
			if err != nil {
				return nil, fmt.Errorf("ingest into %s: the applied position: %w", g.Ident(), err)
			}
			guards = m
		} else if !g.applied.Source.IsZero() {
			guards[0] = g.applied.Source
		}
	}
	base := maps.Clone(guards) // where the batch started, for loose comparisons
	n := 0                     // events kept, moved to the front of evs
	for i := range evs {
		ev := &evs[i]
		part := ev.Partition
		cur := guards[part]
		if ev.Op == 'r' || ev.Snapshot != "" {
			if ev.Snapshot != "incremental" {
				if !cur.IsZero() {
					fmt.Fprintf(g.opts.Log, "ingest: %s: a snapshot read (op %q, snapshot %q): applied as upserts; duplicates are recognised again from the next change on\n", ev.Where, ev.Op, ev.Snapshot)
				}
				delete(guards, part)
				delete(base, part)
			}
			n = keep(evs, n, i)
			continue
		}
		if ev.Source.IsZero() {
			n = keep(evs, n, i)
			continue
		}
		na, ok := ev.Source.NotAfterExact(cur)
		if !ok && loose {
			if b, has := base[part]; has {
				na, ok = ev.Source.NotAfter(b)
			}
		}
		if ok && na {
			g.stats.Skipped++
			continue
		}
		n = keep(evs, n, i)
		switch {
		case ev.Source.Exact():
			guards[part] = ev.Source // later than cur, or not comparable with it
		case !cur.Exact():
			// Kept for streams that compare inexactly (standard input, HTTP);
			// never used to skip where offsets decide.
			if na, ok := cur.NotAfter(ev.Source); !ok || na {
				guards[part] = ev.Source
			}
		}
	}
	if kafka {
		end.Source, end.Sources = SourcePos{}, NewPartitionSources(guards)
	} else {
		end.Source, end.Sources = guards[0], ""
	}
	return evs[:n], nil
}

// keep moves evs[i] to evs[n] (when events before it were dropped) and
// returns the new count of events kept.
func keep(evs []Event, n, i int) int {
	if n != i {
		evs[n] = evs[i]
	}
	return n + 1
}

// Apply applies one batch of events as one commit (preceded, when the
// batch needs them, by the commits that create the table or add columns),
// recording end as the stream position applied. Duplicates the source
// position guard skips are removed from evs in place: its elements may be
// overwritten.
func (g *Ingester) Apply(ctx context.Context, evs []Event, end Position) error {
	g.stats.Events += int64(len(evs))
	evs, err := g.guard(evs, &end)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return nil
	}
	wh := g.sess.Warehouse()
	t, err := wh.Table(ctx, g.ns, g.name)
	if errors.Is(err, engine.ErrNoSuchTable) {
		t, err = g.create(ctx, evs)
	}
	if err != nil {
		return err
	}
	if err := g.resolveKeys(t, evs); err != nil {
		return err
	}
	if t, err = g.evolve(ctx, t, evs); err != nil {
		return err
	}
	file, ups, dels, err := g.stage(t, evs)
	if file != "" {
		defer os.Remove(file)
	}
	if err != nil {
		return err
	}
	st, err := g.sess.ApplyChanges(ctx, g.ns, g.name, lakesql.ChangeSet{
		File: file, Keys: g.keys,
		Summary: map[string]string{PositionKey: end.String(), "floe.operation": "ingest"},
		Check: func(t *engine.Table) error {
			p, ok, err := AppliedPosition(t)
			if err != nil {
				return err
			}
			if ok != g.hasApplied || p != g.applied {
				return fmt.Errorf("ingest into %s: %w: it is now %s, this ingest expected %s (is another floe ingest writing to it?)", t.Ident(), ErrPositionMoved, p, g.applied)
			}
			return nil
		},
	})
	if err != nil {
		return err
	}
	g.stats.Upserts += int64(ups)
	g.stats.Deletes += int64(dels)
	if st.Committed {
		g.stats.Commits++
		g.applied, g.hasApplied = end, true
	}
	return nil
}

// batchColumns returns the batch's columns in first-seen order with the
// type each is declared or (unified over its values) inferred to have,
// and whether the type was declared.
func (g *Ingester) batchColumns(evs []Event) ([]Col, error) {
	var cols []Col
	index := map[string]int{}
	for _, ev := range evs {
		for _, c := range ev.Cols {
			k := strings.ToLower(c.Name)
			i, ok := index[k]
			if !ok {
				i = len(cols)
				index[k] = i
				cols = append(cols, Col{Name: c.Name})
			}
			if c.Declared {
				if cols[i].Declared && typeChange(cols[i].Type, c.Type) == "refuse" {
					fmt.Fprintf(g.opts.Log, "ingest: warning: %s: column %s changed type from %s to %s within one batch; the batch is held\n", ev.Where, c.Name, cols[i].Type, c.Type)
					return nil, fmt.Errorf("%s: %w: column %q is declared %s here and %s earlier in the batch", ev.Where, ErrHeld, c.Name, c.Type, cols[i].Type)
				}
				if !cols[i].Declared || typeChange(cols[i].Type, c.Type) == "promote" {
					cols[i].Type, cols[i].Declared = c.Type, true
				}
			} else if !cols[i].Declared {
				cols[i].Type = unify(cols[i].Type, inferType(ev.Row[c.Name], g.opts.Format == FormatCSV))
			}
		}
	}
	return cols, nil
}

// create makes the table from the first event's columns (with types from
// the whole batch), as format v3 with merge-on-read.
func (g *Ingester) create(ctx context.Context, evs []Event) (*engine.Table, error) {
	all, err := g.batchColumns(evs)
	if err != nil {
		return nil, err
	}
	first := map[string]bool{}
	for _, c := range evs[0].Cols {
		first[strings.ToLower(c.Name)] = true
	}
	var cols []engine.Column
	for _, c := range all {
		if !first[strings.ToLower(c.Name)] {
			continue // added by the evolution step, in its own commit
		}
		typ := c.Type
		if typ == "" {
			typ = "VARCHAR" // only NULLs so far
		}
		cols = append(cols, engine.Column{Name: c.Name, Type: typ})
	}
	wh := g.sess.Warehouse()
	if err := wh.CreateNamespace(ctx, g.ns, true); err != nil {
		return nil, err
	}
	t, err := wh.CreateTable(ctx, g.ns, g.name, engine.CreateOptions{Columns: cols,
		Properties: map[string]string{engine.PropFormatVersion: "3"}, IfNotExists: true})
	if err != nil {
		return nil, err
	}
	g.stats.SchemaCommits++
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name + " " + c.Type
	}
	fmt.Fprintf(g.opts.Log, "ingest: created %s (format v3, merge-on-read) from the first event's schema (%s): %s\n",
		g.Ident(), evs[0].Where, strings.Join(names, ", "))
	return t, nil
}

// resolveKeys settles the key columns once: --key, else the table's
// identifier fields, else the Debezium key. Plain JSON lines and CSV
// without keys are appended.
func (g *Ingester) resolveKeys(t *engine.Table, evs []Event) error {
	if g.keys != nil {
		return nil
	}
	keys := g.opts.Keys
	if len(keys) == 0 {
		for _, id := range t.Schema().IdentifierFieldIDs {
			if f, ok := t.Schema().FindFieldByID(id); ok {
				keys = append(keys, f.Name)
			}
		}
	}
	if len(keys) == 0 {
		for _, ev := range evs {
			if ev.Key != nil {
				keys = slices.Sorted(mapKeys(ev.Key))
				break
			}
		}
	}
	if len(keys) == 0 {
		if g.opts.Format != FormatDebezium {
			g.keys = []string{}
			return nil
		}
		return fmt.Errorf("ingest into %s: %w: no key to apply changes by: give --key col,... (or set the table's identifier fields, or send Debezium keys)", g.Ident(), ErrBadOption)
	}
	for i, k := range keys {
		f, ok := t.Schema().FindFieldByNameCaseInsensitive(strings.TrimSpace(k))
		if !ok {
			return fmt.Errorf("ingest into %s: %w: key column %q is not in the table", g.Ident(), ErrBadOption, k)
		}
		keys[i] = f.Name
	}
	g.keys = keys
	return nil
}

func mapKeys(m map[string]any) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// evolve adds the batch's new columns at the end and widens columns whose
// declared type Iceberg may promote to, in one commit before the data; a
// type change Iceberg does not allow holds the batch.
func (g *Ingester) evolve(ctx context.Context, t *engine.Table, evs []Event) (*engine.Table, error) {
	cols, err := g.batchColumns(evs)
	if err != nil {
		return nil, err
	}
	var changes []engine.SchemaChange
	var notes []string
	for _, c := range cols {
		f, ok := t.Schema().FindFieldByNameCaseInsensitive(c.Name)
		if !ok {
			if c.Type == "" {
				continue // only NULLs: nothing to keep yet
			}
			changes = append(changes, engine.SchemaChange{Op: "add", Column: c.Name, Type: c.Type})
			notes = append(notes, "added column "+c.Name+" "+c.Type)
			continue
		}
		if !c.Declared {
			continue // values are checked one by one when staged
		}
		have, err := engine.DuckDBType(f.Type)
		if err != nil {
			return nil, err
		}
		switch typeChange(have, c.Type) {
		case "promote":
			changes = append(changes, engine.SchemaChange{Op: "type", Column: f.Name, Type: c.Type})
			notes = append(notes, fmt.Sprintf("widened column %s from %s to %s", f.Name, have, c.Type))
		case "refuse":
			where := evs[0].Where
			for _, ev := range evs {
				if slices.ContainsFunc(ev.Cols, func(x Col) bool { return strings.EqualFold(x.Name, c.Name) && x.Declared }) {
					where = ev.Where
					break
				}
			}
			fmt.Fprintf(g.opts.Log, "ingest: warning: %s: column %s changed type from %s to %s, which Iceberg cannot promote; the batch is held (change the column by hand, then run ingest again)\n",
				where, f.Name, have, c.Type)
			return nil, fmt.Errorf("%s: %w: column %s of %s is %s, the source now sends %s", where, ErrHeld, f.Name, g.Ident(), have, c.Type)
		}
	}
	if len(changes) == 0 {
		return t, nil
	}
	nt, err := t.AlterSchema(ctx, changes...)
	if err != nil {
		return nil, fmt.Errorf("ingest into %s: evolve the schema: %w", g.Ident(), err)
	}
	g.stats.SchemaCommits++
	fmt.Fprintf(g.opts.Log, "ingest: %s: %s\n", g.Ident(), strings.Join(notes, "; "))
	return nt, nil
}

// stage collapses the batch to the last event per key and writes it as
// newline-delimited JSON in the table's columns for ApplyChanges.
func (g *Ingester) stage(t *engine.Table, evs []Event) (string, int, int, error) {
	fields := t.Schema().Fields()
	types := make([]string, len(fields))
	for i, f := range fields {
		typ, err := engine.DuckDBType(f.Type)
		if err != nil {
			return "", 0, 0, err
		}
		types[i] = typ
	}
	// lookup finds a column's value in an event, by name case-insensitively.
	lookup := func(row map[string]any, name string) (any, bool) {
		if v, ok := row[name]; ok {
			return v, true
		}
		for k, v := range row {
			if strings.EqualFold(k, name) {
				return v, true
			}
		}
		return nil, false
	}
	last := evs
	if len(g.keys) > 0 {
		keyTypes := make([]string, len(g.keys))
		for j, k := range g.keys {
			for i, f := range fields {
				if f.Name == k {
					keyTypes[j] = types[i]
				}
			}
		}
		at := map[string]int{}
		var order []int
		for i, ev := range evs {
			parts := make([]any, len(g.keys))
			for j, k := range g.keys {
				v, ok := lookup(ev.Row, k)
				if (!ok || v == nil) && ev.Key != nil {
					v, ok = lookup(ev.Key, k)
				}
				if !ok || v == nil {
					return "", 0, 0, fmt.Errorf("%s: %w: no value for key column %s", ev.Where, ErrBadEvent, k)
				}
				sv, err := stageValue(v, keyTypes[j])
				if err != nil {
					return "", 0, 0, fmt.Errorf("%s: %w: key column %s: %v", ev.Where, ErrBadEvent, k, err)
				}
				parts[j] = sv
			}
			kb, _ := json.Marshal(parts)
			if j, ok := at[string(kb)]; ok {
				order[j] = -1
			}
			at[string(kb)] = len(order)
			order = append(order, i)
		}
		last = last[:0:0]
		for _, i := range order {
			if i >= 0 {
				last = append(last, evs[i])
			}
		}
	}
	f, err := os.CreateTemp("", "floe-ingest-*.jsonl")
	if err != nil {
		return "", 0, 0, err
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	ups, dels := 0, 0
	row := map[string]any{}
	for _, ev := range last {
		clear(row)
		op := "upsert"
		if ev.Op == 'd' {
			op, dels = "delete", dels+1
		} else {
			ups++
		}
		row["__floe_op"] = op
		for i, fl := range fields {
			v, ok := lookup(ev.Row, fl.Name)
			if !ok && ev.Op == 'd' && ev.Key != nil {
				v, _ = lookup(ev.Key, fl.Name)
			}
			sv, err := stageValue(v, types[i])
			if err != nil {
				f.Close()
				return f.Name(), 0, 0, fmt.Errorf("%s: %w: column %s (%s in %s): %v", ev.Where, ErrBadEvent, fl.Name, types[i], g.Ident(), err)
			}
			if sv != nil {
				row[fl.Name] = sv
			}
		}
		if err := enc.Encode(row); err != nil {
			f.Close()
			return f.Name(), 0, 0, err
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return f.Name(), 0, 0, err
	}
	return f.Name(), ups, dels, f.Close()
}
