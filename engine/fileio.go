package engine

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strconv"
	"sync"

	icebergio "github.com/apache/iceberg-go/io"

	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// iceberg-go finds a table's file IO in a process-wide registry by the
// location's URL scheme; its catalogs and transactions look it up
// themselves (io.LoadFSFunc) when they write manifests and metadata, so
// passing an IO to table.New is not enough. floe therefore registers its
// own factory for "file" and "" once, and each Warehouse puts the handle of
// its vfs.FS in the catalog properties iceberg-go hands that factory
// (fsProp): every file iceberg-go opens or writes for the warehouse goes
// through the warehouse's FS. Properties without a handle get iceberg-go's
// own LocalFS, as before.

// fsProp is the catalog property that names a warehouse's FS.
const fsProp = "floe.vfs"

var (
	fsOnce sync.Once
	fsMu   sync.Mutex
	fsLive = map[string]vfs.FS{}
	fsSeq  int
)

// useFS registers fsys for iceberg-go's file IO and returns its handle and
// the function that unregisters it.
func useFS(fsys vfs.FS) (string, func()) {
	registerFileIO()
	fsMu.Lock()
	defer fsMu.Unlock()
	fsSeq++
	id := strconv.Itoa(fsSeq)
	fsLive[id] = fsys
	return id, func() {
		fsMu.Lock()
		defer fsMu.Unlock()
		delete(fsLive, id)
	}
}

// registerFileIO makes floe's factory iceberg-go's file IO, once.
func registerFileIO() {
	fsOnce.Do(func() {
		for _, scheme := range []string{"file", "", "s3", "s3a"} {
			icebergio.Unregister(scheme)
			icebergio.Register(scheme, fileIOFactory)
		}
	})
}

func fileIOFactory(ctx context.Context, u *url.URL, props map[string]string) (icebergio.IO, error) {
	id := props[fsProp]
	if id == "" {
		if u.Scheme == "s3" || u.Scheme == "s3a" {
			// Not a warehouse's file: an Iceberg client in this process
			// (iceberg-go's REST catalog, say) reading a table on S3. floe
			// owns the s3 scheme here, so it serves it with its own S3 FS
			// configured from Iceberg's s3.* properties.
			return s3IO(ctx, u, props)
		}
		return icebergio.LocalFS{}, nil
	}
	fsMu.Lock()
	fsys, ok := fsLive[id]
	fsMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("file io for %s: the warehouse was closed", u.Redacted())
	}
	return icebergIO{fsys}, nil
}

// icebergIO is iceberg-go's file IO over a vfs.FS. Create is the FS's:
// exclusive and atomic, which suits iceberg-go, whose every new file has a
// unique name.
type icebergIO struct{ fs vfs.FS }

var (
	_ icebergio.ReadFileIO  = icebergIO{}
	_ icebergio.WriteFileIO = icebergIO{}
	_ icebergio.ListableIO  = icebergIO{}
	_ icebergio.StatIO      = icebergIO{}
	_ icebergio.RemoveAllIO = icebergIO{}
)

func (i icebergIO) Open(name string) (icebergio.File, error)     { return i.fs.Open(name) }
func (i icebergIO) ReadFile(name string) ([]byte, error)         { return vfs.ReadFile(i.fs, name) }
func (i icebergIO) Remove(name string) error                     { return i.fs.Remove(name) }
func (i icebergIO) RemoveAll(name string) error                  { return i.fs.RemoveAll(name) }
func (i icebergIO) Stat(name string) (fs.FileInfo, error)        { return i.fs.Stat(name) }
func (i icebergIO) WriteFile(name string, b []byte) error        { return vfs.WriteFile(i.fs, name, b) }
func (i icebergIO) WalkDir(root string, fn fs.WalkDirFunc) error { return i.fs.Walk(root, fn) }

func (i icebergIO) Create(name string) (icebergio.FileWriter, error) {
	w, err := i.fs.Create(name)
	if err != nil {
		return nil, err
	}
	return fileWriter{w}, nil
}

// fileWriter adds the io.ReaderFrom iceberg-go's FileWriter asks for.
type fileWriter struct{ vfs.Writer }

func (w fileWriter) ReadFrom(r io.Reader) (int64, error) {
	return io.Copy(struct{ io.Writer }{w.Writer}, r)
}

// s3IO is an iceberg-go file IO over an S3 FS configured from a client's
// Iceberg properties (s3.endpoint, s3.region or client.region, the keys,
// s3.path-style-access), the AWS configuration filling in the rest.
func s3IO(ctx context.Context, u *url.URL, props map[string]string) (icebergio.IO, error) {
	so := s3fs.Options{
		Endpoint:        props["s3.endpoint"],
		Region:          props["s3.region"],
		AccessKeyID:     props["s3.access-key-id"],
		SecretAccessKey: props["s3.secret-access-key"],
		SessionToken:    props["s3.session-token"],
		VirtualHosted:   props["s3.path-style-access"] == "false",
	}
	if so.Region == "" {
		so.Region = props["client.region"]
	}
	// One FS per configuration, kept: iceberg-go asks for the IO at every
	// step of a scan or commit, and the FS keeps the manifests it read in
	// memory (they are immutable), so a table read again over a REST
	// catalog plans without fetching them anew.
	key := [7]string{so.Endpoint, so.Region, so.AccessKeyID, so.SecretAccessKey, so.SessionToken,
		strconv.FormatBool(so.VirtualHosted), os.Getenv("AWS_PROFILE")}
	s3IOMu.Lock()
	defer s3IOMu.Unlock()
	if fsys, ok := s3IOs[key]; ok {
		return icebergIO{fsys}, nil
	}
	so.Immutable = icebergManifest
	fsys, err := s3fs.New(ctx, so)
	if err != nil {
		return nil, fmt.Errorf("file io for %s: %w", u.Redacted(), err)
	}
	if len(s3IOs) >= maxS3IOs {
		clear(s3IOs) // credentials vended anew, many times over
	}
	s3IOs[key] = fsys
	return icebergIO{fsys}, nil
}

// maxS3IOs bounds the S3 filesystems s3IO keeps.
const maxS3IOs = 8

var (
	s3IOMu sync.Mutex
	s3IOs  = map[[7]string]*s3fs.FS{}
)
