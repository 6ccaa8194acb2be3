// Package chart draws bar, line, scatter and histogram charts of a cell's
// result as SVG for HTML and notebooks and as Unicode text for terminals.
package chart
