package ipynb

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLines(t *testing.T) {
	cases := map[string][]string{
		"":          {},
		"a":         {"a"},
		"a\n":       {"a\n"},
		"a\nb":      {"a\n", "b"},
		"\n\n":      {"\n", "\n"},
		"a\r\nb\n":  {"a\r\n", "b\n"},
		"x\n\ny\n!": {"x\n", "\n", "y\n", "!"},
	}
	for in, want := range cases {
		if diff := cmp.Diff(want, Lines(in)); diff != "" {
			t.Errorf("Lines(%q):\n%s", in, diff)
		}
	}
}

func TestMarshal(t *testing.T) {
	one := 1
	nb := &Notebook{
		NBFormat: Major, NBFormatMinor: Minor,
		Cells: []Cell{
			{ID: "m", Type: Markdown, Source: "a <b> & c\nd"},
			{ID: "c", Type: Code, Source: "SELECT 1", ExecutionCount: &one, Outputs: []Output{
				{Type: ExecuteResult, ExecutionCount: &one, Data: map[string]string{"text/plain": "1\n", "application/json": `{"z": 1, "a": [true]}`}},
				{Type: Error, EName: "E", EValue: "v"},
			}},
			{ID: "n", Type: Code},
		},
	}
	got, err := Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "m",
   "metadata": {},
   "source": [
    "a <b> & c\n",
    "d"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "c",
   "metadata": {},
   "outputs": [
    {
     "data": {
      "application/json": {
       "z": 1,
       "a": [
        true
       ]
      },
      "text/plain": [
       "1\n"
      ]
     },
     "execution_count": 1,
     "metadata": {},
     "output_type": "execute_result"
    },
    {
     "ename": "E",
     "evalue": "v",
     "output_type": "error",
     "traceback": []
    }
   ],
   "source": [
    "SELECT 1"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "id": "n",
   "metadata": {},
   "outputs": [],
   "source": []
  }
 ],
 "metadata": {},
 "nbformat": 4,
 "nbformat_minor": 5
}
`
	if diff := cmp.Diff(want, string(got)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := Validate(got); err != nil {
		t.Errorf("Validate: %v", err)
	}

	nb.Cells[1].Outputs[0].Data["application/json"] = "{oops"
	if _, err := Marshal(nb); err == nil || err.Error() != `cells[1]: outputs[0]: data["application/json"]: not valid JSON` {
		t.Errorf("Marshal with bad JSON data: %v", err)
	}
}

func TestUnmarshalRoundTrip(t *testing.T) {
	nb, err := Unmarshal([]byte(valid))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	if err := Validate(out); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	// Same document, up to formatting.
	var a, b any
	if err := json.Unmarshal([]byte(valid), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &b); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(joinLines(a), joinLines(b)); diff != "" {
		t.Errorf("document changed through Unmarshal and Marshal (-in +out):\n%s", diff)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	cases := []struct {
		name, in  string
		line, col int
		path      string
	}{
		{"syntax", "{\n  \"cells\": [\n   x", 3, 4, ""},
		{"eof", "{\n", 2, 1, ""},
		{"version", `{"nbformat": 5, "nbformat_minor": 0, "cells": []}`, 0, 0, "nbformat"},
		{"metadata", `{"nbformat": 4, "nbformat_minor": 0, "cells": [], "metadata": 1}`, 0, 0, "metadata"},
		{"cells", `{"nbformat": 4, "nbformat_minor": 0}`, 0, 0, "cells"},
		{"execution count", `{"nbformat": 4, "nbformat_minor": 0, "cells": [{"cell_type": "code", "execution_count": 1.5}]}`, 0, 0, "cells[0].execution_count"},
		{"mime", `{"nbformat": 4, "nbformat_minor": 0, "cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"text/plain": [1]}}]}]}`, 0, 0, `cells[0].outputs[0].data["text/plain"][0]`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(tc.in))
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want a *DecodeError", err)
			}
			if de.Line != tc.line || de.Column != tc.col || de.Path != tc.path {
				t.Errorf("got %d:%d %q (%v), want %d:%d %q", de.Line, de.Column, de.Path, err, tc.line, tc.col, tc.path)
			}
		})
	}
	_, err := Unmarshal([]byte(`{"nbformat": 3, "nbformat_minor": 0}`))
	if !errors.Is(err, ErrVersion) {
		t.Errorf("nbformat 3: %v, want ErrVersion", err)
	}
}

// joinLines replaces every list of strings in a decoded document by their
// concatenation: Jupyter's list-of-lines and single-string forms of a
// multiline string are the same text.
func joinLines(v any) any {
	switch v := v.(type) {
	case []any:
		text, all := "", len(v) > 0
		for _, e := range v {
			s, ok := e.(string)
			all = all && ok
			text += s
		}
		if all {
			return text
		}
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = joinLines(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = joinLines(e)
		}
		return out
	}
	return v
}
