// Package pager is the results pager: a scrollable grid over a cell's
// result that draws only the rows and columns on screen, so a result of
// millions of rows pages as fast as one of ten.
package pager
