package engine

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/vfs"
)

// A mirror copies one version of a table into a place of its own, usually
// in another warehouse (replication): every file the version reaches is
// copied (data files, equality deletes and Puffin statistics byte for
// byte) or rewritten with its paths mapped (manifest lists, manifests,
// position deletes, the footers of deletion-vector files, whose blobs stay
// byte for byte), under the same name relative to the table's location.
// Every file is put whole (vfs.Put) and before any file that names it, so
// a file present in the mirror is complete and so is everything it
// reaches: a rerun skips what an earlier, interrupted run wrote.

// MirrorReport says what MirrorMetadata wrote.
type MirrorReport struct {
	// MetadataLocation is the mirror's metadata file.
	MetadataLocation string
	// Files counts the files written and Bytes their bytes; Skipped
	// counts the files an earlier run had written already.
	Files, Skipped int
	Bytes          int64
}

type mirror struct {
	files, skipped int
	bytes          int64
}

// MirrorMetadata writes, on dst, a mirror of the table version whose
// metadata file is srcMetadataLocation on src, at the table location to
// (a local path): the same table UUID, snapshots, parents, sequence
// numbers, schemas, specs and summaries, with every location under the
// source table's location mapped under to. edit may change the metadata
// (its properties, its metadata-log) before it is written; it is not
// called when the mirror's metadata file exists already from an earlier
// run, which is then reused. A file the version reaches outside the
// source table's location is an error: the mirror would point at it.
// Nothing is written to src.
func MirrorMetadata(ctx context.Context, src, dst vfs.FS, srcMetadataLocation, to string, edit func(md map[string]any) error) (MirrorReport, error) {
	var rep MirrorReport
	srcPath, ok := cleanLocation(srcMetadataLocation)
	if !ok {
		return rep, fmt.Errorf("mirror %s: %w: neither a local path nor an s3:// object", srcMetadataLocation, ErrUnsupportedWarehouse)
	}
	raw, err := vfs.ReadFile(src, srcPath)
	if err != nil {
		return rep, fmt.Errorf("mirror %s: %w", srcMetadataLocation, err)
	}
	var head struct {
		Location string `json:"location"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return rep, fmt.Errorf("mirror %s: read: %w", srcMetadataLocation, err)
	}
	from, ok := cleanLocation(head.Location)
	if !ok {
		return rep, fmt.Errorf("mirror %s: %w: table location %s is neither a local path nor an s3:// prefix", srcMetadataLocation, ErrUnsupportedWarehouse, head.Location)
	}
	dstTo, ok := cleanLocation(to)
	if !ok {
		return rep, fmt.Errorf("mirror %s to %s: %w: neither a local path nor an s3:// prefix", srcMetadataLocation, to, ErrUnsupportedWarehouse)
	}
	r := &relocator{src: src, dst: dst, from: from, to: dstTo,
		done: map[string]rewritten{}, replaced: map[string]bool{}, mirror: &mirror{}}
	report := func() MirrorReport {
		return MirrorReport{MetadataLocation: rep.MetadataLocation, Files: r.mirror.files, Skipped: r.mirror.skipped, Bytes: r.mirror.bytes}
	}
	nl, dstPath := r.mirrorTarget(srcMetadataLocation)
	if nl == "" {
		return rep, fmt.Errorf("mirror %s: the metadata file lies outside the table location %s", srcMetadataLocation, head.Location)
	}
	rep.MetadataLocation = nl
	if _, err := dst.Stat(dstPath); err == nil {
		r.mirror.skipped++
		return report(), nil
	}
	md, err := r.metadata(ctx, srcMetadataLocation)
	if err != nil {
		return report(), fmt.Errorf("mirror %s: %w", srcMetadataLocation, err)
	}
	if edit != nil {
		if err := edit(md); err != nil {
			return report(), fmt.Errorf("mirror %s: %w", srcMetadataLocation, err)
		}
	}
	out, err := json.Marshal(md)
	if err != nil {
		return report(), err
	}
	if _, err := table.ParseMetadataBytes(out); err != nil {
		return report(), fmt.Errorf("mirror of %s does not parse: %w", srcMetadataLocation, err)
	}
	if err := vfs.WriteFile(dst, dstPath, out); err != nil && !errors.Is(err, fs.ErrExist) {
		return report(), fmt.Errorf("mirror %s: write %s: %w", srcMetadataLocation, dstPath, err)
	}
	r.mirror.files++
	r.mirror.bytes += int64(len(out))
	return report(), nil
}

// mirrorTarget is the mirror's location of a source location, with the
// same name relative to the table location, and its path on the
// destination FS; "" for a location outside the source table's.
func (r *relocator) mirrorTarget(loc string) (string, string) {
	p, ok := cleanLocation(loc)
	if !ok || !within(p, r.from) {
		return "", ""
	}
	nl := r.mapLoc(loc)
	np, _ := cleanLocation(nl)
	return nl, np
}

// present reports whether a mirror already holds the file that loc maps
// to, from an earlier run: a file put whole, so complete. Relocate never
// finds one (its names are new).
func (r *relocator) present(loc, nl, dst string) (rewritten, bool, error) {
	if r.mirror == nil {
		return rewritten{}, false, nil
	}
	if nl == "" {
		return rewritten{}, false, fmt.Errorf("%s lies outside the table location %s: a mirror would point at it", loc, r.from)
	}
	st, err := r.dst.Stat(dst)
	if errors.Is(err, fs.ErrNotExist) {
		return rewritten{}, false, nil
	}
	if err != nil {
		return rewritten{}, false, err
	}
	d := rewritten{loc: nl, size: st.Size()}
	r.done[loc] = d
	r.mirror.skipped++
	return d, true, nil
}

// copyExact copies a file byte for byte into the mirror. A copy already
// there with the same size and MD5 (an object's ETag when it is one, else
// read and hashed) is kept; one that differs (a file of another table
// under the same name) is replaced.
func (r *relocator) copyExact(loc string) (rewritten, error) {
	if d, ok := r.done[loc]; ok {
		return d, nil
	}
	nl, dst := r.mirrorTarget(loc)
	if nl == "" {
		return rewritten{}, fmt.Errorf("%s lies outside the table location %s: a mirror would point at it", loc, r.from)
	}
	src := r.local(loc)
	sst, err := r.src.Stat(src)
	if err != nil {
		return rewritten{}, fmt.Errorf("copy %s: %w", loc, err)
	}
	if dst, err := r.dst.Stat(dst); err == nil && dst.Size() == sst.Size() {
		// The destination's digest first: an object's is a HEAD, and a
		// missing one spares reading the source.
		b, berr := contentMD5(r.dst, nl)
		a, aerr := contentMD5(r.src, loc)
		if aerr == nil && berr == nil && a == b {
			r.mirror.skipped++
			d := rewritten{loc: nl, size: sst.Size()}
			r.done[loc] = d
			return d, nil
		}
	}
	if _, err := r.dst.Stat(dst); err == nil {
		if err := r.dst.Remove(dst); err != nil {
			return rewritten{}, fmt.Errorf("replace %s: %w", dst, err)
		}
	}
	in, err := r.src.Open(src)
	if err != nil {
		return rewritten{}, fmt.Errorf("copy %s: %w", loc, err)
	}
	defer in.Close()
	n, err := copyInto(r.dst, dst, in)
	if err != nil {
		return rewritten{}, fmt.Errorf("copy %s to %s: %w", loc, dst, err)
	}
	if n != sst.Size() {
		return rewritten{}, fmt.Errorf("copy %s: read %d bytes of %d", loc, n, sst.Size())
	}
	r.mirror.files++
	r.mirror.bytes += n
	d := rewritten{loc: nl, size: n}
	r.done[loc] = d
	return d, nil
}

// copyInto creates name on fsys with what in holds, whole or not at all.
// It hands in to the writer itself, so a writer that can (vfs.Local's, from
// a local file) copies in the kernel.
func copyInto(fsys vfs.FS, name string, in io.Reader) (int64, error) {
	w, err := fsys.Create(name)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(w, in)
	if err != nil {
		return n, errors.Join(err, w.Abort())
	}
	return n, w.Close()
}

// contentMD5 returns the hex MD5 of a file's bytes: from the object's
// ETag when the FS knows it that way (s3fs, for objects put in one
// part), else by reading the file.
func contentMD5(fsys vfs.FS, loc string) (string, error) {
	p, _ := cleanLocation(loc)
	if e, ok := fsys.(interface {
		ContentMD5(string) (string, bool, error)
	}); ok {
		sum, ok, err := e.ContentMD5(p)
		if err != nil || ok {
			return sum, err
		}
	}
	f, err := fsys.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := md5.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
