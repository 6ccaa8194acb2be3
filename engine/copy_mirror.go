package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
)

// CopyMarker is the object Copy keeps at the top of a destination while a
// copy through the object catalog or object storage is under way: it names
// the source, so a copy interrupted (a kill, a lost connection) is
// finished by running the same copy again, and no other copy mixes into
// it. Copy removes it once every table is copied and verified.
const CopyMarker = "_floe_copy.json"

type copyMarker struct {
	From string `json:"from"`
}

// needsMirrorCopy reports whether copying src to dst goes table by table
// (copyMirror) rather than through SQLite's VACUUM INTO: when either is on
// object storage or src keeps its catalog on its storage (objcat).
func needsMirrorCopy(src, dst string) (bool, error) {
	for _, d := range []string{src, dst} {
		if _, ok, err := objectStoreURI(d); err != nil {
			return false, err
		} else if ok {
			return true, nil
		}
	}
	dir, err := warehouseDir(src)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(filepath.Join(dir, objcat.Dir))
	return err == nil, nil
}

// copyMirror copies the warehouse src to dst table by table: the catalog's
// pointers are read first, then each table's current version is mirrored
// (MirrorMetadata: every file it reaches copied or rewritten under the
// same name relative to the warehouse, each put whole before any file
// naming it) and registered in dst, and the copy is verified (every file
// the registered table reaches is there at the size its manifests say, and
// the copy has the source's snapshots). A catalog entry in dst only ever
// names a complete table, so a killed copy leaves nothing half-visible;
// the marker object (CopyMarker) lets the same copy run again and finish.
// Either side may be local (SQLite or object catalog) or an s3:// URI;
// opts (WithS3, WithHome) apply to both. A local dst gets the catalog kind
// of a local src, and SQLite when the source is on object storage.
func copyMirror(ctx context.Context, src, dst string, opts []Option) (rep RelocateReport, err error) {
	fail := func(err error) (RelocateReport, error) {
		return rep, fmt.Errorf("copy warehouse %s to %s: %w", src, dst, err)
	}
	srcURI, srcS3, err := objectStoreURI(src)
	if err != nil {
		return fail(err)
	}
	dstURI, dstS3, err := objectStoreURI(dst)
	if err != nil {
		return fail(err)
	}
	srcObjcat := srcS3
	if !srcS3 {
		dir, err := warehouseDir(src)
		if err != nil {
			return fail(err)
		}
		if src, err = filepath.Abs(dir); err != nil {
			return fail(err)
		}
		_, dbErr := os.Stat(filepath.Join(src, CatalogFile))
		_, objErr := os.Stat(filepath.Join(src, objcat.Dir))
		if dbErr != nil && objErr != nil {
			return fail(fmt.Errorf("no warehouse there: neither %s nor %s/", CatalogFile, objcat.Dir))
		}
		srcObjcat = objErr == nil
	} else {
		src = srcURI
	}
	if dstS3 {
		dst = dstURI
	} else {
		dir, err := warehouseDir(dst)
		if err != nil {
			return fail(err)
		}
		if dst, err = filepath.Abs(dir); err != nil {
			return fail(err)
		}
	}
	if srcS3 == dstS3 && (within(dst, src) || within(src, dst)) {
		return fail(errors.New("one location holds the other"))
	}

	// The destination: empty, or a copy of src this function left
	// unfinished.
	resume, created := false, false
	if !dstS3 {
		switch ents, err := os.ReadDir(dst); {
		case errors.Is(err, fs.ErrNotExist):
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return fail(err)
			}
			created = true
		case err != nil:
			return fail(err)
		case len(ents) > 0:
			if resume, err = readCopyMarker(vfs.Local{}, filepath.Join(dst, CopyMarker), src); err != nil {
				return fail(err)
			}
		}
		if !resume {
			// Before Open makes a catalog there, so a kill at any point
			// leaves a destination the same copy resumes.
			if err := writeCopyMarker(vfs.Local{}, filepath.Join(dst, CopyMarker), src); err != nil {
				if created {
					os.RemoveAll(dst)
				}
				return fail(err)
			}
		}
	}
	sw, err := Open(ctx, src, opts...)
	if err != nil {
		return fail(err)
	}
	defer sw.Close()
	var dopts []Option
	if !dstS3 && !srcS3 && srcObjcat {
		dopts = append(dopts, WithObjectCatalog())
	}
	dw, err := Open(ctx, dst, append(dopts, opts...)...)
	if err != nil {
		if created {
			os.RemoveAll(dst)
		}
		return fail(err)
	}
	defer dw.Close()
	srcTop, dstTop := sw.top(), dw.top()
	rep.Dir, rep.From = dstTop, srcTop
	marker := dstTop + "/" + CopyMarker
	if dstS3 {
		ents, err := dw.fs.ReadDir(dstTop)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fail(err)
		}
		if len(ents) > 0 {
			if resume, err = readCopyMarker(dw.fs, marker, srcTop); err != nil {
				return fail(err)
			}
		}
	}
	if dstS3 && !resume {
		if err := writeCopyMarker(dw.fs, marker, srcTop); err != nil {
			return fail(err)
		}
	}
	defer func() {
		// A copy that failed, not killed, leaves nothing it made: a
		// local directory it created goes, as does an object-storage
		// copy it started (a resumed one is kept for the next run).
		if err != nil && !resume {
			switch {
			case created:
				os.RemoveAll(dst)
			case dstS3:
				dw.fs.RemoveAll(dstTop)
			}
		}
	}()

	mapTop := func(loc string) string {
		p, ok := cleanLocation(loc)
		if !ok || !within(p, srcTop) {
			return loc
		}
		np := dstTop + strings.TrimPrefix(p, srcTop)
		if dstS3 {
			return np
		}
		return FileURI(np)
	}
	nss, err := sw.Namespaces(ctx)
	if err != nil {
		return fail(err)
	}
	for _, ns := range nss {
		props, err := sw.cat.LoadNamespaceProperties(ctx, table.Identifier{ns})
		if err != nil {
			return fail(fmt.Errorf("schema lake.%s: %w", ns, err))
		}
		mapped := iceberg.Properties{}
		for k, v := range props {
			mapped[k] = mapTop(v)
		}
		if dw.obj == nil && len(mapped) == 0 {
			mapped = nil
		}
		if err := dw.cat.CreateNamespace(ctx, table.Identifier{ns}, mapped); err != nil && !errors.Is(err, ErrNamespaceExists) {
			return fail(fmt.Errorf("schema lake.%s: %w", ns, err))
		}
	}
	entries, err := sw.catalogEntries(ctx)
	if err != nil {
		return fail(err)
	}
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return fail(err)
		}
		left, err := copyTable(ctx, sw, dw, e, srcTop, dstTop)
		if err != nil {
			return fail(fmt.Errorf("%s: %w", e.ident(), err))
		}
		if left != "" {
			rep.Left = append(rep.Left, left)
			continue
		}
		rep.Tables = append(rep.Tables, e.ident())
	}
	if err := dw.fs.Remove(marker); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fail(fmt.Errorf("remove %s: %w", marker, err))
	}
	return rep, nil
}

// top is the warehouse's location in its FS's names: the s3:// URI on
// object storage, else the directory.
func (w *Warehouse) top() string {
	if w.root != "" {
		return w.root
	}
	return w.dir
}

func writeCopyMarker(fsys vfs.FS, name, src string) error {
	b, _ := json.Marshal(copyMarker{From: src})
	if err := vfs.WriteFile(fsys, name, b); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// readCopyMarker reports whether a non-empty destination is a copy of src
// left unfinished; any other content is an error.
func readCopyMarker(fsys vfs.FS, name, src string) (bool, error) {
	b, err := vfs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, errors.New("the destination is not empty")
	}
	if err != nil {
		return false, err
	}
	var m copyMarker
	if err := json.Unmarshal(b, &m); err != nil {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	if m.From != src {
		return false, fmt.Errorf("the destination holds an unfinished copy of %s, not of %s (%s)", m.From, src, name)
	}
	return true, nil
}

// copyTable copies one catalog entry of sw into dw and verifies it. A
// table whose location lies outside the source warehouse (registered from
// elsewhere) is registered as it is when dw can read it, else left out;
// the returned text says so.
func copyTable(ctx context.Context, sw, dw *Warehouse, e catalogEntry, srcTop, dstTop string) (string, error) {
	t, err := sw.Table(ctx, e.ns, e.name)
	if err != nil {
		return "", err
	}
	loc, ok := cleanLocation(t.Location())
	if !ok || !within(loc, srcTop) {
		if ok && strings.HasPrefix(loc, "s3://") == (dw.root != "") {
			if err := copyPointer(ctx, dw, e, e.metadataLocation); err != nil {
				return "", err
			}
			return fmt.Sprintf("%s: its location %s lies outside %s (a table registered from elsewhere): the copy points there too", e.ident(), t.Location(), srcTop), nil
		}
		return fmt.Sprintf("%s: not copied: its location %s lies outside %s (a table registered from elsewhere), and the copy could not read it there", e.ident(), t.Location(), srcTop), nil
	}
	to := dstTop + strings.TrimPrefix(loc, srcTop)
	mrep, err := MirrorMetadata(ctx, sw.fs, dw.fs, e.metadataLocation, to, func(md map[string]any) error {
		// The earlier metadata files are not copied: a new log starts.
		md["metadata-log"] = []any{}
		return nil
	})
	if err != nil {
		return "", err
	}
	if err := copyPointer(ctx, dw, e, mrep.MetadataLocation); err != nil {
		return "", err
	}
	return "", verifyCopy(ctx, dw, e, t, dstTop)
}

// copyPointer registers lake.ns.name in dw at metadataLocation; one
// registered there by an earlier run of the same copy is kept.
func copyPointer(ctx context.Context, dw *Warehouse, e catalogEntry, metadataLocation string) error {
	err := dw.SwapPointer(ctx, e.ns, e.name, "", metadataLocation)
	if errors.Is(err, ErrTableExists) {
		cur, lerr := dw.MetadataLocation(ctx, e.ns, e.name)
		if lerr == nil && cur == metadataLocation {
			return nil
		}
		return fmt.Errorf("the destination has this table already, at %s, not %s", cur, metadataLocation)
	}
	return err
}

// verifyCopy checks the copy of src registered in dw: it loads, has the
// source's snapshots and current snapshot, names nothing outside dstTop,
// and every file it reaches is there at the size its metadata says.
func verifyCopy(ctx context.Context, dw *Warehouse, e catalogEntry, src *Table, dstTop string) error {
	c, err := dw.Table(ctx, e.ns, e.name)
	if err != nil {
		return fmt.Errorf("verify the copy: %w", err)
	}
	id := func(s *table.Snapshot) int64 {
		if s == nil {
			return -1
		}
		return s.SnapshotID
	}
	if a, b := id(src.tbl.CurrentSnapshot()), id(c.tbl.CurrentSnapshot()); a != b || len(src.tbl.Metadata().Snapshots()) != len(c.tbl.Metadata().Snapshots()) {
		return fmt.Errorf("verify the copy: it has %d snapshots, current %d; the source %d, current %d",
			len(c.tbl.Metadata().Snapshots()), b, len(src.tbl.Metadata().Snapshots()), a)
	}
	reach := newReachSet()
	if err := reach.addTable(ctx, c.tbl); err != nil {
		return fmt.Errorf("verify the copy: %w", err)
	}
	for p := range reach.files {
		if !within(p, dstTop) {
			return fmt.Errorf("verify the copy: it names %s, outside %s", p, dstTop)
		}
		st, err := dw.fs.Stat(p)
		if err != nil {
			return fmt.Errorf("verify the copy: %w", err)
		}
		if want := reach.info[p].size; want > 0 && st.Size() != want {
			return fmt.Errorf("verify the copy: %s has %d bytes, its metadata says %d", p, st.Size(), want)
		}
	}
	return nil
}
