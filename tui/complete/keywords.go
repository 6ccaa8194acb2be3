package complete

// Keywords are the SQL keywords offered, in upper case: DuckDB's statements
// and clauses, and the words floe adds (time travel, maintenance).
var Keywords = []string{
	"ALL", "ALTER", "AND", "ANTI", "ANY", "AS", "ASC", "ASOF", "AT", "ATTACH", "BETWEEN", "BY",
	"CALL", "CASE", "CAST", "CHECKPOINT", "COLLATE", "COLUMNS", "COPY", "CREATE", "CROSS", "CUBE",
	"DATE", "DEFAULT", "DELETE", "DESC", "DESCRIBE", "DISTINCT", "DROP", "ELSE", "END", "EXCEPT",
	"EXCLUDE", "EXISTS", "EXPLAIN", "FALSE", "FILTER", "FIRST", "FOLLOWING", "FOR", "FROM", "FULL",
	"GROUP", "GROUPING", "HAVING", "IF", "ILIKE", "IN", "INNER", "INSERT", "INTERSECT", "INTERVAL",
	"INTO", "IS", "JOIN", "LAST", "LATERAL", "LEFT", "LIKE", "LIMIT", "MACRO", "MATCHED", "MERGE",
	"NATURAL", "NOT", "NULL", "NULLS", "OFFSET", "ON", "OR", "ORDER", "OUTER", "OVER", "PARTITION",
	"PARTITIONED", "PIVOT", "POSITIONAL", "PRAGMA", "PRECEDING", "QUALIFY", "RANGE", "RECURSIVE",
	"REPLACE", "RETURNING", "RIGHT", "ROLLUP", "ROWS", "SAMPLE", "SCHEMA", "SELECT", "SEMI", "SET",
	"SHOW", "SIMILAR", "SOME", "SUMMARIZE", "TABLE", "TABLES", "TEMP", "THEN", "TIMESTAMP", "TO",
	"TRUE", "UNBOUNDED", "UNION", "UNPIVOT", "UPDATE", "USE", "USING", "VALUES", "VARIABLE", "VERSION",
	"VIEW", "WHEN", "WHERE", "WINDOW", "WITH",
}
