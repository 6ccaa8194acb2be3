package agent

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/floehq/floe/agent/schema"
)

const (
	// profileAll is the catalog size up to which every table is profiled;
	// larger catalogs profile only the best-ranked profileTop tables.
	profileAll = 20
	profileTop = 8
	// wideTable is the column count above which a prompt lists only the
	// columns a question names, the dates and the first few.
	wideTable = 40
)

// linked is the part of the catalog a question is about.
type linked struct {
	all     []Table
	total   int
	prompt  []schema.Match // tables whose schema goes into the prompt
	planner []schema.Match // profiled tables, for the offline planner
	others  []string       // next-best table names
}

// link ranks the catalog's tables against the question (and the previous
// question, for follow-ups) by lexical match on names, comments and
// profiled values, profiling the candidates it needs.
func (a *Agent) link(ctx context.Context, tm *Timing, question string, history []Turn, tables []Table) (*linked, error) {
	text := question
	if len(history) > 0 {
		text += " " + history[len(history)-1].Question
	}
	cands := tables
	if len(tables) > profileAll {
		first := schema.Rank(text, tables, a.cachedProfiles(tables))
		cands = nil
		for i := 0; i < len(first) && i < profileTop; i++ {
			cands = append(cands, first[i].Table)
		}
	}
	t0 := time.Now()
	for _, t := range cands {
		if _, err := a.profile(ctx, t); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			a.cfg.Logger.Debug("profile failed", "table", t.Name, "err", err)
		}
	}
	tm.Query += time.Since(t0)
	ranked := schema.Rank(text, tables, a.cachedProfiles(tables))
	l := &linked{all: tables, total: len(tables)}
	best := 0.0
	if len(ranked) > 0 {
		best = ranked[0].Score
	}
	for _, m := range ranked {
		switch {
		case len(l.prompt) < a.cfg.PromptTables && (m.Score > 0 && m.Score >= 0.3*best || len(tables) <= a.cfg.PromptTables):
			l.prompt = append(l.prompt, m)
		case len(l.others) < 20:
			l.others = append(l.others, m.Table.Name)
		}
		if m.Profile != nil {
			l.planner = append(l.planner, m)
		}
	}
	return l, nil
}

func (a *Agent) cachedProfiles(tables []Table) map[string]*schema.Profile {
	out := map[string]*schema.Profile{}
	for _, t := range tables {
		if p, ok := a.profiles.Get(t); ok {
			out[t.Name] = p
		}
	}
	return out
}

// profile returns t's profile, from the cache while t's version is the same.
func (a *Agent) profile(ctx context.Context, t Table) (*schema.Profile, error) {
	if p, ok := a.profiles.Get(t); ok {
		return p, nil
	}
	p, err := schema.ProfileTable(ctx, a.cat, t)
	if err != nil {
		return nil, err
	}
	if err := a.profiles.Put(t, p); err != nil {
		a.cfg.Logger.Debug("profile not kept on disk", "table", t.Name, "err", err)
	}
	return p, nil
}

// profileDirer is an optional capability of a Catalog: a directory where
// table profiles may be kept between processes.
type profileDirer interface {
	ProfileDir() string
}

// schemaText describes the linked tables for a prompt.
func (l *linked) schemaText(names bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tables most relevant to the question (%d of %d in the catalog):\n", len(l.prompt), l.total)
	for _, m := range l.prompt {
		var cols map[string]bool
		if len(m.Table.Columns) > wideTable {
			cols = map[string]bool{}
			for c := range m.Columns {
				cols[c] = true
			}
			for i, c := range m.Table.Columns {
				if i < 10 || schema.KindOf(c.Type).IsTemporal() {
					cols[c.Name] = true
				}
			}
		}
		schema.Describe(&b, m.Table, m.Profile, cols)
	}
	if rest := l.total - len(l.prompt); rest > 0 {
		if names && len(l.others) > 0 {
			fmt.Fprintf(&b, "Other tables: %s", strings.Join(l.others, ", "))
			if rest > len(l.others) {
				fmt.Fprintf(&b, " and %d more", rest-len(l.others))
			}
			b.WriteString(".\n")
		} else {
			fmt.Fprintf(&b, "%d more tables are not shown; list_tables and describe_table find them.\n", rest)
		}
	}
	return b.String()
}

// fullSchemaText describes every table, as a prompt without schema linking
// would: the baseline the linked prompt is measured against.
func fullSchemaText(tables []Table) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tables in the catalog (%d):\n", len(tables))
	for _, t := range tables {
		schema.Describe(&b, t, nil, nil)
	}
	return b.String()
}
