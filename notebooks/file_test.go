package notebooks

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/floehq/floe/notebooks/ipynb"
)

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	src := readTestdata(t, "tour.md")
	md := filepath.Join(dir, "tour.md")
	if err := os.WriteFile(md, src, 0o600); err != nil {
		t.Fatal(err)
	}
	nb, err := ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if err := nb.SetSource(0, "# Renamed tour"); err != nil {
		t.Fatal(err)
	}
	if err := nb.WriteFile(md); err != nil {
		t.Fatal(err)
	}
	want, err := nb.MarshalMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("file holds\n%s\nwant\n%s", got, want)
	}
	fi, err := os.Stat(md)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the file's 0600 kept", fi.Mode().Perm())
	}

	// .ipynb by extension, in any case; new files get 0644.
	out := filepath.Join(dir, "tour.IPYNB")
	if err := nb.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := ipynb.Validate(data); err != nil {
		t.Errorf("written .ipynb: %v", err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new file mode %v (%v), want 0644", fi.Mode().Perm(), err)
	}
	back, err := ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Cells) != len(nb.Cells) || back.Path != out {
		t.Errorf("read back %d cells from %s, want %d from %s", len(back.Cells), back.Path, len(nb.Cells), out)
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"tour.IPYNB", "tour.md"}) {
		t.Errorf("directory holds %v; temporary files left behind?", names)
	}
}

func TestWriteFileFailures(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "nb.md")
	orig := []byte("```sql name=a\nSELECT 1\n```\n")
	if err := os.WriteFile(md, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}

	// An invalid notebook is not written at all.
	nb.Cells[0].Options.Name = "not valid"
	if err := nb.WriteFile(md); !errors.Is(err, ErrSyntax) {
		t.Errorf("WriteFile of an invalid notebook: %v, want ErrSyntax", err)
	}
	if got, _ := os.ReadFile(md); string(got) != string(orig) {
		t.Errorf("file changed to %q", got)
	}

	// A failed rename (the target is a directory) leaves nothing behind.
	nb.Cells[0].Options.Name = "a"
	target := filepath.Join(dir, "sub")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := nb.WriteFile(target); err == nil {
		t.Error("WriteFile over a directory succeeded")
	}
	if names := dirNames(t, dir); !slices.Equal(names, []string{"nb.md", "sub"}) {
		t.Errorf("directory holds %v; temporary files left behind?", names)
	}

	// A missing directory is an error.
	if err := nb.WriteFile(filepath.Join(dir, "missing", "nb.md")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("WriteFile into a missing directory: %v, want fs.ErrNotExist", err)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFile(filepath.Join(dir, "nope.md")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(dir, "bad.md")
	if err := os.WriteFile(bad, []byte("ok\n\n```go timeout=abc\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFile(bad)
	var e *Error
	if !errors.As(err, &e) || e.Path != bad || e.Line != 3 {
		t.Errorf("got %v, want an *Error at %s:3", err, bad)
	}
}
