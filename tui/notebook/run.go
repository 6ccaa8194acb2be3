package notebook

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/internal/sqltext"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/spinner"
)

// run is one cell's run, queued or going.
type run struct {
	id        string          // the cell's id; "" for a preview
	preview   *notebooks.Cell // a cell outside the notebook: a table preview
	title     string
	name      string // a file name for a preview's results (OpenResultsMsg)
	start     time.Time
	cancel    context.CancelFunc
	cancelled bool
	// stopOnFail ends the rest of a run-all when this cell fails.
	stopOnFail bool
	// part, when set, is what runs instead of the cell's source: a
	// statement or a selection of it (statement.go); note says which.
	part, note string

	// mu guards started and abandoned, shared with the goroutine that
	// runs the cell; finished is closed when the kernel returns.
	mu        sync.Mutex
	started   bool
	abandoned bool
	finished  chan struct{}
}

// cellDoneMsg carries a finished run back to Update.
type cellDoneMsg struct {
	run  *run
	res  *kernel.Result
	cell notebooks.Cell // the copy that ran, with its outputs and execution
}

// tickMsg redraws a running cell's spinner and elapsed time.
type tickMsg struct{ run *run }

func tick(r *run) tea.Cmd {
	return tea.Tick(spinner.Every, func(time.Time) tea.Msg { return tickMsg{r} })
}

// Running reports whether a cell is running, and since when.
func (m *Model) Running() (bool, time.Time) {
	if m.running == nil {
		return false, time.Time{}
	}
	return true, m.running.start
}

// Queued returns how many runs wait behind the running one.
func (m *Model) Queued() int { return len(m.queue) }

// LastRun returns the last finished run, or nil.
func (m *Model) LastRun() *kernel.Result { return m.last }

// RunCurrent runs the cell under the cursor, after the runs already queued.
// The editor keeps the focus.
func (m *Model) RunCurrent() tea.Cmd {
	m.commit()
	m.closePopup()
	if len(m.nb.Cells) == 0 {
		return nil
	}
	c := m.nb.Cells[m.cursor]
	if c.Kind != notebooks.Code {
		return status("markdown cells do not run")
	}
	return m.enqueue([]*run{{id: c.ID}})
}

// RunAll runs every code cell top to bottom, stopping at the first that
// fails.
func (m *Model) RunAll() tea.Cmd { return m.runRange(0, len(m.nb.Cells)) }

// RunAbove runs the code cells above the cursor, stopping at the first that
// fails.
func (m *Model) RunAbove() tea.Cmd { return m.runRange(0, m.cursor) }

func (m *Model) runRange(from, to int) tea.Cmd {
	m.commit()
	m.closePopup()
	var runs []*run
	for _, c := range m.nb.Cells[from:to] {
		if c.Kind == notebooks.Code {
			runs = append(runs, &run{id: c.ID, stopOnFail: true})
		}
	}
	if len(runs) == 0 {
		return status("no code cells to run")
	}
	return m.enqueue(runs)
}

// Preview runs SELECT * on a lake table, outside the notebook, and opens
// the result in the pager.
func (m *Model) Preview(ns, table string) tea.Cmd {
	name := "lake." + ns + "." + table
	c := &notebooks.Cell{ID: PreviewID, Kind: notebooks.Code, Lang: notebooks.LangSQL,
		Source: "SELECT * FROM lake." + sqltext.Quote(ns) + "." + sqltext.Quote(table) + " LIMIT 1000"}
	r := &run{preview: c, title: "Preview of " + name + " (first 1,000 rows) · esc back", name: table}
	m.lastPreview = r
	return m.enqueue([]*run{r})
}

// PreviewQuery shows the first rows of query, titled with title, in the
// results pager: a table preview of something that is not a lake table.
func (m *Model) PreviewQuery(title, query string) tea.Cmd {
	c := &notebooks.Cell{ID: PreviewID, Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: query}
	r := &run{preview: c, title: "Preview of " + title + " (first 1,000 rows) · esc back", name: title}
	m.lastPreview = r
	return m.enqueue([]*run{r})
}

// previewer is a kernel that runs previews without counting them as
// executions; *kernel.Session is one.
type previewer interface {
	Preview(ctx context.Context, c *notebooks.Cell) *kernel.Result
}

// PreviewID is the cell id a table preview runs under.
const PreviewID = "preview"

// RerunPreview runs the last table preview again, after a change to the
// table it shows; it does nothing if there was none.
func (m *Model) RerunPreview() tea.Cmd {
	if m.lastPreview == nil {
		return nil
	}
	return m.enqueue([]*run{{preview: m.lastPreview.preview, title: m.lastPreview.title, name: m.lastPreview.name}})
}

func (m *Model) enqueue(runs []*run) tea.Cmd {
	m.queue = append(m.queue, runs...)
	if m.running != nil {
		return status("queued behind the running cell (ctrl+c cancels)")
	}
	return m.startNext()
}

// startNext starts the first queued run whose cell still exists.
func (m *Model) startNext() tea.Cmd {
	for len(m.queue) > 0 {
		r := m.queue[0]
		m.queue = m.queue[1:]
		var c notebooks.Cell
		if r.preview != nil {
			c = *r.preview
		} else {
			i := m.nb.Index(r.id)
			if i < 0 || m.nb.Cells[i].Kind != notebooks.Code {
				continue
			}
			c = m.nb.Cells[i]
			if r.part != "" {
				c.Source = r.part
			}
		}
		ctx, cancel := context.WithCancel(m.ctx)
		r.cancel, r.start = cancel, m.now()
		m.running = r
		k, kernelMu := m.k, &m.comp.kernelMu
		r.finished = make(chan struct{})
		runCmd := func() tea.Msg {
			defer cancel()
			r.mu.Lock()
			if r.abandoned {
				r.mu.Unlock()
				return nil
			}
			r.started = true
			r.mu.Unlock()
			defer close(r.finished)
			kernelMu.Lock() // not while the kernel lists names
			var res *kernel.Result
			if p, ok := k.(previewer); ok && r.preview != nil {
				res = p.Preview(ctx, &c) // not counted as an execution
			} else {
				res = k.Run(ctx, &c)
			}
			kernelMu.Unlock()
			return cellDoneMsg{run: r, res: res, cell: c}
		}
		return tea.Batch(runCmd, tick(r))
	}
	return nil
}

// Cancel interrupts the running cell and drops the queued ones. It reports
// whether anything was running.
func (m *Model) Cancel() bool {
	if m.running == nil {
		return false
	}
	m.queue = nil
	m.running.cancelled = true
	m.running.cancel()
	return true
}

// done applies a finished run: outputs and execution go into the cell, the
// result is kept for display, and the next queued run starts.
func (m *Model) done(msg cellDoneMsg) tea.Cmd {
	if msg.run != m.running {
		return nil
	}
	m.running = nil
	r, res := msg.run, msg.res
	m.last = res
	var cmds []tea.Cmd
	if r.preview != nil {
		if t := resultTable(res); t != nil && res.Status != kernel.Failed {
			title, name := r.title, r.name
			cmds = append(cmds, func() tea.Msg { return OpenResultsMsg{Title: title, Table: t, Name: name} })
		} else if res.Err != nil {
			cmds = append(cmds, statusError("preview failed: %s", res.Err.Message()))
		}
	} else if i := m.nb.Index(r.id); i >= 0 {
		c := &m.nb.Cells[i]
		c.Outputs, c.Execution = msg.cell.Outputs, msg.cell.Execution
		if res.Err != nil && res.Err.Label == "" {
			// Say "cell 3", not the cell's internal id.
			res.Err.Label = kernel.CellLabel(m.nb, i)
			for k, o := range res.Outputs {
				if k < len(c.Outputs) && o.Kind == kernel.OutputError {
					c.Outputs[k] = o.Notebook()
				}
			}
		}
		m.results[r.id] = res
		m.clock++
		m.ranAt[r.id] = m.clock
		if m.ipynb {
			m.changed()
		}
	}
	ran := msg.cell
	cmds = append(cmds, func() tea.Msg { return RunDoneMsg{Cell: r.id, Result: res, Ran: ran} })
	switch {
	case r.note != "" && !r.cancelled:
		cmds = append(cmds, status("%s", r.note))
	}
	switch {
	case r.cancelled:
		m.queue = nil
		cmds = append(cmds, status("cancelled"))
	case res.Status == kernel.Failed && r.stopOnFail && len(m.queue) > 0:
		m.queue = nil
		cmds = append(cmds, statusError("run stopped: %s failed", kernel.CellLabel(m.nb, m.nb.Index(r.id))))
	}
	cmds = append(cmds, m.startNext(), m.refreshNames())
	return tea.Batch(cmds...)
}

func resultTable(r *kernel.Result) *kernel.Table {
	for i := len(r.Outputs) - 1; i >= 0; i-- {
		if r.Outputs[i].Kind == kernel.OutputTable && r.Outputs[i].Table != nil {
			return r.Outputs[i].Table
		}
	}
	return nil
}

// isQueued reports whether the cell waits to run.
func (m *Model) isQueued(id string) bool {
	for _, r := range m.queue {
		if r.id == id {
			return true
		}
	}
	return false
}

// stale reports, for each cell, whether its shown result may be out of
// date: the cell was edited after it ran, or a cell it reads from (by the
// kernel's dependency graph) was edited or ran again after it, or is stale
// itself.
func (m *Model) stale() []bool {
	if m.graph == nil || m.graphAt != m.clock {
		m.graph = kernel.Dependencies(m.nb)
		m.graphAt = m.clock
	}
	out := make([]bool, len(m.nb.Cells))
	for i, c := range m.nb.Cells {
		ran, ok := m.ranAt[c.ID]
		if !ok || c.Kind != notebooks.Code {
			// Outputs from an earlier session are stale when the source
			// changed since (notebooks.Cell.Stale).
			out[i] = c.Kind == notebooks.Code && c.Stale()
			continue
		}
		if m.editedAt[c.ID] > ran {
			out[i] = true
			continue
		}
		if i >= len(m.graph.Needs) {
			continue
		}
		for _, j := range m.graph.Needs[i] {
			d := m.nb.Cells[j].ID
			if out[j] || m.ranAt[d] > ran || m.editedAt[d] > ran {
				out[i] = true
				break
			}
		}
	}
	return out
}
