package s3fs_test

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"testing"

	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// TestContentMD5: an object put in one part has its MD5 as its ETag; one
// uploaded in parts does not say (the caller reads it); a missing one is
// fs.ErrNotExist.
func TestContentMD5(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{MultipartThreshold: 5 << 20})
	dir := base(t, s)
	small := bytes.Repeat([]byte("floe"), 1000)
	big := bytes.Repeat([]byte("0123456789abcdef"), (6<<20)/16)
	sum := func(b []byte) string { h := md5.Sum(b); return hex.EncodeToString(h[:]) }
	for _, c := range []struct {
		name   string
		data   []byte
		wantOK bool
	}{
		{"one-part", small, true},
		{"multipart", big, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			name := dir + "/" + c.name
			if err := vfs.Put(fsys, name, func(w io.Writer) error { _, err := w.Write(c.data); return err }); err != nil {
				t.Fatal(err)
			}
			got, ok, err := fsys.ContentMD5(name)
			if err != nil || ok != c.wantOK || ok && got != sum(c.data) {
				t.Fatalf("ContentMD5 = %q, %v, %v; want ok %v and %s", got, ok, err, c.wantOK, sum(c.data))
			}
		})
	}
	if _, _, err := fsys.ContentMD5(dir + "/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ContentMD5 of a missing object: %v, want fs.ErrNotExist", err)
	}
}
