package objcat_test

import (
	"net/url"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/catalogtest"

	"github.com/floehq/floe/engine/objcat"
	"github.com/floehq/floe/engine/vfs"
)

// newCatalog returns an object catalog over a fresh local directory.
func newCatalog(t *testing.T) (*objcat.Catalog, string) {
	dir := t.TempDir()
	props := iceberg.Properties{"warehouse": (&url.URL{Scheme: "file", Path: dir}).String()}
	return objcat.New(vfs.Local{}, vfs.Local{}, dir, props), dir
}

// TestConformance runs iceberg-go's catalog conformance suite.
func TestConformance(t *testing.T) {
	catalogtest.RunCatalogTests(t, catalogtest.Config{
		SupportsNamespaceProperties: true,
		NewCatalog: func(t *testing.T) catalog.Catalog {
			c, _ := newCatalog(t)
			return c
		},
	})
}
