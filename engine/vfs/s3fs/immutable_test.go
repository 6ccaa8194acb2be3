package s3fs_test

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// TestImmutable: an object Options.Immutable matches is read with one GET
// (no HEAD) the first time it is opened and from memory after, reads
// whole, by ReadAt and after a Seek; other objects ask the server each
// time; the memory stays within ImmutableBytes, dropping the least
// recently opened; one the FS created is in memory from the start; a
// removed object is forgotten.
func TestImmutable(t *testing.T) {
	s := server(t)
	var mu sync.Mutex
	var reqs []string
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		mu.Lock()
		reqs = append(reqs, r.Method)
		mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := reqs
		reqs = nil
		return out
	}
	fsys := newFS(t, s, s3fs.Options{HTTPClient: hc, ImmutableBytes: 30,
		Immutable: func(name string) bool { return strings.HasSuffix(name, ".avro") }})
	dir := base(t, s)
	for _, n := range []string{"a.avro", "b.avro", "c.avro", "d.txt"} {
		if err := vfs.WriteFile(fsys, dir+"/"+n, []byte(n+"-0123456")); err != nil { // 14 bytes (13 for d.txt)
			t.Fatal(err)
		}
	}
	open := func(n string) []string {
		t.Helper()
		take()
		f, err := fsys.Open(dir + "/" + n)
		if err != nil {
			t.Fatalf("open %s: %v", n, err)
		}
		defer f.Close()
		all, err := io.ReadAll(f)
		if err != nil || string(all) != n+"-0123456" {
			t.Fatalf("%s reads %q, %v", n, all, err)
		}
		at := make([]byte, 4)
		if _, err := f.ReadAt(at, 2); err != nil || string(at) != (n + "-0123456")[2:6] {
			t.Fatalf("%s: ReadAt(2) = %q, %v", n, at, err)
		}
		if _, err := f.Seek(-3, io.SeekEnd); err != nil {
			t.Fatal(err)
		}
		tail, err := io.ReadAll(f)
		if err != nil || string(tail) != "456" {
			t.Fatalf("%s: after Seek(-3, end) reads %q, %v", n, tail, err)
		}
		if info, err := f.Stat(); err != nil || info.Size() != int64(len(n)+8) || info.Name() != n {
			t.Fatalf("%s: Stat = %v, %v", n, info, err)
		}
		return take()
	}
	get := []string{"GET"}
	for _, step := range []struct {
		name string
		want []string
	}{
		{"a.avro", get}, // first open: one GET
		{"a.avro", nil}, // then from memory
		{"b.avro", get}, // a and b: 28 bytes of 30
		{"a.avro", nil}, // a is now the most recent
		{"c.avro", get}, // c pushes out b
		{"a.avro", nil}, //
		{"b.avro", get}, // b again (pushes out c)
		{"d.txt", []string{"HEAD", "GET", "GET", "GET"}}, // not immutable: the server each time
		{"d.txt", []string{"HEAD", "GET", "GET", "GET"}},
	} {
		if d := cmp.Diff(step.want, open(step.name)); d != "" {
			t.Errorf("open %s: requests (-want +got):\n%s", step.name, d)
		}
	}
	// An immutable object this FS created is in memory from the start.
	if err := vfs.WriteFile(fsys, dir+"/e.avro", []byte("e.avro-0123456")); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string(nil), open("e.avro")); d != "" {
		t.Errorf("open e.avro, just created: requests (-want +got):\n%s", d)
	}
	if err := fsys.Remove(dir + "/a.avro"); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Open(dir + "/a.avro"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open a removed immutable object: %v, want not exist", err)
	}
	if err := fsys.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Open(dir + "/b.avro"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open an immutable object under a removed prefix: %v, want not exist", err)
	}
}
