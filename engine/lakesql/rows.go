package lakesql

import (
	"database/sql"
)

// Rows is the result of a statement: streamed from DuckDB, or produced by
// floe for statements it runs itself (DDL, writes, procedures).
type Rows struct {
	Columns []string
	Types   []string // DuckDB type names

	rows   *sql.Rows
	static [][]any
	i      int
	cur    []any
	err    error
}

func staticRows(cols, types []string, data [][]any) *Rows {
	return &Rows{Columns: cols, Types: types, static: data, i: -1}
}

func countRows(n int64) *Rows {
	return staticRows([]string{"Count"}, []string{"BIGINT"}, [][]any{{n}})
}

func okRows() *Rows {
	return staticRows([]string{"Success"}, []string{"BOOLEAN"}, [][]any{{true}})
}

func wrapRows(r *sql.Rows) (*Rows, error) {
	cols, err := r.Columns()
	if err != nil {
		r.Close()
		return nil, err
	}
	cts, err := r.ColumnTypes()
	if err != nil {
		r.Close()
		return nil, err
	}
	types := make([]string, len(cts))
	for i, ct := range cts {
		types[i] = ct.DatabaseTypeName()
	}
	return &Rows{Columns: cols, Types: types, rows: r}, nil
}

// Next advances to the next row.
func (r *Rows) Next() bool {
	if r.rows != nil {
		if !r.rows.Next() {
			r.err = r.rows.Err()
			return false
		}
		vals := make([]any, len(r.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := r.rows.Scan(ptrs...); err != nil {
			r.err = err
			return false
		}
		r.cur = vals
		return true
	}
	r.i++
	if r.i >= len(r.static) {
		return false
	}
	r.cur = r.static[r.i]
	return true
}

// Values returns the current row. The slice is the caller's to keep.
func (r *Rows) Values() []any { return r.cur }

// Err returns the error that stopped iteration, if any.
func (r *Rows) Err() error { return r.err }

// Close releases the result.
func (r *Rows) Close() error {
	if r.rows != nil {
		return r.rows.Close()
	}
	return nil
}

// All reads every remaining row.
func (r *Rows) All() ([][]any, error) {
	defer r.Close()
	var out [][]any
	for r.Next() {
		out = append(out, r.Values())
	}
	return out, r.Err()
}
