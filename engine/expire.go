package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
)

// ExpireOptions say which snapshots ExpireSnapshots removes. The zero
// value expires as Iceberg's defaults do (Spark's expire_snapshots with
// no arguments).
type ExpireOptions struct {
	// OlderThan is the cut-off: a snapshot taken before it may expire. The
	// zero time means the table's history.expire.max-snapshot-age-ms
	// (default 5 days) before Now.
	OlderThan time.Time
	// RetainLast is how many ancestors of each branch are kept whatever
	// their age; 0 means the table's history.expire.min-snapshots-to-keep
	// (default 1). A branch's own min-snapshots-to-keep wins over both.
	// Negative is an error.
	RetainLast int
	// MaxConcurrentDeletes bounds the file deletions in flight; 0 means
	// one at a time. Negative is an error.
	MaxConcurrentDeletes int
}

// ExpireReport says what ExpireSnapshots did. The counts follow Spark's
// expire_snapshots result.
type ExpireReport struct {
	// Table is the table, lake.ns.t.
	Table string
	// Expired lists the removed snapshots, oldest first.
	Expired []int64
	// RemovedRefs lists the branches and tags removed for being older than
	// their max-ref-age-ms.
	RemovedRefs []string
	// Deleted files by kind: data files, position-delete files (deletion
	// vectors' Puffin files among them), equality-delete files, manifests,
	// manifest lists, and table or partition statistics files.
	DeletedDataFiles, DeletedPositionDeleteFiles, DeletedEqualityDeleteFiles int
	DeletedManifests, DeletedManifestLists, DeletedStatisticsFiles           int
	// DeletedBytes sums the sizes of the deleted files.
	DeletedBytes int64
	// Kept counts files only the expired snapshots reached that were kept:
	// another catalog entry reaches them, or they lie outside the
	// warehouse.
	Kept int
}

// ErrGCDisabled reports maintenance that would delete files of a table
// whose gc.enabled property is false (Iceberg's guard for tables whose
// files other tables may share).
var ErrGCDisabled = errors.New("garbage collection is disabled for the table (gc.enabled=false)")

// ExpireSnapshots removes the table's snapshots that opts let expire, in
// one commit, and then deletes the files only they reached: their manifest
// lists, the manifests no kept snapshot lists, and the data, delete and
// statistics files those manifests alone name. It follows Iceberg's
// RemoveSnapshots (which Spark's expire_snapshots runs): the current
// snapshot and the snapshot of every branch and tag are never removed; a
// branch keeps its newest RetainLast ancestors and every ancestor taken
// after the cut-off; a snapshot no branch or tag reaches is kept until it
// is older than the cut-off; a branch or tag other than main older than
// its max-ref-age-ms is removed with its snapshot.
//
// A file another catalog entry reaches (a table registered over the same
// files) is never deleted, nor one outside the warehouse, nor a metadata
// file (remove_orphan_files takes those once the metadata log lets go of
// them). Files are deleted only after the commit succeeded; a crash in
// between leaves unreferenced files, never a snapshot whose files are gone.
//
// iceberg-go's Transaction.ExpireSnapshots is not used: it measures ages
// against the system clock (Now honours FLOE_NOW), takes the cut-off as a
// duration (a cut-off after the system clock cannot be said) and deletes
// files without asking whether other tables share them.
func (w *Warehouse) ExpireSnapshots(ctx context.Context, ns, name string, opts ExpireOptions) (ExpireReport, error) {
	rep := ExpireReport{Table: "lake." + ns + "." + name}
	fail := func(err error) (ExpireReport, error) {
		return rep, fmt.Errorf("expire snapshots of %s: %w", rep.Table, err)
	}
	switch {
	case opts.RetainLast < 0:
		return fail(fmt.Errorf("retain_last must be at least 1, not %d", opts.RetainLast))
	case opts.MaxConcurrentDeletes < 0:
		return fail(fmt.Errorf("max_concurrent_deletes must be positive, not %d", opts.MaxConcurrentDeletes))
	case w.Remote():
		return fail(fmt.Errorf("%w: expiring snapshots of a remote catalog's table is not supported yet", ErrRemoteCatalog))
	}
	now, err := Now()
	if err != nil {
		return fail(err)
	}

	unlock, err := w.lockTable(ctx, ns, name)
	if err != nil {
		return fail(err)
	}
	defer func() { unlock() }()
	var before, after *table.Table
	var others *reachSet
	for attempt := 1; ; attempt++ {
		cur, err := w.Table(ctx, ns, name)
		if err != nil {
			return fail(err)
		}
		if err := cur.checkWritable(); err != nil {
			return fail(err)
		}
		md := cur.tbl.Metadata()
		if !md.Properties().GetBool(table.GCEnabledKey, table.GCEnabledDefault) {
			return fail(ErrGCDisabled)
		}
		sel := selectExpired(md, now, opts)
		if len(sel.expire) == 0 && len(sel.dropRefs) == 0 {
			return rep, nil
		}
		if others == nil {
			// Before the commit: a catalog entry that cannot be read stops
			// the expiry while nothing has changed yet.
			if others, err = w.othersReach(ctx, ns, name); err != nil {
				return fail(err)
			}
		}
		var updates []table.Update
		for _, ref := range sel.dropRefs {
			updates = append(updates, table.NewRemoveSnapshotRefUpdate(ref))
		}
		if len(sel.expire) > 0 {
			updates = append(updates, table.NewRemoveSnapshotsUpdate(sel.expire, false))
		}
		reqs := append([]table.Requirement{table.AssertTableUUID(md.TableUUID())}, sel.reqs...)
		nmd, loc, err := w.cat.CommitTable(ctx, table.Identifier{ns, name}, reqs, updates)
		if err == nil {
			before = cur.tbl
			after = table.New(table.Identifier{ns, name}, nmd, loc, icebergio.LoadFSFunc(w.props, loc), w.cat)
			cur.committed(after)
			rep.Expired, rep.RemovedRefs = sel.expire, sel.dropRefs
			break
		}
		if !isConflict(err) {
			return fail(err)
		}
		if attempt == maxCommitAttempts {
			return fail(fmt.Errorf("%w: gave up after %d attempts: %v", ErrCommitConflict, attempt, err))
		}
		wait := time.Duration(5*(1<<min(attempt, 6))) * time.Millisecond
		wait += time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return fail(ctx.Err())
		case <-time.After(wait):
		}
	}

	// The commit is the operation; what follows only frees storage, and
	// the lock is no longer needed for it: no later commit can reach a
	// file only removed snapshots reached.
	unlock()
	unlock = func() {}
	doomed, kept, err := w.unreachedAfter(ctx, before, after, others)
	if err != nil {
		return rep, fmt.Errorf("expire snapshots of %s: the snapshots are expired, but their files were left (remove_orphan_files removes them later): %w", rep.Table, err)
	}
	rep.Kept = kept
	deleted, errs := w.removeFiles(ctx, doomed, opts.MaxConcurrentDeletes)
	for _, f := range deleted {
		rep.DeletedBytes += f.size
		switch f.kind {
		case kindData:
			rep.DeletedDataFiles++
		case kindPositionDeletes:
			rep.DeletedPositionDeleteFiles++
		case kindEqualityDeletes:
			rep.DeletedEqualityDeleteFiles++
		case kindManifest:
			rep.DeletedManifests++
		case kindManifestList:
			rep.DeletedManifestLists++
		case kindStatistics:
			rep.DeletedStatisticsFiles++
		}
	}
	if errs != nil {
		return rep, fmt.Errorf("expire snapshots of %s: the snapshots are expired, but some of their files could not be deleted (remove_orphan_files removes them later): %w", rep.Table, errs)
	}
	return rep, nil
}

// expirySelection is what an expiry removes from a table's metadata, and
// the requirements that pin what it was decided on.
type expirySelection struct {
	expire   []int64
	dropRefs []string
	reqs     []table.Requirement
}

// selectExpired decides, as Iceberg's RemoveSnapshots does, which
// snapshots and refs of md expire at now under opts.
func selectExpired(md table.Metadata, now time.Time, opts ExpireOptions) expirySelection {
	props := md.Properties()
	nowMs := now.UnixMilli()
	cutoff := nowMs - props.GetInt64(table.MaxSnapshotAgeMsKey, table.MaxSnapshotAgeMsDefault)
	if !opts.OlderThan.IsZero() {
		cutoff = opts.OlderThan.UnixMilli()
	}
	minKeep := props.GetInt(table.MinSnapshotsToKeepKey, table.MinSnapshotsToKeepDefault)
	if opts.RetainLast > 0 {
		minKeep = opts.RetainLast
	}
	maxRefAge := props.GetInt64(table.MaxRefAgeMsKey, table.MaxRefAgeMsDefault)
	lookup := func(id int64) *table.Snapshot { return md.SnapshotByID(id) }

	var sel expirySelection
	keep := map[int64]bool{}
	reached := map[int64]bool{} // by a kept branch or tag
	var names []string
	refs := map[string]table.SnapshotRef{}
	for name, ref := range md.Refs() {
		names = append(names, name)
		refs[name] = ref
	}
	slices.Sort(names)
	for _, name := range names {
		ref := refs[name]
		id := ref.SnapshotID
		sel.reqs = append(sel.reqs, table.AssertRefSnapshotID(name, &id))
		head := md.SnapshotByID(ref.SnapshotID)
		if head == nil {
			continue // a ref to a missing snapshot: not this operation's to mend
		}
		if name != table.MainBranch {
			age := maxRefAge
			if ref.MaxRefAgeMs != nil {
				age = *ref.MaxRefAgeMs
			}
			if nowMs-head.TimestampMs > age {
				sel.dropRefs = append(sel.dropRefs, name)
				continue
			}
		}
		keep[ref.SnapshotID] = true
		if ref.SnapshotRefType != table.BranchRef {
			reached[ref.SnapshotID] = true
			continue
		}
		branchCutoff, branchKeep := cutoff, minKeep
		if ref.MaxSnapshotAgeMs != nil {
			branchCutoff = nowMs - *ref.MaxSnapshotAgeMs
		}
		if ref.MinSnapshotsToKeep != nil {
			branchKeep = *ref.MinSnapshotsToKeep
		}
		walking := true
		for n, s := range table.AncestorsOf(ref.SnapshotID, lookup) {
			reached[s.SnapshotID] = true
			if walking && (n < branchKeep || s.TimestampMs >= branchCutoff) {
				keep[s.SnapshotID] = true
			} else {
				walking = false
			}
		}
	}
	for _, s := range md.Snapshots() {
		if !reached[s.SnapshotID] && s.TimestampMs >= cutoff {
			keep[s.SnapshotID] = true
		}
	}
	if cs := md.CurrentSnapshot(); cs != nil {
		keep[cs.SnapshotID] = true
	}
	for _, s := range md.Snapshots() {
		if !keep[s.SnapshotID] {
			sel.expire = append(sel.expire, s.SnapshotID)
		}
	}
	return sel
}

// doomedFile is a file maintenance deletes, with what it is.
type doomedFile struct {
	path string
	fileInfo
}

// unreachedAfter lists the files before reached and after does not, that
// others (what the other catalog entries reach) does not hold, inside the
// warehouse: what an expiry frees. Metadata files are never listed. kept
// counts the files it kept for another entry's sake or for lying outside
// the warehouse.
func (w *Warehouse) unreachedAfter(ctx context.Context, before, after *table.Table, others *reachSet) ([]doomedFile, int, error) {
	// Candidates are whatever the old metadata mentions; kept is what a
	// reader of a kept snapshot opens.
	old, cur := newReachSet(), newLiveReachSet()
	if err := old.addTable(ctx, before); err != nil {
		return nil, 0, err
	}
	if err := cur.addTable(ctx, after); err != nil {
		return nil, 0, err
	}
	var candidates []string
	for p := range old.files {
		if !cur.has(p) && old.info[p].kind != kindMetadata {
			candidates = append(candidates, p)
		}
	}
	slices.Sort(candidates)
	var doomed []doomedFile
	kept := 0
	cold := w.coldPathOf(ctx, before.Properties())
	for _, p := range candidates {
		if others.has(p) || !w.inside(p) && (cold == "" || !within(p, cold)) || w.reserved(p) {
			kept++
			continue
		}
		doomed = append(doomed, doomedFile{p, old.info[p]})
	}
	return doomed, kept, nil
}

// othersReach collects what every catalog entry but lake.ns.name reaches.
// An entry whose metadata cannot be read is an error naming it: nothing
// can then prove a file is not its.
func (w *Warehouse) othersReach(ctx context.Context, ns, name string) (*reachSet, error) {
	entries, err := w.catalogEntries(ctx)
	if err != nil {
		return nil, err
	}
	r := newReachSet()
	for _, e := range entries {
		if e.ns == ns && e.name == name {
			continue
		}
		r.add(e.metadataLocation, kindMetadata, 0)
		ot, err := w.Table(ctx, e.ns, e.name)
		if err == nil {
			err = r.addTable(ctx, ot.tbl)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot tell whether %s shares the files (repair or drop it first): %w", e.ident(), err)
		}
	}
	return r, nil
}

// removeFiles deletes files, at most limit at a time (0: one at a time),
// and returns those it deleted (a file already gone counts) and the
// errors of those it could not.
func (w *Warehouse) removeFiles(ctx context.Context, files []doomedFile, limit int) ([]doomedFile, error) {
	limit = max(limit, 1)
	var (
		mu      sync.Mutex
		deleted []doomedFile
		errs    []error
		wg      sync.WaitGroup
		sem     = make(chan struct{}, limit)
	)
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if f.size == 0 {
				if st, err := w.fs.Stat(f.path); err == nil {
					f.size = st.Size()
				}
			}
			err := w.fs.Remove(f.path)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
				return
			}
			deleted = append(deleted, f)
		}()
	}
	wg.Wait()
	slices.SortFunc(deleted, func(a, b doomedFile) int { return strings.Compare(a.path, b.path) })
	return deleted, errors.Join(errs...)
}
