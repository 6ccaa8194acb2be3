package lakesql

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// TestMaintainedLayoutMatchesCompacted: after one policy-driven maintenance
// run, the delete-heavy table of BenchmarkMaintenance is laid out as a
// table written by one INSERT of the same rows: one data file, no delete
// files, the same rows, as many row groups (give or take one), the same
// compression, and bytes within 1%. So the scan-time ratio the benchmark
// reports after maintenance measures the machine, not a layout difference.
func TestMaintainedLayoutMatchesCompacted(t *testing.T) {
	f := openLake(t)
	deleteHeavyTables(t, f.s, 200_000)
	if _, err := f.s.Maintain(f.ctx, "m.dv"); err != nil {
		t.Fatal(err)
	}
	type layout struct {
		DataFiles, DeleteFiles, Rows string
		Compression                  []string // codecs used
	}
	get := func(tbl string) (layout, float64, int) {
		t.Helper()
		var l layout
		var bytes float64
		groups := 0
		l.DataFiles = f.one(`SELECT count(*) FROM lake.m."` + tbl + `$files"`)
		l.DeleteFiles = f.one(`SELECT count(*) FROM lake.m."` + tbl + `$delete_files"`)
		l.Rows = f.one(`SELECT count(*) FROM lake.m.` + tbl)
		var paths []string
		for _, r := range f.strings(`SELECT file_path, file_size_in_bytes FROM lake.m."` + tbl + `$files" ORDER BY file_path`) {
			p, _ := engine.LocalPath(r[0])
			paths = append(paths, engine.QuoteString(p))
			size, err := strconv.ParseFloat(r[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			bytes += size
		}
		list := "[" + strings.Join(paths, ", ") + "]"
		groups = len(f.strings(`SELECT DISTINCT file_name, row_group_id FROM parquet_metadata(` + list + `)`))
		for _, r := range f.strings(`SELECT DISTINCT compression FROM parquet_metadata(` + list + `) ORDER BY ALL`) {
			l.Compression = append(l.Compression, r[0])
		}
		return l, bytes, groups
	}
	dv, dvBytes, dvGroups := get("dv")
	compact, compactBytes, compactGroups := get("compact")
	if dv.DataFiles != "1" || dv.DeleteFiles != "0" {
		t.Errorf("maintained table: %s data files and %s delete files, want 1 and 0", dv.DataFiles, dv.DeleteFiles)
	}
	if diff := cmp.Diff(compact, dv); diff != "" {
		t.Errorf("maintained table's layout differs from the compacted one's (-compacted +maintained):\n%s", diff)
	}
	// DuckDB's parallel writer cuts row groups where its threads meet,
	// differently from run to run: as many, give or take one.
	if d := dvGroups - compactGroups; d < -1 || d > 1 {
		t.Errorf("%d row groups in the maintained table, %d in the compacted one", dvGroups, compactGroups)
	}
	if r := dvBytes / compactBytes; r < 0.99 || r > 1.01 {
		t.Errorf("maintained table has %.0f bytes, the compacted one %.0f: ratio %.4f, want within 1%%", dvBytes, compactBytes, r)
	}
	t.Logf("layout %+v; row groups %d vs %d; bytes %.0f vs %.0f", dv, dvGroups, compactGroups, dvBytes, compactBytes)
}
