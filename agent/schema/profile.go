package schema

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"
)

// MaxValues is the most distinct values a text column may have for its
// profile to list them all: columns with more are not low-cardinality.
const MaxValues = 50

// maxValueLen is the longest value a profile lists; a column with a longer
// value holds free text, not categories.
const maxValueLen = 80

// sampleAbove is the row count above which profiles read a sample of the
// table instead of all of it.
const sampleAbove = 2_000_000

// Profile describes the values a table holds.
type Profile struct {
	Table   Table
	Rows    int64
	Columns []ColumnProfile // in the order of Table.Columns
	Sampled bool            // computed from a sample of the rows
}

// ColumnProfile describes the values of one column.
type ColumnProfile struct {
	Column
	Kind Kind
	// Distinct is the number of distinct non-NULL values of a text column,
	// or -1 when not counted.
	Distinct int64
	// Values lists every distinct non-NULL value, sorted, when the column
	// is text with at most MaxValues of them.
	Values []string
	// Min and Max bound numeric and temporal columns (nil when all NULL).
	Min, Max any
}

// Column returns the profile of the column called name.
func (p *Profile) Column(name string) (*ColumnProfile, bool) {
	for i := range p.Columns {
		if strings.EqualFold(p.Columns[i].Name, name) {
			return &p.Columns[i], true
		}
	}
	return nil, false
}

// QuoteIdent quotes a SQL identifier when it needs quoting.
func QuoteIdent(s string) string {
	plain := s != ""
	for i, c := range s {
		if !(c == '_' || c >= 'a' && c <= 'z' || i > 0 && c >= '0' && c <= '9') {
			plain = false
			break
		}
	}
	if plain && !reserved[strings.ToUpper(s)] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// QuoteString quotes a SQL string literal.
func QuoteString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// QuoteName quotes each part of a dotted table name.
func QuoteName(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = QuoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// reserved holds SQL keywords that cannot be bare column names in DuckDB.
var reserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ALL ANALYSE ANALYZE AND ANY ARRAY AS ASC ASYMMETRIC BOTH CASE CAST CHECK COLLATE
		COLUMN CONSTRAINT CREATE DEFAULT DEFERRABLE DESC DESCRIBE DISTINCT DO ELSE END EXCEPT FALSE FETCH FOR FOREIGN
		FROM GRANT GROUP HAVING IN INITIALLY INTERSECT INTO LATERAL LEADING LIMIT NOT NULL OFFSET ON ONLY OR ORDER
		PIVOT PLACING PRIMARY QUALIFY REFERENCES RETURNING SELECT SHOW SOME SUMMARIZE SYMMETRIC TABLE THEN TO
		TRAILING TRUE UNION UNIQUE UNPIVOT USING VARIADIC WHEN WHERE WINDOW WITH`) {
		reserved[w] = true
	}
}

// ProfileTable reads t's row count, the distinct values of its
// low-cardinality text columns and the range of its numeric and temporal
// columns, in one query.
func ProfileTable(ctx context.Context, q Querier, t Table) (*Profile, error) {
	p := &Profile{Table: t, Rows: -1, Columns: make([]ColumnProfile, len(t.Columns))}
	sel := []string{"count(*)"}
	type slot struct{ col, kind int } // kind 0: distinct+values, 1: min+max
	var slots []slot
	for i, c := range t.Columns {
		k := KindOf(c.Type)
		p.Columns[i] = ColumnProfile{Column: c, Kind: k, Distinct: -1}
		id := QuoteIdent(c.Name)
		switch k {
		case Text:
			if strings.EqualFold(c.Type, "UUID") {
				continue
			}
			sel = append(sel,
				fmt.Sprintf("count(DISTINCT %s)", id),
				fmt.Sprintf("CASE WHEN count(DISTINCT %[1]s) <= %[2]d AND max(length(%[1]s)) <= %[3]d THEN list(DISTINCT %[1]s ORDER BY %[1]s) FILTER (WHERE %[1]s IS NOT NULL) END",
					id, MaxValues, maxValueLen))
			slots = append(slots, slot{i, 0})
		case Number, Date, Timestamp:
			sel = append(sel, fmt.Sprintf("min(%s)", id), fmt.Sprintf("max(%s)", id))
			slots = append(slots, slot{i, 1})
		}
	}
	from := QuoteName(t.Name)
	if t.Rows > sampleAbove {
		from += fmt.Sprintf(" USING SAMPLE %d ROWS", sampleAbove)
		p.Sampled = true
	}
	res, err := q.Query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+from, 1)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", t.Name, err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != len(sel) {
		return nil, fmt.Errorf("profile %s: unexpected result shape", t.Name)
	}
	row := res.Rows[0]
	p.Rows, _ = ToInt(row[0])
	if p.Sampled {
		p.Rows = t.Rows
	}
	j := 1
	for _, s := range slots {
		c := &p.Columns[s.col]
		switch s.kind {
		case 0:
			c.Distinct, _ = ToInt(row[j])
			if vs, ok := row[j+1].([]any); ok {
				for _, v := range vs {
					if v != nil {
						c.Values = append(c.Values, fmt.Sprint(v))
					}
				}
				sort.Strings(c.Values)
			}
		case 1:
			c.Min, c.Max = row[j], row[j+1]
		}
		j += 2
	}
	return p, nil
}

// ToInt converts an integer value from a database driver.
func ToInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int:
		return int64(x), true
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint64:
		return int64(x), true
	case *big.Int:
		if x.IsInt64() {
			return x.Int64(), true
		}
	case float64:
		return int64(x), x == float64(int64(x))
	case string:
		n, err := strconv.ParseInt(x, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// ToTime converts a date or timestamp value from a database driver.
func ToTime(v any) (time.Time, bool) {
	switch x := v.(type) {
	case time.Time:
		return x, true
	case string:
		for _, layout := range []string{"2006-01-02", "2006-01-02 15:04:05", time.RFC3339} {
			if t, err := time.Parse(layout, x); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}
