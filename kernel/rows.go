package kernel

import (
	"context"
	"fmt"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/engine/lakesql"
)

// Front ends that print a result rather than keep it (floe sql, floe ask)
// use the calls in this file: they stream the rows of one statement
// instead of materialising a Table, and never start the Go interpreter.

// Rows is the streamed result of Session.Rows or Session.AnswerRows. It
// holds the connection it was read from until Close: a Session runs one
// thing at a time, so a cell waits for a Rows left open.
type Rows struct {
	*lakesql.Rows
	release func()
}

// Close releases the result and the connection it holds.
func (r *Rows) Close() error {
	err := r.Rows.Close()
	if r.release != nil {
		r.release()
		r.release = nil
	}
	return err
}

// Rows runs a script of SQL statements on the session's connection, in
// order, and streams the result of the last one, as floe sql prints it.
// Cell options, parameters and named results do not apply: the script is
// plain SQL. The caller closes the Rows.
func (s *Session) Rows(ctx context.Context, script string) (*Rows, error) {
	if err := s.busy.lock(ctx); err != nil {
		return nil, err
	}
	rows, err := s.sql.Query(ctx, script)
	if err != nil {
		s.busy.unlock()
		return nil, err
	}
	return &Rows{Rows: rows, release: s.busy.unlock}, nil
}

// AskOnce answers one question with the data agent, with no earlier
// questions as context, as floe ask does. The agent's queries run on the
// agents' confined session (see Ask). With allowWrites, an answer that
// writes comes back with Writes set, unrun; without it, such an answer is
// refused.
func (s *Session) AskOnce(ctx context.Context, question string, allowWrites bool) (*agent.Answer, error) {
	cfg := agent.ConfigFromEnv()
	cfg.AllowWrites = allowWrites
	return agent.New(cfg, agentCatalog{s.assist}).Ask(ctx, question, nil)
}

// AnswerRows runs an answer's SQL and streams its result. SQL that only
// reads runs on the agents' confined session, where DuckDB can open no file
// outside the warehouse whatever got past the agent's guard; SQL that
// writes (an answer of AskOnce with allowWrites) runs on the session's own
// connection, as Rows does. The caller closes the Rows.
func (s *Session) AnswerRows(ctx context.Context, a *agent.Answer) (*Rows, error) {
	var rows *Rows
	var err error
	if a.Writes {
		rows, err = s.Rows(ctx, a.SQL)
	} else {
		rows, err = s.confinedRows(ctx, a.SQL)
	}
	if err != nil {
		return nil, fmt.Errorf("run the answer's query: %w", err)
	}
	return rows, nil
}

// confinedRows runs a script on the agents' confined session.
func (s *Session) confinedRows(ctx context.Context, script string) (*Rows, error) {
	l, unlock, err := agentCatalog{s.assist}.enterSession(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := l.Query(ctx, script)
	if err != nil {
		unlock()
		return nil, err
	}
	return &Rows{Rows: rows, release: unlock}, nil
}
