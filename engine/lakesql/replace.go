package lakesql

import (
	"context"
	"fmt"

	"github.com/floehq/floe/engine"
)

// replaceTable runs CREATE OR REPLACE TABLE (and Spark's REPLACE TABLE) on
// an existing lake table as one Iceberg replace commit (see
// engine.Replacement): the table keeps its history, so time travel and
// its metadata tables still show what it held before. q, when not empty,
// is the prepared query of REPLACE ... AS SELECT: its rows are written
// with the new schema and spec first, then committed with the replacement,
// so a failure or a kill leaves the old table as it was. The query may
// read the table it replaces. The table must exist (engine.ErrNoSuchTable
// otherwise, before anything is written).
func (s *Session) replaceTable(ctx context.Context, ns, name string, opts engine.CreateOptions, q string) (*Rows, error) {
	r, err := s.wh.PrepareReplace(ctx, ns, name, opts)
	if err != nil {
		return nil, err
	}
	t := r.Table()
	ident := t.Ident()
	var (
		files   []engine.WrittenFile
		n       int64
		dir     string
		summary map[string]string
	)
	if q != "" {
		src, err := s.describeQuery(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("replace table %s: %w", ident, err)
		}
		body, err := insertSelect(t, q, src, nil)
		if err != nil {
			return nil, fmt.Errorf("replace table %s: %w", ident, err)
		}
		var writeID string
		files, n, dir, writeID, err = s.writeQuery(ctx, t, body)
		if err != nil {
			return nil, fmt.Errorf("replace table %s: %w", ident, err)
		}
		summary = map[string]string{"floe.write-id": writeID}
	}
	if _, err := r.Commit(ctx, files, summary); err != nil {
		if dir != "" {
			// Nothing references the files: remove them so no orphan stays.
			s.wh.RemoveWritten(dir)
		}
		return nil, err
	}
	if len(files) == 0 && dir != "" {
		s.wh.RemoveWritten(dir)
	}
	if err := s.definePlaceholder(ctx, ns, name); err != nil {
		return nil, err
	}
	if q == "" {
		return okRows(), nil
	}
	return countRows(n), nil
}
