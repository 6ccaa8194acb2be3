package pager

// gridTop is the line of View where the rows start: the title, the
// column names, their types and a rule are above.
const gridTop = 4

// Click handles a click at x, y of the last View: a click on a value
// selects it, on a column's name or type selects that column. It reports
// whether the click was on the title line, which leads back to the
// notebook.
func (m *Model) Click(x, y int) (title bool) {
	if y == 0 {
		return true
	}
	if m.t == nil || y >= m.height-1 {
		return false
	}
	col := -1
	pos := 0
	for k, c := range visibleColumns(m.layout, m.left, m.width) {
		if k > 0 {
			pos += 3 // " │ "
		}
		if x < pos+c.width {
			col = c.index
			break
		}
		pos += c.width
	}
	if col < 0 {
		return false
	}
	m.col = col
	if y >= gridTop {
		if r := m.top + y - gridTop; r < min(len(m.t.Rows), m.top+m.bodyRows()) {
			m.row = r
		}
	}
	m.clamp()
	return false
}
