package notebooks

import (
	"regexp"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var nbformatID = regexp.MustCompile(`^[a-zA-Z0-9-_]+$`)

func ids(nb *Notebook) []string {
	var s []string
	for _, c := range nb.Cells {
		s = append(s, c.ID)
	}
	return s
}

func TestIDs(t *testing.T) {
	in := "# Title\n\n```sql\nSELECT 1\n```\n\n```sql name=named\nSELECT 1\n```\n\n```sql\nSELECT 1\n```\n\n# Title\n\n```go\nSELECT 1\n```\n\n```sql skip\nSELECT 1\n```\n"
	nb, err := Parse("ids.md", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	// Hard-coded, so that a change to how ids are derived, which would
	// change the ids of every saved .ipynb, is noticed.
	want := []string{"md-b351611c", "sql-517817b5", "named", "sql-517817b5-2", "md-b351611c-2", "go-7858e710", "sql-517817b5-3"}
	if diff := cmp.Diff(want, ids(nb)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func TestIDsStable(t *testing.T) {
	src := readTestdata(t, "tour.md")
	first, err := Parse("tour.md", src)
	if err != nil {
		t.Fatal(err)
	}
	second, err := Parse("tour.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(first), ids(second)); diff != "" {
		t.Fatalf("ids differ between two reads:\n%s", diff)
	}
	seen := map[string]bool{}
	for _, id := range ids(first) {
		if !nbformatID.MatchString(id) || len(id) > 64 {
			t.Errorf("id %q is not a valid nbformat cell id", id)
		}
		if seen[id] {
			t.Errorf("id %q used twice", id)
		}
		seen[id] = true
	}

	// Cells keep their ids when others are added, removed or moved, both in
	// memory and when the file is read again.
	before := map[string]semantic{}
	for _, c := range first.Cells {
		before[c.ID] = semantic{c.Kind, c.Lang, c.Source, c.Options.String()}
	}
	if err := first.Insert(0, Cell{Kind: Code, Lang: LangSQL, Source: "SELECT 'new'"}); err != nil {
		t.Fatal(err)
	}
	if err := first.Delete(3); err != nil {
		t.Fatal(err)
	}
	if err := first.Move(1, len(first.Cells)-1); err != nil {
		t.Fatal(err)
	}
	out, err := first.MarshalMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("tour.md", out)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(ids(first), ids(back)); diff != "" {
		t.Errorf("ids in memory and read back differ:\n%s", diff)
	}
	for _, c := range back.Cells {
		if s, ok := before[c.ID]; ok && s != (semantic{c.Kind, c.Lang, c.Source, c.Options.String()}) {
			t.Errorf("id %q now names another cell", c.ID)
		}
	}
}

func TestInsertID(t *testing.T) {
	nb, err := Parse("t.md", []byte("```sql name=a\nSELECT 1\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	cells := []Cell{
		{Kind: Code, Lang: LangSQL, Source: "SELECT 1", ID: "a"},      // taken: derived instead
		{Kind: Code, Lang: LangSQL, Source: "SELECT 1"},               // derived
		{Kind: Code, Lang: LangSQL, Source: "SELECT 1"},               // derived, repeated
		{Kind: Code, Lang: LangSQL, Source: "SELECT 1", ID: "bad id"}, // invalid: derived
		{Kind: Code, Lang: LangSQL, Source: "SELECT 1", ID: "mine"},   // kept
	}
	for _, c := range cells {
		if err := nb.Insert(len(nb.Cells), c); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{"a", "sql-517817b5", "sql-517817b5-2", "sql-517817b5-3", "sql-517817b5-4", "mine"}
	if diff := cmp.Diff(want, ids(nb)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if got := nb.Index("mine"); got != 5 {
		t.Errorf("Index(mine) = %d, want 5", got)
	}
	if got := nb.Index("nope"); got != -1 {
		t.Errorf("Index(nope) = %d, want -1", got)
	}
}
