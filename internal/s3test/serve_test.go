package s3test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// TestServeKeepsDir: Serve makes the buckets it is given, and a server
// started again over the same directory has them and their objects (the
// local server of go run ./internal/s3test/vgw).
func TestServeKeepsDir(t *testing.T) {
	if testing.Short() {
		t.Skip("starts versitygw twice")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for run, tc := range []struct {
		buckets []string
		put     bool
	}{
		{[]string{"floe-samples", "other-bucket"}, true},
		{[]string{"floe-samples", "other-bucket", "third-bucket"}, false},
	} {
		srv, err := Serve(dir, "", tc.buckets...)
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		c := srv.Client()
		if tc.put {
			if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("floe-samples"), Key: aws.String("k"),
				Body: strings.NewReader("kept")}); err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range tc.buckets {
			if _, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String(b)}); err != nil {
				t.Errorf("run %d: bucket %s: %v", run, b, err)
			}
		}
		out, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("floe-samples"), Key: aws.String("k")})
		if err != nil {
			t.Fatalf("run %d: %v", run, err)
		}
		body, _ := io.ReadAll(out.Body)
		out.Body.Close()
		if string(body) != "kept" {
			t.Errorf("run %d: object k holds %q", run, body)
		}
		srv.Stop()
		select {
		case <-srv.Done():
		default:
			t.Errorf("run %d: Done is open after Stop", run)
		}
	}
	if _, err := Serve(dir, ""); err == nil {
		t.Error("Serve with no bucket: no error")
	}
}
