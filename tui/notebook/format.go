package notebook

import (
	"unicode"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/sqlformat"
)

// Format lays out the SQL of the edited cell (tui/sqlformat), as one step
// of undo. The cursor stays on the same character: formatting changes
// only white space and the case of keywords. SQL that does not tokenize
// cleanly is left as it is, and the status says why.
func (m *Model) Format() tea.Cmd {
	if !m.editing {
		if cmd := m.StartEditing(); !m.editing {
			return cmd
		}
	}
	c := m.nb.Cells[m.cursor]
	if c.Kind != notebooks.Code || c.Lang != notebooks.LangSQL {
		return status("format works on SQL cells; this one is %s", typeName(c.Lang))
	}
	before := m.textState()
	out, err := sqlformat.Format(before.text)
	if err != nil {
		return statusError("not formatted: %v", err)
	}
	if out == before.text {
		return status("already formatted")
	}
	// The cursor after as many characters other than white space.
	n := nonSpace(before.text[:caretOffset(before.text, before.row, before.col)])
	at := 0
	for i, r := range out {
		if n == 0 {
			at = i
			break
		}
		if !unicode.IsSpace(r) {
			n--
		}
		at = i + len(string(r))
	}
	m.editor.ClearSelection()
	m.setText(out, at)
	m.commit()
	m.record(before, editOther)
	return status("formatted the SQL (%s undoes)", m.common.KeyMap.Undo.Help().Key)
}

func nonSpace(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
