package engine

import (
	"context"
	"sync"
)

// A statement looks up the tables it names several times while it is
// planned (the reference check, partition pruning, the scan); each look-up
// reads the catalog's pointer, which on object storage is a GET to the
// server. PinTables makes those look-ups read each pointer once: every
// reference of the statement sees the same version of a table, and a warm
// scan on object storage asks the server once per table.

type pinKey struct{}

// pins holds the metadata locations read under a pinned context.
type pins struct {
	mu   sync.Mutex
	locs map[[2]string]string
}

// PinTables returns a context under which a Warehouse's MetadataLocation
// (and Table, which reads it) reads each table's catalog pointer once and
// then answers from memory. It is for planning a statement: a context that
// outlives a commit of the tables would keep seeing their old versions, so
// it must not reach the commit.
func PinTables(ctx context.Context) context.Context {
	if _, ok := ctx.Value(pinKey{}).(*pins); ok {
		return ctx
	}
	return context.WithValue(ctx, pinKey{}, &pins{locs: map[[2]string]string{}})
}

// pinned returns the location pinned under ctx for a table.
func pinned(ctx context.Context, ns, name string) (string, bool) {
	p, ok := ctx.Value(pinKey{}).(*pins)
	if !ok {
		return "", false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	loc, ok := p.locs[[2]string{ns, name}]
	return loc, ok
}

// pin records a table's location under ctx, when ctx is pinned.
func pin(ctx context.Context, ns, name, loc string) {
	p, ok := ctx.Value(pinKey{}).(*pins)
	if !ok || loc == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.locs[[2]string{ns, name}] = loc
}
