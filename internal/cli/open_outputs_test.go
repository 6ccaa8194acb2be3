package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/notebooks"
)

// TestOpenKeptOutputs checks what floe open does with the outputs kept
// beside a notebook: shows them, or, when the file is corrupt, opens the
// notebook without them and says which file it could not read.
func TestOpenKeptOutputs(t *testing.T) {
	const md = "# N\n\n```sql\nSELECT 1\n```\n"
	cases := []struct {
		name    string
		sidecar string // "" writes a good one
		notice  string
		outputs int
	}{
		{"kept", "", "", 1},
		{"corrupt", `{"floe_outputs": 1, "cells": [{"id": `, "outputs file is corrupt", 0},
		{"none", "-", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "n.md")
			if err := os.WriteFile(path, []byte(md), 0o644); err != nil {
				t.Fatal(err)
			}
			nb, err := notebooks.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			switch tc.sidecar {
			case "":
				nb.Cells[1].Outputs = []notebooks.Output{notebooks.Stream("stdout", "1\n")}
				nb.Cells[1].Execution.Start = nb.Cells[1].Execution.Start.AddDate(2026, 0, 0)
				if err := notebooks.SaveOutputs(path, nb); err != nil {
					t.Fatal(err)
				}
			case "-":
			default:
				file := notebooks.OutputsPath(path)
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, []byte(tc.sidecar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			opened, err := notebooks.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			notice := loadOutputs(path, opened)
			if tc.notice == "" && notice != "" || !strings.Contains(notice, tc.notice) {
				t.Errorf("notice = %q, want one saying %q", notice, tc.notice)
			}
			if tc.notice != "" && !strings.Contains(notice, notebooks.OutputsPath(path)) {
				t.Errorf("notice %q does not name the file", notice)
			}
			if n := len(opened.Cells[1].Outputs); n != tc.outputs {
				t.Errorf("the cell has %d outputs, want %d", n, tc.outputs)
			}
		})
	}
}
