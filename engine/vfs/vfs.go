package vfs

import (
	"errors"
	"io"
	"io/fs"
)

// FS is the warehouse's storage. Implementations are safe for concurrent
// use by several goroutines.
type FS interface {
	// Open opens the named file for reading.
	Open(name string) (File, error)

	// Create starts a new file. Its contents appear at name whole when
	// Close succeeds, or not at all: a reader never sees part of it, and a
	// crash or Abort leaves nothing at name. Close fails with an error
	// matching fs.ErrExist when name already exists, so two writers can
	// never both create the same file (on object storage: a PUT with
	// If-None-Match: *). There is no rename: every write is such a put,
	// and object stores cannot rename atomically.
	Create(name string) (Writer, error)

	// Stat describes the named file or directory; a missing one is an
	// error matching fs.ErrNotExist.
	Stat(name string) (fs.FileInfo, error)

	// ReadDir lists a directory, sorted by name.
	ReadDir(name string) ([]fs.DirEntry, error)

	// Walk calls fn for root and everything under it, as
	// filepath.WalkDir does, with names in the form root was given in.
	Walk(root string, fn fs.WalkDirFunc) error

	// Remove removes a file or an empty directory.
	Remove(name string) error

	// RemoveAll removes name and everything under it; a missing name is
	// not an error.
	RemoveAll(name string) error

	// MkdirAll makes a directory and its parents; object storage has no
	// directories and does nothing.
	MkdirAll(name string) error
}

// File is an open file: sequential and positioned reads, and its size.
type File interface {
	io.Reader
	io.ReaderAt
	io.Seeker
	io.Closer
	Stat() (fs.FileInfo, error)
}

// Writer is a file being created by FS.Create. Close publishes it; Abort
// discards it. After either, both do nothing more. A Writer whose Write
// failed never publishes: its Close discards the file and returns that
// error, so a writer that closes whatever happened (iceberg-go's metadata
// writer does) leaves no half-written file.
type Writer interface {
	io.Writer
	io.Closer
	Abort() error
}

// ReadFile reads the whole named file.
func ReadFile(fsys FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// WriteFile creates name with the bytes b, as Create does: whole or not at
// all, never over an existing file.
func WriteFile(fsys FS, name string, b []byte) error {
	return Put(fsys, name, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

// Put creates name with what write writes to it, as Create does: when write
// fails the file is discarded and nothing appears at name. write gets only
// the Writer's Write, so writers that close what they are given (pqarrow)
// cannot publish a file early.
func Put(fsys FS, name string, write func(io.Writer) error) error {
	w, err := fsys.Create(name)
	if err != nil {
		return err
	}
	if err := write(struct{ io.Writer }{w}); err != nil {
		return errors.Join(err, w.Abort())
	}
	return w.Close()
}
