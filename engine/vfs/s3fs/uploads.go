package s3fs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// vfs.FS takes no context, and a warehouse's FS is often wrapped (I/O
// accounting, fault injection), so a caller cannot hand the writer its
// context. Instead it registers the context for the object it is about to
// put, by name, which passes through every wrapper unchanged: the upload
// of that object is then made under it, and a canceled context (Ctrl-C)
// stops the upload and aborts a multipart upload under way, leaving no
// parts on the server.

type uploadContexts struct {
	mu sync.Mutex
	m  map[string]context.Context
}

// UploadContext makes ctx the context of the next upload of name (an
// s3:// URI) on this FS, until release is called.
func (f *FS) UploadContext(ctx context.Context, name string) (release func()) {
	bucket, key, err := Split(name)
	if err != nil {
		return func() {}
	}
	k := bucket + "/" + key
	f.uploads.mu.Lock()
	defer f.uploads.mu.Unlock()
	if f.uploads.m == nil {
		f.uploads.m = map[string]context.Context{}
	}
	f.uploads.m[k] = ctx
	return func() {
		f.uploads.mu.Lock()
		defer f.uploads.mu.Unlock()
		if f.uploads.m[k] == ctx {
			delete(f.uploads.m, k)
		}
	}
}

// uploadContext is the context an upload of bucket/key runs under.
func (f *FS) uploadContext(bucket, key string) context.Context {
	f.uploads.mu.Lock()
	defer f.uploads.mu.Unlock()
	if c, ok := f.uploads.m[bucket+"/"+key]; ok {
		return c
	}
	return ctx()
}

// abortTimeout bounds the abort of an upload whose own context is done.
const abortTimeout = 30 * time.Second

// Upload is a multipart upload that was started and neither completed
// nor aborted: a process killed in the middle of one leaves it, its parts
// stored (and billed) but never visible as an object.
type Upload struct {
	// Location is the s3:// URI of the object it was to make.
	Location string
	// ID is the upload's id.
	ID string
	// Initiated is when it started.
	Initiated time.Time
}

// IncompleteUploads lists the multipart uploads under prefix (an s3://
// URI) started before olderThan, sorted by location. A younger one may
// belong to a writer still at work.
func (f *FS) IncompleteUploads(prefix string, olderThan time.Time) ([]Upload, error) {
	bucket, key, err := f.split("list uploads", prefix)
	if err != nil {
		return nil, err
	}
	p := dirPrefix(key)
	var out []Upload
	in := &s3.ListMultipartUploadsInput{Bucket: &bucket, Prefix: &p}
	for {
		page, err := f.client.ListMultipartUploads(ctx(), in)
		if err != nil {
			return nil, f.fail("list uploads", bucket, key, err)
		}
		for _, u := range page.Uploads {
			if u.Initiated != nil && !u.Initiated.Before(olderThan) {
				continue
			}
			out = append(out, Upload{Location: "s3://" + bucket + "/" + aws.ToString(u.Key), ID: aws.ToString(u.UploadId), Initiated: aws.ToTime(u.Initiated)})
		}
		if !aws.ToBool(page.IsTruncated) || (aws.ToString(page.NextKeyMarker) == "" && aws.ToString(page.NextUploadIdMarker) == "") {
			break
		}
		in.KeyMarker, in.UploadIdMarker = page.NextKeyMarker, page.NextUploadIdMarker
	}
	slices.SortFunc(out, func(a, b Upload) int {
		if c := strings.Compare(a.Location, b.Location); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// AbortUpload aborts an incomplete multipart upload, dropping its parts.
// One already gone (completed or aborted meanwhile) is not an error.
func (f *FS) AbortUpload(u Upload) error {
	bucket, key, err := f.split("abort upload", u.Location)
	if err != nil {
		return err
	}
	_, err = f.client.AbortMultipartUpload(ctx(), &s3.AbortMultipartUploadInput{Bucket: &bucket, Key: &key, UploadId: &u.ID})
	if err == nil {
		return nil
	}
	if err := f.fail("abort upload", bucket, key, err); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("abort upload %s of %s: %w", u.ID, u.Location, err)
	}
	return nil // NoSuchUpload: gone already
}
