package notebook

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// The methods here are the notebook's actions for callers other than its
// own keys: the command palette, the history browser and the mouse. Each
// does what its key does.

// AddCell adds a cell above or below the one under the cursor and edits it.
func (m *Model) AddCell(below bool) tea.Cmd {
	if below {
		return m.addCell(m.cursor + 1)
	}
	return m.addCell(m.cursor)
}

// DeleteCell deletes the cell under the cursor, without asking.
func (m *Model) DeleteCell() tea.Cmd {
	m.StopEditing()
	return m.deleteCell()
}

// MoveCell moves the cell under the cursor up (d < 0) or down.
func (m *Model) MoveCell(d int) tea.Cmd {
	m.StopEditing()
	return m.moveCell(d)
}

// Merge appends the cell below to the one under the cursor.
func (m *Model) Merge() tea.Cmd {
	m.StopEditing()
	return m.merge()
}

// Split splits the cell being edited at the editor's line.
func (m *Model) Split() tea.Cmd {
	if !m.editing {
		return status("split works while editing: enter, put the cursor on the first line of the new cell, then %s", m.common.KeyMap.Split.Help().Key)
	}
	return m.split()
}

// CycleType changes the type of the cell under the cursor to the next of
// sql, go, ask and markdown.
func (m *Model) CycleType() tea.Cmd {
	m.StopEditing()
	return m.cycleType()
}

// CellType is a type a cell can have, for SetType.
type CellType int

// The cell types, in the order t cycles through them and 1..4 choose.
const (
	TypeSQL CellType = iota
	TypeGo
	TypeAsk
	TypeMarkdown
)

// SetType changes the type of the cell under the cursor.
func (m *Model) SetType(t CellType) tea.Cmd {
	return m.setType(int(t))
}

// EditOption opens the options bar with the cursor on option name's
// value, adding "name=" when the cell does not have it yet.
func (m *Model) EditOption(name string) tea.Cmd {
	cmd := m.EditOptions()
	if m.bar.kind != barOptions {
		return cmd
	}
	v := m.bar.options.Value()
	i := strings.Index(" "+v, " "+name+"=")
	if i < 0 {
		if v != "" {
			v += " "
		}
		v += name + "="
		m.bar.options.SetValue(v)
		m.bar.options.CursorEnd()
		return cmd
	}
	end := strings.IndexByte(v[i:], ' ')
	if end < 0 {
		m.bar.options.CursorEnd()
	} else {
		m.bar.options.SetCursor(i + end)
	}
	return cmd
}

// ToggleAssert turns the assert option of the cell under the cursor on or
// off.
func (m *Model) ToggleAssert() tea.Cmd {
	if len(m.nb.Cells) == 0 {
		return nil
	}
	c := m.nb.Cells[m.cursor]
	if c.Kind != notebooks.Code {
		return statusError("markdown cells have no options")
	}
	o := c.Options
	o.Assert = !o.Assert
	return m.setOptions(o.String())
}

// OpenResults asks for the table of the cell under the cursor to be paged.
func (m *Model) OpenResults() tea.Cmd {
	if len(m.nb.Cells) == 0 {
		return nil
	}
	return m.openResults()
}

// ClearOutputs drops the outputs of every cell. The next runs start the
// execution counts afresh only in the kernel's session, not here: counts
// come from the kernel.
func (m *Model) ClearOutputs() tea.Cmd {
	n := 0
	for i := range m.nb.Cells {
		c := &m.nb.Cells[i]
		if len(c.Outputs) > 0 || c.Execution.Count > 0 || m.results[c.ID] != nil {
			n++
		}
		c.Outputs, c.Execution = nil, notebooks.Execution{}
	}
	if n == 0 {
		return status("no outputs to clear")
	}
	m.results = map[string]*kernel.Result{}
	m.ranAt = map[string]int{}
	m.clock++
	if m.ipynb {
		m.changed() // outputs are saved in .ipynb
	}
	return status("cleared the outputs of %d cells", n)
}

// PutSQL puts src where the user wants a statement from the history: in
// the cell under the cursor when it is an empty SQL cell, else in a new
// SQL cell below it. The cell is then edited, its cursor at the end.
func (m *Model) PutSQL(src string) tea.Cmd {
	m.StopEditing()
	at := m.cursor
	if c := m.nb.Cells[m.cursor]; !(c.Kind == notebooks.Code && c.Lang == notebooks.LangSQL && c.Source == "") {
		at = m.cursor + 1
		if err := m.nb.Insert(at, notebooks.Cell{Kind: notebooks.Code, Lang: notebooks.LangSQL}); err != nil {
			return statusError("%v", err)
		}
	}
	m.cursor = at
	_ = m.nb.SetSource(at, src)
	m.edited(m.nb.Cells[at].ID)
	cmd := m.StartEditing()
	m.editor.MoveToEnd()
	return cmd
}
