package agent

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// ErrNoAnswer is wrapped by the error of a question nobody could answer:
// neither the model (if any) nor the offline planner produced a query that
// ran. The *NoAnswerError it comes in says why, per provider.
var ErrNoAnswer = errors.New("no answer")

// NoAnswerError is the error of a question neither the model nor the
// offline planner answered.
type NoAnswerError struct {
	Question string
	// Errs holds one error per provider tried, model first. Each names its
	// provider.
	Errs []error
}

func (e *NoAnswerError) Error() string {
	parts := make([]string, len(e.Errs))
	for i, err := range e.Errs {
		parts[i] = err.Error()
	}
	return "no answer: " + strings.Join(parts, "; ")
}

// Unwrap returns ErrNoAnswer and the providers' errors, for errors.Is.
func (e *NoAnswerError) Unwrap() []error { return append([]error{ErrNoAnswer}, e.Errs...) }

// Agent answers questions about the tables of a Catalog. An Agent is safe
// for use by one goroutine at a time, like the SQL session under it.
type Agent struct {
	cfg     Config
	cat     Catalog
	prov    *provider
	provErr error // why the configured model is not used

	profiles *schema.ProfileCache
}

// New returns an agent over cat. A provider that cannot be set up (no API
// key, a malformed URL, an unknown name) is not an error: the agent answers
// with the offline planner and says why in Answer.Notes.
func New(cfg Config, cat Catalog) *Agent {
	cfg = cfg.withDefaults()
	a := &Agent{cfg: cfg, cat: cat, profiles: cfg.Profiles}
	if a.profiles == nil {
		a.profiles = &schema.ProfileCache{}
		if d, ok := cat.(profileDirer); ok {
			a.profiles.Dir = d.ProfileDir()
		}
	}
	if cfg.Provider != ProviderOffline {
		a.prov, a.provErr = newProvider(cfg)
	}
	return a
}

// Provider names who answers: "offline", or provider:model.
func (a *Agent) Provider() string {
	if a.prov != nil {
		return a.prov.name
	}
	return ProviderOffline
}

// Turn is an earlier question of a conversation and the SQL that answered
// it, so that follow-ups ("now only for 2024") keep their context.
type Turn struct {
	Question string
	SQL      string
}

// Usage counts model calls and tokens as the provider reported them.
type Usage struct {
	Calls            int
	PromptTokens     int
	CompletionTokens int
	TotalTokens      int
	// Retries counts requests retried after 429, 5xx or dropped
	// connections.
	Retries int
}

func (u *Usage) add(o Usage) {
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.TotalTokens += o.TotalTokens
}

// String formats u for people: "no model calls" or "3 model calls, 1234
// prompt + 56 completion tokens".
func (u Usage) String() string {
	if u.Calls == 0 {
		return "no model calls"
	}
	s := fmt.Sprintf("%d model call", u.Calls)
	if u.Calls != 1 {
		s += "s"
	}
	s += fmt.Sprintf(", %d prompt + %d completion tokens", u.PromptTokens, u.CompletionTokens)
	if u.Retries > 0 {
		s += fmt.Sprintf(", %d retries", u.Retries)
	}
	return s
}

// Chart is a declarative chart of an answer's result: a kind (bar, line,
// scatter) and the result columns to plot. It is data for the caller to
// draw, never code.
type Chart struct {
	Kind   string `json:"kind"`
	X      string `json:"x"`
	Y      string `json:"y"`
	Series string `json:"series,omitempty"`
}

// Timing says where an answer's time went.
type Timing struct {
	Total time.Duration // the whole of Ask
	Model time.Duration // waiting for the model
	Query time.Duration // running queries and profiles in the catalog
}

// Answer is the agent's answer to a question.
type Answer struct {
	Question string
	// Plan says what the query does, one step per entry.
	Plan []string
	// SQL is the query that answers the question.
	SQL string
	// Explanation says how the question was read.
	Explanation string
	// Provider is "offline" or provider:model.
	Provider string
	// Attempts counts the queries tried, the answer's included: 1 when the
	// first query ran.
	Attempts int
	Usage    Usage
	// Result holds up to Config.MaxRows rows of the query's result; nil
	// when Writes is set.
	Result *Result
	// Writes says that SQL writes. It was allowed by Config.AllowWrites
	// and has not run: the caller runs it once.
	Writes bool
	// Chart suggests how to draw the result, or is nil.
	Chart *Chart
	// Tables lists the tables whose schema the prompt carried.
	Tables []string
	// Notes says what else happened, such as a fallback to the offline
	// planner and why.
	Notes  []string
	Timing Timing
}

// Turn returns the answer as a turn of the conversation.
func (a *Answer) Turn() Turn { return Turn{Question: a.Question, SQL: a.SQL} }

// Ask answers a question in plain words with SQL over the catalog and
// runs it (unless it writes). history holds the conversation's earlier
// turns, oldest first. With a model configured, the model answers; if it
// is unreachable, fails or gives up, the offline planner answers and the
// Answer's Notes say so. Ask returns a *NoAnswerError when nobody could.
// opts can stream the model's reply as it arrives (WithTokens).
func (a *Agent) Ask(ctx context.Context, question string, history []Turn, opts ...CallOption) (*Answer, error) {
	co := callOptionsOf(opts)
	start := time.Now()
	question = strings.TrimSpace(question)
	if question == "" {
		return nil, errors.New("no question: ask something like \"how many customers churned?\"")
	}
	tm := &Timing{}
	tables, err := a.cat.Tables(ctx)
	if err != nil {
		return nil, err
	}
	link, err := a.link(ctx, tm, question, history, tables)
	if err != nil {
		return nil, err
	}
	var errs []error
	var notes []string
	if a.provErr != nil {
		errs = append(errs, fmt.Errorf("%s: %w", a.cfg.Provider, a.provErr))
		notes = append(notes, fmt.Sprintf("the configured model is not used: %v", a.provErr))
	}
	var spent Usage
	if a.prov != nil {
		ans, used, err := a.askModel(ctx, tm, question, history, link, co)
		spent = used
		if err == nil {
			ans.Timing = *tm
			ans.Timing.Total = time.Since(start)
			return ans, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		a.cfg.Logger.Debug("model did not answer", "provider", a.prov.name, "err", err)
		errs = append(errs, fmt.Errorf("%s: %w", a.prov.name, err))
		notes = append(notes, fmt.Sprintf("%s did not answer (%v); the offline planner answered instead", a.prov.name, err))
	}
	ans, err := a.askOffline(ctx, tm, question, history, link)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &NoAnswerError{Question: question, Errs: append(errs, fmt.Errorf("offline: %w", err))}
	}
	ans.Notes = append(notes, ans.Notes...)
	ans.Usage = spent // what the model used before the planner answered
	ans.Timing = *tm
	ans.Timing.Total = time.Since(start)
	return ans, nil
}

// askOffline answers with the offline planner.
func (a *Agent) askOffline(ctx context.Context, tm *Timing, question string, history []Turn, link *linked) (*Answer, error) {
	var profiles []*schema.Profile
	for _, m := range link.planner {
		if m.Profile != nil {
			profiles = append(profiles, m.Profile)
		}
	}
	hist := make([]string, len(history))
	for i, h := range history {
		hist[i] = h.Question
	}
	plan, err := offline.New(profiles).Plan(question, hist)
	if err != nil {
		return nil, err
	}
	ans := &Answer{Question: question, Plan: plan.Steps, SQL: plan.SQL, Explanation: plan.Explanation,
		Provider: ProviderOffline, Attempts: 1, Tables: []string{plan.Table}}
	if plan.Joined != "" {
		ans.Tables = append(ans.Tables, plan.Joined)
	}
	if plan.Chart != nil {
		ans.Chart = &Chart{Kind: plan.Chart.Kind, X: plan.Chart.X, Y: plan.Chart.Y, Series: plan.Chart.Series}
	}
	// The planner writes read-only SQL by construction; the guard checks
	// anyway, since data values end up inside it as literals.
	if err := CheckReadOnly(ctx, plan.SQL); err != nil {
		return nil, err
	}
	t0 := time.Now()
	res, err := a.cat.Query(ctx, plan.SQL, a.cfg.MaxRows)
	tm.Query += time.Since(t0)
	if err != nil {
		return nil, fmt.Errorf("the planned query failed: %w\n%s", err, plan.SQL)
	}
	ans.Result = res
	return ans, nil
}
