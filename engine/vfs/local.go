package vfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Local is the local filesystem. It takes absolute paths and file:// URIs.
// The zero value is ready to use.
type Local struct{}

var _ FS = Local{}

// Path turns a name Local takes into a local path: a file:// URI's path,
// or the name itself.
func Path(name string) (string, error) {
	if !strings.HasPrefix(name, "file:") {
		return name, nil
	}
	u, err := url.Parse(name)
	if err != nil {
		return "", fmt.Errorf("file location %q: %w", name, err)
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("file location %q: a host other than localhost is not a local file", name)
	}
	return u.Path, nil
}

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// Open opens the named file for reading.
func (Local) Open(name string) (File, error) {
	p, err := Path(name)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Create writes to a temporary file beside name and links it to name at
// Close, which fails when name exists; the parent directories are made.
func (Local) Create(name string) (Writer, error) {
	p, err := Path(name)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Not os.CreateTemp: its files are 0600, and the warehouse's files
	// are readable as the umask allows, for other engines too.
	for range 100 {
		tmp := filepath.Join(dir, ".tmp-"+filepath.Base(p)+"-"+strconv.FormatUint(rand.Uint64(), 36))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return &localWriter{f: f, name: name, path: p}, nil
	}
	return nil, pathErr("create", name, errors.New("no free temporary name"))
}

type localWriter struct {
	f          *os.File
	name, path string
	done       bool
	failed     error // the first failed Write
}

func (w *localWriter) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil && w.failed == nil {
		w.failed = err
	}
	return n, err
}

// ReadFrom copies from r, in the kernel when r is a local file
// (copy_file_range), for copies that go through Create directly.
func (w *localWriter) ReadFrom(r io.Reader) (int64, error) {
	n, err := w.f.ReadFrom(r)
	if err != nil && w.failed == nil {
		w.failed = err
	}
	return n, err
}

func (w *localWriter) Close() error {
	if w.done {
		return nil
	}
	if w.failed != nil {
		w.Abort()
		return fmt.Errorf("create %s: not published after a failed write: %w", w.name, w.failed)
	}
	w.done = true
	tmp := w.f.Name()
	defer os.Remove(tmp)
	if err := w.f.Close(); err != nil {
		return err
	}
	// A hard link publishes the whole file and fails if the name exists:
	// create-exclusive and atomic at once.
	err := os.Link(tmp, w.path)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrExist):
		return pathErr("create", w.name, fs.ErrExist)
	}
	// Filesystems without hard links: check, then rename. Two writers of
	// the same name could race here, which the engine's unique file names
	// rule out.
	if _, serr := os.Lstat(w.path); serr == nil {
		return pathErr("create", w.name, fs.ErrExist)
	}
	return os.Rename(tmp, w.path)
}

func (w *localWriter) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.f.Close()
	return os.Remove(w.f.Name())
}

// Stat describes the named file or directory.
func (Local) Stat(name string) (fs.FileInfo, error) {
	p, err := Path(name)
	if err != nil {
		return nil, err
	}
	return os.Stat(p)
}

// ReadDir lists a directory, sorted by name.
func (Local) ReadDir(name string) ([]fs.DirEntry, error) {
	p, err := Path(name)
	if err != nil {
		return nil, err
	}
	return os.ReadDir(p)
}

// Walk walks the tree at root with filepath.WalkDir; under a file:// root
// the names fn gets are file:// URIs too.
func (Local) Walk(root string, fn fs.WalkDirFunc) error {
	p, err := Path(root)
	if err != nil {
		return err
	}
	if p == root {
		return filepath.WalkDir(p, fn)
	}
	return filepath.WalkDir(p, func(q string, d fs.DirEntry, err error) error {
		return fn((&url.URL{Scheme: "file", Path: q}).String(), d, err)
	})
}

// Remove removes a file or an empty directory.
func (Local) Remove(name string) error {
	p, err := Path(name)
	if err != nil {
		return err
	}
	return os.Remove(p)
}

// RemoveAll removes name and everything under it.
func (Local) RemoveAll(name string) error {
	p, err := Path(name)
	if err != nil {
		return err
	}
	return os.RemoveAll(p)
}

// MkdirAll makes a directory and its parents.
func (Local) MkdirAll(name string) error {
	p, err := Path(name)
	if err != nil {
		return err
	}
	return os.MkdirAll(p, 0o755)
}
