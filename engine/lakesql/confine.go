package lakesql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/floehq/floe/engine"
)

// Option configures a Session at Open.
type Option func(*options)

type options struct {
	confined bool
	procs    []namedProcedure
}

// Confined makes DuckDB itself keep the session inside the warehouse, for
// sessions that run SQL nobody has vetted, such as a language model's.
// Once the session is set up, DuckDB may open files only under the
// warehouse directory, the directories of tables that live outside it (as
// the catalog lists them at Open), and a temporary directory of the
// session's own; external access is disabled (no other file, no COPY to or
// from elsewhere, no ATTACH, INSTALL or LOAD, no getenv), and the
// configuration is locked so that no statement can undo any of it. DuckDB
// applies these settings to the whole database, which is why a confined
// session is a database of its own.
//
// Tables registered from outside the warehouse after Open are not readable
// in a confined session: reads of their files fail with DuckDB's
// permission error.
func Confined() Option { return func(o *options) { o.confined = true } }

// confine applies Confined's settings. It runs after the session's setup,
// which needs none of what it forbids after it.
func (s *Session) confine(ctx context.Context) error {
	tmp, err := os.MkdirTemp("", "floe-duckdb-")
	if err != nil {
		return fmt.Errorf("confine duckdb: %w", err)
	}
	s.tempDir = tmp
	dirs := []string{s.wh.Dir(), tmp}
	if c := s.wh.Cache(); c != nil {
		// On object storage DuckDB reads the cached copies of the files.
		dirs = append(dirs, c.Dir())
	}
	for _, st := range s.tables {
		if p, ok := engine.LocalPath(st.tbl.Location()); ok && !within(p, s.wh.Dir()) {
			dirs = append(dirs, filepath.Clean(p))
		}
	}
	quoted := make([]string, len(dirs))
	for i, d := range dirs {
		quoted[i] = engine.QuoteString(d)
	}
	for _, q := range []string{
		"SET temp_directory = " + engine.QuoteString(tmp),
		"SET allowed_directories = [" + strings.Join(quoted, ", ") + "]",
		"SET enable_external_access = false",
		"SET lock_configuration = true",
	} {
		if err := s.exec(ctx, q); err != nil {
			return fmt.Errorf("confine duckdb: %s: %w", q, err)
		}
	}
	return nil
}

// within reports whether path is dir or lies under it.
func within(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Refresh brings the session's DuckDB catalog up to date with the
// warehouse: tables that other sessions created, dropped or changed since
// Open are listed as they are now. Reads never need it (each statement
// plans its lake tables from the catalog); listings such as
// duckdb_columns() do.
func (s *Session) Refresh(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, st := range s.tables {
		loc, err := s.wh.MetadataLocation(ctx, k.ns, k.name)
		if err != nil || loc == st.metaLoc {
			continue // a dropped table is forgotten by syncCatalog
		}
		if err := s.definePlaceholder(ctx, k.ns, k.name); err != nil {
			return fmt.Errorf("refresh lake.%s.%s: %w", k.ns, k.name, err)
		}
	}
	return s.syncCatalog(ctx)
}
