package engine

import (
	"encoding/json"
	"errors"

	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/floehq/floe/engine/vfs"
)

// DefaultOrphanAge is how old a file must be before remove_orphan_files
// takes it when no older_than is given (Spark's default): a file younger
// than that may belong to a commit still in flight.
const DefaultOrphanAge = 3 * 24 * time.Hour

// OrphanOptions say which unreferenced files RemoveOrphanFiles removes.
type OrphanOptions struct {
	// OlderThan: only files last modified before it are taken. The zero
	// time means DefaultOrphanAge before Now.
	OlderThan time.Time
	// Location is the directory to look in, the table's location or a
	// directory inside it; "" means the table's location.
	Location string
	// DryRun lists the orphan files without deleting them.
	DryRun bool
	// MaxConcurrentDeletes bounds the deletions in flight; 0 means one at
	// a time. Negative is an error.
	MaxConcurrentDeletes int
}

// OrphanFile is a file no metadata reaches.
type OrphanFile struct {
	// Location is the file's location, a file:// URI, or an s3:// URI on
	// object storage.
	Location string
	// Size is its size in bytes.
	Size int64
}

// OrphanReport says what RemoveOrphanFiles found and did.
type OrphanReport struct {
	// Table is the table, lake.ns.t.
	Table string
	// Orphans are the orphan files, sorted: those deleted, or on a dry run
	// those that would be.
	Orphans []OrphanFile
	// Deleted counts the files deleted; 0 on a dry run.
	Deleted int
	// Uploads are the incomplete multipart uploads under the location on
	// object storage, started before the cutoff: what a process killed
	// in the middle of a large upload leaves (parts stored and billed,
	// never an object). They are aborted, or on a dry run only listed.
	Uploads []IncompleteUpload
	// Aborted counts the uploads aborted; 0 on a dry run.
	Aborted int
}

// IncompleteUpload is a multipart upload that was neither completed nor
// aborted.
type IncompleteUpload struct {
	// Location is the s3:// URI of the object it was to make, ID the
	// upload's id, Initiated when it started.
	Location, ID string
	Initiated    time.Time
}

// RemoveOrphanFiles deletes the files under the table's location that no
// metadata reaches and that are older than opts.OlderThan: what a killed
// write or an interrupted cleanup leaves behind. Reached are, as in
// Iceberg's DeleteOrphanFiles: the current metadata file and every
// metadata file its metadata log still lists, statistics files, and for
// every snapshot its manifest list, manifests and the data and delete
// files they name; and, beyond Iceberg, everything every other catalog
// entry reaches, so a table registered over the same files keeps them. A
// metadata file the log no longer lists is an orphan like any other file.
//
// The table stays locked against other floe commits meanwhile; the age
// margin protects files a writer has written but not yet committed, which
// is why it should stay in days.
func (w *Warehouse) RemoveOrphanFiles(ctx context.Context, ns, name string, opts OrphanOptions) (OrphanReport, error) {
	rep := OrphanReport{Table: "lake." + ns + "." + name}
	fail := func(err error) (OrphanReport, error) {
		return rep, fmt.Errorf("remove orphan files of %s: %w", rep.Table, err)
	}
	switch {
	case opts.MaxConcurrentDeletes < 0:
		return fail(fmt.Errorf("max_concurrent_deletes must be positive, not %d", opts.MaxConcurrentDeletes))
	case w.Remote():
		return fail(fmt.Errorf("%w: removing orphan files of a remote catalog's table is not supported yet", ErrRemoteCatalog))
	}
	now, err := Now()
	if err != nil {
		return fail(err)
	}
	cutoff := opts.OlderThan
	if cutoff.IsZero() {
		cutoff = now.Add(-DefaultOrphanAge)
	}

	unlock, err := w.lockTable(ctx, ns, name)
	if err != nil {
		return fail(err)
	}
	defer unlock()
	t, err := w.Table(ctx, ns, name)
	if err != nil {
		return fail(err)
	}
	if err := t.checkWritable(); err != nil {
		return fail(err)
	}
	if !opts.DryRun && !t.Properties().GetBool("gc.enabled", true) {
		return fail(ErrGCDisabled)
	}
	loc, ok := cleanLocation(t.Location())
	if !ok {
		return fail(fmt.Errorf("its location %s is neither on the local filesystem nor in an S3 bucket", t.Location()))
	}
	root := loc
	if opts.Location != "" {
		root, ok = cleanLocation(opts.Location)
		if !ok || !within(root, loc) {
			return fail(fmt.Errorf("location %s is not inside the table's location %s", opts.Location, loc))
		}
	}
	if !opts.DryRun && (!w.inside(root) || root == w.base()) {
		return fail(fmt.Errorf("its location %s is outside this warehouse; floe deletes files only inside it (dry_run => true lists them)", root))
	}

	found, _, err := w.unreferencedFiles(ctx, t, root, loc, cutoff)
	if err != nil {
		return fail(err)
	}
	orphans := make([]doomedFile, len(found))
	for i, f := range found {
		orphans[i] = f.doomedFile
	}
	if err := w.incompleteUploads(root, cutoff, opts.DryRun, &rep); err != nil {
		return fail(err)
	}
	if !opts.DryRun {
		deleted, errs := w.removeFiles(ctx, orphans, opts.MaxConcurrentDeletes)
		orphans, rep.Deleted = deleted, len(deleted)
		if errs != nil {
			rep.Orphans = orphanList(orphans)
			return rep, fmt.Errorf("remove orphan files of %s: deleted %d, but some could not be deleted: %w", rep.Table, rep.Deleted, errs)
		}
	}
	rep.Orphans = orphanList(orphans)
	return rep, nil
}

func orphanList(files []doomedFile) []OrphanFile {
	out := make([]OrphanFile, len(files))
	for i, f := range files {
		loc := f.path
		if !strings.HasPrefix(loc, "s3://") {
			loc = FileURI(path.Clean(loc))
		}
		out[i] = OrphanFile{loc, f.size}
	}
	return out
}

// walkedFile is a file an unreferenced-file walk found: doomedFile plus
// its key in the noncurrent marks (its path under the walked root).
type walkedFile struct {
	doomedFile
	key string
}

// unreferencedFiles walks root (the table's location loc or a directory
// in it) and the table's part of its cold path, and returns the files no
// metadata of the table or of any other catalog entry reaches that were
// last modified before cutoff, sorted, and the keys (noncurrentKey) of
// the files it found reached. The caller holds the table's lock.
func (w *Warehouse) unreferencedFiles(ctx context.Context, t *Table, root, loc string, cutoff time.Time) ([]walkedFile, map[string]bool, error) {
	reached := newLiveReachSet()
	if err := reached.addTable(ctx, t.tbl); err != nil {
		return nil, nil, err
	}
	others, err := w.othersReach(ctx, t.NS, t.Name)
	if err != nil {
		return nil, nil, err
	}
	marks := path.Dir(noncurrentPath(loc))
	var out []walkedFile
	seen := map[string]bool{}
	// base is what a file's key is relative to.
	type walkRoot struct{ dir, base, prefix string }
	roots := []walkRoot{{root, loc, noncurrentTablePrefix}}
	if cold := w.coldPathOf(ctx, t.Properties()); cold != "" && w.root == "" {
		// The table's files in the cold path (tiering) are its too.
		rel, err1 := filepath.Rel(w.dir, root)
		relLoc, err2 := filepath.Rel(w.dir, loc)
		if err1 == nil && err2 == nil && !strings.HasPrefix(rel, "..") && !strings.HasPrefix(relLoc, "..") {
			if _, err := w.fs.Stat(filepath.Join(cold, rel)); err == nil {
				roots = append(roots, walkRoot{filepath.Join(cold, rel), filepath.Join(cold, relLoc), noncurrentColdPrefix})
			}
		}
	}
	for _, r := range roots {
		err = w.fs.Walk(r.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return ctx.Err()
			}
			if q, ok := cleanLocation(p); ok {
				p = q
			}
			if within(p, marks) || w.reserved(p) {
				return nil
			}
			key := r.prefix + strings.TrimPrefix(strings.TrimPrefix(p, r.base), "/")
			if reached.has(p) || others.has(p) {
				seen[key] = true
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if !info.ModTime().Before(cutoff) {
				return nil
			}
			out = append(out, walkedFile{doomedFile{p, fileInfo{kindOther, info.Size()}}, key})
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("list %s: %w", r.dir, err)
		}
	}
	slices.SortFunc(out, func(a, b walkedFile) int { return strings.Compare(a.path, b.path) })
	return out, seen, nil
}

// Noncurrent marks: the unreferenced-file removal of maintenance (S3
// Tables' two steps) first marks a file no metadata references as
// noncurrent, and deletes it only once it has stayed unreferenced and
// marked for the non-current days. The marks of a table are one JSON file
// under its location, written whole (atomically) by each run.
const (
	noncurrentDir         = "_floe_maintenance"
	noncurrentFile        = "noncurrent.json"
	noncurrentFormat      = "floe-noncurrent-1"
	noncurrentTablePrefix = "table/"
	noncurrentColdPrefix  = "cold/"
)

// noncurrentPath is where the marks of the table at clean location loc
// live.
func noncurrentPath(loc string) string {
	return strings.TrimSuffix(loc, "/") + "/" + noncurrentDir + "/" + noncurrentFile
}

// noncurrentMark is one marked file: when it was marked and its size.
type noncurrentMark struct {
	Marked time.Time `json:"marked"`
	Bytes  int64     `json:"bytes"`
}

// noncurrentMarks is the marks file. Keys are a file's path relative to
// the table's location ("table/data/x.parquet") or to its part of the cold
// path ("cold/..."), so a copied or relocated warehouse's marks never name
// another warehouse's files.
type noncurrentMarks struct {
	Format string                    `json:"format"`
	Files  map[string]noncurrentMark `json:"files"`
}

// readNoncurrent reads the marks at p and their version for
// writeNoncurrent ("" when there are none).
func (w *Warehouse) readNoncurrent(p string) (noncurrentMarks, string, error) {
	m := noncurrentMarks{Format: noncurrentFormat, Files: map[string]noncurrentMark{}}
	sw, ok := w.fs.(vfs.Swapper)
	if !ok {
		return m, "", fmt.Errorf("the warehouse's storage cannot replace a file in place, which the noncurrent marks %s need", p)
	}
	b, version, err := sw.ReadVersion(p)
	if errors.Is(err, fs.ErrNotExist) {
		return m, "", nil
	}
	if err != nil {
		return m, "", fmt.Errorf("read the noncurrent marks %s: %w", p, err)
	}
	if err := json.Unmarshal(b, &m); err != nil || m.Format != noncurrentFormat {
		if err == nil {
			err = fmt.Errorf("format %q, want %q", m.Format, noncurrentFormat)
		}
		return m, "", fmt.Errorf("the noncurrent marks %s are unreadable (delete the file to start marking afresh): %w", p, err)
	}
	if m.Files == nil {
		m.Files = map[string]noncurrentMark{}
	}
	return m, version, nil
}

// writeNoncurrent replaces the marks at p, last read at version, whole;
// no marks remove it and its directory. It returns the new version.
func (w *Warehouse) writeNoncurrent(p string, m noncurrentMarks, version string) (string, error) {
	if len(m.Files) == 0 {
		// The directory goes too, with Swap's lock file in it.
		if err := w.fs.RemoveAll(path.Dir(p)); err != nil {
			return version, fmt.Errorf("remove the noncurrent marks %s: %w", p, err)
		}
		return "", nil
	}
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return version, err
	}
	if w.root == "" {
		if err := w.fs.MkdirAll(path.Dir(p)); err != nil {
			return version, fmt.Errorf("write the noncurrent marks %s: %w", p, err)
		}
	}
	v, err := w.fs.(vfs.Swapper).Swap(p, b, version)
	if err != nil {
		return version, fmt.Errorf("write the noncurrent marks %s: %w", p, err)
	}
	return v, nil
}

// UnreferencedOptions are the unreferenced-file removal policy of a table
// (PolicyUnreferencedDays, PolicyNonCurrentDays).
type UnreferencedOptions struct {
	// UnreferencedDays: a file no metadata references is marked noncurrent
	// once it is this many days old.
	UnreferencedDays int
	// NonCurrentDays: a file marked noncurrent is deleted once it has been
	// marked this many days and is still unreferenced.
	NonCurrentDays int
}

// UnreferencedReport says what RemoveUnreferencedFiles did.
type UnreferencedReport struct {
	Table string
	// Marked are the files this run marked noncurrent; Deleted those it
	// deleted, marked at least NonCurrentDays before.
	Marked, Deleted []OrphanFile
	// Unmarked counts marked files found referenced again (a table
	// registered over them, a rollback) and so no longer marked.
	Unmarked int
	// Pending and PendingBytes are the files marked after the run, waiting
	// for their non-current days.
	Pending      int
	PendingBytes int64
	// Aborted counts incomplete multipart uploads (a killed writer's)
	// under the table's location older than the unreferenced days, aborted.
	Aborted int
}

// RemoveUnreferencedFiles is the unreferenced-file removal job of
// maintenance, in S3 Tables' two steps: a file under the table's location
// (or its part of the cold path) that no metadata of any catalog entry
// references and that is at least UnreferencedDays old is marked
// noncurrent; a file marked at least NonCurrentDays ago and still
// unreferenced is deleted; a marked file referenced again is unmarked. The
// marks are a file under the table's location (_floe_maintenance/,
// on object storage too), written before any deletion, so a kill at any
// point loses nothing referenced and at worst repeats a deletion.
//
// CALL remove_orphan_files keeps Spark's meaning instead: it deletes the
// unreferenced files older than its older_than directly, without marks.
func (w *Warehouse) RemoveUnreferencedFiles(ctx context.Context, ns, name string, opts UnreferencedOptions) (UnreferencedReport, error) {
	rep := UnreferencedReport{Table: "lake." + ns + "." + name}
	fail := func(err error) (UnreferencedReport, error) {
		return rep, fmt.Errorf("remove unreferenced files of %s: %w", rep.Table, err)
	}
	switch {
	case opts.UnreferencedDays < 1 || opts.NonCurrentDays < 1:
		return fail(fmt.Errorf("unreferenced days %d and non-current days %d must be at least 1", opts.UnreferencedDays, opts.NonCurrentDays))
	case w.Remote():
		return fail(fmt.Errorf("%w: removing unreferenced files of a remote catalog's table is not supported yet", ErrRemoteCatalog))
	}
	now, err := Now()
	if err != nil {
		return fail(err)
	}
	const day = 24 * time.Hour
	unlock, err := w.lockTable(ctx, ns, name)
	if err != nil {
		return fail(err)
	}
	defer unlock()
	t, err := w.Table(ctx, ns, name)
	if err != nil {
		return fail(err)
	}
	if err := t.checkWritable(); err != nil {
		return fail(err)
	}
	if !t.Properties().GetBool("gc.enabled", true) {
		return fail(ErrGCDisabled)
	}
	loc, ok := cleanLocation(t.Location())
	if !ok {
		return fail(fmt.Errorf("its location %s is neither on the local filesystem nor in an S3 bucket", t.Location()))
	}
	if !w.inside(loc) || loc == w.base() {
		return fail(fmt.Errorf("its location %s is outside this warehouse; floe deletes files only inside it", loc))
	}
	found, referenced, err := w.unreferencedFiles(ctx, t, loc, loc, now.Add(-time.Duration(opts.UnreferencedDays)*day))
	if err != nil {
		return fail(err)
	}
	marksPath := noncurrentPath(loc)
	old, version, err := w.readNoncurrent(marksPath)
	if err != nil {
		return fail(err)
	}
	for k := range old.Files {
		if referenced[k] {
			rep.Unmarked++
		}
	}
	// The new marks: every unreferenced file old enough, with its first
	// mark; marks of files gone or referenced again drop out.
	next := noncurrentMarks{Format: noncurrentFormat, Files: map[string]noncurrentMark{}}
	var doomed []doomedFile
	var marked []doomedFile
	deadline := now.Add(-time.Duration(opts.NonCurrentDays) * day)
	for _, f := range found {
		m, ok := old.Files[f.key]
		if !ok {
			m = noncurrentMark{Marked: now.UTC(), Bytes: f.size}
			marked = append(marked, f.doomedFile)
		} else if !m.Marked.After(deadline) {
			doomed = append(doomed, f.doomedFile)
		}
		next.Files[f.key] = m
	}
	// Marks first (the doomed still among them): a kill during the
	// deletions leaves them marked, and the next run deletes them then.
	if len(marked) > 0 || len(next.Files) != len(old.Files) {
		if version, err = w.writeNoncurrent(marksPath, next, version); err != nil {
			return fail(err)
		}
	}
	rep.Marked = orphanList(marked)
	var uploads OrphanReport
	if err := w.incompleteUploads(loc, now.Add(-time.Duration(opts.UnreferencedDays)*day), false, &uploads); err != nil {
		return fail(err)
	}
	rep.Aborted = uploads.Aborted
	deleted, errs := w.removeFiles(ctx, doomed, 4)
	rep.Deleted = orphanList(deleted)
	if len(deleted) > 0 {
		gone := map[string]bool{}
		for _, d := range deleted {
			gone[d.path] = true
		}
		for _, f := range found {
			if gone[f.path] {
				delete(next.Files, f.key)
			}
		}
		if _, err := w.writeNoncurrent(marksPath, next, version); err != nil {
			errs = errors.Join(errs, err)
		}
	}
	for _, m := range next.Files {
		rep.Pending++
		rep.PendingBytes += m.Bytes
	}
	if errs != nil {
		return rep, fmt.Errorf("remove unreferenced files of %s: deleted %d, but some could not be deleted: %w", rep.Table, len(deleted), errs)
	}
	return rep, nil
}

// NoncurrentFiles returns how many files of table lake.ns.name are marked
// noncurrent, waiting for deletion, and their bytes.
func (w *Warehouse) NoncurrentFiles(ctx context.Context, ns, name string) (int, int64, error) {
	t, err := w.Table(ctx, ns, name)
	if err != nil {
		return 0, 0, err
	}
	loc, ok := cleanLocation(t.Location())
	if !ok {
		return 0, 0, nil
	}
	m, _, err := w.readNoncurrent(noncurrentPath(loc))
	if err != nil {
		return 0, 0, err
	}
	var n int
	var b int64
	for _, f := range m.Files {
		n++
		b += f.Bytes
	}
	return n, b, nil
}

// incompleteUploads lists, and unless dryRun aborts, the incomplete
// multipart uploads under root (on object storage) started before cutoff,
// the same age margin as orphan files: a younger one may be a writer's
// still at work.
func (w *Warehouse) incompleteUploads(root string, cutoff time.Time, dryRun bool, rep *OrphanReport) error {
	if w.s3 == nil || !strings.HasPrefix(root, "s3://") {
		return nil
	}
	ups, err := w.s3.IncompleteUploads(root, cutoff)
	if err != nil {
		return err
	}
	for _, u := range ups {
		rep.Uploads = append(rep.Uploads, IncompleteUpload{Location: u.Location, ID: u.ID, Initiated: u.Initiated})
		if dryRun {
			continue
		}
		if err := w.s3.AbortUpload(u); err != nil {
			return err
		}
		rep.Aborted++
	}
	return nil
}
