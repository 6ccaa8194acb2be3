package notebook

import tea "charm.land/bubbletea/v2"

// span is where View drew one cell: lines [first, end) of the whole
// notebook, before scrolling by top.
type span struct{ first, end int }

// CellAt returns the index of the cell drawn at line y of the last View,
// or -1 for a line between cells or below the last.
func (m *Model) CellAt(y int) int {
	line := m.top + y
	for i, s := range m.spans {
		if line >= s.first && line < s.end {
			return i
		}
	}
	return -1
}

// Click handles a click at x, y of the last View: a click on a cell puts
// the cursor on it, leaving the editor of another cell; a double click
// edits it. A click inside the cell being edited moves the editor's
// cursor there.
func (m *Model) Click(x, y int, double bool) tea.Cmd {
	i := m.CellAt(y)
	if i < 0 {
		return nil
	}
	if m.editing && i == m.cursor {
		// Line 0 of a cell is its header; the editor starts below it.
		if row := m.top + y - m.spans[i].first - 1; row >= 0 && row < m.ed.shown {
			m.moveEditorCursor(row, max(x-gutterWidth, 0))
		}
		return nil
	}
	m.StopEditing()
	m.pendingDelete = false
	m.cursor = i
	if double {
		return m.StartEditing()
	}
	return nil
}

// moveEditorCursor puts the editor's cursor on the row and column of its
// view, counting wrapped lines as the view draws them (editView).
func (m *Model) moveEditorCursor(row, col int) {
	line, at := m.ed.position(m.editor.Value(), row, col)
	m.editor.MoveToBegin()
	for range line {
		m.editor.CursorDown()
	}
	m.editor.SetCursorColumn(at)
}
