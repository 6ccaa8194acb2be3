package pager

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/clipboard"
)

// The methods here are the pager's actions for callers other than its own
// keys, such as the command palette. Each does what its key does.

// Sort cycles the selected column through ascending, descending and the
// result's own order.
func (m *Model) Sort() tea.Cmd {
	if m.t == nil {
		return nil
	}
	return m.sort()
}

// CopyValue copies the selected value to the clipboard (clipboard.Copy)
// and says what it copied.
func (m *Model) CopyValue() tea.Cmd {
	if v, ok := m.value(); ok {
		return clipboard.Copy(fmt.Sprintf("%s of row %d", m.t.Columns[m.col], m.row+1), kernel.FormatValue(v))
	}
	return nil
}

// CopyRow copies the selected row to the clipboard, tab-separated, and
// says what it copied.
func (m *Model) CopyRow() tea.Cmd {
	row := m.heldRow(m.row)
	if row == nil {
		return nil
	}
	parts := make([]string, len(row))
	for i, v := range row {
		parts[i] = kernel.FormatValue(v)
	}
	cells := "cells"
	if len(row) == 1 {
		cells = "cell"
	}
	return clipboard.Copy(fmt.Sprintf("row %d, %d %s", m.row+1, len(row), cells), strings.Join(parts, "\t"))
}

// Export asks for a file name and writes the whole result there.
func (m *Model) Export() tea.Cmd {
	if m.t == nil {
		return nil
	}
	return m.startExport()
}

// EditValue opens the editor on the selected value, whose confirmed
// change becomes an UPDATE of the lake table the result came from.
func (m *Model) EditValue() tea.Cmd {
	if m.t == nil {
		return nil
	}
	return m.startEdit()
}

// ViewValue opens the value viewer on the selected value.
func (m *Model) ViewValue() tea.Cmd {
	if m.t == nil {
		return nil
	}
	return m.startView()
}

// NextSet shows the cell's next result set.
func (m *Model) NextSet() tea.Cmd {
	if m.t == nil {
		return nil
	}
	return m.switchSet(1)
}
