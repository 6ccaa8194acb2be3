package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrWrite is the error for SQL that would change data, the catalog, the
// session or files, or that reads outside the lake, when writes are not
// allowed. Errors from the read-only guard wrap it; test with errors.Is.
var ErrWrite = errors.New("not a read-only query")

// WriteError says why the read-only guard refused a statement.
type WriteError struct {
	SQL    string
	Reason string
}

func (e *WriteError) Error() string {
	return fmt.Sprintf("refused: %s (the agent only runs read-only queries unless writes are allowed)", e.Reason)
}

// Unwrap returns ErrWrite.
func (e *WriteError) Unwrap() error { return ErrWrite }

// writeVerbs start statements that change something. They are refused
// anywhere outside strings and quoted identifiers, so that a second
// statement or a construct the guard does not know cannot hide one.
var writeVerbs = wordSet(`INSERT UPDATE DELETE MERGE UPSERT REPLACE CREATE DROP ALTER TRUNCATE COPY ATTACH DETACH
	CALL INSTALL LOAD FORCE PRAGMA EXPORT IMPORT CHECKPOINT VACUUM GRANT REVOKE`)

// sessionVerbs change the session when they start a statement.
var sessionVerbs = wordSet(`SET RESET COMMENT USE BEGIN COMMIT ROLLBACK ABORT START END PREPARE EXECUTE DEALLOCATE`)

// readVerbs start the statements the guard lets through.
var readVerbs = wordSet(`SELECT WITH FROM VALUES TABLE DESCRIBE SHOW SUMMARIZE`)

// outsideFuncs read files, the network or the environment, or run SQL
// given as a string; a read-only query of the lake needs none of them.
var outsideFuncs = wordSet(`READ_CSV READ_CSV_AUTO READ_PARQUET PARQUET_SCAN READ_JSON READ_JSON_AUTO
	READ_JSON_OBJECTS READ_NDJSON READ_NDJSON_AUTO READ_NDJSON_OBJECTS READ_TEXT READ_BLOB GLOB SNIFF_CSV
	PARQUET_METADATA PARQUET_SCHEMA PARQUET_FILE_METADATA PARQUET_KV_METADATA ICEBERG_SCAN ICEBERG_METADATA
	ICEBERG_SNAPSHOTS DELTA_SCAN SQLITE_SCAN SQLITE_ATTACH POSTGRES_SCAN POSTGRES_QUERY MYSQL_SCAN
	QUERY QUERY_TABLE GETENV SETSEED NEXTVAL READ_XLSX ST_READ HTTP_GET HTTP_POST`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// CheckReadOnly returns nil when sql is one statement that only reads lake
// data, and a *WriteError otherwise. It classifies the statement with
// keyword checks and, when the catalog implements SelectParser, with the
// engine's own parser: a statement the parser does not accept as a single
// SELECT is not read-only.
func CheckReadOnly(ctx context.Context, cat Catalog, sql string) error {
	refuse := func(format string, args ...any) error {
		return &WriteError{SQL: sql, Reason: fmt.Sprintf(format, args...)}
	}
	stmts := splitStatements(sql)
	switch {
	case len(stmts) == 0:
		return refuse("no statement")
	case len(stmts) > 1:
		return refuse("%d statements; a read-only query is exactly one", len(stmts))
	}
	toks := stmts[0]
	first := toks[0]
	if first.kind != tkWord && !first.is("(") {
		return refuse("statement starts with %q", first.text)
	}
	up := strings.ToUpper(first.text)
	switch {
	case sessionVerbs[up]:
		return refuse("%s changes the session", up)
	case first.kind == tkWord && !readVerbs[up]:
		return refuse("%s is not a query", up)
	}
	for i, t := range toks {
		if t.kind != tkWord {
			continue
		}
		w := strings.ToUpper(t.text)
		if writeVerbs[w] {
			return refuse("%s writes", w)
		}
		next := i+1 < len(toks) && toks[i+1].is("(")
		if next && outsideFuncs[w] {
			return refuse("%s reads outside the lake", strings.ToLower(w))
		}
		// FROM 'file.csv' is DuckDB's shorthand for reading a file.
		if (w == "FROM" || w == "JOIN") && i+1 < len(toks) && toks[i+1].kind == tkString {
			return refuse("FROM %s reads a file", toks[i+1].text)
		}
	}
	if p, ok := cat.(SelectParser); ok {
		if err := p.ParseSelect(ctx, sql); err != nil {
			return refuse("not a single SELECT statement: %v", err)
		}
	}
	return nil
}

// IsWrite reports whether sql would be refused by CheckReadOnly.
func IsWrite(ctx context.Context, cat Catalog, sql string) bool {
	return CheckReadOnly(ctx, cat, sql) != nil
}

type tkKind int

const (
	tkWord tkKind = iota
	tkQuoted
	tkString
	tkNumber
	tkPunct
)

type sqlToken struct {
	kind tkKind
	text string
}

func (t sqlToken) is(p string) bool {
	return t.kind == tkPunct && t.text == p || t.kind == tkWord && strings.EqualFold(t.text, p)
}

// splitStatements lexes SQL (skipping comments, keeping strings, quoted
// identifiers and dollar-quoted strings whole) and cuts it at semicolons
// into non-empty statements.
func splitStatements(src string) [][]sqlToken {
	var out [][]sqlToken
	var cur []sqlToken
	flush := func() {
		if len(cur) > 0 {
			out = append(out, cur)
		}
		cur = nil
	}
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				i = len(src)
			} else {
				i += end + 4
			}
		case c == '\'' || c == '"':
			start := i
			i++
			for i < len(src) {
				if src[i] == c {
					if i+1 < len(src) && src[i+1] == c {
						i += 2
						continue
					}
					i++
					break
				}
				if c == '\'' && src[i] == '\\' && escapeString(src, start) {
					i++
				}
				i++
			}
			k := tkString
			if c == '"' {
				k = tkQuoted
			}
			cur = append(cur, sqlToken{k, src[start:min(i, len(src))]})
		case c == '$' && dollarTag(src[i:]) != "":
			tag := dollarTag(src[i:])
			start := i
			end := strings.Index(src[i+len(tag):], tag)
			if end < 0 {
				i = len(src)
			} else {
				i += 2*len(tag) + end
			}
			cur = append(cur, sqlToken{tkString, src[start:i]})
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80:
			start := i
			for i < len(src) && (src[i] == '_' || src[i] == '$' || src[i] >= 'a' && src[i] <= 'z' ||
				src[i] >= 'A' && src[i] <= 'Z' || src[i] >= '0' && src[i] <= '9' || src[i] >= 0x80) {
				i++
			}
			// E'...' is a string with escapes, not the word E.
			if i-start == 1 && (src[start] == 'E' || src[start] == 'e') && i < len(src) && src[i] == '\'' {
				continue
			}
			cur = append(cur, sqlToken{tkWord, src[start:i]})
		case c >= '0' && c <= '9':
			start := i
			for i < len(src) && (src[i] >= '0' && src[i] <= '9' || src[i] == '.' || src[i] == '_') {
				i++
			}
			cur = append(cur, sqlToken{tkNumber, src[start:i]})
		case c == ';':
			flush()
			i++
		default:
			cur = append(cur, sqlToken{tkPunct, string(c)})
			i++
		}
	}
	flush()
	return out
}

func dollarTag(s string) string {
	for j := 1; j < len(s); j++ {
		if s[j] == '$' {
			return s[:j+1]
		}
		if !(s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || j > 1 && s[j] >= '0' && s[j] <= '9') {
			return ""
		}
	}
	return ""
}

// escapeString reports whether the string literal at start is an E'...'
// string, in which backslash escapes a quote.
func escapeString(src string, start int) bool {
	if start == 0 || src[start-1] != 'E' && src[start-1] != 'e' {
		return false
	}
	if start == 1 {
		return true
	}
	c := src[start-2]
	return !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80)
}
