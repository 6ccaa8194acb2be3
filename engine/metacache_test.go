package engine_test

import (
	"context"
	"testing"

	"github.com/floehq/floe/engine"
)

// TestMetadataCacheFollowsTheCatalog loads a table through two warehouse
// handles on one directory, as two processes do: a commit through one is
// seen by the other at once, though each keeps parsed metadata, because
// the catalog's pointer is read on every load.
func TestMetadataCacheFollowsTheCatalog(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, b := openWarehouse(t, dir), openWarehouse(t, dir)
	if err := a.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateTable(ctx, "ns", "t", engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "INTEGER"}}}); err != nil {
		t.Fatal(err)
	}
	for i, owner := range []string{"ana", "bo", "cy"} {
		writer, reader := a, b
		if i%2 == 1 {
			writer, reader = b, a
		}
		before, err := reader.Table(ctx, "ns", "t") // parsed and kept
		if err != nil {
			t.Fatal(err)
		}
		tbl, err := writer.Table(ctx, "ns", "t")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tbl.SetProperties(ctx, map[string]string{"owner": owner}); err != nil {
			t.Fatal(err)
		}
		after, err := reader.Table(ctx, "ns", "t")
		if err != nil {
			t.Fatal(err)
		}
		if after.MetadataLocation() == before.MetadataLocation() || after.Properties()["owner"] != owner {
			t.Errorf("step %d: the other handle reads owner %q at %s, want %q at a new location",
				i, after.Properties()["owner"], after.MetadataLocation(), owner)
		}
		again, err := writer.Table(ctx, "ns", "t")
		if err != nil || again.Properties()["owner"] != owner {
			t.Errorf("step %d: the writer reads owner %q (%v), want %q", i, again.Properties()["owner"], err, owner)
		}
	}
}
