package lakesql

import (
	"context"
	"fmt"
	"strings"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/replica"
	"github.com/floehq/floe/internal/sqltext"
)

// defineMetaTable materialises lake.ns."t$kind" from the table's current
// metadata.
func (s *Session) defineMetaTable(ctx context.Context, r viewRef) error {
	st, err := s.state(ctx, r.ns, r.name)
	if err != nil {
		return err
	}
	var mt *engine.MetaTable
	if r.meta == "replication" {
		mt, err = replica.MetaTable(ctx, s.wh, r.ns, r.name)
	} else {
		mt, err = st.tbl.Metadata(ctx, r.meta)
	}
	if err != nil {
		return err
	}
	name := viewName(r.ns, r.view)
	defs := make([]string, len(mt.Columns))
	for i, c := range mt.Columns {
		defs[i] = engine.QuoteIdent(c.Name) + " " + c.Type
	}
	st.extra = appendUnique(st.extra, name)
	if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+name+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return fmt.Errorf("lake.%s.\"%s$%s\": %w", r.ns, r.name, r.meta, err)
	}
	const batch = 500
	for i := 0; i < len(mt.Rows); i += batch {
		var b strings.Builder
		b.WriteString("INSERT INTO " + name + " VALUES ")
		for j, row := range mt.Rows[i:min(i+batch, len(mt.Rows))] {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + strings.Join(row, ", ") + ")")
		}
		if err := s.exec(ctx, b.String()); err != nil {
			return fmt.Errorf("build %s: %w", name, err)
		}
	}
	return nil
}

// registerTable handles CALL register_table('ns.t', 'metadata.json').
func (s *Session) registerTable(ctx context.Context, args string) (*Rows, error) {
	parts := splitTop(args)
	if len(parts) != 2 {
		return nil, fmt.Errorf("register_table takes two arguments: CALL register_table('ns.table', '/path/to/metadata.json')")
	}
	var vals [2]string
	for i, p := range parts {
		toks := sqltext.Code(p)
		if len(toks) != 1 || toks[0].Kind != sqltext.String {
			return nil, fmt.Errorf("register_table: argument %d must be a string literal", i+1)
		}
		vals[i] = toks[0].StringValue()
	}
	ident := strings.TrimPrefix(vals[0], "lake.")
	ns, name, ok := strings.Cut(ident, ".")
	if !ok || ns == "" || name == "" || strings.Contains(name, ".") {
		return nil, fmt.Errorf("register_table: name %q must be schema.table", vals[0])
	}
	if _, err := s.wh.RegisterTable(ctx, ns, name, vals[1]); err != nil {
		return nil, err
	}
	if err := s.definePlaceholder(ctx, ns, name); err != nil {
		// Registration either completes or leaves no trace.
		bg := context.WithoutCancel(ctx)
		s.wh.DropTable(bg, ns, name, true, false)
		s.forget(bg, tableKey{ns, name})
		return nil, fmt.Errorf("register table lake.%s.%s: %w", ns, name, err)
	}
	return okRows(), nil
}
