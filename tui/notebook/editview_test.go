package notebook

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWrapLine(t *testing.T) {
	tests := []struct {
		line string
		w    int
		want []string
	}{
		{"", 10, []string{""}},
		{"short", 10, []string{"short"}},
		{"exactly10!", 10, []string{"exactly10!", ""}},                    // room for the cursor at the end
		{"one two three four", 9, []string{"one two ", "three ", "four"}}, // after the last space that fits
		{"abcdefghijklmnop", 5, []string{"abcde", "fghij", "klmno", "p"}}, // a long word is cut
		{"\tx := 1", 6, []string{"\tx ", ":= 1"}},                         // a tab takes 4 columns
		{"日本語テキスト", 6, []string{"日本語", "テキス", "ト"}},                       // wide runes take 2
	}
	for _, tt := range tests {
		var got []string
		for _, seg := range wrapLine([]rune(tt.line), tt.w) {
			got = append(got, string(seg))
		}
		if d := cmp.Diff(tt.want, got); d != "" {
			t.Errorf("wrapLine(%q, %d) (-want +got):\n%s", tt.line, tt.w, d)
		}
		if strings.Join(got, "") != tt.line {
			t.Errorf("wrapLine(%q, %d) loses text: %q", tt.line, tt.w, got)
		}
	}
}

// TestPosition maps clicks on the drawing back to the text: wrapped
// segments, tabs, and columns past the end.
func TestPosition(t *testing.T) {
	ev := &editView{width: 9, wraps: map[string][][]rune{}}
	value := "one two three four\n\tx := 1\nend"
	// Drawn as: 0 "one two ", 1 "three ", 2 "four", 3 "\tx := ", 4 "1", 5 "end".
	tests := []struct {
		row, col   int
		line, rune int
	}{
		{0, 0, 0, 0},
		{0, 4, 0, 4},
		{0, 30, 0, 7}, // past a wrapped segment's end: its last rune
		{1, 2, 0, 10}, // "three " starts at rune 8
		{2, 9, 0, 18}, // past the end of the line: its end
		{3, 0, 1, 0},  // on the tab
		{3, 3, 1, 0},  // still inside the tab's columns
		{3, 4, 1, 1},  // after the tab
		{4, 0, 1, 6},  // the tab's line, wrapped
		{5, 1, 2, 1},  // the last line
		{9, 0, 2, 3},  // below the text: its end
	}
	for _, tt := range tests {
		line, r := ev.position(value, tt.row, tt.col)
		if line != tt.line || r != tt.rune {
			t.Errorf("position(row %d, col %d) = line %d rune %d, want line %d rune %d", tt.row, tt.col, line, r, tt.line, tt.rune)
		}
	}
}
