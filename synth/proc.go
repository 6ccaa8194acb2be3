package synth

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/engine/lakesql"
)

// Procedure is the session option that makes CALL synthesize(...)
// available in a SQL session, given where the session is opened
// (lakesql.Open(ctx, wh, synth.Procedure())):
//
//	CALL synthesize('crm.customers', target => 'churned', epsilon => 1.0,
//	    min_protection => 0.8, categorical => ['plan'], numerical => ['tenure'],
//	    into => 'crm.customers_synth')
//
// The first argument is the source; named arguments are the Options:
// into, target, epsilon, delta, min_fidelity, min_protection, categorical,
// numerical, drop, public (columns whose set of values is public knowledge,
// as in ['education', 'country']), bounds (a struct or map of [low, high]
// or edge lists, as in {'age': [17, 90]}), bins, rows, seed, replace and
// report (a path for the JSON report). It returns one row of scores.
func Procedure() lakesql.Option { return lakesql.WithProcedure("synthesize", procedure) }

// procedure runs CALL synthesize. The calling session is busy running the
// CALL, so the work runs in a second session on the same warehouse.
func procedure(ctx context.Context, s *lakesql.Session, args lakesql.ProcArgs) (*lakesql.Rows, error) {
	o, report, err := procOptions(args)
	if err != nil {
		return nil, fmt.Errorf("call synthesize: %w", err)
	}
	inner, err := lakesql.Open(ctx, s.Warehouse())
	if err != nil {
		return nil, err
	}
	defer inner.Close()
	rep, err := Run(ctx, inner, o)
	if rep != nil && report != "" {
		if werr := rep.WriteJSON(report); werr != nil && err == nil {
			err = werr
		}
	}
	if err != nil {
		return nil, err
	}
	cols, types, row := ResultRow(rep)
	return lakesql.NewRows(cols, types, [][]any{row}), nil
}

// ResultRow is a report as one row: the columns CALL synthesize and floe
// synth print, their DuckDB types and the values.
func ResultRow(rep *Report) (cols, types []string, row []any) {
	add := func(c, t string, v any) {
		cols, types, row = append(cols, c), append(types, t), append(row, v)
	}
	opt := func(v float64, ok bool) any {
		if !ok || math.IsNaN(v) {
			return nil
		}
		return v
	}
	add("release_id", "VARCHAR", nullIfEmpty(rep.ReleaseID))
	add("destination", "VARCHAR", nullIfEmpty(rep.Destination))
	add("rows", "BIGINT", int64(rep.Rows))
	add("epsilon", "DOUBLE", rep.Budget.Epsilon)
	add("delta", "DOUBLE", rep.Budget.Delta)
	add("fidelity", "DOUBLE", rep.Fidelity.Score)
	add("privacy", "DOUBLE", rep.Privacy.Score)
	add("exact_copy_rate", "DOUBLE", rep.Privacy.ExactCopyRate)
	u := rep.Utility
	cls := u != nil && u.Task == "classification"
	reg := u != nil && u.Task == "regression"
	var tstr, trtr Metrics
	if u != nil {
		tstr, trtr = u.TSTR, u.TRTR
	}
	add("tstr_accuracy", "DOUBLE", opt(tstr.Accuracy, cls))
	add("trtr_accuracy", "DOUBLE", opt(trtr.Accuracy, cls))
	add("tstr_auc", "DOUBLE", opt(tstr.AUC, cls))
	add("trtr_auc", "DOUBLE", opt(trtr.AUC, cls))
	add("tstr_r2", "DOUBLE", opt(tstr.R2, reg))
	add("trtr_r2", "DOUBLE", opt(trtr.R2, reg))
	add("tstr_rmse", "DOUBLE", opt(tstr.RMSE, reg))
	add("trtr_rmse", "DOUBLE", opt(trtr.RMSE, reg))
	var gtstr, gtrtr Metrics
	boosted := u != nil && u.Boosted != nil
	if boosted {
		gtstr, gtrtr = u.Boosted.TSTR, u.Boosted.TRTR
	}
	add("tstr_gbt_accuracy", "DOUBLE", opt(gtstr.Accuracy, cls && boosted))
	add("trtr_gbt_accuracy", "DOUBLE", opt(gtrtr.Accuracy, cls && boosted))
	add("tstr_gbt_auc", "DOUBLE", opt(gtstr.AUC, cls && boosted))
	add("trtr_gbt_auc", "DOUBLE", opt(gtrtr.AUC, cls && boosted))
	add("tstr_gbt_r2", "DOUBLE", opt(gtstr.R2, reg && boosted))
	add("trtr_gbt_r2", "DOUBLE", opt(gtrtr.R2, reg && boosted))
	var dropped []string
	for _, d := range rep.Dropped {
		dropped = append(dropped, d.Name)
	}
	add("dropped", "VARCHAR", nullIfEmpty(strings.Join(dropped, ", ")))
	add("public_domains", "VARCHAR", nullIfEmpty(strings.Join(rep.Budget.PublicDomains, ", ")))
	return cols, types, row
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// procOptions turns CALL arguments into Options and the report path.
func procOptions(args lakesql.ProcArgs) (Options, string, error) {
	var o Options
	var report string
	if len(args.Positional) > 1 {
		return o, "", fmt.Errorf("%w: one positional argument (the source table), got %d", ErrInvalidOptions, len(args.Positional))
	}
	if len(args.Positional) == 1 {
		s, ok := args.Positional[0].(string)
		if !ok {
			return o, "", fmt.Errorf("%w: the source table must be a string, as in 'crm.customers'", ErrInvalidOptions)
		}
		o.From = s
	}
	names := make([]string, 0, len(args.Named))
	for k := range args.Named {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := args.Named[k]
		var err error
		switch k {
		case "from", "source", "table":
			o.From, err = argString(k, v)
		case "into", "to":
			o.Into, err = argString(k, v)
		case "target":
			o.Target, err = argString(k, v)
		case "report":
			report, err = argString(k, v)
		case "epsilon":
			o.Epsilon, err = argFloat(k, v)
		case "delta":
			o.Delta, err = argFloat(k, v)
		case "min_fidelity":
			o.MinFidelity, err = argFloat(k, v)
		case "min_protection":
			o.MinProtection, err = argFloat(k, v)
		case "categorical":
			o.Categorical, err = argStrings(k, v)
		case "numerical":
			o.Numerical, err = argStrings(k, v)
		case "drop":
			o.Drop, err = argStrings(k, v)
		case "public":
			o.Public, err = argStrings(k, v)
		case "bounds":
			o.Bounds, err = argBounds(v)
		case "bins", "rows":
			var f float64
			if f, err = argFloat(k, v); err == nil {
				switch {
				case f != math.Trunc(f) || f < 0:
					err = fmt.Errorf("%w: %s must be a whole number, got %v", ErrInvalidOptions, k, v)
				case k == "bins":
					o.Bins, err = int(f), CheckGiven(k, int(f))
				default:
					o.Rows, err = int(f), CheckGiven(k, int(f))
				}
			}
		case "seed":
			var f float64
			if f, err = argFloat(k, v); err == nil {
				if f != math.Trunc(f) || f < 0 {
					err = fmt.Errorf("%w: seed must be a non-negative whole number, got %v", ErrInvalidOptions, v)
				}
				o.Seed = uint64(f)
				if i, ok := v.(int64); ok {
					o.Seed = uint64(i)
				}
			}
		case "replace":
			b, ok := v.(bool)
			if !ok {
				err = fmt.Errorf("%w: replace must be true or false", ErrInvalidOptions)
			}
			o.Replace = b
		default:
			err = fmt.Errorf("%w: unknown argument %s (known: into, target, epsilon, delta, min_fidelity, min_protection, categorical, numerical, drop, public, bounds, bins, rows, seed, replace, report)", ErrInvalidOptions, k)
		}
		if err != nil {
			return o, "", err
		}
	}
	return o, report, nil
}

func argString(k string, v any) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("%w: %s must be a string, got %v", ErrInvalidOptions, k, v)
	}
	return s, nil
}

func argFloat(k string, v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case float32:
		return float64(x), nil
	case int64, int32, int16, int8, int, uint64, uint32, uint16, uint8:
		return float64(anyInt(x)), nil
	case interface{ Float64() float64 }:
		return x.Float64(), nil
	}
	return 0, fmt.Errorf("%w: %s must be a number, got %v", ErrInvalidOptions, k, v)
}

func anyInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case int:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case uint16:
		return int64(x)
	case uint8:
		return int64(x)
	}
	return 0
}

func argStrings(k string, v any) ([]string, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return []string{x}, nil
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, fmt.Errorf("%w: %s must be a list of column names, got %v", ErrInvalidOptions, k, e)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("%w: %s must be a list of column names, as in ['a', 'b']", ErrInvalidOptions, k)
}

// argBounds reads {'col': [low, high], ...} given as a struct or a MAP.
func argBounds(v any) (map[string][]float64, error) {
	out := map[string][]float64{}
	add := func(k any, list any) error {
		name, ok := k.(string)
		if !ok {
			return fmt.Errorf("%w: bounds keys must be column names", ErrInvalidOptions)
		}
		l, ok := list.([]any)
		if !ok {
			return fmt.Errorf("%w: bounds for %s must be a list of numbers, as in [0, 100]", ErrInvalidOptions, name)
		}
		for _, e := range l {
			f, err := argFloat("bounds for "+name, e)
			if err != nil {
				return err
			}
			out[name] = append(out[name], f)
		}
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		for k, l := range x {
			if err := add(k, l); err != nil {
				return nil, err
			}
		}
	case map[any]any:
		for k, l := range x {
			if err := add(k, l); err != nil {
				return nil, err
			}
		}
	case duckdb.Map:
		for k, l := range x {
			if err := add(k, l); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fmt.Errorf("%w: bounds must be a struct or map of column => [low, high], as in {'age': [17, 90]}", ErrInvalidOptions)
	}
	return out, nil
}
