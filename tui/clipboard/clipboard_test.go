package clipboard

import (
	"errors"
	"testing"

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
	}
	for _, tc := range tests {
		if got := tc.msg.Text(); got != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
	}
}
