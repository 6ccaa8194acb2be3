package catalog

// SelectedNote returns, whole, the text of the selected row when the row
// is a note (a loading error, "no tables") or a column with a comment,
// for the workbench to show when the row is cut to the panel's width; ""
// for other rows.
func (m *Model) SelectedNote() string {
	rows := m.rows()
	if m.cursor < 0 || m.cursor >= len(rows) {
		return ""
	}
	switch r := rows[m.cursor]; {
	case r.note != "":
		return r.note
	case r.col != nil && r.col.Comment != "":
		return r.col.Name + ": " + r.col.Comment
	}
	return ""
}
