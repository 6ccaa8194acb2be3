package notebooks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/notebooks/ipynb"
)

// FuzzParse checks, for any input that reads as a notebook, that writing it
// back gives the same bytes, that writing every cell afresh reads back as the
// same cells, and that the .ipynb export is valid and reads back as the
// same cells. Run with go test -fuzz FuzzParse ./notebooks.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.md"))
	files = append(files, filepath.Join("testdata", "tour.md"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("```sql name=a\r\nSELECT 1\r\n```"))
	f.Add([]byte("<!--\n```sql\n-->\n~~~ask\nq\n~~~\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := Parse("f.md", data)
		if err != nil {
			return
		}
		out, err := nb.MarshalMarkdown()
		if err != nil {
			t.Fatalf("MarshalMarkdown: %v", err)
		}
		if string(out) != string(data) {
			t.Fatalf("round trip changed the bytes:\n%s", cmp.Diff(string(data), string(out)))
		}

		// A stray "\r" before a line's end is lost when a line is
		// rewritten; nothing else may be.
		want := semantics(nb)
		for i := range want {
			want[i].Source = strings.ReplaceAll(want[i].Source, "\r", "")
		}
		fresh := &Notebook{}
		for _, c := range nb.Cells {
			c.orig = nil
			fresh.Cells = append(fresh.Cells, c)
		}
		out, err = fresh.MarshalMarkdown()
		if err != nil {
			t.Fatalf("MarshalMarkdown of new cells: %v", err)
		}
		back, err := Parse("f.md", out)
		if err != nil {
			t.Fatalf("cells written afresh do not read back: %v\n%s", err, out)
		}
		got := semantics(back)
		for i := range got {
			got[i].Source = strings.ReplaceAll(got[i].Source, "\r", "")
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("cells written afresh read back differently (-want +got):\n%s\n%s", diff, out)
		}

		doc, err := nb.MarshalIPYNB()
		if err != nil {
			t.Fatalf("MarshalIPYNB: %v", err)
		}
		if err := ipynb.Validate(doc); err != nil {
			t.Fatalf("export not valid: %v", err)
		}
		imported, err := ParseIPYNB("f.ipynb", doc)
		if err != nil {
			t.Fatalf("ParseIPYNB of the export: %v", err)
		}
		if diff := cmp.Diff(semantics(nb), semantics(imported)); diff != "" {
			t.Fatalf(".ipynb round trip (-md +ipynb):\n%s", diff)
		}
		if diff := cmp.Diff(ids(nb), ids(imported)); diff != "" {
			t.Fatalf(".ipynb round trip changed ids:\n%s", diff)
		}
	})
}

// FuzzParseIPYNB checks that any .ipynb input either fails with an error or
// reads as a notebook whose export is valid nbformat 4.5.
func FuzzParseIPYNB(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*.ipynb"))
	files = append(files, filepath.Join("testdata", "tour.ipynb"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := ParseIPYNB("f.ipynb", data)
		if err != nil {
			return
		}
		doc, err := nb.MarshalIPYNB()
		if err != nil {
			t.Fatalf("MarshalIPYNB: %v", err)
		}
		if err := ipynb.Validate(doc); err != nil {
			t.Fatalf("export not valid: %v", err)
		}
		if _, err := nb.MarshalMarkdown(); err != nil {
			t.Fatalf("MarshalMarkdown: %v", err)
		}
	})
}
