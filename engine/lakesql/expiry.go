package lakesql

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
)

// procArgs binds a CALL's arguments to the procedure's parameter names:
// positional ones in the order of names (Spark's order), named ones by
// name. An argument the procedure does not take, or one given twice, is
// an error naming it. A NULL argument counts as not given.
func procArgs(proc string, args ProcArgs, names ...string) (map[string]any, error) {
	if len(args.Positional) > len(names) {
		return nil, fmt.Errorf("%s takes at most %d arguments (%s), not %d", proc, len(names), strings.Join(names, ", "), len(args.Positional))
	}
	bound := map[string]any{}
	for i, v := range args.Positional {
		if v != nil {
			bound[names[i]] = v
		}
	}
	for _, name := range slices.Sorted(maps.Keys(args.Named)) {
		if !slices.Contains(names, name) {
			return nil, fmt.Errorf("%s has no argument %s; it takes %s", proc, name, strings.Join(names, ", "))
		}
		if i := slices.Index(names, name); i < len(args.Positional) {
			return nil, fmt.Errorf("%s: argument %s given twice, by position and by name", proc, name)
		}
		if v := args.Named[name]; v != nil {
			bound[name] = v
		}
	}
	return bound, nil
}

// tableArg reads the table argument of a bound CALL.
func tableArg(proc string, bound map[string]any) (string, string, error) {
	return procTable(proc, ProcArgs{Named: map[string]any{"table": bound["table"]}})
}

// timestampArg reads a timestamp argument (older_than => TIMESTAMP '...'):
// a TIMESTAMP, TIMESTAMPTZ or DATE value, or a string in one of their
// literal forms. Missing, it is the zero time.
func timestampArg(proc, name string, bound map[string]any) (time.Time, error) {
	v, ok := bound[name]
	if !ok {
		return time.Time{}, nil
	}
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999", "2006-01-02"} {
			if t, err := time.Parse(layout, strings.TrimSpace(x)); err == nil {
				return t, nil
			}
		}
		return time.Time{}, fmt.Errorf("%s: %s must be a timestamp (%s => TIMESTAMP '2026-01-01 00:00:00'), not the string %q", proc, name, name, x)
	}
	return time.Time{}, fmt.Errorf("%s: %s must be a timestamp (%s => TIMESTAMP '2026-01-01 00:00:00'), not %s", proc, name, name, describeArg(v))
}

// intArg reads an integer argument that must be at least least. Missing,
// it is 0.
func intArg(proc, name string, bound map[string]any, least int64) (int, error) {
	v, ok := bound[name]
	if !ok {
		return 0, nil
	}
	var n int64
	switch x := v.(type) {
	case int8:
		n = int64(x)
	case int16:
		n = int64(x)
	case int32:
		n = int64(x)
	case int64:
		n = x
	case uint8:
		n = int64(x)
	case uint16:
		n = int64(x)
	case uint32:
		n = int64(x)
	case uint64:
		if x > math.MaxInt32 {
			return 0, fmt.Errorf("%s: %s is too large: %d", proc, name, x)
		}
		n = int64(x)
	default:
		return 0, fmt.Errorf("%s: %s must be an integer, not %s", proc, name, describeArg(v))
	}
	if n < least {
		return 0, fmt.Errorf("%s: %s must be at least %d, not %d", proc, name, least, n)
	}
	if n > math.MaxInt32 {
		return 0, fmt.Errorf("%s: %s is too large: %d", proc, name, n)
	}
	return int(n), nil
}

// boolArg reads a boolean argument; missing, it is def.
func boolArg(proc, name string, bound map[string]any, def bool) (bool, error) {
	v, ok := bound[name]
	if !ok {
		return def, nil
	}
	b, isBool := v.(bool)
	if !isBool {
		return false, fmt.Errorf("%s: %s must be true or false, not %s", proc, name, describeArg(v))
	}
	return b, nil
}

// describeArg names an argument's value and type for an error.
func describeArg(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("the string %q", x)
	case bool:
		return fmt.Sprintf("the boolean %t", x)
	case int8, int16, int32, int64, uint8, uint16, uint32, uint64:
		return fmt.Sprintf("the integer %d", x)
	case float32, float64:
		return fmt.Sprintf("the number %v", x)
	case time.Time:
		return "a timestamp"
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

// expireSnapshots implements Spark's CALL expire_snapshots(table,
// older_than, retain_last, max_concurrent_deletes, stream_results):
// engine.Warehouse.ExpireSnapshots, one commit, then the files only the
// expired snapshots reached are deleted. stream_results is accepted and
// checked; the result is one row whatever it says.
func expireSnapshots(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	const proc = "expire_snapshots"
	if _, ok := args.Named["snapshot_ids"]; ok {
		return nil, fmt.Errorf("%s: snapshot_ids is not supported yet; expire by older_than and retain_last", proc)
	}
	if _, ok := args.Named["clean_expired_metadata"]; ok {
		return nil, fmt.Errorf("%s: clean_expired_metadata is not supported yet", proc)
	}
	bound, err := procArgs(proc, args, "table", "older_than", "retain_last", "max_concurrent_deletes", "stream_results")
	if err != nil {
		return nil, err
	}
	ns, name, err := tableArg(proc, bound)
	if err != nil {
		return nil, err
	}
	var opts engine.ExpireOptions
	if opts.OlderThan, err = timestampArg(proc, "older_than", bound); err != nil {
		return nil, err
	}
	if opts.RetainLast, err = intArg(proc, "retain_last", bound, 1); err != nil {
		return nil, err
	}
	if opts.MaxConcurrentDeletes, err = intArg(proc, "max_concurrent_deletes", bound, 1); err != nil {
		return nil, err
	}
	if _, err := boolArg(proc, "stream_results", bound, false); err != nil {
		return nil, err
	}
	rep, err := s.wh.ExpireSnapshots(ctx, ns, name, opts)
	s.invalidate(ns, name)
	if err != nil {
		return nil, err
	}
	return NewRows(
		[]string{"deleted_data_files_count", "deleted_position_delete_files_count", "deleted_equality_delete_files_count",
			"deleted_manifest_files_count", "deleted_manifest_lists_count", "deleted_statistics_files_count",
			"expired_snapshots_count", "deleted_bytes_count"},
		[]string{"BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT"},
		[][]any{{int64(rep.DeletedDataFiles), int64(rep.DeletedPositionDeleteFiles), int64(rep.DeletedEqualityDeleteFiles),
			int64(rep.DeletedManifests), int64(rep.DeletedManifestLists), int64(rep.DeletedStatisticsFiles),
			int64(len(rep.Expired)), rep.DeletedBytes}}), nil
}

// removeOrphanFiles implements Spark's CALL remove_orphan_files(table,
// older_than, location, dry_run, max_concurrent_deletes):
// engine.Warehouse.RemoveOrphanFiles. One row per orphan file, deleted or
// (dry_run => true) to be deleted.
func removeOrphanFiles(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	const proc = "remove_orphan_files"
	bound, err := procArgs(proc, args, "table", "older_than", "location", "dry_run", "max_concurrent_deletes")
	if err != nil {
		return nil, err
	}
	ns, name, err := tableArg(proc, bound)
	if err != nil {
		return nil, err
	}
	var opts engine.OrphanOptions
	if opts.OlderThan, err = timestampArg(proc, "older_than", bound); err != nil {
		return nil, err
	}
	if v, ok := bound["location"]; ok {
		loc, isStr := v.(string)
		if !isStr || loc == "" {
			return nil, fmt.Errorf("%s: location must be a directory inside the table's location, not %s", proc, describeArg(v))
		}
		opts.Location = loc
	}
	if opts.DryRun, err = boolArg(proc, "dry_run", bound, false); err != nil {
		return nil, err
	}
	if opts.MaxConcurrentDeletes, err = intArg(proc, "max_concurrent_deletes", bound, 1); err != nil {
		return nil, err
	}
	rep, err := s.wh.RemoveOrphanFiles(ctx, ns, name, opts)
	if err != nil {
		return nil, err
	}
	data := make([][]any, len(rep.Orphans), len(rep.Orphans)+len(rep.Uploads))
	for i, o := range rep.Orphans {
		data[i] = []any{o.Location, o.Size}
	}
	// Incomplete multipart uploads (object storage): parts, not files.
	for _, u := range rep.Uploads {
		data = append(data, []any{fmt.Sprintf("%s (incomplete multipart upload %s, started %s)", u.Location, u.ID, u.Initiated.UTC().Format(time.RFC3339)), int64(0)})
	}
	return NewRows([]string{"orphan_file_location", "file_size_in_bytes"}, []string{"VARCHAR", "BIGINT"}, data), nil
}

// rewriteManifests implements Spark's CALL rewrite_manifests(table,
// use_caching, spec_id): engine.Table.RewriteManifests, one commit.
// use_caching is accepted and checked; there is no cache to use.
func rewriteManifests(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	const proc = "rewrite_manifests"
	bound, err := procArgs(proc, args, "table", "use_caching", "spec_id")
	if err != nil {
		return nil, err
	}
	ns, name, err := tableArg(proc, bound)
	if err != nil {
		return nil, err
	}
	if _, err := boolArg(proc, "use_caching", bound, false); err != nil {
		return nil, err
	}
	var specID *int
	if _, ok := bound["spec_id"]; ok {
		id, err := intArg(proc, "spec_id", bound, 0)
		if err != nil {
			return nil, err
		}
		specID = &id
	}
	t, err := s.wh.Table(ctx, ns, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", proc, err)
	}
	_, done, err := t.RewriteManifests(ctx, specID) // commits under the table's lock
	s.invalidate(ns, name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", proc, err)
	}
	return NewRows([]string{"rewritten_manifests_count", "added_manifests_count"}, []string{"INTEGER", "INTEGER"},
		[][]any{{int32(done.Rewritten), int32(done.Added)}}), nil
}
