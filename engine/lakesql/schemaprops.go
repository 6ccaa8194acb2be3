package lakesql

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/replica"
	"github.com/floehq/floe/internal/sqltext"
)

// alterSchema handles ALTER SCHEMA (DATABASE, NAMESPACE) lake.ns SET
// PROPERTIES ('k'='v', ...) and UNSET PROPERTIES [IF EXISTS] ('k', ...),
// Spark's DBPROPERTIES accepted as well: the namespace's properties in the
// catalog. replication.destinations (the destinations of the schema's
// tables that set none) is checked as floe replication put checks it.
func (s *Session) alterSchema(c *cursor) handler {
	name, ok := c.lakeName(1)
	if !ok {
		return nil
	}
	ns := name[0]
	fail := func(format string, args ...any) handler {
		err := fmt.Errorf("alter schema lake.%s: "+format, append([]any{ns}, args...)...)
		return func(context.Context) (*Rows, error) { return nil, err }
	}
	var (
		updates  map[string]string
		removals []string
	)
	switch {
	case c.accept("SET", "PROPERTIES"), c.accept("SET", "DBPROPERTIES"):
		inner, ok := c.group()
		if !ok || !c.done() {
			return fail("SET PROPERTIES needs ('key'='value', ...)")
		}
		props, err := parseProps(inner)
		if err != nil {
			return fail("%v", err)
		}
		updates = props
	case c.accept("UNSET", "PROPERTIES"), c.accept("UNSET", "DBPROPERTIES"):
		c.accept("IF", "EXISTS")
		inner, ok := c.group()
		if !ok || !c.done() {
			return fail("UNSET PROPERTIES needs ('key', ...)")
		}
		for _, p := range splitTop(inner) {
			toks := sqltext.Code(p)
			if len(toks) == 1 && toks[0].Kind == sqltext.String {
				removals = append(removals, toks[0].StringValue())
			} else {
				removals = append(removals, strings.TrimSpace(p))
			}
		}
	default:
		return fail("unsupported change %q (supported: SET PROPERTIES, UNSET PROPERTIES)", c.rest())
	}
	return func(ctx context.Context) (*Rows, error) {
		if v, ok := updates[engine.PropReplicationDestinations]; ok && strings.TrimSpace(v) != "" {
			if _, err := replica.NormalizeDestinations(s.wh, strings.Split(v, ",")); err != nil {
				return nil, fmt.Errorf("alter schema lake.%s: %s: %w", ns, engine.PropReplicationDestinations, err)
			}
		}
		if _, err := s.wh.Catalog().UpdateNamespaceProperties(ctx, table.Identifier{ns}, removals, updates); err != nil {
			return nil, fmt.Errorf("alter schema lake.%s: %w", ns, err)
		}
		return okRows(), nil
	}
}
