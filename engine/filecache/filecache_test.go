package filecache_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/errorfs"
)

// counting is a vfs.FS that counts the files it opens.
type counting struct {
	vfs.FS
	opens atomic.Int32
}

func (c *counting) Open(name string) (vfs.File, error) {
	c.opens.Add(1)
	return c.FS.Open(name)
}

func writeFiles(t *testing.T, dir string, sizes map[string]int) []filecache.File {
	t.Helper()
	var out []filecache.File
	for name, n := range sizes {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat(name[:1], n)), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, filecache.File{Location: p, Size: int64(n)})
	}
	return out
}

// TestGet: a miss fetches, a hit does not, the copy holds the file's bytes,
// and a file at a reused location with another size is another entry.
func TestGet(t *testing.T) {
	src := t.TempDir()
	fsys := &counting{FS: vfs.Local{}}
	c, err := filecache.Open(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	files := writeFiles(t, src, map[string]int{"a.parquet": 100, "b.parquet": 200})
	for round, wantOpens := range []int32{2, 2} {
		got, err := c.Get(context.Background(), fsys, files, 4)
		if err != nil {
			t.Fatal(err)
		}
		if fsys.opens.Load() != wantOpens {
			t.Errorf("round %d: %d opens, want %d", round, fsys.opens.Load(), wantOpens)
		}
		for _, f := range files {
			b, err := os.ReadFile(got[f.Location])
			if err != nil || int64(len(b)) != f.Size || filepath.Ext(got[f.Location]) != ".parquet" {
				t.Errorf("round %d: copy of %s: %d bytes, %v", round, f.Location, len(b), err)
			}
		}
	}
	if c.Fetched() != 300 || c.Size() != 300 {
		t.Errorf("fetched %d, size %d; want 300, 300", c.Fetched(), c.Size())
	}
	// The same location, rewritten with another size: a new entry.
	files = writeFiles(t, src, map[string]int{"a.parquet": 150})
	got, err := c.Get(context.Background(), fsys, files, 4)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(got[files[0].Location]); len(b) != 150 {
		t.Errorf("rewritten file: cached copy holds %d bytes, want 150", len(b))
	}
	// A file shorter than the metadata says is an error, and no entry.
	short := []filecache.File{{Location: files[0].Location, Size: 999}}
	if _, err := c.Get(context.Background(), fsys, short, 1); err == nil || !strings.Contains(err.Error(), files[0].Location) {
		t.Errorf("short file: %v, want an error naming it", err)
	}
	assertNoTemp(t, c.Dir())
}

// TestEvict: the cache stays within its bound by dropping the least
// recently used entries, never those of the Get in progress.
func TestEvict(t *testing.T) {
	src := t.TempDir()
	fsys := &counting{FS: vfs.Local{}}
	c, err := filecache.Open(t.TempDir(), 250)
	if err != nil {
		t.Fatal(err)
	}
	all := writeFiles(t, src, map[string]int{"a": 100, "b": 100, "c": 100})
	byName := map[string]filecache.File{}
	for _, f := range all {
		byName[filepath.Base(f.Location)] = f
	}
	get := func(names ...string) {
		t.Helper()
		var fs []filecache.File
		for _, n := range names {
			fs = append(fs, byName[n])
		}
		if _, err := c.Get(context.Background(), fsys, fs, 1); err != nil {
			t.Fatal(err)
		}
	}
	get("a")
	get("b")
	get("a") // a is now more recent than b
	get("c") // over the bound: b goes
	if c.Size() > 250 {
		t.Errorf("size %d over the bound 250", c.Size())
	}
	before := fsys.opens.Load()
	get("a")
	get("c")
	if n := fsys.opens.Load() - before; n != 0 {
		t.Errorf("a and c were fetched again (%d opens): the wrong entry was evicted", n)
	}
	get("b")
	if n := fsys.opens.Load() - before; n != 1 {
		t.Errorf("b: %d opens, want 1 (it was evicted)", n)
	}
	// One Get larger than the bound keeps all its files.
	got, err := c.Get(context.Background(), fsys, all, 2)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range got {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("a file of the current Get was evicted: %v", err)
		}
	}
	// A reopened cache counts what is on disk.
	c2, err := filecache.Open(c.Dir(), 250)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Size() != c.Size() {
		t.Errorf("reopened cache counts %d bytes, want %d", c2.Size(), c.Size())
	}
}

// TestFetchFails: a read that fails midway leaves neither an entry nor a
// temporary file, and the next Get fetches again.
func TestFetchFails(t *testing.T) {
	src := t.TempDir()
	files := writeFiles(t, src, map[string]int{"a.parquet": 5000})
	boom := errors.New("connection reset")
	broken := errorfs.Wrap(vfs.Local{}, errorfs.InjectorFunc(func(op errorfs.Op, _ string) error {
		if op == errorfs.OpRead {
			return boom
		}
		return nil
	}))
	c, err := filecache.Open(t.TempDir(), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Get(context.Background(), broken, files, 1); !errors.Is(err, boom) {
		t.Fatalf("Get over a failing FS: %v, want %v", err, boom)
	}
	ents, _ := os.ReadDir(c.Dir())
	if len(ents) != 0 || c.Size() != 0 {
		t.Fatalf("a failed fetch left %d files, size %d", len(ents), c.Size())
	}
	got, err := c.Get(context.Background(), vfs.Local{}, files, 1)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(got[files[0].Location]); len(b) != 5000 {
		t.Errorf("refetched copy holds %d bytes", len(b))
	}
}

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}

// TestStatAndClearDir: StatDir counts the entries and bytes of a cache
// directory (a missing one is empty) and a fetch under way apart;
// ClearDir removes the entries but not the fetch, and a cache still open
// over the directory fetches the cleared files again.
func TestStatAndClearDir(t *testing.T) {
	src := t.TempDir()
	files := writeFiles(t, src, map[string]int{"a.parquet": 3000, "b.parquet": 5000})
	dir := filepath.Join(t.TempDir(), "cache")
	for _, tc := range []struct {
		name string
		do   func() (filecache.Stats, error)
		want filecache.Stats
	}{
		{"missing dir", func() (filecache.Stats, error) { return filecache.StatDir(dir) }, filecache.Stats{}},
		{"two entries and a fetch", func() (filecache.Stats, error) {
			c, err := filecache.Open(dir, 1<<20)
			if err != nil {
				return filecache.Stats{}, err
			}
			if _, err := c.Get(context.Background(), vfs.Local{}, files, 2); err != nil {
				return filecache.Stats{}, err
			}
			if err := os.WriteFile(filepath.Join(dir, ".tmp-123"), []byte("half"), 0o644); err != nil {
				return filecache.Stats{}, err
			}
			return filecache.StatDir(dir)
		}, filecache.Stats{Entries: 2, Bytes: 8000, Fetching: 1}},
		{"clear", func() (filecache.Stats, error) { return filecache.ClearDir(dir) }, filecache.Stats{Entries: 2, Bytes: 8000}},
		{"after the clear", func() (filecache.Stats, error) { return filecache.StatDir(dir) }, filecache.Stats{Fetching: 1}},
		{"clear a missing dir", func() (filecache.Stats, error) { return filecache.ClearDir(filepath.Join(dir, "nope")) }, filecache.Stats{}},
	} {
		got, err := tc.do()
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
	c, err := filecache.Open(dir, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(context.Background(), vfs.Local{}, files, 2)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(got[files[1].Location]); int64(len(b)) != files[1].Size {
		t.Errorf("a cleared file fetched again holds %d bytes, want %d", len(b), files[1].Size)
	}
}
