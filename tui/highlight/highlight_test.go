package highlight

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/tui/styles"
)

func TestCodeKeepsTheTextAndStylesKeywords(t *testing.T) {
	st := styles.Plain() // keywords bold, comments italic
	for _, tc := range []struct {
		lang, src string
		styled    []string // substrings that must carry a style
	}{
		{"sql", "SELECT id, 'x' AS s -- note\nFROM lake.crm.customers\nWHERE n > 10\n", []string{"SELECT", "FROM", "WHERE", "-- note"}},
		{"go", "t := floe.Result(\"top\")\nfor i := range 3 {\n\t_ = i // n\n}", []string{"for", "range", "// n"}},
		{"ask", "Which segments churn?", nil},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			lines := Code(tc.src, tc.lang, st)
			if diff := cmp.Diff(strings.Split(tc.src, "\n"), stripAll(lines)); diff != "" {
				t.Errorf("text changed (-source +shown):\n%s", diff)
			}
			joined := strings.Join(lines, "\n")
			for _, s := range tc.styled {
				if !strings.Contains(joined, "m"+s+"\x1b[m") {
					t.Errorf("%q is not styled in %q", s, joined)
				}
			}
		})
	}
}

func stripAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = ansi.Strip(l)
	}
	return out
}

func TestMarkdown(t *testing.T) {
	src := "# Churn\n\nSome **bold** and `code`, a snake_case_name.\n\n- one\n- two\n\n```sql\nSELECT 1\n```\n> quoted"
	got := stripAll(Markdown(src, 30, styles.Plain()))
	want := []string{"Churn", "", "Some bold and code, a", "snake_case_name.", "", "• one", "• two", "", "SELECT 1", "│ quoted"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("markdown (-want +got):\n%s", diff)
	}
}
