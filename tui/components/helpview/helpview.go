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
	m.top = max(min(m.top, len(m.lines(m.innerWidth()))-m.innerHeight()), 0)
	return nil
}

func (m *Model) innerWidth() int  { return max(m.width-4, 10) }
func (m *Model) innerHeight() int { return max(m.height-2, 1) }

// lines lays the groups out in as many columns as fit in width.
func (m *Model) lines(width int) []string {
	st := m.common.Styles
	groups := m.common.KeyMap.Groups()
	blocks := make([][]string, len(groups))
	colWidth := 0
	for i, g := range groups {
		blocks[i] = block(g, st.HelpGroup, st.HelpKey, st.HelpDesc)
		for _, l := range blocks[i] {
			colWidth = max(colWidth, ansi.StringWidth(l))
		}
	}
	colWidth = min(colWidth, width)
	ncols := max((width+2)/(colWidth+2), 1)
	// Each group goes to the shortest column so far, so that the columns
	// come out about as high as each other and the overlay fits more.
	cols := make([][]string, min(ncols, len(blocks)))
	for _, b := range blocks {
		c := &cols[0]
		for i := range cols {
			if len(cols[i]) < len(*c) {
				c = &cols[i]
			}
		}
		if len(*c) > 0 {
			*c = append(*c, "")
		}
		*c = append(*c, b...)
	}
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
				cell = ansi.Truncate(c[r], colWidth, "…")
			}
			if ci < len(cols)-1 {
				cell += strings.Repeat(" ", colWidth-ansi.StringWidth(cell)+2)
			}
			b.WriteString(cell)
		}
		out[r] = b.String()
	}
	return out
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
	top := max(min(m.top, len(lines)-h), 0)
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
