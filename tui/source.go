package tui

import (
	"context"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/components/catalog"
)

// SessionCatalog lists the warehouse of a kernel session for the catalog
// tree. The kernel has no catalog listing of its own yet, so this reads
// the engine's warehouse behind the session's SQL session, and only reads.
func SessionCatalog(s *kernel.Session) catalog.Source { return sessionCatalog{s} }

type sessionCatalog struct{ s *kernel.Session }

func (c sessionCatalog) Namespaces(ctx context.Context) ([]string, error) {
	return c.s.SQL().Warehouse().Namespaces(ctx)
}

func (c sessionCatalog) Tables(ctx context.Context, ns string) ([]string, error) {
	return c.s.SQL().Warehouse().Tables(ctx, ns)
}

func (c sessionCatalog) Columns(ctx context.Context, ns, table string) ([]catalog.Column, error) {
	t, err := c.s.SQL().Warehouse().Table(ctx, ns, table)
	if err != nil {
		return nil, err
	}
	var cols []catalog.Column
	for _, f := range t.Schema().Fields() {
		cols = append(cols, catalog.Column{Name: f.Name, Type: f.Type.String()})
	}
	return cols, nil
}
