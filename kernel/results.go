package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/floehq/floe/engine"
)

// ErrResultEvicted is returned by Page, Export and ProposeUpdate for a
// result the session no longer holds: a later run of the same cell
// replaced it, or newer results pushed it out (Options.KeepResults).
var ErrResultEvicted = errors.New("result no longer held, re-run the cell")

// Order is one sort key of a page: a result column, ascending unless Desc.
// NULLs sort last either way.
type Order struct {
	Column string
	Desc   bool
}

// heldResult is a query cell's whole result, kept in DuckDB for the UI.
type heldResult struct {
	handle  string
	cell    string // the id of the cell that produced it
	table   string // the DuckDB table, quoted
	owned   bool   // floe made the table and drops it on eviction; a named result's table is the cell's own
	query   string // the statement that produced it, for edits
	columns []string
	types   []string
	total   int64

	// sorted is a copy of the table in the order sortedBy (an ORDER BY
	// clause), made by the last sorted Page, so that each page of a sort
	// reads rows in place rather than sorting them all again.
	sorted, sortedBy string
}

// heldResults is the session's store of held results, oldest first.
type heldResults struct {
	dir      string // DuckDB's temp_directory: where held results spill
	attached bool   // the named results' database in dir (named.go)
	list     []*heldResult
	seq      int
}

// ResultCell returns the id of the cell whose result a handle (a
// Table's Result) names: "top_customers" for "top_customers@3".
func ResultCell(handle string) string {
	if i := strings.LastIndexByte(handle, '@'); i >= 0 {
		return handle[:i]
	}
	return handle
}

// holds reports whether the session keeps whole results for paging.
func (s *Session) holds() bool { return s.opts.KeepResults > 0 }

// keepQuery runs a query cell's last statement into a temporary table the
// session holds, and returns the first MaxRows rows of it with the exact
// count; the table's Result names the held result for Page.
func (s *Session) keepQuery(ctx context.Context, cell, query string) (*Table, error) {
	if err := s.spillDir(ctx); err != nil {
		return nil, err
	}
	s.held.seq++
	name := fmt.Sprintf("floe_result_%d", s.held.seq)
	quoted := engine.QuoteIdent(name)
	if err := s.sql.Exec(ctx, wrapped("CREATE OR REPLACE TEMP TABLE "+quoted+" AS", query, "")); err != nil {
		return nil, unwrapped(err)
	}
	h := &heldResult{handle: fmt.Sprintf("%s@%d", cell, s.held.seq), cell: cell, table: quoted, owned: true, query: query}
	t, err := s.describeHeld(ctx, h)
	if err != nil {
		s.drop(h)
		return nil, err
	}
	s.hold(h)
	return t, nil
}

// keepNamed holds a named cell's result, which already is a table of the
// results database, and sets t.Result.
func (s *Session) keepNamed(cell, name, query string, t *Table) {
	s.held.seq++
	h := &heldResult{handle: fmt.Sprintf("%s@%d", cell, s.held.seq), cell: cell, table: resultTable(name),
		query: query, columns: t.Columns, types: t.Types, total: t.Total}
	t.Result = h.handle
	s.hold(h)
}

// describeHeld reads the first rows and the count of a held table.
func (s *Session) describeHeld(ctx context.Context, h *heldResult) (*Table, error) {
	t, err := s.head(ctx, h.table)
	if err != nil {
		return nil, err
	}
	t.Result = h.handle
	h.columns, h.types, h.total = t.Columns, t.Types, t.Total
	return t, nil
}

// head reads the first MaxRows rows of a table and counts all of them,
// without reading the rest: DuckDB's driver materialises a whole result.
func (s *Session) head(ctx context.Context, table string) (*Table, error) {
	t, err := s.stream(ctx, fmt.Sprintf("SELECT * FROM %s LIMIT %d", table, s.opts.MaxRows), -1, nil)
	if err != nil {
		return nil, err
	}
	n, err := s.stream(ctx, "SELECT count(*) FROM "+table, 1, nil)
	if err != nil {
		return nil, err
	}
	t.Total = n.Rows[0][0].(int64)
	return t, nil
}

// hold adds h, replacing the cell's earlier result and evicting the oldest
// beyond KeepResults.
func (s *Session) hold(h *heldResult) {
	kept := s.held.list[:0]
	for _, old := range s.held.list {
		if old.cell == h.cell {
			s.drop(old)
			continue
		}
		kept = append(kept, old)
	}
	s.held.list = append(kept, h)
	for len(s.held.list) > s.opts.KeepResults {
		s.drop(s.held.list[0])
		s.held.list = s.held.list[1:]
	}
}

// drop deletes a held result's table if floe made it, and its sorted copy.
func (s *Session) drop(h *heldResult) {
	if h.owned {
		s.sql.Conn().ExecContext(context.Background(), "DROP TABLE IF EXISTS "+h.table)
	}
	if h.sorted != "" {
		s.sql.Conn().ExecContext(context.Background(), "DROP TABLE IF EXISTS "+h.sorted)
		h.sorted, h.sortedBy = "", ""
	}
}

// rows returns the relation of a held result's rows in the given order:
// the table itself, or its sorted copy, made once per order.
func (s *Session) rows(ctx context.Context, h *heldResult, order []Order) (string, error) {
	by, err := h.orderBy(order)
	if err != nil || by == "" {
		return h.table, err
	}
	if h.sortedBy == by {
		return h.sorted, nil
	}
	s.held.seq++
	name := engine.QuoteIdent(fmt.Sprintf("floe_sorted_%d", s.held.seq))
	if _, err := s.sql.Conn().ExecContext(ctx, "CREATE TEMP TABLE "+name+" AS SELECT * FROM "+h.table+by); err != nil {
		return "", fmt.Errorf("sort %s's result: %w", h.cell, err)
	}
	if h.sorted != "" {
		s.sql.Conn().ExecContext(context.Background(), "DROP TABLE IF EXISTS "+h.sorted)
	}
	h.sorted, h.sortedBy = name, by
	return name, nil
}

// spillDir points DuckDB's temp_directory at a directory of its own, once,
// so that held results larger than memory spill to disk.
func (s *Session) spillDir(ctx context.Context) error {
	if s.held.dir != "" {
		return nil
	}
	dir, err := os.MkdirTemp("", "floe-results-")
	if err != nil {
		return fmt.Errorf("hold results: %w", err)
	}
	if err := s.sql.Exec(ctx, "SET temp_directory = "+engine.QuoteString(dir)); err != nil {
		os.RemoveAll(dir)
		return fmt.Errorf("hold results: set temp_directory %s: %w", dir, err)
	}
	s.held.dir = dir
	return nil
}

// closeHeld removes the spill directory; the tables go with the database.
func (s *Session) closeHeld() {
	if s.held.dir != "" {
		os.RemoveAll(s.held.dir)
		s.held.dir, s.held.attached = "", false
	}
	s.held.list = nil
}

// lookup returns the held result named handle.
func (s *Session) lookup(handle string) (*heldResult, error) {
	for _, h := range s.held.list {
		if h.handle == handle {
			return h, nil
		}
	}
	if handle == "" {
		return nil, fmt.Errorf("result not held: %w", ErrResultEvicted)
	}
	return nil, fmt.Errorf("result %s: %w", handle, ErrResultEvicted)
}

// orderBy builds the ORDER BY clause for a page: the keys, NULLs last,
// then the held table's row order, so that pages of a sort with ties never
// overlap or skip rows.
func (h *heldResult) orderBy(order []Order) (string, error) {
	if len(order) == 0 {
		return "", nil
	}
	var keys []string
	for _, o := range order {
		found := false
		for _, c := range h.columns {
			found = found || c == o.Column
		}
		if !found {
			return "", fmt.Errorf("sort by %s: no such column (columns: %s)", o.Column, strings.Join(h.columns, ", "))
		}
		k := engine.QuoteIdent(o.Column)
		if o.Desc {
			k += " DESC"
		}
		keys = append(keys, k+" NULLS LAST")
	}
	return " ORDER BY " + strings.Join(keys, ", ") + ", rowid", nil
}

// Page returns limit rows of a held result from offset, in the given
// order (the result's own order when empty): the whole result is sorted in
// DuckDB, not just the rows a cell's output holds. The table's Total is the
// result's row count. A result the session no longer holds gives
// ErrResultEvicted.
func (s *Session) Page(ctx context.Context, handle string, offset, limit int64, order []Order) (*Table, error) {
	if err := s.busy.lock(ctx); err != nil {
		return nil, err
	}
	defer s.busy.unlock()
	h, err := s.lookup(handle)
	if err != nil {
		return nil, err
	}
	rel, err := s.rows(ctx, h, order)
	if err != nil {
		return nil, err
	}
	q := fmt.Sprintf("SELECT * FROM %s LIMIT %d OFFSET %d", rel, max(limit, 0), max(offset, 0))
	t, err := s.stream(ctx, q, -1, nil)
	if err != nil {
		return nil, fmt.Errorf("page of %s's result: %w", h.cell, err)
	}
	t.Total, t.Result = h.total, h.handle
	return t, nil
}

// heldStore is embedded in Session: the held results. The UI's calls on
// them (Page, Export, edits) take the session's busy gate, so they never
// run while a cell runs on the same DuckDB connection.
type heldStore struct {
	held heldResults
}
