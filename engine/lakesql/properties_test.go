package lakesql

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// metadataJSON reads a table's current metadata file as written.
func metadataJSON(t *testing.T, tbl *engine.Table) map[string]any {
	t.Helper()
	path, ok := engine.LocalPath(tbl.MetadataLocation())
	if !ok {
		t.Fatalf("metadata %s is not local", tbl.MetadataLocation())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func TestTableProperties(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.ns`)

	props := func(name string) map[string]string {
		out := map[string]string{}
		for k, v := range f.table("ns", name).Properties() {
			if k != "schema.name-mapping.default" { // iceberg-go adds it on the first append
				out[k] = v
			}
		}
		return out
	}
	formatVersion := func(name string) float64 {
		v, _ := metadataJSON(t, f.table("ns", name))["format-version"].(float64)
		return v
	}

	t.Run("default is v2", func(t *testing.T) {
		f.exec(`CREATE TABLE lake.ns.v2 (id INTEGER); INSERT INTO lake.ns.v2 VALUES (1)`)
		if v := formatVersion("v2"); v != 2 {
			t.Errorf("format-version %v, want 2", v)
		}
		if diff := cmp.Diff(map[string]string{}, props("v2")); diff != "" {
			t.Errorf("properties (-want +got):\n%s", diff)
		}
	})

	t.Run("v3 with merge-on-read", func(t *testing.T) {
		f.exec(`CREATE TABLE lake.ns.v3 (id INTEGER, s VARCHAR) PARTITIONED BY (s)
			TBLPROPERTIES ('format-version'='3', 'write.delete.mode'='merge-on-read', 'owner'='ana')`)
		if v := formatVersion("v3"); v != 3 {
			t.Errorf("format-version %v, want 3", v)
		}
		want := map[string]string{"owner": "ana", "write.delete.mode": "merge-on-read",
			"write.update.mode": "merge-on-read", "write.merge.mode": "merge-on-read"}
		if diff := cmp.Diff(want, props("v3")); diff != "" {
			t.Errorf("properties (-want +got):\n%s", diff)
		}
		// v3 tables take writes, which carry row lineage.
		f.exec(`INSERT INTO lake.ns.v3 VALUES (1, 'a'), (2, 'b'); INSERT INTO lake.ns.v3 VALUES (3, 'a')`)
		diffRows(t, "v3 rows", [][]string{{"1", "a"}, {"2", "b"}, {"3", "a"}}, f.strings(`SELECT * FROM lake.ns.v3 ORDER BY id`))
		it := f.table("ns", "v3")
		diffRows(t, "iceberg-go reads v3", floeRows(t, f, `SELECT * FROM lake.ns.v3`), icebergRows(t, f, it, nil))
		if next, _ := metadataJSON(t, it)["next-row-id"].(float64); next != 3 {
			t.Errorf("next-row-id %v, want 3", next)
		}
	})

	t.Run("alter", func(t *testing.T) {
		f.exec(`ALTER TABLE lake.ns.v2 SET TBLPROPERTIES ('owner'='bo', 'write.update.mode'='copy-on-write')`)
		want := map[string]string{"owner": "bo", "write.update.mode": "copy-on-write"}
		if diff := cmp.Diff(want, props("v2")); diff != "" {
			t.Errorf("after SET (-want +got):\n%s", diff)
		}
		f.exec(`ALTER TABLE lake.ns.v2 UNSET TBLPROPERTIES ('owner')`)
		if diff := cmp.Diff(map[string]string{"write.update.mode": "copy-on-write"}, props("v2")); diff != "" {
			t.Errorf("after UNSET (-want +got):\n%s", diff)
		}
	})

	t.Run("upgrade to v3", func(t *testing.T) {
		f.exec(`ALTER TABLE lake.ns.v2 SET TBLPROPERTIES ('format-version'='3')`)
		if v := formatVersion("v2"); v != 3 {
			t.Errorf("format-version %v after upgrade, want 3", v)
		}
		f.exec(`INSERT INTO lake.ns.v2 VALUES (2)`)
		diffRows(t, "rows after upgrade", [][]string{{"1"}, {"2"}}, f.strings(`SELECT * FROM lake.ns.v2 ORDER BY id`))
		diffRows(t, "iceberg-go after upgrade", floeRows(t, f, `SELECT * FROM lake.ns.v2`), icebergRows(t, f, f.table("ns", "v2"), nil))
	})

	for _, tc := range []struct {
		name, sql string
		frag      []string
	}{
		{"downgrade", `ALTER TABLE lake.ns.v3 SET TBLPROPERTIES ('format-version'='2')`, []string{"lake.ns.v3", "downgrade"}},
		{"bad version", `CREATE TABLE lake.ns.bad (id INTEGER) TBLPROPERTIES ('format-version'='4')`, []string{"lake.ns.bad", "format-version", "4"}},
		{"bad mode", `CREATE TABLE lake.ns.bad (id INTEGER) TBLPROPERTIES ('write.delete.mode'='sometimes')`, []string{"lake.ns.bad", "write.delete.mode", "sometimes"}},
		{"bad mode on alter", `ALTER TABLE lake.ns.v3 SET TBLPROPERTIES ('write.merge.mode'='x')`, []string{"lake.ns.v3", "write.merge.mode"}},
		{"not key=value", `CREATE TABLE lake.ns.bad (id INTEGER) TBLPROPERTIES ('a')`, []string{"lake.ns.bad", "'key'='value'"}},
		{"other format", `CREATE TABLE lake.ns.bad (id INTEGER) USING parquet`, []string{"lake.ns.bad", "parquet"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantErr(t, f.fails(tc.sql), nil, tc.frag...)
		})
	}
	if _, err := f.wh.Table(f.ctx, "ns", "bad"); err == nil {
		t.Error("a failed CREATE TABLE left lake.ns.bad behind")
	}
}
