package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// ErrNotEditable is wrapped when a value of a result cannot be turned into
// an UPDATE: the result does not come from one lake table, or lacks the
// columns that identify its rows.
var ErrNotEditable = errors.New("result not editable")

// ErrStaleProposal is wrapped by ApplyUpdate when the table changed after
// the proposal, so the statement would change another number of rows.
var ErrStaleProposal = errors.New("table changed since the proposal")

// UpdateProposal is the UPDATE that editing one value of a held result
// stands for: shown, confirmed, then run by ApplyUpdate.
type UpdateProposal struct {
	Table     string // lake.ns.t
	Column    string // the table column set
	Value     string // the new value as typed; NULL sets NULL
	Statement string // the UPDATE statement
	// Set and Where are the statement's SET assignment and the WHERE
	// clause's predicates (joined by AND), for display.
	Set   string
	Where []string
	// Rows is how many rows of the table the statement changes now: 1
	// for a row its identity pins down, more when rows are equal in every
	// identifying column.
	Rows int64
	// Identity names the columns the WHERE clause matches: the table's
	// identifier fields, or every column of the result.
	Identity []string

	count string // counts the rows the statement changes
}

// editSource is what a plain SELECT over one lake table reads.
type editSource struct {
	ns, name string
	// source maps a listed result column to the table column it shows;
	// with star, result columns not listed are table columns of the same
	// name.
	source map[string]string
	star   bool
}

// ProposeUpdate builds the UPDATE that sets column, in row (0-based, in the
// given order) of a held result, to value, cast to the column's type; the
// text NULL sets NULL. The result must come from a query of the form
// SELECT <columns or *> FROM lake.ns.t [WHERE] [ORDER BY] [LIMIT], as
// DuckDB's parser reads it. The WHERE clause matches the row by the table's
// identifier fields if it has them, otherwise by every column of the
// result. Nothing is changed; the proposal says how many rows would be.
func (s *Session) ProposeUpdate(ctx context.Context, handle string, row int64, order []Order, column, value string) (*UpdateProposal, error) {
	if err := s.busy.lock(ctx); err != nil {
		return nil, err
	}
	defer s.busy.unlock()
	h, err := s.lookup(handle)
	if err != nil {
		return nil, err
	}
	src, err := s.editSource(ctx, h.query)
	if err != nil {
		return nil, err
	}
	ident := "lake." + src.ns + "." + src.name
	tbl, err := s.sql.Warehouse().Table(ctx, src.ns, src.name)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrNotEditable, ident, err)
	}
	col := -1
	for i, c := range h.columns {
		if c == column {
			col = i
		}
	}
	schema := tbl.Schema()
	// shows maps each result column to the table column it shows, or "".
	shows := make([]string, len(h.columns))
	for i, c := range h.columns {
		shows[i], _ = src.column(c, tbl.HasColumn)
	}
	if col < 0 || shows[col] == "" {
		return nil, fmt.Errorf("%w: column %s is not a column of %s", ErrNotEditable, column, ident)
	}
	target := shows[col]

	// The identity: the result columns showing the identifying columns.
	var idCols []int
	if ids := schema.IdentifierFieldIDs; len(ids) > 0 {
		for _, id := range ids {
			name, _ := schema.FindColumnName(id)
			at := -1
			for i := range h.columns {
				if shows[i] == name && at < 0 {
					at = i
				}
			}
			if at < 0 {
				return nil, fmt.Errorf("%w: %s is identified by %s, and the result lacks %s: select it to edit values", ErrNotEditable, ident, identifierNames(schema.IdentifierFieldIDs, schema.FindColumnName), name)
			}
			idCols = append(idCols, at)
		}
	} else {
		seen := map[string]bool{}
		for i, t := range shows {
			if t != "" && !seen[t] {
				seen[t] = true
				idCols = append(idCols, i)
			}
		}
	}

	// The row, each value as DuckDB's own text, which casts back exactly.
	rel, err := s.rows(ctx, h, order)
	if err != nil {
		return nil, err
	}
	casts := make([]string, len(h.columns))
	for i, c := range h.columns {
		casts[i] = "CAST(" + engine.QuoteIdent(c) + " AS VARCHAR)"
	}
	rt, err := s.stream(ctx, fmt.Sprintf("SELECT %s FROM %s LIMIT 1 OFFSET %d", strings.Join(casts, ", "), rel, max(row, 0)), 1, nil)
	if err != nil {
		return nil, fmt.Errorf("read row %d of %s's result: %w", row+1, h.cell, err)
	}
	if len(rt.Rows) == 0 {
		return nil, fmt.Errorf("row %d of %s's result: no such row (%d rows)", row+1, h.cell, h.total)
	}
	vals := rt.Rows[0]

	newLit := "NULL"
	if !strings.EqualFold(strings.TrimSpace(value), "NULL") {
		newLit = literal(value, h.types[col])
		if _, err := s.stream(ctx, "SELECT "+newLit, 1, nil); err != nil {
			return nil, fmt.Errorf("%s is %s, and %q is not a value of that type: %w", column, h.types[col], value, err)
		}
	}
	var where, names []string
	for _, i := range idCols {
		c := QuoteName(shows[i])
		names = append(names, shows[i])
		if vals[i] == nil {
			where = append(where, c+" IS NOT DISTINCT FROM NULL")
			continue
		}
		where = append(where, c+" = "+literal(vals[i].(string), h.types[i]))
	}
	table := "lake." + QuoteName(src.ns) + "." + QuoteName(src.name)
	cond := strings.Join(where, " AND ")
	p := &UpdateProposal{
		Table: ident, Column: target, Value: value, Identity: names,
		Set: QuoteName(target) + " = " + newLit, Where: where,
		Statement: fmt.Sprintf("UPDATE %s SET %s = %s WHERE %s", table, QuoteName(target), newLit, cond),
		count:     fmt.Sprintf("SELECT count(*) FROM %s WHERE %s", table, cond),
	}
	if p.Rows, err = s.countRows(ctx, p.count); err != nil {
		return nil, fmt.Errorf("count the rows of %s the update changes: %w", ident, err)
	}
	return p, nil
}

// CheckEdit reports, without reading any row, whether ProposeUpdate can
// edit column of a held result: nil, or an error saying why not.
func (s *Session) CheckEdit(ctx context.Context, handle, column string) error {
	if err := s.busy.lock(ctx); err != nil {
		return err
	}
	defer s.busy.unlock()
	h, err := s.lookup(handle)
	if err != nil {
		return err
	}
	src, err := s.editSource(ctx, h.query)
	if err != nil {
		return err
	}
	tbl, err := s.sql.Warehouse().Table(ctx, src.ns, src.name)
	if err != nil {
		return fmt.Errorf("%w: lake.%s.%s: %v", ErrNotEditable, src.ns, src.name, err)
	}
	if _, ok := src.column(column, tbl.HasColumn); !ok {
		return fmt.Errorf("%w: column %s is not a column of lake.%s.%s", ErrNotEditable, column, src.ns, src.name)
	}
	return nil
}

// ApplyUpdate runs a proposal's UPDATE, one snapshot of the lake table,
// after checking that it still changes the number of rows confirmed.
func (s *Session) ApplyUpdate(ctx context.Context, p *UpdateProposal) (int64, error) {
	if err := s.busy.lock(ctx); err != nil {
		return 0, err
	}
	defer s.busy.unlock()
	n, err := s.countRows(ctx, p.count)
	if err != nil {
		return 0, fmt.Errorf("update %s: %w", p.Table, err)
	}
	if n != p.Rows {
		return 0, fmt.Errorf("update %s: %w: it would change %d rows now, not the %d confirmed; re-run the cell", p.Table, ErrStaleProposal, n, p.Rows)
	}
	if err := s.sql.Exec(ctx, p.Statement); err != nil {
		return 0, fmt.Errorf("update %s: %w", p.Table, err)
	}
	return n, nil
}

func (s *Session) countRows(ctx context.Context, q string) (int64, error) {
	t, err := s.stream(ctx, q, 1, nil)
	if err != nil {
		return 0, err
	}
	n, _ := t.Rows[0][0].(int64)
	return n, nil
}

func identifierNames(ids []int, name func(int) (string, bool)) string {
	var out []string
	for _, id := range ids {
		n, _ := name(id)
		out = append(out, n)
	}
	return strings.Join(out, ", ")
}

// editSource reads query with DuckDB's parser (json_serialize_sql) and
// returns the lake table it reads if it is a plain SELECT of columns of
// one lake table, with WHERE, ORDER BY and LIMIT at most; otherwise an
// ErrNotEditable error saying why.
func (s *Session) editSource(ctx context.Context, query string) (*editSource, error) {
	var out string
	if err := s.sql.Conn().QueryRowContext(ctx, "SELECT CAST(json_serialize_sql(CAST(? AS VARCHAR)) AS VARCHAR)", query).Scan(&out); err != nil {
		return nil, fmt.Errorf("parse the cell's query: %w", err)
	}
	var tree struct {
		Error      bool   `json:"error"`
		Message    string `json:"error_message"`
		Statements []struct {
			Node selectNode `json:"node"`
		} `json:"statements"`
	}
	if err := json.Unmarshal([]byte(out), &tree); err != nil {
		return nil, fmt.Errorf("parse the cell's query: %w", err)
	}
	if tree.Error {
		return nil, fmt.Errorf("%w: the cell's query is not a plain SELECT (%s)", ErrNotEditable, tree.Message)
	}
	if len(tree.Statements) != 1 {
		return nil, fmt.Errorf("%w: the cell's last statement is not one SELECT", ErrNotEditable)
	}
	return tree.Statements[0].Node.source()
}

// selectNode is the part of DuckDB's serialized parse tree an edit
// depends on.
type selectNode struct {
	Type      string `json:"type"`
	Modifiers []struct {
		Type string `json:"type"`
	} `json:"modifiers"`
	CTEs struct {
		Map []json.RawMessage `json:"map"`
	} `json:"cte_map"`
	SelectList []struct {
		Class       string            `json:"class"`
		Alias       string            `json:"alias"`
		ColumnNames []string          `json:"column_names"`
		Exclude     []json.RawMessage `json:"exclude_list"`
		Replace     []json.RawMessage `json:"replace_list"`
		Rename      []json.RawMessage `json:"rename_list"`
		Columns     bool              `json:"columns"`
		Expr        json.RawMessage   `json:"expr"`
	} `json:"select_list"`
	From struct {
		Type    string          `json:"type"`
		Catalog string          `json:"catalog_name"`
		Schema  string          `json:"schema_name"`
		Table   string          `json:"table_name"`
		At      json.RawMessage `json:"at_clause"`
		Sample  json.RawMessage `json:"sample"`
	} `json:"from_table"`
	GroupBy     []json.RawMessage `json:"group_expressions"`
	GroupSets   []json.RawMessage `json:"group_sets"`
	Aggregation string            `json:"aggregate_handling"`
	Having      json.RawMessage   `json:"having"`
	Qualify     json.RawMessage   `json:"qualify"`
	Sample      json.RawMessage   `json:"sample"`
}

func isNull(raw json.RawMessage) bool { return len(raw) == 0 || string(raw) == "null" }

// source checks the node is a plain SELECT of one lake table.
func (n *selectNode) source() (*editSource, error) {
	not := func(why string) error {
		return fmt.Errorf("%w: the cell's query %s; only SELECT <columns> FROM lake.ns.table [WHERE] [ORDER BY] [LIMIT] results can be edited", ErrNotEditable, why)
	}
	if n.Type != "SELECT_NODE" {
		return nil, not("combines queries (" + strings.ToLower(strings.TrimSuffix(n.Type, "_NODE")) + ")")
	}
	if len(n.CTEs.Map) > 0 {
		return nil, not("has a WITH clause")
	}
	for _, m := range n.Modifiers {
		if m.Type != "ORDER_MODIFIER" && m.Type != "LIMIT_MODIFIER" && m.Type != "LIMIT_PERCENT_MODIFIER" {
			return nil, not("uses " + strings.ToLower(strings.TrimSuffix(m.Type, "_MODIFIER")))
		}
	}
	if len(n.GroupBy) > 0 || len(n.GroupSets) > 0 || (n.Aggregation != "" && n.Aggregation != "STANDARD_HANDLING") || !isNull(n.Having) {
		return nil, not("groups rows")
	}
	if !isNull(n.Qualify) || !isNull(n.Sample) {
		return nil, not("uses QUALIFY or SAMPLE")
	}
	f := n.From
	switch {
	case f.Type != "BASE_TABLE":
		return nil, not("does not read one table (it reads a " + strings.ToLower(strings.ReplaceAll(f.Type, "_", " ")) + ")")
	case !strings.EqualFold(f.Catalog, "lake") || f.Schema == "":
		return nil, not("does not read a lake table by its full name lake.ns.table")
	case !isNull(f.At):
		return nil, not("reads an older version of the table (AT)")
	case !isNull(f.Sample):
		return nil, not("samples the table")
	case strings.Contains(f.Table, "$"):
		return nil, not("reads a metadata table")
	}
	src := &editSource{ns: f.Schema, name: f.Table, source: map[string]string{}}
	star := false
	for _, e := range n.SelectList {
		switch {
		case e.Class == "COLUMN_REF" && len(e.ColumnNames) > 0:
			col := e.ColumnNames[len(e.ColumnNames)-1]
			name := col
			if e.Alias != "" {
				name = e.Alias
			}
			src.source[name] = col
		case e.Class == "STAR" && len(e.Replace) == 0 && len(e.Rename) == 0 && !e.Columns && isNull(e.Expr):
			star = true
		default:
			return nil, not("computes a column (" + strings.ToLower(e.Class) + ")")
		}
	}
	src.star = star
	return src, nil
}

// column returns the table column a result column shows; has reports
// the table's columns.
func (e *editSource) column(result string, has func(string) bool) (string, bool) {
	if c, ok := e.source[result]; ok {
		return c, true
	}
	if e.star {
		if has(result) {
			return result, true
		}
	}
	return "", false
}

// literal writes text, DuckDB's VARCHAR form of a value of type typ, as a
// SQL literal of that type: numbers bare, text quoted, the rest cast.
func literal(text, typ string) string {
	t := strings.ToUpper(typ)
	if isNumeric(t) {
		if _, err := strconv.ParseFloat(text, 64); err == nil && !strings.ContainsAny(text, "nNiI") {
			return text
		}
	}
	if t == "VARCHAR" || strings.HasPrefix(t, "VARCHAR(") {
		return engine.QuoteString(text)
	}
	return engine.QuoteString(text) + "::" + typ
}

// QuoteName writes an identifier bare when it is a plain lower-case word
// that DuckDB reads as a name, and quoted otherwise: how SQL names it
// (sqltext.QuoteIdent).
func QuoteName(s string) string { return sqltext.QuoteIdent(s) }
