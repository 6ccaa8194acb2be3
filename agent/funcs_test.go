package agent

import (
	"context"
	"database/sql"
	"os"
	"sort"
	"strings"
	"testing"
)

// duckdbFunctions lists DuckDB's functions by name, with their types.
func duckdbFunctions(t *testing.T) map[string]map[string]bool {
	t.Helper()
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(context.Background(), "SELECT DISTINCT function_name, function_type FROM duckdb_functions()")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]map[string]bool{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			t.Fatal(err)
		}
		if out[name] == nil {
			out[name] = map[string]bool{}
		}
		out[name][typ] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAllowListIsReviewed checks allowfuncs.txt against the embedded
// DuckDB: every allowed name is a real function, none reaches outside the
// lake, and every scalar, aggregate and macro function DuckDB has is
// either allowed or listed as refused in testdata/refusedfuncs.txt, so
// that a DuckDB upgrade's new functions get reviewed.
func TestAllowListIsReviewed(t *testing.T) {
	funcs := duckdbFunctions(t)
	b, err := os.ReadFile("testdata/refusedfuncs.txt")
	if err != nil {
		t.Fatal(err)
	}
	refused := parseFuncList(string(b))
	if len(allowedFuncs) < 400 {
		t.Fatalf("allowfuncs.txt has %d names; it did not load", len(allowedFuncs))
	}
	for name := range allowedFuncs {
		switch {
		case funcs[name] == nil:
			t.Errorf("allowfuncs.txt: %s is not a DuckDB function", name)
		case refused[name]:
			t.Errorf("%s is both allowed and refused", name)
		case outsideReason(name) != "" && name != "histogram": // the aggregate; the table macro is refused
			t.Errorf("allowfuncs.txt: %s %s", name, outsideReason(name))
		}
	}
	for _, name := range []string{
		"read_text", "read_csv", "read_csv_auto", "read_blob", "read_json", "read_json_auto", "read_json_objects",
		"read_ndjson", "read_ndjson_objects", "read_parquet", "parquet_scan", "read_duckdb", "glob", "sniff_csv",
		"parquet_metadata", "parquet_schema", "parquet_kv_metadata", "query", "query_table", "getenv",
		"current_setting", "getvariable", "duckdb_settings", "duckdb_secrets", "which_secret", "duckdb_tables",
		"duckdb_functions", "pragma_table_info", "json_serialize_sql", "json_deserialize_sql", "json_serialize_plan",
		"json_execute_serialized_sql", "nextval", "currval", "setseed", "write_log", "sleep_ms", "pg_sleep",
		"list_aggregate", "aggregate", "error", "version", "current_schema", "current_database", "current_query",
	} {
		if allowedFuncs[name] || allowedTableFuncs[name] {
			t.Errorf("%s is allowed", name)
		}
	}
	for name := range allowedTableFuncs {
		if !funcs[name]["table"] {
			t.Errorf("allowed table function %s is not a DuckDB table function", name)
		}
	}
	var unreviewed []string
	for name, types := range funcs {
		if (types["scalar"] || types["aggregate"] || types["macro"]) && !allowedFuncs[name] && !refused[name] {
			unreviewed = append(unreviewed, name)
		}
	}
	sort.Strings(unreviewed)
	if len(unreviewed) > 0 {
		t.Errorf("DuckDB functions in neither agent/allowfuncs.txt nor agent/testdata/refusedfuncs.txt; review them and add each to one:\n%s",
			strings.Join(unreviewed, "\n"))
	}
}

// TestAllowedFunctionsPassTheGuard calls a sample of allowed functions the
// way analysts do and checks that the guard lets each through, and that
// names it does not know are refused with the name in the reason.
func TestAllowedFunctionsPassTheGuard(t *testing.T) {
	ctx := context.Background()
	for _, q := range []string{
		"SELECT date_trunc('month', DATE '2024-05-03'), strftime(DATE '2024-05-03', '%Y'), extract(year FROM DATE '2024-05-03')",
		"SELECT coalesce(NULL, 1), round(1.25, 1), greatest(1, 2), nullif(1, 1), ifnull(NULL, 2)",
		"SELECT count(*), sum(x), avg(x), median(x), quantile_cont(x, 0.5), stddev(x) FROM range(10) t(x)",
		"SELECT x, row_number() OVER (ORDER BY x), lag(x) OVER (ORDER BY x) FROM range(3) t(x)",
		"SELECT list_transform([1, 2], x -> x + 1), list_sum([1, 2]), 'a' || 'b', 'abc' LIKE 'a%', 'x' ~ 'x'",
		"SELECT current_date, current_timestamp, localtimestamp, user",
	} {
		if err := CheckReadOnly(ctx, q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	for q, name := range map[string]string{
		"SELECT floe_unknown_function(1)":                           "floe_unknown_function",
		"SELECT * FROM floe_unknown_table_fn(1)":                    "floe_unknown_table_fn",
		"SELECT lower(x) FROM range(2) t(x) WHERE floe_nope(x) > 0": "floe_nope",
	} {
		err := CheckReadOnly(ctx, q)
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v, want a refusal naming %s", q, err, name)
		}
	}
}
