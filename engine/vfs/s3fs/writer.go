package s3fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/floehq/floe/engine/vfs"
)

// Create spools a new object to a local file and uploads it at Close with
// If-None-Match: *, so it appears whole or not at all and never over an
// existing object (fs.ErrExist). Files above the multipart threshold go up
// in parts, and the completing request carries If-None-Match: * as well:
// until it succeeds nothing is visible at name, and a second creator's
// complete fails with 412.
func (f *FS) Create(name string) (vfs.Writer, error) {
	bucket, key, err := f.split("create", name)
	if err != nil {
		return nil, err
	}
	if key == "" {
		return nil, &fs.PathError{Op: "create", Path: name, Err: errors.New("is a bucket, not an object")}
	}
	tmp, err := os.CreateTemp(f.spool, "floe-s3-spool-*")
	if err != nil {
		return nil, &fs.PathError{Op: "create", Path: name, Err: fmt.Errorf("local spool: %w", err)}
	}
	return &writer{fs: f, bucket: bucket, key: key, tmp: tmp}, nil
}

type writer struct {
	fs          *FS
	bucket, key string
	tmp         *os.File
	size        int64
	done        bool
	failed      error
}

func (w *writer) Write(b []byte) (int, error) {
	if w.done {
		return 0, &fs.PathError{Op: "write", Path: "s3://" + w.bucket + "/" + w.key, Err: fs.ErrClosed}
	}
	n, err := w.tmp.Write(b)
	w.size += int64(n)
	if err != nil && w.failed == nil {
		w.failed = fmt.Errorf("local spool: %w", err)
	}
	return n, err
}

func (w *writer) discard() {
	w.done = true
	w.tmp.Close()
	os.Remove(w.tmp.Name())
}

func (w *writer) Abort() error {
	if !w.done {
		w.discard()
	}
	return nil
}

func (w *writer) Close() error {
	if w.done {
		return nil
	}
	defer w.discard()
	if w.failed != nil {
		return &fs.PathError{Op: "create", Path: "s3://" + w.bucket + "/" + w.key,
			Err: fmt.Errorf("not uploaded after a failed write: %w", w.failed)}
	}
	if w.size > w.fs.threshold {
		return w.multipart()
	}
	if _, err := w.tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := w.fs.client.PutObject(w.fs.uploadContext(w.bucket, w.key), &s3.PutObjectInput{
		Bucket: &w.bucket, Key: &w.key, Body: w.tmp, ContentLength: aws.Int64(w.size),
		IfNoneMatch: aws.String("*"),
	})
	if err == nil {
		w.keep()
	}
	return w.fs.fail("create", w.bucket, w.key, err)
}

// keep puts a created object Options.Immutable matches into memory from
// the spool, so the next commit, which reads its parent's manifest list,
// does not fetch the one this process just wrote.
func (w *writer) keep() {
	c := w.fs.immutable
	name := "s3://" + w.bucket + "/" + w.key
	if c == nil || w.size > maxImmutableObject || !c.match(name) {
		return
	}
	b := make([]byte, w.size)
	if _, err := w.tmp.ReadAt(b, 0); err != nil {
		return // read from the server when next opened
	}
	c.put(&immutable{name: name, b: b, mtime: time.Now()})
}

// multipart uploads the spool in parts and completes with If-None-Match: *;
// any failure aborts the upload so no parts are left behind, and so does
// the upload's context ending (UploadContext: Ctrl-C), between parts or
// during one.
func (w *writer) multipart() error {
	c := w.fs.client
	uctx := w.fs.uploadContext(w.bucket, w.key)
	up, err := c.CreateMultipartUpload(uctx, &s3.CreateMultipartUploadInput{Bucket: &w.bucket, Key: &w.key})
	if err != nil {
		return w.fs.fail("create", w.bucket, w.key, err)
	}
	abort := func(err error) error {
		if cerr := uctx.Err(); cerr != nil {
			err = fmt.Errorf("%w: %w", cerr, err)
		}
		// Under a context of its own: the upload's may be what ended.
		actx, cancel := context.WithTimeout(context.WithoutCancel(uctx), abortTimeout)
		defer cancel()
		_, aerr := c.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: &w.bucket, Key: &w.key, UploadId: up.UploadId})
		if aerr != nil {
			// The server may be gone; the parts stay invisible (never at
			// name) until its lifecycle rules or a later abort drop them.
			return errors.Join(err, w.fs.fail("abort upload", w.bucket, w.key, aerr))
		}
		return err
	}
	var parts []types.CompletedPart
	for off, n := int64(0), int32(1); off < w.size; off, n = off+w.fs.partSize, n+1 {
		size := min(w.fs.partSize, w.size-off)
		if err := uctx.Err(); err != nil {
			return abort(fmt.Errorf("upload s3://%s/%s: stopped before part %d", w.bucket, w.key, n))
		}
		out, err := c.UploadPart(uctx, &s3.UploadPartInput{
			Bucket: &w.bucket, Key: &w.key, UploadId: up.UploadId, PartNumber: aws.Int32(n),
			Body: io.NewSectionReader(w.tmp, off, size), ContentLength: aws.Int64(size),
		})
		if err != nil {
			return abort(w.fs.fail("create", w.bucket, w.key, fmt.Errorf("upload part %d: %w", n, err)))
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(n)})
	}
	_, err = c.CompleteMultipartUpload(uctx, &s3.CompleteMultipartUploadInput{
		Bucket: &w.bucket, Key: &w.key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
		IfNoneMatch:     aws.String("*"),
	})
	if err != nil {
		return abort(w.fs.fail("create", w.bucket, w.key, err))
	}
	return nil
}
