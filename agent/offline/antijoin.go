package offline

import (
	"fmt"
	"strings"
)

// Anti-joins: "passengers who have never made a booking", "owners who
// don't own any properties", "members without a visit". The question is
// split at its negation: the words before it are read over the table
// whose rows are asked about (the subject: counted, listed, grouped or
// filtered as usual), the words after it over a table that holds the
// subject's row key by the same name (the object: bookings.passengerId
// for passengers), and the subject's rows are kept when no row of the
// object matches, as NOT EXISTS. The words after the negation must name
// the object's rows ("booking", "visited" in visits) and may filter them
// ("never requested sick leave": pto_typ 'SICK'); every one of them must
// be read. Two pairs of tables that read the question equally refuse.
// "with a", "with an" or "with any" before the object's rows, in a
// question no single table or join answers and that negates nothing,
// keeps the rows that do have a match, as EXISTS ("average credit score
// of tenants with an active lease").

// antiWords are the negations that may open an anti-join clause.
var antiWords = map[string]bool{"never": true, "no": true, "without": true, "not": true,
	"don't": true, "doesn't": true, "didn't": true, "haven't": true, "hasn't": true, "hadn't": true}

// antiFiller are the words between the negation and the object that say
// nothing about the object's rows.
var antiFiller = map[string]bool{"any": true, "a": true, "an": true, "single": true, "one": true, "ever": true, "yet": true}

// readAnti answers a question about the rows of one table that have no
// match in another, or returns nil, nil when the question does not read
// as one.
func (p *Planner) readAnti(f *frame) (*query, error) {
	neg := -1
	for _, i := range f.negs {
		if antiWords[f.words[i].Lower] {
			neg = i
			break
		}
	}
	semi := false
	if neg < 0 && len(f.negs) == 0 {
		// "tenants with an active lease": rows with a match (a semi-join).
		for i := 1; i+1 < len(f.words); i++ {
			if f.words[i].Lower == "with" && (f.words[i+1].Lower == "a" || f.words[i+1].Lower == "an" || f.words[i+1].Lower == "any") {
				neg, semi = i, true
				break
			}
		}
	}
	if neg < 1 || neg >= len(f.words)-1 {
		return nil, nil
	}
	for _, i := range f.negs {
		if i != neg {
			return nil, nil // two negations: which one the anti-join reads is unclear
		}
	}
	head := wordsText(f.words[:neg])
	var tail []string
	for _, w := range f.words[neg+1:] {
		if len(tail) == 0 && antiFiller[w.Lower] {
			continue
		}
		tail = append(tail, w.Text)
	}
	if len(tail) == 0 {
		return nil, nil
	}
	type answer struct {
		q    *query
		desc string
	}
	var found []answer
	for _, subj := range p.tables {
		k := rowKey(subj)
		if k == nil || !k.id {
			continue
		}
		hf := p.subFrame(head)
		hr := readTable(hf, subj, nil)
		if hr.score <= 0 || len(hr.unmapped) > 0 || !namesEntity(hr) {
			continue
		}
		for _, obj := range p.tables {
			if obj == subj {
				continue
			}
			fk := sameColumn(obj, k)
			if fk == nil {
				continue
			}
			of := p.subFrame(strings.Join(tail, " "))
			or := readTable(of, obj, nil)
			if v := leadingVerbs(of, or); v > 0 {
				// "own any properties", "made a booking": the verb
				// before the object's name says only that there is one.
				of = p.subFrame(strings.Join(tail[v:], " "))
				or = readTable(of, obj, nil)
			}
			if or.score <= 0 || len(or.unmapped) > 0 || len(or.ignored) > 0 || !namesEntity(or) {
				continue
			}
			oq, err := buildDelta(of, or)
			if err != nil || len(oq.dims) > 0 || oq.measure != nil || oq.target != nil || oq.agg != "" && oq.agg != "rows" {
				continue
			}
			hq, err := build(hf, hr)
			if err != nil {
				continue
			}
			if hq.agg == "list" && hq.target == entityColumn(subj) {
				// "which passengers": the rows themselves.
				hq.agg, hq.target = "rows", nil
			}
			if hq.agg == "list" || hq.t.join != nil {
				continue
			}
			inner := fmt.Sprintf("SELECT 1 FROM %s AS unmatched WHERE unmatched.%s = %s.%s", quoteName(obj.name), quoteIdent(fk.Name),
				quoteIdent(subj.p.Table.ShortName()), quoteIdent(k.Name))
			desc := fmt.Sprintf("no row of %s on %s", obj.name, k.Name)
			exists, kind := "NOT EXISTS (", "an anti-join"
			if semi {
				desc = fmt.Sprintf("a row of %s on %s", obj.name, k.Name)
				exists, kind = "EXISTS (", "a semi-join"
			}
			for _, c := range oq.conds {
				inner += " AND " + c.sql
				desc += " with " + c.desc
			}
			hq.conds = append(hq.conds, cond{col: k, sql: exists + inner + ")", desc: desc, pos: neg})
			hq.notes = append(hq.notes, fmt.Sprintf("rows of %s with %s (%s)", subj.name, desc, kind))
			if len(hr.ignored) > 0 {
				hq.ignored = hr.ignored
			}
			found = append(found, answer{hq, desc})
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	for _, a := range found[1:] {
		if a.q.sql() != found[0].q.sql() {
			return nil, &NotUnderstood{Question: f.question, Reason: "the negation reads as rows without a match in two ways",
				Closest: []string{found[0].q.t.name + " with " + found[0].desc, a.q.t.name + " with " + a.desc}}
		}
	}
	return found[0].q, nil
}

// subFrame parses part of a question as a question of its own.
func (p *Planner) subFrame(text string) *frame {
	f := parseFrame(text)
	f.catalog = p.catalogRoots()
	f.shorts = p.confirmedShorts()
	f.valueWords = p.valueWords()
	f.rowNouns = p.rowNouns()
	f.tables = p.tables
	return f
}

// namesEntity reports whether the reading names the table's rows.
func namesEntity(r *reading) bool {
	for _, m := range r.mentions {
		if m.kind == mEntity {
			return true
		}
	}
	return false
}

// sameColumn returns t's column named and typed like k, or nil.
func sameColumn(t *table, k *column) *column {
	for _, c := range t.cols {
		if strings.EqualFold(c.Name, k.Name) && c.Kind == k.Kind {
			return c
		}
	}
	return nil
}

func wordsText(ws []word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

// leadingVerbs returns how many words open the reading before the first
// mention of its table's rows that read as nothing (a verb: "made",
// "own"), or 0 when a word there names something, is a number or a
// capitalized name, or the table's rows are not named.
func leadingVerbs(f *frame, r *reading) int {
	first := -1
	for _, m := range r.mentions {
		if m.kind == mEntity {
			first = m.start
			break
		}
	}
	if first <= 0 || first > 2 {
		return 0
	}
	for _, m := range r.mentions {
		if m.start < first {
			return 0
		}
	}
	n := 0
	for i := 0; i < first; i++ {
		w := r.words[i]
		if antiFiller[w.Lower] {
			continue
		}
		if w.Num || f.catalog[w.Root] || i > 0 && w.Text != w.Lower {
			return 0
		}
		if !verbish(w) && strings.HasSuffix(w.Lower, "s") && !strings.HasSuffix(w.Lower, "ss") && w.Lower != "has" && w.Lower != "does" {
			// "had potatoes planted": a plural noun is no verb; it says
			// which of the object's rows, so it must be read.
			return 0
		}
		n = i + 1
	}
	return n
}
