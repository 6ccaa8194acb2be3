package vfs_test

import (
	"errors"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

func fileURI(p string) string { return (&url.URL{Scheme: "file", Path: p}).String() }

// TestLocalCreate: a created file appears whole at Close and not before,
// never over an existing file, and not at all when aborted or when its
// writer fails; names may be paths or file:// URIs.
func TestLocalCreate(t *testing.T) {
	fsys := vfs.Local{}
	for _, tc := range []struct {
		name     string
		uri      bool
		existing string // contents already at the name; "" for none
		write    func(w io.Writer) error
		wantErr  error
		want     string // contents at the name afterwards; "" for absent
	}{
		{name: "new", write: writeString("hello"), want: "hello"},
		{name: "uri", uri: true, write: writeString("hello"), want: "hello"},
		{name: "exists", existing: "old", write: writeString("new"), wantErr: fs.ErrExist, want: "old"},
		{name: "failed writer", write: func(w io.Writer) error {
			w.Write([]byte("half"))
			return errors.New("disk on fire")
		}, wantErr: errors.New("disk on fire")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "sub", "f.json")
			name := p
			if tc.uri {
				name = fileURI(p)
			}
			if tc.existing != "" {
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(tc.existing), 0o644)
			}
			err := vfs.Put(fsys, name, func(w io.Writer) error {
				if err := tc.write(w); err != nil {
					return err
				}
				// Not visible before Close.
				if b, err := os.ReadFile(p); err == nil && string(b) != tc.existing {
					t.Errorf("before Close the file holds %q", b)
				}
				return nil
			})
			switch {
			case tc.wantErr == nil && err != nil:
				t.Fatalf("Put: %v", err)
			case tc.wantErr != nil && (err == nil || !errors.Is(err, tc.wantErr) && err.Error() != tc.wantErr.Error()):
				t.Fatalf("Put: err = %v, want %v", err, tc.wantErr)
			}
			b, err := os.ReadFile(p)
			got := string(b)
			if err != nil {
				got = ""
			}
			if got != tc.want {
				t.Errorf("file holds %q, want %q", got, tc.want)
			}
			if st, err := os.Stat(p); err == nil && tc.existing == "" && st.Mode().Perm()&0o044 == 0 {
				t.Errorf("file mode %v: others cannot read it", st.Mode())
			}
			if left := tmpFiles(t, filepath.Dir(p)); len(left) > 0 {
				t.Errorf("temporary files left behind: %v", left)
			}
		})
	}
}

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

func tmpFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestLocalWalk: Walk reports names in the form the root was given in.
func TestLocalWalk(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"a/1", "a/b/2", "c"} {
		if err := vfs.WriteFile(vfs.Local{}, filepath.Join(dir, f), []byte(f)); err != nil {
			t.Fatal(err)
		}
	}
	for _, root := range []string{dir, fileURI(dir)} {
		var got []string
		err := vfs.Local{}.Walk(root, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() {
				got = append(got, strings.TrimPrefix(name, root))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(got)
		if diff := cmp.Diff([]string{"/a/1", "/a/b/2", "/c"}, got); diff != "" {
			t.Errorf("Walk(%s) (-want +got):\n%s", root, diff)
		}
	}
}

// TestErrorFS: each injected fault surfaces as ErrInjected and leaves
// nothing half-written behind.
func TestErrorFS(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	if err := vfs.WriteFile(vfs.Local{}, src, []byte("0123456789")); err != nil {
		t.Fatal(err)
	}
	t.Run("short read", func(t *testing.T) {
		fsys := errorfs.Wrap(vfs.Local{}, errorfs.InjectorFunc(func(op errorfs.Op, _ string) error {
			if op == errorfs.OpRead {
				return errorfs.ErrInjected
			}
			return nil
		}))
		f, err := fsys.Open(src)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		buf := make([]byte, 10)
		n, err := f.ReadAt(buf, 0)
		if n != 5 || !errors.Is(err, errorfs.ErrInjected) {
			t.Errorf("ReadAt = %d, %v; want 5 bytes and the injected error", n, err)
		}
		if _, err := vfs.ReadFile(fsys, src); !errors.Is(err, errorfs.ErrInjected) {
			t.Errorf("ReadFile: err = %v, want the injected error", err)
		}
	})
	for _, op := range []errorfs.Op{errorfs.OpCreate, errorfs.OpWrite, errorfs.OpPublish} {
		t.Run("failed "+string(op), func(t *testing.T) {
			c := &errorfs.Counter{Op: op, N: 2, Crash: true}
			fsys := errorfs.Wrap(vfs.Local{}, c)
			sub := filepath.Join(dir, string(op))
			var errs []error
			for i := range 3 {
				errs = append(errs, vfs.WriteFile(fsys, filepath.Join(sub, string(rune('a'+i))), []byte("x")))
			}
			if errs[0] != nil || !errors.Is(errs[1], errorfs.ErrInjected) || !errors.Is(errs[2], errorfs.ErrInjected) {
				t.Errorf("errors %v: want the first write to succeed and the rest (a crash) to fail", errs)
			}
			ents, _ := os.ReadDir(sub)
			var names []string
			for _, e := range ents {
				names = append(names, e.Name())
			}
			if diff := cmp.Diff([]string{"a"}, names); diff != "" {
				t.Errorf("files after the crash (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFailedWriteNeverPublishes: a writer closed after a failed Write (as
// iceberg-go closes its metadata writer whatever happened) publishes
// nothing.
func TestFailedWriteNeverPublishes(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.json")
	fsys := errorfs.Wrap(vfs.Local{}, &errorfs.Counter{Op: errorfs.OpWrite, N: 2})
	w, err := fsys.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(`{"a":`)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(`1}`)); !errors.Is(err, errorfs.ErrInjected) {
		t.Fatalf("second Write: err = %v, want the injected fault", err)
	}
	if err := w.Close(); !errors.Is(err, errorfs.ErrInjected) {
		t.Errorf("Close after a failed Write: err = %v, want the write's error", err)
	}
	if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the file was published: %v", err)
	}
	if left := tmpFiles(t, dir); len(left) > 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
