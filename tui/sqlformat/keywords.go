package sqlformat

import "github.com/floehq/floe/tui/complete"

// keywords are the words put in upper case: the keywords completion
// offers, less those that are often the names of columns (date, version,
// first, ...), which DuckDB would then return under the upper-case name.
var keywords = func() map[string]bool {
	names := map[string]bool{
		"DATE": true, "TIMESTAMP": true, "FIRST": true, "LAST": true, "VERSION": true, "RANGE": true,
		"ROWS": true, "SCHEMA": true, "TABLES": true, "VARIABLE": true, "COLUMNS": true, "FILTER": true,
		"SAMPLE": true, "MACRO": true, "MATCHED": true, "VIEW": true, "USE": true, "TEMP": true, "AT": true,
	}
	m := map[string]bool{}
	for _, k := range complete.Keywords {
		if !names[k] {
			m[k] = true
		}
	}
	return m
}()

// parenKeywords are keywords that may come before "(" without being a
// function's name: IN (...), AS (...), OVER (...).
var parenKeywords = map[string]bool{
	"IN": true, "AS": true, "VALUES": true, "OVER": true, "EXISTS": true, "ON": true, "USING": true,
	"AND": true, "OR": true, "NOT": true, "FROM": true, "JOIN": true, "SELECT": true, "WHERE": true,
	"ANY": true, "ALL": true, "SOME": true, "EXCLUDE": true, "WITH": true, "INTO": true, "BY": true,
	"TABLE": true, "THEN": true, "ELSE": true, "WHEN": true, "UNION": true, "INTERSECT": true,
	"EXCEPT": true, "HAVING": true, "LATERAL": true, "RECURSIVE": true, "DISTINCT": true, "PIVOT": true,
	"UNPIVOT": true, "RETURNING": true, "SET": true, "IS": true, "CASE": true,
}

// joinWords are the words a join is written with.
var joinWords = map[string]bool{
	"LEFT": true, "RIGHT": true, "FULL": true, "INNER": true, "OUTER": true, "CROSS": true,
	"NATURAL": true, "ASOF": true, "POSITIONAL": true, "ANTI": true, "SEMI": true,
}

// subqueryWords begin a query: a "(" before one opens a subquery.
var subqueryWords = map[string]bool{"SELECT": true, "WITH": true, "FROM": true, "VALUES": true}
