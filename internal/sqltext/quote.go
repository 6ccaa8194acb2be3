package sqltext

import "strings"

// Quote writes an identifier in double quotes, whatever it is: the form
// for SQL that floe generates, where a name must never be read as a
// keyword or change case.
func Quote(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// QuoteString writes a string literal.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// QuoteIdent writes an identifier as a person would: bare when it is a
// plain lower-case word (a-z, _, and digits after the first character)
// that DuckDB accepts as a column or table name, and quoted otherwise: a
// name with other characters, upper case (DuckDB folds bare names) or a
// keyword of the reserved or type_function categories.
func QuoteIdent(name string) string {
	if NeedsQuote(name) {
		return Quote(name)
	}
	return name
}

// QuoteName writes a dotted name (lake.sales.orders), each part as
// QuoteIdent writes it.
func QuoteName(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = QuoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// NeedsQuote reports whether an identifier must be quoted to be read as
// itself (see QuoteIdent).
func NeedsQuote(name string) bool {
	if name == "" {
		return true
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || i > 0 && isDigit(c)) {
			return true
		}
	}
	switch KeywordCategory(name) {
	case Reserved, TypeFunction:
		return true
	}
	return false
}

// Category is a DuckDB keyword category (duckdb_keywords().keyword_category).
type Category uint8

const (
	NotKeyword   Category = iota
	Unreserved            // a name anywhere: year, version, set
	ColumnName            // a column or table name, not a function or type name: integer, values
	TypeFunction          // a function or type name, not a column or table name: left, join, at
	Reserved              // no name at all unless quoted: select, from, lambda
)

var categoryNames = [...]string{"", "unreserved", "column_name", "type_function", "reserved"}

// String returns the category as duckdb_keywords() names it.
func (c Category) String() string { return categoryNames[c] }

// KeywordCategory returns the category of a DuckDB keyword, in any case,
// and NotKeyword for other words.
func KeywordCategory(word string) Category {
	if c, ok := keywords[word]; ok {
		return c
	}
	return keywords[strings.ToLower(word)]
}

// Unquote returns the name an identifier written bare or in double quotes
// stands for: "My ""T""" is My "T". Other text comes back trimmed of
// white space.
func Unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' {
		if end, open := quoted(s, 1, '"', false); !open && end == len(s) {
			return strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
		}
	}
	return s
}
