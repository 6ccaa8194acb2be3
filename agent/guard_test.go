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
