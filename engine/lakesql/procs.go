package lakesql

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/floehq/floe/internal/sqltext"
)

// ProcArgs are the evaluated arguments of a CALL: positional ones in order
// and named ones (`name => value`) by lower-case name. Values are what
// DuckDB returns for the argument expression (string, int64, float64, bool,
// []any for lists, ...).
type ProcArgs struct {
	Positional []any
	Named      map[string]any
}

// Procedure is a stored procedure callable as CALL name(args) in SQL.
type Procedure func(ctx context.Context, s *Session, args ProcArgs) (*Rows, error)

// Errors of CALL, checked with errors.Is.
var (
	// ErrNoSuchProcedure reports a CALL of a procedure the session does
	// not have.
	ErrNoSuchProcedure = errors.New("no such procedure")
	// ErrDuplicateProcedure reports two procedures given one name.
	ErrDuplicateProcedure = errors.New("procedure given twice")
)

// builtinProcedures are the engine's own procedures, in every session.
// CALL register_table is parsed apart (its arguments are not evaluated)
// but listed with them.
var builtinProcedures = map[string]Procedure{
	"apply_tiering":                 applyTieringProc,
	"expire_snapshots":              expireSnapshots,
	"maintenance_policy":            maintenancePolicy,
	"replicate":                     replicateProc,
	"remove_orphan_files":           removeOrphanFiles,
	"rewrite_data_files":            rewriteDataFiles,
	"rewrite_manifests":             rewriteManifests,
	"rewrite_position_delete_files": rewritePositionDeletes,
	"run_maintenance":               runMaintenance,
	"set_clock":                     setClockProc,
	"storage_class":                 storageClassProc,
}

// WithProcedure makes CALL name(...) run p in the session, beside the
// engine's built-in procedures. Packages above the engine pass theirs
// where they build sessions (CALL synthesize comes from package synth), so
// what a session can do is visible there. A name given twice, or one of a
// built-in procedure, makes Open fail.
func WithProcedure(name string, p Procedure) Option {
	return func(o *options) {
		o.procs = append(o.procs, namedProcedure{strings.ToLower(name), p})
	}
}

type namedProcedure struct {
	name string
	p    Procedure
}

// procedures builds a session's procedure table.
func procedures(extra []namedProcedure) (map[string]Procedure, error) {
	procs := make(map[string]Procedure, len(builtinProcedures)+len(extra))
	for name, p := range builtinProcedures {
		procs[name] = p
	}
	for _, np := range extra {
		if _, dup := procs[np.name]; dup || np.name == "register_table" {
			return nil, fmt.Errorf("procedure %s: %w", np.name, ErrDuplicateProcedure)
		}
		if np.p == nil {
			return nil, fmt.Errorf("procedure %s: no function given", np.name)
		}
		procs[np.name] = np.p
	}
	return procs, nil
}

// Procedures lists the procedures CALL runs in this session, sorted.
func (s *Session) Procedures() []string {
	names := []string{"register_table"}
	for name := range s.procs {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// refuseUnknownProcedure fails a CALL of a name that is neither one of
// the session's procedures (those it handles never get here) nor a DuckDB
// table function, saying what the session has: a procedure a session was
// built without (synthesize) is then not a puzzle about DuckDB functions.
func (s *Session) refuseUnknownProcedure(ctx context.Context, toks []token) error {
	c := &cursor{toks: toks}
	if !c.accept("CALL") {
		return nil
	}
	name, ok := c.ident()
	if !ok {
		return nil
	}
	if strings.EqualFold(name, "system") && c.acceptPunct(".") {
		if name, ok = c.ident(); !ok {
			return nil
		}
	} else if c.acceptPunct(".") {
		return nil // a schema-qualified DuckDB function: DuckDB says
	}
	var n int
	err := s.conn.QueryRowContext(ctx,
		`SELECT count(*) FROM duckdb_functions() WHERE function_name = lower(?) AND function_type IN ('table', 'table_macro')`,
		name).Scan(&n)
	if err != nil || n > 0 {
		return nil
	}
	return fmt.Errorf("call %s: %w: %s is not available in this session; it has %s",
		name, ErrNoSuchProcedure, strings.ToLower(name), strings.Join(s.Procedures(), ", "))
}

// parseCall recognises CALL [system.]name(args) of a registered procedure
// and CALL register_table(...).
func (s *Session) parseCall(c *cursor) handler {
	if !c.accept("CALL") {
		return nil
	}
	proc, ok := c.ident()
	if !ok {
		return nil
	}
	if strings.EqualFold(proc, "system") && c.acceptPunct(".") {
		if proc, ok = c.ident(); !ok {
			return nil
		}
	}
	if p, ok := s.procs[strings.ToLower(proc)]; ok {
		inner, ok := c.group()
		if !ok || !c.done() {
			return nil
		}
		return func(ctx context.Context) (*Rows, error) {
			args, err := s.evalArgs(ctx, inner)
			if err != nil {
				return nil, fmt.Errorf("call %s: %w", proc, err)
			}
			return p(ctx, s, args)
		}
	}
	if strings.EqualFold(proc, "register_table") {
		args, ok := c.group()
		if !ok {
			return nil
		}
		return func(ctx context.Context) (*Rows, error) { return s.registerTable(ctx, args) }
	}
	return nil
}

// evalArgs evaluates a CALL's argument list with DuckDB.
func (s *Session) evalArgs(ctx context.Context, inner string) (ProcArgs, error) {
	args := ProcArgs{Named: map[string]any{}}
	for _, part := range splitTop(inner) {
		toks := sqltext.Code(part)
		if len(toks) == 0 {
			continue
		}
		expr := strings.TrimSpace(part)
		name := ""
		if len(toks) > 2 && (toks[0].Kind == sqltext.Word || toks[0].Kind == sqltext.Quoted) && toks[1].IsPunct("=>") {
			name = strings.ToLower(toks[0].Ident())
			expr = strings.TrimSpace(part[toks[2].Start:])
		}
		var v any
		if err := s.conn.QueryRowContext(ctx, "SELECT "+expr).Scan(&v); err != nil {
			return args, fmt.Errorf("argument %s: %w", strings.TrimSpace(part), err)
		}
		if name == "" {
			if len(args.Named) > 0 {
				return args, fmt.Errorf("positional argument %s after named arguments", strings.TrimSpace(part))
			}
			args.Positional = append(args.Positional, v)
		} else {
			if _, dup := args.Named[name]; dup {
				return args, fmt.Errorf("argument %s given twice", name)
			}
			args.Named[name] = v
		}
	}
	return args, nil
}

// NewRows builds a result from Go values, for procedures.
func NewRows(cols, types []string, data [][]any) *Rows { return staticRows(cols, types, data) }
