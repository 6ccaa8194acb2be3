package lakesql

import (
	"context"
	"fmt"
	"strings"

	"github.com/duckdb/duckdb-go/v2"
)

// procTable reads the table argument of a maintenance procedure: the
// first positional argument or table => 'ns.t'.
func procTable(name string, args ProcArgs) (string, string, error) {
	v, ok := args.Named["table"]
	if !ok && len(args.Positional) > 0 {
		v, ok = args.Positional[0], true
	}
	s, isStr := v.(string)
	if !ok || !isStr {
		return "", "", fmt.Errorf("%s needs the table: CALL %s('schema.table')", name, name)
	}
	s = strings.TrimPrefix(s, "lake.")
	ns, t, found := strings.Cut(s, ".")
	if !found || ns == "" || t == "" {
		return "", "", fmt.Errorf("%s: table %q must be schema.table", name, s)
	}
	return ns, t, nil
}

// procOption reads an option given by name (target_file_size_bytes =>)
// or in Spark's options => map('target-file-size-bytes', '...').
func procOption(args ProcArgs, key string) (string, bool) {
	if v, ok := args.Named[strings.ReplaceAll(key, "-", "_")]; ok {
		return fmt.Sprint(v), true
	}
	if om, ok := procMap(args.Named["options"]); ok {
		if v, ok := om.Get(key); ok {
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

// procMap reads a MAP argument, which the driver returns as a
// duckdb.OrderedMap value.
func procMap(v any) (*duckdb.OrderedMap, bool) {
	switch m := v.(type) {
	case duckdb.OrderedMap:
		return &m, true
	case *duckdb.OrderedMap:
		return m, m != nil
	}
	return nil, false
}

// rewritePositionDeletes implements CALL rewrite_position_delete_files:
// for a v2 table it folds the position-delete files into the data (the
// only rewrite that leaves no delete file behind); it is
// rewrite_data_files restricted to files with deletes.
func rewritePositionDeletes(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	// Every file with a delete, none for its size alone.
	args.Named["delete_file_threshold"] = int64(1)
	args.Named["min_file_size_bytes"] = int64(0)
	args.Named["max_file_size_bytes"] = int64(1) << 62
	return rewriteDataFiles(ctx, s, args)
}

// invalidate makes the next statement re-plan a table floe just changed.
func (s *Session) invalidate(ns, name string) {
	if st := s.tables[tableKey{ns, name}]; st != nil {
		st.metaLoc = ""
	}
}
