// Package pager is the results pager: a scrollable grid over a cell's
// result that draws only the rows and columns on screen, so a result of
// millions of rows pages as fast as one of ten. It switches between the
// result sets of a cell of several statements, shows a value whole in a
// viewer (wrapped, JSON pretty-printed), copies values and rows, sorts,
// exports and turns an edited value into an UPDATE.
package pager
