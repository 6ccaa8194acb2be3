package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

func openWarehouse(t *testing.T, dir string) *engine.Warehouse {
	t.Helper()
	wh, err := engine.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	return wh
}

// writeParquet has DuckDB write query's rows to a Parquet file in dir with
// the table's field ids, as floe's SQL layer does.
func writeParquet(t *testing.T, tbl *engine.Table, dir, name, query string) string {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	path := filepath.Join(dir, name)
	q := fmt.Sprintf("COPY (%s) TO %s (FORMAT parquet, FIELD_IDS %s)", query, engine.QuoteString(path), engine.FieldIDsClause(tbl.Schema()))
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return path
}

func TestWarehouseNamespaces(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new", "wh")
	wh := openWarehouse(t, dir)
	if _, err := os.Stat(filepath.Join(dir, engine.CatalogFile)); err != nil {
		t.Fatalf("no catalog in a new warehouse: %v", err)
	}
	for _, ns := range []string{"b", "a"} {
		if err := wh.CreateNamespace(ctx, ns, false); err != nil {
			t.Fatal(err)
		}
	}
	if err := wh.CreateNamespace(ctx, "a", false); !errors.Is(err, engine.ErrNamespaceExists) {
		t.Errorf("second CREATE SCHEMA a: %v, want ErrNamespaceExists", err)
	}
	if err := wh.CreateNamespace(ctx, "a", true); err != nil {
		t.Errorf("CREATE SCHEMA IF NOT EXISTS a: %v", err)
	}
	if _, err := wh.CreateTable(ctx, "a", "t", engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "INTEGER"}}}); err != nil {
		t.Fatal(err)
	}

	// Everything is in the directory: a second handle sees it.
	wh2 := openWarehouse(t, dir)
	nss, err := wh2.Namespaces(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b"}, nss); diff != "" {
		t.Errorf("namespaces (-want +got):\n%s", diff)
	}
	tables, err := wh2.Tables(ctx, "a")
	if err != nil || len(tables) != 1 || tables[0] != "t" {
		t.Errorf("tables in a: %v, %v; want [t]", tables, err)
	}

	if err := wh.DropNamespace(ctx, "a", false, false); !errors.Is(err, engine.ErrNamespaceNotEmpty) || !strings.Contains(err.Error(), "lake.a") {
		t.Errorf("DROP SCHEMA a with a table: %v, want ErrNamespaceNotEmpty naming lake.a", err)
	}
	if err := wh.DropNamespace(ctx, "zz", false, false); !errors.Is(err, engine.ErrNoSuchNamespace) {
		t.Errorf("DROP SCHEMA zz: %v, want ErrNoSuchNamespace", err)
	}
	if err := wh.DropNamespace(ctx, "zz", true, false); err != nil {
		t.Errorf("DROP SCHEMA IF EXISTS zz: %v", err)
	}
	if err := wh.DropNamespace(ctx, "a", false, true); err != nil {
		t.Fatal(err)
	}
	if _, err := wh.Table(ctx, "a", "t"); !errors.Is(err, engine.ErrNoSuchTable) {
		t.Errorf("table after DROP SCHEMA CASCADE: %v, want ErrNoSuchTable", err)
	}
}

func TestCreateTable(t *testing.T) {
	ctx := context.Background()
	wh := openWarehouse(t, t.TempDir())
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	cols := []engine.Column{{Name: "id", Type: "BIGINT", NotNull: true}, {Name: "ts", Type: "TIMESTAMP"}}

	t2, err := wh.CreateTable(ctx, "ns", "v2", engine.CreateOptions{Columns: cols,
		Partition: []engine.PartitionTerm{{Column: "ts", Transform: "day"}}})
	if err != nil {
		t.Fatal(err)
	}
	if t2.FormatVersion() != 2 {
		t.Errorf("default format version %d, want 2", t2.FormatVersion())
	}
	if _, ok := t2.Properties()[engine.PropDeleteMode]; ok {
		t.Errorf("a v2 table got %s by default", engine.PropDeleteMode)
	}
	if got, want := t2.Location(), "file://"+filepath.Join(wh.Dir(), "ns.db", "v2"); got != want {
		t.Errorf("location %s, want %s", got, want)
	}
	if spec := t2.Spec(); spec.NumFields() != 1 || spec.Field(0).Name != "ts_day" {
		t.Errorf("spec %v, want day(ts)", spec)
	}

	t3, err := wh.CreateTable(ctx, "ns", "v3", engine.CreateOptions{Columns: cols,
		Properties: map[string]string{engine.PropFormatVersion: "3", engine.PropUpdateMode: "copy-on-write"}})
	if err != nil {
		t.Fatal(err)
	}
	if t3.FormatVersion() != 3 {
		t.Errorf("format version %d, want 3", t3.FormatVersion())
	}
	wantProps := iceberg.Properties{engine.PropDeleteMode: "merge-on-read", engine.PropUpdateMode: "copy-on-write", engine.PropMergeMode: "merge-on-read"}
	if diff := cmp.Diff(wantProps, t3.Properties()); diff != "" {
		t.Errorf("v3 properties (-want +got):\n%s", diff)
	}

	if _, err := wh.CreateTable(ctx, "ns", "v2", engine.CreateOptions{Columns: cols}); !errors.Is(err, engine.ErrTableExists) {
		t.Errorf("creating v2 again: %v, want ErrTableExists", err)
	}
	if again, err := wh.CreateTable(ctx, "ns", "v2", engine.CreateOptions{Columns: cols, IfNotExists: true}); err != nil || again.MetadataLocation() != t2.MetadataLocation() {
		t.Errorf("IF NOT EXISTS: %v; want the existing table", err)
	}
	for _, tc := range []struct {
		name string
		opts engine.CreateOptions
		ns   string
		err  error
	}{
		{"no columns", engine.CreateOptions{}, "ns", nil},
		{"no schema", engine.CreateOptions{Columns: cols}, "nope", engine.ErrNoSuchNamespace},
		{"bad type", engine.CreateOptions{Columns: []engine.Column{{Name: "x", Type: "INTERVAL"}}}, "ns", engine.ErrUnsupportedType},
		{"bad partition", engine.CreateOptions{Columns: cols, Partition: []engine.PartitionTerm{{Column: "id", Transform: "day"}}}, "ns", engine.ErrInvalidPartition},
		{"bad version", engine.CreateOptions{Columns: cols, Properties: map[string]string{engine.PropFormatVersion: "7"}}, "ns", nil},
		{"bad mode", engine.CreateOptions{Columns: cols, Properties: map[string]string{engine.PropMergeMode: "never"}}, "ns", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wh.CreateTable(ctx, tc.ns, "bad", tc.opts)
			if err == nil || !strings.Contains(err.Error(), "lake."+tc.ns+".bad") {
				t.Errorf("error %v does not name lake.%s.bad", err, tc.ns)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Errorf("error %v is not %v", err, tc.err)
			}
		})
	}
}

// TestAppendFiles commits Parquet files through the engine API: partition
// values, NOT NULL columns (DuckDB writes every column optional) and the
// row ids format v3 requires.
func TestAppendFiles(t *testing.T) {
	ctx := context.Background()
	wh := openWarehouse(t, t.TempDir())
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	for _, version := range []string{"2", "3"} {
		t.Run("v"+version, func(t *testing.T) {
			tbl, err := wh.CreateTable(ctx, "ns", "t"+version, engine.CreateOptions{
				Columns:    []engine.Column{{Name: "id", Type: "INTEGER", NotNull: true}, {Name: "d", Type: "DATE"}},
				Partition:  []engine.PartitionTerm{{Column: "d", Transform: "identity"}},
				Properties: map[string]string{engine.PropFormatVersion: version},
			})
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			day := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
			files := []engine.WrittenFile{
				{Path: writeParquet(t, tbl, dir, "a.parquet", `SELECT 1::INTEGER AS id, DATE '2024-01-02' AS d UNION ALL SELECT 2, DATE '2024-01-02'`), Partition: []any{day}},
				{Path: writeParquet(t, tbl, dir, "b.parquet", `SELECT 3::INTEGER AS id, NULL::DATE AS d`), Partition: []any{nil}},
			}
			tbl, err = tbl.AppendFiles(ctx, files, map[string]string{"floe.test": "yes"})
			if err != nil {
				t.Fatal(err)
			}
			tbl, err = tbl.AppendFiles(ctx, []engine.WrittenFile{
				{Path: writeParquet(t, tbl, dir, "c.parquet", `SELECT 4::INTEGER AS id, DATE '2024-01-03' AS d`), Partition: []any{day.AddDate(0, 0, 1)}},
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(tbl.Snapshots()); n != 2 {
				t.Errorf("%d snapshots, want 2", n)
			}
			dfs, err := tbl.DataFiles(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			var rowIDs []string
			for _, df := range dfs {
				got[filepath.Base(df.FilePath())] = fmt.Sprintf("%v rows=%d", df.Partition()[1000], df.Count())
				if id := df.FirstRowID(); id != nil {
					rowIDs = append(rowIDs, fmt.Sprintf("%s@%d", filepath.Base(df.FilePath()), *id))
				}
			}
			want := map[string]string{"a.parquet": "19724 rows=2", "b.parquet": "<nil> rows=1", "c.parquet": "19725 rows=1"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("data files (-want +got):\n%s", diff)
			}
			if version == "3" {
				// Row ids are unique across files: a 0-1, b 2, c 3.
				wantIDs := []string{"a.parquet@0", "b.parquet@2", "c.parquet@3"}
				slices.Sort(rowIDs)
				if diff := cmp.Diff(wantIDs, rowIDs); diff != "" {
					t.Errorf("first row ids (-want +got):\n%s", diff)
				}
				if next := tbl.Iceberg().Metadata().NextRowID(); next != 4 {
					t.Errorf("next row id %d, want 4", next)
				}
			}
			// iceberg-go reads them back, NOT NULL column included.
			at, err := tbl.Iceberg().Scan().ToArrowTable(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer at.Release()
			if at.NumRows() != 4 {
				t.Errorf("iceberg-go reads %d rows, want 4", at.NumRows())
			}
		})
	}
}

func TestSnapshotLookups(t *testing.T) {
	ctx := context.Background()
	wh := openWarehouse(t, t.TempDir())
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	tbl, err := wh.CreateTable(ctx, "ns", "t", engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "INTEGER"}}})
	if err != nil {
		t.Fatal(err)
	}
	// An empty table plans to no files and a typed empty relation.
	plan, err := tbl.PlanScan(ctx, engine.ScanOptions{})
	if err != nil || plan.Snapshot != nil || len(plan.Tasks) != 0 {
		t.Fatalf("plan of an empty table: %+v, %v", plan, err)
	}
	if q, err := plan.SQL(); err != nil || !strings.Contains(q, "WHERE false") {
		t.Errorf("SQL of an empty plan: %q, %v", q, err)
	}

	tbl, err = tbl.AppendFiles(ctx, []engine.WrittenFile{{Path: writeParquet(t, tbl, t.TempDir(), "a.parquet", "SELECT 1::INTEGER AS id")}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	snap := tbl.Snapshots()[0]
	if s, err := tbl.SnapshotByID(snap.SnapshotID); err != nil || s.SnapshotID != snap.SnapshotID {
		t.Errorf("SnapshotByID(%d) = %v, %v", snap.SnapshotID, s, err)
	}
	if _, err := tbl.SnapshotByID(42); !errors.Is(err, engine.ErrNoSuchSnapshot) || !strings.Contains(err.Error(), "lake.ns.t") {
		t.Errorf("SnapshotByID(42) = %v, want ErrNoSuchSnapshot naming lake.ns.t", err)
	}
	if s, err := tbl.SnapshotAsOf(time.UnixMilli(snap.TimestampMs)); err != nil || s.SnapshotID != snap.SnapshotID {
		t.Errorf("SnapshotAsOf(commit time) = %v, %v", s, err)
	}
	if _, err := tbl.SnapshotAsOf(time.UnixMilli(snap.TimestampMs - 1)); !errors.Is(err, engine.ErrNoSuchSnapshot) {
		t.Errorf("SnapshotAsOf(before) = %v, want ErrNoSuchSnapshot", err)
	}
	if _, err := tbl.PlanScan(ctx, engine.ScanOptions{SnapshotID: 42}); !errors.Is(err, engine.ErrNoSuchSnapshot) {
		t.Errorf("PlanScan(snapshot 42) = %v, want ErrNoSuchSnapshot", err)
	}
}

func TestAlterSchemaAndProperties(t *testing.T) {
	ctx := context.Background()
	wh := openWarehouse(t, t.TempDir())
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	tbl, err := wh.CreateTable(ctx, "ns", "t", engine.CreateOptions{Columns: []engine.Column{
		{Name: "i", Type: "INTEGER"}, {Name: "f", Type: "FLOAT"}, {Name: "d", Type: "DECIMAL(9,2)"}, {Name: "s", Type: "VARCHAR"}}})
	if err != nil {
		t.Fatal(err)
	}
	tbl, err = tbl.AlterSchema(ctx,
		engine.SchemaChange{Op: "type", Column: "i", Type: "BIGINT"},
		engine.SchemaChange{Op: "type", Column: "f", Type: "DOUBLE"},
		engine.SchemaChange{Op: "type", Column: "d", Type: "DECIMAL(18,2)"},
		engine.SchemaChange{Op: "add", Column: "n", Type: "STRUCT(a INTEGER)"},
		engine.SchemaChange{Op: "rename", Column: "s", NewName: "label"},
	)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range tbl.Schema().Fields() {
		got = append(got, f.Name+" "+f.Type.String())
	}
	want := []string{"i long", "f double", "d decimal(18, 2)", "label string", "n struct<6: a: optional int>"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("schema (-want +got):\n%s", diff)
	}
	before := tbl.MetadataLocation()
	for _, c := range []engine.SchemaChange{
		{Op: "type", Column: "i", Type: "INTEGER"},
		{Op: "type", Column: "d", Type: "DECIMAL(18,3)"},
		{Op: "type", Column: "label", Type: "BIGINT"},
		{Op: "drop", Column: "nope"},
		{Op: "frobnicate", Column: "i"},
	} {
		if _, err := tbl.AlterSchema(ctx, c); err == nil || !strings.Contains(err.Error(), "lake.ns.t") {
			t.Errorf("AlterSchema(%+v) = %v, want an error naming lake.ns.t", c, err)
		}
	}
	if cur, _ := wh.MetadataLocation(ctx, "ns", "t"); cur != before {
		t.Errorf("failed changes committed")
	}

	tbl, err = tbl.SetProperties(ctx, map[string]string{"owner": "ana", engine.PropFormatVersion: "3"})
	if err != nil {
		t.Fatal(err)
	}
	if tbl.FormatVersion() != 3 || tbl.Properties()["owner"] != "ana" {
		t.Errorf("after SetProperties: v%d %v", tbl.FormatVersion(), tbl.Properties())
	}
	if _, err := tbl.SetProperties(ctx, map[string]string{engine.PropFormatVersion: "2"}); err == nil || !strings.Contains(err.Error(), "downgrade") {
		t.Errorf("downgrade: %v", err)
	}
	if tbl, err = tbl.UnsetProperties(ctx, []string{"owner"}); err != nil || tbl.Properties()["owner"] != "" {
		t.Errorf("UnsetProperties: %v, %v", tbl.Properties(), err)
	}
}

func TestDropAndRegisterTable(t *testing.T) {
	ctx := context.Background()
	wh := openWarehouse(t, t.TempDir())
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	create := func(name string) *engine.Table {
		tbl, err := wh.CreateTable(ctx, "ns", name, engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "INTEGER"}}})
		if err != nil {
			t.Fatal(err)
		}
		dir, _ := tbl.DataDir()
		os.MkdirAll(dir, 0o755)
		tbl, err = tbl.AppendFiles(ctx, []engine.WrittenFile{{Path: writeParquet(t, tbl, dir, "a.parquet", "SELECT 1::INTEGER AS id")}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tbl
	}
	kept, purged := create("kept"), create("purged")
	keptDir, _ := engine.LocalPath(kept.Location())
	purgedDir, _ := engine.LocalPath(purged.Location())

	if err := wh.DropTable(ctx, "ns", "purged", false, true); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(purgedDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s after purge: %v", purgedDir, err)
	}
	if err := wh.DropTable(ctx, "ns", "kept", false, false); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(keptDir, "data", "a.parquet")); err != nil {
		t.Errorf("DROP without purge removed data: %v", err)
	}
	if err := wh.DropTable(ctx, "ns", "kept", false, false); !errors.Is(err, engine.ErrNoSuchTable) {
		t.Errorf("second drop: %v, want ErrNoSuchTable", err)
	}
	if err := wh.DropTable(ctx, "ns", "kept", true, true); err != nil {
		t.Errorf("DROP IF EXISTS of a dropped table: %v", err)
	}

	// A new table of the dropped name gets a directory of its own.
	again := create("kept")
	if again.Location() == kept.Location() {
		t.Errorf("the new table reuses %s", kept.Location())
	}

	// The dropped table's metadata can be registered again.
	back, err := wh.RegisterTable(ctx, "other", "back", kept.MetadataLocation())
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Snapshots()) != 1 {
		t.Errorf("registered table has %d snapshots, want 1", len(back.Snapshots()))
	}
	if _, err := wh.RegisterTable(ctx, "other", "back", kept.MetadataLocation()); !errors.Is(err, engine.ErrTableExists) {
		t.Errorf("registering twice: %v, want ErrTableExists", err)
	}
	missing := filepath.Join(t.TempDir(), "x.metadata.json")
	if _, err := wh.RegisterTable(ctx, "other", "m", missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("registering a missing file: %v, want an error naming it", err)
	}
}

// TestCorruptMetadataFile checks that a table whose metadata file is
// garbage reports the file, and can still be dropped.
func TestCorruptMetadataFile(t *testing.T) {
	ctx := context.Background()
	wh := openWarehouse(t, t.TempDir())
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	tbl, err := wh.CreateTable(ctx, "ns", "t", engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "INTEGER"}}})
	if err != nil {
		t.Fatal(err)
	}
	path, _ := engine.LocalPath(tbl.MetadataLocation())
	if err := os.WriteFile(path, []byte("\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = wh.Table(ctx, "ns", "t")
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "lake.ns.t") {
		t.Errorf("loading a corrupt table: %v, want an error naming lake.ns.t and %s", err, path)
	}
	if errors.Is(err, engine.ErrNoSuchTable) {
		t.Errorf("a corrupt table reads as missing: %v", err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := wh.Table(ctx, "ns", "t"); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("loading a table without its metadata file: %v, want an error naming %s", err, path)
	}
	if err := wh.DropTable(ctx, "ns", "t", false, true); err != nil {
		t.Fatalf("dropping the corrupt table: %v", err)
	}
	dir, _ := engine.LocalPath(tbl.Location())
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("purge left %s: %v", dir, err)
	}
}
