package lakesql

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/floehq/floe/engine"
)

// storageClassProc implements CALL storage_class(['ns.t'] [, 'CLASS']):
// with a class it sets the table's storage class (the warehouse default
// when the table is ” or omitted); it returns the effective tiering
// configuration and where each value comes from.
func storageClassProc(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	target, class := "", ""
	if len(args.Positional) > 0 && args.Positional[0] != nil {
		target = fmt.Sprint(args.Positional[0])
	}
	if len(args.Positional) > 1 && args.Positional[1] != nil {
		class = fmt.Sprint(args.Positional[1])
	}
	if len(args.Positional) > 2 {
		return nil, fmt.Errorf("storage_class takes at most two arguments: CALL storage_class('ns.t', 'INTELLIGENT_TIERING')")
	}
	target = strings.TrimPrefix(target, "lake.")
	ns, name, _ := strings.Cut(target, ".")
	if target != "" && (ns == "" || name == "") {
		return nil, fmt.Errorf("storage_class: %q is not a table name (ns.t)", target)
	}
	if class != "" {
		if err := s.wh.SetStorageClass(ctx, ns, name, class); err != nil {
			return nil, fmt.Errorf("storage_class: %w", err)
		}
		s.invalidate(ns, name)
	}
	cfg, err := s.wh.Tiering(ctx, ns, name)
	if err != nil {
		return nil, fmt.Errorf("storage_class: %w", err)
	}
	var data [][]any
	for _, k := range engine.TierKeys {
		data = append(data, []any{k.Name, cfg.Values[k.Name], cfg.Sources[k.Name]})
	}
	return NewRows([]string{"property", "value", "source"}, []string{"VARCHAR", "VARCHAR", "VARCHAR"}, data), nil
}

// applyTieringProc implements CALL apply_tiering('ns.t'): the tiering step
// of a maintenance run for one table, now.
func applyTieringProc(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	if len(args.Positional) != 1 {
		return nil, fmt.Errorf("apply_tiering takes one argument: CALL apply_tiering('ns.t')")
	}
	target := strings.TrimPrefix(fmt.Sprint(args.Positional[0]), "lake.")
	ns, name, ok := strings.Cut(target, ".")
	if !ok || ns == "" || name == "" {
		return nil, fmt.Errorf("apply_tiering: %q is not a table name (ns.t)", target)
	}
	rep, err := s.wh.ApplyTiers(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	s.invalidate(ns, name)
	data := [][]any{{rep.Table, int64(rep.Files[engine.TierFrequent]), int64(rep.Files[engine.TierInfrequent]),
		int64(rep.Files[engine.TierArchiveInstant]), int64(rep.Cooled), int64(rep.Warmed), int64(rep.Kept), rep.Bytes}}
	return NewRows([]string{"table_name", "frequent", "infrequent", "archive_instant", "cooled", "warmed", "kept", "bytes_moved"},
		[]string{"VARCHAR", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT", "BIGINT"}, data), nil
}

// setClockProc implements CALL set_clock(TIMESTAMP '...') and
// CALL set_clock(NULL): it sets (or clears) FLOE_NOW for the whole process,
// so a notebook can show what happens after days without waiting: access
// times, tiers, maintenance and reports all read engine.Now. The reads
// buffered so far are written first, with the clock they were made at.
func setClockProc(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	if len(args.Positional) != 1 {
		return nil, fmt.Errorf("set_clock takes one argument: CALL set_clock(TIMESTAMPTZ '2027-03-01 00:00:00+00') or CALL set_clock(NULL)")
	}
	if err := s.wh.FlushAccess(ctx); err != nil {
		return nil, fmt.Errorf("set_clock: %w", err)
	}
	var val string
	switch v := args.Positional[0].(type) {
	case nil:
		if err := os.Unsetenv(engine.EnvNow); err != nil {
			return nil, err
		}
	case time.Time:
		val = v.UTC().Format(time.RFC3339Nano)
	case string:
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return nil, fmt.Errorf("set_clock: %q is not an RFC 3339 time (like 2027-03-01T00:00:00Z) or a TIMESTAMP", v)
		}
		val = t.UTC().Format(time.RFC3339Nano)
	default:
		return nil, fmt.Errorf("set_clock: %v (%T) is not a time; give a TIMESTAMP or NULL", v, v)
	}
	if val != "" {
		if err := os.Setenv(engine.EnvNow, val); err != nil {
			return nil, err
		}
	}
	now, err := engine.Now()
	if err != nil {
		return nil, err
	}
	return NewRows([]string{"now"}, []string{"TIMESTAMP WITH TIME ZONE"}, [][]any{{now}}), nil
}
