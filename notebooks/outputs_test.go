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

const outputsNB = "# Outputs\n\n```sql name=top\nSELECT 1\n```\n\n```sql\nSELECT 2\n```\n\n```go\nfmt.Println(3)\n```\n\n```sql\nSELECT 4\n```\n"

// ran gives the cells the outputs a run would, stamped with their source.
func ran(nb *Notebook, at time.Time) {
	n := 0
	for i := range nb.Cells {
		c := &nb.Cells[i]
		if c.Kind != Code {
			continue
		}
		n++
		if n == 4 {
			continue // never ran
		}
		c.Outputs = []Output{
			Result(map[string]string{MIMEText: "table of " + c.ID, MIMEHTML: "<table>big</table>"}),
			Stream("stdout", "printed\n"),
		}
		if n == 3 {
			c.Outputs = append(c.Outputs, Failure("GoError", "boom", "line 1"))
		}
		c.Execution = Execution{Count: n, Start: at.Add(time.Duration(n) * time.Second), Duration: time.Duration(n) * time.Millisecond, Hash: SourceHash(c.Source)}
	}
}

type kept struct {
	ID      string
	Count   int
	Stale   bool
	Outputs []Output
}

func keptOf(nb *Notebook) []kept {
	var out []kept
	for _, c := range nb.Cells {
		if c.Kind == Code && !c.Execution.Start.IsZero() {
			out = append(out, kept{c.ID, c.Execution.Count, c.Stale(), c.Outputs})
		}
	}
	return out
}

// TestOutputsRoundTrip saves a notebook's outputs beside it, edits the
// notebook the ways users do, and reads the outputs back.
func TestOutputsRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 2, 15, 4, 0, 0, time.UTC)
	table := func(id string) []Output {
		return []Output{Result(map[string]string{MIMEText: "table of " + id}), Stream("stdout", "printed\n")}
	}
	cases := []struct {
		name string
		edit func(t *testing.T, src string) string // the .md as read again
		want []kept
	}{
		{"unchanged", func(t *testing.T, src string) string { return src }, []kept{
			{"top", 1, false, table("top")}, {"sql-43b03988", 2, false, table("sql-43b03988")},
			{"go-0aca987d", 3, false, append(table("go-0aca987d"), Failure("GoError", "boom", "line 1"))}}},
		{"a named cell edited: stale", func(t *testing.T, src string) string {
			return strings.Replace(src, "SELECT 1", "SELECT 10", 1)
		}, []kept{
			{"top", 1, true, table("top")}, {"sql-43b03988", 2, false, table("sql-43b03988")},
			{"go-0aca987d", 3, false, append(table("go-0aca987d"), Failure("GoError", "boom", "line 1"))}}},
		{"an unnamed cell edited elsewhere: a new id, found by position, stale", func(t *testing.T, src string) string {
			return strings.Replace(src, "SELECT 2", "SELECT 20", 1)
		}, []kept{
			{"top", 1, false, table("top")}, {"sql-606cb27d", 2, true, table("sql-43b03988")},
			{"go-0aca987d", 3, false, append(table("go-0aca987d"), Failure("GoError", "boom", "line 1"))}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "churn.md")
			nb, err := Parse(path, []byte(outputsNB))
			if err != nil {
				t.Fatal(err)
			}
			ran(nb, at)
			if err := nb.WriteFile(path); err != nil {
				t.Fatal(err)
			}
			if err := SaveOutputs(path, nb); err != nil {
				t.Fatal(err)
			}
			md, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if string(md) != outputsNB {
				t.Errorf("the .md changed:\n%s", md)
			}
			again, err := Parse(path, []byte(tc.edit(t, string(md))))
			if err != nil {
				t.Fatal(err)
			}
			if err := LoadOutputs(path, again); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, keptOf(again)); d != "" {
				t.Errorf("outputs read back (-want +got):\n%s", d)
			}
			for _, c := range again.Cells {
				if c.Execution.Start.IsZero() {
					continue
				}
				if c.Execution.Start.Before(at) {
					t.Errorf("cell %s: run time %s, want after %s", c.ID, c.Execution.Start, at)
				}
			}
		})
	}
}

// TestOutputsDroppedAndBounded checks that a deleted cell's outputs go on
// the next save, that a long text is cut, and that a notebook with no
// outputs left removes the file.
func TestOutputsDroppedAndBounded(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "n.md")
	nb, err := Parse(path, []byte(outputsNB))
	if err != nil {
		t.Fatal(err)
	}
	ran(nb, time.Now())
	nb.Cells[1].Outputs = []Output{Stream("stdout", strings.Repeat("x", 200<<10))}
	if err := SaveOutputs(path, nb); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(OutputsPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > 80<<10 {
		t.Errorf("outputs file is %d bytes: a 200 KiB output was not cut", fi.Size())
	}
	if err := nb.Delete(1); err != nil { // the named cell
		t.Fatal(err)
	}
	if err := SaveOutputs(path, nb); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(OutputsPath(path))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), `"top"`) || strings.Contains(string(data), "<table>") {
		t.Errorf("the deleted cell's outputs, or HTML, were kept:\n%s", data)
	}
	for i := range nb.Cells {
		nb.Cells[i].Execution = Execution{}
	}
	if err := SaveOutputs(path, nb); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Dir(OutputsPath(path))); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("with no outputs left the file or its directory stays: %v", err)
	}
}

// TestOutputsCorrupt checks that an outputs file that cannot be read is
// reported, naming the file, and leaves the notebook as it was.
func TestOutputsCorrupt(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"not JSON", "{\"floe_outputs\": 1, \"cells\": [", "unexpected end of JSON input"},
		{"torn write", "", "unexpected end of JSON input"},
		{"another version", `{"floe_outputs": 9, "cells": []}`, "format version 9"},
		{"no id", `{"floe_outputs": 1, "cells": [{"started": "2026-01-01T00:00:00Z"}]}`, "cell entry 1 has no id"},
		{"bad output", `{"floe_outputs": 1, "cells": [{"id": "top", "lang": "sql", "started": "2026-01-01T00:00:00Z", "outputs": [{"output_type": "weird"}]}]}`, `unknown type "weird"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "n.md")
			file := OutputsPath(path)
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			nb, err := Parse(path, []byte(outputsNB))
			if err != nil {
				t.Fatal(err)
			}
			err = LoadOutputs(path, nb)
			if !errors.Is(err, ErrCorruptOutputs) || !strings.Contains(err.Error(), file) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want ErrCorruptOutputs naming %s and saying %q", err, file, tc.want)
			}
			if k := keptOf(nb); len(k) != 0 {
				t.Errorf("cells got outputs from a corrupt file: %+v", k)
			}
		})
	}
	// No file is no error.
	nb, _ := Parse("x.md", []byte(outputsNB))
	if err := LoadOutputs(filepath.Join(t.TempDir(), "x.md"), nb); err != nil {
		t.Errorf("no outputs file: %v", err)
	}
}
