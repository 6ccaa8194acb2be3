package agent

import (
	"context"

	"github.com/floehq/floe/agent/schema"
)

// Catalog is the agent's view of the SQL layer: what tables there are, and
// a way to run a query. The agent checks every query with CheckReadOnly
// before it reaches Query.
type Catalog interface {
	// Tables lists the tables questions may be about.
	Tables(ctx context.Context) ([]Table, error)
	// Query runs one statement and returns at most maxRows of its rows.
	Query(ctx context.Context, sql string, maxRows int) (*Result, error)
}

// Table is a table the agent can query; see schema.Table.
type Table = schema.Table

// Column is a column of a Table.
type Column = schema.Column

// Result is a query result cut to a bounded number of rows.
type Result = schema.Result
