package lakesql

import "github.com/floehq/floe/internal/sqltext"

// token is one token of a statement (sqltext.Code, or a
// sqltext.Statement's Tokens): white space and comments left out.
type token = sqltext.Token

// Statement is one statement of a script, with where it starts and its
// tokens.
type Statement = sqltext.Statement

// Split cuts a script into statements at semicolons outside strings,
// quoted identifiers and comments. Empty statements are dropped.
func Split(script string) []Statement { return sqltext.Split(script) }

// Spans returns where each statement Split finds is in script: the byte
// offsets of its first token and of the end of its text (before the
// semicolon), so that an editor can tell which statement a cursor is in.
func Spans(script string) [][2]int {
	stmts := sqltext.Split(script)
	spans := make([][2]int, len(stmts))
	for i, st := range stmts {
		spans[i] = [2]int{st.Start, st.Start + len(st.Text)}
	}
	return spans
}
