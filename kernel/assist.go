package kernel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/agent/lake"
	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/notebooks"
)

// The workbench's assistant: proposing fixes for failed cells and a chat
// with the data agent that keeps its own conversation. Model output is
// data: Fix and Ask never change the notebook, never run Go, and run only
// SQL that reads; writing SQL comes back with Answer.Writes set, unrun, for
// the user to insert as a cell.

// ErrNotFailed is returned by Fix for a cell that holds no error output.
var ErrNotFailed = errors.New("the cell has not failed")

// assistant is a Session's data agents and where their queries run. The
// chat and fixes have an agent of their own, which may propose writing SQL
// (never run), with the chat's earlier turns; ask cells have another, with
// the notebook's earlier questions (ask.go). Both query the lake through
// agentLake, never through the cells' connection.
type assistant struct {
	// wh is the warehouse the agents' confined session opens on.
	wh    *engine.Warehouse
	mu    sync.Mutex // guards agent and chat
	turn  gate       // one question or fix at a time on the agent
	agent *agent.Agent
	chat  []agent.Turn
	// cells answers ask cells; cellHistory holds the notebook's earlier
	// questions, the context of follow-ups. Cells run one at a time.
	cells       *agent.Agent
	cellHistory []agent.Turn
	// lake is where the agents' queries run.
	lake agentLake
}

// close closes the agents' confined session.
func (a *assistant) close() error { return a.lake.close() }

// gate is a lock whose waiters give up when their context ends.
type gate struct {
	once sync.Once
	ch   chan struct{}
}

// lock waits for the connection or for ctx to end.
func (g *gate) lock(ctx context.Context) error {
	g.once.Do(func() { g.ch = make(chan struct{}, 1) })
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case g.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *gate) unlock() { <-g.ch }

// Fix is a proposed correction of a failed cell. It is a proposal only:
// the cell is unchanged until the user accepts it.
type Fix struct {
	Cell   string // the cell's id
	Lang   string
	Old    string // the source the fix was made for
	Source string // the proposed source
	// Explanation says in one line what changed and why.
	Explanation string
	// Provider is "offline" or provider:model.
	Provider string
	// Verified says that the proposed SQL ran without error; Go is never
	// run to check it.
	Verified bool
	Usage    agent.Usage
	Notes    []string
}

// Fix asks the data agent for a corrected version of a failed SQL or Go
// cell, whose error is the error output of its last run (c.Outputs). With
// no model configured (FLOE_LLM), SQL errors that carry a suggestion, such
// as a misspelled table or column, are fixed offline; a fix is checked by
// running it on the agents' confined session (see Ask), so a fix of SQL
// that reads a named result is proposed unchecked. Fix waits for a
// question the chat is answering; it returns ctx's error if ctx ends
// first.
func (s *Session) Fix(ctx context.Context, c *notebooks.Cell) (*Fix, error) {
	return s.assist.fix(ctx, c)
}

func (a *assistant) fix(ctx context.Context, c *notebooks.Cell) (*Fix, error) {
	if c.Kind != notebooks.Code || c.Lang != notebooks.LangSQL && c.Lang != notebooks.LangGo {
		return nil, fmt.Errorf("fix cell %s: only SQL and Go cells can be fixed", c.ID)
	}
	errText, ok := failure(c.Outputs)
	if !ok {
		return nil, fmt.Errorf("fix cell %s: %w (run it first)", c.ID, ErrNotFailed)
	}
	if err := a.turn.lock(ctx); err != nil {
		return nil, err
	}
	defer a.turn.unlock()
	fx, err := a.chatAgent().FixCell(ctx, c.Source, c.Lang, errText)
	if err != nil {
		return nil, fmt.Errorf("fix cell %s: %w", c.ID, err)
	}
	return &Fix{Cell: c.ID, Lang: c.Lang, Old: c.Source, Source: fx.Source, Explanation: fx.Explanation,
		Provider: fx.Provider, Verified: fx.Verified, Usage: fx.Usage, Notes: fx.Notes}, nil
}

// failure returns the message of the last error output, with its trace.
func failure(outs []notebooks.Output) (string, bool) {
	for i := len(outs) - 1; i >= 0; i-- {
		o := outs[i]
		if o.Type != notebooks.OutputError {
			continue
		}
		text := o.EValue
		if len(o.Traceback) > 1 {
			text += "\n" + strings.Join(o.Traceback[1:], "\n")
		}
		return text, true
	}
	return "", false
}

// AnswerCells returns an answer as notebook cells, to insert and run: a
// markdown cell with the question and the plan, then a SQL cell with the
// query.
func AnswerCells(a *agent.Answer) []notebooks.Cell {
	var b strings.Builder
	fmt.Fprintf(&b, "**%s**\n", strings.TrimSpace(a.Question))
	if len(a.Plan) > 0 {
		b.WriteString("\n")
		for i, step := range a.Plan {
			fmt.Fprintf(&b, "%d. %s\n", i+1, step)
		}
	}
	if a.Explanation != "" {
		b.WriteString("\n" + a.Explanation + "\n")
	}
	return []notebooks.Cell{
		{Kind: notebooks.Markdown, Source: strings.TrimRight(b.String(), "\n")},
		{Kind: notebooks.Code, Lang: notebooks.LangSQL, Source: strings.TrimSpace(a.SQL)},
	}
}

// chatRows is how many rows of an answer's result the chat shows.
const chatRows = 100

// AnswerTable returns the first rows of an answer's result as the chat
// shows them, and whether the result has more rows than the table holds;
// nil when the answer has no result (its SQL writes and has not run).
func AnswerTable(a *agent.Answer) (t *Table, truncated bool) {
	r := a.Result
	if r == nil {
		return nil, false
	}
	rows := r.Rows[:min(len(r.Rows), chatRows)]
	return &Table{Columns: r.Columns, Types: r.Types, Rows: rows, Total: int64(len(r.Rows))}, r.Truncated || len(r.Rows) > len(rows)
}

// Ask answers a question in the workbench's chat. Earlier questions of the
// chat are its context, so follow-ups ("now only for 2024") refine the
// last answer; ask cells keep a history of their own. With a model
// configured, onToken (if not nil) receives its text as it streams in.
// Read-only SQL runs to give the answer's first rows; SQL that writes does
// not run. The agent's queries run on a confined session of their own
// (agentLake), never on the cells' connection, so cells run while it
// works. Ask waits for a fix being made; it returns ctx's error if ctx
// ends first.
func (s *Session) Ask(ctx context.Context, question string, onToken func(string)) (*agent.Answer, error) {
	return s.assist.ask(ctx, question, onToken)
}

func (a *assistant) ask(ctx context.Context, question string, onToken func(string)) (*agent.Answer, error) {
	var opts []agent.CallOption
	if onToken != nil {
		opts = append(opts, agent.WithTokens(onToken))
	}
	if err := a.turn.lock(ctx); err != nil {
		return nil, err
	}
	defer a.turn.unlock()
	a.mu.Lock()
	history := a.chat
	a.mu.Unlock()
	ans, err := a.chatAgent().Ask(ctx, question, history, opts...)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	a.chat = append(a.chat, ans.Turn())
	a.mu.Unlock()
	return ans, nil
}

// ResetChat forgets the chat's earlier questions: the next question starts
// a new conversation.
func (s *Session) ResetChat() {
	s.assist.mu.Lock()
	defer s.assist.mu.Unlock()
	s.assist.chat = nil
}

// chatAgent returns the agent of the chat and of fixes, made on first use
// from the environment (FLOE_LLM ...). Unlike the agent of ask cells it
// may propose SQL that writes, which it never runs. Its queries run on the
// agents' confined session (agentCatalog), never on the cells'
// connection, so a model thinking for a minute never holds up a cell.
func (a *assistant) chatAgent() *agent.Agent {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.agent == nil {
		cfg := agent.ConfigFromEnv()
		cfg.AllowWrites = true
		a.agent = agent.New(cfg, agentCatalog{a})
	}
	return a.agent
}

// agentLake is the lake as the session's agents (ask cells, the chat and
// fixes) query it: a DuckDB session of its own, opened on first use with
// lakesql.Confined, where DuckDB itself can open no file outside the
// warehouse and no setting can be changed. So a model's query that got
// past the read-only guard still cannot read a file. The gate lets one
// agent call at a time onto it; cells never wait for it.
type agentLake struct {
	gate gate
	sess *lakesql.Session
	cat  *lake.Catalog
}

// close closes the confined session, waiting for a query on it.
func (l *agentLake) close() error {
	_ = l.gate.lock(context.Background())
	defer l.gate.unlock()
	if l.sess == nil {
		return nil
	}
	err := l.sess.Close()
	l.sess, l.cat = nil, nil
	return err
}

// agentCatalog is the catalog of the session's agents: the confined
// session of agentLake, one call at a time.
type agentCatalog struct{ a *assistant }

var _ agent.Catalog = agentCatalog{}

// enter waits for the confined session, opening it on first use, and
// returns it as the agents' catalog; the caller calls the returned unlock
// when done.
func (a agentCatalog) enter(ctx context.Context) (*lake.Catalog, func(), error) {
	_, unlock, err := a.enterSession(ctx)
	if err != nil {
		return nil, nil, err
	}
	return a.a.lake.cat, unlock, nil
}

// enterSession waits for the confined session, opening it on first use;
// the caller calls the returned unlock when done.
func (a agentCatalog) enterSession(ctx context.Context) (*lakesql.Session, func(), error) {
	l := &a.a.lake
	if err := l.gate.lock(ctx); err != nil {
		return nil, nil, err
	}
	if l.sess == nil {
		sess, err := lakesql.Open(ctx, a.a.wh, lakesql.Confined())
		if err != nil {
			l.gate.unlock()
			return nil, nil, fmt.Errorf("open the agent's session: %w", err)
		}
		l.sess, l.cat = sess, lake.NewCatalog(sess)
	}
	return l.sess, l.gate.unlock, nil
}

func (a agentCatalog) Tables(ctx context.Context) ([]agent.Table, error) {
	cat, unlock, err := a.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return cat.Tables(ctx)
}

func (a agentCatalog) Query(ctx context.Context, sql string, maxRows int) (*agent.Result, error) {
	cat, unlock, err := a.enter(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	return cat.Query(ctx, sql, maxRows)
}
