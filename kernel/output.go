package kernel

import (
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/floehq/floe/kernel/chart"
	"github.com/floehq/floe/notebooks"
)

// OutputKind says what an Output holds.
type OutputKind int

// The output kinds.
const (
	OutputStream   OutputKind = iota // Text written to Stream ("stdout" or "stderr")
	OutputTable                      // Table: a SQL cell's result or a displayed table
	OutputChart                      // Chart
	OutputMarkdown                   // Text in Markdown
	OutputValue                      // Text: the value of a Go cell's last expression
	OutputError                      // Err: why the cell failed
	// OutputStatement is what one statement of a SQL cell did (Statement):
	// every statement of a cell of several before the last, and a last
	// one that is not a query.
	OutputStatement
)

// Output is one thing a cell produced, in the order it produced them.
type Output struct {
	Kind   OutputKind
	Stream string // "stdout" or "stderr" for OutputStream
	Text   string
	Table  *Table
	Chart  *chart.Chart
	Err    *CellError
	// Statement is set for OutputStatement.
	Statement *Statement
}

// terminalRows is how many rows a table shows as text; HTML shows all the
// rows an output holds.
const terminalRows = 40

// Terminal renders the output as text for a terminal about width columns
// wide: Unicode tables and charts.
func (o Output) Terminal(width int) string {
	switch o.Kind {
	case OutputTable:
		return o.Table.render(terminalRows)
	case OutputChart:
		return o.Chart.Text(width)
	case OutputError:
		return o.Err.Report()
	case OutputStatement:
		return o.Statement.text()
	}
	return o.Text
}

// Notebook converts the output to its nbformat form: tables as text/plain
// and text/html, charts as image/svg+xml with a Unicode text/plain
// fallback, markdown as text/markdown.
func (o Output) Notebook() notebooks.Output {
	switch o.Kind {
	case OutputStream:
		return notebooks.Stream(o.Stream, o.Text)
	case OutputTable:
		return notebooks.Result(map[string]string{
			notebooks.MIMEText: o.Table.render(terminalRows),
			notebooks.MIMEHTML: o.Table.HTML(),
		})
	case OutputChart:
		return notebooks.Display(map[string]string{
			notebooks.MIMEText: o.Chart.Text(80),
			notebooks.MIMESVG:  o.Chart.SVG(),
		})
	case OutputMarkdown:
		return notebooks.Display(map[string]string{
			notebooks.MIMEText:     o.Text,
			notebooks.MIMEMarkdown: o.Text,
		})
	case OutputValue:
		return notebooks.Result(map[string]string{
			notebooks.MIMEText: o.Text,
			notebooks.MIMEHTML: "<pre>" + html.EscapeString(o.Text) + "</pre>",
		})
	case OutputError:
		return notebooks.Failure(o.Err.Kind, o.Err.Message(), o.Err.traceback()...)
	case OutputStatement:
		return notebooks.Display(map[string]string{
			notebooks.MIMEText: o.Statement.text(),
			notebooks.MIMEHTML: o.Statement.html(),
		})
	}
	return notebooks.Stream("stderr", fmt.Sprintf("unknown output kind %d\n", o.Kind))
}

// Error kinds, the ename of an error output.
const (
	KindSQL         = "SQLError"
	KindGo          = "GoError"     // a Go cell did not compile or returned an error
	KindPanic       = "panic"       // a Go cell panicked
	KindTimeout     = "Timeout"     // the cell ran out of time
	KindInterrupt   = "Interrupted" // the run was cancelled (Ctrl-C)
	KindAssertion   = "AssertionError"
	KindRowCount    = "RowCountError"
	KindExpected    = "ExpectedError" // expect=error, but the cell succeeded
	KindChart       = "ChartError"
	KindUnsupported = "Unsupported"
)

// Sentinel errors a CellError wraps, for callers that branch with errors.Is.
var (
	// ErrAssertion is wrapped when an assert cell finds rows that fail.
	ErrAssertion = errors.New("assertion failed")
	// ErrRowCount is wrapped when a rows=N cell returns another number of rows.
	ErrRowCount = errors.New("wrong row count")
	// ErrIgnoredCancel is wrapped when a Go cell keeps running after its
	// context was cancelled.
	ErrIgnoredCancel = errors.New("go cell ignored cancellation")
	// ErrBusy is returned for a Go cell while an earlier one that ignored
	// cancellation is still running.
	ErrBusy = errors.New("go interpreter busy")
	// ErrUnexpectedSuccess is wrapped when an expect=error cell succeeds.
	ErrUnexpectedSuccess = errors.New("cell was expected to fail")
)

// CellError is why a cell failed: its kind (SQLError, panic, Timeout ...),
// where (the cell, the line inside it, and the notebook file and line when
// known) and the underlying error.
type CellError struct {
	Kind string
	Cell string // the cell's id
	// Label is what users call the cell ("cell 3", "cell top_customers",
	// CellLabel); messages use it rather than the internal id when set.
	Label string
	Line  int // 1-based line inside the cell; 0 if unknown
	// Path and FileLine locate the error in the notebook file; set when
	// the cell was run as part of a notebook read from a file.
	Path     string
	FileLine int
	Err      error
	// Trace holds extra lines: a Go panic's frames, the failing rows of an
	// assertion.
	Trace []string
}

// Error returns "path:line: cell id, line n: message".
func (e *CellError) Error() string {
	return e.where() + ": " + e.Message()
}

// Message is the error without its location.
func (e *CellError) Message() string {
	if e.Err == nil {
		return e.Kind
	}
	return e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *CellError) Unwrap() error { return e.Err }

func (e *CellError) where() string {
	var parts []string
	if e.Path != "" {
		p := e.Path
		if e.FileLine > 0 {
			p = fmt.Sprintf("%s:%d", p, e.FileLine)
		}
		parts = append(parts, p)
	}
	c := e.Label
	if c == "" {
		c = "cell " + e.Cell
	}
	if e.Line > 0 {
		c += fmt.Sprintf(", line %d", e.Line)
	}
	parts = append(parts, c)
	return strings.Join(parts, ": ")
}

// Report is the error with its trace, for terminals and logs.
func (e *CellError) Report() string {
	var b strings.Builder
	b.WriteString(e.Kind + ": " + e.Error() + "\n")
	for _, t := range e.Trace {
		b.WriteString("  " + t + "\n")
	}
	return b.String()
}

func (e *CellError) traceback() []string {
	return append([]string{e.Kind + ": " + e.Error()}, e.Trace...)
}
