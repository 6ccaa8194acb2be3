package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestValueViewerInTmux runs the workbench in a real terminal (tmux): a
// cell of two statements shows each one's outcome; in the pager, v opens
// the value viewer on a JSON value, pretty-printed, and y copies the value
// with OSC 52, which tmux (set-clipboard on) puts in its paste buffer.
func TestValueViewerInTmux(t *testing.T) {
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
	stderr := filepath.Join(dir, "stderr")
	run := func(args ...string) (string, error) {
		out, err := exec.Command(tmux, append([]string{"-S", sock}, args...)...).CombinedOutput()
		return string(out), err
	}
	screen := func() string {
		out, _ := run("capture-pane", "-p", "-t", "view")
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

	// No desktop: the copy has to go through the terminal.
	cmd := "env -u DISPLAY -u WAYLAND_DISPLAY FLOE_TEST_AS_CLI=1 FLOE_HOME='" + filepath.Join(dir, "home") + "' TERM=xterm-256color '" + self +
		"' open --warehouse '" + filepath.Join(dir, "wh") + "' '" + filepath.Join(dir, "view.md") + "' 2>'" + stderr + "'"
	if out, err := run("-f", "/dev/null", "new-session", "-d", "-s", "view", "-x", "140", "-y", "30", cmd); err != nil {
		t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	t.Cleanup(func() { run("kill-server") })
	run("set-option", "-g", "set-clipboard", "on")
	waitFor("the first frame", contains("kernel idle"))

	query := `CREATE TEMP TABLE ev AS SELECT '{"user":{"id":7,"roles":["admin","analyst"]},"ok":true}'::JSON AS payload; SELECT payload FROM ev`
	if out, err := run("send-keys", "-t", "view", "-l", query); err != nil {
		t.Fatalf("send-keys: %v: %s", err, out)
	}
	waitFor("the typed query", contains("FROM ev"))
	run("send-keys", "-t", "view", "C-j")
	waitFor("the statement's outcome", contains("✓ line 1 · CREATE TABLE · created table ev (1 row)"))
	run("send-keys", "-t", "view", "Escape")
	waitFor("the editor to close", contains("NOTEBOOK"))
	run("send-keys", "-t", "view", "o")
	waitFor("the pager", contains("RESULTS"))
	run("send-keys", "-t", "view", "v")
	waitFor("the value viewer", contains(`"roles": [`))
	s := screen()
	for _, want := range []string{"payload · row 1 · json", `"id": 7,`, `"analyst"`, "JSON, pretty-printed"} {
		if !strings.Contains(s, want) {
			t.Errorf("viewer lacks %q:\n%s", want, s)
		}
	}
	run("send-keys", "-t", "view", "y")
	waitFor("the copy's report", contains("copied payload of row 1 (98 bytes, OSC 52 via tmux)"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf, _ := run("show-buffer")
		if strings.Contains(buf, `"roles": [`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux's paste buffer does not hold the value: %q", buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
	run("send-keys", "-t", "view", "Escape")
	waitFor("the viewer to close", func(s string) bool { return !strings.Contains(s, `"roles": [`) })
}
