package kernel

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/floehq/floe/engine"
)

// ErrExportFormat is wrapped when an export file's extension names no
// format floe writes.
var ErrExportFormat = errors.New("unknown export format")

// Exported says what Export wrote.
type Exported struct {
	Path   string // the file, as given
	Format string // csv, parquet, json or jsonl
	Rows   int64
}

// ExportFormat returns the format a file name's extension picks: .csv,
// .parquet, .json (one JSON array) or .jsonl / .ndjson (one object a line).
func ExportFormat(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		return "csv", nil
	case ".parquet":
		return "parquet", nil
	case ".json":
		return "json", nil
	case ".jsonl", ".ndjson":
		return "jsonl", nil
	default:
		return "", fmt.Errorf("export %s: %w %q: use .csv, .parquet, .json or .jsonl", path, ErrExportFormat, ext)
	}
}

// copyOptions are the COPY options of each format.
var copyOptions = map[string]string{
	"csv":     "FORMAT csv, HEADER true",
	"parquet": "FORMAT parquet",
	"json":    "FORMAT json, ARRAY true",
	"jsonl":   "FORMAT json",
}

// Export writes the whole of a held result, in the given order, to the
// file at path with DuckDB's COPY; the extension picks the format (see
// ExportFormat). The file is written under a temporary name in its
// directory and renamed into place, so an existing file is replaced whole
// or not at all.
func (s *Session) Export(ctx context.Context, handle, path string, order []Order) (*Exported, error) {
	format, err := ExportFormat(path)
	if err != nil {
		return nil, err
	}
	if err := s.busy.lock(ctx); err != nil {
		return nil, err
	}
	defer s.busy.unlock()
	h, err := s.lookup(handle)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", path, err)
	}
	rel, err := s.rows(ctx, h, order)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", path, err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", path, err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	done := false
	defer func() {
		if !done {
			os.Remove(tmpName)
		}
	}()
	cols := make([]string, len(h.columns))
	for i, c := range h.columns {
		cols[i] = engine.QuoteIdent(c)
	}
	q := fmt.Sprintf("COPY (SELECT %s FROM %s) TO %s (%s)", strings.Join(cols, ", "), rel, engine.QuoteString(tmpName), copyOptions[format])
	res, err := s.sql.Conn().ExecContext(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", path, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		n = h.total
	}
	if err := os.Rename(tmpName, path); err != nil {
		return nil, fmt.Errorf("export %s: %w", path, err)
	}
	done = true
	return &Exported{Path: path, Format: format, Rows: n}, nil
}
