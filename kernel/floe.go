package kernel

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
	"github.com/traefik/yaegi/interp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/kernel/chart"
	"github.com/floehq/floe/synth"
)

// exports is the floe package Go cells use, already imported as floe:
//
//	floe.SQL(query string) (*floe.Table, error)  run SQL, every row of the result
//	floe.Result(name string) *floe.Table         a named cell's result
//	floe.Param(name string) any                  a parameter: string, int64, float64, bool, time.Time ...
//	floe.Display(v any)                          show a table, a slice of structs or any value
//	floe.Markdown(text string)                   show Markdown
//	floe.Chart(t *floe.Table, kind, x, y string) error  show a bar, line, scatter or histogram chart
//	floe.Register(name string, rows any) error   hand a slice of structs (or a *floe.Table) to SQL as a table
//	floe.Context() context.Context               the cell's context, done when it is cancelled
//	floe.Warehouse() *engine.Warehouse           the engine's API: namespaces, tables, snapshots
//	floe.LakeTable(ns, name string) (*engine.Table, error)
//	floe.Synthesize(o floe.SynthOptions) (*floe.SynthReport, error)  a private synthetic table (see package synth)
//
// Result and Param panic when there is no such result or parameter; the
// cell fails with the error at the line of the call.
func (s *Session) exports() interp.Exports {
	return interp.Exports{"floe/floe": {
		"Table":     reflect.ValueOf((*Table)(nil)),
		"SQL":       reflect.ValueOf(s.goSQL),
		"Result":    reflect.ValueOf(s.goResult),
		"Param":     reflect.ValueOf(s.goParam),
		"Display":   reflect.ValueOf(s.goDisplay),
		"Markdown":  reflect.ValueOf(s.goMarkdown),
		"Chart":     reflect.ValueOf(s.goChart),
		"Register":  reflect.ValueOf(s.goRegister),
		"Context":   reflect.ValueOf(s.goContext),
		"Warehouse": reflect.ValueOf(s.sql.Warehouse),
		"LakeTable": reflect.ValueOf(s.goLakeTable),

		"SynthOptions": reflect.ValueOf((*synth.Options)(nil)),
		"SynthReport":  reflect.ValueOf((*synth.Report)(nil)),
		"Synthesize":   reflect.ValueOf(s.goSynthesize),
	}}
}

// goSynthesize runs a synthetic-data release from a Go cell, as
// CALL synthesize does from SQL.
func (s *Session) goSynthesize(o synth.Options) (*synth.Report, error) {
	return synth.Run(s.goContext(), s.sql, o)
}

// errNoCell is what floe functions return when called between cells, by a
// Go cell that ignored cancellation.
var errNoCell = errors.New("floe: no cell is running (the cell that called this was stopped)")

// goContext returns the running cell's context, or a cancelled one.
func (s *Session) goContext() context.Context {
	if c := s.current(); c != nil {
		return c.ctx
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errNoCell)
	return ctx
}

func (s *Session) goSQL(query string) (*Table, error) {
	return s.Query(s.goContext(), query)
}

func (s *Session) goResult(name string) *Table {
	ctx := s.goContext()
	if ok, known := s.hasResult(name); !ok {
		panic(fmt.Errorf("floe.Result: no result named %q (named results so far: %s)", name, strings.Join(known, ", ")))
	}
	t, err := s.Query(ctx, "SELECT * FROM "+engine.QuoteIdent(name))
	if err != nil {
		panic(fmt.Errorf("floe.Result(%q): %w", name, err))
	}
	return t
}

func (s *Session) goParam(name string) any {
	v, ok, err := s.variable(s.goContext(), name)
	if err != nil {
		panic(fmt.Errorf("floe.Param(%q): %w", name, err))
	}
	if !ok {
		var known []string
		for _, p := range s.params {
			known = append(known, p.Name)
		}
		panic(fmt.Errorf("floe.Param: no parameter %q (parameters: %s)", name, strings.Join(known, ", ")))
	}
	return v
}

func (s *Session) goDisplay(v any) {
	switch x := v.(type) {
	case nil:
		return
	case string:
		s.emit(Output{Kind: OutputValue, Text: x})
		return
	}
	if t, err := tableOf(v); err == nil {
		s.emit(Output{Kind: OutputTable, Table: s.displayTable(t)})
		return
	}
	s.emit(Output{Kind: OutputValue, Text: fmt.Sprintf("%v", v)})
}

func (s *Session) goMarkdown(text string) {
	s.emit(Output{Kind: OutputMarkdown, Text: text})
}

func (s *Session) goChart(t *Table, kind, x, y string) error {
	c, err := chart.FromRows(chart.Kind(kind), t.Columns, t.Rows, x, y, "")
	if err != nil {
		return err
	}
	if t.Truncated() {
		c.Note = fmt.Sprintf("first %d of %d rows", len(t.Rows), t.Total)
	}
	s.emit(Output{Kind: OutputChart, Chart: c})
	return nil
}

func (s *Session) goRegister(name string, rows any) error {
	t, err := tableOf(rows)
	if err != nil {
		return fmt.Errorf("floe.Register(%q): %w", name, err)
	}
	return s.register(s.goContext(), name, t)
}

func (s *Session) goLakeTable(ns, name string) (*engine.Table, error) {
	return s.sql.Warehouse().Table(s.goContext(), ns, name)
}

// Query runs SQL on the session's connection and returns every row of the
// last statement's result.
func (s *Session) Query(ctx context.Context, query string) (*Table, error) {
	rows, err := s.sql.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	t := &Table{Columns: rows.Columns, Types: rows.Types}
	for rows.Next() {
		t.Rows = append(t.Rows, rows.Values())
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	t.Total = int64(len(t.Rows))
	return t, nil
}

// displayTable returns t cut to the session's MaxRows for display.
func (s *Session) displayTable(t *Table) *Table {
	if len(t.Rows) <= s.opts.MaxRows {
		return t
	}
	return &Table{Columns: t.Columns, Types: t.Types, Rows: t.Rows[:s.opts.MaxRows], Total: t.Total}
}

var identPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// register makes t a temporary table called name, replacing any table of
// that name, so that later SQL can query it and floe.Result read it.
func (s *Session) register(ctx context.Context, name string, t *Table) error {
	if !identPattern.MatchString(name) {
		return fmt.Errorf("register %q: a table name is letters, digits and _, starting with a letter or _", name)
	}
	cols := make([]string, len(t.Columns))
	conv := make([]func(any) any, len(t.Columns))
	for i, c := range t.Columns {
		typ, f := appendType(t.Types[i])
		cols[i] = engine.QuoteIdent(c) + " " + typ
		conv[i] = f
	}
	ddl := fmt.Sprintf("CREATE OR REPLACE TEMP TABLE %s (%s)", engine.QuoteIdent(name), strings.Join(cols, ", "))
	s.dropNamed(ctx, name) // a SQL cell's result of that name
	conn := s.sql.Conn()
	if _, err := conn.ExecContext(ctx, ddl); err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	err := conn.Raw(func(dc any) error {
		a, err := duckdb.NewAppender(dc.(driver.Conn), "temp", "main", name)
		if err != nil {
			return err
		}
		row := make([]driver.Value, len(cols))
		for _, r := range t.Rows {
			for i, v := range r {
				row[i] = conv[i](v)
			}
			if err := a.AppendRow(row...); err != nil {
				a.Close()
				return err
			}
		}
		return a.Close()
	})
	if err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	s.addResult(name)
	return nil
}

// addResult records a named result. The results are guarded by s.mu: Go
// code that ignored cancellation may still read them.
func (s *Session) addResult(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results[name] = true
}

// hasResult reports whether name is a result, and the names there are.
func (s *Session) hasResult(name string) (bool, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.results[name] {
		return true, nil
	}
	known := slices.Sorted(maps.Keys(s.results))
	return false, known
}

// appendType picks the column type a registered table gets for a result
// type, and how to convert values for the appender: exact types are kept,
// decimals become DOUBLE and nested types their text.
func appendType(typ string) (string, func(any) any) {
	same := func(v any) any { return v }
	u := strings.ToUpper(typ)
	switch {
	case u == "BOOLEAN", u == "VARCHAR", u == "DATE", u == "BLOB", u == "DOUBLE", u == "FLOAT",
		u == "TINYINT", u == "SMALLINT", u == "INTEGER", u == "BIGINT",
		u == "UTINYINT", u == "USMALLINT", u == "UINTEGER", u == "UBIGINT",
		strings.HasPrefix(u, "TIMESTAMP"), u == "TIME":
		return u, same
	case strings.HasPrefix(u, "DECIMAL"), u == "HUGEINT", u == "UHUGEINT":
		return "DOUBLE", func(v any) any {
			if v == nil {
				return nil
			}
			f, _ := chart.Float(v)
			return f
		}
	}
	return "VARCHAR", func(v any) any {
		if v == nil {
			return nil
		}
		return FormatValue(v)
	}
}

// tableOf converts a value Go code hands to floe: a *Table, a slice of
// structs or of pointers to structs (each exported field a column, named by
// a floe:"name" tag or the field's name), or a slice of maps from column
// name to value (columns sorted by name).
func tableOf(v any) (*Table, error) {
	if t, ok := v.(*Table); ok {
		if t == nil {
			return nil, errors.New("nil table")
		}
		return t, nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array {
		return nil, fmt.Errorf("want a *floe.Table or a slice of structs, got %T", v)
	}
	et := rv.Type().Elem()
	ptr := et.Kind() == reflect.Pointer
	if ptr {
		et = et.Elem()
	}
	switch et.Kind() {
	case reflect.Struct:
		return structTable(rv, et, ptr)
	case reflect.Map:
		if et.Key().Kind() == reflect.String && !ptr {
			return mapTable(rv)
		}
	}
	return nil, fmt.Errorf("want a *floe.Table or a slice of structs, got %T", v)
}

func structTable(rv reflect.Value, et reflect.Type, ptr bool) (*Table, error) {
	t := &Table{}
	var fields []int
	for i := 0; i < et.NumField(); i++ {
		f := et.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Name
		if tag, ok := f.Tag.Lookup("floe"); ok {
			tag, _, _ = strings.Cut(tag, ",")
			if tag == "-" {
				continue
			}
			if tag != "" {
				name = tag
			}
		}
		typ, err := duckType(f.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		fields = append(fields, i)
		t.Columns = append(t.Columns, name)
		t.Types = append(t.Types, typ)
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("struct %s has no exported fields to make columns of", et)
	}
	for i := 0; i < rv.Len(); i++ {
		e := rv.Index(i)
		if ptr {
			if e.IsNil() {
				continue
			}
			e = e.Elem()
		}
		row := make([]any, len(fields))
		for j, fi := range fields {
			row[j] = goValue(e.Field(fi))
		}
		t.Rows = append(t.Rows, row)
	}
	t.Total = int64(len(t.Rows))
	return t, nil
}

func mapTable(rv reflect.Value) (*Table, error) {
	t := &Table{}
	seen := map[string]reflect.Type{}
	for i := 0; i < rv.Len(); i++ {
		m := rv.Index(i)
		for _, k := range m.MapKeys() {
			if _, ok := seen[k.String()]; !ok {
				seen[k.String()] = nil
				t.Columns = append(t.Columns, k.String())
			}
			if v := m.MapIndex(k); seen[k.String()] == nil && v.IsValid() && !(v.Kind() == reflect.Interface && v.IsNil()) {
				seen[k.String()] = reflect.ValueOf(v.Interface()).Type()
			}
		}
	}
	slices.Sort(t.Columns)
	for _, c := range t.Columns {
		typ := "VARCHAR"
		if rt := seen[c]; rt != nil {
			if dt, err := duckType(rt); err == nil {
				typ = dt
			}
		}
		t.Types = append(t.Types, typ)
	}
	for i := 0; i < rv.Len(); i++ {
		m := rv.Index(i)
		row := make([]any, len(t.Columns))
		for j, c := range t.Columns {
			if v := m.MapIndex(reflect.ValueOf(c).Convert(m.Type().Key())); v.IsValid() {
				row[j] = goValue(v)
			}
		}
		t.Rows = append(t.Rows, row)
	}
	t.Total = int64(len(t.Rows))
	return t, nil
}

var timeType = reflect.TypeOf(time.Time{})

// duckType is the DuckDB type of a Go field type.
func duckType(t reflect.Type) (string, error) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return "TIMESTAMP", nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return "BOOLEAN", nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "BIGINT", nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "UBIGINT", nil
	case reflect.Float32, reflect.Float64:
		return "DOUBLE", nil
	case reflect.String:
		return "VARCHAR", nil
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return "BLOB", nil
		}
	case reflect.Interface:
		return "VARCHAR", nil
	}
	return "", fmt.Errorf("type %s has no column type (use bool, integers, floats, string, time.Time or []byte)", t)
}

// goValue converts a field to the value the appender takes for its
// duckType.
func goValue(v reflect.Value) any {
	if v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	if v.Type() == timeType {
		return v.Interface().(time.Time)
	}
	switch v.Kind() {
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return v.Uint()
	case reflect.Float32, reflect.Float64:
		return v.Float()
	case reflect.String:
		return v.String()
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return v.Bytes()
		}
	}
	if b, ok := v.Interface().(*big.Int); ok {
		return b.String()
	}
	return fmt.Sprint(v.Interface())
}
