package lens

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/bits"
	"net/url"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
)

// ActivityPrefix is the reserved directory of a warehouse that processes
// write their I/O counters to, one object per flush:
// _floe_lens/activity/day=2026-12-02/<process>-<seq>.json.
const ActivityPrefix = "_floe_lens"

// maxUniqueFiles bounds the set of distinct files a counter remembers per
// table between flushes, so a long scan of a huge table cannot grow it
// without limit; past it, files_accessed is a lower bound.
const maxUniqueFiles = 100_000

// latencyBuckets is the number of power-of-two microsecond buckets of a
// latency histogram: bucket i holds durations below 2^i µs (the last one
// everything longer, ~2^39 µs).
const latencyBuckets = 40

// tableActivity is one table's counters in one flush object. Histograms
// merge by adding, so the day's percentiles come from the sum of every
// process's histograms, not an average of their percentiles.
type tableActivity struct {
	Namespace     string                `json:"namespace"`
	Table         string                `json:"table"`
	ReadRequests  int64                 `json:"read_requests"`
	WriteRequests int64                 `json:"write_requests"`
	BytesRead     int64                 `json:"bytes_read"`
	BytesWritten  int64                 `json:"bytes_written"`
	Commits       int64                 `json:"commits"`
	Conflicts     int64                 `json:"commit_conflicts"`
	Files         []string              `json:"files"`
	FirstByte     [latencyBuckets]int64 `json:"first_byte_us_log2"`
	Total         [latencyBuckets]int64 `json:"total_us_log2"`
}

// activityObject is what one flush writes.
type activityObject struct {
	Process string           `json:"process"`
	From    time.Time        `json:"from"`
	To      time.Time        `json:"to"`
	Tables  []*tableActivity `json:"tables"`
}

// counters are one table's live counters.
type counters struct {
	readRequests, writeRequests atomic.Int64
	bytesRead, bytesWritten     atomic.Int64
	commits, conflicts          atomic.Int64
	firstByte, total            [latencyBuckets]atomic.Int64
	// unswapped counts the metadata files written since the table's
	// catalog pointer last moved: commits a lost swap takes back.
	unswapped atomic.Int64

	mu    sync.Mutex
	files map[string]struct{}
}

func bucket(d time.Duration) int {
	us := d.Microseconds()
	if us <= 0 {
		return 0
	}
	return min(bits.Len64(uint64(us)), latencyBuckets-1)
}

// CountingFS is a vfs.FS that counts the requests, bytes, files and
// latencies of each table's files as they pass through, for the
// activity_daily metrics. Counting is a few atomic adds per request and
// one map insert per opened file: nothing on the query path waits for it.
// Flush writes what was counted since the last flush to the warehouse.
type CountingFS struct {
	inner   vfs.FS
	root    string
	process string
	seq     atomic.Int64

	// timed is set once Transport times the requests themselves: then
	// the latencies are the HTTP requests', not the files'.
	timed atomic.Bool

	mu    sync.Mutex
	since time.Time
	by    map[[2]string]*counters
}

// Count wraps the filesystem of the warehouse in root (a local directory
// or the warehouse's root location, s3://bucket/prefix) with I/O
// accounting. With a nil inner the filesystem comes later, through Wrap
// (engine.WithWrapFS(c.Wrap) counts whichever one the warehouse opens).
func Count(inner vfs.FS, root string) *CountingFS {
	host, _ := os.Hostname()
	now := time.Now()
	return &CountingFS{
		inner:   inner,
		root:    strings.TrimSuffix(clean(root), "/"),
		process: fmt.Sprintf("%s-%d-%d", strings.ReplaceAll(host, "/", "_"), os.Getpid(), now.UnixNano()),
		since:   now,
		by:      map[[2]string]*counters{},
	}
}

// clean turns a file:// location into a path and cleans it.
func clean(name string) string {
	if p, ok := engine.LocalPath(name); ok {
		return path.Clean(p)
	}
	return name
}

// tableOf returns the counters of the table a file belongs to, by the
// warehouse's layout <root>/<ns>.db/<table>/...; nil for files of no table
// (the catalog, the activity objects).
func (c *CountingFS) tableOf(name string) *counters {
	p := clean(name)
	rel, ok := strings.CutPrefix(p, c.root+"/")
	if !ok {
		return nil
	}
	parts := strings.SplitN(rel, "/", 3)
	if len(parts) < 3 || !strings.HasSuffix(parts[0], ".db") {
		return nil
	}
	ns := strings.TrimSuffix(parts[0], ".db")
	if ns == Namespace {
		return nil // the lens's own tables are not activity of the warehouse
	}
	return c.counters(ns, parts[1])
}

// counters returns the live counters of table ns.tbl.
func (c *CountingFS) counters(ns, tbl string) *counters {
	key := [2]string{ns, tbl}
	c.mu.Lock()
	defer c.mu.Unlock()
	k := c.by[key]
	if k == nil {
		k = &counters{files: map[string]struct{}{}}
		c.by[key] = k
	}
	return k
}

func (k *counters) touch(name string) {
	k.mu.Lock()
	if len(k.files) < maxUniqueFiles {
		k.files[clean(name)] = struct{}{}
	}
	k.mu.Unlock()
}

// Open opens the named file for reading, counting one read request.
func (c *CountingFS) Open(name string) (vfs.File, error) {
	start := time.Now()
	f, err := c.inner.Open(name)
	k := c.tableOf(name)
	if k != nil {
		k.readRequests.Add(1) // a failed open is a request too, as S3 counts a 404
	}
	if err != nil || k == nil {
		return f, err
	}
	k.touch(name)
	return &countedFile{File: f, k: k, start: start, untimed: c.timed.Load()}, nil
}

// Create starts a new file, counting one write request; a metadata file
// that loses its create (another writer made that version first) counts
// as a commit conflict.
func (c *CountingFS) Create(name string) (vfs.Writer, error) {
	start := time.Now()
	w, err := c.inner.Create(name)
	if err != nil {
		return nil, err
	}
	k := c.tableOf(name)
	if k == nil {
		return w, nil
	}
	k.writeRequests.Add(1)
	k.touch(name)
	return &countedWriter{Writer: w, k: k, start: start, untimed: c.timed.Load(), commit: strings.HasSuffix(name, ".metadata.json")}, nil
}

// FS returns c as the warehouse's filesystem: when the wrapped one can
// swap pointer objects (vfs.Swapper), so can the result, and a table's
// pointer swap that loses (a catalog on the warehouse's storage, package
// objcat) counts as a commit conflict of that table, and its commit as
// not made. The S3 filesystem's Iceberg properties pass through too.
func (c *CountingFS) FS() vfs.FS {
	s, swaps := c.inner.(vfs.Swapper)
	p, props := c.inner.(icebergProperties)
	switch {
	case swaps && props:
		return countingS3{countingSwapper{c, s}, p}
	case swaps:
		return countingSwapper{c, s}
	}
	return c
}

// Wrap makes inner the filesystem c counts and returns c.FS(): for
// engine.WithWrapFS, with a counter made by Count(nil, root).
func (c *CountingFS) Wrap(inner vfs.FS) vfs.FS {
	c.inner = inner
	return c.FS()
}

// icebergProperties is what the S3 filesystem tells Iceberg clients
// (engine.Warehouse.StorageConfig asks the warehouse's FS for it).
type icebergProperties interface {
	IcebergProperties(context.Context, bool) (map[string]string, error)
}

type countingS3 struct {
	countingSwapper
	p icebergProperties
}

func (c countingS3) IcebergProperties(ctx context.Context, secrets bool) (map[string]string, error) {
	return c.p.IcebergProperties(ctx, secrets)
}

type countingSwapper struct {
	*CountingFS
	s vfs.Swapper
}

func (c countingSwapper) ReadVersion(name string) ([]byte, string, error) {
	return c.s.ReadVersion(name)
}

func (c countingSwapper) Swap(name string, b []byte, version string) (string, error) {
	v, err := c.s.Swap(name, b, version)
	k := c.pointerTable(name)
	if k == nil {
		return v, err
	}
	switch {
	case err == nil:
		k.unswapped.Store(0)
	case errors.Is(err, vfs.ErrConflict):
		k.conflicts.Add(1)
		// Commits count where their metadata file is written; the one
		// this swap was to publish did not happen.
		if k.unswapped.Add(-1) >= 0 {
			k.commits.Add(-1)
		} else {
			k.unswapped.Store(0)
		}
	}
	return v, err
}

// pointerTable returns the counters of the table whose catalog pointer
// (objcat's <root>/_catalog/tables/<namespace>/<table>.json) name is;
// nil for other objects.
func (c *CountingFS) pointerTable(name string) *counters {
	rel, ok := strings.CutPrefix(clean(name), c.root+"/"+objcat.Dir+"/tables/")
	if !ok {
		return nil
	}
	ns, file, ok := strings.Cut(rel, "/")
	tbl, json := strings.CutSuffix(file, ".json")
	if !ok || !json || strings.Contains(tbl, "/") {
		return nil
	}
	ns, err1 := url.PathUnescape(ns)
	tbl, err2 := url.PathUnescape(tbl)
	if err1 != nil || err2 != nil || ns == Namespace {
		return nil
	}
	return c.counters(ns, tbl)
}

// Stat describes the named file or directory.
func (c *CountingFS) Stat(name string) (fs.FileInfo, error) { return c.inner.Stat(name) }

// ReadDir lists a directory.
func (c *CountingFS) ReadDir(name string) ([]fs.DirEntry, error) { return c.inner.ReadDir(name) }

// Walk walks the tree at root.
func (c *CountingFS) Walk(root string, fn fs.WalkDirFunc) error { return c.inner.Walk(root, fn) }

// Remove removes a file or an empty directory.
func (c *CountingFS) Remove(name string) error { return c.inner.Remove(name) }

// RemoveAll removes name and everything under it.
func (c *CountingFS) RemoveAll(name string) error { return c.inner.RemoveAll(name) }

// MkdirAll makes a directory and its parents.
func (c *CountingFS) MkdirAll(name string) error { return c.inner.MkdirAll(name) }

type countedFile struct {
	vfs.File
	k       *counters
	start   time.Time
	untimed bool // Transport times the requests
	started atomic.Bool
	closed  atomic.Bool
}

func (f *countedFile) first() {
	if !f.untimed && !f.started.Swap(true) {
		f.k.firstByte[bucket(time.Since(f.start))].Add(1)
	}
}

func (f *countedFile) Read(p []byte) (int, error) {
	n, err := f.File.Read(p)
	f.first()
	f.k.bytesRead.Add(int64(n))
	return n, err
}

func (f *countedFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.File.ReadAt(p, off)
	f.first()
	f.k.bytesRead.Add(int64(n))
	return n, err
}

func (f *countedFile) Close() error {
	if !f.closed.Swap(true) && !f.untimed {
		f.k.total[bucket(time.Since(f.start))].Add(1)
	}
	return f.File.Close()
}

type countedWriter struct {
	vfs.Writer
	k       *counters
	start   time.Time
	untimed bool // Transport times the requests
	commit  bool
}

func (w *countedWriter) Write(p []byte) (int, error) {
	n, err := w.Writer.Write(p)
	w.k.bytesWritten.Add(int64(n))
	return n, err
}

func (w *countedWriter) Close() error {
	err := w.Writer.Close()
	if !w.untimed {
		w.k.total[bucket(time.Since(w.start))].Add(1)
	}
	switch {
	case err == nil && w.commit:
		w.k.commits.Add(1)
		w.k.unswapped.Add(1)
	case err != nil && w.commit && (errors.Is(err, fs.ErrExist) || errors.Is(err, vfs.ErrConflict)):
		w.k.conflicts.Add(1)
	}
	return err
}

// take empties the counters into a flush object; nil when nothing was
// counted.
func (c *CountingFS) take(now time.Time) *activityObject {
	c.mu.Lock()
	by := c.by
	c.by = map[[2]string]*counters{}
	from := c.since
	c.since = now
	c.mu.Unlock()
	obj := &activityObject{Process: c.process, From: from, To: now}
	for key, k := range by {
		a := &tableActivity{
			Namespace: key[0], Table: key[1],
			ReadRequests: k.readRequests.Load(), WriteRequests: k.writeRequests.Load(),
			BytesRead: k.bytesRead.Load(), BytesWritten: k.bytesWritten.Load(),
			Commits: k.commits.Load(), Conflicts: k.conflicts.Load(),
		}
		k.mu.Lock()
		for f := range k.files {
			a.Files = append(a.Files, f)
		}
		k.mu.Unlock()
		for i := range latencyBuckets {
			a.FirstByte[i] = k.firstByte[i].Load()
			a.Total[i] = k.total[i].Load()
		}
		obj.Tables = append(obj.Tables, a)
	}
	if len(obj.Tables) == 0 {
		return nil
	}
	return obj
}

// Flush writes what was counted since the last flush as one object under
// ActivityPrefix, in the folder of now's day (UTC), and starts counting
// afresh. Nothing counted writes nothing. Counts of requests still open
// when Flush runs land in the next flush.
func (c *CountingFS) Flush(now time.Time) error {
	obj := c.take(now)
	if obj == nil {
		return nil
	}
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	dir := join(c.root, ActivityPrefix, "activity", "day="+now.UTC().Format(time.DateOnly))
	if err := c.inner.MkdirAll(dir); err != nil {
		return fmt.Errorf("write activity counters: %w", err)
	}
	name := dir + "/" + fmt.Sprintf("%s-%d.json", c.process, c.seq.Add(1))
	if err := vfs.WriteFile(c.inner, name, b); err != nil {
		return fmt.Errorf("write activity counters %s: %w", name, err)
	}
	return nil
}
