package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
)

// lakeChanged refreshes the catalog tree where a run committed, and says
// what changed on the status line when nothing else is said there.
func (m *Model) lakeChanged(r *kernel.Result) tea.Cmd {
	if r == nil || len(r.Changed) == 0 || m.catalog == nil {
		return nil
	}
	if m.message == "" {
		var parts []string
		for _, c := range r.Changed {
			parts = append(parts, c.String())
		}
		m.message = "catalog: " + strings.Join(parts, ", ")
	}
	return m.catalog.Changed(r.Changed)
}

// pollCatalog reads the catalog's state now, as after a commit the kernel
// did not report through a cell's result.
func (m *Model) pollCatalog() tea.Cmd {
	if m.catalog == nil {
		return nil
	}
	return m.catalog.Poll()
}
