package lens

import (
	"context"
	"fmt"
	"time"

	"github.com/floehq/floe/engine/lakesql"
)

// Procedure is the session option that makes CALL lens_collect(...)
// available in SQL (lakesql.Open(ctx, wh, lens.Procedure())):
//
//	CALL lens_collect();                                    -- now (FLOE_NOW, else the clock)
//	CALL lens_collect(now => TIMESTAMP '2027-03-01 06:00'); -- a given day, for simulated history
//	CALL lens_collect(now => ..., into => 'lens_demo');      -- lens tables in lake.lens_demo
//
// It returns one row: the day written, the tables measured, and the
// objects and bytes counted.
func Procedure() lakesql.Option { return lakesql.WithProcedure("lens_collect", procedure) }

func procedure(ctx context.Context, s *lakesql.Session, args lakesql.ProcArgs) (*lakesql.Rows, error) {
	if len(args.Positional) > 1 {
		return nil, fmt.Errorf("call lens_collect: takes at most one argument, the time (now => TIMESTAMP '...')")
	}
	var nowArg any
	if len(args.Positional) == 1 {
		nowArg = args.Positional[0]
	}
	var opts Options
	for name, v := range args.Named {
		switch name {
		case "now":
			nowArg = v
		case "into":
			s, ok := v.(string)
			if !ok {
				return nil, fmt.Errorf("call lens_collect: into => %v is a %T, want a schema name", v, v)
			}
			opts.Namespace = s
		default:
			return nil, fmt.Errorf("call lens_collect: unknown argument %s (it takes now => TIMESTAMP '...' and into => 'schema')", name)
		}
	}
	switch v := nowArg.(type) {
	case nil:
	case time.Time:
		opts.Now = v
	case string:
		t, err := parseTime(v)
		if err != nil {
			return nil, fmt.Errorf("call lens_collect: now => %q: %w", v, err)
		}
		opts.Now = t
	default:
		return nil, fmt.Errorf("call lens_collect: now => %v is a %T, want a timestamp", v, v)
	}
	rep, err := Collect(ctx, s.Warehouse(), opts)
	if err != nil {
		return nil, fmt.Errorf("call lens_collect: %w", err)
	}
	return lakesql.NewRows(
		[]string{"day", "tables", "objects", "bytes"},
		[]string{"DATE", "BIGINT", "BIGINT", "BIGINT"},
		[][]any{{rep.Day, int64(rep.Tables), rep.Objects, rep.Bytes}}), nil
}

// parseTime reads RFC 3339, or a date with an optional time as SQL writes
// them (2027-03-01, 2027-03-01 06:00:00), as UTC.
func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, time.DateTime, "2006-01-02 15:04", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time: use RFC 3339 (2027-03-01T06:00:00Z) or 2027-03-01 06:00:00")
}
