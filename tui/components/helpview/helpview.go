package helpview

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/keymap"
)

// The compiler checks that Model is a screen component.
var _ component.Component = (*Model)(nil)

// Model is the help overlay component.
type Model struct {
	common        component.Common
	width, height int
	top           int
}

// New returns the help overlay.
func New(c component.Common) *Model { return &Model{common: c} }

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the size of the screen the overlay covers.
func (m *Model) SetSize(width, height int) { m.width, m.height = width, height }

// Update scrolls the overlay.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	km := m.common.KeyMap
	if msg, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(msg, km.Up):
			m.top--
		case key.Matches(msg, km.Down):
			m.top++
		case key.Matches(msg, km.PageUp):
			m.top -= m.height / 2
		case key.Matches(msg, km.PageDown):
			m.top += m.height / 2
		}
	}
	m.top = component.Clamp(m.top, 0, len(m.lines(m.innerWidth()))-m.innerHeight())
	return nil
}

func (m *Model) innerWidth() int  { return max(m.width-4, 10) }
func (m *Model) innerHeight() int { return max(m.height-2, 1) }

// lines lays the groups out in columns: of the ways to cut the groups, in
// their order, into columns that fit in width side by side, the one with
// the shortest tallest column. Each column is as wide as its widest line.
func (m *Model) lines(width int) []string {
	st := m.common.Styles
	groups := m.common.KeyMap.Groups()
	blocks := make([][]string, len(groups))
	for i, g := range groups {
		blocks[i] = block(g, st.HelpGroup, st.HelpKey, st.HelpDesc)
	}
	cols, widths := layout(blocks, width)
	height := 0
	for _, c := range cols {
		height = max(height, len(c))
	}
	out := make([]string, height)
	for r := range height {
		var b strings.Builder
		for ci, c := range cols {
			cell := ""
			if r < len(c) {
				cell = ansi.Truncate(c[r], widths[ci], "…")
			}
			if ci < len(cols)-1 {
				cell += strings.Repeat(" ", widths[ci]-ansi.StringWidth(cell)+2)
			}
			b.WriteString(cell)
		}
		out[r] = b.String()
	}
	return out
}

// layout cuts blocks, in order, into columns (a blank line between two
// blocks of a column) that fit in width two columns apart, choosing the
// cut whose tallest column is shortest; it returns the columns and their
// widths. When not even one column fits, it is cut to width.
func layout(blocks [][]string, width int) ([][]string, []int) {
	wide := make([]int, len(blocks))
	for i, b := range blocks {
		for _, l := range b {
			wide[i] = max(wide[i], ansi.StringWidth(l))
		}
	}
	var best []int // where each column after the first starts
	bestH := -1
	// cuts tries every way to start columns at blocks after from.
	var cuts func(from int, starts []int)
	cuts = func(from int, starts []int) {
		// The layout with the columns so far and one more from the last
		// start to the end.
		all := append(append([]int{0}, starts...), len(blocks))
		total, tallest := -2, 0
		for c := 0; c+1 < len(all); c++ {
			w, h := 0, -1
			for i := all[c]; i < all[c+1]; i++ {
				w = max(w, wide[i])
				h += len(blocks[i]) + 1
			}
			total += w + 2
			tallest = max(tallest, h)
		}
		if total <= width && (bestH < 0 || tallest < bestH) {
			best, bestH = append([]int(nil), starts...), tallest
		}
		for at := from + 1; at < len(blocks); at++ {
			cuts(at, append(starts, at))
		}
	}
	cuts(0, nil)
	all := append(append([]int{0}, best...), len(blocks))
	var cols [][]string
	var widths []int
	for c := 0; c+1 < len(all); c++ {
		var col []string
		w := 0
		for i := all[c]; i < all[c+1]; i++ {
			if len(col) > 0 {
				col = append(col, "")
			}
			col = append(col, blocks[i]...)
			w = max(w, wide[i])
		}
		cols, widths = append(cols, col), append(widths, min(w, width))
	}
	return cols, widths
}

// block is one group: its name, then a line per binding.
func block(g keymap.Group, title, keyStyle, desc lipgloss.Style) []string {
	keyWidth := 0
	for _, b := range g.Bindings {
		keyWidth = max(keyWidth, ansi.StringWidth(b.Help().Key))
	}
	lines := []string{title.Render(g.Name)}
	for _, b := range g.Bindings {
		h := b.Help()
		lines = append(lines, keyStyle.Render(h.Key+strings.Repeat(" ", keyWidth-ansi.StringWidth(h.Key)))+"  "+desc.Render(h.Desc))
	}
	return lines
}

// View draws the overlay in a box over the whole screen.
func (m *Model) View() string {
	st := m.common.Styles
	lines := m.lines(m.innerWidth())
	h := m.innerHeight() - 1
	top := component.Clamp(m.top, 0, len(lines)-h)
	end := min(top+h, len(lines))
	body := lines[top:end]
	title := st.HelpGroup.Render("Keys") + st.Muted.Render("  (esc closes")
	if len(lines) > h {
		title += st.Muted.Render(", ↑/↓ scroll")
	}
	title += st.Muted.Render(")")
	content := title + "\n" + strings.Join(body, "\n")
	box := st.Overlay.Width(m.width).Height(m.height).Render(content)
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, box)
}

// ShortHelp lists the overlay's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.common.KeyMap
	return []key.Binding{km.Up, km.Down, km.Back}
}

// FullHelp lists the overlay's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
