package engine

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/google/go-cmp/cmp"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestParseDuckDBType(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"BOOLEAN", "boolean"},
		{"bool", "boolean"},
		{"TINYINT", "int"},
		{"SMALLINT", "int"},
		{"INTEGER", "int"},
		{"UTINYINT", "int"},
		{"USMALLINT", "int"},
		{"UINTEGER", "long"},
		{"BIGINT", "long"},
		{"FLOAT", "float"},
		{"REAL", "float"},
		{"DOUBLE", "double"},
		{"DECIMAL", "decimal(18, 3)"},
		{"DECIMAL(10,2)", "decimal(10, 2)"},
		{"NUMERIC(5)", "decimal(5, 0)"},
		{"DECIMAL(38, 10)", "decimal(38, 10)"},
		{"VARCHAR", "string"},
		{"VARCHAR(10)", "string"},
		{"TEXT", "string"},
		{"JSON", "string"},
		{"BLOB", "binary"},
		{"DATE", "date"},
		{"TIME", "time"},
		{"TIMESTAMP", "timestamp"},
		{"DATETIME", "timestamp"},
		{"TIMESTAMP WITH TIME ZONE", "timestamptz"},
		{"TIMESTAMPTZ", "timestamptz"},
		{"UUID", "uuid"},
		{"INTEGER[]", "list<int>"},
		{"INTEGER[3]", "list<int>"},
		{"VARCHAR[][]", "list<list<string>>"},
		{"MAP(VARCHAR, INTEGER[])", "map<string, list<int>>"},
		{`STRUCT(a INTEGER, "b c" VARCHAR)`, "struct<1: a: optional int, 2: b c: optional string>"},
		{`STRUCT("x,y" DECIMAL(5,2), z STRUCT(w DATE)[])`, "struct<1: x,y: optional decimal(5, 2), 2: z: optional list<struct<3: w: optional date>>>"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDuckDBType(tc.in, &idAllocator{})
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want {
				t.Errorf("ParseDuckDBType(%q) = %s, want %s", tc.in, got, tc.want)
			}
			// DuckDBType renders it back into a type that parses the same.
			back, err := DuckDBType(got)
			if err != nil {
				t.Fatal(err)
			}
			again, err := ParseDuckDBType(back, &idAllocator{})
			if err != nil {
				t.Fatalf("DuckDBType gave %q, which does not parse: %v", back, err)
			}
			if !again.Equals(got) {
				t.Errorf("round trip through %q gives %s, want %s", back, again, got)
			}
		})
	}
}

func TestParseDuckDBTypeRejects(t *testing.T) {
	for _, in := range []string{
		"HUGEINT", "UBIGINT", "INTERVAL", "BIT", "TIMESTAMP_NS", "UNION(a INTEGER)",
		"DECIMAL(40,2)", "DECIMAL(5,6)", "DECIMAL(0)", "INTEGER extra", "STRUCT(a INTEGER", "MAP(VARCHAR)", "",
	} {
		t.Run(in, func(t *testing.T) {
			_, err := ParseDuckDBType(in, &idAllocator{})
			if !errors.Is(err, ErrUnsupportedType) {
				t.Errorf("ParseDuckDBType(%q) = %v, want ErrUnsupportedType", in, err)
			}
		})
	}
}

func TestSchemaFromColumns(t *testing.T) {
	schema, err := SchemaFromColumns([]Column{
		{Name: "id", Type: "BIGINT", NotNull: true, Comment: "key"},
		{Name: "tags", Type: "VARCHAR[]"},
		{Name: "attrs", Type: "MAP(VARCHAR, STRUCT(v INTEGER))"},
		{Name: "name", Type: "VARCHAR"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Top-level fields first (1..4), then nested ones, as Iceberg assigns.
	var got []string
	seen := map[int]bool{}
	var visit func(id int, name string, typ iceberg.Type)
	visit = func(id int, name string, typ iceberg.Type) {
		if seen[id] {
			t.Errorf("field id %d used twice", id)
		}
		seen[id] = true
		got = append(got, name)
		switch typ := typ.(type) {
		case *iceberg.ListType:
			visit(typ.ElementID, name+".element", typ.Element)
		case *iceberg.MapType:
			visit(typ.KeyID, name+".key", typ.KeyType)
			visit(typ.ValueID, name+".value", typ.ValueType)
		case *iceberg.StructType:
			for _, f := range typ.FieldList {
				visit(f.ID, name+"."+f.Name, f.Type)
			}
		}
	}
	for i, f := range schema.Fields() {
		if f.ID != i+1 {
			t.Errorf("top-level field %s has id %d, want %d", f.Name, f.ID, i+1)
		}
		visit(f.ID, f.Name, f.Type)
	}
	want := []string{"id", "tags", "tags.element", "attrs", "attrs.key", "attrs.value", "attrs.value.v", "name"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if id := schema.Fields()[0]; !id.Required || id.Doc != "key" {
		t.Errorf("id: required=%v doc=%q, want required with doc %q", id.Required, id.Doc, "key")
	}

	if _, err := SchemaFromColumns([]Column{{Name: "a", Type: "INTEGER"}, {Name: "A", Type: "VARCHAR"}}); err == nil {
		t.Error("columns a and A were accepted; names are case-insensitive")
	}
	if _, err := SchemaFromColumns([]Column{{Name: "a", Type: "INTERVAL"}}); !errors.Is(err, ErrUnsupportedType) {
		t.Errorf("INTERVAL column: %v, want ErrUnsupportedType", err)
	}
}

// TestFieldIDsClause pins the FIELD_IDS option floe hands DuckDB's Parquet
// writer (testdata/field_ids.golden; go test -update rewrites it).
func TestFieldIDsClause(t *testing.T) {
	schema, err := SchemaFromColumns([]Column{
		{Name: "id", Type: "BIGINT"},
		{Name: `we"ird`, Type: "VARCHAR"},
		{Name: "tags", Type: "VARCHAR[]"},
		{Name: "attrs", Type: "MAP(VARCHAR, STRUCT(v INTEGER, w DOUBLE[]))"},
	})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "field_ids.golden", FieldIDsClause(schema)+"\n")
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update creates it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got; go test -update rewrites it):\n%s", path, diff)
	}
}
