package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/floehq/floe/engine/vfs"
)

// Copy copies the warehouse in src to dst, which must be absent or empty,
// and relocates the copy (see Relocate): the copy's tables point only into
// dst, so writing to it never touches src. The catalog is copied as one
// consistent snapshot (SQLite's VACUUM INTO) before the files, so every
// file a copied catalog entry reaches is copied too, even while another
// process commits to src. src is only read. On failure a dst that Copy
// created is removed.
//
// When either side is on object storage (s3://) or src keeps its catalog
// on its storage (objcat), the copy goes table by table instead (see
// copyMirror): each table's current version with its history of
// snapshots, every file verified, an interrupted copy finished by running
// it again. opts (WithS3, WithHome) open both warehouses.
func Copy(ctx context.Context, src, dst string, opts ...Option) (rep RelocateReport, err error) {
	if mirror, err := needsMirrorCopy(src, dst); err != nil {
		return rep, fmt.Errorf("copy warehouse %s to %s: %w", src, dst, err)
	} else if mirror {
		return copyMirror(ctx, src, dst, opts)
	}
	fsys := vfs.Local{}
	if src, err = filepath.Abs(src); err != nil {
		return rep, err
	}
	if dst, err = filepath.Abs(dst); err != nil {
		return rep, err
	}
	fail := func(err error) (RelocateReport, error) {
		return rep, fmt.Errorf("copy warehouse %s to %s: %w", src, dst, err)
	}
	if within(dst, src) || within(src, dst) {
		return fail(errors.New("one directory holds the other"))
	}
	if _, err := fsys.Stat(filepath.Join(src, CatalogFile)); err != nil {
		return fail(fmt.Errorf("no warehouse there: %w", err))
	}
	created := false
	switch ents, err := fsys.ReadDir(dst); {
	case errors.Is(err, fs.ErrNotExist):
		if err := fsys.MkdirAll(dst); err != nil {
			return fail(err)
		}
		created = true
	case err != nil:
		return fail(err)
	case len(ents) > 0:
		return fail(errors.New("the destination is not empty"))
	}
	defer func() {
		if err != nil && created {
			fsys.RemoveAll(dst)
		}
	}()

	sw, err := Open(ctx, src)
	if err != nil {
		return fail(err)
	}
	_, err = sw.db.ExecContext(ctx, `VACUUM INTO ?`, filepath.Join(dst, CatalogFile))
	sw.Close()
	if err != nil {
		return fail(fmt.Errorf("copy the catalog: %w", err))
	}
	if err := copyTree(ctx, fsys, src, dst); err != nil {
		return fail(err)
	}
	return Relocate(ctx, dst, src)
}

// copyTree copies the directories and regular files under src to dst,
// except the catalog and the commit locks.
func copyTree(ctx context.Context, fsys vfs.FS, src, dst string) error {
	return fsys.Walk(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		if !strings.Contains(rel, string(filepath.Separator)) && (strings.HasPrefix(rel, CatalogFile) || rel == ".locks") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return fsys.MkdirAll(target)
		case d.Type().IsRegular():
			return copyFile(fsys, p, target)
		}
		return nil // sockets, devices and links are not warehouse files
	})
}

func copyFile(fsys vfs.FS, src, dst string) error {
	in, err := fsys.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return vfs.Put(fsys, dst, func(out io.Writer) error {
		if _, err := io.Copy(out, in); err != nil {
			return fmt.Errorf("copy %s: %w", src, err)
		}
		return nil
	})
}
