// Package sqltext owns SQL as text, by DuckDB's lexical rules: it cuts SQL
// into tokens (Tokens, Code), a script into statements (Split), and writes
// names and strings back (QuoteIdent, QuoteName, Quote, QuoteString) with
// the keyword list of the DuckDB floe links (duckdb_keywords()). It parses
// nothing: what a statement means is DuckDB's business, or its caller's.
package sqltext

//go:generate go test -run TestKeywordsMatchDuckDB -update .
