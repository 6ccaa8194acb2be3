package s3fs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// file is an object open for reading. Sequential reads stream one GET from
// the current offset; ReadAt makes one ranged GET per call. Every GET must
// match the ETag Open saw, so an object replaced meanwhile is an error,
// never a mix of two versions.
type file struct {
	fs          *FS
	bucket, key string
	size        int64
	etag        string
	mtime       time.Time

	mu   sync.Mutex // guards off and body (Read, Seek, Close)
	off  int64
	body io.ReadCloser
}

func (r *file) name() string { return "s3://" + r.bucket + "/" + r.key }

// get starts a GET of [from, to] (to < 0: to the end).
func (r *file) get(from, to int64) (io.ReadCloser, error) {
	rng := "bytes=" + strconv.FormatInt(from, 10) + "-"
	if to >= 0 {
		rng += strconv.FormatInt(to, 10)
	}
	in := &s3.GetObjectInput{Bucket: &r.bucket, Key: &r.key, Range: &rng}
	if r.etag != "" {
		in.IfMatch = aws.String(r.etag)
	}
	out, err := r.fs.client.GetObject(ctx(), in)
	if err != nil {
		if ferr := r.fs.fail("read", r.bucket, r.key, err); !errors.Is(ferr, fs.ErrExist) {
			return nil, ferr
		}
		// 412 on If-Match: not the object Open saw.
		return nil, &fs.PathError{Op: "read", Path: r.name(),
			Err: fmt.Errorf("at %s: %w: the object was replaced since it was opened (its ETag is no longer %s; 412 Precondition Failed)", r.fs.endpoint, ErrReplaced, r.etag)}
	}
	return out.Body, nil
}

func (r *file) truncated(got, want int64) error {
	return &fs.PathError{Op: "read", Path: r.name(),
		Err: fmt.Errorf("at %s: truncated object: it ended after %d bytes of the %d its size says", r.fs.endpoint, got, want)}
}

func (r *file) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.off >= r.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if r.body == nil {
		b, err := r.get(r.off, -1)
		if err != nil {
			return 0, err
		}
		r.body = b
	}
	n, err := r.body.Read(p)
	r.off += int64(n)
	if errors.Is(err, io.ErrUnexpectedEOF) && r.off < r.size {
		// The connection closed before the Content-Length was sent.
		r.body.Close()
		r.body = nil
		return n, r.truncated(r.off, r.size)
	}
	if err == io.EOF {
		r.body.Close()
		r.body = nil
		if r.off < r.size {
			return n, r.truncated(r.off, r.size)
		}
		err = nil
	}
	if err != nil {
		r.body.Close()
		r.body = nil
		return n, r.fs.fail("read", r.bucket, r.key, err)
	}
	return n, nil
}

func (r *file) Seek(offset int64, whence int) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch whence {
	case io.SeekCurrent:
		offset += r.off
	case io.SeekEnd:
		offset += r.size
	}
	if offset < 0 {
		return 0, &fs.PathError{Op: "seek", Path: r.name(), Err: fs.ErrInvalid}
	}
	if offset != r.off && r.body != nil {
		r.body.Close()
		r.body = nil
	}
	r.off = offset
	return offset, nil
}

// ReadAt reads len(p) bytes at off with one ranged GET.
func (r *file) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: r.name(), Err: fs.ErrInvalid}
	}
	if off >= r.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	want := min(int64(len(p)), r.size-off)
	body, err := r.get(off, off+want-1)
	if err != nil {
		return 0, err
	}
	defer body.Close()
	n, err := io.ReadFull(body, p[:want])
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return n, r.truncated(off+int64(n), r.size)
	}
	if err != nil {
		return n, r.fs.fail("read", r.bucket, r.key, err)
	}
	if want < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

func (r *file) Stat() (fs.FileInfo, error) {
	return fileInfo{name: path.Base(r.key), size: r.size, mtime: r.mtime}, nil
}

func (r *file) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	return nil
}
