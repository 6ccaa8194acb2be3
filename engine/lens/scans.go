package lens

import (
	"strings"

	"github.com/floehq/floe/engine"
)

// ObserveScan counts the data files a query read (engine.ScanObserver):
// DuckDB reads them itself, not through the FS this counter wraps, so
// without it activity_daily would miss every query's reads. Each file
// counts one read request of its size and is among the files accessed.
// On object storage DuckDB reads the local cache's copy: the GET that
// filled the cache went through this counter already (and a cached read
// reaches no server), so there the file only counts as accessed.
func (c *CountingFS) ObserveScan(table [2]string, files []engine.ScannedFile) {
	for _, f := range files {
		k := c.tableOf(f.Location)
		if k == nil {
			continue
		}
		if !remote(f.Location) {
			k.readRequests.Add(1)
			k.bytesRead.Add(f.Bytes)
		}
		k.touch(f.Location)
	}
}

// remote reports whether a location is on object storage.
func remote(loc string) bool {
	scheme, _, ok := strings.Cut(loc, "://")
	return ok && !strings.EqualFold(scheme, "file")
}
