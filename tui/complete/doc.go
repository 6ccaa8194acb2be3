// Package complete finds what to offer when completing SQL in a cell: it
// reads the statement around the cursor (the word being typed, the names
// before a dot, the tables the statement names and their aliases) and
// ranks keywords, functions, tables and columns against it. It is pure:
// the names come from the caller. Its lexer is also the editor's
// (Tokens), which the SQL formatter (tui/sqlformat) works over.
package complete
