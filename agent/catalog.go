package agent

import (
	"context"

	"github.com/floehq/floe/agent/schema"
)

// Catalog is the agent's view of the SQL layer: what tables there are, and
// a way to run a query. Catalogs that can also parse SQL with the engine's
// own parser implement SelectParser, which the read-only guard uses.
type Catalog interface {
	// Tables lists the tables questions may be about.
	Tables(ctx context.Context) ([]Table, error)
	// Query runs one statement and returns at most maxRows of its rows.
	Query(ctx context.Context, sql string, maxRows int) (*Result, error)
}

// SelectParser is an optional capability of a Catalog: parsing SQL with the
// engine's parser. ParseSelect returns nil when sql is exactly one SELECT
// statement (with WITH, VALUES, DESCRIBE, SHOW, SUMMARIZE and FROM-first
// forms, which are SELECTs underneath), and an error otherwise.
type SelectParser interface {
	ParseSelect(ctx context.Context, sql string) error
}

// Table is a table the agent can query; see schema.Table.
type Table = schema.Table

// Column is a column of a Table.
type Column = schema.Column

// Result is a query result cut to a bounded number of rows.
type Result = schema.Result
