package kernel

import "github.com/floehq/floe/engine/lakesql"

// Span is where one statement of a SQL cell is, as the kernel runs it:
// Text, its 1-based Line, and its byte offsets [Start, End) in the cell's
// source (from its first token to the end of its text, before the
// semicolon).
type Span struct {
	Text       string
	Line       int
	Start, End int
}

// Statements cuts SQL the way a SQL cell's source is cut when it runs
// (lakesql.Split), with where each statement is: so that an editor running
// the statement under its cursor runs exactly what a whole-cell run would.
func Statements(src string) []Span {
	stmts := lakesql.Split(src)
	out := make([]Span, len(stmts))
	for i, st := range stmts {
		out[i] = Span{Text: st.Text, Line: st.Line, Start: st.Start, End: st.Start + len(st.Text)}
	}
	return out
}
