package catalog

import (
	"context"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/component"
)

// Column is a table column as the tree shows it.
type Column struct {
	Name    string
	Type    string
	Comment string // "" when the column has none
}

// Detail is a line the tree shows under a table after its columns: its
// snapshots, files and storage. Meta names the metadata table that holds
// the whole story ("snapshots" for t$snapshots), so preview can open it;
// "" when there is none.
type Detail struct {
	Text string
	Meta string
}

// Describer is a Source that also says what a table holds besides its
// columns. The tree uses it instead of Columns when the source has it.
type Describer interface {
	Describe(ctx context.Context, ns, table string) ([]Column, []Detail, error)
}

// Source lists the warehouse; it only reads.
type Source interface {
	Namespaces(ctx context.Context) ([]string, error)
	Tables(ctx context.Context, ns string) ([]string, error)
	Columns(ctx context.Context, ns, table string) ([]Column, error)
}

// InsertMsg asks for Text to be inserted at the cursor of the cell being
// edited.
type InsertMsg struct{ Text string }

// PreviewMsg asks for the first rows of a table to be shown.
type PreviewMsg struct{ NS, Table string }

// namespacesMsg and tablesMsg carry listings; deep asks for the columns
// of the expanded tables to be loaded again too (the r key).
type namespacesMsg struct {
	names []string
	err   error
	deep  bool
}

type tablesMsg struct {
	ns    string
	names []string
	err   error
	deep  bool
}

type columnsMsg struct {
	ns, table string
	cols      []Column
	details   []Detail
	err       error
}

// loadTimeout bounds one listing, so a stuck catalog never leaves the tree
// waiting for ever.
const loadTimeout = 30 * time.Second

type namespace struct {
	name     string
	local    bool // a LocalGroup, not a namespace of the warehouse
	expanded bool
	loaded   bool
	tables   []*table
	err      error
}

type table struct {
	name     string
	item     *LocalItem // set for an item of a LocalGroup
	expanded bool
	loaded   bool
	columns  []Column
	details  []Detail
	err      error
}

// row is one line of the flattened tree.
type row struct {
	ns     *namespace
	table  *table
	col    *Column
	detail *Detail
	note   string // a loading or error line
}

// The compiler checks that Model is a screen component.
var _ component.Component = (*Model)(nil)

// Model is the catalog tree component.
type Model struct {
	common        component.Common
	width, height int
	ctx           context.Context
	src           Source
	title         string
	focused       bool

	loaded bool
	err    error
	nss    []*namespace
	local  []*namespace // the LocalGroups, after the namespaces (local.go)
	cursor int
	top    int
	rowsAt int // the line of the last View where the rows start (mouse.go)

	// Idle, when set, says whether a poll may run now: the workbench
	// polls only while no cell runs (a cell reports its own changes).
	Idle func() bool
	// PollEvery is how often a Watcher source is polled; 0 means
	// DefaultPollEvery.
	PollEvery time.Duration
	state     kernel.LakeState // the catalog as last read or told (live.go)
	polling   bool             // a poll is reading the state
}

// New returns a catalog tree over src, titled with the warehouse's name.
// Listings run under ctx.
func New(ctx context.Context, c component.Common, src Source, title string) *Model {
	return &Model{common: c, ctx: ctx, src: src, title: title}
}

// Init loads the namespaces and, for a source that can be watched, reads
// the catalog's state and starts polling it.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(m.loadNamespaces(), m.RefreshLocal(), m.Poll(), m.pollTick())
}

func (m *Model) loadNamespaces() tea.Cmd { return m.listNamespaces(false) }

func (m *Model) listNamespaces(deep bool) tea.Cmd {
	if m.src == nil {
		return nil
	}
	ctx, src := m.ctx, m.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		names, err := src.Namespaces(ctx)
		return namespacesMsg{names, err, deep}
	}
}

func (m *Model) loadTables(ns string) tea.Cmd { return m.listTables(ns, false) }

func (m *Model) listTables(ns string, deep bool) tea.Cmd {
	ctx, src := m.ctx, m.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		names, err := src.Tables(ctx, ns)
		return tablesMsg{ns, names, err, deep}
	}
}

func (m *Model) loadColumns(ns, t string) tea.Cmd {
	ctx, src := m.ctx, m.src
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		if d, ok := src.(Describer); ok {
			cols, details, err := d.Describe(ctx, ns, t)
			return columnsMsg{ns, t, cols, details, err}
		}
		cols, err := src.Columns(ctx, ns, t)
		return columnsMsg{ns, t, cols, nil, err}
	}
}

// SetFocused says whether the tree has the keyboard.
func (m *Model) SetFocused(f bool) { m.focused = f }

// SetSize sets the size the tree draws.
func (m *Model) SetSize(width, height int) { m.width, m.height = width, height }

// Update applies listings and keys.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	if cmd, ok := m.live(msg); ok {
		return cmd
	}
	switch msg := msg.(type) {
	case namespacesMsg:
		at := m.cursorKey()
		m.loaded, m.err = true, msg.err
		old := map[string]*namespace{}
		for _, n := range m.nss {
			old[n.name] = n
		}
		m.nss = nil
		var cmds []tea.Cmd
		for _, name := range msg.names {
			n := &namespace{name: name}
			if o := old[name]; o != nil && o.expanded {
				// Keep what is open and shown until the new listing
				// arrives, so a refresh does not flicker.
				n.expanded, n.loaded, n.tables = true, o.loaded, o.tables
				cmds = append(cmds, m.listTables(name, msg.deep))
			}
			m.nss = append(m.nss, n)
		}
		m.restoreCursor(at)
		return tea.Batch(cmds...)
	case localMsg:
		m.setLocal(msg)
	case tablesMsg:
		at := m.cursorKey()
		var cmds []tea.Cmd
		for _, n := range m.nss {
			if n.name != msg.ns {
				continue
			}
			old := map[string]*table{}
			for _, t := range n.tables {
				old[t.name] = t
			}
			n.loaded, n.err, n.tables = true, msg.err, nil
			for _, name := range msg.names {
				t := old[name]
				if t == nil {
					t = &table{name: name}
				} else if msg.deep && t.loaded {
					cmds = append(cmds, m.loadColumns(n.name, name))
				}
				n.tables = append(n.tables, t)
			}
		}
		m.restoreCursor(at)
		return tea.Batch(cmds...)
	case columnsMsg:
		for _, n := range m.nss {
			if n.name != msg.ns {
				continue
			}
			for _, t := range n.tables {
				if t.name == msg.table {
					t.loaded, t.err, t.columns, t.details = true, msg.err, msg.cols, msg.details
				}
			}
		}
		m.clamp()
	case tea.MouseWheelMsg:
		switch msg.Button {
		case tea.MouseWheelUp:
			m.cursor -= 3
		case tea.MouseWheelDown:
			m.cursor += 3
		}
		m.clamp()
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	km := m.common.KeyMap
	rows := m.rows()
	var cur row
	if m.cursor < len(rows) {
		cur = rows[m.cursor]
	}
	var cmd tea.Cmd
	switch {
	case key.Matches(msg, km.Up):
		m.cursor--
	case key.Matches(msg, km.Down):
		m.cursor++
	case key.Matches(msg, km.PageUp):
		m.cursor -= max(m.height-2, 1)
	case key.Matches(msg, km.PageDown) && msg.String() != "space":
		m.cursor += max(m.height-2, 1)
	case key.Matches(msg, km.Top):
		m.cursor = 0
	case key.Matches(msg, km.Bottom):
		m.cursor = len(rows) - 1
	case key.Matches(msg, km.Insert):
		if text := cur.name(); text != "" {
			return func() tea.Msg { return InsertMsg{text} }
		}
	case key.Matches(msg, km.Expand):
		cmd = m.toggle(cur)
	case key.Matches(msg, km.Left):
		cmd = m.collapse(cur)
	case key.Matches(msg, km.Preview):
		if cur.table != nil && cur.table.item != nil {
			if it := cur.table.item; it.Preview != "" {
				return func() tea.Msg { return PreviewQueryMsg{Title: it.Name, SQL: it.Preview} }
			}
			return nil
		}
		if cur.ns != nil && cur.table != nil {
			ns, t := cur.ns.name, cur.table.name
			if cur.detail != nil && cur.detail.Meta != "" {
				t += "$" + cur.detail.Meta
			}
			return func() tea.Msg { return PreviewMsg{ns, t} }
		}
	case key.Matches(msg, km.Refresh):
		return tea.Batch(m.listNamespaces(true), m.RefreshLocal(), m.Poll())
	}
	m.clamp()
	return cmd
}

// toggle expands or collapses the namespace or table under the cursor,
// loading what it holds the first time.
func (m *Model) toggle(r row) tea.Cmd {
	switch {
	case r.col != nil || r.detail != nil || r.note != "":
		return nil
	case r.table != nil:
		r.table.expanded = !r.table.expanded
		if r.table.expanded && !r.table.loaded {
			return m.loadColumns(r.ns.name, r.table.name)
		}
	case r.ns != nil:
		r.ns.expanded = !r.ns.expanded
		if r.ns.expanded && !r.ns.loaded && !r.ns.local {
			return m.loadTables(r.ns.name)
		}
	}
	return nil
}

// collapse closes the node under the cursor, or moves to its parent.
func (m *Model) collapse(r row) tea.Cmd {
	rows := m.rows()
	parent := func(match func(row) bool) {
		for i := m.cursor; i >= 0; i-- {
			if match(rows[i]) {
				m.cursor = i
				return
			}
		}
	}
	switch {
	case r.col != nil || r.detail != nil || (r.note != "" && r.table != nil):
		parent(func(x row) bool { return x.table == r.table && x.col == nil && x.detail == nil && x.note == "" })
	case r.table != nil && r.table.expanded:
		r.table.expanded = false
	case r.table != nil || r.note != "":
		parent(func(x row) bool { return x.ns == r.ns && x.table == nil && x.note == "" })
	case r.ns != nil:
		r.ns.expanded = false
	}
	return nil
}

// name is what Enter inserts: lake.ns.table for a table, the column's name
// for a column, the namespace for a namespace.
func (r row) name() string {
	switch {
	case r.note != "":
		return ""
	case r.col != nil:
		return QuoteIdent(r.col.Name)
	case r.table != nil && r.table.item != nil:
		return r.table.item.Insert
	case r.ns != nil && r.ns.local && r.table == nil:
		return ""
	case r.detail != nil && r.detail.Meta != "":
		return "lake." + QuoteIdent(r.ns.name) + "." + QuoteIdent(r.table.name+"$"+r.detail.Meta)
	case r.detail != nil:
		return ""
	case r.table != nil:
		return "lake." + QuoteIdent(r.ns.name) + "." + QuoteIdent(r.table.name)
	case r.ns != nil:
		return "lake." + QuoteIdent(r.ns.name)
	}
	return ""
}

// QuoteIdent writes a name as SQL names it: bare when it is a plain
// lower-case word that is no reserved keyword, quoted otherwise.
func QuoteIdent(s string) string { return kernel.QuoteName(s) }

func (m *Model) rows() []row {
	var rows []row
	for _, n := range append(m.nss[:len(m.nss):len(m.nss)], m.local...) {
		rows = append(rows, row{ns: n})
		if !n.expanded {
			continue
		}
		switch {
		case !n.loaded:
			rows = append(rows, row{ns: n, note: "loading…"})
		case n.err != nil:
			rows = append(rows, row{ns: n, note: "error: " + n.err.Error()})
		case len(n.tables) == 0:
			rows = append(rows, row{ns: n, note: "no tables"})
		}
		for _, t := range n.tables {
			rows = append(rows, row{ns: n, table: t})
			if !t.expanded {
				continue
			}
			switch {
			case !t.loaded:
				rows = append(rows, row{ns: n, table: t, note: "loading…"})
			case t.err != nil:
				rows = append(rows, row{ns: n, table: t, note: "error: " + t.err.Error()})
			}
			for i := range t.columns {
				rows = append(rows, row{ns: n, table: t, col: &t.columns[i]})
			}
			for i := range t.details {
				rows = append(rows, row{ns: n, table: t, detail: &t.details[i]})
			}
		}
	}
	return rows
}

// cursorKey names the row under the cursor, so that a listing that adds or
// removes rows above it leaves the cursor on the same thing.
func (m *Model) cursorKey() []string {
	rows := m.rows()
	if m.cursor >= len(rows) || len(rows) == 0 {
		return nil
	}
	return rows[m.cursor].key()
}

func (r row) key() []string {
	k := []string{r.ns.name}
	if r.table != nil {
		k = append(k, r.table.name)
	}
	if r.col != nil {
		k = append(k, r.col.Name)
	}
	return k
}

// restoreCursor puts the cursor back on the row named at, or on its
// nearest parent still in the tree.
func (m *Model) restoreCursor(at []string) {
	rows := m.rows()
	for n := len(at); n > 0; n-- {
		for i, r := range rows {
			if r.note == "" && r.detail == nil && slices.Equal(r.key(), at[:n]) {
				m.cursor = i
				m.clamp()
				return
			}
		}
	}
	m.clamp()
}

func (m *Model) clamp() {
	n := len(m.rows())
	m.cursor = component.Clamp(m.cursor, 0, n-1)
	body := max(m.height-1, 1)
	if m.cursor < m.top {
		m.top = m.cursor
	}
	if m.cursor >= m.top+body {
		m.top = m.cursor - body + 1
	}
	m.top = component.Clamp(m.top, 0, n-body)
}

// View draws the title and the visible part of the tree.
func (m *Model) View() string {
	st := m.common.Styles
	title := st.PanelTitle
	if m.focused {
		title = st.PanelTitleFocused
	}
	lines := []string{title.Render(ansi.Truncate("Catalog · "+m.title, m.width, "…"))}
	switch {
	case m.src == nil:
		lines = append(lines, st.Muted.Render("no warehouse"))
	case !m.loaded:
		lines = append(lines, st.Muted.Render("loading…"))
	case m.err != nil:
		lines = append(lines, st.Error.Render(ansi.Wordwrap("error: "+m.err.Error(), m.width, " ")))
	case len(m.nss) == 0:
		lines = append(lines, st.Muted.Render("no namespaces yet"))
	}
	rows := m.rows()
	body := max(m.height-1, 1)
	m.rowsAt = len(lines)
	for i := m.top; i < len(rows) && i < m.top+body; i++ {
		lines = append(lines, m.renderRow(rows[i], i == m.cursor && m.focused))
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	return strings.Join(lines, "\n")
}

func (m *Model) renderRow(r row, selected bool) string {
	st := m.common.Styles
	var text string
	switch {
	case r.note != "":
		indent := "  "
		if r.table != nil {
			indent = "    "
		}
		note := r.note
		if room := m.width - len(indent); ansi.StringWidth(note) > room && room > 12 {
			// The whole note shows on ! (the workbench's message box).
			note = ansi.Truncate(note, room, "… (! full)")
		}
		text = indent + st.Muted.Render(note)
	case r.col != nil:
		nameW := 0
		for _, c := range r.table.columns {
			nameW = max(nameW, ansi.StringWidth(c.Name))
		}
		nameW = min(nameW, max(m.width-4-5, 4))
		name := ansi.Truncate(r.col.Name, nameW, "…")
		name += strings.Repeat(" ", nameW-ansi.StringWidth(name))
		typ := strings.ToLower(r.col.Type)
		room := m.width - 4 - nameW - 1
		text = "    " + st.TreeColumn.Render(name)
		if room >= 3 {
			text += " " + st.TreeType.Render(ansi.Truncate(typ, room, "…"))
		}
		if room -= ansi.StringWidth(typ) + 3; r.col.Comment != "" && room >= 4 {
			text += "  " + st.Muted.Render(ansi.Truncate(r.col.Comment, room, "…"))
		}
	case r.detail != nil:
		text = "    " + st.Muted.Render(r.detail.Text)
	case r.table != nil && r.table.item != nil:
		text = "  " + arrow(r.table.expanded) + " " + st.TreeTable.Render(r.table.name) + " " + st.TreeType.Render(r.table.item.Kind)
	case r.table != nil:
		text = "  " + arrow(r.table.expanded) + " " + st.TreeTable.Render(r.table.name)
	case r.ns.local:
		text = arrow(r.ns.expanded) + " " + st.Muted.Render(r.ns.name)
	default:
		text = arrow(r.ns.expanded) + " " + st.TreeNamespace.Render(r.ns.name)
	}
	text = ansi.Truncate(text, m.width, "…")
	if selected {
		plain := ansi.Strip(text)
		plain += strings.Repeat(" ", max(m.width-ansi.StringWidth(plain), 0))
		return st.TreeSelected.Render(plain)
	}
	return text
}

func arrow(open bool) string {
	if open {
		return "▾"
	}
	return "▸"
}

// ShortHelp lists the main tree keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.common.KeyMap
	return []key.Binding{km.Up, km.Down, km.Expand, km.Insert, km.Preview}
}

// FullHelp lists every tree key.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.common.KeyMap
	return [][]key.Binding{{km.Up, km.Down, km.Top, km.Bottom}, {km.Expand, km.Left, km.Insert, km.Preview, km.Refresh}}
}
