// Package kernel runs a notebook's cells in one Session: SQL on DuckDB with
// the lake catalog, Go on the yaegi interpreter (started with the first Go
// cell), in order, with shared state, parameters, data tests, dependencies,
// timeouts and rich outputs. A Session is also how every front end reaches
// the lake: the workbench and floe run through cells, floe sql and floe ask
// through Session.Rows, AskOnce and AnswerRows, which stream one result.
package kernel
