package notebooks

import "time"

// OutputType is the kind of an Output; the values are nbformat's output_type
// (https://nbformat.readthedocs.io/en/latest/format_description.html#code-cell-outputs).
type OutputType string

// The output types.
const (
	// OutputStream is text the cell wrote to stdout or stderr.
	OutputStream OutputType = "stream"
	// OutputResult is the cell's result (a SQL cell's table), as a MIME bundle.
	OutputResult OutputType = "execute_result"
	// OutputDisplay is anything else shown while running (a chart), as a MIME bundle.
	OutputDisplay OutputType = "display_data"
	// OutputError is the error the cell failed with.
	OutputError OutputType = "error"
)

// MIME types the kernel puts in Output.Data.
const (
	MIMEText     = "text/plain"
	MIMEHTML     = "text/html"
	MIMEMarkdown = "text/markdown"
	MIMESVG      = "image/svg+xml"
	MIMEPNG      = "image/png" // base64
	MIMEJSON     = "application/json"
)

// Output is one thing a cell produced when it ran. Which fields are used
// depends on Type, as in nbformat:
//
//	OutputStream:                Name ("stdout" or "stderr") and Text
//	OutputResult, OutputDisplay: Data
//	OutputError:                 EName, EValue and Traceback
type Output struct {
	Type OutputType
	Name string
	Text string
	// Data maps MIME types to the content in each: text for text/plain,
	// text/html, text/markdown and image/svg+xml, base64 for image/png, and
	// JSON text for application/json and other JSON types, which .ipynb
	// files embed as JSON.
	Data      map[string]string
	EName     string
	EValue    string
	Traceback []string
}

// Stream returns the output of text written to name, "stdout" or "stderr".
func Stream(name, text string) Output {
	return Output{Type: OutputStream, Name: name, Text: text}
}

// Result returns a cell's result as a MIME bundle.
func Result(data map[string]string) Output {
	return Output{Type: OutputResult, Data: data}
}

// Display returns display data as a MIME bundle.
func Display(data map[string]string) Output {
	return Output{Type: OutputDisplay, Data: data}
}

// Failure returns the output of a cell that failed: ename is the kind of
// error (SQLError, panic, Timeout ...), evalue its message, traceback the
// lines to show under it.
func Failure(ename, evalue string, traceback ...string) Output {
	return Output{Type: OutputError, EName: ename, EValue: evalue, Traceback: traceback}
}

// Execution records a cell's last run.
type Execution struct {
	// Count is the run's execution_count, 1 for the first cell run in a
	// session and so on; 0 means the cell has not run.
	Count int
	// Start is when the run started; the zero time if unknown.
	Start time.Time
	// Duration is how long the run took.
	Duration time.Duration
	// Hash is the SourceHash of the source that ran; "" if unknown. The
	// outputs are stale when the cell's source no longer has it.
	Hash string
}
