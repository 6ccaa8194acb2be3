package engine

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go/catalog"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/klauspost/compress/zstd"
)

// ErrRequirementFailed reports a commit whose requirements (the Iceberg
// REST protocol's assert-* checks) do not hold against the table's current
// metadata: another writer got there first. It wraps table.ErrCommitFailed,
// so iceberg-go's retry loops and errors.Is(err, table.ErrCommitFailed)
// treat it as the retryable conflict it is.
var ErrRequirementFailed error = &narrowError{"requirement failed", table.ErrCommitFailed}

// ErrInvalidUpdate reports a commit update that cannot apply to the
// table's metadata (a schema change that breaks it, an unknown spec).
var ErrInvalidUpdate = errors.New("invalid update")

// CheckRequirements validates a commit's requirements against a table's
// current metadata (nil when the table does not exist). A failed one is
// reported as ErrRequirementFailed naming it; the caller names the table.
func CheckRequirements(current table.Metadata, reqs []table.Requirement) error {
	for _, r := range reqs {
		if err := r.Validate(current); err != nil {
			why := err.Error()
			if len(why) > len("requirement failed: ") && strings.EqualFold(why[:len("requirement failed: ")], "requirement failed: ") {
				why = why[len("requirement failed: "):]
			}
			return fmt.Errorf("%w (%s): %s", ErrRequirementFailed, r.GetType(), why)
		}
	}
	return nil
}

// CommitTables commits changes to several tables of the warehouse as one
// unit: every table's requirements are checked and its updates applied
// (writing each new metadata file), then all the catalog pointers move in
// one SQLite transaction, each compare-and-swapped against the metadata
// location it was planned on. Either every table moves or none does; a
// reader never sees some tables at their new version and others at their
// old one. A table that changed meanwhile fails the whole commit with
// ErrRequirementFailed (or table.ErrCommitFailed from the swap) and the
// new metadata files are removed. The tables are locked against other floe
// writers for the duration, in name order so two such commits cannot
// deadlock.
//
// Every table must exist: creating tables inside a multi-table commit is
// refused. Over the object catalog the pointers cannot move in one
// transaction; they move in two phases that one conditional write decides
// (objcat.Catalog.CommitTables), with the same all-or-nothing outcome.
func (w *Warehouse) CommitTables(ctx context.Context, commits []table.TableCommit) error {
	if w.Remote() {
		return fmt.Errorf("multi-table commit: %w", ErrRemoteCatalog)
	}
	if len(commits) == 0 {
		return fmt.Errorf("multi-table commit: %w", catalog.ErrEmptyCommitList)
	}
	type staged struct {
		ns, name       string
		oldLoc, newLoc string
		fs             icebergio.WriteFileIO
	}
	seen := map[string]bool{}
	for _, c := range commits {
		if len(c.Identifier) != 2 {
			return fmt.Errorf("multi-table commit: table %q: %w: floe tables are named schema.table", strings.Join(c.Identifier, "."), ErrInvalidName)
		}
		k := c.Identifier[0] + "." + c.Identifier[1]
		if seen[k] {
			return fmt.Errorf("multi-table commit: lake.%s appears twice; put all its changes in one entry", k)
		}
		seen[k] = true
	}
	for _, c := range sortedCommits(commits) {
		unlock, err := w.lockTable(ctx, c.Identifier[0], c.Identifier[1])
		if err != nil {
			return err
		}
		defer unlock()
	}
	if w.obj != nil {
		// Pointers on object storage move in two phases decided by one
		// conditional create (objcat.Catalog.CommitTables); the locks
		// above only order this machine's writers.
		for _, c := range commits {
			ns, name := c.Identifier[0], c.Identifier[1]
			if _, err := w.obj.MetadataLocation(c.Identifier); errors.Is(err, ErrNoSuchTable) {
				return fmt.Errorf("multi-table commit: lake.%s.%s: %w (a multi-table commit cannot create tables)", ns, name, ErrNoSuchTable)
			}
		}
		if err := w.obj.CommitTables(ctx, commits); err != nil {
			return fmt.Errorf("multi-table commit: %w", err)
		}
		return nil
	}

	var done []staged
	cleanup := func() {
		for _, s := range done {
			s.fs.Remove(s.newLoc)
		}
	}
	for _, c := range commits {
		ns, name := c.Identifier[0], c.Identifier[1]
		cur, err := w.cat.LoadTable(ctx, table.Identifier{ns, name})
		if err != nil {
			cleanup()
			if errors.Is(err, ErrNoSuchTable) {
				return fmt.Errorf("multi-table commit: lake.%s.%s: %w (a multi-table commit cannot create tables)", ns, name, ErrNoSuchTable)
			}
			return fmt.Errorf("multi-table commit: lake.%s.%s: %w", ns, name, err)
		}
		if err := replicaError("lake."+ns+"."+name, cur.Properties()); err != nil {
			cleanup()
			return fmt.Errorf("multi-table commit: %w", err)
		}
		if err := CheckRequirements(cur.Metadata(), c.Requirements); err != nil {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: %w", ns, name, err)
		}
		md, err := table.UpdateTableMetadata(cur.Metadata(), c.Updates, cur.MetadataLocation())
		if err != nil {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: %w: %w", ns, name, ErrInvalidUpdate, err)
		}
		if md.Equals(cur.Metadata()) {
			continue // nothing changes for this table
		}
		version := MetadataVersion(cur.MetadataLocation())
		if version < 0 {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: cannot tell the version of metadata file %s", ns, name, cur.MetadataLocation())
		}
		prov, err := table.LoadLocationProvider(md.Location(), md.Properties())
		if err != nil {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: %w", ns, name, err)
		}
		newLoc, err := prov.NewTableMetadataFileLocation(version + 1)
		if err != nil {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: %w", ns, name, err)
		}
		fsys, err := icebergio.LoadFS(ctx, w.props, newLoc)
		if err != nil {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: %w", ns, name, err)
		}
		wfs, ok := fsys.(icebergio.WriteFileIO)
		if !ok {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: storage of %s cannot be written", ns, name, newLoc)
		}
		if err := WriteMetadataFile(wfs, newLoc, md); err != nil {
			cleanup()
			return fmt.Errorf("multi-table commit: lake.%s.%s: %w", ns, name, err)
		}
		done = append(done, staged{ns: ns, name: name, oldLoc: cur.MetadataLocation(), newLoc: newLoc, fs: wfs})
	}
	if len(done) == 0 {
		return nil
	}

	tx, err := w.db.BeginTx(ctx, nil)
	if err != nil {
		cleanup()
		return fmt.Errorf("multi-table commit: %w", err)
	}
	for _, s := range done {
		res, err := tx.ExecContext(ctx,
			`UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ?
			 WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?
			   AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)`,
			s.newLoc, s.oldLoc, "floe", s.ns, s.name, s.oldLoc)
		var n int64
		if err == nil {
			n, err = res.RowsAffected()
		}
		if err == nil && n == 0 {
			err = fmt.Errorf("%w: lake.%s.%s moved to a new version while the commit was planned", table.ErrCommitFailed, s.ns, s.name)
		}
		if err != nil {
			tx.Rollback()
			cleanup()
			return fmt.Errorf("multi-table commit: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		cleanup()
		return fmt.Errorf("multi-table commit: %w", err)
	}
	return nil
}

// sortedCommits returns the commits in table-name order.
func sortedCommits(commits []table.TableCommit) []table.TableCommit {
	out := slices.Clone(commits)
	slices.SortFunc(out, func(a, b table.TableCommit) int {
		return strings.Compare(strings.Join(a.Identifier, "."), strings.Join(b.Identifier, "."))
	})
	return out
}

var (
	metadataFileName       = regexp.MustCompile(`^(\d+)-[0-9a-fA-F-]{36}(?:\.\w+)?\.metadata\.json$`)
	legacyMetadataFileName = regexp.MustCompile(`^v(\d+)(?:\.gz)?\.metadata\.json$`)
)

// MetadataVersion returns the version number in a metadata file's name
// (00003-<uuid>.metadata.json, or v3.metadata.json), or -1.
func MetadataVersion(loc string) int {
	base := path.Base(loc)
	m := metadataFileName.FindStringSubmatch(base)
	if m == nil {
		m = legacyMetadataFileName.FindStringSubmatch(base)
	}
	if m == nil {
		return -1
	}
	v, err := strconv.Atoi(m[1])
	if err != nil {
		return -1
	}
	return v
}

// WriteMetadataFile writes table metadata as JSON to loc, compressed as
// the table's write.metadata.compression-codec property asks.
func WriteMetadataFile(fsys icebergio.WriteFileIO, loc string, md table.Metadata) (err error) {
	codec := md.Properties().Get(table.MetadataCompressionKey, table.MetadataCompressionDefault)
	b, err := json.Marshal(md)
	if err != nil {
		return fmt.Errorf("encode metadata %s: %w", loc, err)
	}
	out, err := fsys.Create(loc)
	if err != nil {
		return fmt.Errorf("write metadata %s: %w", loc, err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write metadata %s: %w", loc, cerr)
		}
	}()
	var wr io.WriteCloser
	switch codec {
	case table.MetadataCompressionCodecNone:
		_, err = out.Write(b)
		return err
	case table.MetadataCompressionCodecGzip:
		wr = gzip.NewWriter(out)
	case table.MetadataCompressionCodecZstd:
		if wr, err = zstd.NewWriter(out); err != nil {
			return err
		}
	default:
		return fmt.Errorf("write metadata %s: unknown %s %q", loc, table.MetadataCompressionKey, codec)
	}
	if _, err := wr.Write(b); err != nil {
		wr.Close()
		return fmt.Errorf("write metadata %s: %w", loc, err)
	}
	return wr.Close()
}
