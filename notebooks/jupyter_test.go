package notebooks

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/notebooks/ipynb"
)

// executed returns the tour as the kernel would leave it after a run.
func executed(t *testing.T) *Notebook {
	t.Helper()
	nb, err := Parse("tour.md", readTestdata(t, "tour.md"))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 6, 1, 9, 30, 0, 0, time.UTC)
	count := 0
	for i := range nb.Cells {
		c := &nb.Cells[i]
		if c.Kind != Code || c.Options.Skip {
			continue
		}
		count++
		c.Execution = Execution{Count: count, Start: start, Duration: time.Duration(count) * 1500 * time.Microsecond}
		start = start.Add(time.Second)
		switch {
		case c.ID == "top_customers":
			c.Outputs = []Output{Result(map[string]string{
				MIMEText: "name  total\nAda   120\nGrace 95\n",
				MIMEHTML: "<table><tr><th>name</th><th>total</th></tr>\n<tr><td>Ada & co</td><td>120</td></tr></table>",
			})}
		case c.Options.Chart.Kind != "":
			c.Outputs = []Output{Display(map[string]string{
				MIMESVG:  `<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="20"/></svg>`,
				MIMEJSON: `{"kind":"bar","values":[120,95]}`,
			})}
		case c.Lang == LangGo:
			c.Outputs = []Output{Stream("stdout", "2\n"), Stream("stderr", "warning: slow\n")}
		case c.Options.ExpectError:
			c.Outputs = []Output{Failure("CatalogException", "Table lake.crm.no_such_table does not exist", "CatalogException: Table lake.crm.no_such_table does not exist", "  at line 1")}
		case c.Lang == LangAsk:
			c.Outputs = []Output{Display(map[string]string{MIMEMarkdown: "Segment **B2B** churns most.\n\n```sql\nSELECT 1\n```"})}
		}
	}
	return nb
}

func TestExportIPYNB(t *testing.T) {
	nb := executed(t)
	out, err := nb.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, filepath.Join("testdata", "tour.ipynb"), out)
	if err := ipynb.Validate(out); err != nil {
		t.Errorf("exported notebook is not valid nbformat 4.5:\n%v", err)
	}

	// Reading the export gives back the same notebook, outputs included.
	back, err := ParseIPYNB("tour.ipynb", out)
	if err != nil {
		t.Fatal(err)
	}
	opts := cmp.Options{
		cmp.AllowUnexported(Cell{}),
		cmp.FilterPath(func(p cmp.Path) bool {
			s := p.Last().String()
			return s == ".orig" || s == ".Line"
		}, cmp.Ignore()),
	}
	if diff := cmp.Diff(nb.Cells, back.Cells, opts); diff != "" {
		t.Errorf("cells read back from .ipynb (-written +read):\n%s", diff)
	}
	// And writing that again gives the same bytes.
	again, err := back.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(out), string(again)); diff != "" {
		t.Errorf("export of the import differs:\n%s", diff)
	}
	// And converting it to Markdown gives the source notebook back.
	md, err := back.MarshalMarkdown()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(readTestdata(t, "tour.md")), string(md)); diff != "" {
		t.Errorf(".ipynb to Markdown (-tour.md +got):\n%s", diff)
	}
}

func TestExportEmpty(t *testing.T) {
	var nb Notebook
	out, err := nb.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	if err := ipynb.Validate(out); err != nil {
		t.Error(err)
	}
	want := `{
 "cells": [],
 "metadata": {
  "kernelspec": {
   "display_name": "floe",
   "language": "sql",
   "name": "floe"
  },
  "language_info": {
   "codemirror_mode": "sql",
   "file_extension": ".sql",
   "mimetype": "application/sql",
   "name": "sql",
   "pygments_lexer": "sql"
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	if diff := cmp.Diff(want, string(out)); diff != "" {
		t.Error(diff)
	}
}

func TestExportErrors(t *testing.T) {
	cases := []struct {
		name string
		out  Output
		want string
	}{
		{"bad json", Result(map[string]string{MIMEJSON: "{nope"}), "x.md:1: output data application/json is not valid JSON"},
		{"unknown type", Output{Type: "update_display_data"}, `x.md:1: output of unknown type "update_display_data"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb, err := Parse("x.md", []byte("```sql\nSELECT 1\n```\n"))
			if err != nil {
				t.Fatal(err)
			}
			nb.Cells[0].Outputs = []Output{tc.out}
			_, err = nb.MarshalIPYNB()
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
		})
	}
}

func TestImportJupyter(t *testing.T) {
	path := filepath.Join("testdata", "jupyter", "sql_magic.ipynb")
	nb, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, strings.TrimSuffix(path, ".ipynb")+".cells", dump(nb))

	// Exporting keeps the metadata floe does not own, replaces the kernel,
	// and gives every cell an id.
	out, err := nb.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	if err := ipynb.Validate(out); err != nil {
		t.Fatalf("export of a Jupyter notebook is not valid:\n%v", err)
	}
	doc, err := ipynb.Unmarshal(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(doc.Metadata["title"]); got != `"Sales"` {
		t.Errorf("metadata.title = %s, want \"Sales\"", got)
	}
	if got := string(doc.Metadata["kernelspec"]); !strings.Contains(got, `"name":"floe"`) {
		t.Errorf("metadata.kernelspec = %s, want floe's", got)
	}
	if got := string(doc.Cells[2].Metadata["jupyter"]); got != `{"outputs_hidden":false}` {
		t.Errorf("cell metadata.jupyter = %s, want it kept", got)
	}
	if got := string(doc.Cells[1].Metadata["tags"]); got != `["parameters"]` {
		t.Errorf("parameters cell tags = %s", got)
	}
}

func TestImportGoKernel(t *testing.T) {
	in := `{"cells": [
  {"cell_type": "code", "id": "setup", "metadata": {}, "execution_count": null, "outputs": [], "source": "import \"fmt\""},
  {"cell_type": "code", "id": "say", "metadata": {}, "execution_count": null, "outputs": [], "source": ["fmt.Println(\"hi\")\r\n", "x := 1"]},
  {"cell_type": "code", "id": "q", "metadata": {}, "execution_count": null, "outputs": [], "source": "%%sql\nSELECT 1"},
  {"cell_type": "markdown", "id": "say", "metadata": {}, "source": "same id as above"}
 ],
 "metadata": {"kernelspec": {"name": "gophernotes", "display_name": "Go", "language": "go"}},
 "nbformat": 4, "nbformat_minor": 5}`
	nb, err := ParseIPYNB("go.ipynb", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []semantic{
		{Code, LangGo, `import "fmt"`, ""},
		{Code, LangGo, "fmt.Println(\"hi\")\nx := 1", ""},
		{Code, LangSQL, "SELECT 1", ""},
		{Markdown, "", "same id as above", ""},
	}
	if diff := cmp.Diff(want, semantics(nb)); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	wantIDs := []string{"setup", "say", "q", derivedID(&Cell{Kind: Markdown, Source: "same id as above"})}
	if diff := cmp.Diff(wantIDs, ids(nb)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
}

func TestImportErrors(t *testing.T) {
	const python = `"metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5`
	cell := func(meta, source string) string {
		return `{"cell_type": "code", "metadata": ` + meta + `, "execution_count": null, "outputs": [], "source": ` + source + `}`
	}
	known := "(known: name, parameters, skip, depends, timeout, expect, rows, assert, chart, x, y, series, title)"
	cases := []struct {
		name, in, want string
		is             error
	}{
		{"python cell",
			`{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "x"}, ` + cell(`{}`, `"print(1)"`) + `], ` + python + `}`,
			`py.ipynb: cells[1]: unsupported cell language: the notebook's kernel language is "python" and floe runs only sql, go and ask cells (start a SQL cell with %%sql)`,
			ErrUnsupportedLanguage},
		{"no kernel",
			`{"cells": [` + cell(`{}`, `"print(1)"`) + `], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`,
			`py.ipynb: cells[0]: unsupported cell language: the notebook's kernel language is "none given" and floe runs only sql, go and ask cells (start a SQL cell with %%sql)`,
			ErrUnsupportedLanguage},
		{"floe language",
			`{"cells": [` + cell(`{"floe": {"lang": "python"}}`, `"print(1)"`) + `], ` + python + `}`,
			`py.ipynb: cells[0]: metadata.floe.lang: unsupported cell language "python" (known: sql, go, ask)`,
			ErrUnsupportedLanguage},
		{"floe option",
			`{"cells": [` + cell(`{"floe": {"lang": "sql", "options": {"colour": "red"}}}`, `"SELECT 1"`) + `], ` + python + `}`,
			`py.ipynb: cells[0]: metadata.floe.options: unknown cell option "colour" ` + known,
			ErrSyntax},
		{"floe option value",
			`{"cells": [` + cell(`{"floe": {"lang": "sql", "options": {"timeout": "abc"}}}`, `"SELECT 1"`) + `], ` + python + `}`,
			`py.ipynb: cells[0]: metadata.floe.options: timeout: "abc" is not a positive duration (want e.g. timeout=30s or timeout=2m)`,
			ErrSyntax},
		{"floe flag value",
			`{"cells": [` + cell(`{"floe": {"lang": "sql", "options": {"skip": "yes"}}}`, `"SELECT 1"`) + `], ` + python + `}`,
			`py.ipynb: cells[0]: metadata.floe.options: option "skip" is a flag: want true, got "yes"`,
			ErrSyntax},
		{"duplicate names",
			`{"cells": [` + cell(`{"floe": {"lang": "sql", "options": {"name": "a"}}}`, `"SELECT 1"`) + `, ` + cell(`{"floe": {"lang": "go", "options": {"name": "a"}}}`, `""`) + `], ` + python + `}`,
			`py.ipynb: cells[1]: duplicate cell name "a" (first used by cells[0])`,
			ErrSyntax},
		{"syntax error",
			"{\n \"cells\": [\n  {,\n",
			`py.ipynb:3:4: invalid character ',' looking for beginning of object key string`,
			nil},
		{"truncated",
			"{\n \"cells\": [\n",
			`py.ipynb:3:1: unexpected end of JSON input`,
			nil},
		{"empty file",
			"",
			`py.ipynb:1:1: unexpected end of JSON input`,
			nil},
		{"trailing junk",
			`{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}` + "\n}",
			`py.ipynb:2:1: invalid character after top-level value`,
			nil},
		{"nbformat 3",
			`{"worksheets": [], "metadata": {}, "nbformat": 3, "nbformat_minor": 0}`,
			`py.ipynb: nbformat: unsupported nbformat version 3.0: floe reads nbformat 4 (convert with jupyter nbconvert --to notebook)`,
			ipynb.ErrVersion},
		{"no nbformat",
			`{"cells": []}`,
			`py.ipynb: nbformat: unsupported nbformat version: want the integer 4, got nothing`,
			ipynb.ErrVersion},
		{"not a notebook",
			`[1, 2]`,
			`py.ipynb: want a JSON object, got a list`,
			nil},
		{"source of the wrong type",
			`{"cells": [` + cell(`{}`, `42`) + `], ` + python + `}`,
			`py.ipynb: cells[0].source: want a string or a list of strings, got a number`,
			nil},
		{"unknown cell type",
			`{"cells": [{"cell_type": "heading", "source": "x"}], ` + python + `}`,
			`py.ipynb: cells[0].cell_type: want markdown, code or raw, got "heading"`,
			nil},
		{"unknown output type",
			`{"cells": [{"cell_type": "code", "source": "%%sql\nSELECT 1", "outputs": [{"output_type": "pager"}]}], ` + python + `}`,
			`py.ipynb: cells[0].outputs[0].output_type: want stream, execute_result, display_data or error, got "pager"`,
			nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseIPYNB("py.ipynb", []byte(tc.in))
			if err == nil {
				t.Fatal("ParseIPYNB succeeded; want an error")
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got %s\nwant %s", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error does not wrap %v", tc.is)
			}
		})
	}
}

// TestExportMetadata checks the metadata of one exported code cell in detail.
func TestExportMetadata(t *testing.T) {
	nb, err := Parse("m.md", []byte("```go parameters name=p timeout=1m rows=0\nx := 1\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	nb.Cells[0].Execution = Execution{Count: 7, Start: time.Date(2025, 1, 2, 3, 4, 5, 6000, time.FixedZone("CET", 3600)), Duration: 2500 * time.Microsecond}
	out, err := nb.MarshalIPYNB()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cells []struct {
			ID             string
			ExecutionCount int `json:"execution_count"`
			Metadata       map[string]any
		}
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	c := doc.Cells[0]
	want := map[string]any{
		"floe": map[string]any{
			"lang":        "go",
			"options":     map[string]any{"name": "p", "parameters": true, "timeout": "1m", "rows": 0.0},
			"duration_ms": 2.5,
		},
		"execution": map[string]any{
			"iopub.execute_input": "2025-01-02T02:04:05.000006Z",
			"shell.execute_reply": "2025-01-02T02:04:05.002506Z",
		},
		"tags":   []any{"parameters"},
		"vscode": map[string]any{"languageId": "go"},
	}
	if diff := cmp.Diff(want, c.Metadata); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	if c.ID != "p" || c.ExecutionCount != 7 {
		t.Errorf("id %q, execution_count %d; want p, 7", c.ID, c.ExecutionCount)
	}
}
