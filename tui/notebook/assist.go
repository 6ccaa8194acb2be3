package notebook

import (
	"fmt"

	"github.com/floehq/floe/notebooks"
)

// What the workbench's assistant changes in the notebook: an accepted fix
// replaces a cell's source, an answer from the chat adds cells. Both are
// edits like the user's own: the notebook becomes dirty and nothing runs.

// CurrentCell returns a copy of the cell under the cursor, with the text
// being edited applied and the outputs of its last run.
func (m *Model) CurrentCell() (notebooks.Cell, bool) {
	m.commit()
	if m.cursor >= len(m.nb.Cells) {
		return notebooks.Cell{}, false
	}
	return m.nb.Cells[m.cursor], true
}

// ReplaceSource sets the source of the cell with the given id, as an edit:
// the notebook becomes dirty and the cell's shown result stale. The cell
// does not run.
func (m *Model) ReplaceSource(id, src string) error {
	i := m.nb.Index(id)
	if i < 0 {
		return fmt.Errorf("cell %s: %w", id, notebooks.ErrNoSuchCell)
	}
	if m.editing && i == m.cursor {
		m.StopEditing()
	}
	if err := m.nb.SetSource(i, src); err != nil {
		return err
	}
	m.edited(id)
	return nil
}

// InsertCells inserts cells below the cell under the cursor, as edits, and
// puts the cursor on the last of them. They do not run.
func (m *Model) InsertCells(cells []notebooks.Cell) error {
	m.StopEditing()
	at := min(m.cursor+1, len(m.nb.Cells))
	for k, c := range cells {
		c.ID = "" // the notebook gives each a fresh id
		if err := m.nb.Insert(at+k, c); err != nil {
			return err
		}
		m.edited(m.nb.Cells[at+k].ID)
	}
	if len(cells) > 0 {
		m.cursor = at + len(cells) - 1
	}
	return nil
}
