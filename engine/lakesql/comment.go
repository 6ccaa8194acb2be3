package lakesql

import (
	"context"
	"fmt"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// parseComment recognises DuckDB's COMMENT ON statements on lake objects:
//
//	COMMENT ON TABLE lake.ns.t IS 'text' | NULL
//	COMMENT ON COLUMN lake.ns.t.col IS 'text' | NULL
//
// A table comment is the Iceberg table property "comment" (what Spark and
// Trino show); a column comment is the field's doc in the schema. Each is
// one metadata commit.
func (s *Session) parseComment(c *cursor) handler {
	if !c.accept("COMMENT", "ON") {
		return nil
	}
	column := c.accept("COLUMN")
	if !column && !c.accept("TABLE") {
		return nil
	}
	parts := 2
	if column {
		parts = 3
	}
	name, ok := c.lakeName(parts)
	if !ok || !c.accept("IS") {
		return nil
	}
	var text string
	switch v := c.peek(); {
	case v.Kind == sqltext.String:
		text = v.StringValue()
	case v.Is("NULL"):
	default:
		return nil
	}
	c.i++
	if !c.done() {
		return nil
	}
	ns, table := name[0], name[1]
	return func(ctx context.Context) (*Rows, error) {
		ident := "lake." + ns + "." + table
		err := func() error {
			t, err := s.wh.Table(ctx, ns, table)
			if err != nil {
				return err
			}
			if !column {
				if text == "" {
					_, err = t.UnsetProperties(ctx, []string{"comment"})
					return err
				}
				_, err = t.SetProperties(ctx, map[string]string{"comment": text})
				return err
			}
			if _, ok := t.Schema().FindFieldByName(name[2]); !ok {
				return fmt.Errorf("no column %s", name[2])
			}
			_, err = t.AlterSchema(ctx, engine.SchemaChange{Op: "comment", Column: name[2], Comment: text})
			return err
		}()
		if err != nil {
			return nil, fmt.Errorf("comment on %s: %w", ident, err)
		}
		return okRows(), nil
	}
}
