package notebooks

import (
	"errors"
	"strings"
	"testing"
)

func TestFrontMatter(t *testing.T) {
	const cell = "\n```sql\nSELECT 1\n```\n"
	tests := []struct {
		name, text string
		want       FrontMatter
		err        string // a part of the error, "" for none
	}{
		{"none", "# Title\n" + cell, FrontMatter{}, ""},
		{"code first", "```sql\nSELECT 1\n```\n", FrontMatter{}, ""},
		{"rule later", "# Title\n\n---\nwarehouse: x\n---\n" + cell, FrontMatter{}, ""},
		{"warehouse and serve", "---\nwarehouse: s3://floe-samples/scale-out\nserve: true\n---\n\n# Title\n" + cell,
			FrontMatter{Warehouse: "s3://floe-samples/scale-out", Serve: true}, ""},
		{"other keys kept for others", "---\ntitle: Scale-out\nwarehouse: ./wh\n---\n" + cell, FrontMatter{Warehouse: "./wh"}, ""},
		{"yaml end marker", "---\nserve: false\n...\n" + cell, FrontMatter{}, ""},
		{"empty", "---\n---\n# T\n" + cell, FrontMatter{}, ""},
		{"crlf", "---\r\nwarehouse: wh\r\n---\r\n" + cell, FrontMatter{Warehouse: "wh"}, ""},
		{"not closed", "---\nwarehouse: wh\n# Title\n" + cell, FrontMatter{}, "nb.md:1: front matter opened with \"---\" is never closed"},
		{"wrong type", "---\nwarehouse: wh\nserve: maybe\n---\n" + cell, FrontMatter{}, "nb.md:1: front matter: line 3: cannot unmarshal !!str `maybe` into bool"},
		{"not yaml", "---\nwarehouse: [wh\n---\n" + cell, FrontMatter{}, "nb.md:1: front matter:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nb, err := Parse("nb.md", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			got, err := nb.FrontMatter()
			switch {
			case tt.err == "" && err != nil:
				t.Fatalf("error %v", err)
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err) || !errors.Is(err, ErrSyntax)):
				t.Fatalf("error %v, want one with %q wrapping ErrSyntax", err, tt.err)
			}
			if got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestFrontMatterIPYNB: an executed notebook written from a Markdown one
// keeps its front matter in the first markdown cell, so running the
// .ipynb uses the same warehouse.
func TestFrontMatterIPYNB(t *testing.T) {
	md, err := Parse("nb.md", []byte("---\nwarehouse: s3://b/p\n---\n\n# T\n\n```sql\nSELECT 1\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := md.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	nb, err := ParseIPYNB("nb.ipynb", data)
	if err != nil {
		t.Fatal(err)
	}
	got, err := nb.FrontMatter()
	if err != nil || got.Warehouse != "s3://b/p" {
		t.Errorf("got %+v, %v; want warehouse s3://b/p", got, err)
	}
}
