package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Copy copies the warehouse in src to dst, which must be absent or empty,
// and relocates the copy (see Relocate): the copy's tables point only into
// dst, so writing to it never touches src. The catalog is copied as one
// consistent snapshot (SQLite's VACUUM INTO) before the files, so every
// file a copied catalog entry reaches is copied too, even while another
// process commits to src. src is only read. On failure a dst that Copy
// created is removed.
func Copy(ctx context.Context, src, dst string) (rep RelocateReport, err error) {
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
	if _, err := os.Stat(filepath.Join(src, CatalogFile)); err != nil {
		return fail(fmt.Errorf("no warehouse there: %w", err))
	}
	created := false
	switch ents, err := os.ReadDir(dst); {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dst, 0o755); err != nil {
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
			os.RemoveAll(dst)
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
	if err := copyTree(ctx, src, dst); err != nil {
		return fail(err)
	}
	return Relocate(ctx, dst, src)
}

// copyTree copies the directories and regular files under src to dst,
// except the catalog and the commit locks.
func copyTree(ctx context.Context, src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
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
		info, err := d.Info()
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, info.Mode().Perm()|0o700)
		case info.Mode().IsRegular():
			return copyFile(p, target, info.Mode().Perm())
		}
		return nil // sockets, devices and links are not warehouse files
	})
}

func copyFile(src, dst string, mode fs.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode|0o200)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return fmt.Errorf("copy %s: %w", src, err)
	}
	return out.Close()
}
