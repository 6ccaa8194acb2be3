package agent

import (
	"context"
	"errors"
	"testing"
)

func TestCheckReadOnly(t *testing.T) {
	ctx := context.Background()
	reads := []string{
		"SELECT count(*) FROM lake.samples.customers",
		"select 1;",
		"WITH x AS (SELECT 1 AS a) SELECT a FROM x",
		"FROM lake.samples.customers LIMIT 3",
		"VALUES (1), (2)",
		"DESCRIBE lake.samples.customers",
		"SUMMARIZE lake.samples.daily_sales",
		"SELECT * FROM lake.samples.customers AT (VERSION => 1)",
		"SELECT 'DROP TABLE lake.samples.customers; DELETE FROM x' AS s",
		"-- DROP TABLE x\nSELECT 1",
		"/* ; DELETE FROM x; */ SELECT 1",
		"SELECT $$ ; DROP TABLE x $$",
		`SELECT "delete" FROM (SELECT 1 AS "delete")`,
		"(SELECT 1)",
	}
	writes := []string{
		"INSERT INTO lake.samples.customers SELECT * FROM lake.samples.customers",
		"UPDATE lake.samples.customers SET churned = true",
		"DELETE FROM lake.samples.customers",
		"MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
		"CREATE TABLE lake.samples.x AS SELECT 1",
		"CREATE OR REPLACE VIEW v AS SELECT 1",
		"DROP TABLE lake.samples.customers",
		"ALTER TABLE lake.samples.customers ADD COLUMN x INT",
		"TRUNCATE lake.samples.customers",
		"COPY lake.samples.customers TO '/tmp/x.csv'",
		"COPY (SELECT 1) TO '/tmp/x.parquet' (FORMAT parquet)",
		"ATTACH '/tmp/x.db' AS x",
		"DETACH lake",
		"CALL expire_snapshots('samples.customers')",
		"INSTALL httpfs",
		"LOAD httpfs",
		"SET memory_limit = '1GB'",
		"RESET memory_limit",
		"PRAGMA enable_profiling",
		"EXPORT DATABASE '/tmp/x'",
		"IMPORT DATABASE '/tmp/x'",
		"CHECKPOINT",
		"VACUUM",
		"BEGIN TRANSACTION",
		"USE lake.samples",
		"EXPLAIN ANALYZE DELETE FROM x",
		"SELECT 1; DROP TABLE lake.samples.customers",
		"SELECT 1;DELETE FROM lake.samples.customers",
		"SELECT 1; SELECT 2",
		"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
		"/* hi */ DROP TABLE t",
		"-- hi\nDROP TABLE t",
		"SELECT * FROM read_csv('/etc/passwd')",
		"SELECT * FROM '/etc/passwd'",
		"SELECT * FROM lake.samples.customers JOIN 'x.parquet' USING (customer_id)",
		"SELECT getenv('OPENAI_API_KEY')",
		"SELECT * FROM query('DROP TABLE lake.samples.customers')",
		"SELECT nextval('seq')",
		"SELECT * FROM glob('/home/*')",
		"SHOW ALL TABLES",
		"SELEC 1", // a syntax error is not provably a query
		"",
		"   ;  ",
	}
	for _, q := range reads {
		if err := CheckReadOnly(ctx, q); err != nil {
			t.Errorf("CheckReadOnly(%q) = %v, want nil", q, err)
		}
	}
	for _, q := range writes {
		err := CheckReadOnly(ctx, q)
		if !errors.Is(err, ErrWrite) {
			t.Errorf("CheckReadOnly(%q) = %v, want ErrWrite", q, err)
		}
	}
}

// TestWritesAreTold checks which refusals are mere lake writes, the ones a
// caller that allows writes may run: never a statement that also reaches
// files, settings or the session.
func TestWritesAreTold(t *testing.T) {
	ctx := context.Background()
	for q, want := range map[string]bool{
		"DELETE FROM lake.samples.customers WHERE churned":                          true,
		"INSERT INTO lake.samples.customers SELECT * FROM lake.samples.customers":   true,
		"WITH x AS (SELECT 1) INSERT INTO lake.s.t SELECT * FROM x":                 true,
		"CREATE TABLE lake.s.t AS SELECT 1 AS a":                                    true,
		"CALL expire_snapshots('samples.customers')":                                true,
		"CREATE TABLE lake.s.t AS SELECT * FROM read_csv('/etc/passwd')":            false,
		"INSERT INTO lake.s.t SELECT * FROM '/etc/passwd'":                          false,
		"CALL read_text('/etc/passwd')":                                             false,
		"COPY lake.samples.customers TO '/tmp/x.csv'":                               false,
		"SET enable_external_access = true":                                         false,
		"SELECT * FROM read_text('/etc/passwd')":                                    false,
		"DELETE FROM lake.samples.customers; SELECT * FROM read_text('/etc/hosts')": false,
	} {
		err := CheckReadOnly(ctx, q)
		if err == nil || lakeWrite(err) != want {
			t.Errorf("CheckReadOnly(%q) = %v; a lake write: %v, want %v", q, err, lakeWrite(err), want)
		}
	}
}

// TestTreeRefusesWhatItDoesNotKnow feeds the tree walk constructs DuckDB
// does not make today: an unknown expression class, table reference kind
// or query kind, and a function or table named where no check looks, are
// each refused rather than walked past.
func TestTreeRefusesWhatItDoesNotKnow(t *testing.T) {
	ctx := context.Background()
	tree, err := parseSelect(ctx, "SELECT x FROM lake.samples.customers")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkTree(tree); err != nil {
		t.Fatalf("the plain tree is refused: %v", err)
	}
	node := func(tree any) map[string]any { return tree.(map[string]any)["node"].(map[string]any) }
	for name, mutate := range map[string]func(tree any){
		"expression class": func(tree any) {
			node(tree)["select_list"].([]any)[0].(map[string]any)["class"] = "FUTURE_EXPRESSION"
		},
		"table reference kind": func(tree any) { node(tree)["from_table"].(map[string]any)["type"] = "FUTURE_TABLE" },
		"query kind":           func(tree any) { node(tree)["type"] = "FUTURE_NODE" },
		"stray function name": func(tree any) {
			node(tree)["future"] = map[string]any{"function_name": "read_text"}
		},
		"stray table name": func(tree any) {
			node(tree)["future"] = map[string]any{"table_name": "/etc/passwd", "catalog_name": ""}
		},
	} {
		tree, _ := parseSelect(ctx, "SELECT x FROM lake.samples.customers")
		mutate(tree)
		if err := checkTree(tree); err == nil {
			t.Errorf("%s: not refused", name)
		}
	}
}
