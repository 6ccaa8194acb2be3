package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui"
)

// tuiMaxRows is how many rows of a result the workbench holds for its
// pager; the row count stays exact beyond it.
const tuiMaxRows = 10000

// tuiKeepResults is how many query cells' whole results the workbench's
// session holds for the pager to page, sort and export.
const tuiKeepResults = 8

func newOpenCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "open NOTEBOOK",
		Short: "Open a notebook in the terminal workbench",
		Long: `Open a notebook (.md or .ipynb) in the terminal workbench, with a kernel
session on the warehouse. A file that does not exist yet is created on the
first save. floe with no argument opens an empty notebook.

A warehouse the notebook's front matter names (warehouse: ...) is used unless
--warehouse or --catalog is given, and serve: true serves it as a REST
catalog on loopback while the workbench is open, as floe run does (see floe
run --help).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runTUI(cmd.Context(), args[0])
		},
	}
}

// runTUI opens the warehouse, a kernel session on it and the notebook at
// path ("" for a new, unnamed one), and runs the workbench until the user
// quits.
func (g *globals) runTUI(ctx context.Context, path string) error {
	vim, err := vimKeys()
	if err != nil {
		return err
	}
	var nb *notebooks.Notebook
	if path != "" {
		var err error
		nb, err = notebooks.ReadFile(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	notice := loadOutputs(path, nb)
	wh, err := g.openFor(ctx, path, nb) // the warehouse its front matter names, if any
	if err != nil {
		return err
	}
	defer wh.Close()
	sess, err := kernel.Open(ctx, wh, kernel.Options{MaxRows: tuiMaxRows, KeepResults: tuiKeepResults})
	if err != nil {
		return err
	}
	defer sess.Close()
	if serveFor(nb) {
		c, err := g.serveNotebook(ctx, path, wh)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := setCatalogURL(ctx, sess, c.URL); err != nil {
			return err
		}
	}
	// Warnings written to the terminal would tear the screen; with
	// FLOE_LOG set the user asked for them (and can send stderr to a file).
	if os.Getenv("FLOE_LOG") == "" {
		prev := slog.Default()
		slog.SetDefault(slog.New(slog.DiscardHandler))
		defer slog.SetDefault(prev)
	}
	return tui.Run(ctx, tui.Options{
		Kernel:    sess,
		Catalog:   tui.SessionCatalog(sess, "."),
		Notebook:  nb,
		Path:      path,
		Warehouse: warehouseName(wh),
		History:   historyFile(),
		Vim:       vim,
		Notice:    notice,
	}, g.stdin, g.stdout)
}

// loadOutputs shows a Markdown notebook's outputs from its last run, kept
// beside it (notebooks.OutputsPath). It returns why they could not be read,
// for the status line, or "": the notebook opens either way.
func loadOutputs(path string, nb *notebooks.Notebook) string {
	if nb == nil || strings.EqualFold(filepath.Ext(path), ".ipynb") {
		return ""
	}
	if err := notebooks.LoadOutputs(path, nb); err != nil {
		return err.Error() + "; opened without the last outputs"
	}
	return ""
}

// vimKeys reads FLOE_KEYS: "vim" turns on the cell editor's vim mode;
// unset or "default" leaves the default keys.
func vimKeys() (bool, error) {
	switch v := os.Getenv("FLOE_KEYS"); v {
	case "", "default":
		return false, nil
	case "vim":
		return true, nil
	default:
		return false, fmt.Errorf("FLOE_KEYS=%s: unknown key set; use FLOE_KEYS=vim or leave it unset", v)
	}
}
