package kernel

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/notebooks"
)

// Errors about parameters, returned by SetParameters before any cell runs.
var (
	// ErrUnknownParameter is wrapped when an override names no parameter
	// of the notebook's parameters cell.
	ErrUnknownParameter = errors.New("unknown parameter")
	// ErrParameterType is wrapped when an override's value does not fit
	// the type of the parameter's default.
	ErrParameterType = errors.New("parameter value does not fit its type")
)

// integerText is what an override of an integer parameter must look like:
// DuckDB would round 2.5 to 3.
var integerText = regexp.MustCompile(`^[+-]?[0-9]+$`)

// Param is a notebook parameter: a DuckDB variable set by the parameters
// cell, whose default gives its type.
type Param struct {
	Name string
	// Type is the variable's DuckDB type. Integer defaults are widened to
	// BIGINT and decimal ones to DOUBLE, so that an override such as 0.75
	// for a default of 0.5 keeps its digits; Go cells read them as int64
	// and float64.
	Type string
	// Value is the current value, as floe.Param returns it.
	Value any
	// Overridden says the value came from an override, not the default.
	Overridden bool
}

// SetParameters runs the parameters cell c (which may be nil when the
// notebook has none) to set the defaults, then applies overrides, parameter
// name to value text as given on the command line (-p region=EU). An
// override naming no parameter, or whose value does not cast to the
// default's type, is an error wrapping ErrUnknownParameter or
// ErrParameterType, found before any other cell runs. When the parameters
// cell runs again in its place, it sets the same values.
func (s *Session) SetParameters(ctx context.Context, c *notebooks.Cell, overrides map[string]string) ([]Param, error) {
	names := slices.Sorted(maps.Keys(overrides))
	if c == nil {
		if len(names) > 0 {
			return nil, fmt.Errorf("%w %q: the notebook has no parameters cell", ErrUnknownParameter, names[0])
		}
		return nil, nil
	}
	if c.Lang != notebooks.LangSQL {
		return nil, fmt.Errorf("the parameters cell is %s; floe supports SQL parameters cells (SET VARIABLE name = value;)", c.Lang)
	}
	declared, err := s.runDefaults(ctx, c.Source)
	if err != nil {
		var ce *CellError
		if errors.As(err, &ce) {
			ce.Cell = c.ID
		}
		return nil, err
	}
	types, err := s.variableTypes(ctx)
	if err != nil {
		return nil, err
	}
	params := make([]Param, 0, len(declared))
	for _, n := range declared {
		typ := widen(types[strings.ToLower(n)])
		if typ != types[strings.ToLower(n)] {
			if err := s.sql.Exec(ctx, fmt.Sprintf("SET VARIABLE %s = CAST(getvariable(%s) AS %s)", engine.QuoteIdent(n), engine.QuoteString(n), typ)); err != nil {
				return nil, fmt.Errorf("parameter %s: %w", n, err)
			}
		}
		params = append(params, Param{Name: n, Type: typ})
	}
	var errs []error
	for _, n := range names {
		i := slices.IndexFunc(params, func(p Param) bool { return strings.EqualFold(p.Name, n) })
		if i < 0 {
			var known []string
			for _, p := range params {
				known = append(known, p.Name)
			}
			errs = append(errs, fmt.Errorf("%w %q (the parameters cell declares: %s)", ErrUnknownParameter, n, strings.Join(known, ", ")))
			continue
		}
		p := &params[i]
		if p.Type == "BIGINT" && !integerText.MatchString(strings.TrimSpace(overrides[n])) {
			errs = append(errs, fmt.Errorf("%w: parameter %s is %s, and %q is not a whole number", ErrParameterType, p.Name, p.Type, overrides[n]))
			continue
		}
		lit := engine.QuoteString(overrides[n])
		t, err := s.Query(ctx, fmt.Sprintf("SELECT TRY_CAST(%s AS %s) IS NOT NULL", lit, p.Type))
		if err != nil {
			return nil, fmt.Errorf("parameter %s: %w", n, err)
		}
		if ok, _ := t.Rows[0][0].(bool); !ok {
			errs = append(errs, fmt.Errorf("%w: parameter %s is %s, and %q is not a %s", ErrParameterType, p.Name, p.Type, overrides[n], p.Type))
			continue
		}
		if err := s.sql.Exec(ctx, fmt.Sprintf("SET VARIABLE %s = CAST(%s AS %s)", engine.QuoteIdent(p.Name), lit, p.Type)); err != nil {
			return nil, fmt.Errorf("parameter %s: %w", n, err)
		}
		p.Overridden = true
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for i := range params {
		v, _, err := s.variable(ctx, params[i].Name)
		if err != nil {
			return nil, err
		}
		params[i].Value = v
	}
	s.params = params
	s.overrides = overrides
	return params, nil
}

// Params returns the parameters set by SetParameters.
func (s *Session) Params() []Param { return s.params }

// runDefaults runs the parameters cell's statements and returns the
// variables it sets, in order.
func (s *Session) runDefaults(ctx context.Context, src string) ([]string, error) {
	var names []string
	for _, st := range lakesql.Split(src) {
		toks := st.Tokens
		if len(toks) >= 3 && toks[0].Is("SET") && (toks[1].Is("VARIABLE") || toks[1].Is("VAR")) && toks[2].IsName() {
			if n := toks[2].Ident(); !slices.ContainsFunc(names, func(m string) bool { return strings.EqualFold(m, n) }) {
				names = append(names, n)
			}
		}
		if err := s.sql.Exec(ctx, st.Text); err != nil {
			return nil, sqlError(err, st.Line, st.Text)
		}
	}
	return names, nil
}

// variableTypes returns the DuckDB type of every variable, by lower-case
// name.
func (s *Session) variableTypes(ctx context.Context) (map[string]string, error) {
	t, err := s.Query(ctx, "SELECT name, type FROM duckdb_variables()")
	if err != nil {
		return nil, fmt.Errorf("read parameters: %w", err)
	}
	out := map[string]string{}
	for _, r := range t.Rows {
		n, _ := r[0].(string)
		typ, _ := r[1].(string)
		out[strings.ToLower(n)] = typ
	}
	return out, nil
}

// variable returns a DuckDB variable's value and whether it is set.
func (s *Session) variable(ctx context.Context, name string) (any, bool, error) {
	t, err := s.Query(ctx, fmt.Sprintf("SELECT getvariable(%s), (SELECT count(*) FROM duckdb_variables() WHERE lower(name) = lower(%s))",
		engine.QuoteString(name), engine.QuoteString(name)))
	if err != nil {
		return nil, false, err
	}
	n, _ := t.Rows[0][1].(int64)
	return t.Rows[0][0], n > 0, nil
}

// widen maps integer types to BIGINT and decimal ones to DOUBLE.
func widen(typ string) string {
	u := strings.ToUpper(typ)
	switch {
	case u == "TINYINT", u == "SMALLINT", u == "INTEGER", u == "BIGINT",
		u == "UTINYINT", u == "USMALLINT", u == "UINTEGER":
		return "BIGINT"
	case strings.HasPrefix(u, "DECIMAL"), u == "FLOAT", u == "REAL":
		return "DOUBLE"
	}
	return typ
}

// runParameters runs the parameters cell in its place: it sets the
// defaults and the session's overrides again and shows the parameters.
func (s *Session) runParameters(ctx context.Context, c *notebooks.Cell) error {
	params, err := s.SetParameters(ctx, c, s.overrides)
	if err != nil {
		var ce *CellError
		if errors.As(err, &ce) {
			return ce
		}
		return &CellError{Kind: KindSQL, Err: err}
	}
	t := &Table{Columns: []string{"parameter", "type", "value", "source"}, Types: []string{"VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"}}
	for _, p := range params {
		src := "default"
		if p.Overridden {
			src = "-p"
		}
		t.Rows = append(t.Rows, []any{p.Name, p.Type, FormatValue(p.Value), src})
	}
	t.Total = int64(len(t.Rows))
	s.emit(Output{Kind: OutputTable, Table: t})
	return nil
}
