// Package clipboard copies text for the terminal UI: to the system
// clipboard through its command (wl-copy, xclip, xsel, pbcopy) when there
// is one and the session is local, else with the terminal's OSC 52
// sequence, wrapped for tmux when $TMUX is set, so that copying works over
// ssh and inside tmux too.
package clipboard

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Env is what the choice of a clipboard looks at; Getenv and LookPath
// default to the process's.
type Env struct {
	Getenv   func(string) string
	LookPath func(string) (string, error)
	GOOS     string
}

func (e Env) withDefaults() Env {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.LookPath == nil {
		e.LookPath = exec.LookPath
	}
	if e.GOOS == "" {
		e.GOOS = runtime.GOOS
	}
	return e
}

// Method is how text reaches the clipboard.
type Method struct {
	// Command is the system clipboard's command and arguments; empty for
	// OSC 52.
	Command []string
	// Tmux says the OSC 52 sequence is wrapped in tmux's passthrough.
	Tmux bool
}

// String names the method for messages: "wl-copy", "OSC 52", "OSC 52
// via tmux".
func (m Method) String() string {
	switch {
	case len(m.Command) > 0:
		return m.Command[0]
	case m.Tmux:
		return "OSC 52 via tmux"
	}
	return "OSC 52"
}

// Choose picks the clipboard: a system clipboard command on a local
// desktop session, else OSC 52. Over ssh the system clipboard is the
// remote machine's, not the user's, so OSC 52 it is.
func Choose(e Env) Method {
	e = e.withDefaults()
	remote := e.Getenv("SSH_CONNECTION") != "" || e.Getenv("SSH_TTY") != ""
	if !remote {
		var candidates [][]string
		switch {
		case e.GOOS == "darwin":
			candidates = [][]string{{"pbcopy"}}
		case e.Getenv("WAYLAND_DISPLAY") != "":
			candidates = [][]string{{"wl-copy"}}
		case e.Getenv("DISPLAY") != "":
			candidates = [][]string{{"xclip", "-selection", "clipboard"}, {"xsel", "--clipboard", "--input"}}
		}
		for _, c := range candidates {
			if _, err := e.LookPath(c[0]); err == nil {
				return Method{Command: c}
			}
		}
	}
	return Method{Tmux: e.Getenv("TMUX") != ""}
}

// Sequence is the OSC 52 sequence that sets the clipboard to text. In
// tmux it is sent twice: as is, which tmux takes into its paste buffer and
// passes on to the terminal when its set-clipboard option is on, and
// wrapped in tmux's passthrough, which reaches the terminal when
// allow-passthrough is on.
func (m Method) Sequence(text string) string {
	seq := ansi.SetSystemClipboard(text)
	if m.Tmux {
		return seq + ansi.TmuxPassthrough(seq)
	}
	return seq
}

// CopiedMsg reports a copy: what was copied, in words ("amount of row
// 3", "row 3, 7 cells"), its size, and how, or why it failed.
type CopiedMsg struct {
	What   string
	Bytes  int
	Method Method
	// Failed names the system clipboard command that failed, when the
	// copy fell back to OSC 52.
	Failed string
	Err    error
}

// Text is the status line for the copy: "copied amount of row 3 (12
// bytes, OSC 52)".
func (m CopiedMsg) Text() string {
	if m.Err != nil {
		return fmt.Sprintf("copy %s: %v", m.What, m.Err)
	}
	if m.Failed != "" {
		return fmt.Sprintf("copied %s (%s, %s: %s failed)", m.What, Bytes(m.Bytes), m.Method, m.Failed)
	}
	return fmt.Sprintf("copied %s (%s, %s)", m.What, Bytes(m.Bytes), m.Method)
}

// Bytes is "1 byte", "12 bytes", "3.4 KB".
func Bytes(n int) string {
	switch {
	case n == 1:
		return "1 byte"
	case n < 10*1024:
		return fmt.Sprintf("%d bytes", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
}

// Copy copies text, described as what, with the clipboard Choose picks
// from the process's environment, and reports a CopiedMsg.
func Copy(what, text string) tea.Cmd {
	return CopyWith(Choose(Env{}), what, text)
}

// CopyWith copies text with the method m and reports a CopiedMsg.
func CopyWith(m Method, what, text string) tea.Cmd {
	done := func() tea.Msg { return CopiedMsg{What: what, Bytes: len(text), Method: m} }
	if len(m.Command) == 0 {
		return tea.Batch(tea.Raw(m.Sequence(text)), done)
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, m.Command[0], m.Command[1:]...)
		cmd.Stdin = bytes.NewReader([]byte(text))
		if err := cmd.Run(); err != nil {
			// A desktop without a working clipboard (no X server behind
			// $DISPLAY): the terminal's clipboard it is.
			osc := Method{Tmux: os.Getenv("TMUX") != ""}
			failed := CopiedMsg{What: what, Bytes: len(text), Method: osc, Failed: m.Command[0]}
			return tea.BatchMsg{tea.Raw(osc.Sequence(text)), func() tea.Msg { return failed }}
		}
		return CopiedMsg{What: what, Bytes: len(text), Method: m}
	}
}
