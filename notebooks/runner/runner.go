package runner

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// Options control a notebook run.
type Options struct {
	// Params override the parameters cell's defaults: name to value text.
	Params map[string]string
	// Cells, if not empty, runs only these cells (by name or id) and the
	// cells they need.
	Cells []string
	// FailFast stops at the first failed cell; the cells after it are
	// skipped.
	FailFast bool
	// Started and Finished, if set, are called around each cell that runs
	// or is skipped, for progress reports.
	Started  func(i int, c *notebooks.Cell)
	Finished func(i int, c *notebooks.Cell, r *kernel.Result)
}

// Report is the outcome of a notebook run: the executed notebook, its
// cells' outputs recorded in it, and a result per cell.
type Report struct {
	Notebook *notebooks.Notebook
	// Results holds one result per cell of the notebook, NotRun for
	// markdown cells and cells the run did not select.
	Results                 []*kernel.Result
	Passed, Failed, Skipped int
	Duration                time.Duration
}

// Run runs the notebook's code cells top to bottom in s and records
// their outputs in nb. Problems found before any cell runs (an invalid
// notebook, an unknown cell in opts.Cells, a bad parameter) are returned as
// the error. Otherwise every cell gets a result: a failed cell's error
// names the notebook, the cell and the line; the cells that need it are
// skipped, and the others still run, unless opts.FailFast is set.
func Run(ctx context.Context, s *kernel.Session, nb *notebooks.Notebook, opts Options) (*Report, error) {
	if err := nb.Validate(); err != nil {
		return nil, err
	}
	g := kernel.Dependencies(nb)
	selected := make([]bool, len(nb.Cells))
	if len(opts.Cells) > 0 {
		var err error
		if selected, err = g.Select(nb, opts.Cells); err != nil {
			return nil, err
		}
	} else {
		for i := range selected {
			selected[i] = true
		}
	}
	params := slices.IndexFunc(nb.Cells, func(c notebooks.Cell) bool { return c.Kind == notebooks.Code && c.Options.Parameters })
	var pc *notebooks.Cell
	if params >= 0 {
		pc = &nb.Cells[params]
		selected[params] = true
	}
	if _, err := s.SetParameters(ctx, pc, opts.Params); err != nil {
		where := nb.Path
		if pc != nil && pc.Line > 0 {
			where = fmt.Sprintf("%s:%d", nb.Path, pc.Line)
		}
		return nil, fmt.Errorf("%s: %w", where, err)
	}

	start := time.Now()
	rep := &Report{Notebook: nb, Results: make([]*kernel.Result, len(nb.Cells))}
	stopped := "" // why the rest of the run is skipped
	for i := range nb.Cells {
		c := &nb.Cells[i]
		if c.Kind != notebooks.Code || !selected[i] {
			rep.Results[i] = &kernel.Result{Cell: c.ID}
			continue
		}
		if opts.Started != nil {
			opts.Started(i, c)
		}
		var r *kernel.Result
		switch {
		case stopped != "":
			r = skip(c, stopped)
		case ctx.Err() != nil:
			r = skip(c, "not run: the run was interrupted")
		default:
			if why := blocked(g, rep, nb, i); why != "" {
				r = skip(c, why)
			} else {
				r = s.Run(ctx, c)
			}
		}
		if r.Err != nil {
			r.Err.Label = kernel.CellLabel(nb, i)
			r.Err.Path = nb.Path
			if c.Line > 0 && r.Err.Line > 0 {
				r.Err.FileLine = c.Line + r.Err.Line
			} else {
				r.Err.FileLine = c.Line
			}
			c.Outputs = notebookOutputs(r.Outputs)
		}
		rep.Results[i] = r
		switch r.Status {
		case kernel.Passed:
			rep.Passed++
		case kernel.Failed:
			rep.Failed++
			if opts.FailFast && stopped == "" {
				stopped = fmt.Sprintf("not run: --fail-fast stopped the run at %s", kernel.CellLabel(nb, i))
			}
		case kernel.Skipped:
			rep.Skipped++
		}
		if opts.Finished != nil {
			opts.Finished(i, c, r)
		}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// blocked says why cell i cannot run: a cell it needs failed or was
// skipped. It returns "" when the cell can run.
func blocked(g *kernel.Graph, rep *Report, nb *notebooks.Notebook, i int) string {
	var failed, skipped []string
	for _, j := range g.Needs[i] {
		r := rep.Results[j]
		if r == nil {
			continue
		}
		switch r.Status {
		case kernel.Failed:
			failed = append(failed, neededName(nb, j))
		case kernel.Skipped:
			skipped = append(skipped, neededName(nb, j))
		}
	}
	switch {
	case len(failed) > 0:
		return fmt.Sprintf("needs %s, which failed", strings.Join(failed, ", "))
	case len(skipped) > 0:
		return fmt.Sprintf("needs %s, which was skipped", strings.Join(skipped, ", "))
	}
	return ""
}

// neededName names a cell another needs: its name, else "cell 3".
func neededName(nb *notebooks.Notebook, i int) string {
	if n := nb.Cells[i].Options.Name; n != "" {
		return n
	}
	return kernel.CellLabel(nb, i)
}

// skip records a cell that does not run, with why in its output.
func skip(c *notebooks.Cell, why string) *kernel.Result {
	r := &kernel.Result{Cell: c.ID, Status: kernel.Skipped, Reason: why}
	r.Outputs = []kernel.Output{{Kind: kernel.OutputStream, Stream: "stderr", Text: "skipped: " + why + "\n"}}
	c.Outputs = notebookOutputs(r.Outputs)
	c.Execution = notebooks.Execution{}
	return r
}

// notebookOutputs converts a cell's outputs for the notebook file.
func notebookOutputs(outs []kernel.Output) []notebooks.Output {
	nb := make([]notebooks.Output, len(outs))
	for i, o := range outs {
		nb[i] = o.Notebook()
	}
	return nb
}
