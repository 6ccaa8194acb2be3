package replica

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
)

// Replicator keeps the replicas of one source warehouse's tables in step.
// It is safe for one goroutine; run one replicator per source warehouse
// (two would race on the same replicas, and the destination catalog's
// compare-and-swap would make one of them fail and retry).
type Replicator struct {
	src *engine.Warehouse
	// Options open the destinations on object storage (engine.WithS3,
	// engine.WithHome); without them the standard AWS configuration and
	// $FLOE_HOME apply, as for any s3:// warehouse.
	Options []engine.Option
	// Now is the clock status timestamps read; nil means time.Now.
	Now func() time.Time

	mu    sync.Mutex
	dests map[string]*engine.Warehouse
	// seen is the source pointer each table and destination was last
	// brought up to; retry holds the next attempt of those that failed.
	seen  map[key]string
	retry map[key]backoff
	ptrs  map[[2]string]string // the source pointers Watch last read
}

type key struct{ ns, name, dest string }

type backoff struct {
	next     time.Time
	failures int
}

// New returns a replicator for the tables of src. Close it to release the
// destination warehouses it opened.
func New(src *engine.Warehouse) *Replicator {
	return &Replicator{src: src, dests: map[string]*engine.Warehouse{}, seen: map[key]string{}, retry: map[key]backoff{}, ptrs: map[[2]string]string{}}
}

// Close closes the destination warehouses.
func (r *Replicator) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var errs []error
	for _, w := range r.dests {
		errs = append(errs, w.Close())
	}
	r.dests = map[string]*engine.Warehouse{}
	return errors.Join(errs...)
}

func (r *Replicator) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// Result is one table brought up to date in one destination, or the
// failure to.
type Result struct {
	// Table is the source table, lake.ns.t; Destination the warehouse.
	Table, Destination string
	// Versions counts the source metadata versions applied, in order;
	// 0 when the replica was up to date.
	Versions int
	// Files and Bytes count what was written; Skipped what an earlier run
	// had written already.
	Files, Skipped int
	Bytes          int64
	// MetadataLocation is the replica's metadata file after the run, and
	// Source the source's metadata file it mirrors.
	MetadataLocation, Source string
	// Err is why the table could not be replicated there.
	Err error
}

// dest opens (once) a destination warehouse. A destination that is not
// a warehouse yet is made one; one that cannot be opened is an error.
func (r *Replicator) dest(ctx context.Context, dir string) (*engine.Warehouse, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if w, ok := r.dests[dir]; ok {
		return w, nil
	}
	var opts []engine.Option
	if strings.HasPrefix(dir, "s3://") {
		opts = r.Options
	}
	w, err := engine.Open(ctx, dir, opts...)
	if err != nil {
		return nil, fmt.Errorf("destination %s: %w", dir, err)
	}
	r.dests[dir] = w
	return w, nil
}

// Once replicates every table that has destinations, each to each, and
// returns what happened, sorted by table and destination. Tables that are
// replicas themselves are skipped. A table that failed is retried at once
// (Watch backs off instead).
func (r *Replicator) Once(ctx context.Context) ([]Result, error) {
	_, ptrs, err := r.src.Pointers(ctx)
	if err != nil {
		return nil, err
	}
	var out []Result
	for _, p := range ptrs {
		res, err := r.Table(ctx, p.Namespace, p.Name)
		if err != nil {
			return out, err
		}
		out = append(out, res...)
	}
	out = append(out, r.dropped(ctx, ptrs)...)
	return out, ctx.Err()
}

// Table replicates one table to each of its destinations.
func (r *Replicator) Table(ctx context.Context, ns, name string) ([]Result, error) {
	dests, err := r.destinations(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	if len(dests) == 0 {
		// Not replicated (any more): its status is forgotten.
		forget(r.src, ns, name)
		return nil, nil
	}
	var out []Result
	for _, d := range dests {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out = append(out, r.replicate(ctx, ns, name, d))
	}
	return out, nil
}

// destinations are the warehouses a source table goes to; none for a
// replica or a table that is gone.
func (r *Replicator) destinations(ctx context.Context, ns, name string) ([]string, error) {
	t, err := r.src.Table(ctx, ns, name)
	if errors.Is(err, engine.ErrNoSuchTable) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if _, _, ok := t.ReplicaOf(); ok {
		return nil, nil
	}
	c, err := Get(ctx, r.src, Scope{NS: ns, Name: name})
	if err != nil {
		return nil, err
	}
	return NormalizeDestinations(r.src, c.Destinations)
}

// replicate brings the replica of lake.ns.name in dest up to the source's
// current version and records the outcome in the status object.
func (r *Replicator) replicate(ctx context.Context, ns, name, dest string) Result {
	res := Result{Table: "lake." + ns + "." + name, Destination: dest}
	srcLoc, err := r.src.MetadataLocation(ctx, ns, name)
	if err == nil {
		err = r.apply(ctx, ns, name, dest, srcLoc, &res)
	}
	res.Err = err
	k := key{ns, name, dest}
	st, _ := readStatus(r.src, ns, name, dest)
	st.Destination = dest
	st.BytesCopied += res.Bytes
	st.FilesCopied += int64(res.Files)
	st.LastAttempt = r.now().UTC()
	if err != nil {
		if ctx.Err() != nil {
			return res // interrupted, not failed
		}
		b := r.retry[k]
		b.failures++
		wait := min(time.Second<<min(b.failures-1, 6), time.Minute)
		b.next = r.now().Add(wait)
		r.retry[k] = b
		st.Status, st.LastError, st.Failures, st.NextAttempt = StatusFailed, err.Error(), b.failures, b.next.UTC()
		slog.Warn("replication failed", "table", res.Table, "destination", dest, "retry in", wait, "err", err)
	} else {
		delete(r.retry, k)
		r.seen[k] = srcLoc
		st.Status, st.LastError, st.Failures, st.NextAttempt = StatusReady, "", 0, time.Time{}
		if res.Versions > 0 || st.LastSuccess.MetadataLocation != res.MetadataLocation {
			st.LastSuccess = Update{MetadataLocation: res.MetadataLocation, Timestamp: r.now().UTC()}
		}
	}
	if werr := writeStatus(r.src, ns, name, st); werr != nil && res.Err == nil {
		res.Err = werr
	}
	return res
}

// apply mirrors the source versions the replica lacks, oldest first: the
// metadata files the source's log lists after the one the replica
// mirrors, then the current one. A replica with no version yet, or one
// whose version the log no longer lists, gets the current version at once
// (it holds the whole snapshot history). An older version that cannot be
// mirrored any more (its files were expired) is passed over.
func (r *Replicator) apply(ctx context.Context, ns, name, dest, srcLoc string, res *Result) error {
	dw, err := r.dest(ctx, dest)
	if err != nil {
		return err
	}
	src, err := r.src.Table(ctx, ns, name)
	if err != nil {
		return err
	}
	ident := "lake." + ns + "." + name
	dstLoc, mirrored := "", ""
	var (
		prev  table.Metadata
		prevT *engine.Table
	)
	switch dt, err := dw.Table(ctx, ns, name); {
	case errors.Is(err, engine.ErrNoSuchTable):
	case err != nil:
		return fmt.Errorf("read the replica: %w", err)
	default:
		of, wh, ok := dt.ReplicaOf()
		if !ok || of != ident || wh != home(r.src) {
			return fmt.Errorf("destination %s has a table %s of its own (not a replica of %s in %s); drop or rename it there", dest, ident, ident, home(r.src))
		}
		dstLoc, mirrored, prev, prevT = dt.MetadataLocation(), dt.Properties()[engine.PropReplicaSourceMetadata], dt.Iceberg().Metadata(), dt
	}
	res.MetadataLocation, res.Source = dstLoc, mirrored
	if mirrored == srcLoc {
		return nil
	}
	slog.Debug("replication starts", "table", ident, "destination", dest, "from", mirrored, "to", srcLoc)
	var chain []string
	for e := range src.Iceberg().Metadata().PreviousFiles() {
		chain = append(chain, e.MetadataFile)
	}
	chain = append(chain, srcLoc)
	todo := []string{srcLoc}
	if i := slices.Index(chain, mirrored); mirrored != "" && i >= 0 {
		todo = chain[i+1:]
	}
	to := dw.ReplicaDir(ns, name)
	for i, v := range todo {
		if err := ctx.Err(); err != nil {
			return err
		}
		last := i == len(todo)-1
		rep, err := engine.MirrorMetadata(ctx, r.src.FS(), dw.FS(), v, to, func(md map[string]any) error {
			return replicaMetadata(md, ident, home(r.src), v, dstLoc, prev)
		})
		res.Files += rep.Files
		res.Skipped += rep.Skipped
		res.Bytes += rep.Bytes
		if err != nil {
			if !last && errors.Is(err, fs.ErrNotExist) {
				slog.Debug("replication passes over a version whose files are gone", "table", ident, "version", v, "err", err)
				continue
			}
			return err
		}
		if err := dw.SwapPointer(ctx, ns, name, dstLoc, rep.MetadataLocation); err != nil {
			return err
		}
		res.Versions++
		dstLoc = rep.MetadataLocation
		res.MetadataLocation, res.Source = dstLoc, v
		t, err := dw.Table(ctx, ns, name)
		if err != nil {
			return err
		}
		if prevT != nil && lostSnapshots(prevT, t) {
			// The source expired snapshots: their files go from the
			// replica too, now that nothing there points at them.
			n, err := dw.ReleaseReplicaFiles(ctx, ns, name, prevT)
			if err != nil {
				slog.Warn("replication could not delete the files of expired snapshots", "table", ident, "destination", dest, "err", err)
			}
			slog.Debug("replication deleted the files of expired snapshots", "table", ident, "files", n)
		}
		prev, prevT = t.Iceberg().Metadata(), t
	}
	return nil
}

// lostSnapshots reports whether cur lacks a snapshot prev had.
func lostSnapshots(prev, cur *engine.Table) bool {
	for _, s := range prev.Snapshots() {
		if cur.Iceberg().Metadata().SnapshotByID(s.SnapshotID) == nil {
			return true
		}
	}
	return false
}

// maxReplicaLog bounds the replica's own metadata log.
const maxReplicaLog = 20

// replicaMetadata turns a mirrored source version into the replica's:
// marked read-only with its source, without the source's replication
// configuration, and with a metadata log of the replica's own files.
func replicaMetadata(md map[string]any, ident, srcDir, srcLoc, prevLoc string, prev table.Metadata) error {
	props, _ := md["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		md["properties"] = props
	}
	delete(props, engine.PropReplicationDestinations)
	props[engine.PropReplicaOf] = ident
	props[engine.PropReplicaSourceWarehouse] = srcDir
	props[engine.PropReplicaSourceMetadata] = srcLoc
	var log []any
	if prev != nil {
		for e := range prev.PreviousFiles() {
			log = append(log, map[string]any{"metadata-file": e.MetadataFile, "timestamp-ms": e.TimestampMs})
		}
		log = append(log, map[string]any{"metadata-file": prevLoc, "timestamp-ms": prev.LastUpdatedMillis()})
	}
	if len(log) > maxReplicaLog {
		log = log[len(log)-maxReplicaLog:]
	}
	md["metadata-log"] = append([]any{}, log...)
	return nil
}

// dropped marks failed the replications whose source table is gone.
func (r *Replicator) dropped(ctx context.Context, ptrs []engine.TablePointer) []Result {
	have := map[[2]string]bool{}
	for _, p := range ptrs {
		have[[2]string{p.Namespace, p.Name}] = true
	}
	var out []Result
	for _, e := range allStatus(r.src) {
		if have[[2]string{e.ns, e.name}] || e.Status.Status == StatusFailed && e.LastError == droppedError(e.ns, e.name) {
			continue
		}
		res := Result{Table: "lake." + e.ns + "." + e.name, Destination: e.Destination}
		res.Err = errors.New(droppedError(e.ns, e.name))
		e.Status.Status, e.LastError, e.LastAttempt = StatusFailed, res.Err.Error(), r.now().UTC()
		if err := writeStatus(r.src, e.ns, e.name, e.Status); err != nil {
			slog.Warn("replication status", "table", res.Table, "err", err)
		}
		out = append(out, res)
	}
	return out
}

func droppedError(ns, name string) string {
	return fmt.Sprintf("the source table lake.%s.%s was dropped; its replica stays, read-only", ns, name)
}

// Watch replicates as the source commits, until ctx ends: every interval
// it reads the source catalog's pointers (one query, no metadata file)
// and replicates the tables whose pointer moved, so a replica lags by
// about the copy time plus one interval. Failed replications are retried
// with exponential backoff (1 s doubling to 1 min). Configuration set on
// a namespace or the warehouse is read again every rescan. report, when
// not nil, sees every result.
func (r *Replicator) Watch(ctx context.Context, interval, rescan time.Duration, report func(Result)) error {
	if interval <= 0 {
		interval = time.Second
	}
	if rescan <= 0 {
		rescan = 10 * time.Second
	}
	var lastScan time.Time
	for {
		_, ptrs, err := r.src.Pointers(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		full := r.now().Sub(lastScan) >= rescan
		if full {
			lastScan = r.now()
		}
		for _, p := range ptrs {
			if due := r.due(p); !full && !due {
				continue
			}
			res, err := r.Table(ctx, p.Namespace, p.Name)
			if ctx.Err() != nil {
				return nil
			}
			if err != nil {
				slog.Warn("replication", "table", "lake."+p.Namespace+"."+p.Name, "err", err)
			}
			for _, x := range res {
				if report != nil {
					report(x)
				}
			}
		}
		if full {
			for _, x := range r.dropped(ctx, ptrs) {
				if report != nil {
					report(x)
				}
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

// due reports whether a table needs a replication pass: its pointer
// moved since the last poll, or a failed replication of it is due for a
// retry.
func (r *Replicator) due(p engine.TablePointer) bool {
	k := [2]string{p.Namespace, p.Name}
	moved := r.ptrs[k] != p.MetadataLocation
	r.ptrs[k] = p.MetadataLocation
	if moved {
		return true
	}
	for k, b := range r.retry {
		if k.ns == p.Namespace && k.name == p.Name && !r.now().Before(b.next) {
			return true
		}
	}
	return false
}
