package s3fs

import (
	"errors"
	"io/fs"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ContentMD5 returns the hex MD5 of an object's bytes when its ETag is
// one (an object put in a single part; a multipart upload's ETag is not),
// from a HEAD alone; ok is false when the ETag says nothing about the
// bytes, and the caller has to read them. A copier uses it to skip an
// object already holding what it would write.
func (f *FS) ContentMD5(name string) (sum string, ok bool, err error) {
	bucket, key, err := f.split("stat", name)
	if err != nil {
		return "", false, err
	}
	if key == "" {
		return "", false, &fs.PathError{Op: "stat", Path: name, Err: errors.New("is a bucket, not an object")}
	}
	h, err := f.head("stat", bucket, key)
	if err != nil {
		return "", false, err
	}
	etag := strings.Trim(aws.ToString(h.ETag), `"`)
	if len(etag) != 32 || strings.Trim(strings.ToLower(etag), "0123456789abcdef") != "" {
		return "", false, nil
	}
	return strings.ToLower(etag), true, nil
}
