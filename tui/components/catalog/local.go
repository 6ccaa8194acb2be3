package catalog

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// LocalGroup is a part of the tree beside the warehouse's namespaces:
// the session's own DuckDB tables and views, or the data files DuckDB can
// read from the working directory.
type LocalGroup struct {
	Name  string // what the tree shows, such as "session" or "files"
	Items []LocalItem
}

// LocalItem is one table, view or file of a LocalGroup.
type LocalItem struct {
	Name string // what the tree shows
	Kind string // "table", "view", "csv", ... shown after the name
	// Insert is what enter puts into the cell: the table's name, or the
	// file's path as a string literal DuckDB reads.
	Insert string
	// Preview is the query that shows the item's first rows; "" if none.
	Preview string
	Columns []Column
}

// LocalSource is a Source that also lists what the session has besides
// the warehouse. The tree shows each group after the namespaces.
type LocalSource interface {
	Local(ctx context.Context) ([]LocalGroup, error)
}

// PreviewQueryMsg asks for the first rows of something that is not a lake
// table: SQL shows them, Title names them.
type PreviewQueryMsg struct{ Title, SQL string }

type localMsg struct {
	groups []LocalGroup
	err    error
}

// RefreshLocal lists the session's tables and files again, as after a cell
// ran; nothing for a source without them.
func (m *Model) RefreshLocal() tea.Cmd {
	l, ok := m.src.(LocalSource)
	if !ok {
		return nil
	}
	ctx := m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		groups, err := l.Local(ctx)
		return localMsg{groups, err}
	}
}

// setLocal replaces the local groups, keeping what was expanded.
func (m *Model) setLocal(msg localMsg) {
	open := map[string]bool{}
	for _, n := range m.local {
		if n.expanded {
			open[n.name] = true
		}
		for _, t := range n.tables {
			if t.expanded {
				open[n.name+"\x00"+t.name] = true
			}
		}
	}
	m.local = nil
	if msg.err != nil {
		m.local = []*namespace{{name: "session", local: true, loaded: true, err: msg.err, expanded: open["session"]}}
		m.clamp()
		return
	}
	for _, g := range msg.groups {
		n := &namespace{name: g.Name, local: true, loaded: true, expanded: open[g.Name]}
		for i := range g.Items {
			it := &g.Items[i]
			n.tables = append(n.tables, &table{name: it.Name, loaded: true, columns: it.Columns, item: it,
				expanded: open[g.Name+"\x00"+it.Name]})
		}
		m.local = append(m.local, n)
	}
	m.clamp()
}
