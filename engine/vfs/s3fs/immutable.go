package s3fs

import (
	"bytes"
	"container/list"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/floehq/floe/engine/vfs"
)

// DefaultImmutableBytes bounds the memory of Options.Immutable's objects
// when Options.ImmutableBytes is 0.
const DefaultImmutableBytes = 64 << 20

// maxImmutableObject is the largest object kept in memory; a larger one is
// read from the server as any other.
const maxImmutableObject = 16 << 20

// immutables keeps whole objects that are never rewritten in place, by
// name, evicting the least recently opened beyond max bytes.
type immutables struct {
	match func(name string) bool
	max   int64

	mu    sync.Mutex
	size  int64
	order *list.List // of *immutable, most recently opened first
	byKey map[string]*list.Element
}

type immutable struct {
	name  string
	b     []byte
	mtime time.Time
}

func newImmutables(match func(string) bool, max int64) *immutables {
	if match == nil {
		return nil
	}
	if max <= 0 {
		max = DefaultImmutableBytes
	}
	return &immutables{match: match, max: max, order: list.New(), byKey: map[string]*list.Element{}}
}

func (c *immutables) get(name string) (*immutable, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[name]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(e)
	return e.Value.(*immutable), true
}

func (c *immutables) put(o *immutable) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byKey[o.name]; ok || int64(len(o.b)) > c.max {
		return
	}
	c.byKey[o.name] = c.order.PushFront(o)
	c.size += int64(len(o.b))
	for c.size > c.max {
		last := c.order.Back()
		old := last.Value.(*immutable)
		c.order.Remove(last)
		delete(c.byKey, old.name)
		c.size -= int64(len(old.b))
	}
}

// forget drops name (it was removed), and with under every object whose
// name starts with name + "/".
func (c *immutables) forget(name string, under bool) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.byKey {
		if k == name || (under && strings.HasPrefix(k, name+"/")) {
			c.order.Remove(e)
			delete(c.byKey, k)
			c.size -= int64(len(e.Value.(*immutable).b))
		}
	}
}

// openImmutable opens an object Options.Immutable matches: from memory
// when it was read before, else with one GET of the whole object (no HEAD
// first), kept when small enough. ok is false for an object too large to
// keep (its GET is dropped after the headers: such manifests are rare, as
// Iceberg's target size is 8 MB): the caller opens it as any other.
func (f *FS) openImmutable(name, bucket, key string) (vfs.File, bool, error) {
	if o, hit := f.immutable.get(name); hit {
		return memFile{Reader: bytes.NewReader(o.b), o: o}, true, nil
	}
	out, err := f.client.GetObject(ctx(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, false, f.fail("open", bucket, key, err)
	}
	defer out.Body.Close()
	size := aws.ToInt64(out.ContentLength)
	if size > maxImmutableObject {
		return nil, false, nil
	}
	b := make([]byte, size)
	n, err := io.ReadFull(out.Body, b)
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return nil, false, &fs.PathError{Op: "read", Path: name,
			Err: fmt.Errorf("at %s: truncated object: it ended after %d bytes of the %d its size says", f.endpoint, n, size)}
	}
	if err != nil {
		return nil, false, f.fail("read", bucket, key, err)
	}
	o := &immutable{name: name, b: b, mtime: aws.ToTime(out.LastModified)}
	f.immutable.put(o)
	return memFile{Reader: bytes.NewReader(o.b), o: o}, true, nil
}

// memFile is an open immutable object held in memory.
type memFile struct {
	*bytes.Reader
	o *immutable
}

func (m memFile) Close() error { return nil }

func (m memFile) Stat() (fs.FileInfo, error) {
	return fileInfo{name: path.Base(m.o.name), size: int64(len(m.o.b)), mtime: m.o.mtime}, nil
}
