// Package schema describes the tables a data agent can see (columns,
// comments, row counts, value profiles) and finds the few a question is
// about, so that a prompt carries those tables instead of the whole catalog.
package schema
