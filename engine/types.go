package engine

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/internal/sqltext"
)

// idAllocator hands out Iceberg field ids in order.
type idAllocator struct{ next int }

func (a *idAllocator) id() int { a.next++; return a.next }

// Column is a column as DuckDB describes it: a name, a DuckDB type string
// (as DESCRIBE prints it) and whether NULLs are allowed.
type Column struct {
	Name     string
	Type     string
	NotNull  bool
	Comment  string
	Position int
}

// SchemaFromColumns builds an Iceberg schema from DuckDB column types,
// numbering field ids from 1 in the order Iceberg's fresh-id assignment uses
// (top-level fields first, then nested fields).
func SchemaFromColumns(cols []Column) (*iceberg.Schema, error) {
	alloc := &idAllocator{}
	ids := make([]int, len(cols))
	for i := range cols {
		ids[i] = alloc.id()
	}
	fields := make([]iceberg.NestedField, len(cols))
	seen := map[string]bool{}
	for i, c := range cols {
		lname := strings.ToLower(c.Name)
		if seen[lname] {
			return nil, fmt.Errorf("column %q appears twice", c.Name)
		}
		seen[lname] = true
		t, err := ParseDuckDBType(c.Type, alloc)
		if err != nil {
			return nil, fmt.Errorf("column %q: %w", c.Name, err)
		}
		fields[i] = iceberg.NestedField{ID: ids[i], Name: c.Name, Type: t, Required: c.NotNull, Doc: c.Comment}
	}
	return iceberg.NewSchema(0, fields...), nil
}

// ParseDuckDBType converts a DuckDB type string into an Iceberg type,
// allocating ids for nested fields from alloc.
func ParseDuckDBType(s string, alloc *idAllocator) (iceberg.Type, error) {
	p := &typeParser{src: s}
	t, err := p.parse(alloc)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.pos != len(p.src) {
		return nil, fmt.Errorf("%w: cannot parse type %q", ErrUnsupportedType, s)
	}
	return t, nil
}

type typeParser struct {
	src string
	pos int
}

func (p *typeParser) skipSpace() {
	for p.pos < len(p.src) && (p.src[p.pos] == ' ' || p.src[p.pos] == '\t' || p.src[p.pos] == '\n') {
		p.pos++
	}
}

func (p *typeParser) peek() byte {
	p.skipSpace()
	if p.pos < len(p.src) {
		return p.src[p.pos]
	}
	return 0
}

func (p *typeParser) expect(c byte) error {
	if p.peek() != c {
		return fmt.Errorf("%w: expected %q at offset %d in type %q", ErrUnsupportedType, c, p.pos, p.src)
	}
	p.pos++
	return nil
}

// ident reads a bare word or a double-quoted identifier.
func (p *typeParser) ident() (string, error) {
	p.skipSpace()
	if p.pos < len(p.src) && p.src[p.pos] == '"' {
		var b strings.Builder
		p.pos++
		for p.pos < len(p.src) {
			c := p.src[p.pos]
			p.pos++
			if c == '"' {
				if p.pos < len(p.src) && p.src[p.pos] == '"' {
					b.WriteByte('"')
					p.pos++
					continue
				}
				return b.String(), nil
			}
			b.WriteByte(c)
		}
		return "", fmt.Errorf("%w: unterminated quoted name in type %q", ErrUnsupportedType, p.src)
	}
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80 {
			p.pos++
			continue
		}
		break
	}
	if start == p.pos {
		return "", fmt.Errorf("%w: expected a name at offset %d in type %q", ErrUnsupportedType, p.pos, p.src)
	}
	return p.src[start:p.pos], nil
}

func (p *typeParser) number() (int, error) {
	p.skipSpace()
	start := p.pos
	for p.pos < len(p.src) && p.src[p.pos] >= '0' && p.src[p.pos] <= '9' {
		p.pos++
	}
	return strconv.Atoi(p.src[start:p.pos])
}

func (p *typeParser) parse(alloc *idAllocator) (iceberg.Type, error) {
	word, err := p.ident()
	if err != nil {
		return nil, err
	}
	name := strings.ToUpper(word)
	var t iceberg.Type
	switch name {
	case "STRUCT":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		type pending struct {
			name string
			id   int
		}
		var names []string
		// Iceberg assigns ids to all fields of a struct before descending.
		// Parse names first in one pass to know the count, then types.
		var fields []iceberg.NestedField
		var raw []string
		for {
			n, err := p.ident()
			if err != nil {
				return nil, err
			}
			names = append(names, n)
			// find the end of this field's type: the next ',' or ')' at depth 0
			depth := 0
			start := p.pos
			for p.pos < len(p.src) {
				c := p.src[p.pos]
				if c == '(' || c == '[' {
					depth++
				} else if c == ')' || c == ']' {
					if depth == 0 {
						break
					}
					depth--
				} else if c == ',' && depth == 0 {
					break
				} else if c == '"' {
					if end := strings.IndexByte(p.src[p.pos+1:], '"'); end >= 0 {
						p.pos += end + 1
					}
				}
				p.pos++
			}
			raw = append(raw, p.src[start:p.pos])
			if p.peek() == ',' {
				p.pos++
				continue
			}
			if err := p.expect(')'); err != nil {
				return nil, err
			}
			break
		}
		ids := make([]pending, len(names))
		for i, n := range names {
			ids[i] = pending{n, alloc.id()}
		}
		for i, r := range raw {
			sub := &typeParser{src: r}
			ft, err := sub.parse(alloc)
			if err != nil {
				return nil, fmt.Errorf("field %q: %w", names[i], err)
			}
			fields = append(fields, iceberg.NestedField{ID: ids[i].id, Name: ids[i].name, Type: ft})
		}
		t = &iceberg.StructType{FieldList: fields}
	case "MAP":
		if err := p.expect('('); err != nil {
			return nil, err
		}
		kid, vid := alloc.id(), alloc.id()
		k, err := p.parse(alloc)
		if err != nil {
			return nil, err
		}
		if err := p.expect(','); err != nil {
			return nil, err
		}
		v, err := p.parse(alloc)
		if err != nil {
			return nil, err
		}
		if err := p.expect(')'); err != nil {
			return nil, err
		}
		t = &iceberg.MapType{KeyID: kid, KeyType: k, ValueID: vid, ValueType: v}
	case "DECIMAL", "NUMERIC":
		prec, scale := 18, 3
		if p.peek() == '(' {
			p.pos++
			if prec, err = p.number(); err != nil {
				return nil, fmt.Errorf("%w: bad decimal precision in %q", ErrUnsupportedType, p.src)
			}
			scale = 0
			if p.peek() == ',' {
				p.pos++
				if scale, err = p.number(); err != nil {
					return nil, fmt.Errorf("%w: bad decimal scale in %q", ErrUnsupportedType, p.src)
				}
			}
			if err := p.expect(')'); err != nil {
				return nil, err
			}
		}
		if prec < 1 || prec > 38 || scale < 0 || scale > prec {
			return nil, fmt.Errorf("%w: DECIMAL(%d,%d) is outside Iceberg's decimal(1..38, 0..p)", ErrUnsupportedType, prec, scale)
		}
		t = iceberg.DecimalTypeOf(prec, scale)
	case "BOOLEAN", "BOOL", "LOGICAL":
		t = iceberg.PrimitiveTypes.Bool
	case "TINYINT", "INT1", "SMALLINT", "INT2", "SHORT", "INTEGER", "INT", "INT4", "SIGNED", "UTINYINT", "USMALLINT":
		t = iceberg.PrimitiveTypes.Int32
	case "BIGINT", "INT8", "LONG", "UINTEGER":
		t = iceberg.PrimitiveTypes.Int64
	case "FLOAT", "FLOAT4", "REAL":
		t = iceberg.PrimitiveTypes.Float32
	case "DOUBLE", "FLOAT8":
		t = iceberg.PrimitiveTypes.Float64
	case "VARCHAR", "TEXT", "STRING", "CHAR", "BPCHAR", "JSON":
		if p.peek() == '(' { // VARCHAR(n): length is not enforced by Iceberg
			for p.pos < len(p.src) && p.src[p.pos] != ')' {
				p.pos++
			}
			p.pos++
		}
		t = iceberg.PrimitiveTypes.String
	case "BLOB", "BYTEA", "BINARY", "VARBINARY":
		t = iceberg.PrimitiveTypes.Binary
	case "DATE":
		t = iceberg.PrimitiveTypes.Date
	case "TIME":
		t = iceberg.PrimitiveTypes.Time
	case "TIMESTAMP", "DATETIME", "TIMESTAMP_US":
		t = iceberg.PrimitiveTypes.Timestamp
		if p.withTimeZone() {
			t = iceberg.PrimitiveTypes.TimestampTz
		}
	case "TIMESTAMPTZ":
		t = iceberg.PrimitiveTypes.TimestampTz
	case "UUID":
		t = iceberg.PrimitiveTypes.UUID
	default:
		return nil, fmt.Errorf("%w: DuckDB type %s has no Iceberg equivalent", ErrUnsupportedType, word)
	}
	// array suffixes: T[] and T[N]
	for p.peek() == '[' {
		p.pos++
		for p.pos < len(p.src) && p.src[p.pos] != ']' {
			p.pos++
		}
		if err := p.expect(']'); err != nil {
			return nil, err
		}
		// The element id must be allocated after the element's own nested
		// ids would be in a fresh assignment; Iceberg only requires
		// uniqueness, and floe always reads the table's stored schema.
		t = &iceberg.ListType{ElementID: alloc.id(), Element: t}
	}
	return t, nil
}

func (p *typeParser) withTimeZone() bool {
	rest := strings.ToUpper(strings.TrimSpace(p.src[p.pos:]))
	if strings.HasPrefix(rest, "WITH TIME ZONE") {
		idx := strings.Index(strings.ToUpper(p.src[p.pos:]), "ZONE")
		p.pos += idx + len("ZONE")
		return true
	}
	return false
}

// DuckDBType renders an Iceberg type as a DuckDB type string.
func DuckDBType(t iceberg.Type) (string, error) {
	switch t := t.(type) {
	case iceberg.BooleanType:
		return "BOOLEAN", nil
	case iceberg.Int32Type:
		return "INTEGER", nil
	case iceberg.Int64Type:
		return "BIGINT", nil
	case iceberg.Float32Type:
		return "FLOAT", nil
	case iceberg.Float64Type:
		return "DOUBLE", nil
	case iceberg.DecimalType:
		return fmt.Sprintf("DECIMAL(%d,%d)", t.Precision(), t.Scale()), nil
	case iceberg.DateType:
		return "DATE", nil
	case iceberg.TimeType:
		return "TIME", nil
	case iceberg.TimestampType:
		return "TIMESTAMP", nil
	case iceberg.TimestampTzType:
		return "TIMESTAMP WITH TIME ZONE", nil
	case iceberg.TimestampNsType:
		return "TIMESTAMP_NS", nil
	case iceberg.TimestampTzNsType:
		return "TIMESTAMP WITH TIME ZONE", nil
	case iceberg.StringType:
		return "VARCHAR", nil
	case iceberg.UUIDType:
		return "UUID", nil
	case iceberg.BinaryType, iceberg.FixedType:
		return "BLOB", nil
	case *iceberg.ListType:
		e, err := DuckDBType(t.Element)
		if err != nil {
			return "", err
		}
		return e + "[]", nil
	case *iceberg.MapType:
		k, err := DuckDBType(t.KeyType)
		if err != nil {
			return "", err
		}
		v, err := DuckDBType(t.ValueType)
		if err != nil {
			return "", err
		}
		return "MAP(" + k + ", " + v + ")", nil
	case *iceberg.StructType:
		parts := make([]string, len(t.FieldList))
		for i, f := range t.FieldList {
			ft, err := DuckDBType(f.Type)
			if err != nil {
				return "", err
			}
			parts[i] = QuoteIdent(f.Name) + " " + ft
		}
		return "STRUCT(" + strings.Join(parts, ", ") + ")", nil
	}
	return "", fmt.Errorf("%w: Iceberg type %s", ErrUnsupportedType, t)
}

// QuoteIdent quotes a SQL identifier for DuckDB, always (sqltext.Quote).
func QuoteIdent(s string) string { return sqltext.Quote(s) }

// QuoteString quotes a SQL string literal for DuckDB.
func QuoteString(s string) string { return sqltext.QuoteString(s) }

// FieldIDsClause renders the FIELD_IDS option of DuckDB's Parquet COPY for
// schema, so every column and nested field carries its Iceberg field id.
func FieldIDsClause(schema *iceberg.Schema) string {
	parts := make([]string, 0, len(schema.Fields()))
	for _, f := range schema.Fields() {
		parts = append(parts, QuoteIdent(f.Name)+": "+fieldIDValue(f.ID, f.Type))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func fieldIDValue(id int, t iceberg.Type) string {
	switch t := t.(type) {
	case *iceberg.ListType:
		return fmt.Sprintf("{__duckdb_field_id: %d, element: %s}", id, fieldIDValue(t.ElementID, t.Element))
	case *iceberg.MapType:
		return fmt.Sprintf("{__duckdb_field_id: %d, key: %s, value: %s}", id,
			fieldIDValue(t.KeyID, t.KeyType), fieldIDValue(t.ValueID, t.ValueType))
	case *iceberg.StructType:
		parts := []string{fmt.Sprintf("__duckdb_field_id: %d", id)}
		for _, f := range t.FieldList {
			parts = append(parts, QuoteIdent(f.Name)+": "+fieldIDValue(f.ID, f.Type))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return strconv.Itoa(id)
}

// TypeName is the DuckDB spelling of an Iceberg type, as DESCRIBE shows
// it, or Iceberg's own name, upper-cased, for a type DuckDB has no name
// for.
func TypeName(t iceberg.Type) string {
	if name, err := DuckDBType(t); err == nil {
		return name
	}
	return strings.ToUpper(t.String())
}
