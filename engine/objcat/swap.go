package objcat

import (
	"context"
	"errors"
	"fmt"

	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/vfs"
)

// ErrMoved reports a SwapMetadataLocation that found the pointer no longer
// naming the metadata file it was to move from.
var ErrMoved = errors.New("the pointer moved")

// SwapMetadataLocation moves a table's pointer from the metadata file
// oldLoc to newLoc without reading either (a replicator wrote newLoc and
// everything it reaches first): a conditional swap of the pointer object
// that fails with ErrMoved when the pointer no longer names oldLoc, also
// when another writer swaps it between the read and the write. oldLoc ""
// creates the pointer, failing with catalog.ErrTableAlreadyExists when a
// live one exists; the namespace must exist.
func (c *Catalog) SwapMetadataLocation(ctx context.Context, ident table.Identifier, oldLoc, newLoc string) error {
	if err := validTable(ident); err != nil {
		return err
	}
	if newLoc == "" {
		return fmt.Errorf("table %s: swap the pointer to no metadata file", identString(ident))
	}
	ns := catalog.NamespaceFromIdent(ident)
	if oldLoc == "" {
		if exists, err := c.CheckNamespaceExists(ctx, ns); err != nil {
			return err
		} else if !exists {
			return fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(ns))
		}
	}
	p, version, err := c.readPointer(ident)
	if err != nil {
		return err
	}
	live := p != nil && !p.Dropped
	switch {
	case oldLoc == "" && live:
		return fmt.Errorf("%w: %s", catalog.ErrTableAlreadyExists, identString(ident))
	case oldLoc != "" && !live:
		return fmt.Errorf("%w: %s", catalog.ErrNoSuchTable, identString(ident))
	case oldLoc != "" && p.MetadataLocation != oldLoc:
		return fmt.Errorf("table %s: %w: it names %s, not %s", identString(ident), ErrMoved, p.MetadataLocation, oldLoc)
	}
	np := pointer{Namespace: ns, Name: catalog.TableNameFromIdent(ident), MetadataLocation: newLoc, PreviousMetadataLocation: oldLoc}
	if err := c.swapPointer(ident, np, version); err != nil {
		if errors.Is(err, vfs.ErrConflict) {
			if oldLoc == "" {
				return fmt.Errorf("%w: %s (created meanwhile)", catalog.ErrTableAlreadyExists, identString(ident))
			}
			return fmt.Errorf("table %s: %w: %w", identString(ident), ErrMoved, err)
		}
		return fmt.Errorf("table %s: swap the pointer: %w", identString(ident), err)
	}
	return nil
}
