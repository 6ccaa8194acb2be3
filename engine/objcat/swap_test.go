package objcat_test

import (
	"context"
	"errors"
	"testing"

	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/objcat"
)

// TestSwapMetadataLocation moves a table's pointer without reading the
// metadata, only from the file it names: a register, a move, and each
// refusal (a live table registered again, a stale old location, a missing
// table or namespace), the pointer unchanged by every refusal.
func TestSwapMetadataLocation(t *testing.T) {
	c, _ := withTable(t)
	ctx := context.Background()
	orig, err := c.MetadataLocation(table.Identifier{"ns", "t"})
	if err != nil {
		t.Fatal(err)
	}
	r := table.Identifier{"ns", "r"}
	steps := []struct {
		name          string
		ident         table.Identifier
		oldLoc, nwLoc string
		want          error
		after         string // r's pointer after the step
	}{
		{"register", r, "", "file:///m/1.json", nil, "file:///m/1.json"},
		{"register again", r, "", "file:///m/x.json", catalog.ErrTableAlreadyExists, "file:///m/1.json"},
		{"move", r, "file:///m/1.json", "file:///m/2.json", nil, "file:///m/2.json"},
		{"stale", r, "file:///m/1.json", "file:///m/3.json", objcat.ErrMoved, "file:///m/2.json"},
		{"missing table", table.Identifier{"ns", "nope"}, "file:///m/1.json", "file:///m/3.json", catalog.ErrNoSuchTable, "file:///m/2.json"},
		{"missing namespace", table.Identifier{"nope", "r"}, "", "file:///m/3.json", catalog.ErrNoSuchNamespace, "file:///m/2.json"},
	}
	for _, s := range steps {
		err := c.SwapMetadataLocation(ctx, s.ident, s.oldLoc, s.nwLoc)
		if s.want == nil && err != nil || s.want != nil && !errors.Is(err, s.want) {
			t.Fatalf("%s: %v, want %v", s.name, err, s.want)
		}
		if got, err := c.MetadataLocation(r); err != nil || got != s.after {
			t.Fatalf("%s: ns.r points at %q (%v), want %q", s.name, got, err, s.after)
		}
	}
	if got, _ := c.MetadataLocation(table.Identifier{"ns", "t"}); got != orig {
		t.Fatalf("ns.t moved to %s", got)
	}
}
