package catalog

import tea "charm.land/bubbletea/v2"

// Click handles a click at x, y of the last View: a click on a row
// selects it, and a click on a namespace's or table's arrow, or a double
// click on its name, expands or collapses it.
func (m *Model) Click(x, y int, double bool) tea.Cmd {
	rows := m.rows()
	i := m.top + y - m.rowsAt
	if y < m.rowsAt || i < 0 || i >= len(rows) {
		return nil
	}
	m.cursor = i
	r := rows[i]
	// The arrow is the first column of a namespace's row and the third of
	// a table's (see renderRow).
	arrowAt := 0
	if r.table != nil {
		arrowAt = 2
	}
	var cmd tea.Cmd
	if r.note == "" && r.col == nil && (double || x >= arrowAt && x <= arrowAt+1) {
		cmd = m.toggle(r)
	}
	m.clamp()
	return cmd
}
