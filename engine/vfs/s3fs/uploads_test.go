package s3fs_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// TestUploadCanceled: an upload whose context (UploadContext) ends, as
// on Ctrl-C, stops and leaves nothing: no object at the name and, for a
// multipart upload canceled before or during a part, no incomplete upload
// on the server (it was aborted). A context registered for another name
// does not touch the upload.
func TestUploadCanceled(t *testing.T) {
	s := server(t)
	for _, tc := range []struct {
		name     string
		size     int
		cancelAt func(r *http.Request) bool // the request at which the context ends
		stopped  bool
	}{
		{name: "multipart, during part 2", size: 12 << 20, stopped: true,
			cancelAt: func(r *http.Request) bool { return r.URL.Query().Get("partNumber") == "2" }},
		{name: "multipart, before completing", size: 11 << 20, stopped: true,
			cancelAt: func(r *http.Request) bool { return r.Method == http.MethodPost && r.URL.Query().Has("uploadId") }},
		{name: "single put", size: 1000, stopped: true,
			cancelAt: func(r *http.Request) bool { return r.Method == http.MethodPut }},
		{name: "canceled context of another object", size: 11 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var fired atomic.Bool
			hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
				if tc.cancelAt != nil && !fired.Load() && tc.cancelAt(r) {
					fired.Store(true)
					cancel()
				}
				return http.DefaultTransport.RoundTrip(r)
			})}
			fsys := newFS(t, s, s3fs.Options{MultipartThreshold: 5 << 20, HTTPClient: hc, MaxAttempts: 1})
			prefix := base(t, s)
			name := prefix + "/data/f.parquet"
			registered := name
			if !tc.stopped {
				registered = prefix + "/data/other.parquet"
				cancel()
			}
			release := fsys.UploadContext(ctx, registered)
			err := vfs.WriteFile(fsys, name, bytes.Repeat([]byte("z"), tc.size))
			release()
			ups, lerr := fsys.IncompleteUploads(prefix, time.Now().Add(time.Hour))
			if lerr != nil {
				t.Fatal(lerr)
			}
			if len(ups) != 0 {
				t.Errorf("incomplete uploads left: %v", ups)
			}
			_, serr := fsys.Stat(name)
			if !tc.stopped {
				if err != nil || serr != nil {
					t.Errorf("upload: %v, stat: %v; want it made", err, serr)
				}
				return
			}
			if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), name) {
				t.Errorf("upload: %v, want context.Canceled naming %s", err, name)
			}
			if !errors.Is(serr, fs.ErrNotExist) {
				t.Errorf("after the canceled upload: stat %v, want nothing there", serr)
			}
		})
	}
}

// TestIncompleteUploads: an upload a killed process left (created, a part
// stored, never completed) is listed under its prefix when older than the
// cutoff, not under another prefix nor when younger, and AbortUpload drops
// it; aborting it again is not an error.
func TestIncompleteUploads(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{})
	prefix := base(t, s)
	bucket, key := s.Bucket, strings.TrimPrefix(prefix, "s3://"+s.Bucket+"/")+"/t/data/left.parquet"
	c := fsys.Client()
	ctx := context.Background()
	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: bytes.NewReader(bytes.Repeat([]byte("p"), 5<<20))}); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	for _, tc := range []struct {
		prefix string
		before time.Time
		want   int
	}{
		{prefix + "/t", later, 1},
		{prefix, later, 1},
		{prefix + "/other", later, 0},
		{prefix + "/t", time.Now().Add(-time.Hour), 0},
	} {
		ups, err := fsys.IncompleteUploads(tc.prefix, tc.before)
		if err != nil {
			t.Fatal(err)
		}
		if len(ups) != tc.want {
			t.Errorf("IncompleteUploads(%s, %s) = %v, want %d", tc.prefix, tc.before, ups, tc.want)
		}
		if len(ups) == 1 && (ups[0].Location != "s3://"+bucket+"/"+key || ups[0].ID != aws.ToString(up.UploadId)) {
			t.Errorf("listed %+v, want s3://%s/%s upload %s", ups[0], bucket, key, aws.ToString(up.UploadId))
		}
	}
	u := s3fs.Upload{Location: "s3://" + bucket + "/" + key, ID: aws.ToString(up.UploadId)}
	if err := fsys.AbortUpload(u); err != nil {
		t.Fatal(err)
	}
	if ups, err := fsys.IncompleteUploads(prefix, later); err != nil || len(ups) != 0 {
		t.Errorf("after the abort: %v, %v", ups, err)
	}
	if err := fsys.AbortUpload(u); err != nil {
		t.Errorf("aborting it again: %v", err)
	}
}
