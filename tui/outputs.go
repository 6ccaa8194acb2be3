package tui

import (
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/notebooks"
)

// keepOutputs writes the last outputs of a Markdown notebook beside it
// (notebooks.OutputsPath), so that the .md file stays clean and a reopened
// notebook shows them; an .ipynb holds its own.
func keepOutputs(path string, nb *notebooks.Notebook) error {
	if strings.EqualFold(filepath.Ext(path), ".ipynb") {
		return nil
	}
	return notebooks.SaveOutputs(path, nb)
}

// keepOutputsThenQuit quits, first keeping the outputs of runs made since
// the last save of a notebook that has a file and no unsaved changes, as a
// save would have.
func (m *Model) keepOutputsThenQuit() tea.Cmd {
	if m.path == "" || m.outputsKept {
		return tea.Quit
	}
	nb, _ := m.notebook.Snapshot()
	path, disk := m.path, m.disk
	return func() tea.Msg {
		disk.mu.Lock()
		defer disk.mu.Unlock()
		if _, err := os.Stat(path); err != nil {
			return tea.Quit() // never saved: no outputs without the notebook
		}
		keepOutputs(path, nb) // quitting: nowhere left to report a failure
		return tea.Quit()
	}
}
