package engine

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/floehq/floe/engine/vfs"
)

// AccessDir is the reserved directory of a warehouse that holds the access
// log of its data files: _floe_tiering/access/<time>-<process>.jsonl, one
// object per flush, merged when read. Intelligent-Tiering decides a file's
// tier from it.
const AccessDir = "_floe_tiering"

// accessFlushAt is how many recorded reads a process buffers before it
// writes them out without waiting for the end of the command or session.
const accessFlushAt = 4096

// ScannedFile is a data file a query read.
type ScannedFile struct {
	// Location is the file's location as the table's manifests name it.
	Location string
	// Bytes is its size.
	Bytes int64
}

// ScanObserver is an optional capability of a warehouse's FS (WithFS):
// told of the data files each query read, including the reads DuckDB makes
// itself, which never pass through the FS. The storage lens's counting FS
// is one.
type ScanObserver interface {
	ObserveScan(table [2]string, files []ScannedFile)
}

// FileAccess is what the access log knows of one data file.
type FileAccess struct {
	// Last is the time of the last recorded read; zero when none.
	Last time.Time
	// Since, when set, replaces the file's commit time as the start of its
	// idle time: a file moved to another path keeps its original age.
	Since time.Time
}

// accessRecord is one line of an access log object.
type accessRecord struct {
	Path string    `json:"p"`
	At   time.Time `json:"t"`
	// Since marks a record that carries a moved file's age (FileAccess.Since).
	Since bool `json:"s,omitempty"`
}

// accessLog is a warehouse's buffer of recorded reads, and the merged view
// of the log the last read of it built.
type accessLog struct {
	mu      sync.Mutex
	pending []accessRecord
	version int64 // bumped by every record and flush
	merged  map[string]FileAccess
	mergedV int64
	tiers   map[string]tierCache // by metadata location
}

type tierCache struct {
	version int64
	at      time.Time
	tiers   map[string]string
}

// accessRoot is where the warehouse's access log lives: under its
// directory, or its root on object storage.
func (w *Warehouse) accessRoot() string {
	if w.root != "" {
		return w.root + "/" + AccessDir + "/access"
	}
	return filepath.Join(w.dir, AccessDir, "access")
}

// RecordScan records that a query read the data files of plan p: called
// after the read ran, never for maintenance's own reads (they must not
// change a tier). The records stay in memory until FlushAccess (at the end
// of the command or session, or after accessFlushAt of them) writes them
// to the warehouse, so the query does not wait on storage. A FLOE_NOW that
// is not a time is reported and the reads are not recorded.
func (w *Warehouse) RecordScan(p *Plan) {
	if p == nil || len(p.Tasks) == 0 {
		return
	}
	now, err := Now()
	if err != nil {
		slog.Warn("reads not recorded for tiering", "table", p.Table.Ident(), "err", err)
		return
	}
	files := make([]ScannedFile, len(p.Tasks))
	w.acc.mu.Lock()
	for i, task := range p.Tasks {
		files[i] = ScannedFile{task.File.FilePath(), task.File.FileSizeBytes()}
		w.acc.pending = append(w.acc.pending, accessRecord{Path: task.File.FilePath(), At: now})
	}
	w.acc.version++
	full := len(w.acc.pending) >= accessFlushAt
	w.acc.mu.Unlock()
	if o, ok := w.fs.(ScanObserver); ok {
		o.ObserveScan([2]string{p.Table.NS, p.Table.Name}, files)
	}
	if full {
		if err := w.FlushAccess(context.Background()); err != nil {
			slog.Warn("access log not written; the reads are kept for the next flush", "err", err)
		}
	}
}

// recordSince writes, now, records that carry a moved file's age to its
// new location: the move must not make it look freshly written.
func (w *Warehouse) recordSince(moved map[string]FileAccess) error {
	var recs []accessRecord
	for loc, a := range moved {
		if !a.Since.IsZero() {
			recs = append(recs, accessRecord{Path: loc, At: a.Since, Since: true})
		}
		if !a.Last.IsZero() {
			recs = append(recs, accessRecord{Path: loc, At: a.Last})
		}
	}
	return w.writeAccess(recs)
}

// FlushAccess writes the buffered reads to the warehouse's access log as
// one new object. On failure they stay buffered for the next flush.
func (w *Warehouse) FlushAccess(ctx context.Context) error {
	w.acc.mu.Lock()
	recs := w.acc.pending
	w.acc.pending = nil
	w.acc.mu.Unlock()
	if len(recs) == 0 {
		return nil
	}
	if err := w.writeAccess(recs); err != nil {
		w.acc.mu.Lock()
		w.acc.pending = append(recs, w.acc.pending...)
		w.acc.mu.Unlock()
		return err
	}
	return nil
}

func (w *Warehouse) writeAccess(recs []accessRecord) error {
	if len(recs) == 0 {
		return nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	dir := w.accessRoot()
	if err := w.fs.MkdirAll(dir); err != nil {
		return fmt.Errorf("access log %s: %w", dir, err)
	}
	name := fmt.Sprintf("%020d-%d-%08x.jsonl", time.Now().UnixNano(), os.Getpid(), rand.Uint32())
	if err := writeFileIn(w, dir, name, b.Bytes()); err != nil {
		return fmt.Errorf("access log %s: %w", dir, err)
	}
	w.acc.mu.Lock()
	w.acc.version++
	w.acc.mu.Unlock()
	return nil
}

func joinIn(w *Warehouse, dir, name string) string {
	if w.root != "" {
		return dir + "/" + name
	}
	return filepath.Join(dir, name)
}

func writeFileIn(w *Warehouse, dir, name string, b []byte) error {
	return vfs.WriteFile(w.fs, joinIn(w, dir, name), b)
}

// AccessTimes merges the warehouse's access log, and this process's
// buffered reads, into what is known of each data file by location.
func (w *Warehouse) AccessTimes(ctx context.Context) (map[string]FileAccess, error) {
	w.acc.mu.Lock()
	if w.acc.merged != nil && w.acc.mergedV == w.acc.version {
		m := w.acc.merged
		w.acc.mu.Unlock()
		return m, nil
	}
	v := w.acc.version
	pending := append([]accessRecord(nil), w.acc.pending...)
	w.acc.mu.Unlock()
	out := map[string]FileAccess{}
	if _, err := w.readAccessObjects(ctx, func(r accessRecord) { mergeAccess(out, r) }); err != nil {
		return nil, err
	}
	for _, r := range pending {
		mergeAccess(out, r)
	}
	w.acc.mu.Lock()
	if w.acc.version == v {
		w.acc.merged, w.acc.mergedV = out, v
	}
	w.acc.mu.Unlock()
	return out, nil
}

func mergeAccess(m map[string]FileAccess, r accessRecord) {
	a := m[r.Path]
	if r.Since {
		if r.At.After(a.Since) {
			a.Since = r.At
		}
	} else if r.At.After(a.Last) {
		a.Last = r.At
	}
	m[r.Path] = a
}

// readAccessObjects calls fn for every record of every access log object
// and returns the objects' names. A line that is not a record is an error
// naming the object and line.
func (w *Warehouse) readAccessObjects(ctx context.Context, fn func(accessRecord)) ([]string, error) {
	dir := w.accessRoot()
	entries, err := w.fs.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("access log %s: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".jsonl") {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		name := joinIn(w, dir, path.Base(e.Name()))
		b, err := vfs.ReadFile(w.fs, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // merged and removed by another process meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("access log %s: %w", name, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		for line := 1; sc.Scan(); line++ {
			var r accessRecord
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.Path == "" {
				return nil, fmt.Errorf("access log %s:%d: not an access record: %q", name, line, truncateBytes(sc.Bytes(), 80))
			}
			fn(r)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("access log %s: %w", name, err)
		}
		names = append(names, name)
	}
	return names, nil
}

func truncateBytes(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}

// CompactAccessLog merges the access log's objects into one, keeping per
// file only its latest read and age, so reading it stays cheap. The merged
// object is written before the merged ones are removed: a crash between
// leaves duplicates, which merge to the same result.
func (w *Warehouse) CompactAccessLog(ctx context.Context) (int, error) {
	merged := map[string]FileAccess{}
	names, err := w.readAccessObjects(ctx, func(r accessRecord) { mergeAccess(merged, r) })
	if err != nil || len(names) < 2 {
		return 0, err
	}
	var recs []accessRecord
	for p, a := range merged {
		if !a.Since.IsZero() {
			recs = append(recs, accessRecord{Path: p, At: a.Since, Since: true})
		}
		if !a.Last.IsZero() {
			recs = append(recs, accessRecord{Path: p, At: a.Last})
		}
	}
	if err := w.writeAccess(recs); err != nil {
		return 0, err
	}
	for _, n := range names {
		if err := w.fs.Remove(n); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return 0, fmt.Errorf("access log: remove merged %s: %w", n, err)
		}
	}
	return len(names), nil
}
