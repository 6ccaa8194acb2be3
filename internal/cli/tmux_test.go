package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// terminal is a tmux server of a test's own (its socket in a temporary
// directory) that runs the floe binary in a real terminal: the workbench's
// end-to-end tests send it keys and read its screen.
type terminal struct {
	t       *testing.T
	tmux    string
	sock    string
	session string
	// Dir is the test's temporary directory; Self is the floe binary (the
	// test binary, run as the CLI with FLOE_TEST_AS_CLI=1); Stderr is the
	// file the command's stderr should go to, shown when a wait times out.
	Dir, Self, Stderr string
}

// newTerminal prepares a terminal named session, skipping the test in
// -short mode or (outside CI) without tmux.
func newTerminal(t *testing.T, session string) *terminal {
	t.Helper()
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
	return &terminal{t: t, tmux: tmux, sock: filepath.Join(dir, "tmux.sock"), session: session,
		Dir: dir, Self: self, Stderr: filepath.Join(dir, "stderr")}
}

// start runs the shell command cmd in a new session of width x height,
// after any tmux options given (such as "-f", "/dev/null"), and kills the
// server when the test ends.
func (m *terminal) start(width, height int, cmd string, options ...string) {
	m.t.Helper()
	args := append(options, "new-session", "-d", "-s", m.session, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), cmd)
	if out, err := m.run(args...); err != nil {
		m.t.Fatalf("tmux new-session: %v: %s", err, out)
	}
	m.t.Cleanup(func() { m.run("kill-server") })
}

// run runs a tmux command on the test's server.
func (m *terminal) run(args ...string) (string, error) {
	out, err := exec.Command(m.tmux, append([]string{"-S", m.sock}, args...)...).CombinedOutput()
	return string(out), err
}

// keys sends keys to the session (tmux send-keys arguments: key names, or
// "-l" and literal text).
func (m *terminal) keys(keys ...string) {
	m.t.Helper()
	if out, err := m.run(append([]string{"send-keys", "-t", m.session}, keys...)...); err != nil {
		m.t.Fatalf("send-keys %q: %v: %s", keys, err, out)
	}
}

// screen returns what the session shows now.
func (m *terminal) screen() string {
	out, _ := m.run("capture-pane", "-p", "-t", m.session)
	return out
}

// waitFor waits up to 20 s for the screen to satisfy cond, failing the test
// with the screen and the command's stderr when it does not.
func (m *terminal) waitFor(what string, cond func(string) bool) {
	m.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		s := m.screen()
		if cond(s) {
			return
		}
		if time.Now().After(deadline) {
			errs, _ := os.ReadFile(m.Stderr)
			m.t.Fatalf("timed out waiting for %s; screen:\n%s\nstderr:\n%s", what, s, errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// contains is a waitFor condition: the screen shows s.
func contains(s string) func(string) bool {
	return func(screen string) bool { return strings.Contains(screen, s) }
}
