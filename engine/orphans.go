package engine

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
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

	reached := newLiveReachSet()
	if err := reached.addTable(ctx, t.tbl); err != nil {
		return fail(err)
	}
	others, err := w.othersReach(ctx, ns, name)
	if err != nil {
		return fail(err)
	}
	var orphans []doomedFile
	roots := []string{root}
	if cold := w.coldPathOf(ctx, t.Properties()); cold != "" && w.root == "" {
		// The table's files in the cold path (tiering) are its too.
		if rel, err := filepath.Rel(w.dir, root); err == nil && !strings.HasPrefix(rel, "..") {
			if _, err := w.fs.Stat(filepath.Join(cold, rel)); err == nil {
				roots = append(roots, filepath.Join(cold, rel))
			}
		}
	}
	for _, root := range roots {
		err = w.fs.Walk(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				return ctx.Err()
			}
			if q, ok := cleanLocation(p); ok {
				p = q
			}
			if reached.has(p) || others.has(p) || w.reserved(p) {
				return nil
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			if !info.ModTime().Before(cutoff) {
				return nil
			}
			orphans = append(orphans, doomedFile{p, fileInfo{kindOther, info.Size()}})
			return nil
		})
		if err != nil {
			return fail(fmt.Errorf("list %s: %w", root, err))
		}
	}
	slices.SortFunc(orphans, func(a, b doomedFile) int { return strings.Compare(a.path, b.path) })
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
