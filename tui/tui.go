package tui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/catalog"
	"github.com/floehq/floe/tui/notebook"
)

// Options say what the workbench opens.
type Options struct {
	// Kernel runs the cells; a *kernel.Session.
	Kernel notebook.Kernel
	// Catalog lists the warehouse for the catalog tree; nil hides it.
	Catalog catalog.Source
	// Notebook is the notebook to show; nil starts an empty one.
	Notebook *notebooks.Notebook
	// Path is where the notebook is saved; "" asks for a name on the first
	// save. A path ending in .ipynb saves outputs too.
	Path string
	// Warehouse names the warehouse in the status bar.
	Warehouse string
	// AutosaveEvery is how often unsaved changes are copied to a recovery
	// file beside the notebook (see RecoveryPath); 0 means every 30s.
	AutosaveEvery time.Duration
	// History is the query history file, shared by every session (see
	// tui/history); "" keeps this session's history in memory only.
	History string
	// Vim turns on the cell editor's vim mode (FLOE_KEYS=vim).
	Vim bool
	// CatalogPoll is how often the catalog tree polls the warehouse for
	// commits made by other processes, while no cell runs; 0 means every
	// 2s (catalog.DefaultPollEvery).
	CatalogPoll time.Duration
	// Notice is shown on the status line at start, such as why the
	// notebook's kept outputs could not be read.
	Notice string
}

// defaultAutosave is how often unsaved changes are copied aside.
const defaultAutosave = 30 * time.Second

// RecoveryPath is where unsaved changes to the notebook at path are copied
// while the workbench runs: a hidden file beside it, ".churn.recovery.md"
// for churn.md. Saving removes it; after a crash it holds the changes.
func RecoveryPath(path string) string {
	dir, base := filepath.Split(path)
	ext := filepath.Ext(base)
	return filepath.Join(dir, "."+strings.TrimSuffix(base, ext)+".recovery"+ext)
}

// Run runs the workbench on the terminal behind in and out until the user
// quits or ctx ends. Before it returns, a running cell is cancelled and
// waited for, so the kernel session can be closed.
func Run(ctx context.Context, opts Options, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, component.NewCommon(), opts)
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out))
	_, err := p.Run()
	cancel()
	m.notebook.Wait()
	m.history.wait()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// displayPath shortens a path under the home directory to ~/...
func displayPath(p string) string {
	if p == "" {
		return ""
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		if rel, err := filepath.Rel(home, p); err == nil && !strings.HasPrefix(rel, "..") {
			return filepath.Join("~", rel)
		}
	}
	return p
}
