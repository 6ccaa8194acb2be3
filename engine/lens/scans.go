package lens

import "github.com/floehq/floe/engine"

// ObserveScan counts the data files a query read (engine.ScanObserver):
// DuckDB reads them itself, not through the FS this counter wraps, so
// without it activity_daily would miss every query's reads. Each file
// counts one read request of its size and is among the files accessed.
func (c *CountingFS) ObserveScan(table [2]string, files []engine.ScannedFile) {
	for _, f := range files {
		k := c.tableOf(f.Location)
		if k == nil {
			continue
		}
		k.readRequests.Add(1)
		k.bytesRead.Add(f.Bytes)
		k.touch(f.Location)
	}
}
