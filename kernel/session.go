package kernel

import (
	"context"
	"errors"
	"fmt"
	"github.com/floehq/floe/synth"
	"sync"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/engine/lens"
	"github.com/floehq/floe/notebooks"
)

// Options configure a Session. The zero value gives the defaults.
type Options struct {
	// Timeout bounds each cell's run when the cell sets no timeout of its
	// own; 0 means no limit.
	Timeout time.Duration
	// MaxRows is how many rows of a result a table output holds; the row
	// count is still exact. Default 1000.
	MaxRows int
	// Grace is how long a cancelled Go cell has to stop before it is
	// reported as ignoring cancellation. Default 2s.
	Grace time.Duration
	// KeepResults, when > 0, keeps the whole result of the last
	// KeepResults query cells in the session for Page, Export and edits
	// (the workbench sets it); 0 reads only what a cell's output shows,
	// the low-memory path of floe run.
	KeepResults int
}

func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = 1000
	}
	if o.Grace <= 0 {
		o.Grace = 2 * time.Second
	}
	return o
}

// Status is how a cell's run ended.
type Status int

// The statuses.
const (
	NotRun  Status = iota // not part of the run (markdown, or not selected)
	Passed                // ran and met its checks
	Failed                // ran and failed, or a check failed
	Skipped               // not run: the skip option, a failed dependency, --fail-fast
)

// String returns the status in words: "passed", "failed" ...
func (s Status) String() string {
	switch s {
	case NotRun:
		return "not run"
	case Passed:
		return "passed"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is what happened when a cell ran.
type Result struct {
	Cell    string // the cell's id
	Status  Status
	Outputs []Output
	// Err is why the cell failed; nil unless Status is Failed. An
	// expect=error cell that failed as expected passes and keeps its error
	// here for display.
	Err *CellError
	// Reason says why a skipped cell was skipped.
	Reason string
	// Changed lists the namespaces and tables of the warehouse that changed
	// while the cell ran (its commits, or another process's): the
	// catalog's pointers compared before and after the run.
	Changed  []LakeChange
	Start    time.Time
	Duration time.Duration
}

// Session runs the cells of one notebook, in order, sharing state: one
// DuckDB connection with the warehouse attached as lake, where named results
// are tables of the session's on-disk results database (named.go), and one
// Go interpreter. A Session runs one cell at a time.
type Session struct {
	sql  *lakesql.Session
	opts Options
	heldStore

	// gorun runs Go cells (gocell.go); it starts with the first Go
	// cell, so front ends that run no Go (floe sql, floe ask) never pay
	// for the interpreter.
	gorun *goRunner

	// mu guards cur and results, which the interpreter's goroutines reach
	// through the floe package and the stdout writers.
	mu      sync.Mutex
	cur     *cellRun
	results map[string]bool // named results defined so far

	// assist answers ask cells, and the workbench's chat and fixes
	// (assist.go, ask.go).
	assist *assistant
	// busy lets one user at a time onto the DuckDB connection, which is
	// not safe for concurrent use: a running cell or the pager's calls on
	// held results. The agents query a session of their own.
	busy gate

	count     int // executions so far, for execution_count
	params    []Param
	overrides map[string]string

	names namesCache // what SQL cells can name, for completion (complete.go)
}

// cellRun is the state of the running cell.
type cellRun struct {
	ctx     context.Context
	id      string
	outputs []Output
}

// Open starts a Session on the warehouse: a new DuckDB connection with the
// warehouse attached as lake. The Go interpreter, with the standard library
// and the floe package, starts with the first Go cell.
func Open(ctx context.Context, wh *engine.Warehouse, opts Options) (*Session, error) {
	sess, err := lakesql.Open(ctx, wh, synth.Procedure(), lens.Procedure()) // CALL synthesize(...), lens_collect(...) in SQL cells
	if err != nil {
		return nil, err
	}
	return &Session{sql: sess, opts: opts.withDefaults(), results: map[string]bool{}, assist: &assistant{wh: wh}}, nil
}

// SQL returns the session's SQL session, shared with the cells.
func (s *Session) SQL() *lakesql.Session { return s.sql }

// Close closes the DuckDB connection. A Go cell that ignored cancellation
// and still runs is abandoned.
func (s *Session) Close() error {
	defer s.closeHeld()
	return errors.Join(s.assist.close(), s.sql.Close())
}

// Run runs one code cell and records its outputs and execution in c.
// Markdown cells do not run (NotRun); cells with the skip option are
// Skipped; ask cells are answered by the data agent. A cell runs under ctx
// with its timeout option, or the session's default timeout; when it ends,
// a running DuckDB query is interrupted and the session stays usable.
func (s *Session) Run(ctx context.Context, c *notebooks.Cell) *Result {
	return s.run(ctx, c, true)
}

// Preview runs a cell that is not part of the notebook, such as the
// workbench's preview of a table, as Run does, but without counting it as
// an execution: the cell's Execution.Count stays 0 and the next cell run
// gets the count it would have had.
func (s *Session) Preview(ctx context.Context, c *notebooks.Cell) *Result {
	return s.run(ctx, c, false)
}

func (s *Session) run(ctx context.Context, c *notebooks.Cell, counted bool) *Result {
	r := &Result{Cell: c.ID}
	switch {
	case c.Kind != notebooks.Code:
		return r
	case c.Options.Skip:
		r.Status, r.Reason = Skipped, "skip option"
		return r
	}

	timeout := c.Options.Timeout
	if timeout == 0 {
		timeout = s.opts.Timeout
	}
	_ = s.busy.lock(context.Background())
	defer s.busy.unlock()
	cctx, cancel := context.WithCancel(ctx)
	if timeout > 0 {
		cctx, cancel = context.WithTimeout(ctx, timeout)
	}
	defer cancel()

	before := s.lakeStateAround(ctx)
	count := 0
	if counted {
		s.count++
		count = s.count
	}
	run := &cellRun{ctx: cctx, id: c.ID}
	s.mu.Lock()
	s.cur = run
	s.mu.Unlock()

	r.Start = time.Now()
	var err error
	switch {
	case c.Options.Parameters:
		err = s.runParameters(cctx, c)
	case c.Lang == notebooks.LangSQL:
		err = s.runSQL(cctx, c)
	case c.Lang == notebooks.LangGo:
		err = s.runGo(cctx, c)
	case c.Lang == notebooks.LangAsk:
		err = s.runAsk(cctx, c)
	default:
		err = &CellError{Kind: KindUnsupported, Err: fmt.Errorf("unknown cell language %q", c.Lang)}
	}
	r.Duration = time.Since(r.Start)
	r.Changed = s.lakeStateAround(ctx).Diff(before)

	s.mu.Lock()
	s.cur = nil
	s.mu.Unlock()

	ce := s.cellError(cctx, ctx, err, timeout)
	if ce != nil {
		ce.Cell = c.ID
		ce.Label = namedLabel(c)
		run.outputs = append(run.outputs, Output{Kind: OutputError, Err: ce})
	}
	r.Outputs = run.outputs
	switch {
	case c.Options.ExpectError && ce != nil:
		r.Status, r.Err = Passed, ce
	case c.Options.ExpectError:
		ce = &CellError{Kind: KindExpected, Cell: c.ID, Label: namedLabel(c), Err: fmt.Errorf("%w (expect=error), but it succeeded", ErrUnexpectedSuccess)}
		r.Outputs = append(r.Outputs, Output{Kind: OutputError, Err: ce})
		r.Status, r.Err = Failed, ce
	case ce != nil:
		r.Status, r.Err = Failed, ce
	default:
		r.Status = Passed
	}
	c.Outputs = notebookOutputs(r.Outputs)
	c.Execution = notebooks.Execution{Count: count, Start: r.Start, Duration: r.Duration, Hash: notebooks.SourceHash(c.Source)}
	return r
}

// CellLabel is what users call cell i of a notebook in messages: "cell
// top_customers" for a named cell, else its place, "cell 3" (counting
// every cell from 1, as they are shown). Cell ids are internal.
func CellLabel(nb *notebooks.Notebook, i int) string {
	if i < 0 || i >= len(nb.Cells) {
		return ""
	}
	if l := namedLabel(&nb.Cells[i]); l != "" {
		return l
	}
	return fmt.Sprintf("cell %d", i+1)
}

// namedLabel is "cell NAME" for a named cell, else "".
func namedLabel(c *notebooks.Cell) string {
	if c.Options.Name == "" {
		return ""
	}
	return "cell " + c.Options.Name
}

func notebookOutputs(outs []Output) []notebooks.Output {
	nb := make([]notebooks.Output, len(outs))
	for i, o := range outs {
		nb[i] = o.Notebook()
	}
	return nb
}

// cellError turns what a cell returned into a CellError, telling timeouts
// and interrupts from other failures by the contexts rather than by the
// drivers' messages.
func (s *Session) cellError(cctx, parent context.Context, err error, timeout time.Duration) *CellError {
	if err == nil {
		return nil
	}
	var ce *CellError
	if !errors.As(err, &ce) {
		ce = &CellError{Kind: KindSQL, Err: err}
	}
	switch {
	case errors.Is(err, ErrIgnoredCancel):
		// Keep the message: it says the cell is still running.
		if parent.Err() == nil {
			ce.Kind = KindTimeout
		} else {
			ce.Kind = KindInterrupt
		}
	case parent.Err() != nil:
		ce.Kind = KindInterrupt
		ce.Err = fmt.Errorf("interrupted: %w", parent.Err())
	case cctx.Err() != nil && errors.Is(cctx.Err(), context.DeadlineExceeded):
		ce.Kind = KindTimeout
		ce.Err = fmt.Errorf("cell ran longer than its timeout of %s and was stopped: %w", timeout, context.DeadlineExceeded)
	}
	return ce
}

// current returns the running cell, or nil between cells.
func (s *Session) current() *cellRun {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// emit appends an output to the running cell; output produced between
// cells (by a Go cell that ignored cancellation) is dropped.
func (s *Session) emit(o Output) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return
	}
	if o.Kind == OutputStream {
		if n := len(s.cur.outputs); n > 0 {
			last := &s.cur.outputs[n-1]
			if last.Kind == OutputStream && last.Stream == o.Stream {
				last.Text += o.Text
				return
			}
		}
	}
	s.cur.outputs = append(s.cur.outputs, o)
}
