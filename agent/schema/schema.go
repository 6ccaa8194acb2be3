package schema

import (
	"context"
	"strings"
)

// Table is one table an agent can query.
type Table struct {
	// Name is the table's full name as SQL refers to it, for example
	// lake.samples.customers.
	Name    string
	Comment string
	// Rows is the number of rows, or -1 when the catalog does not know it
	// without a scan.
	Rows int64
	// Version changes whenever the table's data or schema changes (for a
	// lake table, its metadata location). Empty when unknown; profiles of
	// such tables are cached for the life of the agent.
	Version string
	Columns []Column
}

// Column is one column of a table.
type Column struct {
	Name    string
	Type    string // DuckDB type name, such as VARCHAR or DECIMAL(8,2)
	Comment string
}

// ShortName returns the last part of the table's name.
func (t Table) ShortName() string {
	if i := strings.LastIndexByte(t.Name, '.'); i >= 0 {
		return t.Name[i+1:]
	}
	return t.Name
}

// Column returns the column called name (case-insensitive).
func (t Table) Column(name string) (Column, bool) {
	for _, c := range t.Columns {
		if strings.EqualFold(c.Name, name) {
			return c, true
		}
	}
	return Column{}, false
}

// Result is a query result cut to a bounded number of rows.
type Result struct {
	Columns []string
	Types   []string
	Rows    [][]any
	// Truncated says that the query had more rows than were read.
	Truncated bool
}

// Querier runs one query and returns at most maxRows of its rows.
type Querier interface {
	Query(ctx context.Context, sql string, maxRows int) (*Result, error)
}

// Kind is what a column holds, as far as an agent cares.
type Kind int

// The column kinds.
const (
	Other Kind = iota
	Text
	Number
	Bool
	Date
	Timestamp
)

// KindOf classifies a DuckDB type name.
func KindOf(typ string) Kind {
	t := strings.ToUpper(strings.TrimSpace(typ))
	if i := strings.IndexByte(t, '('); i >= 0 {
		t = t[:i]
	}
	switch t {
	case "VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "ENUM", "UUID":
		return Text
	case "BOOLEAN", "BOOL", "LOGICAL":
		return Bool
	case "DATE":
		return Date
	case "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ", "DATETIME", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS":
		return Timestamp
	case "TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
		"UINTEGER", "UBIGINT", "UHUGEINT", "DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL":
		return Number
	}
	return Other
}

// IsTemporal reports whether k is a date or timestamp.
func (k Kind) IsTemporal() bool { return k == Date || k == Timestamp }
