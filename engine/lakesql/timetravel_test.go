package lakesql

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/floehq/floe/engine"
)

// travelFixture makes lake.ns.t, partitioned by kind, with three appends:
// ids 1-2, 3-5 and 6, and returns the snapshot ids and commit times.
func travelFixture(t *testing.T) (*lakeFixture, []string, []string) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns;
		CREATE TABLE lake.ns.t (id INTEGER, kind VARCHAR) PARTITIONED BY (kind);
		INSERT INTO lake.ns.t VALUES (1, 'a'), (2, 'b');
		INSERT INTO lake.ns.t VALUES (3, 'a'), (4, 'b'), (5, 'c');
		INSERT INTO lake.ns.t VALUES (6, 'a')`)
	var ids, times []string
	for _, r := range f.strings(`SELECT snapshot_id, strftime(committed_at, '%Y-%m-%d %H:%M:%S.%g+00')
		FROM lake.ns."t$snapshots" ORDER BY committed_at, snapshot_id`) {
		ids, times = append(ids, r[0]), append(times, r[1])
	}
	if len(ids) != 3 {
		t.Fatalf("%d snapshots, want 3", len(ids))
	}
	return f, ids, times
}

func TestTimeTravel(t *testing.T) {
	f, ids, times := travelFixture(t)
	upTo := [][]string{{"1", "2"}, {"1", "2", "3", "4", "5"}, {"1", "2", "3", "4", "5", "6"}}
	for k := range ids {
		want := make([][]string, len(upTo[k]))
		for i, id := range upTo[k] {
			want[i] = []string{id}
		}
		t.Run(fmt.Sprintf("version %d", k+1), func(t *testing.T) {
			diffRows(t, "AT VERSION", want, f.strings(`SELECT id FROM lake.ns.t AT (VERSION => `+ids[k]+`) ORDER BY id`))
		})
		t.Run(fmt.Sprintf("timestamp %d", k+1), func(t *testing.T) {
			diffRows(t, "AT TIMESTAMP", want, f.strings(`SELECT id FROM lake.ns.t AT (TIMESTAMP => TIMESTAMPTZ '`+times[k]+`') ORDER BY id`))
		})
	}

	t.Run("old and new together", func(t *testing.T) {
		got := f.strings(`SELECT o.id, n.kind FROM lake.ns.t AT (VERSION => ` + ids[0] + `) o
			JOIN lake.ns.t n ON n.id = o.id + 4 ORDER BY o.id`)
		diffRows(t, "join", [][]string{{"1", "c"}, {"2", "a"}}, got)
		got = f.strings(`SELECT count(*) FROM lake.ns.t AT (VERSION => ` + ids[1] + `) WHERE kind = 'a'`)
		diffRows(t, "pruned old snapshot", [][]string{{"2"}}, got)
		if n := f.planFiles("lake.ns.t"); n != 2 {
			t.Errorf("old snapshot scan for kind = 'a' kept %d files, want 2", n)
		}
	})

	t.Run("future timestamp is current", func(t *testing.T) {
		diffRows(t, "future", [][]string{{"6"}}, f.strings(`SELECT count(*) FROM lake.ns.t AT (TIMESTAMP => now() + INTERVAL 1 DAY)`))
	})

	for _, tc := range []struct {
		name, sql string
		frag      []string
	}{
		{"unknown version", `SELECT * FROM lake.ns.t AT (VERSION => 12345)`, []string{"lake.ns.t", "12345", "no such snapshot"}},
		{"before the first snapshot", `SELECT * FROM lake.ns.t AT (TIMESTAMP => TIMESTAMP '2000-01-01')`, []string{"lake.ns.t", "2000-01-01", "no such snapshot"}},
		{"version that is not a number", `SELECT * FROM lake.ns.t AT (VERSION => 'abc')`, []string{"lake.ns.t", "VERSION"}},
		{"metadata table", `SELECT * FROM lake.ns."t$files" AT (VERSION => ` + ids[0] + `)`, []string{"lake.ns.t$files", "AT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := f.fails(tc.sql)
			var sentinel error
			if strings.Contains(tc.frag[len(tc.frag)-1], "no such snapshot") {
				sentinel = engine.ErrNoSuchSnapshot
			}
			wantErr(t, err, sentinel, tc.frag...)
		})
	}
}

// TestMetadataTables checks the columns of every metadata table (against
// a golden file) and their rows for a table with three appends.
func TestMetadataTables(t *testing.T) {
	f, ids, _ := travelFixture(t)
	var desc strings.Builder
	for _, m := range engine.MetadataTables {
		fmt.Fprintf(&desc, "$%s\n", m)
		for _, r := range f.strings(`SELECT column_name, column_type FROM (DESCRIBE lake.ns."t$` + m + `")`) {
			fmt.Fprintf(&desc, "  %s %s\n", r[0], r[1])
		}
	}
	golden(t, "metadata_tables.golden", desc.String())

	count := func(m string) string { return f.one(`SELECT count(*) FROM lake.ns."t$` + m + `"`) }
	for _, tc := range []struct{ table, rows string }{
		{"snapshots", "3"}, {"history", "3"}, {"manifests", "3"}, {"refs", "1"},
		// kind a: 3 files, b: 2, c: 1.
		{"files", "6"}, {"partitions", "3"}, {"delete_files", "0"},
	} {
		if got := count(tc.table); got != tc.rows {
			t.Errorf("$%s has %s rows, want %s", tc.table, got, tc.rows)
		}
	}

	diffRows(t, "$snapshots", [][]string{
		{ids[0], "NULL", "append", "2", "2"},
		{ids[1], ids[0], "append", "3", "5"},
		{ids[2], ids[1], "append", "1", "6"},
	}, f.strings(`SELECT snapshot_id, parent_id, operation, summary['added-records'], summary['total-records']
		FROM lake.ns."t$snapshots" ORDER BY committed_at, snapshot_id`))
	diffRows(t, "$history", [][]string{
		{ids[0], "NULL", "true"}, {ids[1], ids[0], "true"}, {ids[2], ids[1], "true"},
	}, f.strings(`SELECT snapshot_id, parent_id, is_current_ancestor FROM lake.ns."t$history" ORDER BY made_current_at, snapshot_id`))
	diffRows(t, "$refs", [][]string{{"main", "BRANCH", ids[2]}},
		f.strings(`SELECT name, type, snapshot_id FROM lake.ns."t$refs"`))
	diffRows(t, "$partitions", [][]string{
		{"MAP{kind=a}", "3", "3"}, {"MAP{kind=b}", "2", "2"}, {"MAP{kind=c}", "1", "1"},
	}, f.strings(`SELECT partition, record_count, file_count FROM lake.ns."t$partitions" ORDER BY partition['kind']`))
	diffRows(t, "$manifests", [][]string{{"3", "6", "6"}},
		f.strings(`SELECT count(*), sum(added_rows_count), sum(added_data_files_count) FROM lake.ns."t$manifests"`))

	// $files lists real files holding the rows, with their statistics.
	for _, r := range f.strings(`SELECT file_path, record_count, partition['kind'], lower_bounds[1], upper_bounds[1]
		FROM lake.ns."t$files"`) {
		path, ok := engine.LocalPath(r[0])
		if !ok {
			t.Fatalf("file %s is not local", r[0])
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("$files lists %s: %v", r[0], err)
		}
		stats := f.strings(`SELECT count(*), min(kind), min(id), max(id) FROM read_parquet(` + engine.QuoteString(path) + `)`)
		diffRows(t, "statistics of "+path, stats, [][]string{r[1:]})
	}

	// A metadata table is rebuilt when the table changes.
	f.exec(`INSERT INTO lake.ns.t VALUES (7, 'd')`)
	if got := count("snapshots"); got != "4" {
		t.Errorf("after another insert $snapshots has %s rows, want 4", got)
	}
}
