package offline

import (
	"errors"
	"fmt"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// ErrNotUnderstood is the error for a question the planner cannot map onto
// the catalog with confidence. The *NotUnderstood errors it returns wrap it.
var ErrNotUnderstood = errors.New("the offline planner could not map the question")

// NotUnderstood says what the planner could not map.
type NotUnderstood struct {
	Question string
	// Unmapped lists the words of the question that match nothing in the
	// catalog.
	Unmapped []string
	// Reason says what else was missing or ambiguous.
	Reason string
}

func (e *NotUnderstood) Error() string {
	var b strings.Builder
	b.WriteString("the offline planner could not answer this question")
	if len(e.Unmapped) > 0 {
		b.WriteString(": no table, column or value matches ")
		for i, w := range e.Unmapped {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(fmt.Sprintf("%q", w))
		}
	}
	if e.Reason != "" {
		if len(e.Unmapped) > 0 {
			b.WriteString("; ")
		} else {
			b.WriteString(": ")
		}
		b.WriteString(e.Reason)
	}
	return b.String()
}

// Unwrap returns ErrNotUnderstood.
func (e *NotUnderstood) Unwrap() error { return ErrNotUnderstood }

// Plan is the planner's answer to a question.
type Plan struct {
	// SQL is one read-only query.
	SQL string
	// Steps says what the query does, one step per line.
	Steps []string
	// Explanation says in one or two sentences how the question was read.
	Explanation string
	// Table is the table the question was mapped to.
	Table string
	// Chart suggests how to draw the result, or is nil.
	Chart *Chart
}

// Chart is a declarative chart of a result: the kind (bar or line) and the
// result columns on each axis.
type Chart struct {
	Kind   string
	X, Y   string
	Series string
}

// Planner maps questions onto a set of profiled tables.
type Planner struct {
	tables []*table
}

// New returns a planner over the given table profiles.
func New(profiles []*schema.Profile) *Planner {
	p := &Planner{}
	for _, pr := range profiles {
		if pr != nil {
			p.tables = append(p.tables, newTable(pr))
		}
	}
	return p
}

// Plan maps a question onto the catalog. history holds the earlier
// questions of the conversation, oldest first: a question that only
// changes part of the previous one ("now only for 2024", "what about
// Boston?", "by region instead") is read as that change.
func (p *Planner) Plan(question string, history []string) (*Plan, error) {
	if len(p.tables) == 0 {
		return nil, &NotUnderstood{Question: question, Reason: "the catalog has no tables"}
	}
	var base *query
	for _, h := range history {
		q, err := p.read(h, base)
		if err == nil {
			base = q
		}
	}
	q, err := p.read(question, base)
	if err != nil {
		return nil, err
	}
	return q.plan(), nil
}

// read maps one question, as a follow-up of base when base is not nil and
// the question reads like one.
func (p *Planner) read(question string, base *query) (*query, error) {
	f := parseFrame(question)
	if base != nil && f.looksLikeFollowUp() {
		if q, err := p.readFollowUp(f, base); err == nil {
			return q, nil
		}
	}
	return p.readAlone(f)
}

func (p *Planner) readAlone(f *frame) (*query, error) {
	var best *reading
	var firstErr error
	for _, t := range p.tables {
		r := readTable(f, t)
		if r.score <= 0 {
			continue
		}
		if best == nil || r.better(best) {
			best = r
		}
	}
	if best == nil {
		return nil, &NotUnderstood{Question: f.question, Unmapped: f.contentWords(),
			Reason: "no table or column is named"}
	}
	if len(best.unmapped) > 0 {
		return nil, &NotUnderstood{Question: f.question, Unmapped: best.unmapped, Reason: strings.Join(best.ambiguous, "; ")}
	}
	q, err := build(f, best)
	if err != nil {
		if firstErr == nil {
			firstErr = err
		}
		return nil, firstErr
	}
	return q, nil
}

func (p *Planner) readFollowUp(f *frame, base *query) (*query, error) {
	r := readTable(f, base.t)
	if len(r.unmapped) > 0 {
		return nil, &NotUnderstood{Question: f.question, Unmapped: r.unmapped, Reason: strings.Join(r.ambiguous, "; ")}
	}
	delta, err := buildDelta(f, r)
	if err != nil {
		return nil, err
	}
	return base.merge(delta, f), nil
}
