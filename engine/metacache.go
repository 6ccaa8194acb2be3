package engine

import (
	"sync"

	"github.com/apache/iceberg-go/table"
)

// metaCache keeps parsed table metadata by the location of its file.
// Iceberg metadata files are never rewritten - a commit writes a new file
// and swaps the catalog's pointer - so a location names one content for
// ever, and a table whose pointer did not move needs no new parse. Parsing
// a long history's metadata.json costs milliseconds, and one statement
// loads its tables several times (planning, the table lock, the commit).
type metaCache struct {
	mu      sync.Mutex
	entries map[string]table.Metadata
}

// maxCachedMetadata bounds the cache; it is emptied when full.
const maxCachedMetadata = 256

func (c *metaCache) get(location string) table.Metadata {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.entries[location]
}

func (c *metaCache) put(location string, md table.Metadata) {
	if location == "" || md == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedMetadata {
		c.entries = map[string]table.Metadata{}
	}
	c.entries[location] = md
}

// committed returns the table at the metadata a commit of t wrote, and
// keeps that metadata for the next load of the table.
func (t *Table) committed(nt *table.Table) *Table {
	t.wh.meta.put(nt.MetadataLocation(), nt.Metadata())
	return &Table{wh: t.wh, NS: t.NS, Name: t.Name, tbl: nt}
}
