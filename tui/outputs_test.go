package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/floehq/floe/notebooks"
)

const keptNotebook = "# Kept\n\n```sql name=a\nSELECT 1 AS one\n```\n\n```sql\nSELECT 2 AS two\n```\n\n```sql\nSELECT 3 AS three\n```\n"

// TestKeptOutputsSaved runs a notebook on a real kernel, saves it, edits
// the .md file outside the workbench and opens it again: the .md holds no
// output, the outputs come back beside it, and the edited cell's are
// marked stale.
func TestKeptOutputsSaved(t *testing.T) {
	sess := openKernel(t)
	path := filepath.Join(t.TempDir(), "kept.md")
	if err := os.WriteFile(path, []byte(keptNotebook), 0o644); err != nil {
		t.Fatal(err)
	}
	nb, err := notebooks.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 100, 40, Options{Kernel: sess, Notebook: nb, Path: path})
	h.keys("ctrl+r")
	h.waitFor("the run", func() bool { return len(h.m.notebook.Notebook().Cells[3].Outputs) > 0 })
	h.keys("j", "j", "j") // the third code cell, then dd deletes it
	h.keys("d", "d")
	h.keys("ctrl+s")
	h.waitFor("the save", func() bool { return strings.HasPrefix(h.m.message, "saved") })
	if h.m.isError {
		t.Fatalf("save: %s", h.m.message)
	}
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(md), "│") || strings.Contains(string(md), "three") {
		t.Errorf("the .md holds outputs or the deleted cell:\n%s", md)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(md), "SELECT 1 AS one", "SELECT 10 AS one", 1)), 0o644); err != nil {
		t.Fatal(err)
	}

	again, err := notebooks.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := notebooks.LoadOutputs(path, again); err != nil {
		t.Fatal(err)
	}
	h2 := newHarness(t, 100, 40, Options{Notebook: again, Path: path})
	s := h2.screen()
	for _, want := range []string{"from the last run at", "one", " 1", "two", " 2"} {
		if !strings.Contains(s, want) {
			t.Errorf("the reopened notebook lacks %q:\n%s", want, s)
		}
	}
	if n := strings.Count(s, "stale"); n != 1 {
		t.Errorf("%d cells marked stale, want 1 (the edited one):\n%s", n, s)
	}
	if strings.Contains(s, "three") {
		t.Errorf("the deleted cell's output came back:\n%s", s)
	}
}

// TestKeptOutputsScreen compares, with golden files, a notebook opened with
// kept outputs: each marked with its run's time, the edited cell stale.
func TestKeptOutputsScreen(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "kept.md")
			nb, err := notebooks.Parse(path, []byte(keptNotebook))
			if err != nil {
				t.Fatal(err)
			}
			// The harness's clock is 2025-06-01 12:00 UTC: one run this
			// morning, one the day before.
			at := []time.Time{time.Date(2025, 6, 1, 9, 30, 0, 0, time.UTC), time.Date(2025, 5, 31, 17, 5, 0, 0, time.UTC)}
			for i, c := range nb.Cells[1:3] {
				c.Outputs = []notebooks.Output{notebooks.Result(map[string]string{notebooks.MIMEText: "┌─────┐\n│ " + c.Lang + " │\n└─────┘\n"})}
				c.Execution = notebooks.Execution{Count: i + 1, Start: at[i], Duration: time.Duration(i+1) * time.Millisecond, Hash: notebooks.SourceHash(c.Source)}
				nb.Cells[i+1] = c
			}
			if err := notebooks.SaveOutputs(path, nb); err != nil {
				t.Fatal(err)
			}
			edited := strings.Replace(keptNotebook, "SELECT 1 AS one", "SELECT 10 AS one", 1)
			again, err := notebooks.Parse(path, []byte(edited))
			if err != nil {
				t.Fatal(err)
			}
			if err := notebooks.LoadOutputs(path, again); err != nil {
				t.Fatal(err)
			}
			h := newHarness(t, size[0], size[1], Options{Notebook: again, Path: path})
			golden.RequireEqual(t, h.screen())
		})
	}
}
