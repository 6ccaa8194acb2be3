package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine/vfs"
)

// Iceberg metadata names every file by its absolute location, so a
// warehouse directory copied with cp -a still points into the original:
// reading the copy reads the original's files, and writing to it writes
// into the original's directories. Relocate rewrites a copy so that it
// points only into itself; Copy copies and relocates in one step.

// RelocateReport says what Relocate changed.
type RelocateReport struct {
	// Dir is the relocated warehouse and From the directory its tables
	// pointed into.
	Dir, From string
	// Tables lists the tables, lake.ns.t, whose metadata now points into Dir.
	Tables []string
	// Left lists the tables left as they were, each with the reason
	// (registered from outside From, say).
	Left []string
	// Removed counts the copied files that named From and were replaced:
	// old manifests, manifest lists, delete files and metadata files.
	Removed int
}

// Relocate rewrites the warehouse in dir, a copy of the warehouse that was
// in from (cp -a, rsync, a restored backup), so that every table whose
// metadata pointed into from points into dir: for each, new manifests,
// manifest lists, position-delete files, Puffin deletion-vector files and
// a new metadata file are written under dir with the paths mapped, and the
// catalog entry is swapped to the new metadata file; then the copies of
// the replaced files, which name from, are deleted. No file is edited in
// place and nothing under from is read or written, so from may be gone.
// An empty from is found from the catalog: the directory whose files dir
// holds copies of; when there is none, Relocate changes nothing. The new metadata starts a new metadata log (the older
// metadata files still name from); snapshots, and so time travel, are
// kept. Running Relocate again does nothing to tables already inside dir.
//
// dir may keep its catalog on its storage (objcat), and may be an s3://
// URI (a prefix copied with a bucket-to-bucket sync), from then too; opts
// (WithS3, WithHome) open it.
func Relocate(ctx context.Context, dir, from string, opts ...Option) (RelocateReport, error) {
	w, err := Open(ctx, dir, opts...)
	if err != nil {
		return RelocateReport{}, err
	}
	defer w.Close()
	return w.relocate(ctx, from)
}

func (w *Warehouse) relocate(ctx context.Context, from string) (RelocateReport, error) {
	top := w.top()
	rep := RelocateReport{Dir: top}
	if w.db == nil && w.obj == nil {
		return rep, fmt.Errorf("relocate %s: %w", top, ErrRemoteCatalog)
	}
	entries, err := w.catalogEntries(ctx)
	if err != nil {
		return rep, fmt.Errorf("relocate %s: %w", top, err)
	}
	if from == "" {
		var ok bool
		if from, ok = w.copiedFrom(entries); !ok {
			// Not a copy, or one already relocated: nothing points into
			// a directory this warehouse holds copies of.
			for _, e := range entries {
				if p, ok := cleanLocation(e.metadataLocation); !ok || !within(p, top) {
					rep.Left = append(rep.Left, fmt.Sprintf("%s: its metadata %s lies outside %s (a table registered from elsewhere)", e.ident(), e.metadataLocation, top))
				}
			}
			return rep, nil
		}
	}
	if c, ok := cleanLocation(from); ok && strings.HasPrefix(c, "s3://") {
		from = c
	} else if from, err = filepath.Abs(from); err != nil {
		return rep, fmt.Errorf("relocate %s: %w", top, err)
	}
	if within(top, from) || within(from, top) {
		return rep, fmt.Errorf("relocate %s from %s: one directory holds the other", top, from)
	}
	rep.From = from
	r := &relocator{src: w.fs, dst: w.fs, from: from, to: top, run: uuid.NewString()[:8], done: map[string]rewritten{}, replaced: map[string]bool{}}
	for _, e := range entries {
		p, ok := cleanLocation(e.metadataLocation)
		switch {
		case !ok || strings.HasPrefix(p, "s3://") != strings.HasPrefix(top, "s3://"):
			rep.Left = append(rep.Left, fmt.Sprintf("%s: its metadata %s is not on the warehouse's storage", e.ident(), e.metadataLocation))
			continue
		case within(p, top):
			continue
		case !within(p, from):
			rep.Left = append(rep.Left, fmt.Sprintf("%s: its metadata %s lies outside %s (a table registered from elsewhere)", e.ident(), e.metadataLocation, from))
			continue
		}
		loc, err := r.table(ctx, e.metadataLocation)
		if err != nil {
			return rep, fmt.Errorf("relocate %s: %w", e.ident(), err)
		}
		if w.obj != nil {
			// The pointer object's conditional swap: a commit meanwhile
			// makes it lose.
			if err := w.SwapPointer(ctx, e.ns, e.name, e.metadataLocation, loc); err != nil {
				return rep, fmt.Errorf("relocate %s: the table changed meanwhile: %w", e.ident(), err)
			}
			rep.Tables = append(rep.Tables, e.ident())
			continue
		}
		res, err := w.db.ExecContext(ctx,
			`UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = NULL
			 WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?`,
			loc, "floe", e.ns, e.name, e.metadataLocation)
		if err != nil {
			return rep, fmt.Errorf("relocate %s: %w", e.ident(), err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return rep, fmt.Errorf("relocate %s: the table changed meanwhile: %w", e.ident(), ErrCommitConflict)
		}
		rep.Tables = append(rep.Tables, e.ident())
	}
	if err := w.relocateNamespaceProperties(ctx, r); err != nil {
		return rep, fmt.Errorf("relocate %s: %w", top, err)
	}
	rep.Removed = w.removeReplaced(ctx, r.replaced, rep.Tables)
	return rep, nil
}

// removeReplaced deletes the warehouse's copies of the files relocation
// replaced (they name the old directory and nothing refers to them any
// more), except any file a table that was not relocated reaches. It
// deletes nothing when such a table cannot be read.
func (w *Warehouse) removeReplaced(ctx context.Context, replaced map[string]bool, relocated []string) int {
	entries, err := w.catalogEntries(ctx)
	if err != nil {
		return 0
	}
	keep := newReachSet()
	for _, e := range entries {
		if slices.Contains(relocated, e.ident()) {
			continue
		}
		keep.add(e.metadataLocation, kindMetadata, 0)
		t, err := w.Table(ctx, e.ns, e.name)
		if err != nil {
			return 0
		}
		if err := keep.addTable(ctx, t.tbl); err != nil {
			return 0
		}
	}
	n := 0
	for p := range replaced {
		if within(p, w.top()) && !keep.has(p) && w.fs.Remove(p) == nil {
			n++
		}
	}
	return n
}

// copiedFrom finds the directory the warehouse was copied from: for a
// catalog entry whose metadata file lies outside the warehouse, the
// ancestor directory whose relative path to the file the warehouse holds
// as well; false when there is none.
func (w *Warehouse) copiedFrom(entries []catalogEntry) (string, bool) {
	for _, e := range entries {
		if from, ok := w.copyOrigin(e.metadataLocation); ok {
			return from, true
		}
	}
	return "", false
}

// copyOrigin reports the warehouse directory that metadataLocation lies in
// when this warehouse holds a copy of the same file at the same relative
// path: the sign of a warehouse copied with cp -a.
func (w *Warehouse) copyOrigin(metadataLocation string) (string, bool) {
	p, ok := cleanLocation(metadataLocation)
	top := w.top()
	if !ok || within(p, top) || strings.HasPrefix(p, "s3://") != strings.HasPrefix(top, "s3://") {
		return "", false
	}
	// path.Dir would fold s3:// into s3:/: walk up the part after it.
	scheme, rest := "", p
	if r, ok := strings.CutPrefix(p, "s3://"); ok {
		scheme, rest = "s3://", "/"+r
	}
	for a := path.Dir(rest); a != "/" && a != "."; a = path.Dir(a) {
		if scheme != "" && strings.Count(a, "/") < 2 {
			break // a bucket is no warehouse's copy source
		}
		rel := strings.TrimPrefix(rest, a+"/")
		if _, err := w.fs.Stat(top + "/" + rel); err == nil {
			if scheme != "" {
				return scheme + strings.TrimPrefix(a, "/"), true
			}
			return a, true
		}
	}
	return "", false
}

// checkWritable refuses writes to a replica (replicas.go), and to a table
// of a warehouse copied with cp -a: its metadata, data and new files would
// all go to the original.
// Reading stays allowed: the files it reads are immutable.
func (t *Table) checkWritable() error {
	if err := t.checkReplica(); err != nil {
		return err
	}
	if from, ok := t.wh.copyOrigin(t.MetadataLocation()); ok {
		return fmt.Errorf("%s: %w: its metadata %s lies in %s, and this warehouse holds a copy of it, so a write would change %s; make the copy its own first: floe warehouse relocate %s",
			t.Ident(), ErrCopiedWarehouse, t.MetadataLocation(), from, from, t.wh.dir)
	}
	return nil
}

// relocateNamespaceProperties maps schema properties that name a location.
func (w *Warehouse) relocateNamespaceProperties(ctx context.Context, r *relocator) error {
	if w.obj != nil {
		nss, err := w.Namespaces(ctx)
		if err != nil {
			return err
		}
		for _, ns := range nss {
			props, err := w.cat.LoadNamespaceProperties(ctx, table.Identifier{ns})
			if err != nil {
				return err
			}
			change := iceberg.Properties{}
			for k, v := range props {
				if m := r.mapLoc(v); m != v {
					change[k] = m
				}
			}
			if len(change) > 0 {
				if _, err := w.cat.UpdateNamespaceProperties(ctx, table.Identifier{ns}, nil, change); err != nil {
					return err
				}
			}
		}
		return nil
	}
	rows, err := w.db.QueryContext(ctx,
		`SELECT namespace, property_key, property_value FROM iceberg_namespace_properties WHERE catalog_name = ?`, "floe")
	if err != nil {
		return err
	}
	type prop struct{ ns, key, value string }
	var change []prop
	for rows.Next() {
		var p prop
		var v *string
		if err := rows.Scan(&p.ns, &p.key, &v); err != nil {
			rows.Close()
			return err
		}
		if v != nil {
			if m := r.mapLoc(*v); m != *v {
				p.value = m
				change = append(change, p)
			}
		}
	}
	rows.Close()
	for _, p := range change {
		if _, err := w.db.ExecContext(ctx,
			`UPDATE iceberg_namespace_properties SET property_value = ? WHERE catalog_name = ? AND namespace = ? AND property_key = ?`,
			p.value, "floe", p.ns, p.key); err != nil {
			return err
		}
	}
	return nil
}

// relocator rewrites tables from one directory to another. Files shared
// by several snapshots or tables are rewritten once. Relocate reads and
// writes the copy inside one warehouse; a mirror (mirror.go) reads the
// source table's files and writes into another warehouse.
type relocator struct {
	src, dst vfs.FS // files are read from src and written to dst
	from, to string // locations under from map to the same place under to
	run      string // tags the files this run writes; "" for a mirror
	done     map[string]rewritten
	// replaced holds the warehouse's copies of the files it rewrote, and
	// of the earlier metadata files the new metadata no longer lists.
	replaced map[string]bool
	// mirror is set when the rewriter copies a table into another
	// warehouse rather than fixing a copy in place.
	mirror *mirror
}

type rewritten struct {
	loc  string
	size int64
}

// mapLoc maps a location under from to the same place under the
// warehouse, keeping its spelling (file:// URI or plain path). Other
// locations are returned as they are.
//
// A mirror's from and to may be s3:// URIs as well as local paths (a
// replica in or from a warehouse on object storage): a location mapped
// onto object storage is its s3:// URI, one mapped onto a local directory
// is spelled as the source spelled it when that was local, else file://.
func (r *relocator) mapLoc(loc string) string {
	p, ok := cleanLocation(loc)
	if !ok || !within(p, r.from) {
		return loc
	}
	np := r.to + strings.TrimPrefix(p, r.from)
	if strings.HasPrefix(np, "s3://") || strings.HasPrefix(loc, "/") {
		return np
	}
	return FileURI(np)
}

// local is the path of the file to read for a location under from: the
// warehouse's copy of it, or for a mirror the source file itself.
func (r *relocator) local(loc string) string {
	if r.mirror != nil {
		p, _ := cleanLocation(loc)
		return p
	}
	p, _ := cleanLocation(r.mapLoc(loc))
	return p
}

// fresh names a new file beside the copy of loc: its name tagged with the
// run, before the extension. A mirror keeps the name (its files go to a
// place of their own), so a rerun finds what an earlier run wrote.
func (r *relocator) fresh(loc string) (string, string) {
	if r.mirror != nil {
		return r.mirrorTarget(loc)
	}
	mapped := r.mapLoc(loc)
	ext := path.Ext(mapped)
	nl := strings.TrimSuffix(mapped, ext) + "-r" + r.run + ext
	p, _ := cleanLocation(nl)
	return nl, p
}

// table writes the relocated metadata of the table whose current metadata
// file is metadataLocation and returns its location.
func (r *relocator) table(ctx context.Context, metadataLocation string) (string, error) {
	md, err := r.metadata(ctx, metadataLocation)
	if err != nil {
		return "", err
	}
	// The earlier metadata files name the old directory: start a new log.
	log, _ := md["metadata-log"].([]any)
	for _, e := range log {
		if m, ok := e.(map[string]any); ok {
			if f, ok := m["metadata-file"].(string); ok && r.mapLoc(f) != f {
				r.replaced[r.local(f)] = true
			}
		}
	}
	r.replaced[r.local(metadataLocation)] = true
	md["metadata-log"] = []any{}
	out, err := json.Marshal(md)
	if err != nil {
		return "", err
	}
	if _, err := table.ParseMetadataBytes(out); err != nil {
		return "", fmt.Errorf("relocated metadata of %s does not parse: %w", metadataLocation, err)
	}
	mapped := r.mapLoc(metadataLocation)
	base := path.Base(mapped)
	version := 0
	if i := strings.IndexByte(base, '-'); i > 0 {
		version, _ = strconv.Atoi(base[:i])
	}
	nl := strings.TrimSuffix(mapped, base) + fmt.Sprintf("%05d-%s.metadata.json", version+1, uuid.NewString())
	p, _ := cleanLocation(nl)
	if err := vfs.Put(r.dst, p, func(w io.Writer) error { _, err := w.Write(out); return err }); err != nil {
		return "", err
	}
	return nl, nil
}

// metadata reads the metadata file metadataLocation and returns it with
// its location, properties, manifest lists (rewritten, with their
// manifests and delete files) and statistics files mapped. The metadata
// log is left as it was, for the caller to decide.
func (r *relocator) metadata(ctx context.Context, metadataLocation string) (map[string]any, error) {
	raw, err := vfs.ReadFile(r.src, r.local(metadataLocation))
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var md map[string]any
	if err := dec.Decode(&md); err != nil {
		return nil, fmt.Errorf("read %s: %w", r.local(metadataLocation), err)
	}
	if loc, ok := md["location"].(string); ok {
		md["location"] = r.mapLoc(loc)
	}
	if props, ok := md["properties"].(map[string]any); ok {
		for k, v := range props {
			if s, ok := v.(string); ok {
				props[k] = r.mapLoc(s)
			}
		}
	}
	snaps, _ := md["snapshots"].([]any)
	for _, s := range snaps {
		snap, ok := s.(map[string]any)
		if !ok {
			continue
		}
		if ml, ok := snap["manifest-list"].(string); ok {
			nml, err := r.manifestList(ctx, ml)
			if err != nil {
				return nil, err
			}
			snap["manifest-list"] = nml.loc
		}
		// Format v1 snapshots may list their manifests inline.
		if list, ok := snap["manifests"].([]any); ok {
			for i, mp := range list {
				if s, ok := mp.(string); ok {
					m, err := r.manifest(ctx, s)
					if err != nil {
						return nil, err
					}
					list[i] = m.loc
				}
			}
		}
	}
	for _, key := range []string{"statistics", "partition-statistics"} {
		list, _ := md[key].([]any)
		for _, s := range list {
			if st, ok := s.(map[string]any); ok {
				if p, ok := st["statistics-path"].(string); ok {
					if r.mirror == nil {
						st["statistics-path"] = r.mapLoc(p)
						continue
					}
					// Puffin statistics name no files: copied byte for byte.
					f, err := r.copyExact(p)
					if err != nil {
						return nil, err
					}
					st["statistics-path"] = f.loc
				}
			}
		}
	}
	return md, nil
}

// manifestList rewrites a manifest list with its manifests relocated.
func (r *relocator) manifestList(ctx context.Context, loc string) (rewritten, error) {
	if d, ok := r.done[loc]; ok {
		return d, nil
	}
	nl, dst := r.fresh(loc)
	if d, ok, err := r.present(loc, nl, dst); ok || err != nil {
		return d, err
	}
	err := rewriteAvro(r.src, r.dst, r.local(loc), dst, func(rec map[string]any) error {
		mp, ok := rec["manifest_path"].(string)
		if !ok {
			return fmt.Errorf("manifest list %s: an entry without manifest_path", loc)
		}
		m, err := r.manifest(ctx, mp)
		if err != nil {
			return err
		}
		rec["manifest_path"], rec["manifest_length"] = m.loc, m.size
		return nil
	})
	if err != nil {
		return rewritten{}, fmt.Errorf("relocate manifest list %s: %w", loc, err)
	}
	return r.finish(loc, nl, dst)
}

// Field id of file_path in position-delete files
// (https://iceberg.apache.org/spec/#position-delete-files).
const posDeleteFilePathID = 2147483546

// manifest rewrites a manifest: data file paths mapped, and delete files
// that name data files inside them rewritten too.
func (r *relocator) manifest(ctx context.Context, loc string) (rewritten, error) {
	if d, ok := r.done[loc]; ok {
		return d, nil
	}
	nl, dst := r.fresh(loc)
	if d, ok, err := r.present(loc, nl, dst); ok || err != nil {
		return d, err
	}
	err := rewriteAvro(r.src, r.dst, r.local(loc), dst, func(rec map[string]any) error {
		df, ok := rec["data_file"].(map[string]any)
		if !ok {
			return fmt.Errorf("manifest %s: an entry without data_file", loc)
		}
		fp, _ := df["file_path"].(string)
		format, _ := df["file_format"].(string)
		isPosDeletes := avroInt(df["content"]) == 1
		switch {
		case r.mapLoc(fp) == fp && r.mirror == nil:
		case strings.EqualFold(format, "puffin"):
			f, err := r.deleteFile(fp, func(src, dst string) error { return rewritePuffinFooter(r.src, r.dst, src, dst, r.mapLoc) })
			if err != nil {
				return err
			}
			df["file_path"], df["file_size_in_bytes"] = f.loc, f.size
		case isPosDeletes && strings.EqualFold(format, "parquet"):
			f, err := r.deleteFile(fp, func(src, dst string) error { return rewritePositionDeletes(ctx, r.src, r.dst, src, dst, r.mapLoc) })
			if err != nil {
				return err
			}
			df["file_path"], df["file_size_in_bytes"] = f.loc, f.size
			df["split_offsets"] = nil // the new file has its own row groups
		case r.mirror != nil:
			// Data files and equality deletes hold no paths: copied
			// byte for byte.
			f, err := r.copyExact(fp)
			if err != nil {
				return err
			}
			df["file_path"] = f.loc
		default:
			df["file_path"] = r.mapLoc(fp)
		}
		if ref, ok := df["referenced_data_file"].(string); ok {
			df["referenced_data_file"] = r.mapLoc(ref)
		}
		if isPosDeletes {
			for _, key := range []string{"lower_bounds", "upper_bounds"} {
				df[key] = r.pathBounds(df[key])
			}
		}
		return nil
	})
	if err != nil {
		return rewritten{}, fmt.Errorf("relocate manifest %s: %w", loc, err)
	}
	return r.finish(loc, nl, dst)
}

// pathBounds maps the file_path bounds of a position-delete file. A bound
// that is not a whole path under from (a truncated one) is dropped: a
// missing bound only makes readers open the file.
func (r *relocator) pathBounds(v any) any {
	list, ok := v.([]any)
	if !ok {
		return v
	}
	out := list[:0]
	for _, kv := range list {
		e, ok := kv.(map[string]any)
		if !ok || avroInt(e["key"]) != posDeleteFilePathID {
			out = append(out, kv)
			continue
		}
		b, _ := e["value"].([]byte)
		if m := r.mapLoc(string(b)); m != string(b) {
			e["value"] = []byte(m)
			out = append(out, e)
		}
	}
	return out
}

// deleteFile writes a relocated copy of a delete file with rewrite.
func (r *relocator) deleteFile(loc string, rewrite func(src, dst string) error) (rewritten, error) {
	if d, ok := r.done[loc]; ok {
		return d, nil
	}
	nl, dst := r.fresh(loc)
	if d, ok, err := r.present(loc, nl, dst); ok || err != nil {
		return d, err
	}
	if err := rewrite(r.local(loc), dst); err != nil {
		return rewritten{}, fmt.Errorf("relocate delete file %s: %w", loc, err)
	}
	return r.finish(loc, nl, dst)
}

func (r *relocator) finish(loc, nl, dst string) (rewritten, error) {
	st, err := r.dst.Stat(dst)
	if err != nil {
		return rewritten{}, err
	}
	d := rewritten{loc: nl, size: st.Size()}
	r.done[loc] = d
	if r.mirror != nil {
		r.mirror.files++
		r.mirror.bytes += d.size
		return d, nil
	}
	r.replaced[r.local(loc)] = true
	return d, nil
}

// avroInt reads an Avro int or long decoded generically; -1 when absent.
func avroInt(v any) int64 {
	switch n := v.(type) {
	case int32:
		return int64(n)
	case int64:
		return n
	case int:
		return int64(n)
	}
	return -1
}
