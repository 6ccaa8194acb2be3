package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/internal/sqlvalue"
)

type outputFormat int

const (
	formatTable outputFormat = iota
	formatCSV
	formatJSON
)

func parseFormat(s string) (outputFormat, error) {
	switch strings.ToLower(s) {
	case "table", "":
		return formatTable, nil
	case "csv":
		return formatCSV, nil
	case "json":
		return formatJSON, nil
	}
	return 0, fmt.Errorf("unknown --format %q (use table, csv or json)", s)
}

// maxTableRows bounds what the table format prints; csv and json print all.
const maxTableRows = 1000

func writeRows(w io.Writer, rows *lakesql.Rows, f outputFormat) error {
	switch f {
	case formatCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(rows.Columns); err != nil {
			return err
		}
		for rows.Next() {
			vals := rows.Values()
			rec := make([]string, len(vals))
			for i, v := range vals {
				if v != nil {
					rec[i] = render(v)
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return err
		}
		return rows.Err()
	case formatJSON:
		// One JSON array of objects, streamed row by row.
		if _, err := io.WriteString(w, "["); err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			vals := rows.Values()
			var b strings.Builder
			b.WriteString("{")
			for i, v := range vals {
				if i > 0 {
					b.WriteString(",")
				}
				k, _ := json.Marshal(rows.Columns[i])
				b.Write(k)
				b.WriteString(":")
				b.Write(jsonValue(v))
			}
			b.WriteString("}")
			sep := ",\n"
			if n == 0 {
				sep = "\n"
			}
			if _, err := io.WriteString(w, sep+b.String()); err != nil {
				return err
			}
			n++
		}
		if _, err := io.WriteString(w, "\n]\n"); err != nil {
			return err
		}
		return rows.Err()
	}
	return writeTable(w, rows)
}

func jsonValue(v any) []byte {
	switch x := v.(type) {
	case nil:
		return []byte("null")
	case bool, int8, int16, int32, int64, uint8, uint16, uint32, uint64, float32, float64:
		b, err := json.Marshal(x)
		if err != nil {
			return []byte("null") // NaN and Inf have no JSON form
		}
		return b
	case duckdb.Decimal:
		return []byte(sqlvalue.Decimal(x))
	case *big.Int:
		return []byte(x.String())
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = string(jsonValue(e))
		}
		return []byte("[" + strings.Join(parts, ",") + "]")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			kb, _ := json.Marshal(k)
			parts[i] = string(kb) + ":" + string(jsonValue(x[k]))
		}
		return []byte("{" + strings.Join(parts, ",") + "}")
	case duckdb.OrderedMap:
		keys, vals := x.Keys(), x.Values()
		parts := make([]string, len(keys))
		for i := range keys {
			kb, _ := json.Marshal(render(keys[i]))
			parts[i] = string(kb) + ":" + string(jsonValue(vals[i]))
		}
		return []byte("{" + strings.Join(parts, ",") + "}")
	}
	b, _ := json.Marshal(render(v))
	return b
}

// render formats one value the way DuckDB's CLI does.
func render(v any) string { return sqlvalue.Format(v) }

func writeTable(w io.Writer, rows *lakesql.Rows) error {
	var data [][]string
	more := false
	for rows.Next() {
		if len(data) == maxTableRows {
			more = true
			break
		}
		vals := rows.Values()
		rec := make([]string, len(vals))
		for i, v := range vals {
			rec[i] = render(v)
		}
		data = append(data, rec)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	n := fmt.Sprintf("%d rows", len(data))
	if len(data) == 1 {
		n = "1 row"
	}
	if more {
		n = fmt.Sprintf("first %d rows shown; use --format csv or json for all", maxTableRows)
	}
	_, err := io.WriteString(w, sqlvalue.Box(rows.Columns, rows.Types, data, n))
	return err
}
