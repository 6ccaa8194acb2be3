// Package kernel runs a notebook's cells in one Session: SQL on DuckDB with
// the lake catalog, Go on the yaegi interpreter, in order, with shared state,
// parameters, data tests, dependencies, timeouts and rich outputs.
package kernel
