package notebook

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/component"
)

// Widths of the popup's two columns, at most.
const (
	popupTextWidth   = 40
	popupDetailWidth = 24
)

// drawPopup draws the completion popup over view, under the cursor at
// line and col of view (over it when there is no room below), left-aligned
// with the word being completed.
func (m *Model) drawPopup(view []string, line, col int) []string {
	c := &m.comp
	if !c.open || len(c.items) == 0 || line < 0 || line >= len(view) {
		return view
	}
	st := m.common.Styles
	n := min(len(c.items), popupRows)
	if c.sel < c.top {
		c.top = c.sel
	}
	if c.sel >= c.top+n {
		c.top = c.sel - n + 1
	}
	shown := c.items[c.top : c.top+n]
	tw, dw := 0, 0
	for _, it := range shown {
		tw = max(tw, ansi.StringWidth(it.Text))
		dw = max(dw, ansi.StringWidth(itemDetail(it.Kind.String(), it.Detail)))
	}
	tw, dw = min(tw, popupTextWidth), min(dw, popupDetailWidth)
	inner := 1 + tw + 2 + dw + 1
	if inner+2 > m.width {
		inner = max(m.width-2, 4)
	}
	box := make([]string, 0, n+2)
	box = append(box, st.PanelRule.Render("╭"+strings.Repeat("─", inner)+"╮"))
	for i, it := range shown {
		text := fit(it.Text, tw)
		detail := fit(itemDetail(it.Kind.String(), it.Detail), dw)
		row := fit(" "+text+"  "+st.Muted.Render(detail)+" ", inner)
		if c.top+i == c.sel {
			row = reverse.Render(fit(" "+text+"  "+detail+" ", inner))
		}
		box = append(box, st.PanelRule.Render("│")+row+st.PanelRule.Render("│"))
	}
	count := fmt.Sprintf(" %d/%d ", c.sel+1, len(c.items))
	rule := max(inner-1-ansi.StringWidth(count), 0)
	box = append(box, st.PanelRule.Render("╰─"+count+strings.Repeat("─", rule)+"╯"))

	bw := inner + 2
	x := col - ansi.StringWidth(c.ctx.Prefix) - 1 // the border left of the text
	x = component.Clamp(x, 0, m.width-bw)
	y := line + 1
	if y+len(box) > len(view) && line-len(box) >= 0 {
		y = line - len(box)
	}
	for i, b := range box {
		r := y + i
		if r >= len(view) {
			break
		}
		base := view[r]
		left := ansi.Cut(base, 0, x)
		if pad := x - ansi.StringWidth(left); pad > 0 {
			left += strings.Repeat(" ", pad)
		}
		view[r] = left + b + ansi.Cut(base, x+bw, m.width)
	}
	return view
}

func itemDetail(kind, detail string) string {
	if detail == "" {
		return kind
	}
	return kind + " · " + detail
}

// fit pads or cuts s to exactly w columns.
func fit(s string, w int) string {
	if ansi.StringWidth(s) > w {
		s = ansi.Truncate(s, w, "…")
	}
	if pad := w - ansi.StringWidth(s); pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}
