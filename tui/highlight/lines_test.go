package highlight

import (
	"strings"
	"testing"

	"github.com/floehq/floe/tui/styles"
)

// TestLines checks that highlighting line by line, as the editor does,
// gives what highlighting the whole cell gives, across block comments and
// strings that span lines.
func TestLines(t *testing.T) {
	st := styles.New(true)
	for _, tt := range []struct{ lang, src string }{
		{"sql", "SELECT a, 'x' AS s -- note\nFROM t\nWHERE n > 3"},
		{"sql", "SELECT /* a\nlong comment */ 1,\n'it''s\nmulti-line' AS s\nFROM t"},
		{"go", "x := `raw\nstring` + \"s\"\n/* c\nc */ y := 1 // end"},
	} {
		lines := strings.Split(tt.src, "\n")
		want := Code(tt.src, tt.lang, st)
		h := NewLines(tt.lang, st)
		states := h.States(lines)
		for i, l := range lines {
			end := Plain
			if i+1 < len(lines) {
				end = states[i+1]
			}
			if got := h.Line(l, states[i], end); got != want[i] {
				t.Errorf("%s line %d (state %d):\n got %q\nwant %q", tt.lang, i+1, states[i], got, want[i])
			}
		}
	}
}
