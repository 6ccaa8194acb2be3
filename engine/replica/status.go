package replica

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
)

// Replication status values, as S3 Tables names them.
const (
	StatusPending = "pending" // configured, the replica not yet at the source's version
	StatusReady   = "ready"   // the replica is at the source's current version
	StatusFailed  = "failed"  // the last attempt failed (LastError); retried with backoff
)

// Update is S3 Tables' lastSuccessfulReplicatedUpdate: the replica's
// metadata file after the last successful replication, and when.
type Update struct {
	MetadataLocation string    `json:"metadataLocation"`
	Timestamp        time.Time `json:"timestamp"`
}

// Status is the replication of one table to one destination. The stored
// part lives in a small object per table and destination in the source
// warehouse (.floe/replication/<ns>/<table>/<hash>.json); Report adds the
// live part (status, lag) from the source and the replica.
type Status struct {
	Destination string `json:"destination"`
	// Status is pending, ready or failed.
	Status      string `json:"replicationStatus"`
	LastSuccess Update `json:"lastSuccessfulReplicatedUpdate"`
	LastError   string `json:"lastError,omitempty"`
	// LastAttempt is when the replicator last tried; NextAttempt, after a
	// failure, when it tries again; Failures counts failures in a row.
	LastAttempt time.Time `json:"lastAttempt"`
	NextAttempt time.Time `json:"nextAttempt,omitzero"`
	Failures    int       `json:"failures,omitempty"`
	// BytesCopied and FilesCopied add up what every run wrote.
	BytesCopied int64 `json:"bytesCopied"`
	FilesCopied int64 `json:"filesCopied"`

	// The live part, not stored.
	// ReplicaSnapshot is the replica's current snapshot id (0: none).
	ReplicaSnapshot int64 `json:"-"`
	// LagSnapshots counts the source snapshots the replica lacks, from
	// the source's current one back to the replica's; LagSeconds is how
	// far the replica's version is behind the source's, by their commit
	// times.
	LagSnapshots int     `json:"-"`
	LagSeconds   float64 `json:"-"`
}

const statusDir = ".floe/replication"

func statusPath(w *engine.Warehouse, ns, name, dest string) string {
	h := sha256.Sum256([]byte(dest))
	return inHome(w, path.Join(statusDir, ns, name, hex.EncodeToString(h[:8])+".json"))
}

func readStatus(w *engine.Warehouse, ns, name, dest string) (Status, error) {
	st := Status{Destination: dest, Status: StatusPending}
	b, err := vfs.ReadFile(w.FS(), statusPath(w, ns, name, dest))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("replication status %s: %w", statusPath(w, ns, name, dest), err)
	}
	return st, nil
}

// writeStatus replaces the status object. The FS has no atomic replace of
// a local file, so a reader may for a moment find none and take the
// replication as pending; the live part is computed afresh anyway.
func writeStatus(w *engine.Warehouse, ns, name string, st Status) error {
	p := statusPath(w, ns, name, st.Destination)
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	if err := w.FS().MkdirAll(path.Dir(p)); err != nil { // a no-op on object storage
		return err
	}
	if err := w.FS().Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return vfs.WriteFile(w.FS(), p, b)
}

// forget removes the status objects of a table.
func forget(w *engine.Warehouse, ns, name string) {
	dir := inHome(w, path.Join(statusDir, ns, name))
	if _, err := w.FS().Stat(dir); err != nil {
		return
	}
	w.FS().RemoveAll(dir)
	// Emptied directories go too (Remove fails on one that is not).
	for _, d := range []string{path.Join(statusDir, ns), statusDir, path.Dir(statusDir)} {
		w.FS().Remove(inHome(w, d))
	}
}

type statusEntry struct {
	ns, name string
	Status
}

// allStatus reads every status object of the warehouse.
func allStatus(w *engine.Warehouse) []statusEntry {
	root := inHome(w, statusDir)
	var out []statusEntry
	w.FS().Walk(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		rel := strings.TrimPrefix(p, root+"/")
		parts := strings.Split(rel, "/")
		if len(parts) != 3 {
			return nil
		}
		b, err := vfs.ReadFile(w.FS(), p)
		if err != nil {
			return nil
		}
		var st Status
		if json.Unmarshal(b, &st) == nil {
			out = append(out, statusEntry{parts[0], parts[1], st})
		}
		return nil
	})
	return out
}

// Report returns the replication status of a source table for each
// destination it is configured with or was replicated to, sorted by
// destination. opts open the destinations on object storage
// (engine.WithS3, engine.WithHome), as Replicator.Options.
func Report(ctx context.Context, w *engine.Warehouse, ns, name string, opts ...engine.Option) ([]Status, error) {
	src, err := w.Table(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	if of, wh, ok := src.ReplicaOf(); ok {
		return nil, fmt.Errorf("%s is a replica of %s in %s; ask the source warehouse for its replication status", src.Ident(), of, wh)
	}
	c, err := Get(ctx, w, Scope{NS: ns, Name: name})
	if err != nil {
		return nil, err
	}
	dests, err := NormalizeDestinations(w, c.Destinations)
	if err != nil {
		return nil, err
	}
	for _, e := range allStatus(w) {
		if e.ns == ns && e.name == name && !slices.Contains(dests, e.Destination) {
			dests = append(dests, e.Destination)
		}
	}
	slices.Sort(dests)
	var out []Status
	for _, d := range dests {
		st, err := readStatus(w, ns, name, d)
		if err != nil {
			return nil, err
		}
		live(ctx, src, d, &st, opts)
		out = append(out, st)
	}
	return out, nil
}

// live fills in the status and the lag from the source and the replica.
func live(ctx context.Context, src *engine.Table, dest string, st *Status, opts []engine.Option) {
	stored := st.Status
	st.Status = StatusPending
	md := src.Iceberg().Metadata()
	lagAll := func() {
		st.LagSnapshots = len(md.Snapshots())
		if s := md.CurrentSnapshot(); s != nil {
			st.LagSeconds = time.Since(time.UnixMilli(s.TimestampMs)).Seconds()
		}
	}
	defer func() {
		if stored == StatusFailed {
			st.Status = StatusFailed
		}
	}()
	dw, err := openExisting(ctx, dest, opts)
	if err != nil {
		lagAll()
		return
	}
	defer dw.Close()
	rt, err := dw.Table(ctx, src.NS, src.Name)
	if err != nil {
		lagAll()
		return
	}
	rmd := rt.Iceberg().Metadata()
	if s := rmd.CurrentSnapshot(); s != nil {
		st.ReplicaSnapshot = s.SnapshotID
	}
	if rt.Properties()[engine.PropReplicaSourceMetadata] == src.MetadataLocation() {
		st.Status = StatusReady
		return
	}
	for s := md.CurrentSnapshot(); s != nil && s.SnapshotID != st.ReplicaSnapshot; {
		st.LagSnapshots++
		if s.ParentSnapshotID == nil {
			break
		}
		s = md.SnapshotByID(*s.ParentSnapshotID)
	}
	st.LagSeconds = max(0, float64(md.LastUpdatedMillis()-rmd.LastUpdatedMillis())/1000)
}

// openExisting opens a destination warehouse that exists, without making
// one: a local directory holding a catalog, or an s3:// warehouse (whose
// catalog, when it has none yet, is empty).
func openExisting(ctx context.Context, dest string, opts []engine.Option) (*engine.Warehouse, error) {
	if strings.HasPrefix(dest, "s3://") {
		return engine.Open(ctx, dest, opts...)
	}
	p, ok := engine.LocalPath(dest)
	if !ok {
		p = dest
	}
	for _, c := range []string{engine.CatalogFile, objcat.Dir} {
		if _, err := os.Stat(filepath.Join(p, c)); err == nil {
			return engine.Open(ctx, p)
		}
	}
	return nil, fmt.Errorf("destination %s: %w: no warehouse there yet", dest, fs.ErrNotExist)
}

// MetaTable builds lake.ns."t$replication": one row per destination, with
// S3 Tables' fields (destination, replicationStatus,
// lastSuccessfulReplicatedUpdate) and floe's (lag, bytes and files copied,
// the last error and attempts).
func MetaTable(ctx context.Context, w *engine.Warehouse, ns, name string, opts ...engine.Option) (*engine.MetaTable, error) {
	sts, err := Report(ctx, w, ns, name, opts...)
	if err != nil {
		return nil, err
	}
	mt := &engine.MetaTable{Columns: []engine.Column{
		{Name: "destination", Type: "VARCHAR"},
		{Name: "replicationStatus", Type: "VARCHAR"},
		{Name: "lastSuccessfulReplicatedUpdate", Type: `STRUCT("metadataLocation" VARCHAR, "timestamp" TIMESTAMP WITH TIME ZONE)`},
		{Name: "replicaSnapshotId", Type: "BIGINT"},
		{Name: "lagSnapshots", Type: "BIGINT"},
		{Name: "lagSeconds", Type: "DOUBLE"},
		{Name: "bytesCopied", Type: "BIGINT"},
		{Name: "filesCopied", Type: "BIGINT"},
		{Name: "lastError", Type: "VARCHAR"},
		{Name: "lastAttempt", Type: "TIMESTAMP WITH TIME ZONE"},
		{Name: "nextAttempt", Type: "TIMESTAMP WITH TIME ZONE"},
	}}
	ts := func(t time.Time) string {
		if t.IsZero() {
			return "NULL"
		}
		return "TIMESTAMPTZ " + engine.QuoteString(t.UTC().Format("2006-01-02 15:04:05.000000+00"))
	}
	str := func(s string) string {
		if s == "" {
			return "NULL"
		}
		return engine.QuoteString(s)
	}
	for _, st := range sts {
		last := "NULL"
		if st.LastSuccess.MetadataLocation != "" {
			last = fmt.Sprintf("{'metadataLocation': %s, 'timestamp': %s}", engine.QuoteString(st.LastSuccess.MetadataLocation), ts(st.LastSuccess.Timestamp))
		}
		snap := "NULL"
		if st.ReplicaSnapshot != 0 {
			snap = fmt.Sprint(st.ReplicaSnapshot)
		}
		mt.Rows = append(mt.Rows, []string{
			engine.QuoteString(st.Destination), engine.QuoteString(st.Status), last, snap,
			fmt.Sprint(st.LagSnapshots), fmt.Sprintf("%g", st.LagSeconds), fmt.Sprint(st.BytesCopied), fmt.Sprint(st.FilesCopied),
			str(st.LastError), ts(st.LastAttempt), ts(st.NextAttempt),
		})
	}
	return mt, nil
}
