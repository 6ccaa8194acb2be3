package agent

import (
	_ "embed"
	"strings"
)

// allowFuncsText is the reviewed list of the scalar, aggregate, window and
// macro functions the agent's SQL may call; see the file's header.
//
//go:embed allowfuncs.txt
var allowFuncsText string

// allowedFuncs holds allowfuncs.txt's names.
var allowedFuncs = parseFuncList(allowFuncsText)

// allowedTableFuncs are the table functions the agent's SQL may call in
// FROM: they generate rows from their arguments and read nothing.
var allowedTableFuncs = map[string]bool{"range": true, "generate_series": true, "unnest": true}

// valueFuncs are the bare words DuckDB binds as function calls when no
// column has the name (SQL's "value functions"), by the function each
// calls.
var valueFuncs = map[string]string{
	"current_date":      "current_date",
	"current_time":      "get_current_time",
	"current_timestamp": "get_current_timestamp",
	"localtime":         "current_localtime",
	"localtimestamp":    "current_localtimestamp",
	"current_user":      "current_user",
	"current_role":      "current_role",
	"session_user":      "session_user",
	"user":              "user",
	"current_catalog":   "current_catalog",
	"current_schema":    "current_schema",
}

func parseFuncList(text string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(text, "\n") {
		if i := strings.IndexByte(line, '#'); i >= 0 && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t') {
			line = line[:i]
		}
		if name := strings.TrimSpace(line); name != "" {
			m[name] = true
		}
	}
	return m
}

// outsideReason says how a function that is not allowed reaches outside
// the lake, for the names whose reach is known: file readers, SQL held in
// strings, the environment, settings, the catalog and state. It returns ""
// for other names.
func outsideReason(name string) string {
	n := strings.ToLower(name)
	has := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if strings.HasPrefix(n, p) {
				return true
			}
		}
		return false
	}
	switch {
	case has("read_", "parquet_", "iceberg_", "delta_", "sqlite_", "postgres_", "mysql_", "st_read", "http_") ||
		strings.HasSuffix(n, "_scan") || n == "glob" || n == "sniff_csv" || n == "read_blob":
		return "reads files"
	case n == "query" || n == "query_table" || strings.HasSuffix(n, "_sql") || n == "json_serialize_plan":
		return "runs SQL held in a string"
	case n == "getenv":
		return "reads the environment"
	case n == "current_setting" || n == "getvariable" || n == "duckdb_settings" || n == "which_secret" ||
		n == "duckdb_secrets" || n == "duckdb_variables" || has("enable_", "disable_"):
		return "reads or changes settings"
	case n == "sleep_ms" || n == "pg_sleep":
		return "sleeps"
	case has("duckdb_", "pragma_", "pg_", "has_") || n == "information_schema" || n == "current_schema" || n == "current_schemas" ||
		n == "current_catalog" || n == "current_database" || n == "current_query" || n == "version" || n == "in_search_path" ||
		n == "histogram" || n == "histogram_values" || n == "summary" || n == "test_all_types" || n == "sql_auto_complete":
		return "reads DuckDB's catalog or state outside the lake"
	case n == "nextval" || n == "currval" || n == "setseed" || n == "write_log" || n == "checkpoint" || n == "force_checkpoint" ||
		n == "truncate_duckdb_logs":
		return "changes state"
	}
	return ""
}
