// Package sqlformat lays out SQL for the editor's format key (F4): keyword
// case, a clause a line, indented subqueries. It works over the editor's
// SQL lexer (tui/complete) and changes only white space and the case of
// keywords, so comments, strings and what the SQL means are kept.
package sqlformat
