package lakesql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// parseDDL recognises CREATE/DROP SCHEMA and CREATE/REPLACE/DROP/ALTER
// TABLE on lake objects.
func (s *Session) parseDDL(c *cursor) handler {
	switch {
	case c.accept("CREATE", "SCHEMA"):
		return s.createSchema(c)
	case c.accept("DROP", "SCHEMA"):
		return s.dropSchema(c)
	case c.accept("DROP", "TABLE"):
		return s.dropTable(c)
	case c.peek().Is("CREATE"), c.peek().Is("REPLACE"):
		return s.createTable(c)
	case c.accept("ALTER", "SCHEMA"), c.accept("ALTER", "DATABASE"), c.accept("ALTER", "NAMESPACE"):
		return s.alterSchema(c) // schemaprops.go
	case c.accept("ALTER", "TABLE"):
		c.accept("IF", "EXISTS")
		name, ok := c.lakeName(2)
		if !ok {
			return nil
		}
		return s.alterTable(c, name[0], name[1])
	}
	return nil
}

// createSchema handles CREATE SCHEMA [IF NOT EXISTS] lake.ns (the two
// keywords just consumed).
func (s *Session) createSchema(c *cursor) handler {
	ifNot := c.accept("IF", "NOT", "EXISTS")
	name, ok := c.lakeName(1)
	if !ok || !c.done() {
		return nil
	}
	return func(ctx context.Context) (*Rows, error) {
		err := s.wh.CreateNamespace(ctx, name[0], false)
		created := err == nil
		if err != nil && !(ifNot && errors.Is(err, engine.ErrNamespaceExists)) {
			return nil, err
		}
		if err := s.ensureSchema(ctx, name[0]); err != nil {
			// Leave no schema behind that DuckDB could not show.
			if created {
				s.wh.DropNamespace(context.WithoutCancel(ctx), name[0], true, false)
			}
			return nil, fmt.Errorf("create schema lake.%s: %w", name[0], err)
		}
		return okRows(), nil
	}
}

// dropSchema handles DROP SCHEMA [IF EXISTS] lake.ns [CASCADE | RESTRICT].
func (s *Session) dropSchema(c *cursor) handler {
	ifExists := c.accept("IF", "EXISTS")
	name, ok := c.lakeName(1)
	if !ok {
		return nil
	}
	cascade := c.accept("CASCADE")
	c.accept("RESTRICT")
	if !c.done() {
		return nil
	}
	return func(ctx context.Context) (*Rows, error) {
		if err := s.wh.DropNamespace(ctx, name[0], ifExists, cascade); err != nil {
			return nil, err
		}
		return okRows(), s.syncCatalog(ctx)
	}
}

// dropTable handles DROP TABLE [IF EXISTS] lake.ns.t [PURGE].
func (s *Session) dropTable(c *cursor) handler {
	ifExists := c.accept("IF", "EXISTS")
	name, ok := c.lakeName(2)
	if !ok {
		return nil
	}
	purge := c.accept("PURGE")
	if !c.done() {
		return nil
	}
	if purge {
		return func(ctx context.Context) (*Rows, error) {
			rep, err := s.wh.PurgeTable(ctx, name[0], name[1], ifExists)
			if rep.Dropped {
				s.forget(ctx, tableKey{name[0], name[1]})
			}
			if err != nil {
				return nil, err
			}
			return purgeRows(rep), nil
		}
	}
	return func(ctx context.Context) (*Rows, error) {
		if err := s.wh.DropTable(ctx, name[0], name[1], ifExists, false); err != nil {
			return nil, err
		}
		s.forget(ctx, tableKey{name[0], name[1]})
		return okRows(), nil
	}
}

// purgeRows is the result of DROP TABLE ... PURGE: what was deleted, what
// was kept, and a sentence saying why, which floe sql and notebooks show.
func purgeRows(rep engine.PurgeReport) *Rows {
	return staticRows([]string{"Success", "deleted_files", "kept_files", "message"},
		[]string{"BOOLEAN", "BIGINT", "BIGINT", "VARCHAR"},
		[][]any{{true, int64(rep.Deleted), int64(rep.Kept), rep.Message()}})
}

// parseProps reads ('k'='v', ...) as written in Spark's TBLPROPERTIES.
func parseProps(inner string) (map[string]string, error) {
	props := map[string]string{}
	for _, part := range splitTop(inner) {
		toks := sqltext.Code(part)
		if len(toks) != 3 || !toks[1].IsPunct("=") {
			return nil, fmt.Errorf("table property %q: write it as 'key'='value'", strings.TrimSpace(part))
		}
		k, v := toks[0], toks[2]
		key := k.Text
		if k.Kind == sqltext.String {
			key = k.StringValue()
		} else if k.Kind == sqltext.Quoted {
			key = k.Ident()
		}
		val := v.Text
		if v.Kind == sqltext.String {
			val = v.StringValue()
		}
		props[key] = val
	}
	return props, nil
}

// createTable handles CREATE [OR REPLACE] TABLE [IF NOT EXISTS] lake.ns.t
// (columns) | AS query, with Spark's PARTITIONED BY and TBLPROPERTIES, and
// Spark's REPLACE TABLE lake.ns.t, which needs the table to exist.
func (s *Session) createTable(c *cursor) handler {
	replace, mustExist := false, false
	if c.accept("REPLACE") {
		replace, mustExist = true, true
	} else {
		c.accept("CREATE")
		replace = c.accept("OR", "REPLACE")
	}
	if !c.accept("TABLE") {
		return nil
	}
	ifNot := c.accept("IF", "NOT", "EXISTS")
	name, ok := c.lakeName(2)
	if !ok {
		return nil
	}
	var colDefs string
	if inner, ok := c.group(); ok {
		colDefs = inner
	}
	var terms []string
	var props map[string]string
	var query string
	var perr error
	for !c.done() {
		switch {
		case c.accept("PARTITIONED", "BY"):
			inner, ok := c.group()
			if !ok {
				perr = errors.New("PARTITIONED BY needs a parenthesised list, as in PARTITIONED BY (day(ts), bucket(16, id))")
			}
			terms = splitTop(inner)
		case c.accept("TBLPROPERTIES"):
			inner, ok := c.group()
			if !ok {
				perr = errors.New("TBLPROPERTIES needs a parenthesised list of 'key'='value'")
			} else if props, perr = parseProps(inner); perr != nil {
				break
			}
		case c.accept("USING"):
			if id, _ := c.ident(); !strings.EqualFold(id, "iceberg") {
				perr = fmt.Errorf("USING %s: lake tables are Iceberg tables", id)
			}
		case c.accept("AS"):
			query = c.rest()
			c.i = len(c.toks)
		default:
			perr = fmt.Errorf("unexpected %q in CREATE TABLE (expected PARTITIONED BY, TBLPROPERTIES or AS)", c.peek().Text)
			c.i = len(c.toks)
		}
		if perr != nil {
			break
		}
	}
	ident := "lake." + name[0] + "." + name[1]
	return func(ctx context.Context) (*Rows, error) {
		if perr != nil {
			return nil, fmt.Errorf("create table %s: %w", ident, perr)
		}
		if (colDefs == "") == (query == "") {
			return nil, fmt.Errorf("create table %s: give either a column list or AS query", ident)
		}
		var partition []engine.PartitionTerm
		for _, t := range terms {
			pt, err := engine.ParsePartitionTerm(t)
			if err != nil {
				return nil, fmt.Errorf("create table %s: %w", ident, err)
			}
			partition = append(partition, pt)
		}
		var cols []engine.Column
		var q string
		var err error
		if query != "" {
			if q, err = s.prepareRead(ctx, query); err != nil {
				return nil, fmt.Errorf("create table %s: %w", ident, err)
			}
			cols, err = s.describeQuery(ctx, q)
			if err != nil {
				return nil, fmt.Errorf("create table %s: %w", ident, err)
			}
		} else if cols, err = s.describeColumns(ctx, colDefs); err != nil {
			return nil, fmt.Errorf("create table %s: %w", ident, err)
		}
		opts := engine.CreateOptions{Columns: cols, Partition: partition, Properties: props, IfNotExists: ifNot}
		if replace {
			if ifNot {
				return nil, fmt.Errorf("create table %s: OR REPLACE and IF NOT EXISTS cannot go together", ident)
			}
			rows, err := s.replaceTable(ctx, name[0], name[1], opts, q)
			if mustExist && errors.Is(err, engine.ErrNoSuchTable) {
				return nil, fmt.Errorf("replace table: %w%s (REPLACE TABLE replaces an existing table; CREATE OR REPLACE TABLE also creates one)", err, s.suggest(ctx, name[0], name[1]))
			}
			if err == nil || !errors.Is(err, engine.ErrNoSuchTable) {
				return rows, err
			}
			// CREATE OR REPLACE of a table that does not exist creates it.
		}
		t, err := s.wh.CreateTable(ctx, name[0], name[1], opts)
		if err != nil {
			return nil, err
		}
		// Every failure from here on undoes the table this statement
		// made: a CREATE TABLE either completes or leaves no trace.
		undo := func(err error) (*Rows, error) {
			bg := context.WithoutCancel(ctx)
			if uerr := s.wh.UndoCreate(bg, t); uerr != nil {
				err = errors.Join(err, uerr)
			}
			if _, terr := s.wh.Table(bg, name[0], name[1]); terr != nil {
				s.forget(bg, tableKey{name[0], name[1]})
			}
			return nil, err
		}
		if err := s.definePlaceholder(ctx, name[0], name[1]); err != nil {
			return undo(fmt.Errorf("create table %s: %w", ident, err))
		}
		if query == "" {
			return okRows(), nil
		}
		if ifNot && t.Iceberg().CurrentSnapshot() != nil {
			return countRows(0), nil
		}
		n, err := s.insert(ctx, name[0], name[1], nil, query)
		if err != nil {
			return undo(err)
		}
		return countRows(n), nil
	}
}

// describeColumns lets DuckDB parse column definitions by creating them in
// a scratch schema, so every DuckDB type spelling is understood.
func (s *Session) describeColumns(ctx context.Context, defs string) ([]engine.Column, error) {
	s.scratch++
	name := fmt.Sprintf("%s.t%d", scratchSchema, s.scratch)
	if err := s.exec(ctx, "CREATE TABLE "+name+" ("+defs+")"); err != nil {
		return nil, err
	}
	defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+name)
	// Iceberg tables hold no defaults or constraints but NOT NULL: refuse
	// them rather than accept what floe would not enforce.
	var refused string
	err := s.conn.QueryRowContext(ctx,
		`SELECT coalesce(
		   (SELECT 'DEFAULT on column ' || column_name FROM duckdb_columns()
		    WHERE database_name = 'memory' AND schema_name = 'floe_scratch' AND table_name = $1 AND column_default IS NOT NULL LIMIT 1),
		   (SELECT constraint_text FROM duckdb_constraints()
		    WHERE database_name = 'memory' AND schema_name = 'floe_scratch' AND table_name = $1 AND constraint_type <> 'NOT NULL' LIMIT 1),
		   '')`, fmt.Sprintf("t%d", s.scratch)).Scan(&refused)
	if err != nil {
		return nil, err
	}
	if refused != "" {
		return nil, fmt.Errorf("%s: lake tables support no defaults or constraints other than NOT NULL", refused)
	}
	rows, err := s.conn.QueryContext(ctx,
		`SELECT column_name, data_type, NOT is_nullable, coalesce(comment, '') FROM duckdb_columns()
		 WHERE database_name = 'memory' AND schema_name = 'floe_scratch' AND table_name = ? ORDER BY column_index`, fmt.Sprintf("t%d", s.scratch))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []engine.Column
	for rows.Next() {
		var c engine.Column
		if err := rows.Scan(&c.Name, &c.Type, &c.NotNull, &c.Comment); err != nil {
			return nil, err
		}
		cols = append(cols, c)
	}
	return cols, rows.Err()
}

// describeQuery returns the columns a query produces.
func (s *Session) describeQuery(ctx context.Context, q string) ([]engine.Column, error) {
	rows, err := s.conn.QueryContext(ctx, "DESCRIBE "+q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cols []engine.Column
	for rows.Next() {
		var name, typ string
		var null, key, def, extra any
		if err := rows.Scan(&name, &typ, &null, &key, &def, &extra); err != nil {
			return nil, err
		}
		cols = append(cols, engine.Column{Name: name, Type: typ})
	}
	return cols, rows.Err()
}

// alterTable handles ALTER TABLE on lake tables: column changes, table
// properties, and partition-spec evolution (ADD / DROP / REPLACE PARTITION
// FIELD, in Spark's syntax).
func (s *Session) alterTable(c *cursor, ns, name string) handler {
	ident := "lake." + ns + "." + name
	fail := func(format string, args ...any) handler {
		err := fmt.Errorf("alter table %s: "+format, append([]any{ident}, args...)...)
		return func(context.Context) (*Rows, error) { return nil, err }
	}
	var change engine.SchemaChange
	switch {
	case c.accept("ADD", "PARTITION", "FIELD"), c.accept("DROP", "PARTITION", "FIELD"), c.accept("REPLACE", "PARTITION", "FIELD"):
		pc, err := parsePartitionChange(c)
		if err != nil {
			return fail("%v", err)
		}
		return s.commitAlter(ns, name, func(ctx context.Context, t *engine.Table) error {
			_, err := t.EvolvePartitionSpec(ctx, pc)
			return err
		})
	case c.accept("SET", "TBLPROPERTIES"):
		inner, ok := c.group()
		if !ok {
			return fail("SET TBLPROPERTIES needs ('key'='value', ...)")
		}
		props, err := parseProps(inner)
		if err != nil {
			return fail("%v", err)
		}
		return s.commitAlter(ns, name, func(ctx context.Context, t *engine.Table) error {
			_, err := t.SetProperties(ctx, props)
			return err
		})
	case c.accept("UNSET", "TBLPROPERTIES"):
		c.accept("IF", "EXISTS")
		inner, ok := c.group()
		if !ok {
			return fail("UNSET TBLPROPERTIES needs ('key', ...)")
		}
		var keys []string
		for _, p := range splitTop(inner) {
			toks := sqltext.Code(p)
			if len(toks) == 1 && toks[0].Kind == sqltext.String {
				keys = append(keys, toks[0].StringValue())
			} else {
				keys = append(keys, strings.TrimSpace(p))
			}
		}
		return s.commitAlter(ns, name, func(ctx context.Context, t *engine.Table) error {
			_, err := t.UnsetProperties(ctx, keys)
			return err
		})
	case c.accept("ADD"):
		c.accept("COLUMN")
		c.accept("IF", "NOT", "EXISTS")
		col, ok := c.ident()
		if !ok {
			return fail("ADD COLUMN needs a name and a type")
		}
		typ := strings.TrimSpace(c.rest())
		if typ == "" {
			return fail("ADD COLUMN %s needs a type", col)
		}
		return s.commitTyped(ns, name, engine.SchemaChange{Op: "add", Column: col, Type: typ})
	case c.accept("DROP"):
		c.accept("COLUMN")
		c.accept("IF", "EXISTS")
		col, ok := c.ident()
		if !ok || !c.done() {
			return fail("DROP COLUMN needs one column name")
		}
		change = engine.SchemaChange{Op: "drop", Column: col}
	case c.accept("RENAME"):
		if c.accept("TO") {
			return fail("renaming a lake table is not supported yet")
		}
		c.accept("COLUMN")
		col, ok := c.ident()
		if !ok || !c.accept("TO") {
			return fail("RENAME COLUMN a TO b")
		}
		to, ok := c.ident()
		if !ok || !c.done() {
			return fail("RENAME COLUMN a TO b")
		}
		change = engine.SchemaChange{Op: "rename", Column: col, NewName: to}
	case c.accept("ALTER"):
		c.accept("COLUMN")
		col, ok := c.ident()
		if !ok {
			return fail("ALTER COLUMN needs a column name")
		}
		switch {
		case c.accept("SET", "DATA", "TYPE"), c.accept("TYPE"):
			return s.commitTyped(ns, name, engine.SchemaChange{Op: "type", Column: col, Type: strings.TrimSpace(c.rest())})
		case c.accept("DROP", "NOT", "NULL"):
			change = engine.SchemaChange{Op: "drop-not-null", Column: col}
		default:
			return fail("ALTER COLUMN %s supports TYPE and DROP NOT NULL", col)
		}
	default:
		return fail("unsupported change %q (supported: ADD/DROP/RENAME/ALTER COLUMN, ADD/DROP/REPLACE PARTITION FIELD, SET/UNSET TBLPROPERTIES)", c.rest())
	}
	return s.commitAlter(ns, name, func(ctx context.Context, t *engine.Table) error {
		_, err := t.AlterSchema(ctx, change)
		return err
	})
}

// parsePartitionChange reads what follows ADD, DROP or REPLACE PARTITION
// FIELD (the three keywords just consumed), in Spark's syntax:
//
//	ADD PARTITION FIELD term [AS name]
//	DROP PARTITION FIELD term | name
//	REPLACE PARTITION FIELD term | name WITH term [AS name]
//
// where a term is a column or transform(args) as in PARTITIONED BY.
func parsePartitionChange(c *cursor) (engine.PartitionFieldChange, error) {
	var pc engine.PartitionFieldChange
	op := strings.ToUpper(c.toks[c.i-3].Text)
	term := func(what string) (string, error) {
		start := c.i
		if _, ok := c.ident(); !ok {
			return "", fmt.Errorf("%s PARTITION FIELD needs %s, as in day(ts), bucket(16, id) or a column", op, what)
		}
		if c.peek().IsPunct("(") {
			if _, ok := c.group(); !ok {
				return "", fmt.Errorf("%s PARTITION FIELD: unbalanced parentheses in %s", op, c.src[c.toks[start].Start:])
			}
		}
		return c.src[c.toks[start].Start:c.toks[c.i-1].End], nil
	}
	name := func() (string, error) {
		if !c.accept("AS") {
			return "", nil
		}
		n, ok := c.ident()
		if !ok {
			return "", fmt.Errorf("%s PARTITION FIELD ... AS needs a field name", op)
		}
		return n, nil
	}
	var err error
	switch op {
	case "ADD":
		if pc.Add, err = term("a transform"); err == nil {
			pc.Name, err = name()
		}
	case "DROP":
		pc.Drop, err = term("the field's name or transform")
	case "REPLACE":
		if pc.Drop, err = term("the field's name or transform"); err != nil {
			break
		}
		if !c.accept("WITH") {
			return pc, fmt.Errorf("REPLACE PARTITION FIELD %s needs WITH and the new transform", pc.Drop)
		}
		if pc.Add, err = term("a new transform after WITH"); err == nil {
			pc.Name, err = name()
		}
	}
	if err != nil {
		return pc, err
	}
	if !c.done() {
		return pc, fmt.Errorf("%s PARTITION FIELD: unexpected %q", op, c.rest())
	}
	return pc, nil
}

// commitTyped commits a column change whose type is written in SQL (ADD
// COLUMN, ALTER COLUMN ... TYPE): DuckDB reads the type's spelling first.
func (s *Session) commitTyped(ns, name string, change engine.SchemaChange) handler {
	return s.commitAlter(ns, name, func(ctx context.Context, t *engine.Table) error {
		cols, err := s.describeColumns(ctx, engine.QuoteIdent(change.Column)+" "+change.Type)
		if err != nil {
			return fmt.Errorf("alter table lake.%s.%s: column %s: %w", ns, name, change.Column, err)
		}
		change.Type = cols[0].Type
		_, err = t.AlterSchema(ctx, change)
		return err
	})
}

func (s *Session) commitAlter(ns, name string, f func(ctx context.Context, t *engine.Table) error) handler {
	return func(ctx context.Context) (*Rows, error) {
		t, err := s.wh.Table(ctx, ns, name)
		if err != nil {
			return nil, err
		}
		if err := f(ctx, t); err != nil {
			return nil, err
		}
		return okRows(), s.definePlaceholder(ctx, ns, name)
	}
}
