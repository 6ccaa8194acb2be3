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

// Swapper is an FS that can replace a small object only when it has not
// changed since it was read: S3's conditional writes (If-Match: <etag> to
// swap, If-None-Match: * to create). A catalog that keeps each table's
// pointer as an object commits through it, so two writers on two machines
// sharing a bucket cannot both win.
type Swapper interface {
	// ReadVersion returns name's contents and an opaque version of them
	// (S3's ETag); a missing name is an error matching fs.ErrNotExist.
	ReadVersion(name string) ([]byte, string, error)

	// Swap makes b the contents of name, whole or not at all, only when
	// name's version is still version; version "" means name must not
	// exist yet. When name changed (or exists, for "") it returns an
	// error matching ErrConflict and changes nothing. It returns the new
	// version.
	Swap(name string, b []byte, version string) (string, error)
}

// ErrConflict reports a conditional write that lost: the object changed
// since its version was read (S3's 412 Precondition Failed).
var ErrConflict = errors.New("conditional write lost: the object changed since it was read")

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
