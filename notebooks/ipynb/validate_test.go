package ipynb

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// valid is a notebook as Jupyter writes it, with every kind of cell and output.
const valid = `{
 "cells": [
  {"cell_type": "markdown", "id": "intro", "metadata": {"tags": ["a", "b"]}, "source": ["# Hi\n", "there"],
   "attachments": {"x.png": {"image/png": "iVBORw0KGgo="}}},
  {"cell_type": "raw", "id": "raw-1", "metadata": {"format": "text/plain"}, "source": "raw"},
  {"cell_type": "code", "id": "c_1", "execution_count": 3,
   "metadata": {"collapsed": false, "scrolled": "auto", "jupyter": {"source_hidden": true},
                "execution": {"iopub.execute_input": "2025-01-01T00:00:00.123456Z", "shell.execute_reply": "2025-01-01T00:00:01Z"},
                "floe": {"anything": ["goes"]}},
   "outputs": [
    {"output_type": "stream", "name": "stdout", "text": ["a\n", "b"]},
    {"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"text/plain": "1", "application/json": {"a": [1]}, "application/vnd.x+json": [1, 2]}},
    {"output_type": "display_data", "metadata": {"isolated": true}, "data": {"image/svg+xml": ["<svg/>"]}},
    {"output_type": "error", "ename": "E", "evalue": "bad", "traceback": ["line 1", "line 2"]}
   ],
   "source": "SELECT 1"},
  {"cell_type": "code", "id": "c_2", "execution_count": null, "metadata": {}, "outputs": [], "source": []}
 ],
 "metadata": {
  "kernelspec": {"name": "floe", "display_name": "floe", "language": "sql"},
  "language_info": {"name": "sql", "codemirror_mode": {"name": "sql"}},
  "orig_nbformat": 4, "title": "t", "authors": [{"name": "me"}], "custom": {"x": 1}
 },
 "nbformat": 4,
 "nbformat_minor": 5
}`

func TestValidateAccepts(t *testing.T) {
	for name, doc := range map[string]string{
		"jupyter":   valid,
		"minor 10":  strings.Replace(valid, `"nbformat_minor": 5`, `"nbformat_minor": 10`, 1),
		"empty":     `{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`,
		"id length": `{"cells": [{"cell_type": "raw", "id": "` + strings.Repeat("x", 64) + `", "metadata": {}, "source": ""}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`,
	} {
		t.Run(name, func(t *testing.T) {
			if err := Validate([]byte(doc)); err != nil {
				t.Errorf("Validate:\n%v", err)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	// cell wraps one cell in an otherwise valid document.
	cell := func(c string) string {
		return `{"cells": [` + c + `], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`
	}
	output := func(o string) string {
		return cell(`{"cell_type": "code", "id": "c", "execution_count": 1, "metadata": {}, "source": "", "outputs": [` + o + `]}`)
	}
	cases := []struct {
		name, doc string
		want      []string
	}{
		{"not an object", `[]`, []string{"(root): want an object, got a list"}},
		{"missing keys", `{"cells": []}`, []string{
			`(root): missing required key "metadata"`,
			`(root): missing required key "nbformat"`,
			`(root): missing required key "nbformat_minor"`,
		}},
		{"extra top-level key", `{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "worksheets": []}`,
			[]string{`(root): key "worksheets" is not allowed`}},
		{"nbformat 3", strings.Replace(valid, `"nbformat": 4`, `"nbformat": 3`, 1), []string{"nbformat: want 4, got 3"}},
		{"minor 4", strings.Replace(valid, `"nbformat_minor": 5`, `"nbformat_minor": 4`, 1),
			[]string{"nbformat_minor: want an integer >= 5 (cell ids need nbformat 4.5), got 4"}},
		{"minor as string", strings.Replace(valid, `"nbformat_minor": 5`, `"nbformat_minor": "5"`, 1),
			[]string{`nbformat_minor: want an integer >= 5 (cell ids need nbformat 4.5), got "5"`}},
		{"kernelspec", `{"cells": [], "metadata": {"kernelspec": {"name": 1}, "language_info": {}}, "nbformat": 4, "nbformat_minor": 5}`, []string{
			`metadata.kernelspec: missing required key "display_name"`,
			"metadata.kernelspec.name: want a string, got a number",
			`metadata.language_info: missing required key "name"`,
		}},
		{"metadata not an object", `{"cells": [], "metadata": [], "nbformat": 4, "nbformat_minor": 5}`,
			[]string{"metadata: want an object, got a list"}},
		{"cells not a list", `{"cells": {}, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`,
			[]string{"cells: want a list, got an object"}},
		{"cell type", cell(`{"cell_type": "heading", "id": "h", "metadata": {}, "source": ""}`),
			[]string{`cells[0].cell_type: want markdown, code or raw, got "heading"`}},
		{"markdown without id", cell(`{"cell_type": "markdown", "metadata": {}, "source": ""}`),
			[]string{`cells[0]: missing required key "id"`}},
		{"code missing keys", cell(`{"cell_type": "code", "id": "c", "metadata": {}, "source": ""}`), []string{
			`cells[0]: missing required key "outputs"`,
			`cells[0]: missing required key "execution_count"`,
		}},
		{"markdown with outputs", cell(`{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "", "outputs": [], "execution_count": null}`), []string{
			`cells[0]: key "execution_count" is not allowed`,
			`cells[0]: key "outputs" is not allowed`,
		}},
		{"code with attachments", cell(`{"cell_type": "code", "id": "c", "metadata": {}, "source": "", "outputs": [], "execution_count": null, "attachments": {}}`),
			[]string{`cells[0]: key "attachments" is not allowed`}},
		{"bad ids", `{"cells": [
			{"cell_type": "raw", "id": "a b", "metadata": {}, "source": ""},
			{"cell_type": "raw", "id": "", "metadata": {}, "source": ""},
			{"cell_type": "raw", "id": "` + strings.Repeat("x", 65) + `", "metadata": {}, "source": ""},
			{"cell_type": "raw", "id": 7, "metadata": {}, "source": ""},
			{"cell_type": "raw", "id": "ok", "metadata": {}, "source": ""},
			{"cell_type": "raw", "id": "ok", "metadata": {}, "source": ""}
		], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`, []string{
			`cells[0].id: "a b" is not a valid cell id (1-64 characters from a-z A-Z 0-9 - _)`,
			`cells[1].id: "" is not a valid cell id (1-64 characters from a-z A-Z 0-9 - _)`,
			`cells[2].id: "` + strings.Repeat("x", 65) + `" is not a valid cell id (1-64 characters from a-z A-Z 0-9 - _)`,
			"cells[3].id: want a string, got a number",
			`cells[5].id: duplicate cell id "ok" (also cells[4])`,
		}},
		{"source", cell(`{"cell_type": "raw", "id": "r", "metadata": {}, "source": ["a", 1]}`),
			[]string{"cells[0].source[1]: want a string, got a number"}},
		{"source object", cell(`{"cell_type": "raw", "id": "r", "metadata": {}, "source": {}}`),
			[]string{"cells[0].source: want a string or a list of strings, got an object"}},
		{"cell metadata", cell(`{"cell_type": "code", "id": "c", "execution_count": -1, "outputs": {}, "source": "",
			"metadata": {"tags": ["a", "a", 1], "name": 2, "collapsed": "no", "scrolled": "yes", "jupyter": 1,
			             "execution": {"iopub.execute_input": "yesterday", "shell.execute_reply": 5}}}`), []string{
			"cells[0].metadata.name: want a string, got a number",
			`cells[0].metadata.tags[1]: duplicate tag "a"`,
			"cells[0].metadata.tags[2]: want a string, got a number",
			"cells[0].metadata.jupyter: want an object, got a number",
			"cells[0].metadata.collapsed: want a boolean, got a string",
			`cells[0].metadata.scrolled: want true, false or "auto", got "yes"`,
			`cells[0].metadata.execution.iopub.execute_input: want an RFC 3339 date-time string, got "yesterday"`,
			"cells[0].metadata.execution.shell.execute_reply: want an RFC 3339 date-time string, got 5",
			"cells[0].execution_count: want a non-negative integer or null, got -1",
			"cells[0].outputs: want a list, got an object",
		}},
		{"metadata missing", cell(`{"cell_type": "raw", "id": "r", "source": "", "metadata": null}`),
			[]string{"cells[0].metadata: want an object, got null"}},
		{"attachment bundle", cell(`{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "", "attachments": {"a.png": {"image/png": 5}}}`),
			[]string{`cells[0].attachments.a.png["image/png"]: want a string or a list of strings, got a number`}},
		{"output type", output(`{"output_type": "pager"}`),
			[]string{`cells[0].outputs[0].output_type: want stream, display_data, execute_result or error, got "pager"`}},
		{"stream", output(`{"output_type": "stream", "text": 5, "extra": 1}`), []string{
			`cells[0].outputs[0]: missing required key "name"`,
			`cells[0].outputs[0]: key "extra" is not allowed`,
			"cells[0].outputs[0].text: want a string or a list of strings, got a number",
		}},
		{"execute_result", output(`{"output_type": "execute_result", "data": {"text/plain": 1, "application/json": 1}}`), []string{
			`cells[0].outputs[0]: missing required key "metadata"`,
			`cells[0].outputs[0]: missing required key "execution_count"`,
			`cells[0].outputs[0].data["text/plain"]: want a string or a list of strings, got a number`,
		}},
		{"display_data", output(`{"output_type": "display_data", "data": [], "metadata": {}, "execution_count": 1}`), []string{
			`cells[0].outputs[0]: key "execution_count" is not allowed`,
			"cells[0].outputs[0].data: want an object, got a list",
		}},
		{"error", output(`{"output_type": "error", "ename": 1, "traceback": ["x", 2]}`), []string{
			`cells[0].outputs[0]: missing required key "evalue"`,
			"cells[0].outputs[0].ename: want a string, got a number",
			"cells[0].outputs[0].traceback[1]: want a string, got a number",
		}},
		{"syntax", "{\n \"cells\": [}", []string{"2:12: invalid character '}' looking for beginning of value"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate([]byte(tc.doc))
			if err == nil {
				t.Fatal("Validate = nil, want problems")
			}
			if diff := cmp.Diff(tc.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSanitize(t *testing.T) {
	doc := `{"cells": [
  {"cell_type": "code", "id": "c", "execution_count": null, "outputs": [], "source": "",
   "metadata": {"tags": "oops", "execution": [], "scrolled": "auto", "custom": {"kept": true}}},
  {"cell_type": "markdown", "id": "m", "source": "", "metadata": {"name": 1}, "attachments": {"a.png": {"image/png": 1}}},
  {"cell_type": "markdown", "id": "n", "source": "", "metadata": {}, "attachments": {"a.png": {"image/png": "aGk="}}}
 ],
 "metadata": {"kernelspec": {"name": "x"}, "title": "kept", "authors": "nobody"},
 "nbformat": 4, "nbformat_minor": 5}`
	if Validate([]byte(doc)) == nil {
		t.Fatal("test document should be invalid")
	}
	nb, err := Unmarshal([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	Sanitize(nb)
	out, err := Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(out); err != nil {
		t.Fatalf("sanitized document is invalid:\n%v", err)
	}
	keys := func(m map[string]json.RawMessage) []string {
		var k []string
		for key := range m {
			k = append(k, key)
		}
		slices.Sort(k)
		return k
	}
	if diff := cmp.Diff([]string{"title"}, keys(nb.Metadata)); diff != "" {
		t.Errorf("notebook metadata kept:\n%s", diff)
	}
	if diff := cmp.Diff([]string{"custom", "scrolled"}, keys(nb.Cells[0].Metadata)); diff != "" {
		t.Errorf("cell metadata kept:\n%s", diff)
	}
	if nb.Cells[1].Attachments != nil || nb.Cells[2].Attachments == nil {
		t.Errorf("attachments: dropped %v and %v, want only the first dropped", nb.Cells[1].Attachments == nil, nb.Cells[2].Attachments == nil)
	}
}
