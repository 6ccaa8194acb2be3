package historyview

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/pager"
	"github.com/floehq/floe/tui/components/palette"
	"github.com/floehq/floe/tui/fuzzy"
	"github.com/floehq/floe/tui/highlight"
	"github.com/floehq/floe/tui/history"
	"github.com/floehq/floe/tui/notebook"
)

// InsertMsg asks for Source to be put into the notebook. The browser has
// closed.
type InsertMsg struct{ Source string }

// CloseMsg reports that the browser closed without a choice.
type CloseMsg struct{}

// item is one distinct statement: its newest run and how many runs it had.
type item struct {
	entry history.Entry
	runs  int
	line  string // the statement on one line, what the filter matches
}

// headerLines are the box's lines above the list: border, title, filter.
const headerLines = 3

// The compiler checks that Model is a screen component.
var _ component.Component = (*Model)(nil)

// Model is the history browser component.
type Model struct {
	common        component.Common
	width, height int // of the screen the box is drawn over

	items    []item
	note     string // shown instead of the list when it is empty
	now      time.Time
	input    textinput.Model
	matches  []fuzzy.Result
	filtered string // the filter matches were ranked for
	// ranking counts filter changes; a ranking done in a command is
	// applied only if no later change came since it started.
	ranking int
	pending bool // a ranking runs in a command
	cursor  int
	top     int
}

// New returns a closed browser.
func New(c component.Common) *Model {
	return &Model{common: c, input: palette.NewInput(c, "type to filter the statements")}
}

// Open shows entries (oldest first, as history.Store.Load returns them)
// newest first, one line per distinct statement. note is shown when there
// are none; now dates the runs.
func (m *Model) Open(entries []history.Entry, note string, now time.Time) tea.Cmd {
	m.items, m.note, m.now = m.items[:0], note, now
	seen := map[string]int{}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		src := strings.TrimSpace(e.Source)
		if k, ok := seen[src]; ok {
			m.items[k].runs++
			continue
		}
		seen[src] = len(m.items)
		m.items = append(m.items, item{entry: e, runs: 1, line: strings.Join(strings.Fields(src), " ")})
	}
	m.input.SetValue("")
	m.filtered = ""
	m.pending = false
	return tea.Batch(m.filter(), m.input.Focus())
}

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the size of the screen the box is drawn over.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.input.SetWidth(max(m.innerWidth()-3, 1))
}

// Shown returns the statements listed, in order.
func (m *Model) Shown() []string {
	out := make([]string, len(m.matches))
	for i, r := range m.matches {
		out[i] = m.items[r.Index].entry.Source
	}
	return out
}

// Selected returns the selected statement, or "" if none matches.
func (m *Model) Selected() string {
	if m.cursor >= len(m.matches) {
		return ""
	}
	return m.items[m.matches[m.cursor].Index].entry.Source
}

// Update handles the keys: up and down choose, enter inserts, esc closes,
// anything else edits the filter.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(rankedMsg); ok {
		if r.ranking == m.ranking {
			m.matches, m.filtered, m.pending = r.matches, r.query, false
			m.cursor, m.top = 0, 0
		}
		return nil
	}
	if nav, ok := palette.ListNav(msg, m.common.KeyMap.Back, m.listRows()); ok {
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
		return tea.Batch(cmd, m.filter())
	}
	return cmd
}

func (m *Model) choose() tea.Cmd {
	src := m.Selected()
	if src == "" {
		return nil
	}
	m.input.Blur()
	return func() tea.Msg { return InsertMsg{Source: src} }
}

func (m *Model) move(d int) {
	m.cursor = component.Clamp(m.cursor+d, 0, len(m.matches)-1)
	rows := m.listRows()
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+rows {
		m.top = m.cursor - rows + 1
	}
}

// rankedMsg carries the statements ranked in a command.
type rankedMsg struct {
	ranking int
	query   string
	matches []fuzzy.Result
}

// syncRanking is how many statements filter ranks at once in Update; more
// are ranked in a command, so a keystroke never waits for them (5,000
// long statements take tens of milliseconds).
const syncRanking = 500

// filter ranks the statements against the filter. When the filter only
// grew at its end, as it does while the user types, only the statements
// that matched before can match now, so only they are ranked again. Many
// statements are ranked in the returned command, and the list shows the
// previous matches until it is done.
func (m *Model) filter() tea.Cmd {
	q := m.input.Value()
	m.ranking++
	var candidates []int
	if m.filtered != "" && strings.HasPrefix(q, m.filtered) && !strings.ContainsAny(q[len(m.filtered):], " \t") && !m.pending {
		candidates = make([]int, len(m.matches))
		for i, r := range m.matches {
			candidates[i] = r.Index
		}
	} else {
		candidates = make([]int, len(m.items))
		for i := range candidates {
			candidates[i] = i
		}
	}
	lines := make([]string, len(candidates))
	for i, k := range candidates {
		lines[i] = m.items[k].line
	}
	rank := func() []fuzzy.Result {
		res := fuzzy.Rank(q, len(lines), func(i int) string { return lines[i] })
		for i := range res {
			res[i].Index = candidates[res[i].Index]
		}
		return res
	}
	if len(lines) <= syncRanking || strings.TrimSpace(q) == "" {
		m.matches, m.filtered, m.pending = rank(), q, false
		m.cursor, m.top = 0, 0
		return nil
	}
	m.pending = true
	ranking := m.ranking
	return func() tea.Msg { return rankedMsg{ranking: ranking, query: q, matches: rank()} }
}

// innerWidth is the width inside the border and padding.
func (m *Model) innerWidth() int { return component.Clamp(m.width-6, 10, 140) }

// innerHeight is the height inside the border.
func (m *Model) innerHeight() int { return max(m.height-4, 6) }

// listRows is how many statements are listed; the preview has the rest.
func (m *Model) listRows() int { return max((m.innerHeight()-4)/2, 1) }

// View draws the box; the app places it over the screen.
func (m *Model) View() string {
	st := m.common.Styles
	w, h := m.innerWidth(), m.innerHeight()
	count := fmt.Sprintf("%d of %d", len(m.matches), len(m.items))
	if m.pending {
		count = "filtering…"
	}
	title := st.HelpGroup.Render("Query history") + st.Muted.Render("  "+count+" · enter inserts into the notebook · esc closes")
	lines := []string{title, m.input.View()}
	rows := m.listRows()
	for r := m.top; r < m.top+rows; r++ {
		switch {
		case r < len(m.matches):
			lines = append(lines, m.row(m.matches[r], r == m.cursor, w))
		case r == 0 && len(m.items) == 0:
			lines = append(lines, st.Muted.Render(m.note))
		case r == 0:
			lines = append(lines, st.Muted.Render("no statement matches; esc closes"))
		default:
			lines = append(lines, "")
		}
	}
	lines = append(lines, st.PanelRule.Render(strings.Repeat("─", w)))
	lines = append(lines, m.preview(w, h-len(lines))...)
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines[:h] {
		l = ansi.Truncate(l, w, "…")
		lines[i] = l + strings.Repeat(" ", max(w-ansi.StringWidth(l), 0))
	}
	return st.Overlay.Render(strings.Join(lines[:h], "\n"))
}

// row is "✓  5m ago  SELECT …   churn.md ×3".
func (m *Model) row(r fuzzy.Result, selected bool, w int) string {
	st := m.common.Styles
	it := m.items[r.Index]
	mark := st.OK.Render("✓")
	if !it.entry.OK {
		mark = st.Error.Render("✗")
	}
	when := fmt.Sprintf("%8s", Ago(m.now, it.entry.Time))
	where := filepath.Base(it.entry.Notebook)
	if it.entry.Notebook == "" {
		where = "untitled"
	}
	if it.runs > 1 {
		where += fmt.Sprintf(" ×%d", it.runs)
	}
	where = ansi.Truncate(where, 24, "…")
	srcW := max(w-2-8-2-2-ansi.StringWidth(where), 4)
	text, pos := it.line, r.Positions
	if ansi.StringWidth(text) > srcW {
		text = ansi.Truncate(text, srcW, "…")
		pos = fuzzy.Shift(pos, 0, fuzzy.Len(text)-1)
	}
	base, hi := st.Output, st.Accent.Underline(true)
	if selected {
		base, hi = st.TreeSelected, st.TreeSelected.Bold(true).Underline(true)
	}
	src := fuzzy.Highlight(text, pos, base, hi) + base.Render(strings.Repeat(" ", srcW-ansi.StringWidth(text)))
	return mark + " " + st.Muted.Render(when) + "  " + src + "  " + st.Muted.Render(where)
}

// preview draws the selected statement whole (as far as height allows),
// under a line saying where and when it ran and how it ended.
func (m *Model) preview(w, height int) []string {
	st := m.common.Styles
	if m.cursor >= len(m.matches) || height <= 0 {
		return nil
	}
	e := m.items[m.matches[m.cursor].Index].entry
	meta := []string{"ran " + Ago(m.now, e.Time)}
	if e.Notebook != "" {
		meta = append(meta, e.Notebook)
	}
	if e.Warehouse != "" {
		meta = append(meta, e.Warehouse)
	}
	status := st.OK.Render("✓ " + notebook.Duration(e.Duration) + " · " + pager.Rows(e.Rows))
	if !e.OK {
		status = st.Error.Render("✗ " + notebook.Duration(e.Duration))
	}
	lines := []string{st.Muted.Render(strings.Join(meta, " · ")+" · ") + status}
	if !e.OK && e.Error != "" {
		lines = append(lines, st.Error.Render(firstLine(e.Error)))
	}
	src := highlight.Code(strings.TrimSpace(e.Source), "sql", st)
	room := height - len(lines)
	if len(src) > room {
		more := len(src) - room + 1
		src = append(src[:max(room-1, 0)], st.Muted.Render(fmt.Sprintf("… %d more lines", more)))
	}
	for _, l := range src {
		lines = append(lines, ansi.Truncate(strings.ReplaceAll(l, "\t", "    "), w, "…"))
	}
	return lines[:min(len(lines), height)]
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}

// Ago is how long before now t was, in its largest unit: "now", "5m ago",
// "3h ago", "4d ago", "5mo ago", "2y ago". It never names a date, so it
// reads the same in every time zone.
func Ago(now, t time.Time) string {
	d := now.Sub(t)
	day := 24 * time.Hour
	switch {
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < day:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	case d < 60*day:
		return fmt.Sprintf("%dd ago", int(d/day))
	case d < 365*day:
		return fmt.Sprintf("%dmo ago", int(d/(30*day)))
	}
	return fmt.Sprintf("%dy ago", int(d/(365*day)))
}

// Click handles a click at x, y inside the box drawn by View (0, 0 is its
// top-left corner): a click on a statement selects it; a second click on
// the selected one inserts it.
func (m *Model) Click(x, y int) tea.Cmd {
	r := y - headerLines
	if r < 0 || r >= m.listRows() || x < 1 || x > m.innerWidth()+2 {
		return nil
	}
	i := m.top + r
	if i >= len(m.matches) {
		return nil
	}
	if i == m.cursor {
		return m.choose()
	}
	m.cursor = i
	return nil
}

// ShortHelp lists the browser's keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.common.KeyMap
	return []key.Binding{km.Up, km.Down, km.Back}
}

// FullHelp lists the browser's keys.
func (m *Model) FullHelp() [][]key.Binding { return [][]key.Binding{m.ShortHelp()} }
