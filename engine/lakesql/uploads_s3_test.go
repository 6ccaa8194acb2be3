package lakesql

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// TestS3InterruptedUploads: an INSERT into an S3 table interrupted in the
// middle of a multipart upload (its context canceled, as Ctrl-C does)
// fails with context.Canceled, commits nothing and leaves no incomplete
// upload; one a killed process left (started, a part stored, never
// completed) is listed by remove_orphan_files' dry run once older than
// the margin, and aborted by the real run, which maintenance runs too.
func TestS3InterruptedUploads(t *testing.T) {
	srv := s3Server(t)
	home := t.TempDir()
	var canceled atomic.Pointer[context.CancelFunc]
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Get("partNumber") == "2" {
			if c := canceled.Swap(nil); c != nil {
				(*c)()
			}
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	so := s3Options(srv)
	so.MultipartThreshold = 5 << 20
	f := openS3Lake(t, home, engine.WithS3(so), engine.WithS3HTTPClient(hc))
	f.exec(`CREATE SCHEMA lake.u; CREATE TABLE lake.u.t (id BIGINT, s VARCHAR); INSERT INTO lake.u.t VALUES (1, 'a')`)
	loc := f.table("u", "t").Location()
	fsys, err := s3fs.New(f.ctx, so)
	if err != nil {
		t.Fatal(err)
	}
	incomplete := func() []s3fs.Upload {
		t.Helper()
		ups, err := fsys.IncompleteUploads(loc, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ups
	}

	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	canceled.Store(&cancel)
	err = f.s.Exec(ctx, `INSERT INTO lake.u.t SELECT i, md5(i::VARCHAR) || md5((i + 7)::VARCHAR) FROM range(300000) r(i)`)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("the interrupted INSERT: %v, want context.Canceled", err)
	}
	if canceled.Load() != nil {
		t.Fatal("the INSERT never reached part 2 of a multipart upload")
	}
	diffRows(t, "rows after the interrupted INSERT", [][]string{{"1"}}, f.strings(`SELECT count(*) FROM lake.u.t`))
	if ups := incomplete(); len(ups) != 0 {
		t.Errorf("the interrupted INSERT left incomplete uploads: %v", ups)
	}

	// A killed process's leftover, under the table's data directory.
	bucket, key, _ := s3fs.Split(loc + "/data/killed.parquet")
	up, err := fsys.Client().CreateMultipartUpload(f.ctx, &s3.CreateMultipartUploadInput{Bucket: &bucket, Key: &key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Client().UploadPart(f.ctx, &s3.UploadPartInput{Bucket: &bucket, Key: &key, UploadId: up.UploadId,
		PartNumber: aws.Int32(1), Body: strings.NewReader(strings.Repeat("p", 5<<20))}); err != nil {
		t.Fatal(err)
	}
	// Inside the margin it is a writer's at work: left alone.
	if rows := f.strings(`CALL remove_orphan_files(table => 'u.t', dry_run => true)`); len(rows) != 0 {
		t.Errorf("a young upload listed: %v", rows)
	}
	laterBy(t, 4*24*time.Hour)
	rows := f.strings(`CALL remove_orphan_files(table => 'u.t', dry_run => true)`)
	if len(rows) != 1 || !strings.Contains(rows[0][0], key) || !strings.Contains(rows[0][0], "incomplete multipart upload "+aws.ToString(up.UploadId)) {
		t.Errorf("dry run lists %v, want the incomplete upload of %s", rows, key)
	}
	if ups := incomplete(); len(ups) != 1 {
		t.Errorf("the dry run aborted the upload: %v", ups)
	}
	rep, err := f.wh.RemoveOrphanFiles(f.ctx, "u", "t", engine.OrphanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Aborted != 1 || len(rep.Uploads) != 1 || rep.Uploads[0].ID != aws.ToString(up.UploadId) {
		t.Errorf("remove_orphan_files aborted %d of %+v, want the one upload", rep.Aborted, rep.Uploads)
	}
	if ups := incomplete(); len(ups) != 0 {
		t.Errorf("incomplete uploads after remove_orphan_files: %v", ups)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
