package notebooks

import (
	"errors"
	"fmt"
)

// Sentinel errors callers can branch on with errors.Is.
var (
	// ErrSyntax is wrapped by every problem found in a notebook file or in a
	// notebook's cells (unclosed fence, unknown or malformed option,
	// duplicate or invalid cell name).
	ErrSyntax = errors.New("notebook syntax")
	// ErrUnsupportedLanguage is wrapped when an .ipynb code cell is in a
	// language floe cannot run.
	ErrUnsupportedLanguage = errors.New("unsupported cell language")
	// ErrNoSuchCell is returned by the editing methods for an index out of range.
	ErrNoSuchCell = errors.New("no such cell")
)

// Error is a problem located in a notebook file: by line (and column, for
// .ipynb JSON syntax errors) or, in Msg, by cell (cells[2]) for .ipynb files.
// It prints as file:line: message, the form editors and CI logs link.
type Error struct {
	Path   string // the notebook file as it was named; may be empty
	Line   int    // 1-based; 0 when the problem has no line
	Column int    // 1-based; 0 when unknown
	Err    error
}

func (e *Error) Error() string {
	pos := e.Path
	if e.Line > 0 {
		if pos == "" {
			pos = "line"
		}
		pos = fmt.Sprintf("%s:%d", pos, e.Line)
		if e.Column > 0 {
			pos = fmt.Sprintf("%s:%d", pos, e.Column)
		}
	}
	if pos == "" {
		return e.Err.Error()
	}
	return pos + ": " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// syntaxError is a message that wraps ErrSyntax without printing it.
type syntaxError struct{ msg string }

func (e *syntaxError) Error() string        { return e.msg }
func (e *syntaxError) Is(target error) bool { return target == ErrSyntax }

func errorf(format string, args ...any) error {
	return &syntaxError{fmt.Sprintf(format, args...)}
}
