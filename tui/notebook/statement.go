package notebook

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// RunStatement runs part of the edited cell: the selection if there is
// one (shift and the arrows, vim's v), else, in a SQL cell of several
// statements, the statement under the cursor, cut where the kernel cuts
// the cell when it runs it whole. Otherwise, and when no cell is edited,
// it runs the whole cell. The part's output is the cell's output, and the
// status says which part ran.
func (m *Model) RunStatement() tea.Cmd {
	if !m.editing || len(m.nb.Cells) == 0 {
		return m.RunCurrent()
	}
	m.commit()
	m.closePopup()
	c := m.nb.Cells[m.cursor]
	if c.Kind != notebooks.Code {
		return status("markdown cells do not run")
	}
	value := m.editor.Value()
	if from, to, ok := m.selection(); ok {
		part := value[caretOffset(value, from.Row, from.Col):caretOffset(value, to.Row, to.Col)]
		if strings.TrimSpace(part) == "" {
			return status("the selection is blank: nothing to run")
		}
		lines := fmt.Sprintf("line %d", from.Row+1)
		if last := to.Row + 1; to.Col == 0 && to.Row > from.Row {
			lines = fmt.Sprintf("lines %d-%d", from.Row+1, last-1)
		} else if to.Row > from.Row {
			lines = fmt.Sprintf("lines %d-%d", from.Row+1, last)
		}
		return m.runPart(c.ID, part, "ran the selection ("+lines+") of this cell")
	}
	if c.Lang != notebooks.LangSQL {
		return m.RunCurrent()
	}
	stmts := kernel.Statements(value)
	if len(stmts) <= 1 {
		return m.RunCurrent()
	}
	i := statementAt(stmts, value, caretOffset(value, m.editor.Line(), m.editor.Column()))
	st := stmts[i]
	return m.runPart(c.ID, st.Text, fmt.Sprintf("ran statement %d of %d (line %d): %s", i+1, len(stmts), st.Line, firstLine(st.Text)))
}

func (m *Model) runPart(id, part, note string) tea.Cmd {
	return m.enqueue([]*run{{id: id, part: part, note: note}})
}

// statementAt returns which statement the cursor at byte p of src is in:
// the one around it (its end included), else the one it follows on the
// same line (after its semicolon), else the next one, else the last.
func statementAt(stmts []kernel.Span, src string, p int) int {
	for i, st := range stmts {
		if p >= st.Start && p <= st.End {
			return i
		}
	}
	for i := len(stmts) - 1; i >= 0; i-- {
		if stmts[i].End <= p {
			if !strings.Contains(src[stmts[i].End:p], "\n") {
				return i
			}
			break
		}
	}
	for i, st := range stmts {
		if st.Start > p {
			return i
		}
	}
	return len(stmts) - 1
}

// firstLine is a statement's first line, cut short for the status bar.
func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}
