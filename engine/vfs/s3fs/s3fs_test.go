package s3fs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// One server for the package's tests; each test works under its own
// prefix. Tests that kill a server start their own.
var (
	srvOnce sync.Once
	srv     *s3test.Server
	srvErr  error
)

func server(t *testing.T) *s3test.Server {
	t.Helper()
	srvOnce.Do(func() { srv, srvErr = s3test.StartShared() })
	if srvErr != nil {
		t.Fatal(srvErr)
	}
	return srv
}

func TestMain(m *testing.M) {
	code := m.Run()
	if srv != nil {
		srv.Close()
	}
	os.Exit(code)
}

func newFS(t *testing.T, s *s3test.Server, o s3fs.Options) *s3fs.FS {
	t.Helper()
	if o.Endpoint == "" {
		o.Endpoint = s.Endpoint
	}
	if o.AccessKeyID == "" {
		o.AccessKeyID, o.SecretAccessKey = s3test.AccessKey, s3test.SecretKey
	}
	o.Region = s3test.Region
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 2
	}
	o.SpoolDir = t.TempDir()
	f, err := s3fs.New(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// base returns a prefix of its own for a test.
func base(t *testing.T, s *s3test.Server) string {
	return "s3://" + s.Bucket + "/" + strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func readAll(fsys vfs.FS, name string) (string, error) {
	b, err := vfs.ReadFile(fsys, name)
	return string(b), err
}

// TestCreate: a created object appears whole at Close and not before, never
// over an existing one (a small PUT and a multipart upload alike), and not
// at all when aborted or when its writer fails.
func TestCreate(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{MultipartThreshold: 5 << 20})
	big := strings.Repeat("0123456789abcdef", (11<<20)/16) // 11 MiB: three parts
	for _, tc := range []struct {
		name     string
		existing string
		write    func(io.Writer) error
		wantErr  error
		want     string
	}{
		{name: "new", write: writeString("hello"), want: "hello"},
		{name: "empty", write: writeString(""), want: ""},
		{name: "exists", existing: "old", write: writeString("new"), wantErr: fs.ErrExist, want: "old"},
		{name: "multipart", write: writeString(big), want: big},
		{name: "multipart exists", existing: "old", write: writeString(big), wantErr: fs.ErrExist, want: "old"},
		{name: "failed writer", write: func(w io.Writer) error {
			w.Write([]byte("half"))
			return errors.New("disk on fire")
		}, wantErr: errors.New("disk on fire")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name := base(t, s) + "/sub/f.json"
			if tc.existing != "" {
				if err := vfs.WriteFile(fsys, name, []byte(tc.existing)); err != nil {
					t.Fatal(err)
				}
			}
			err := vfs.Put(fsys, name, func(w io.Writer) error {
				if err := tc.write(w); err != nil {
					return err
				}
				if got, err := readAll(fsys, name); err == nil && got != tc.existing {
					t.Errorf("before Close the object holds %d bytes", len(got))
				}
				return nil
			})
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("Put: %v", err)
			case tc.wantErr != nil && (err == nil || !errors.Is(err, tc.wantErr) && !strings.Contains(err.Error(), tc.wantErr.Error())):
				t.Fatalf("Put: err = %v, want %v", err, tc.wantErr)
			}
			got, rerr := readAll(fsys, name)
			present := rerr == nil
			if wantPresent := tc.want != "" || tc.name == "empty"; present != wantPresent || got != tc.want {
				t.Errorf("object holds %d bytes (present %v, err %v), want %d", len(got), present, rerr, len(tc.want))
			}
		})
	}
	t.Run("abort", func(t *testing.T) {
		name := base(t, s) + "/f"
		w, err := fsys.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x"))
		if err := w.Abort(); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatalf("Close after Abort: %v", err)
		}
		if _, err := fsys.Stat(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("after Abort: Stat err = %v, want not exist", err)
		}
	})
}

// TestCreateRace: two creators of one name close at once; exactly one
// wins, the other gets fs.ErrExist, and the object is the winner's whole.
func TestCreateRace(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{MultipartThreshold: 5 << 20})
	for _, tc := range []struct {
		name string
		size int
	}{{"put", 1000}, {"multipart", 6 << 20}} {
		t.Run(tc.name, func(t *testing.T) {
			for round := range 3 {
				name := fmt.Sprintf("%s/r%d", base(t, s), round)
				bodies := []string{strings.Repeat("a", tc.size), strings.Repeat("b", tc.size)}
				ws := make([]vfs.Writer, 2)
				for i := range ws {
					w, err := fsys.Create(name)
					if err != nil {
						t.Fatal(err)
					}
					io.WriteString(w, bodies[i])
					ws[i] = w
				}
				errs := make([]error, 2)
				var wg sync.WaitGroup
				for i := range ws {
					wg.Go(func() { errs[i] = ws[i].Close() })
				}
				wg.Wait()
				won := -1
				for i, err := range errs {
					switch {
					case err == nil && won >= 0:
						t.Fatalf("round %d: both creators won", round)
					case err == nil:
						won = i
					case !errors.Is(err, fs.ErrExist):
						t.Fatalf("round %d: creator %d: %v, want fs.ErrExist", round, i, err)
					}
				}
				if won < 0 {
					t.Fatalf("round %d: nobody won: %v", round, errs)
				}
				if got, err := readAll(fsys, name); err != nil || got != bodies[won] {
					t.Fatalf("round %d: object is not the winner's (%v)", round, err)
				}
			}
		})
	}
}

// TestSwap: conditional replaces win only against the version they read.
func TestSwap(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{})
	name := base(t, s) + "/pointer"
	if _, _, err := fsys.ReadVersion(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadVersion of a missing object: %v, want fs.ErrNotExist", err)
	}
	v1, err := fsys.Swap(name, []byte("one"), "")
	if err != nil {
		t.Fatalf("create by Swap: %v", err)
	}
	if _, err := fsys.Swap(name, []byte("again"), ""); !errors.Is(err, vfs.ErrConflict) {
		t.Fatalf("Swap with \"\" over an existing object: %v, want ErrConflict", err)
	}
	b, v, err := fsys.ReadVersion(name)
	if err != nil || string(b) != "one" || v != v1 {
		t.Fatalf("ReadVersion = %q, %q, %v; want one, %q", b, v, err, v1)
	}
	v2, err := fsys.Swap(name, []byte("two"), v1)
	if err != nil {
		t.Fatalf("Swap with the current version: %v", err)
	}
	if _, err := fsys.Swap(name, []byte("stale"), v1); !errors.Is(err, vfs.ErrConflict) {
		t.Fatalf("Swap with a stale version: %v, want ErrConflict", err)
	}
	if b, v, _ := fsys.ReadVersion(name); string(b) != "two" || v != v2 {
		t.Fatalf("after the lost swap: %q %q, want two %q", b, v, v2)
	}
	// Two swappers from the same version: one wins.
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			_, err := fsys.Swap(name, fmt.Appendf(nil, "w%d", i), v2)
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, vfs.ErrConflict):
				t.Errorf("swapper %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d of 4 concurrent swaps won, want 1", wins.Load())
	}
	if err := fsys.Remove(name); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Swap(name, []byte("x"), v2); !errors.Is(err, vfs.ErrConflict) {
		t.Fatalf("Swap of a removed object: %v, want ErrConflict", err)
	}
}

// TestRead: ranged ReadAt, sequential Read with Seek, and Stat of an open
// object.
func TestRead(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{})
	name := base(t, s) + "/data.bin"
	content := make([]byte, 100_000)
	for i := range content {
		content[i] = byte(i * 7)
	}
	if err := vfs.WriteFile(fsys, name, content); err != nil {
		t.Fatal(err)
	}
	f, err := fsys.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || st.Size() != int64(len(content)) || st.Name() != "data.bin" {
		t.Fatalf("Stat = %v, %v", st, err)
	}
	for _, tc := range []struct {
		off, n  int64
		wantN   int
		wantEOF bool
	}{
		{0, 10, 10, false},
		{50_000, 1000, 1000, false},
		{99_990, 10, 10, false},
		{99_990, 20, 10, true},
		{100_000, 5, 0, true},
	} {
		t.Run(fmt.Sprintf("at %d len %d", tc.off, tc.n), func(t *testing.T) {
			p := make([]byte, tc.n)
			n, err := f.ReadAt(p, tc.off)
			if n != tc.wantN || (err == io.EOF) != tc.wantEOF || err != nil && err != io.EOF {
				t.Fatalf("ReadAt = %d, %v; want %d, EOF %v", n, err, tc.wantN, tc.wantEOF)
			}
			if !bytes.Equal(p[:n], content[tc.off:tc.off+int64(n)]) {
				t.Fatal("ReadAt returned other bytes")
			}
		})
	}
	if _, err := f.Seek(90_000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	rest, err := io.ReadAll(f)
	if err != nil || !bytes.Equal(rest, content[90_000:]) {
		t.Fatalf("read after Seek: %d bytes, %v", len(rest), err)
	}
	if _, err := f.Seek(-10, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	if tail, _ := io.ReadAll(f); !bytes.Equal(tail, content[len(content)-10:]) {
		t.Fatal("read from SeekEnd returned other bytes")
	}
	// Replaced while open: the next read fails rather than mix versions.
	if err := fsys.Remove(name); err != nil {
		t.Fatal(err)
	}
	if err := vfs.WriteFile(fsys, name, []byte("other")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadAt(make([]byte, 3), 0); !errors.Is(err, s3fs.ErrReplaced) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), srv.Endpoint) {
		t.Fatalf("ReadAt of a replaced object: %v, want ErrReplaced naming it and the endpoint", err)
	}
}

// TestList: Stat, ReadDir and Walk see the directories object keys imply.
func TestList(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{})
	root := base(t, s)
	for _, k := range []string{"a/x.json", "a/b/y.parquet", "a/b/z.parquet", "a/bc/w", "top.txt"} {
		if err := vfs.WriteFile(fsys, root+"/"+k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name    string
		dir     bool
		size    int64
		missing bool
	}{
		{name: "a", dir: true}, {name: "a/b", dir: true}, {name: "top.txt", size: 7},
		{name: "a/x.json", size: 8}, {name: "nope", missing: true}, {name: "a/b/y", missing: true},
	} {
		st, err := fsys.Stat(root + "/" + tc.name)
		if tc.missing {
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Stat %s: %v, want not exist", tc.name, err)
			}
			continue
		}
		if err != nil || st.IsDir() != tc.dir || !tc.dir && st.Size() != tc.size {
			t.Errorf("Stat %s = %v, %v; want dir %v size %d", tc.name, st, err, tc.dir, tc.size)
		}
	}
	ents, err := fsys.ReadDir(root + "/a")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, fmt.Sprintf("%s dir=%v", e.Name(), e.IsDir()))
	}
	if d := cmp.Diff([]string{"b dir=true", "bc dir=true", "x.json dir=false"}, got); d != "" {
		t.Errorf("ReadDir (-want +got):\n%s", d)
	}
	if _, err := fsys.ReadDir(root + "/nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadDir of a missing prefix: %v", err)
	}
	for _, tc := range []struct {
		name string
		skip string // a directory to SkipDir
		want []string
	}{
		{name: "all", want: []string{"", "a", "a/b", "a/b/y.parquet", "a/b/z.parquet", "a/bc", "a/bc/w", "a/x.json", "top.txt"}},
		{name: "skip a/b", skip: "a/b", want: []string{"", "a", "a/b", "a/bc", "a/bc/w", "a/x.json", "top.txt"}},
	} {
		t.Run("walk "+tc.name, func(t *testing.T) {
			var got []string
			err := fsys.Walk(root, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				rel := strings.TrimPrefix(strings.TrimPrefix(p, root), "/")
				got = append(got, rel)
				if tc.skip != "" && rel == tc.skip && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Walk (-want +got):\n%s", d)
			}
		})
	}
	var walkErr error
	fsys.Walk(root+"/nope", func(_ string, _ fs.DirEntry, err error) error { walkErr = err; return err })
	if !errors.Is(walkErr, fs.ErrNotExist) {
		t.Errorf("Walk of a missing root: fn got %v, want not exist", walkErr)
	}
}

// TestRemove: Remove takes objects, refuses non-empty prefixes, reports
// missing ones; RemoveAll takes a prefix and nothing beside it.
func TestRemove(t *testing.T) {
	s := server(t)
	fsys := newFS(t, s, s3fs.Options{})
	root := base(t, s)
	for _, k := range []string{"t/d/1", "t/d/2", "t/m/3", "t/dx", "keep"} {
		if err := vfs.WriteFile(fsys, root+"/"+k, []byte(k)); err != nil {
			t.Fatal(err)
		}
	}
	if err := fsys.Remove(root + "/t/d"); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("Remove of a non-empty prefix: %v", err)
	}
	if err := fsys.Remove(root + "/t/m/3"); err != nil {
		t.Errorf("Remove: %v", err)
	}
	if err := fsys.Remove(root + "/t/m/3"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Remove of a removed object: %v, want not exist", err)
	}
	if err := fsys.RemoveAll(root + "/t/d"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.RemoveAll(root + "/t/gone"); err != nil {
		t.Errorf("RemoveAll of a missing prefix: %v", err)
	}
	var left []string
	fsys.Walk(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, strings.TrimPrefix(p, root+"/"))
		}
		return err
	})
	if d := cmp.Diff([]string{"keep", "t/dx"}, left); d != "" {
		t.Errorf("left after removals (-want +got):\n%s", d)
	}
	if err := fsys.RemoveAll("s3://" + s.Bucket); err == nil {
		t.Error("RemoveAll of a whole bucket succeeded")
	}
}

// TestErrors: wrong keys, a missing bucket, an unreachable endpoint and
// bad names each give an error naming the object and the endpoint.
func TestErrors(t *testing.T) {
	s := server(t)
	good := newFS(t, s, s3fs.Options{})
	name := base(t, s) + "/f"
	if err := vfs.WriteFile(good, name, []byte("x")); err != nil {
		t.Fatal(err)
	}
	port, err := s3test.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	dead := fmt.Sprintf("http://127.0.0.1:%d", port)
	for _, tc := range []struct {
		name    string
		opts    s3fs.Options
		object  string
		op      func(vfs.FS, string) error
		wantIs  error
		wantMsg []string
	}{
		{name: "wrong secret", opts: s3fs.Options{AccessKeyID: s3test.AccessKey, SecretAccessKey: "wrong"}, object: name,
			op: openOp, wantIs: s3fs.ErrAccessDenied, wantMsg: []string{name, s.Endpoint}},
		{name: "unknown key", opts: s3fs.Options{AccessKeyID: "nobody", SecretAccessKey: "wrong"}, object: name,
			op: createOp, wantIs: s3fs.ErrAccessDenied, wantMsg: []string{name, s.Endpoint}},
		{name: "unknown key open", opts: s3fs.Options{AccessKeyID: "nobody", SecretAccessKey: "wrong"}, object: name,
			op: openOp, wantIs: s3fs.ErrAccessDenied, wantMsg: []string{name, s.Endpoint}},
		{name: "missing bucket", object: "s3://no-such-bucket/x/f", op: createOp,
			wantIs: s3fs.ErrNoSuchBucket, wantMsg: []string{"s3://no-such-bucket/x/f", s.Endpoint}},
		{name: "missing bucket open", object: "s3://no-such-bucket/x/f", op: openOp,
			wantIs: s3fs.ErrNoSuchBucket, wantMsg: []string{"s3://no-such-bucket/x/f", s.Endpoint}},
		{name: "missing bucket list", object: "s3://no-such-bucket/x", op: readDirOp,
			wantIs: s3fs.ErrNoSuchBucket, wantMsg: []string{"s3://no-such-bucket/x", s.Endpoint}},
		{name: "unreachable", opts: s3fs.Options{Endpoint: dead, MaxAttempts: 1}, object: name, op: openOp,
			wantMsg: []string{name, dead, "unreachable"}},
		{name: "unreachable create", opts: s3fs.Options{Endpoint: dead, MaxAttempts: 1}, object: name + "2", op: createOp,
			wantMsg: []string{name + "2", dead, "unreachable"}},
		{name: "not s3", object: "/local/path", op: openOp, wantMsg: []string{"/local/path", "not an s3:// URI"}},
		{name: "no bucket", object: "s3:///key", op: openOp, wantMsg: []string{"names no bucket"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := newFS(t, s, tc.opts)
			err := tc.op(fsys, tc.object)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("err = %v, want %v", err, tc.wantIs)
			}
			for _, m := range tc.wantMsg {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("err %q does not name %q", err, m)
				}
			}
		})
	}
}

func openOp(fsys vfs.FS, name string) error { _, err := vfs.ReadFile(fsys, name); return err }
func createOp(fsys vfs.FS, name string) error {
	return vfs.WriteFile(fsys, name, []byte("x"))
}
func readDirOp(fsys vfs.FS, name string) error { _, err := fsys.ReadDir(name); return err }

// TestTruncated: an object that ends before the size its HEAD gave is an
// error naming it, not a short file. The server is not the subject here (a
// real one does not truncate on demand): a loopback fake answers.
func TestTruncated(t *testing.T) {
	const size = 1000
	fake := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"e1"`)
		w.Header().Set("Content-Length", fmt.Sprint(size))
		if r.Method == http.MethodHead {
			return
		}
		if r.Header.Get("Range") != "" {
			w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", size-1, size))
			w.WriteHeader(http.StatusPartialContent)
		}
		w.Write(make([]byte, size/2)) // then the connection ends early
	}))
	defer fake.Close()
	fsys, err := s3fs.New(context.Background(), s3fs.Options{Endpoint: fake.URL, AccessKeyID: "k", SecretAccessKey: "s", MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	name := "s3://bkt/trunc/f.parquet"
	// Immutable objects are read whole by Open.
	kept, err := s3fs.New(context.Background(), s3fs.Options{Endpoint: fake.URL, AccessKeyID: "k", SecretAccessKey: "s", MaxAttempts: 1,
		Immutable: func(string) bool { return true }})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		read func(vfs.File) error
		fsys *s3fs.FS
	}{
		{"ReadAll", func(f vfs.File) error { _, err := io.ReadAll(f); return err }, fsys},
		{"ReadAt", func(f vfs.File) error { _, err := f.ReadAt(make([]byte, size), 0); return err }, fsys},
		{"Open immutable", nil, kept},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tc.fsys.Open(name)
			if tc.read == nil {
				if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "truncated") {
					t.Fatalf("Open = %v, want a truncation error naming %s", err, name)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			err = tc.read(f)
			if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), "truncated") && !strings.Contains(err.Error(), "EOF") {
				t.Fatalf("err = %v, want a truncation error naming %s", err, name)
			}
		})
	}
}

// TestKilledMidUpload: a server killed between the parts of a multipart
// upload fails Close with an error naming the object and endpoint, and
// after a restart over the same directory nothing is at the name.
func TestKilledMidUpload(t *testing.T) {
	s := s3test.Start(t)
	var parts atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Query().Has("partNumber") && parts.Add(1) == 2 {
			s.Stop()
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	fsys := newFS(t, s, s3fs.Options{MultipartThreshold: 5 << 20, HTTPClient: hc, MaxAttempts: 1})
	name := "s3://" + s.Bucket + "/killed/big.parquet"
	err := vfs.WriteFile(fsys, name, bytes.Repeat([]byte("z"), 12<<20))
	if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), s.Endpoint) {
		t.Fatalf("upload to a killed server: %v, want an error naming %s at %s", err, name, s.Endpoint)
	}
	s2 := s3test.Restart(t, s)
	if _, err := newFS(t, s2, s3fs.Options{}).Stat(name); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("after the killed upload: Stat = %v, want not exist", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
