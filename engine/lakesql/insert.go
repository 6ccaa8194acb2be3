package lakesql

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/duckdb/duckdb-go/v2"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// targetFileSize is where DuckDB starts a new data file.
const targetFileSize = "256MB"

// parseInsert recognises INSERT INTO lake.ns.t [(columns)] query.
func (s *Session) parseInsert(c *cursor) handler {
	if !c.accept("INSERT", "INTO") {
		return nil
	}
	name, ok := c.lakeName(2)
	if !ok {
		return nil
	}
	var cols []string
	save := c.i
	if inner, ok := c.group(); ok {
		// A column list, unless the parenthesis opens the query itself.
		first := sqltext.Code(inner)
		if len(first) > 0 && (first[0].Is("SELECT") || first[0].Is("WITH") || first[0].Is("FROM") || first[0].Is("VALUES")) {
			c.i = save
		} else {
			for _, part := range splitTop(inner) {
				cols = append(cols, sqltext.Unquote(part))
			}
		}
	}
	query := c.rest()
	return func(ctx context.Context) (*Rows, error) {
		n, err := s.insert(ctx, name[0], name[1], cols, query)
		if err != nil {
			return nil, err
		}
		return countRows(n), nil
	}
}

// insert writes a query's rows into a lake table as Parquet files with
// Iceberg field ids, and commits them as one snapshot. It returns the
// number of rows written.
func (s *Session) insert(ctx context.Context, ns, name string, cols []string, query string) (int64, error) {
	t, err := s.wh.Table(ctx, ns, name)
	if err != nil {
		if errors.Is(err, engine.ErrNoSuchTable) {
			return 0, fmt.Errorf("insert into lake.%s.%s: %w%s", ns, name, engine.ErrNoSuchTable, s.suggest(ctx, ns, name))
		}
		return 0, fmt.Errorf("insert into: %w", err)
	}
	ident := t.Ident()
	if v := t.FormatVersion(); v < 2 {
		return 0, fmt.Errorf("insert into %s: %w: it is an Iceberg format-version %d table; floe writes v2 and v3 (upgrade it with ALTER TABLE %s SET TBLPROPERTIES ('format-version'='2'))",
			ident, engine.ErrReadOnly, v, ident)
	}
	if strings.TrimSpace(query) == "" {
		return 0, fmt.Errorf("insert into %s: no query or VALUES to insert", ident)
	}
	q, err := s.prepareRead(ctx, query)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", ident, err)
	}
	src, err := s.describeQuery(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", ident, err)
	}
	body, err := insertSelect(t, q, src, cols)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", ident, err)
	}
	files, rows, dir, writeID, err := s.writeQuery(ctx, t, body)
	if err != nil {
		return 0, fmt.Errorf("insert into %s: %w", ident, err)
	}
	if len(files) == 0 {
		s.wh.RemoveWritten(dir)
		return 0, nil
	}
	if _, err := t.AppendFiles(ctx, files, map[string]string{"floe.write-id": writeID}); err != nil {
		// Nothing references the files: remove them so no orphan stays.
		s.wh.RemoveWritten(dir)
		return 0, err
	}
	return rows, nil
}

// insertSelect returns the SELECT that turns the rows of query q, whose
// columns are src, into rows of table t: q's columns fill cols (all of
// the table's columns, in order, when cols is nil), the others are NULL;
// each value is cast to its column's type and NOT NULL is enforced.
func insertSelect(t *engine.Table, q string, src []engine.Column, cols []string) (string, error) {
	schema := t.Schema()
	fields := schema.Fields()
	// Map target columns to source positions.
	pos := make([]int, len(fields))
	for i := range pos {
		pos[i] = -1
	}
	if cols == nil {
		if len(src) != len(fields) {
			return "", fmt.Errorf("the query returns %d columns but the table has %d (%s)",
				len(src), len(fields), fieldNames(fields))
		}
		for i := range fields {
			pos[i] = i
		}
	} else {
		if len(src) != len(cols) {
			return "", fmt.Errorf("%d columns named but the query returns %d", len(cols), len(src))
		}
		for j, c := range cols {
			f, ok := schema.FindFieldByNameCaseInsensitive(c)
			if !ok {
				return "", fmt.Errorf("no column %q (columns: %s)", c, fieldNames(fields))
			}
			for i := range fields {
				if fields[i].ID == f.ID {
					if pos[i] >= 0 {
						return "", fmt.Errorf("column %q named twice", c)
					}
					pos[i] = j
				}
			}
		}
	}
	sel := make([]string, len(fields))
	for i, f := range fields {
		typ, err := engine.DuckDBType(f.Type)
		if err != nil {
			return "", fmt.Errorf("column %s: %w", f.Name, err)
		}
		expr := "NULL"
		if pos[i] >= 0 {
			expr = "src." + engine.QuoteIdent(f.Name)
		}
		expr = fmt.Sprintf("CAST(%s AS %s)", expr, typ)
		if f.Required {
			// The statement's error already names the table.
			msg := engine.QuoteString(fmt.Sprintf("NULL in NOT NULL column %s", f.Name))
			expr = fmt.Sprintf("CASE WHEN %s IS NULL THEN error(%s) ELSE %s END", expr, msg, expr)
		}
		sel[i] = expr + " AS " + engine.QuoteIdent(f.Name)
	}
	// Name the source columns after the columns they fill, so DuckDB's
	// conversion errors name the table's column.
	aliases := make([]string, len(src))
	for i, j := range pos {
		if j >= 0 {
			aliases[j] = engine.QuoteIdent(fields[i].Name)
		}
	}
	return fmt.Sprintf("SELECT %s FROM (%s) AS src(%s)", strings.Join(sel, ", "), q, strings.Join(aliases, ", ")), nil
}

// writeQuery writes the rows of body, a SELECT that yields the table's
// columns in order and with their types, as Parquet data files with
// Iceberg field ids, partitioned by the table's spec. It returns the files,
// the row count, the directory they are in and the write's id; nothing is
// committed.
func (s *Session) writeQuery(ctx context.Context, t *engine.Table, body string) ([]engine.WrittenFile, int64, string, string, error) {
	return s.writeQueryOpts(ctx, t, body, 0, false)
}

// writeQueryOpts is writeQuery with a target file size (0: the default).
// ordered says body has an ORDER BY to keep within each file; otherwise the
// rows of a partitioned table are sorted by partition before they are
// written: DuckDB keeps at most partitioned_write_max_open_files (100)
// partition files open and starts another file when a closed partition
// comes back after a flush (every partitioned_write_flush_threshold rows
// per thread), so unsorted rows over hundreds of partitions left a file per
// partition per flush: 31,161 files for TPC-DS web_returns' 7.2M rows over
// 2,181 partitions; 1M rows over 303 partitions wrote 634 files unsorted,
// 306 sorted. Every file is a manifest entry that each later commit and
// plan reads and rewrites.
func (s *Session) writeQueryOpts(ctx context.Context, t *engine.Table, body string, targetSize int64, ordered bool) ([]engine.WrittenFile, int64, string, string, error) {
	schema := t.Schema()
	spec := t.Spec()
	var partCols []string
	if !spec.IsUnpartitioned() {
		var parts []string
		i := 0
		for _, pf := range spec.Fields() {
			srcField, ok := schema.FindFieldByID(pf.SourceID())
			if !ok {
				return nil, 0, "", "", fmt.Errorf("partition field %s has no source column", pf.Name)
			}
			e, err := engine.PartitionExpr(pf, srcField, engine.QuoteIdent(srcField.Name))
			if err != nil {
				return nil, 0, "", "", err
			}
			// Name the directory after the partition field, as Spark does,
			// unless that would shadow a column.
			col := pf.Name
			if _, clash := schema.FindFieldByNameCaseInsensitive(col); clash || strings.ContainsAny(col, "/=\\") {
				col = fmt.Sprintf("__floe_p%d", i)
			}
			parts = append(parts, e+" AS "+engine.QuoteIdent(col))
			partCols = append(partCols, col)
			i++
		}
		body = fmt.Sprintf("SELECT *, %s FROM (%s)", strings.Join(parts, ", "), body)
		if !ordered {
			quoted := make([]string, len(partCols))
			for i, c := range partCols {
				quoted[i] = engine.QuoteIdent(c)
			}
			body += " ORDER BY " + strings.Join(quoted, ", ")
		}
	}

	dataDir, err := t.DataDir()
	if err != nil {
		return nil, 0, "", "", err
	}
	writeID := uuid.New().String()
	dir := filepath.Join(dataDir, writeID)
	// DuckDB writes into dir itself: a remote FS spools it (package vfs).
	if err := s.wh.FS().MkdirAll(dataDir); err != nil {
		return nil, 0, "", "", err
	}
	opts := []string{"FORMAT parquet", "COMPRESSION zstd", "FIELD_IDS " + engine.FieldIDsClause(schema),
		"RETURN_STATS", "FILENAME_PATTERN '" + writeID[:8] + "-{i}'"}
	if len(partCols) > 0 {
		quoted := make([]string, len(partCols))
		for i, c := range partCols {
			quoted[i] = engine.QuoteIdent(c)
		}
		opts = append(opts, "PARTITION_BY ("+strings.Join(quoted, ", ")+")")
	} else {
		// DuckDB cannot roll files by size within partitions.
		size := "'" + targetFileSize + "'"
		if targetSize > 0 && targetSize < 1<<40 {
			size = strconv.FormatInt(targetSize, 10)
		}
		opts = append(opts, "FILE_SIZE_BYTES "+size)
	}
	copySQL := fmt.Sprintf("COPY (%s) TO %s (%s)", body, engine.QuoteString(dir), strings.Join(opts, ", "))
	files, rows, err := s.copyFiles(ctx, copySQL, partCols)
	if err != nil {
		s.wh.RemoveWritten(dir)
		return nil, 0, "", "", withoutExcerpt(err)
	}
	return files, rows, dir, writeID, nil
}

func fieldNames(fields []iceberg.NestedField) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return strings.Join(names, ", ")
}

// copyFiles runs a COPY ... RETURN_STATS and collects the files it wrote
// with their partition values.
func (s *Session) copyFiles(ctx context.Context, copySQL string, partCols []string) ([]engine.WrittenFile, int64, error) {
	rows, err := s.conn.QueryContext(ctx, copySQL)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var files []engine.WrittenFile
	var total int64
	for rows.Next() {
		var (
			filename           string
			count, size, fsize int64
			stats, keys        any
		)
		if err := rows.Scan(&filename, &count, &size, &fsize, &stats, &keys); err != nil {
			return nil, 0, err
		}
		if count == 0 {
			s.wh.RemoveWritten(filename)
			continue
		}
		wf := engine.WrittenFile{Path: filename, Stats: writerStats(count, size, stats)}
		if len(partCols) > 0 {
			m, ok := orderedMap(keys)
			if !ok {
				return nil, 0, fmt.Errorf("unexpected partition keys %T for %s", keys, filename)
			}
			for _, col := range partCols {
				v, _ := m.Get(col)
				wf.Partition = append(wf.Partition, v)
			}
		}
		files = append(files, wf)
		total += count
	}
	return files, total, rows.Err()
}

// orderedMap returns v as a DuckDB MAP value.
func orderedMap(v any) (duckdb.OrderedMap, bool) {
	switch m := v.(type) {
	case duckdb.OrderedMap:
		return m, true
	case *duckdb.OrderedMap:
		if m != nil {
			return *m, true
		}
	}
	return duckdb.OrderedMap{}, false
}

// writerStats turns the column_statistics a COPY ... RETURN_STATS returns
// for a file (a map from each column's quoted name to its statistics:
// column_size_bytes, num_values, null_count, min, max, has_nan; all as
// text) into engine.FileStats, or nil if they do not have that shape (the
// footer is then read at commit).
func writerStats(rows, size int64, v any) *engine.FileStats {
	cols, ok := orderedMap(v)
	if !ok {
		return nil
	}
	st := &engine.FileStats{Rows: rows, Size: size, Columns: make(map[string]engine.ColumnStats, cols.Len())}
	for _, k := range cols.Keys() {
		name, ok := k.(string)
		if !ok {
			return nil
		}
		// DuckDB quotes every name; a nested column would be
		// "a"."b", which unquotes to no column of the table.
		if n := len(name); n >= 2 && name[0] == '"' && name[n-1] == '"' {
			name = strings.ReplaceAll(name[1:n-1], `""`, `"`)
		}
		raw, _ := cols.Get(k)
		m, ok := orderedMap(raw)
		if !ok {
			return nil
		}
		var c engine.ColumnStats
		get := func(key string) (string, bool) {
			v, ok := m.Get(key)
			if !ok || v == nil {
				return "", false
			}
			s, ok := v.(string)
			return s, ok
		}
		count := func(key string) (int64, bool) {
			s, ok := get(key)
			if !ok {
				return 0, false
			}
			n, err := strconv.ParseInt(s, 10, 64)
			return n, err == nil
		}
		var ok1, ok2, ok3 bool
		c.Size, ok1 = count("column_size_bytes")
		c.Values, ok2 = count("num_values")
		c.Nulls, ok3 = count("null_count")
		if !ok1 || !ok2 || !ok3 {
			return nil
		}
		c.Min, c.HasMin = get("min")
		c.Max, c.HasMax = get("max")
		nan, _ := get("has_nan")
		c.HasNaN = nan == "true"
		st.Columns[name] = c
	}
	return st
}

// excerptError is a DuckDB error without the excerpt of the statement it
// failed in.
type excerptError struct {
	msg string
	err error
}

func (e *excerptError) Error() string { return e.msg }
func (e *excerptError) Unwrap() error { return e.err }

// withoutExcerpt drops the "LINE 1: ..." excerpt DuckDB appends to an
// error when the statement is SQL floe generated: it points into text the
// user never wrote.
func withoutExcerpt(err error) error {
	msg, _, found := strings.Cut(err.Error(), "\n\nLINE ")
	if !found {
		return err
	}
	return &excerptError{msg: msg, err: err}
}
