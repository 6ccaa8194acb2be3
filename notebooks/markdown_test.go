package notebooks

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRoundTrip checks that reading and writing an unmodified notebook gives
// back the same bytes.
func TestRoundTrip(t *testing.T) {
	tour := string(readTestdata(t, "tour.md"))
	cases := map[string]string{
		"tour":                     tour,
		"tour crlf":                strings.ReplaceAll(tour, "\n", "\r\n"),
		"tour no final newline":    strings.TrimSuffix(tour, "\n"),
		"crlf no final newline":    strings.TrimSuffix(strings.ReplaceAll(tour, "\n", "\r\n"), "\r\n"),
		"mixed line endings":       "# a\r\n\n```sql\r\nSELECT 1\nFROM t\r\n```\n\r\ntext\n",
		"empty":                    "",
		"one newline":              "\n",
		"blank lines only":         "\n \n\t\n\n",
		"cell without newline":     "```sql\nSELECT 1\n```",
		"prose without newline":    "just words",
		"cell then prose":          "```go\nx := 1\n```\nwords\n",
		"empty cell":               "```sql\n```\n",
		"cell of blank lines":      "```sql\n\n\n```\n",
		"fence with trailing junk": "```sql   \nSELECT 1\n```   \n",
		"adjacent cells":           "```sql\nA\n```\n```sql\nB\n```\n",
		"comment on one line":      "<!-- ```sql -->\n```sql\nSELECT 1\n```\n",
		"empty comment":            "<!-->\n```sql\nSELECT 1\n```\n",
		"inline triple backticks":  "```sql``` is not a fence\n\nmore\n",
		"quoted options":           "```sql chart=line x=day y=\"daily total\" title=\"a \\\"quoted\\\" title\"\nSELECT 1\n```\n",
		"tab after language":       "```sql\tname=t\nSELECT 1\n```\n",
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "roundtrip"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") {
			cases[e.Name()] = string(readTestdata(t, filepath.Join("roundtrip", e.Name())))
		}
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			nb, err := Parse("in.md", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			out, err := nb.MarshalMarkdown()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(in, string(out)); diff != "" {
				t.Errorf("round trip changed the bytes (-in +out):\n%s", diff)
			}
		})
	}
}

// TestParseGolden checks the cells read from the notebooks in testdata.
func TestParseGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "roundtrip", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("testdata", "tour.md"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			nb, err := ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(f, ".md")+".cells", dump(nb))
		})
	}
}

func TestParseCells(t *testing.T) {
	rows := 3
	in := "Intro\r\n\r\n```sql name=q rows=3 timeout=1m30s depends=p\r\nSELECT 1\r\n\r\n```\r\n\r\n```go parameters name=p\r\nx := 1\r\n```\r\n"
	nb, err := Parse("x.md", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Cell{
		{ID: derivedID(&Cell{Kind: Markdown, Source: "Intro"}), Kind: Markdown, Source: "Intro", Line: 1},
		{ID: "q", Kind: Code, Lang: LangSQL, Source: "SELECT 1\n", Line: 3,
			Options: Options{Name: "q", Rows: &rows, Timeout: 90 * time.Second, Depends: []string{"p"}}},
		{ID: "p", Kind: Code, Lang: LangGo, Source: "x := 1", Line: 8, Options: Options{Name: "p", Parameters: true}},
	}
	if diff := cmp.Diff(want, nb.Cells, cmp.AllowUnexported(Cell{}), cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".orig"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	known := "(known: name, parameters, skip, depends, timeout, expect, rows, assert, chart, x, y, series, title)"
	cases := []struct {
		name, in string
		want     []string // one line per problem
	}{
		{"unclosed fence", "# T\n\n```sql\nSELECT 1\n",
			[]string{"bad.md:3: unclosed code fence ```sql: add a line ``` after the block"}},
		{"unclosed prose fence", "x\n~~~~text\nfoo\n~~~\n",
			[]string{"bad.md:2: unclosed code fence ~~~~text: add a line ~~~~ after the block"}},
		{"close too short", "````sql\nSELECT 1\n```\n",
			[]string{"bad.md:1: unclosed code fence ````sql: add a line ```` after the block"}},
		{"unclosed comment", "a\n\n<!-- hidden\n```sql\nSELECT 1\n```\n",
			[]string{"bad.md:3: unclosed HTML comment: add --> to end it"}},
		{"unknown option", "# T\n\n```sql name=a colour=red\nSELECT 1\n```\n",
			[]string{`bad.md:3: unknown cell option "colour" ` + known}},
		{"bad timeout", "```sql timeout=abc\n```\n",
			[]string{`bad.md:1: timeout: "abc" is not a positive duration (want e.g. timeout=30s or timeout=2m)`}},
		{"zero timeout", "```sql timeout=0s\n```\n",
			[]string{`bad.md:1: timeout: "0s" is not a positive duration (want e.g. timeout=30s or timeout=2m)`}},
		{"bad rows", "```sql rows=-1\n```\n",
			[]string{`bad.md:1: rows: "-1" is not a non-negative integer (want e.g. rows=10)`}},
		{"bad expect", "```sql expect=warning\n```\n",
			[]string{`bad.md:1: expect: unknown value "warning" (the only one is expect=error)`}},
		{"bad chart", "```sql chart=pie x=a y=b\n```\n",
			[]string{`bad.md:1: chart: unknown kind "pie" (known: bar, line, scatter, histogram)`}},
		{"chart without y", "```sql chart=bar x=a\n```\n",
			[]string{`bad.md:1: chart=bar needs y=COLUMN`}},
		{"chart without x", "```sql chart=line y=a\n```\n",
			[]string{`bad.md:1: chart=line needs x=COLUMN`}},
		{"histogram with y", "```sql chart=histogram x=a y=b\n```\n",
			[]string{`bad.md:1: chart=histogram bins x and takes no y`}},
		{"x without chart", "```sql x=a\n```\n",
			[]string{`bad.md:1: option "x" needs a chart (add chart=bar, line, scatter or histogram)`}},
		{"flag with value", "```sql skip=true\n```\n",
			[]string{`bad.md:1: option "skip" takes no value (write skip, not skip=true)`}},
		{"option without value", "```sql name\n```\n",
			[]string{`bad.md:1: option "name" needs a value (name=...)`}},
		{"option with empty value", "```sql name=\n```\n",
			[]string{`bad.md:1: option "name" needs a value (name=...)`}},
		{"option twice", "```sql skip skip\n```\n",
			[]string{`bad.md:1: option "skip" given twice`}},
		{"unterminated quote", "```sql chart=bar x=a y=b title=\"abc\n```\n",
			[]string{`bad.md:1: option "title": unterminated or malformed quoted value "abc`}},
		{"stray quote", "```sql name=a\"b\n```\n",
			[]string{`bad.md:1: option "name": stray quote in a"b (quote the whole value: name="...")`}},
		{"missing option name", "```sql =x\n```\n",
			[]string{`bad.md:1: malformed option "=x": missing name before =`}},
		{"invalid name", "```sql name=1abc\n```\n",
			[]string{`bad.md:1: invalid cell name "1abc": use letters, digits and _, start with a letter or _, at most 64 characters`}},
		{"name with dash", "```ask name=top-five\nWho?\n```\n",
			[]string{`bad.md:1: invalid cell name "top-five": use letters, digits and _, start with a letter or _, at most 64 characters`}},
		{"name too long", "```sql name=" + strings.Repeat("a", 65) + "\n```\n",
			[]string{`bad.md:1: invalid cell name "` + strings.Repeat("a", 65) + `": use letters, digits and _, start with a letter or _, at most 64 characters`}},
		{"duplicate name", "```sql name=a\nSELECT 1\n```\n\ntext\n\n```go name=a\nx := 1\n```\n",
			[]string{`bad.md:7: duplicate cell name "a" (first used on line 1)`}},
		{"two parameters cells", "```sql parameters\n```\n```go parameters\n```\n",
			[]string{`bad.md:3: second parameters cell (the first is on line 1); a notebook has one`}},
		{"ask parameters", "```ask parameters\nWhat?\n```\n",
			[]string{`bad.md:1: an ask cell cannot be the parameters cell; use sql or go`}},
		{"unknown dependency", "```sql name=a depends=b,c\n```\n```sql name=b\n```\n",
			[]string{`bad.md:1: depends on unknown cell "c"`}},
		{"self dependency", "```sql name=a depends=a\n```\n",
			[]string{`bad.md:1: cell "a" depends on itself`}},
		{"bad dependency name", "```sql depends=a,,b\n```\n",
			[]string{`bad.md:1: depends: invalid cell name "" (want depends=name1,name2)`}},
		{"no depends noise after an option error", "```sql name=a colour=red\n```\n```sql depends=a\n```\n",
			[]string{`bad.md:1: unknown cell option "colour" ` + known}},
		{"invalid utf-8", "# T\n\nLatin-1: caf\xe9\n",
			[]string{`bad.md:3: invalid UTF-8: notebooks are UTF-8 text`}},
		{"every problem reported", "```sql colour=red\n```\n\n```sql timeout=abc\n```\n\n```sql name=x\n```\n```sql name=x\n```\n",
			[]string{
				`bad.md:1: unknown cell option "colour" ` + known,
				`bad.md:4: timeout: "abc" is not a positive duration (want e.g. timeout=30s or timeout=2m)`,
				`bad.md:9: duplicate cell name "x" (first used on line 7)`,
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Parse("bad.md", []byte(tc.in))
			if err == nil {
				t.Fatalf("Parse succeeded with %d cells; want an error", len(nb.Cells))
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error does not wrap ErrSyntax: %v", err)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != "bad.md" || e.Line == 0 {
				t.Errorf("error is not an *Error with a file and line: %#v", err)
			}
		})
	}
}

func TestOptionsString(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"skip name=a", "name=a skip"},
		{"title=\"Monthly revenue\" y=total x=month chart=line", `chart=line x=month y=total title="Monthly revenue"`},
		{"timeout=120s", "timeout=2m"},
		{"timeout=3600s", "timeout=1h"},
		{"timeout=90m", "timeout=1h30m"},
		{"timeout=1500ms", "timeout=1.5s"},
		{"rows=0 assert", "rows=0 assert"},
		{`chart=histogram x="a\tb" series=s title="back` + "`" + `tick"`, `chart=histogram x="a\tb" series=s title="back` + "`" + `tick"`},
		{"depends=b,a expect=error parameters", "parameters depends=b,a expect=error"},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			o, err := ParseOptions(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := o.String(); got != tc.want {
				t.Errorf("String() = %q, want %q", got, tc.want)
			}
			back, err := ParseOptions(o.String())
			if err != nil {
				t.Fatal(err)
			}
			if !back.Equal(o) {
				t.Errorf("options changed writing and reading back: %+v, then %+v", o, back)
			}
			if err := o.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestOptionsValidate(t *testing.T) {
	neg := -1
	cases := map[string]Options{
		"invalid name":        {Name: "a b"},
		"negative timeout":    {Timeout: -time.Second},
		"negative rows":       {Rows: &neg},
		"unknown chart":       {Chart: Chart{Kind: "pie", X: "a", Y: "b"}},
		"y without chart":     {Chart: Chart{Y: "b"}},
		"comma in dependency": {Depends: []string{"a,b"}},
		"repeated dependency": {Depends: []string{"a", "a"}},
	}
	for name, o := range cases {
		t.Run(name, func(t *testing.T) {
			if err := o.Validate(); err == nil {
				t.Errorf("Validate(%+v) = nil, want an error", o)
			}
		})
	}
	if err := (Options{}).Validate(); err != nil {
		t.Errorf("zero Options: %v", err)
	}
}

func TestOptionNames(t *testing.T) {
	want := []string{"name", "parameters", "skip", "depends", "timeout", "expect", "rows", "assert", "chart", "x", "y", "series", "title"}
	if diff := cmp.Diff(want, OptionNames()); diff != "" {
		t.Error(diff)
	}
}

// semantic is what must survive writing and reading back a notebook.
type semantic struct {
	Kind    Kind
	Lang    string
	Source  string
	Options string
}

func semantics(nb *Notebook) []semantic {
	var s []semantic
	for _, c := range nb.Cells {
		s = append(s, semantic{c.Kind, c.Lang, strings.Trim(c.Source, "\n"), c.Options.String()})
	}
	return s
}

// TestEdit edits the tour and checks the file written against golden files:
// untouched cells keep their bytes, edited and new ones are written in
// canonical form, and the result reads back as the edited cells.
func TestEdit(t *testing.T) {
	timeout := 5 * time.Minute
	cases := []struct {
		name string
		edit func(nb *Notebook) error
	}{
		{"set_source", func(nb *Notebook) error {
			return nb.SetSource(nb.Index("top_customers"), "SELECT name\r\nFROM lake.crm.customers\r\nLIMIT 5")
		}},
		{"set_options", func(nb *Notebook) error {
			c := &nb.Cells[nb.Index("top_customers")]
			c.Options.Timeout = timeout
			c.Options.Skip = true
			return nil
		}},
		{"insert", func(nb *Notebook) error {
			// Markdown next to markdown would read back as one cell.
			if err := nb.Insert(0, Cell{Kind: Code, Lang: LangSQL, Source: "SELECT 'first'"}); err != nil {
				return err
			}
			if err := nb.Insert(0, Cell{Kind: Markdown, Source: "Inserted at the top."}); err != nil {
				return err
			}
			if err := nb.Insert(4, Cell{Kind: Code, Lang: LangSQL, Source: "SELECT 42", Options: Options{Name: "answer", Chart: Chart{Kind: ChartHistogram, X: "x", Title: "with `backticks`"}}}); err != nil {
				return err
			}
			return nb.Insert(len(nb.Cells), Cell{Kind: Code, Lang: LangGo, Source: "s := \"```\"\n```\nfmt.Println(s)"})
		}},
		{"delete", func(nb *Notebook) error {
			if err := nb.Delete(nb.Index("top_customers")); err != nil {
				return err
			}
			// Delete the go cell that depends on it too.
			for i, c := range nb.Cells {
				if c.Lang == LangGo {
					return nb.Delete(i)
				}
			}
			return nil
		}},
		{"move", func(nb *Notebook) error {
			if err := nb.Move(len(nb.Cells)-1, 0); err != nil {
				return err
			}
			return nb.Move(nb.Index("churn"), 1)
		}},
		{"code_to_markdown", func(nb *Notebook) error {
			c := &nb.Cells[nb.Index("churn")]
			c.Kind, c.Lang, c.Options = Markdown, "", Options{}
			return nil
		}},
		{"clear_markdown", func(nb *Notebook) error {
			nb.Cells[0].Source = "  \n"
			return nil
		}},
	}
	src := readTestdata(t, "tour.md")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Parse("tour.md", src)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(nb); err != nil {
				t.Fatal(err)
			}
			out, err := nb.MarshalMarkdown()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join("testdata", "edit", tc.name+".md"), out)
			back, err := Parse("tour.md", out)
			if err != nil {
				t.Fatalf("the file written does not read back: %v", err)
			}
			want := semantics(nb)
			if tc.name == "clear_markdown" {
				want = want[1:]
			}
			if diff := cmp.Diff(want, semantics(back)); diff != "" {
				t.Errorf("cells read back (-edited +read):\n%s", diff)
			}
			// Writing again is stable.
			again, err := back.MarshalMarkdown()
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) {
				t.Errorf("writing the file read back changed it:\n%s", cmp.Diff(string(out), string(again)))
			}
		})
	}
}

func TestEditKeepsUntouchedBytes(t *testing.T) {
	in := "# T  \r\n\r\n\r\n```sql   name=a\r\nSELECT 1\r\n```  \r\n\r\n```sql\r\nSELECT 2\r\n```"
	nb, err := Parse("t.md", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if err := nb.SetSource(2, "SELECT 3\nFROM t"); err != nil {
		t.Fatal(err)
	}
	if err := nb.Insert(3, Cell{Kind: Markdown, Source: "The end."}); err != nil {
		t.Fatal(err)
	}
	nb.Cells[1].Source = "SELECT 11"
	out, err := nb.MarshalMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	want := "# T  \r\n\r\n\r\n```sql   name=a\r\nSELECT 11\r\n```  \r\n\r\n```sql\r\nSELECT 3\r\nFROM t\r\n```\r\n\r\nThe end.\r\n"
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestZeroNotebook(t *testing.T) {
	var nb Notebook
	if out, err := nb.MarshalMarkdown(); err != nil || len(out) != 0 {
		t.Fatalf("empty notebook wrote %q, %v", out, err)
	}
	for _, c := range []Cell{
		{Kind: Markdown, Source: "# New"},
		{Kind: Code, Lang: LangSQL, Source: "SELECT 1", Options: Options{Name: "one"}},
		{Kind: Code, Lang: LangAsk, Source: "Why?"},
	} {
		if err := nb.Insert(len(nb.Cells), c); err != nil {
			t.Fatal(err)
		}
	}
	out, err := nb.MarshalMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	want := "# New\n\n```sql name=one\nSELECT 1\n```\n\n```ask\nWhy?\n```\n"
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEditErrors(t *testing.T) {
	cases := []struct {
		name string
		edit func(nb *Notebook) error
		want string
	}{
		{"markdown with options", func(nb *Notebook) error {
			nb.Cells[0].Options.Skip = true
			return nil
		}, `t.md:1: markdown cell has options "skip"; only code cells have options`},
		{"unknown language", func(nb *Notebook) error {
			return nb.Insert(2, Cell{Kind: Code, Lang: "python", Source: "print(1)"})
		}, `t.md: cells[2]: unknown cell language "python" (known: sql, go, ask)`},
		{"invalid name", func(nb *Notebook) error {
			nb.Cells[1].Options.Name = "no spaces"
			return nil
		}, `t.md:3: invalid cell name "no spaces": use letters, digits and _, start with a letter or _, at most 64 characters`},
		{"duplicate name", func(nb *Notebook) error {
			return nb.Insert(2, Cell{Kind: Code, Lang: LangGo, Options: Options{Name: "a"}})
		}, `t.md: cells[2]: duplicate cell name "a" (first used on line 3)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Parse("t.md", []byte("# T\n\n```sql name=a\nSELECT 1\n```\n"))
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.edit(nb); err != nil {
				t.Fatal(err)
			}
			_, err = nb.MarshalMarkdown()
			if err == nil {
				t.Fatal("MarshalMarkdown succeeded; want an error")
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
		})
	}
}

func TestEditIndexErrors(t *testing.T) {
	nb, err := Parse("t.md", []byte("a\n"))
	if err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"insert":     nb.Insert(2, Cell{}),
		"delete":     nb.Delete(1),
		"move from":  nb.Move(1, 0),
		"move to":    nb.Move(0, -1),
		"set source": nb.SetSource(-1, ""),
	} {
		if !errors.Is(err, ErrNoSuchCell) {
			t.Errorf("%s: got %v, want ErrNoSuchCell", name, err)
		}
	}
}

// TestProse checks that markdown text that would not read back as itself,
// such as a ```sql example in a markdown cell imported from Jupyter, is
// written so that it reads back as one markdown cell and renders the same.
func TestProse(t *testing.T) {
	cases := []struct{ name, source, want string }{
		{"plain", "# Title\n\ntext", "# Title\n\ntext\n"},
		{"blank lines around", "\n\n# Title\n\n", "# Title\n"},
		{"code example", "Run:\n```sql\nSELECT 1\n\n  FROM t\n```\nthen", "Run:\n ```sql\n SELECT 1\n\n   FROM t\n```\nthen\n"},
		{"inside another fence", "````md\n```sql\nSELECT 1\n```\n````", "````md\n```sql\nSELECT 1\n```\n````\n"},
		{"unclosed fence", "text\n~~~~\nopen", "text\n~~~~\nopen\n~~~~\n"},
		{"unclosed code fence", "```go\nx := 1", " ```go\n x := 1\n```\n"},
		{"unclosed comment", "<!-- note\n```sql\nSELECT 1\n```", "<!-- note\n```sql\nSELECT 1\n```\n-->\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb := &Notebook{}
			if err := nb.Insert(0, Cell{Kind: Markdown, Source: tc.source}); err != nil {
				t.Fatal(err)
			}
			if err := nb.Insert(1, Cell{Kind: Code, Lang: LangSQL, Source: "SELECT 2"}); err != nil {
				t.Fatal(err)
			}
			out, err := nb.MarshalMarkdown()
			if err != nil {
				t.Fatal(err)
			}
			want := tc.want + "\n```sql\nSELECT 2\n```\n"
			if diff := cmp.Diff(want, string(out)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			back, err := Parse("p.md", out)
			if err != nil {
				t.Fatal(err)
			}
			if len(back.Cells) != 2 || back.Cells[0].Kind != Markdown || back.Cells[1].Source != "SELECT 2" {
				t.Errorf("read back as %d cells:\n%s", len(back.Cells), dump(back))
			}
		})
	}
}
