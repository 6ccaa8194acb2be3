package clipboard

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/google/go-cmp/cmp"
)

func TestChoose(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		have []string // commands on the PATH
		goos string
		want Method
	}{
		{"wayland desktop", map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, []string{"wl-copy"}, "linux", Method{Command: []string{"wl-copy"}}},
		{"x11 with xsel only", map[string]string{"DISPLAY": ":0"}, []string{"xsel"}, "linux", Method{Command: []string{"xsel", "--clipboard", "--input"}}},
		{"x11 without a tool", map[string]string{"DISPLAY": ":0"}, nil, "linux", Method{}},
		{"macOS", nil, []string{"pbcopy"}, "darwin", Method{Command: []string{"pbcopy"}}},
		{"ssh ignores the remote desktop", map[string]string{"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"}, []string{"xclip"}, "linux", Method{}},
		{"tmux over ssh", map[string]string{"SSH_TTY": "/dev/pts/1", "TMUX": "/tmp/tmux-0/default,1,0"}, nil, "linux", Method{Tmux: true}},
		{"headless", nil, []string{"xclip"}, "linux", Method{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := Env{
				Getenv: func(k string) string { return tc.env[k] },
				LookPath: func(c string) (string, error) {
					for _, h := range tc.have {
						if h == c {
							return "/usr/bin/" + c, nil
						}
					}
					return "", errors.New("not found")
				},
				GOOS: tc.goos,
			}
			if diff := cmp.Diff(tc.want, Choose(env)); diff != "" {
				t.Errorf("method (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSequence(t *testing.T) {
	// "hi" is aGk= in base64.
	plain := "\x1b]52;c;aGk=\x07"
	if got := (Method{}).Sequence("hi"); got != plain {
		t.Errorf("OSC 52: %q, want %q", got, plain)
	}
	// In tmux: as is, for set-clipboard, then in a passthrough DCS with
	// every ESC doubled, for allow-passthrough.
	want := plain + "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
	if got := (Method{Tmux: true}).Sequence("hi"); got != want {
		t.Errorf("through tmux: %q, want %q", got, want)
	}
}

func TestCopiedText(t *testing.T) {
	tests := []struct {
		msg  CopiedMsg
		want string
	}{
		{CopiedMsg{What: "amount of row 3", Bytes: 12, Method: Method{}}, "copied amount of row 3 (12 bytes, OSC 52)"},
		{CopiedMsg{What: "row 3, 7 cells", Bytes: 20480, Method: Method{Tmux: true}}, "copied row 3, 7 cells (20.0 KB, OSC 52 via tmux)"},
		{CopiedMsg{What: "the message", Bytes: 1, Method: Method{Command: []string{"wl-copy"}}}, "copied the message (1 byte, wl-copy)"},
		{CopiedMsg{What: "row 1, 2 cells", Bytes: 5, Method: Method{}, Failed: "xclip"}, "copied row 1, 2 cells (5 bytes, OSC 52: xclip failed)"},
	}
	for _, tc := range tests {
		if got := tc.msg.Text(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
}

// TestCopyWithCommand copies through a real command, and falls back to
// OSC 52 when the command fails.
func TestCopyWithCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "copied")
	ok := filepath.Join(dir, "ok.sh")
	if err := os.WriteFile(ok, []byte("#!/bin/sh\ncat > '"+out+"'\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	msg := CopyWith(Method{Command: []string{ok}}, "x", "héllo")()
	if c, isCopied := msg.(CopiedMsg); !isCopied || c.Err != nil || c.Failed != "" || c.Bytes != 6 {
		t.Errorf("copy through a command: %#v", msg)
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "héllo" {
		t.Errorf("the command got %q, %v", b, err)
	}

	t.Setenv("TMUX", "")
	msg = CopyWith(Method{Command: []string{"false"}}, "x", "hi")()
	batch, isBatch := msg.(tea.BatchMsg)
	if !isBatch || len(batch) != 2 {
		t.Fatalf("a failed command gives %#v, want the OSC 52 sequence and a report", msg)
	}
	if c, isCopied := batch[1]().(CopiedMsg); !isCopied || c.Failed != "false" || len(c.Method.Command) != 0 {
		t.Errorf("report after the fallback: %#v", batch[1]())
	}
}
