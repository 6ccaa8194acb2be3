// Package errorfs wraps a vfs.FS to inject faults for tests: a failing
// operation, a short read, a process that dies after its Nth file (every
// later write fails, as nothing a dead process does reaches storage).
package errorfs

import (
	"errors"
	"io/fs"
	"strings"
	"sync"

	"github.com/floehq/floe/engine/vfs"
)

// ErrInjected is the error every injected fault wraps.
var ErrInjected = errors.New("injected fault")

// Op names an operation of the filesystem or of a file it returned.
type Op string

// The operations an Injector sees.
const (
	OpOpen     Op = "open"
	OpRead     Op = "read" // Read and ReadAt of an opened file
	OpStat     Op = "stat"
	OpReadDir  Op = "readdir"
	OpWalk     Op = "walk"
	OpCreate   Op = "create"
	OpWrite    Op = "write"   // Write to a created file
	OpPublish  Op = "publish" // Close of a created file: it appears
	OpRemove   Op = "remove"  // Remove and RemoveAll
	OpMkdirAll Op = "mkdirall"
	OpSwap     Op = "swap" // Swap of a vfs.Swapper; ReadVersion is an OpRead
)

// Mutating reports the operations that change storage.
func (op Op) Mutating() bool {
	switch op {
	case OpCreate, OpWrite, OpPublish, OpRemove, OpMkdirAll, OpSwap:
		return true
	}
	return false
}

// Injector decides whether an operation on name fails: a non-nil error
// is returned in its place. A failing OpRead is a short read: the read
// returns half the bytes asked for, then the error.
type Injector interface {
	MaybeError(op Op, name string) error
}

// InjectorFunc is an Injector written as a function.
type InjectorFunc func(op Op, name string) error

// MaybeError calls f.
func (f InjectorFunc) MaybeError(op Op, name string) error { return f(op, name) }

// FS is a vfs.FS that asks its Injector before each operation.
type FS struct {
	inner vfs.FS
	inj   Injector
}

var _ vfs.FS = (*FS)(nil)

// Wrap returns inner with faults from inj.
func Wrap(inner vfs.FS, inj Injector) *FS { return &FS{inner: inner, inj: inj} }

func (e *FS) check(op Op, name string) error {
	if err := e.inj.MaybeError(op, name); err != nil {
		return &fs.PathError{Op: string(op), Path: name, Err: err}
	}
	return nil
}

// Open opens the named file for reading.
func (e *FS) Open(name string) (vfs.File, error) {
	if err := e.check(OpOpen, name); err != nil {
		return nil, err
	}
	f, err := e.inner.Open(name)
	if err != nil {
		return nil, err
	}
	return &file{File: f, fs: e, name: name}, nil
}

// Create starts a new file.
func (e *FS) Create(name string) (vfs.Writer, error) {
	if err := e.check(OpCreate, name); err != nil {
		return nil, err
	}
	w, err := e.inner.Create(name)
	if err != nil {
		return nil, err
	}
	return &writer{w: w, fs: e, name: name}, nil
}

// Stat describes the named file or directory.
func (e *FS) Stat(name string) (fs.FileInfo, error) {
	if err := e.check(OpStat, name); err != nil {
		return nil, err
	}
	return e.inner.Stat(name)
}

// ReadDir lists a directory.
func (e *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := e.check(OpReadDir, name); err != nil {
		return nil, err
	}
	return e.inner.ReadDir(name)
}

// Walk walks the tree at root.
func (e *FS) Walk(root string, fn fs.WalkDirFunc) error {
	if err := e.check(OpWalk, root); err != nil {
		return err
	}
	return e.inner.Walk(root, fn)
}

// Remove removes a file or an empty directory.
func (e *FS) Remove(name string) error {
	if err := e.check(OpRemove, name); err != nil {
		return err
	}
	return e.inner.Remove(name)
}

// RemoveAll removes name and everything under it.
func (e *FS) RemoveAll(name string) error {
	if err := e.check(OpRemove, name); err != nil {
		return err
	}
	return e.inner.RemoveAll(name)
}

// MkdirAll makes a directory and its parents.
func (e *FS) MkdirAll(name string) error {
	if err := e.check(OpMkdirAll, name); err != nil {
		return err
	}
	return e.inner.MkdirAll(name)
}

// ErrNoSwap reports a Swapper call on an FS whose inner FS is no Swapper.
var ErrNoSwap = errors.New("the wrapped filesystem cannot swap objects")

var _ vfs.Swapper = (*FS)(nil)

// ReadVersion reads name and its version from the inner FS, which must be
// a vfs.Swapper; an injected OpRead fault fails it whole.
func (e *FS) ReadVersion(name string) ([]byte, string, error) {
	sw, ok := e.inner.(vfs.Swapper)
	if !ok {
		return nil, "", &fs.PathError{Op: "readversion", Path: name, Err: ErrNoSwap}
	}
	if err := e.check(OpRead, name); err != nil {
		return nil, "", err
	}
	return sw.ReadVersion(name)
}

// Swap swaps name on the inner FS, which must be a vfs.Swapper; an
// injected OpSwap fault fails it before it reaches storage.
func (e *FS) Swap(name string, b []byte, version string) (string, error) {
	sw, ok := e.inner.(vfs.Swapper)
	if !ok {
		return "", &fs.PathError{Op: "swap", Path: name, Err: ErrNoSwap}
	}
	if err := e.check(OpSwap, name); err != nil {
		return "", err
	}
	return sw.Swap(name, b, version)
}

type file struct {
	vfs.File
	fs   *FS
	name string
}

func (f *file) Read(p []byte) (int, error) {
	if err := f.fs.check(OpRead, f.name); err != nil {
		n, _ := f.File.Read(p[:len(p)/2])
		return n, err
	}
	return f.File.Read(p)
}

func (f *file) ReadAt(p []byte, off int64) (int, error) {
	if err := f.fs.check(OpRead, f.name); err != nil {
		n, _ := f.File.ReadAt(p[:len(p)/2], off)
		return n, err
	}
	return f.File.ReadAt(p, off)
}

type writer struct {
	w      vfs.Writer
	fs     *FS
	name   string
	failed error // the first injected write fault
}

func (w *writer) Write(p []byte) (int, error) {
	if err := w.fs.check(OpWrite, w.name); err != nil {
		if w.failed == nil {
			w.failed = err
		}
		return 0, err
	}
	return w.w.Write(p)
}

// Close publishes the file unless a write or the publish itself failed; a
// failed one discards the file, as a PUT that never completed leaves no
// object.
func (w *writer) Close() error {
	if w.failed != nil {
		return errors.Join(w.failed, w.w.Abort())
	}
	if err := w.fs.check(OpPublish, w.name); err != nil {
		return errors.Join(err, w.w.Abort())
	}
	return w.w.Close()
}

func (w *writer) Abort() error { return w.w.Abort() }

// Counter fails the Nth operation (counting from 1) that is Op and whose
// name contains Match. With Crash, every mutating operation after it fails
// too: the process died there. Counter is safe for concurrent use.
type Counter struct {
	Op    Op
	Match string // a substring of the name; "" matches every name
	N     int
	Crash bool

	mu    sync.Mutex
	seen  int
	fired bool
	names []string
}

// MaybeError counts matching operations and fails the Nth.
func (c *Counter) MaybeError(op Op, name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fired && c.Crash && op.Mutating() {
		return ErrInjected
	}
	if op != c.Op || !strings.Contains(name, c.Match) {
		return nil
	}
	c.seen++
	c.names = append(c.names, name)
	if c.seen == c.N {
		c.fired = true
		return ErrInjected
	}
	return nil
}

// Fired reports whether the fault happened.
func (c *Counter) Fired() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fired
}

// Seen returns the names of the matching operations so far, in order.
func (c *Counter) Seen() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.names...)
}

// Off is the Injector that injects nothing.
var Off Injector = InjectorFunc(func(Op, string) error { return nil })
