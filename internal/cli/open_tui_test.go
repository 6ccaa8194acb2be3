package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestOpenInTmux runs `floe open` in a real terminal (tmux): type a SQL
// cell, run it, clear and undo, add a statement and run just that one,
// save, watch the catalog show what another floe process commits, quit,
// and check the file and the outputs kept beside it. It logs the time
// from start to the first frame.
func TestOpenInTmux(t *testing.T) {
	term := newTerminal(t, "e2e")
	dir, self, stderr := term.Dir, term.Self, term.Stderr
	nb := filepath.Join(dir, "first.md")

	home := filepath.Join(dir, "home")
	cmd := "env FLOE_TEST_AS_CLI=1 FLOE_HOME='" + home + "' TERM=xterm-256color '" + self + "' open --warehouse '" + filepath.Join(dir, "wh") + "' '" + nb + "' 2>'" + stderr + "'"
	start := time.Now()
	term.start(100, 30, cmd)
	term.waitFor("the first frame", contains("kernel idle"))
	t.Logf("start-up to first frame: %s", time.Since(start).Round(time.Millisecond))

	term.keys("-l", "SELECT 40 + 2 AS answer, NULL AS nothing, '' AS empty")
	term.waitFor("the typed query", contains("AS empty"))
	term.keys("C-j")
	term.waitFor("the result", contains("1 row × 3 columns"))
	s := term.screen()
	for _, want := range []string{"[1] sql", "answer  │ nothing │ empty", "42 │       ∅ │"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}

	// Undo: ctrl+u clears the line, ctrl+z gives it back.
	term.keys("C-u")
	term.waitFor("the line cleared", func(s string) bool { return !strings.Contains(s, "AS empty") })
	term.keys("C-z")
	term.waitFor("the undo", contains("AS empty"))
	// The statement under the cursor: the undo put the cursor back at the
	// end, where a second statement goes; alt+enter runs only that one.
	term.keys("-l", "; SELECT 7 AS seven")
	term.waitFor("the second statement", contains("AS seven"))
	term.keys("M-Enter")
	term.waitFor("the statement's result", contains("ran statement 2 of 2"))
	term.waitFor("the statement's table", contains("seven"))
	if s := term.screen(); strings.Contains(s, "answer  │") {
		t.Errorf("the whole cell ran, not the statement under the cursor:\n%s", s)
	}

	term.keys("C-s")
	term.waitFor("the save", contains("saved"))

	// Another process commits to the warehouse; the catalog, shown at this
	// width, polls and lists the new namespace without a key pressed.
	other := exec.Command(self, "sql", "--warehouse", filepath.Join(dir, "wh"),
		"CREATE SCHEMA lake.live; CREATE TABLE lake.live.t AS SELECT 1 AS x")
	other.Env = append(os.Environ(), "FLOE_TEST_AS_CLI=1", "FLOE_HOME="+home)
	if out, err := other.CombinedOutput(); err != nil {
		t.Fatalf("the other process: %v\n%s", err, out)
	}
	term.waitFor("the other process's namespace in the catalog", contains("▸ live"))
	term.keys("C-q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := term.run("has-session", "-t", "e2e"); err != nil {
			break // the workbench quit and its session closed
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workbench did not quit; screen:\n%s", term.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
	data, err := os.ReadFile(nb)
	if err != nil {
		t.Fatal(err)
	}
	if want := "```sql\nSELECT 40 + 2 AS answer, NULL AS nothing, '' AS empty; SELECT 7 AS seven\n```\n"; string(data) != want {
		t.Errorf("saved %q, want %q", data, want)
	}
	kept, err := os.ReadFile(filepath.Join(dir, ".first.floe", "outputs.json"))
	if err != nil || !strings.Contains(string(kept), "seven") {
		t.Errorf("outputs kept beside the notebook: %q, %v", kept, err)
	}
	// The run is in the query history under FLOE_HOME, written before
	// the workbench quit.
	hist, err := os.ReadFile(filepath.Join(home, "history.jsonl"))
	if err != nil || !strings.Contains(string(hist), `"source":"SELECT 40 + 2 AS answer`) || !strings.Contains(string(hist), nb) {
		t.Errorf("query history after the run: %q, %v", hist, err)
	}
}
