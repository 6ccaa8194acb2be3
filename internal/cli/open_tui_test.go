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
	if testing.Short() {
		t.Skip("starts the workbench in tmux")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("tmux is not installed; .ci/run installs it")
		}
		t.Skip("tmux is not installed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sock := filepath.Join(dir, "tmux.sock")
	nb := filepath.Join(dir, "first.md")
	stderr := filepath.Join(dir, "stderr")
	run := func(args ...string) (string, error) {
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	screen := func() string {
		out, _ := run("capture-pane", "-p", "-t", "e2e")
		return out
	}
	waitFor := func(what string, cond func(string) bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			s := screen()
			if cond(s) {
				return
			}
			if time.Now().After(deadline) {
				errs, _ := os.ReadFile(stderr)
				t.Fatalf("timed out waiting for %s; screen:\n%s\nstderr:\n%s", what, s, errs)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	contains := func(s string) func(string) bool {
		return func(screen string) bool { return strings.Contains(screen, s) }
	}

	home := filepath.Join(dir, "home")
	cmd := "env FLOE_TEST_AS_CLI=1 FLOE_HOME='" + home + "' TERM=xterm-256color '" + self + "' open --warehouse '" + filepath.Join(dir, "wh") + "' '" + nb + "' 2>'" + stderr + "'"
	start := time.Now()
	if out, err := run("new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { run("kill-server") })
	waitFor("the first frame", contains("kernel idle"))
	t.Logf("start-up to first frame: %s", time.Since(start).Round(time.Millisecond))

	if out, err := run("send-keys", "-t", "e2e", "-l", "SELECT 40 + 2 AS answer, NULL AS nothing, '' AS empty"); err != nil {
		t.Fatalf("send-keys: %v: %s", err, out)
	}
	waitFor("the typed query", contains("AS empty"))
	run("send-keys", "-t", "e2e", "C-j")
	waitFor("the result", contains("1 row × 3 columns"))
	s := screen()
	for _, want := range []string{"[1] sql", "answer  │ nothing │ empty", "42 │       ∅ │"} {
		if !strings.Contains(s, want) {
			t.Errorf("screen lacks %q:\n%s", want, s)
		}
	}

	// Undo: ctrl+u clears the line, ctrl+z gives it back.
	run("send-keys", "-t", "e2e", "C-u")
	waitFor("the line cleared", func(s string) bool { return !strings.Contains(s, "AS empty") })
	run("send-keys", "-t", "e2e", "C-z")
	waitFor("the undo", contains("AS empty"))
	// The statement under the cursor: the undo put the cursor back at the
	// end, where a second statement goes; alt+enter runs only that one.
	run("send-keys", "-t", "e2e", "-l", "; SELECT 7 AS seven")
	waitFor("the second statement", contains("AS seven"))
	run("send-keys", "-t", "e2e", "M-Enter")
	waitFor("the statement's result", contains("ran statement 2 of 2"))
	waitFor("the statement's table", contains("seven"))
	if s := screen(); strings.Contains(s, "answer  │") {
		t.Errorf("the whole cell ran, not the statement under the cursor:\n%s", s)
	}

	run("send-keys", "-t", "e2e", "C-s")
	waitFor("the save", contains("saved"))

	// Another process commits to the warehouse; the catalog, shown at this
	// width, polls and lists the new namespace without a key pressed.
	other := exec.Command(self, "sql", "--warehouse", filepath.Join(dir, "wh"),
		"CREATE SCHEMA lake.live; CREATE TABLE lake.live.t AS SELECT 1 AS x")
	other.Env = append(os.Environ(), "FLOE_TEST_AS_CLI=1", "FLOE_HOME="+home)
	if out, err := other.CombinedOutput(); err != nil {
		t.Fatalf("the other process: %v\n%s", err, out)
	}
	waitFor("the other process's namespace in the catalog", contains("▸ live"))
	run("send-keys", "-t", "e2e", "C-q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := run("has-session", "-t", "e2e"); err != nil {
			break // the workbench quit and its session closed
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workbench did not quit; screen:\n%s", screen())
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
