package kernel

import "github.com/floehq/floe/engine/lakesql"

// Statement is one statement of a SQL cell, as the kernel runs it: Text,
// its 1-based Line, and its byte offsets [Start, End) in the cell's source
// (from its first token to the end of its text, before the semicolon).
type Statement struct {
	Text       string
	Line       int
	Start, End int
}

// Statements cuts SQL the way a SQL cell's source is cut when it runs
// (lakesql.Split), with where each statement is: so that an editor running
// the statement under its cursor runs exactly what a whole-cell run would.
func Statements(src string) []Statement {
	stmts, spans := lakesql.Split(src), lakesql.Spans(src)
	out := make([]Statement, len(stmts))
	for i, st := range stmts {
		out[i] = Statement{Text: st.Text, Line: st.Line, Start: spans[i][0], End: spans[i][1]}
	}
	return out
}
