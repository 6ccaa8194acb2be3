package schema

import (
	"context"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/floehq/floe/internal/sqltext"
)

// MaxValues is the most distinct values a text column may have for its
// profile to list them all: columns with more are not low-cardinality.
const MaxValues = 50

// maxValueLen is the longest value a profile lists; a column with a longer
// value holds free text, not categories.
const maxValueLen = 80

// sampleAbove is the row count above which a profile computed by query
// alone (for catalogs without metadata) reads a sample of the table.
const sampleAbove = 2_000_000

// SampleRows bounds the rows a profile reads when the catalog has metadata
// (see StatsReader): the values of text columns come from at most this many
// rows, and bounds and row counts from the metadata.
const SampleRows = 100_000

// Profile describes the values a table holds.
type Profile struct {
	Table   Table
	Rows    int64
	Columns []ColumnProfile // in the order of Table.Columns
	// Sampled says that the values of text columns come from a sample of
	// the rows: a value missing from the sample is missing from Values, and
	// Distinct counts the sample's values.
	Sampled bool
}

// TableStats is what a catalog's metadata says about a table's rows
// without reading them.
type TableStats struct {
	// Rows is the number of rows, or -1 when unknown.
	Rows int64
	// Columns holds bounds by column name, for the columns that have them.
	Columns map[string]ColumnStats
	// Sample is a query over a bounded sample of the table's rows (at most
	// SampleRows, say from a few data files spread over the table) with the
	// table's columns. Empty means the profile reads the table's first
	// SampleRows rows.
	Sample string
	// SampleAll says that Sample reads every row.
	SampleAll bool
}

// ColumnStats are a column's bounds from metadata: Min and Max bound its
// values (nil when unknown) and Nulls counts its NULLs (-1 when unknown;
// with Rows known, a profile takes its null fraction from it).
type ColumnStats struct {
	Min, Max any
	Nulls    int64
}

// StatsReader is an optional capability of a Querier: reading a table's
// row count and column bounds from metadata (for an Iceberg table, its
// snapshot summary and manifests), and naming a bounded sample of its
// rows. ProfileTable uses it so that profiling never scans a whole table.
type StatsReader interface {
	TableStats(ctx context.Context, t Table) (*TableStats, error)
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
	// Numeric says that a text column holds numbers: every value read
	// that is not blank parses as one (TRY_CAST to DOUBLE), and some do.
	// CSV files often load a number column with blanks as text, such as
	// Telco's TotalCharges.
	Numeric bool
	// Nulls is the fraction of rows that hold NULL, from 0 to 1: from the
	// catalog's metadata when it counts them (Iceberg null_value_counts),
	// else from the rows the profile read (its sample). A profile built by
	// hand leaves it 0, which says no NULLs, so that rules which need
	// NULLs stay off.
	Nulls float64
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

// QuoteIdent quotes a SQL identifier when it needs quoting
// (sqltext.QuoteIdent: bare when a plain lower-case word that is no
// reserved or type_function keyword of DuckDB).
func QuoteIdent(s string) string { return sqltext.QuoteIdent(s) }

// QuoteString quotes a SQL string literal.
func QuoteString(s string) string { return sqltext.QuoteString(s) }

// QuoteName quotes each part of a dotted table name when it needs quoting.
func QuoteName(name string) string { return sqltext.QuoteName(name) }

// ProfileTable reads t's row count, the distinct values of its
// low-cardinality text columns and the range of its numeric and temporal
// columns. When q reads metadata (StatsReader), the row count and ranges
// come from it and the text values from a bounded sample, so the cost does
// not grow with the table; otherwise one aggregate query reads the table
// (a sample of it above two million rows).
func ProfileTable(ctx context.Context, q Querier, t Table) (*Profile, error) {
	if sr, ok := q.(StatsReader); ok {
		st, err := sr.TableStats(ctx, t)
		if err == nil {
			return profileFromStats(ctx, q, t, st)
		}
		// A table whose metadata cannot be read is profiled by query, which
		// reports what is wrong with it if that fails too.
	}
	from := QuoteName(t.Name)
	sampled := t.Rows > sampleAbove
	if sampled {
		from += fmt.Sprintf(" USING SAMPLE %d ROWS", sampleAbove)
	}
	p, err := profileQuery(ctx, q, t, from, nil, true)
	if err != nil {
		return nil, err
	}
	if sampled {
		p.Sampled, p.Rows = true, t.Rows
	}
	return p, nil
}

// profileFromStats profiles t from its metadata and a bounded sample.
func profileFromStats(ctx context.Context, q Querier, t Table, st *TableStats) (*Profile, error) {
	sample := st.Sample
	if sample == "" {
		sample = fmt.Sprintf("SELECT * FROM %s LIMIT %d", QuoteName(t.Name), SampleRows)
	} else {
		sample = fmt.Sprintf("SELECT * FROM (%s) LIMIT %d", sample, SampleRows)
	}
	p, err := profileQuery(ctx, q, t, "("+sample+") AS s", st.Columns, false)
	if err != nil {
		return nil, err
	}
	p.Rows = st.Rows
	if p.Rows < 0 {
		p.Rows = t.Rows
	}
	if st.Rows > 0 {
		for i := range p.Columns {
			if s, ok := st.Columns[p.Columns[i].Name]; ok && s.Nulls >= 0 && s.Nulls <= st.Rows {
				p.Columns[i].Nulls = float64(s.Nulls) / float64(st.Rows)
			}
		}
	}
	p.Sampled = !(st.SampleAll && p.Rows <= SampleRows)
	return p, nil
}

// profileQuery computes what stats lacks in one query over from; with
// count set it also counts the rows. The fraction of NULLs of every column
// comes from the rows it reads.
func profileQuery(ctx context.Context, q Querier, t Table, from string, stats map[string]ColumnStats, count bool) (*Profile, error) {
	p := &Profile{Table: t, Rows: -1, Columns: make([]ColumnProfile, len(t.Columns))}
	// The first column counts the rows read, the next ones their NULLs.
	sel := []string{"count(*)"}
	for _, c := range t.Columns {
		sel = append(sel, fmt.Sprintf("count(*) FILTER (WHERE %s IS NULL)", QuoteIdent(c.Name)))
	}
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
					id, MaxValues, maxValueLen),
				fmt.Sprintf("count(TRY_CAST(%[1]s AS DOUBLE)) > 0 AND count(*) FILTER (WHERE trim(%[1]s) <> '' AND TRY_CAST(%[1]s AS DOUBLE) IS NULL) = 0", id))
			slots = append(slots, slot{i, 0})
		case Number, Date, Timestamp:
			if s, ok := stats[c.Name]; ok && s.Min != nil && s.Max != nil {
				p.Columns[i].Min, p.Columns[i].Max = s.Min, s.Max
				continue
			}
			sel = append(sel, fmt.Sprintf("min(%s)", id), fmt.Sprintf("max(%s)", id))
			slots = append(slots, slot{i, 1})
		}
	}
	res, err := q.Query(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+from, 1)
	if err != nil {
		return nil, fmt.Errorf("profile %s: %w", t.Name, err)
	}
	if len(res.Rows) != 1 || len(res.Rows[0]) != len(sel) {
		return nil, fmt.Errorf("profile %s: unexpected result shape", t.Name)
	}
	row := res.Rows[0]
	read, _ := ToInt(row[0])
	if count {
		p.Rows = read
	}
	for i := range p.Columns {
		if n, ok := ToInt(row[1+i]); ok && read > 0 {
			p.Columns[i].Nulls = float64(n) / float64(read)
		}
	}
	j := 1 + len(p.Columns)
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
			c.Numeric, _ = row[j+2].(bool)
			j++
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
