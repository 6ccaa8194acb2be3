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
