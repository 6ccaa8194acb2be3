package lakesql

import (
	"context"
	"fmt"
	"strings"
	"sync"

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

var (
	procsMu sync.RWMutex
	procs   = map[string]Procedure{}
)

// RegisterProcedure makes CALL name(...) run p in every session. Packages
// above the engine (synthetic data, maintenance) register their procedures
// at start-up. Registering a name twice panics: it is a programming error.
func RegisterProcedure(name string, p Procedure) {
	procsMu.Lock()
	defer procsMu.Unlock()
	name = strings.ToLower(name)
	if _, dup := procs[name]; dup {
		panic("lakesql: procedure " + name + " registered twice")
	}
	procs[name] = p
}

func lookupProcedure(name string) (Procedure, bool) {
	procsMu.RLock()
	defer procsMu.RUnlock()
	p, ok := procs[strings.ToLower(name)]
	return p, ok
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
	if p, ok := lookupProcedure(proc); ok {
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
