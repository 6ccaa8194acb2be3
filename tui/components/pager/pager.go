package pager

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/clipboard"
	"github.com/floehq/floe/tui/component"
)

// The compiler checks that Model is a screen component.
var _ component.Component = (*Model)(nil)

// Model is the results pager component.
type Model struct {
	common        component.Common
	width, height int

	t      *kernel.Table
	layout *Layout
	title  string
	name   string // a file name for exports, without extension (SetName)
	// sets are the cell's result sets, for [ and ] (SetSets).
	sets []Set

	row, col  int // the selected cell
	top, left int // the first row and column on screen

	// order, when set, is the sorted order of the held rows: row r on
	// screen is t.Rows[order[r]].
	order    []int
	sortCol  int
	sortDesc bool
	sorting  bool

	// kernel serves pages, exports and edits of held results (SetKernel).
	kernel any
	paging paging
	modal  modal
	// working says what the kernel is doing for the pager (an export, an
	// edit), for the footer.
	working string
}

// New returns an empty pager.
func New(c component.Common) *Model { return &Model{common: c} }

// SetTable shows t, titled, with the first cell selected. A nil table
// empties the pager.
//
// A new result of the same cell (the same title and columns, as after an
// edit re-ran it) keeps the selection when its row is among the held rows.
func (m *Model) SetTable(t *kernel.Table, title string) {
	same := m.t != nil && t != nil && title == m.title && slices.Equal(m.t.Columns, t.Columns) && m.row < len(t.Rows) && len(m.paging.order) == 0 && m.order == nil
	m.t, m.title = t, title
	m.sets = nil
	if !same {
		m.row, m.col, m.top, m.left = 0, 0, 0, 0
	}
	m.order, m.sorting = nil, false
	m.paging.order = nil
	m.resetPaging()
	m.modal = modal{}
	m.layout = nil
	if t != nil {
		m.layout = NewLayout(t)
		m.clamp()
	}
}

// SetName sets the file name exports of the shown result start from,
// without extension: the cell's name, "cell-3", a table's name.
func (m *Model) SetName(name string) { m.name = name }

// Table returns the table shown, or nil.
func (m *Model) Table() *kernel.Table { return m.t }

// Selected returns the selected row and column.
func (m *Model) Selected() (row, col int) { return m.row, m.col }

// Init does nothing.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the size the pager draws.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.clamp()
}

// bodyRows is how many rows fit under the title, the header and over the
// footer.
func (m *Model) bodyRows() int { return max(m.height-5, 1) }

// Update moves the selection and copies values.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if m.t == nil {
		return nil
	}
	km := m.common.KeyMap
	switch msg := msg.(type) {
	case pageMsg:
		return m.gotPage(msg)
	case checkedMsg, proposedMsg, appliedMsg, exportedMsg:
		return m.kernelReply(msg)
	case clipboard.CopiedMsg:
		return status(msg.Err != nil, "%s", msg.Text())
	}
	if m.modal.kind != modalNone {
		return m.modalUpdate(msg)
	}
	switch msg := msg.(type) {
	case sortedMsg:
		if msg.t == m.t && m.sorting {
			m.order, m.sortCol, m.sortDesc, m.sorting = msg.order, msg.col, msg.desc, false
		}
		return nil
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.row -= 3
		case tea.MouseWheelDown:
			m.row += 3
		case tea.MouseWheelLeft:
			m.col--
		case tea.MouseWheelRight:
			m.col++
		}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, km.Up):
			m.row--
		case key.Matches(msg, km.Down):
			m.row++
		case key.Matches(msg, km.PageUp):
			m.row -= m.bodyRows()
			m.top -= m.bodyRows()
		case key.Matches(msg, km.PageDown):
			m.row += m.bodyRows()
			m.top += m.bodyRows()
		case key.Matches(msg, km.Top):
			m.row = 0
		case key.Matches(msg, km.Bottom):
			m.row = m.count() - 1
		case key.Matches(msg, km.Left):
			m.col--
		case key.Matches(msg, km.Right):
			m.col++
		case key.Matches(msg, km.FirstColumn):
			m.col = 0
		case key.Matches(msg, km.LastColumn):
			m.col = len(m.t.Columns) - 1
		case key.Matches(msg, km.CopyCell):
			return m.CopyValue()
		case key.Matches(msg, km.Sort):
			return m.sort()
		case key.Matches(msg, km.Export):
			return m.startExport()
		case key.Matches(msg, km.EditValue):
			return m.startEdit()
		case key.Matches(msg, km.ViewValue):
			return m.startView()
		case key.Matches(msg, km.SwitchResult):
			if msg.String() == "[" {
				return m.switchSet(-1)
			}
			return m.switchSet(1)
		case key.Matches(msg, km.CopyRow):
			return m.CopyRow()
		default:
			return nil
		}
	}
	m.clamp()
	return m.fetch()
}

// clamp keeps the selection inside the table and on screen.
func (m *Model) clamp() {
	if m.t == nil {
		return
	}
	n := m.count()
	m.row = component.Clamp(m.row, 0, n-1)
	m.col = component.Clamp(m.col, 0, len(m.t.Columns)-1)
	rows := m.bodyRows()
	m.top = component.Clamp(m.top, 0, n-rows)
	if m.row < m.top {
		m.top = m.row
	}
	if m.row >= m.top+rows {
		m.top = m.row - rows + 1
	}
	if m.col < m.left {
		m.left = m.col
	}
	for m.left < m.col && lastFullColumn(m.layout, m.left, m.width) < m.col {
		m.left++
	}
}

// sort cycles the selected column through ascending, descending and the
// result's own order.
//
// A result larger than its held rows is sorted whole, in the kernel, when
// the kernel holds it; the pager then fetches the sorted pages.
func (m *Model) sort() tea.Cmd {
	if m.sorting || len(m.t.Rows) == 0 {
		return nil
	}
	if m.t.Result != "" && m.paging.src != nil && m.t.Truncated() {
		p := &m.paging
		col := m.t.Columns[m.col]
		switch {
		case len(p.order) == 0 || p.order[0].Column != col:
			p.order = []kernel.Order{{Column: col}}
		case !p.order[0].Desc:
			p.order = []kernel.Order{{Column: col, Desc: true}}
		default:
			p.order = nil
		}
		m.resetPaging()
		return m.fetch()
	}
	switch {
	case m.order == nil || m.sortCol != m.col:
		m.sorting = true
		return sortCmd(m.t, m.col, false)
	case !m.sortDesc:
		m.sorting = true
		return sortCmd(m.t, m.col, true)
	}
	m.order = nil
	return nil
}

// heldRow returns the r-th row on screen, in the sorted order if any.
func (m *Model) heldRow(r int) []any {
	if m.t == nil || r < 0 || r >= m.count() {
		return nil
	}
	if m.paged() {
		return m.pagedRow(r)
	}
	if m.order != nil {
		r = m.order[r]
	}
	return m.t.Rows[r]
}

func (m *Model) value() (any, bool) {
	row := m.heldRow(m.row)
	if row == nil || m.col >= len(row) {
		return nil, false
	}
	return row[m.col], true
}

// View draws the title, the visible window of the grid and a footer with
// the counts and the selected value.
func (m *Model) View() string {
	st := m.common.Styles
	if m.t == nil {
		return fit([]string{st.Muted.Render("No results: run a cell that returns rows (ctrl+enter).")}, m.width, m.height)
	}
	title := m.title
	if len(m.sets) > 1 {
		title = fmt.Sprintf("[%d/%d] %s", m.setIndex()+1, len(m.sets), title)
	}
	lines := []string{st.PanelTitleFocused.Render(ansi.Truncate(title, m.width, "…"))}
	w := Window{Top: m.top, Left: m.left, Rows: m.bodyRows(), Width: m.width, SelRow: m.row, SelCol: m.col, Order: m.order}
	if m.paged() {
		w.Row, w.Count = m.pagedRow, m.count()
	}
	lines = append(lines, Render(m.t, m.layout, w, st)...)
	for len(lines) < m.height-1 {
		lines = append(lines, "")
	}
	lines = append(lines, st.GridFooter.Render(ansi.Truncate(m.footer(), m.width, "…")))
	return fit(lines, m.width, m.height)
}

// footer is "row 12 of 1,000,000 · col 3 of 7 amount = 12.5".
func (m *Model) footer() string {
	t := m.t
	var b strings.Builder
	if len(t.Rows) == 0 {
		fmt.Fprintf(&b, "0 rows · %d columns", len(t.Columns))
		return b.String()
	}
	fmt.Fprintf(&b, "row %s of %s", Count(int64(m.row+1)), Count(t.Total))
	if t.Truncated() && (t.Result == "" || m.paging.src == nil) {
		fmt.Fprintf(&b, " (first %s held)", Count(int64(len(t.Rows))))
	}
	fmt.Fprintf(&b, " · col %d of %d", m.col+1, len(t.Columns))
	p := &m.paging
	switch {
	case len(p.order) > 0:
		dir := "↑"
		if p.order[0].Desc {
			dir = "↓"
		}
		fmt.Fprintf(&b, " · sorted by %s %s", p.order[0].Column, dir)
		if m.loading() {
			b.WriteString(" (sorting all rows…)")
		}
	case m.loading():
		b.WriteString(" · loading…")
	}
	if m.working != "" {
		b.WriteString(" · " + m.working)
	}
	if p.err != nil && errors.Is(p.err, kernel.ErrResultEvicted) {
		b.WriteString(" · result no longer held, re-run the cell")
	}
	switch {
	case m.sorting:
		b.WriteString(" · sorting…")
	case m.order != nil:
		dir := "↑"
		if m.sortDesc {
			dir = "↓"
		}
		fmt.Fprintf(&b, " · sorted by %s %s", t.Columns[m.sortCol], dir)
	}
	if v, ok := m.value(); ok {
		fmt.Fprintf(&b, " · %s = %s", t.Columns[m.col], Quote(v))
	}
	return b.String()
}

// ShortHelp lists the main pager keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.common.KeyMap
	return []key.Binding{km.Up, km.Down, km.Left, km.Right, km.CopyCell, km.ViewValue, km.Export, km.EditValue, km.Back}
}

// FullHelp lists every pager key.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.common.KeyMap
	return [][]key.Binding{{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom}, {km.Left, km.Right, km.FirstColumn, km.LastColumn, km.Sort, km.CopyCell, km.CopyRow, km.Export, km.EditValue, km.ViewValue, km.SwitchResult, km.Back}}
}

// Rows is "1 row" or "12,345 rows".
func Rows(n int64) string {
	if n == 1 {
		return "1 row"
	}
	return Count(n) + " rows"
}

// Count formats n with thousands separators: 1,234,567.
func Count(n int64) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// fit cuts or pads lines to exactly height lines no wider than width.
func fit(lines []string, width, height int) string {
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}
