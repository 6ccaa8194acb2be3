package palette

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/fuzzy"
)

// Item is one action in the list.
type Item struct {
	Name string // "Run cell"
	Help string // what it does
	Key  string // the key that does the same; "" for none
	// Disabled items are listed dimmed (after the others until the user
	// types), so the user learns they exist; choosing one still sends
	// SelectMsg, and the app says it cannot run now.
	Disabled bool
}

// SelectMsg reports the item chosen, by its index in the items given to
// Open. The palette has closed.
type SelectMsg struct{ Index int }

// CloseMsg reports that the palette closed without a choice.
type CloseMsg struct{}

// maxRows is how many items show at once on a tall screen.
const maxRows = 14

// chrome is the lines of the box around the items: the border, the title
// and the filter line.
const (
	headerLines = 3 // top border, title, filter
	chromeLines = headerLines + 1
)

// The compiler checks that Model is a screen component.
var _ component.Component = (*Model)(nil)

// Model is the palette component.
type Model struct {
	common        component.Common
	width, height int // of the screen the palette is drawn over

	items   []Item
	input   textinput.Model
	matches []match
	cursor  int
	top     int
}

// match is an item that matches the filter, with the positions matched in
// its name, help and key.
type match struct {
	index               int
	score               int
	tier                int // 0 name match, 1 help or key match; +2 disabled, unfiltered
	name, help, keyText []int
}

// New returns a closed palette.
func New(c component.Common) *Model {
	return &Model{common: c, input: NewInput(c, "type to filter, e.g. run, save, cat")}
}

// Nav is what a key or the wheel does in a filtered list: move the
// selection by Move rows, choose it, or close the list.
type Nav struct {
	Move          int
	Choose, Close bool
}

// ListNav reads msg as the navigation of a filtered list that shows page
// rows: up and down (ctrl+p, ctrl+n, the wheel), pgup and pgdown, enter,
// and back or ctrl+c. It reports false for anything else, which edits the
// list's filter.
func ListNav(msg tea.Msg, back key.Binding, page int) (Nav, bool) {
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case msg.String() == "up" || msg.String() == "ctrl+p":
			return Nav{Move: -1}, true
		case msg.String() == "down" || msg.String() == "ctrl+n":
			return Nav{Move: 1}, true
		case msg.String() == "pgup":
			return Nav{Move: -page}, true
		case msg.String() == "pgdown":
			return Nav{Move: page}, true
		case msg.String() == "enter":
			return Nav{Choose: true}, true
		case key.Matches(msg, back), msg.String() == "ctrl+c":
			return Nav{Close: true}, true
		}
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			return Nav{Move: -1}, true
		case tea.MouseWheelDown:
			return Nav{Move: 1}, true
		}
		return Nav{}, true
	}
	return Nav{}, false
}

// NewInput returns a one-line filter input in the app's styles.
func NewInput(c component.Common, placeholder string) textinput.Model {
	in := textinput.New()
	in.Prompt = "> "
	in.Placeholder = placeholder
	if c.Styles.NoColor {
		var st textinput.Styles
		st.Cursor.Blink = false
		in.SetStyles(st)
	}
	return in
}

// Open shows items, unfiltered, with the first selected.
func (m *Model) Open(items []Item) tea.Cmd {
	m.items = items
	m.input.SetValue("")
	m.filter()
	return m.input.Focus()
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the size of the screen the palette is drawn over.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.input.SetWidth(max(m.innerWidth()-3, 1))
}

// Filter returns the text typed.
func (m *Model) Filter() string { return m.input.Value() }

// Shown returns the indexes of the items that match, in the order shown.
func (m *Model) Shown() []int {
	out := make([]int, len(m.matches))
	for i, x := range m.matches {
		out[i] = x.index
	}
	return out
}

// Selected returns the index of the selected item, or -1 if none matches.
func (m *Model) Selected() int {
	if m.cursor >= len(m.matches) {
		return -1
	}
	return m.matches[m.cursor].index
}

// Update handles the keys: up and down choose, enter selects, esc closes,
// anything else edits the filter.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if nav, ok := ListNav(msg, m.common.KeyMap.Back, m.rows()); ok {
		switch {
		case nav.Choose:
			return m.choose()
		case nav.Close:
			m.input.Blur()
			return func() tea.Msg { return CloseMsg{} }
		}
		m.move(nav.Move)
		return nil
	}
	before := m.input.Value()
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	if m.input.Value() != before {
		m.filter()
	}
	return cmd
}

func (m *Model) choose() tea.Cmd {
	i := m.Selected()
	if i < 0 {
		return nil
	}
	m.input.Blur()
	return func() tea.Msg { return SelectMsg{Index: i} }
}

func (m *Model) move(d int) {
	m.cursor = component.Clamp(m.cursor+d, 0, len(m.matches)-1)
	m.scroll()
}

func (m *Model) scroll() {
	rows := m.rows()
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+rows {
		m.top = m.cursor - rows + 1
	}
	m.top = component.Clamp(m.top, 0, len(m.matches)-rows)
}

// filter ranks the items against the filter: matches in the name first,
// then matches in the help or the key; then by score, shorter names
// first, and the items' order. With no filter, disabled items go last.
func (m *Model) filter() {
	q := m.input.Value()
	m.matches = m.matches[:0]
	for i, it := range m.items {
		x := match{index: i}
		if r, ok := fuzzy.Find(q, it.Name); ok {
			x.score, x.name = r.Score, r.Positions
		} else {
			// One text, so that "cat refresh" can match a word in each.
			all := it.Name + " · " + it.Help + " · " + it.Key
			r, ok := fuzzy.Find(q, all)
			if !ok {
				continue
			}
			x.score, x.tier = r.Score, 1
			n, h := fuzzy.Len(it.Name), fuzzy.Len(it.Help)
			x.name = fuzzy.Shift(r.Positions, 0, n)
			x.help = fuzzy.Shift(r.Positions, -(n + 3), h)
			x.keyText = fuzzy.Shift(r.Positions, -(n + 3 + h + 3), fuzzy.Len(it.Key))
		}
		m.matches = append(m.matches, x)
	}
	// Unfiltered, the disabled items go last; filtered, the best match
	// comes first even if it is disabled (dimmed), as the user named it.
	filtered := strings.TrimSpace(q) != ""
	if !filtered {
		for i := range m.matches {
			if m.items[m.matches[i].index].Disabled {
				m.matches[i].tier += 2
			}
		}
	}
	slices.SortStableFunc(m.matches, func(a, b match) int {
		if a.tier != b.tier {
			return a.tier - b.tier
		}
		if !filtered {
			return 0
		}
		if a.score != b.score {
			return b.score - a.score
		}
		return len(m.items[a.index].Name) - len(m.items[b.index].Name)
	})
	m.cursor, m.top = 0, 0
}

// innerWidth is the width inside the box's border and padding.
func (m *Model) innerWidth() int { return component.Clamp(m.width-6, 10, 100) }

// rows is how many items the box lists at once.
func (m *Model) rows() int {
	return max(min(maxRows, len(m.items), m.height-chromeLines-2), 1)
}

// View draws the box; the app places it over the screen.
func (m *Model) View() string {
	st := m.common.Styles
	w := m.innerWidth()
	title := st.HelpGroup.Render("Commands") + st.Muted.Render(fmt.Sprintf("  %d of %d · ↑/↓ enter · esc closes", len(m.matches), len(m.items)))
	lines := []string{ansi.Truncate(title, w, "…"), m.input.View()}
	nameW, keyW := 0, 0
	for _, it := range m.items {
		nameW = max(nameW, ansi.StringWidth(it.Name))
		keyW = max(keyW, ansi.StringWidth(it.Key))
	}
	nameW, keyW = min(nameW, w/3), min(keyW, w/5)
	rows := m.rows()
	for r := m.top; r < m.top+rows; r++ {
		if r >= len(m.matches) {
			if r == 0 {
				lines = append(lines, st.Muted.Render("no command matches; esc closes"))
			} else {
				lines = append(lines, "")
			}
			continue
		}
		lines = append(lines, m.row(m.matches[r], r == m.cursor, w, nameW, keyW))
	}
	for i, l := range lines {
		if pad := w - ansi.StringWidth(l); pad > 0 {
			lines[i] = l + strings.Repeat(" ", pad)
		}
	}
	return st.Overlay.Render(strings.Join(lines, "\n"))
}

// row draws one item: its name, what it does and its key, matched letters
// highlighted.
func (m *Model) row(x match, selected bool, w, nameW, keyW int) string {
	st := m.common.Styles
	it := m.items[x.index]
	nameSt, helpSt, keySt := lipgloss.NewStyle(), st.HelpDesc, st.HelpKey
	if it.Disabled {
		// Faint too, so that it shows without colour.
		nameSt, helpSt, keySt = st.Muted.Faint(true), st.Muted.Faint(true), st.Muted.Faint(true)
	}
	if selected {
		nameSt, helpSt, keySt = st.TreeSelected, st.TreeSelected, st.TreeSelected
	}
	hi := func(s lipgloss.Style) lipgloss.Style {
		if selected {
			return s.Bold(true).Underline(true)
		}
		return st.Accent.Underline(true)
	}
	helpW := max(w-nameW-keyW-4, 0)
	cell := func(text string, pos []int, width int, base lipgloss.Style, right bool) string {
		if width <= 0 {
			return ""
		}
		if ansi.StringWidth(text) > width {
			text = ansi.Truncate(text, width, "…")
			pos = fuzzy.Shift(pos, 0, fuzzy.Len(text)-1)
		}
		pad := base.Render(strings.Repeat(" ", width-ansi.StringWidth(text)))
		out := fuzzy.Highlight(text, pos, base, hi(base))
		if right {
			return pad + out
		}
		return out + pad
	}
	gap := lipgloss.NewStyle()
	if selected {
		gap = st.TreeSelected
	}
	return cell(it.Name, x.name, nameW, nameSt, false) + gap.Render("  ") +
		cell(it.Help, x.help, helpW, helpSt, false) + gap.Render("  ") +
		cell(it.Key, x.keyText, keyW, keySt, true)
}

// Click handles a click at x, y inside the box drawn by View (0, 0 is
// its top-left corner): a click on an item selects it and chooses it.
// Clicks elsewhere in the box do nothing.
func (m *Model) Click(x, y int) tea.Cmd {
	r := y - headerLines
	if r < 0 || r >= m.rows() || x < 1 || x > m.innerWidth()+2 {
		return nil
	}
	if i := m.top + r; i < len(m.matches) {
		m.cursor = i
		return m.choose()
	}
	return nil
}

// ShortHelp lists the palette's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.common.KeyMap
	return []key.Binding{km.Up, km.Down, km.Back}
}

// FullHelp lists the palette's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
