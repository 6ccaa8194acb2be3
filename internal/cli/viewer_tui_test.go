package cli

import (
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
	term := newTerminal(t, "view")
	dir, self, stderr := term.Dir, term.Self, term.Stderr

	// No desktop: the copy has to go through the terminal.
	cmd := "env -u DISPLAY -u WAYLAND_DISPLAY FLOE_TEST_AS_CLI=1 FLOE_HOME='" + filepath.Join(dir, "home") + "' TERM=xterm-256color '" + self +
		"' open --warehouse '" + filepath.Join(dir, "wh") + "' '" + filepath.Join(dir, "view.md") + "' 2>'" + stderr + "'"
	term.start(140, 30, cmd, "-f", "/dev/null")
	term.run("set-option", "-g", "set-clipboard", "on")
	term.waitFor("the first frame", contains("kernel idle"))

	query := `CREATE TEMP TABLE ev AS SELECT '{"user":{"id":7,"roles":["admin","analyst"]},"ok":true}'::JSON AS payload; SELECT payload FROM ev`
	term.keys("-l", query)
	term.waitFor("the typed query", contains("FROM ev"))
	term.keys("C-j")
	term.waitFor("the statement's outcome", contains("✓ line 1 · CREATE TABLE · created table ev (1 row)"))
	term.keys("Escape")
	term.waitFor("the editor to close", contains("NOTEBOOK"))
	term.keys("o")
	term.waitFor("the pager", contains("RESULTS"))
	term.keys("v")
	term.waitFor("the value viewer", contains(`"roles": [`))
	s := term.screen()
	for _, want := range []string{"payload · row 1 · json", `"id": 7,`, `"analyst"`, "JSON, pretty-printed"} {
		if !strings.Contains(s, want) {
			t.Errorf("viewer lacks %q:\n%s", want, s)
		}
	}
	term.keys("y")
	term.waitFor("the copy's report", contains("copied payload of row 1 (98 bytes, OSC 52 via tmux)"))
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf, _ := term.run("show-buffer")
		if strings.Contains(buf, `"roles": [`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux's paste buffer does not hold the value: %q", buf)
		}
		time.Sleep(20 * time.Millisecond)
	}
	term.keys("Escape")
	term.waitFor("the viewer to close", func(s string) bool { return !strings.Contains(s, `"roles": [`) })
}
