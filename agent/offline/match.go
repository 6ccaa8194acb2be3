package offline

import (
	"fmt"
	"sort"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// mention is a run of words that names something in a table.
type mention struct {
	start, end int // word span
	kind       mentionKind
	col        *column
	value      string
	score      float64
	syn        bool // matched through a synonym only
	// typed says the column was found by its type and name class, not
	// named: "spent" is the table's one money column.
	typed bool
	// alts holds every value a partial match stands for, when several.
	alts []string
	// named says a value's words include its column's name: "no
	// internet service" is InternetService 'No'.
	named bool
	// open says the words ask for rows whose end date is still NULL:
	// "ongoing" outages have no end_ts yet.
	open bool
	// neg says the word negates a flag by its prefix: "uninsured" is
	// isInsured false.
	neg bool
}

type mentionKind int

const (
	mEntity mentionKind = iota // what a row is: "customers"
	mColumn
	mValue
	mContext // the table's namespace: "census" for lake.census.adult
)

// reading is a question read against one table.
type reading struct {
	t        *table
	words    []word
	mentions []mention // in question order
	score    float64
	// unmapped are the words that match nothing and stand where they
	// would change the answer: after "by", next to a column, a name or a
	// number the data lacks. They block an answer.
	unmapped []string
	// ignored are the words that match nothing but change nothing: verbs
	// and filler such as "placed" in "orders placed in the south region".
	// The explanation names them.
	ignored []string
	// ambiguous says which words name more than one column.
	ambiguous []string
	// exact holds the spans of words that are exactly a value of the
	// table: a partial match in another table must not take them.
	exact map[[2]int]bool
	// blocked are words that fit more than one column or value.
	blocked []string
	// contested is the score the blocked words would have added: a
	// reading of another table that takes them must beat it.
	contested float64
	// companions are values of a column that a word after "which", "by"
	// or "per" spells while it names another column of the table: the
	// column groups and the value keeps its rows ("which tables" where
	// level holds 'table' and table_name names the tables).
	companions []mention
}

func (r *reading) better(o *reading) bool {
	if len(r.unmapped) != len(o.unmapped) {
		return len(r.unmapped) < len(o.unmapped)
	}
	if r.score != o.score {
		return r.score > o.score
	}
	return len(r.ignored) < len(o.ignored)
}

// namesTableRows reports whether w names the rows of a table of the
// catalog by the head noun of its name, spelled out or by the table's own
// short form ("field" for fld, whose key is fld_id).
func namesTableRows(f *frame, w word) bool {
	if f.rowNouns[w.Root] {
		return true
	}
	for _, t := range f.tables {
		if len(t.entity) == 0 {
			continue
		}
		e := t.entity[len(t.entity)-1]
		if !schema.IsStop(w.Lower) && schema.Abbreviates(e, w.Root) || shortEntity(t, e, w) {
			return true
		}
	}
	return false
}

// partialStop words never pick a value on their own: "one" in "One year",
// "check" shared by two payment methods is caught by uniqueness anyway.
var partialStop = rootSet(`one two three four five high low new old big small best top good bad year month day
	week service method automatic card total plus pro max mini`)

// readTable finds the mentions of t in the question. exact holds the spans
// that are exactly a value in some table of the catalog: a partial match
// never takes them ("Enterprise" is a segment, not part of "Wayne
// Enterprises").
func readTable(f *frame, t *table, exact map[[2]int]bool) *reading {
	ws := make([]word, len(f.words))
	copy(ws, f.words)
	r := &reading{t: t, words: ws, exact: map[[2]int]bool{}}
	var cands []mention

	// Values of text columns.
	type occ struct {
		i, n int
		c    *column
		v    string
		neg  bool // the value negates the words matched: "Never-married"
	}
	var partial []occ
	for _, c := range t.cols {
		for _, v := range c.values {
			vw := v.words
			if len(vw) == 0 {
				continue
			}
			for i := range ws {
				// Full match: every word of the value, in order.
				n := 0
				for n < len(vw) && i+n < len(ws) && ws[i+n].free() && valueRoot(ws[i+n]) == vw[n].Root {
					n++
				}
				if n == len(vw) {
					if len(vw) == 1 && eventDate(t, ws, i, v.text) {
						continue
					}
					if len(vw) == 1 && (schema.IsStop(vw[0].Lower) || len(vw[0].Lower) <= 2) {
						// "US", "EU", "No": as spelled in the data, or
						// next to the column's own name ("no internet").
						if ws[i].Text == v.text && len(v.text) > 1 && v.text != "No" && v.text != "Yes" {
							cands = append(cands, mention{start: i, end: i + 1, kind: mValue, col: c, value: v.text, score: 3})
						} else if k := headRun(ws, i+1, c); k > i+1 {
							cands = append(cands, mention{start: i, end: k, kind: mValue, col: c, value: v.text, score: 3 + float64(k-i), named: true})
						}
						continue
					}
					cands = append(cands, mention{start: i, end: i + n, kind: mValue, col: c, value: v.text, score: 3 + float64(n)})
					r.exact[[2]int{i, i + n}] = true
					continue
				}
				// Partial: a distinctive run of the value's words.
				for s := range vw {
					n := 0
					for s+n < len(vw) && i+n < len(ws) && ws[i+n].free() && ws[i+n].Root == vw[s+n].Root {
						n++
					}
					if n == 0 || n == len(vw) {
						continue
					}
					ok := false
					for k := 0; k < n; k++ {
						w := vw[s+k]
						if !w.Num && !schema.IsStop(w.Lower) && !partialStop[w.Root] && len(w.Lower) > 2 {
							ok = true
						}
					}
					// One word alone must be spelled as in the value and not be
					// a verb: "work" is not part of "Never-worked".
					if n == 1 && (knownVerbs[ws[i].Lower] || inflected(ws[i].Lower) != inflected(vw[s].Lower)) {
						ok = false
					}
					// One word alone that is the noun of a table's name
					// names that table's rows: "sales by region" is the
					// sales table, not staff whose role is 'Sales
					// Associate'.
					if n == 1 && namesTableRows(f, ws[i]) {
						ok = false
					}
					if ok {
						partial = append(partial, occ{i, n, c, v.text, s > 0 && negations[vw[s-1].Lower] && !hasWord(ws, vw[s-1].Lower)})
					}
				}
			}
		}
	}
	// A partial run counts only if it points at the values of one column
	// and is not itself the name of a column. A run that several values of
	// one column share reads as all of them: "married" is every
	// Married-* status, "self employed" both Self-emp-* classes. Values
	// that negate ("Never-married") only match a question that negates too.
	done := map[[2]int]bool{}
	for _, p := range partial {
		span := [2]int{p.i, p.i + p.n}
		if done[span] {
			continue
		}
		done[span] = true
		var vals []string
		one := true
		for _, q := range partial {
			if q.i != p.i || q.n != p.n || contains(vals, q.v) || q.neg {
				continue
			}
			one = one && q.c == p.c
			vals = append(vals, q.v)
		}
		if !one || len(vals) == 0 || len(vals) > 6 || namesColumn(t, ws[p.i:p.i+p.n]) || exact[span] {
			continue
		}
		m := mention{start: p.i, end: p.i + p.n, kind: mValue, col: p.c, value: vals[0], score: 1.5 + 0.5*float64(p.n)}
		if len(vals) > 1 {
			sort.Strings(vals)
			m.value, m.alts = vals[0], vals
		}
		cands = append(cands, m)
	}

	// Country names where a country column holds ISO 3166 codes: "to
	// Japan" is dest_ctry 'JP'.
	for _, c := range t.cols {
		if !countryCodeColumn(c) {
			continue
		}
		for i := range ws {
			for n := 3; n >= 1; n-- {
				if i+n > len(ws) || !ws[i].free() || !ws[i+n-1].free() {
					continue
				}
				code := countryCodes[strings.ToLower(strings.TrimSpace(words(ws, i, i+n)))]
				if code == "" || !contains(c.Values, code) {
					continue
				}
				cands = append(cands, mention{start: i, end: i + n, kind: mValue, col: c, value: code, score: 3 + float64(n)})
				r.exact[[2]int{i, i + n}] = true
			}
		}
	}

	cands = append(cands, codeMentions(f, t, ws, exact)...)
	cands = byDirection(ws, cands)

	// Two values of one column spelled with the same words ("<=50K" and
	// ">50K" asked without "more than") cannot be told apart: the words
	// block an answer.
	for a := 0; a < len(cands); a++ {
		for b := a + 1; b < len(cands); b++ {
			x, y := cands[a], cands[b]
			if x.kind == mValue && y.kind == mValue && x.col == y.col && x.value != y.value && x.start == y.start && x.end == y.end {
				r.ambiguous = append(r.ambiguous, fmt.Sprintf("%q could be %s or %s", strings.TrimSpace(words(ws, x.start, x.end)),
					schema.QuoteString(x.value), schema.QuoteString(y.value)))
				for k := x.start; k < x.end; k++ {
					if ws[k].used == "" {
						r.blocked = append(r.blocked, ws[k].Text)
					}
					ws[k].used = "ambiguous"
				}
			}
		}
	}
	for k := 0; k < len(cands); k++ {
		if cands[k].kind == mValue && ws[cands[k].start].used == "ambiguous" {
			cands = append(cands[:k], cands[k+1:]...)
			k--
		}
	}

	// Column names, directly or through synonyms.
	for _, c := range t.cols {
		for i := range ws {
			direct, syn, heads := 0, 0, map[string]bool{}
			synHeads := map[string]bool{} // heads met through a synonym
			j := i
			// A name may hold words the frame read otherwise: "hours per
			// week" is one column, not hours grouped by week.
			for j < len(ws) && j-i < 4 && (ws[j].free() || (j > i || ws[j].used == "sold") && passable(ws[j]) && contains(c.roots, ws[j].Root)) {
				r := ws[j].Root
				if !contains(c.roots, r) && lyRoot(ws[j]) != "" && contains(c.roots, lyRoot(ws[j])) {
					r = lyRoot(ws[j]) // "working remotely": isRemote
				}
				if !contains(c.roots, r) && c.Kind.IsTemporal() && wnRoot(ws[j]) != "" && contains(c.heads, wnRoot(ws[j])) {
					r = wnRoot(ws[j]) // "sown in October": sow_dt
				}
				able := false
				if !contains(c.roots, r) && ableRoot(ws[j]) != "" && c.roots[len(c.roots)-1] == ableRoot(ws[j]) && c.measure() {
					// "the most valuable artwork": insured_value, whose
					// noun is value, weak as it is.
					r, able = ableRoot(ws[j]), true
				}
				if contains(c.roots, r) {
					direct++
					if contains(c.heads, r) || able {
						heads[r] = true
					}
				} else if h := synonymOf(c, r); h != "" {
					syn++
					heads[h] = true
					synHeads[h] = true
				} else if h := abbreviatedBy(c, ws[j]); h != "" && !contains(t.entity, ws[j].Root) && !(namesRowsOf(t, ws[j]) && !contains(t.entity, h)) || h == "" && confirmedBy(f, c, ws[j]) != "" && !continued(ws, j) {
					if h == "" {
						h = confirmedBy(f, c, ws[j])
					}
					// "ship date" is shp_dt, "destination" dest_ctry.
					syn++
					heads[h] = true
				} else {
					break
				}
				j++
			}
			if len(heads) == 0 || allStop(ws[i:j]) && !wholeName(c, ws[i:j]) {
				// "in" is not in_stock, "is" not isRemote: stop words
				// name a column only beside its other words ("in stock"),
				// or as two or more words that are all of its name but a
				// leading verb ("no show" is wasNoShow).
				continue
			}
			if last := c.heads[len(c.heads)-1]; len(c.heads) > 1 && !heads[last] && unitPriceRoots[last] && c.measure() {
				// "tickets" is not ticketPrice: a price is named through
				// its noun, never by the thing it is the price of alone.
				continue
			}
			if direct == 0 && len(synHeads) > 0 && len(c.heads) > 1 && !heads[c.heads[len(c.heads)-1]] {
				// A synonym names a column only through the name's last
				// word, its noun: "quantity" meets units, not unit_price.
				continue
			}
			s := float64(direct) + 0.8*float64(syn)
			if len(heads) == len(c.heads) {
				s += 0.5
			}
			if direct == len(c.roots) {
				// Every word of the name: "education", not education_num.
				s += 0.25
			}
			switch {
			case c.id && len(c.heads) == 1 && (contains(t.entity, c.heads[0]) || direct+syn < len(c.roots)):
				// "customers" is the table, not customer_id; "orders" is
				// the orders table, not the order_id of returns.
				s -= 0.6
			case direct+syn < len(c.roots) && allIn(heads, t.entity):
				// "order" alone is the table's row, not order_date.
				s -= 0.6
			}
			// "monthly" alone is a grain, not monthly_charges.
			if len(heads) < len(c.heads) && allGrain(ws[i:j]) {
				continue
			}
			cands = append(cands, mention{start: i, end: j, kind: mColumn, col: c, score: s, syn: direct == 0})
		}
	}

	// A weak word after "by" or an aggregate names the one column that has
	// it: "leave requests by type" groups by leaveType, "avg amt" averages
	// totalAmt.
	for i := range ws {
		afterAgg := i > 0 && (ws[i-1].used == "agg" || ws[i-1].used == "agg?")
		if !ws[i].free() || !(f.markers[i] || f.which[i] || afterAgg) || !schema.IsWeak(ws[i].Root) || schema.IsStop(ws[i].Lower) {
			continue
		}
		var only *column
		n := 0
		for _, c := range t.cols {
			if !c.id && contains(c.roots, ws[i].Root) && !contains(c.heads, ws[i].Root) {
				only = c
				n++
			}
		}
		if n == 1 {
			cands = append(cands, mention{start: i, end: i + 1, kind: mColumn, col: only, score: 0.6})
		}
	}

	// What a row is, and the table's namespace.
	for i := range ws {
		if !ws[i].free() {
			continue
		}
		named := false
		for _, e := range t.entity {
			// A money word names money, not rows, through a synonym:
			// "revenue" in tix_sales is paid_amt, not the number of sales.
			syn := contains(schema.Synonyms(ws[i].Root), e) && moneyWords[ws[i].Root] == ""
			if ws[i].Root == e || syn || !schema.IsStop(ws[i].Lower) && schema.Abbreviates(e, ws[i].Root) || shortEntity(t, e, ws[i]) {
				cands = append(cands, mention{start: i, end: i + 1, kind: mEntity, score: 1})
				named = true
			}
		}
		if !named && contains(t.aliases, ws[i].Root) {
			// "visits" in appointments: above the columns that share
			// the word (visitDate, visitType), below their whole names.
			cands = append(cands, mention{start: i, end: i + 1, kind: mEntity, score: 1.6})
			named = true
		}
		if !named && rowWords[ws[i].Root] {
			// "people", "records": the rows of whatever table this is.
			cands = append(cands, mention{start: i, end: i + 1, kind: mEntity, score: 0.5})
		}
		if contains(t.context, ws[i].Root) {
			cands = append(cands, mention{start: i, end: i + 1, kind: mContext, score: 0.5})
		}
		for j := t.join; j != nil && !f.markers[i] && !f.which[i]; j = j.next {
			// "Enterprise customers" over orders joined with customers:
			// the joined table's rows only say where a condition lives.
			for _, e := range j.dim.entity {
				if ws[i].Root == e || contains(schema.Synonyms(ws[i].Root), e) {
					cands = append(cands, mention{start: i, end: i + 1, kind: mContext, score: 2})
				}
			}
		}
	}

	// "uninsured", "unpaid": un- before a word of a flag's name negates
	// the flag.
	for i := range ws {
		l := ws[i].Lower
		if !ws[i].free() || len(l) < 6 || !strings.HasPrefix(l, "un") {
			continue
		}
		rest := schema.Root(l[2:])
		for _, c := range t.cols {
			if c.Kind == schema.Bool && contains(c.heads, rest) {
				cands = append(cands, mention{start: i, end: i + 1, kind: mColumn, col: c, score: 1, neg: true})
			}
			// "unpaid invoices": un- before a word of a date's name that
			// holds both NULLs and dates asks for its NULLs (paidAt IS
			// NULL), as "open" does for an end-like date.
			if c.Kind.IsTemporal() && c.Nulls > 0 && c.Nulls < 1 && contains(c.heads, rest) {
				cands = append(cands, mention{start: i, end: i + 1, kind: mColumn, col: c, score: 1, open: true})
			}
		}
	}

	// "ongoing", "open", "pending": the rows whose one end-like date
	// column is still NULL.
	if end := openEnd(t); end != nil {
		for i := range ws {
			if ws[i].free() && openWords[ws[i].Root] && !(stateAdjectives[ws[i].Root] && f.catalog[ws[i].Root]) {
				// "active" where a column is named so (isActive) is that
				// column's, not an end date's NULLs.
				// Spelled as the adjective ("open tickets", not "opened"),
				// the word says the state: it beats a date column named
				// by the verb (openedAt).
				score := 1.0
				if openAdjectives[ws[i].Lower] {
					score = 1.75
				}
				cands = append(cands, mention{start: i, end: i + 1, kind: mColumn, col: end, score: score, open: true})
			} else if ws[i].free() && presentStates[ws[i].Lower] && anyRoot(end.heads, rootSet("term terminated termination")) {
				// "employees who work in Sales" in a table whose rows end
				// by termination: the present tense asks for the rows
				// that have not ended.
				ws[i].used = "open"
				cands = append(cands, mention{start: i, end: i + 1, kind: mColumn, col: end, score: 0.5, open: true})
			}
		}
	}

	// A word after "which", "by" or "per" that names a text column and
	// is a value of another column ("which tables": table_name, and
	// 'table' of level) asks to group by the column: the value only keeps
	// the rows at that level. It adds a little to the reading, so that
	// the table whose rows it sorts reads the question best.
	for k := 0; k < len(cands); k++ {
		v := cands[k]
		if v.kind != mValue || v.end-v.start != 1 || !(f.markers[v.start] || f.which[v.start]) {
			continue
		}
		names := false
		for _, o := range cands {
			if o.kind == mColumn && o.col != v.col && o.start == v.start && o.end == v.end && o.col.Kind == schema.Text &&
				!o.col.id && contains(o.col.heads, ws[v.start].Root) {
				names = true
			}
		}
		if names {
			v.score = 0.5
			r.companions = append(r.companions, v)
			r.score += v.score
			cands = append(cands[:k], cands[k+1:]...)
			k--
		}
	}

	// Longest runs first, then the best score; entities win ties so that
	// "customers" is the table, not customer_id.
	sort.SliceStable(cands, func(a, b int) bool {
		la, lb := cands[a].end-cands[a].start, cands[b].end-cands[b].start
		if la != lb {
			return la > lb
		}
		if cands[a].score != cands[b].score {
			return cands[a].score > cands[b].score
		}
		return cands[a].kind < cands[b].kind
	})
	taken := make([]bool, len(ws))
	for _, m := range cands {
		free := true
		for k := m.start; k < m.end; k++ {
			free = free && !taken[k]
		}
		if !free {
			continue
		}
		// Values of two columns on the same words ("engineers": the
		// Engineering department or the Engineer title): the one spelled
		// as the question spells it wins, else they are ambiguous.
		if m.kind == mValue {
			rivals, loses := valueRivals(ws, cands, m)
			if loses {
				continue // a rival spelled as the question spells it takes the words
			}
			if len(rivals) > 0 {
				desc := []string{m.col.Name + " " + schema.QuoteString(m.value)}
				for _, o := range rivals {
					desc = append(desc, o.col.Name+" "+schema.QuoteString(o.value))
				}
				r.ambiguous = append(r.ambiguous, fmt.Sprintf("%q could be %s", strings.TrimSpace(words(ws, m.start, m.end)), strings.Join(desc, " or ")))
				r.contested += m.score
				for k := m.start; k < m.end; k++ {
					taken[k] = true
					r.blocked = append(r.blocked, ws[k].Text)
					ws[k].used = "ambiguous"
				}
				continue
			}
		}
		// Two columns tie on the same words ("charges": monthly or total).
		if m.kind == mColumn {
			tie := false
			for _, o := range cands {
				if o.kind == mColumn && o.col != m.col && o.start == m.start && o.end == m.end && o.score == m.score {
					tie = true
				}
			}
			if tie {
				m.col = preferred(ws, cands, m)
				if m.col == nil {
					// Ambiguous: keep the words from weaker readings and
					// report them.
					var names []string
					for _, o := range cands {
						if o.kind == mColumn && o.start == m.start && o.end == m.end && o.score == m.score {
							names = append(names, o.col.Name)
						}
					}
					r.ambiguous = append(r.ambiguous, fmt.Sprintf("%q could be %s", strings.TrimSpace(words(ws, m.start, m.end)), strings.Join(names, " or ")))
					for k := m.start; k < m.end; k++ {
						taken[k] = true
					}
					continue
				}
			}
		}
		for k := m.start; k < m.end; k++ {
			taken[k] = true
			ws[k].used = "mention"
		}
		r.mentions = append(r.mentions, m)
		r.score += m.score
	}
	sort.Slice(r.mentions, func(a, b int) bool { return r.mentions[a].start < r.mentions[b].start })
	// "total seat quantity", "total spend": total is the aggregate, not
	// totalAmt, when a measure or a money word follows it.
	for k := 0; k < len(r.mentions); k++ {
		m := r.mentions[k]
		next := k+1 < len(r.mentions) && r.mentions[k+1].kind == mColumn && r.mentions[k+1].col.measure() && r.mentions[k+1].start == m.end
		money := m.end < len(ws) && ws[m.end].used == "" && moneyWords[ws[m.end].Root] != ""
		if m.kind == mColumn && (next || money) && softAgg(f.words[m.start:m.end]) {
			for j := m.start; j < m.end; j++ {
				ws[j].used = f.words[j].used
			}
			r.score -= m.score
			r.mentions = append(r.mentions[:k], r.mentions[k+1:]...)
			k--
		}
	}
	r.typedMeasure(f, ws)
	sort.Slice(r.mentions, func(a, b int) bool { return r.mentions[a].start < r.mentions[b].start })
	// "two year contracts", "the EU region": a column named next to one of
	// its values only says what the value is.
	for k := 0; k < len(r.mentions); k++ {
		m := r.mentions[k]
		if m.kind != mColumn {
			continue
		}
		for _, d := range []int{-1, 1} {
			n := k + d
			if n < 0 || n >= len(r.mentions) {
				continue
			}
			v := r.mentions[n]
			if v.kind == mValue && v.col == m.col && (v.end == m.start || m.end == v.start) {
				if v.start > m.start {
					v.start = m.start
				} else {
					v.end = m.end
				}
				r.mentions[n] = v
				r.mentions = append(r.mentions[:k], r.mentions[k+1:]...)
				k--
				break
			}
		}
	}

	r.separateValues(f, ws)

	// A negation is read when it applies to a value or a boolean column
	// close after it.
	for _, p := range append(append([]int(nil), f.negs...), f.excludes...) {
		for _, m := range r.mentions {
			if m.start > p && m.start <= p+3 && (m.kind == mValue || m.kind == mColumn && m.col.Kind == schema.Bool) {
				ws[p].used = "neg"
			}
		}
	}

	// Date words mean nothing to a table without dates.
	if len(t.dateCols()) == 0 {
		for _, d := range f.dates {
			for k := d.start; k < d.end; k++ {
				ws[k].used = ""
			}
		}
		for _, g := range f.grains {
			if ws[g.pos].used == "grain" {
				ws[g.pos].used = ""
			}
		}
	} else {
		r.score += 0.5 * float64(len(f.dates))
	}
	r.unmapped, r.ignored = unknownWords(f, t, ws, r.mentions)
	r.unmapped = append(r.unmapped, r.blocked...)
	return r
}

// countryCodeColumn reports whether c is named as a country (country,
// ctry, nation) and holds two-letter upper-case codes only: only there
// does a country's name stand for its ISO code.
func countryCodeColumn(c *column) bool {
	if c.Kind != schema.Text || len(c.values) == 0 || !(contains(c.heads, countryRoot) || contains(c.heads, nationRoot)) {
		return false
	}
	for _, v := range c.Values {
		if len(v) != 2 || v != strings.ToUpper(v) || strings.ToLower(v) == v {
			return false
		}
	}
	return true
}

var (
	countryRoot = schema.Root("country")
	nationRoot  = schema.Root("nation")
)

// countryCodes map common country names to their ISO 3166-1 alpha-2
// codes, which data often holds instead of the names.
var countryCodes = map[string]string{
	"argentina": "AR", "australia": "AU", "austria": "AT", "belgium": "BE", "brazil": "BR", "canada": "CA",
	"chile": "CL", "china": "CN", "colombia": "CO", "czechia": "CZ", "denmark": "DK", "egypt": "EG",
	"finland": "FI", "france": "FR", "germany": "DE", "greece": "GR", "hungary": "HU", "india": "IN",
	"indonesia": "ID", "ireland": "IE", "israel": "IL", "italy": "IT", "japan": "JP", "kenya": "KE",
	"south korea": "KR", "malaysia": "MY", "mexico": "MX", "netherlands": "NL", "the netherlands": "NL",
	"new zealand": "NZ", "nigeria": "NG", "norway": "NO", "peru": "PE", "philippines": "PH", "poland": "PL",
	"portugal": "PT", "romania": "RO", "saudi arabia": "SA", "singapore": "SG", "south africa": "ZA",
	"spain": "ES", "sweden": "SE", "switzerland": "CH", "thailand": "TH", "turkey": "TR", "ukraine": "UA",
	"united kingdom": "GB", "the united kingdom": "GB", "britain": "GB", "great britain": "GB", "uk": "GB",
	"united states": "US", "the united states": "US", "usa": "US", "vietnam": "VN",
}

// openWords say a row has not ended yet; endRoots name the date column
// that records the end.
var (
	openWords = rootSet("ongoing open outstanding pending unresolved unfinished current active")
	endRoots  = rootSet(`end ended close closed resolve resolved finish finished complete completed return returned
		term terminated termination terminate`)
	// presentStates are verbs in the present tense that say a row's
	// state holds now.
	presentStates = map[string]bool{"work": true, "works": true}
	// stateAdjectives are open words that also name flags (isActive,
	// is_current).
	stateAdjectives = rootSet("current active")
	// openAdjectives are the open words as spelled when they say a state.
	openAdjectives = map[string]bool{"open": true, "ongoing": true, "outstanding": true, "pending": true,
		"unresolved": true, "unfinished": true, "current": true, "active": true}
)

// openEnd returns the date column whose NULLs say that a row of t has not
// ended: the table's one date column named like an end, which the profile
// shows both NULLs and values in. A table whose text values say the state
// ('Open', 'Closed') has none: its state is that column's, which a NULL
// date need not agree with.
func openEnd(t *table) *column {
	var end *column
	for _, c := range t.cols {
		if c.Kind == schema.Text {
			for _, v := range c.values {
				for _, w := range v.words {
					if openWords[w.Root] || endRoots[w.Root] {
						return nil
					}
				}
			}
		}
		if !c.Kind.IsTemporal() || !anyRoot(c.heads, endRoots) {
			continue
		}
		if c.Nulls <= 0 {
			continue // a date every row has (planned_end) says nothing of the state
		}
		if end != nil || c.Nulls >= 1 {
			return nil
		}
		end = c
	}
	return end
}

func anyRoot(roots []string, set map[string]bool) bool {
	for _, r := range roots {
		if set[r] {
			return true
		}
	}
	return false
}

// lyRoot is the root of an adverb's adjective, "remote" for "remotely",
// or "" when w is not an adverb. Grain words ("monthly") are not adverbs.
func lyRoot(w word) string {
	if len(w.Lower) <= 5 || !strings.HasSuffix(w.Lower, "ly") || grainWords[w.Root] != "" {
		return ""
	}
	return schema.Root(strings.TrimSuffix(w.Lower, "ly"))
}

// wnRoot is the root of the verb whose past participle ends in -wn,
// "sow" for "sown", "grow" for "grown", or "".
func wnRoot(w word) string {
	l := w.Lower
	if len(l) < 4 || !strings.HasSuffix(l, "wn") {
		return ""
	}
	return schema.Root(strings.TrimSuffix(l, "n"))
}

// ableRoot is the root of the noun an -able adjective is made from,
// "value" for "valuable", or "".
func ableRoot(w word) string {
	l := w.Lower
	if len(l) <= 6 || !strings.HasSuffix(l, "able") {
		return ""
	}
	return schema.Root(strings.TrimSuffix(l, "able") + "e")
}

// negations are words by which a value says "not": Never-married, No
// internet service, Non-smoker.
var negations = map[string]bool{"never": true, "no": true, "not": true, "non": true, "without": true, "none": true}

func hasWord(ws []word, lower string) bool {
	for _, w := range ws {
		if w.Lower == lower {
			return true
		}
	}
	return false
}

// softAgg reports whether the words were all read as a possible aggregate
// ("total").
func softAgg(ws []word) bool {
	for _, w := range ws {
		if w.used != "agg?" {
			return false
		}
	}
	return len(ws) > 0
}

// inflected reports whether w ends like a verb form.
func inflected(w string) bool { return strings.HasSuffix(w, "ed") || strings.HasSuffix(w, "ing") }

// passable reports whether a word the frame read as a marker or a grain
// may continue a column's name.
func passable(w word) bool { return w.used == "marker" || w.used == "grain" || w.used == "sold" }

func allIn(set map[string]bool, xs []string) bool {
	if len(set) == 0 {
		return false
	}
	for k := range set {
		if !contains(xs, k) {
			return false
		}
	}
	return true
}

// rowWords name the rows of any table: "how many people", "records per
// workclass".
var rowWords = rootSet("people person persons individuals individual records record rows row entries entry respondents staff workers")

// valueSynonyms map question words to the words data spells values with.
var valueSynonyms = map[string]string{"women": "female", "woman": "female", "men": "male", "man": "male",
	"ladies": "female", "gentlemen": "male"}

// valueRoot is the root a question word matches values with.
func valueRoot(w word) string {
	if v, ok := valueSynonyms[w.Lower]; ok {
		return schema.Root(v)
	}
	return w.Root
}

func allGrain(ws []word) bool {
	for _, w := range ws {
		if w.used != "grain?" {
			return false
		}
	}
	return true
}

// headRun returns the end of the run of c's head words starting at i.
func headRun(ws []word, i int, c *column) int {
	for i < len(ws) && ws[i].free() && contains(c.roots, ws[i].Root) {
		i++
	}
	return i
}

// namesColumn reports whether the words are all words of some column's
// name: "store" is not a partial value of "Union Square store".
func namesColumn(t *table, ws []word) bool {
	for _, c := range t.cols {
		all := true
		for _, w := range ws {
			all = all && contains(c.roots, w.Root)
		}
		if all {
			return true
		}
	}
	return false
}

// abbreviatedBy returns the head of c that abbreviates the question word
// w (schema.Abbreviates: shp for shipped, dest for destination), or "".
// Stop words and numbers never match a short form, and the caller keeps
// the word that names the table's rows ("shipments") for the table.
func abbreviatedBy(c *column, w word) string {
	if w.Num || schema.IsStop(w.Lower) {
		return ""
	}
	for _, h := range c.heads {
		if abbreviates(h, w.Root) || pluralShort(h, w) || unitShorts[h][w.Root] {
			return h
		}
	}
	return ""
}

// unitShorts maps the short forms of units that end column names (area_ha,
// net_wt_kg, dist_km) to the roots of the units spelled out: "in
// hectares" names area_ha's unit.
var unitShorts = map[string]map[string]bool{
	"ha": rootSet("hectare hectares"),
	"kg": rootSet("kilogram kilograms kilo kilos"),
	"km": rootSet("kilometre kilometres kilometer kilometers"),
	"lb": rootSet("pound pounds"), "lbs": rootSet("pound pounds"),
	"mi": rootSet("mile miles"),
}

// confirmedBy returns the head of key c that the catalog confirms as a
// short form of w ("vehicle" for veh_id in trips, where a vehicles table
// exists), or "". In the table w names, w names the table.
func confirmedBy(f *frame, c *column, w word) string {
	if w.Num || schema.IsStop(w.Lower) || !c.id || contains(c.t.entity, w.Root) {
		return ""
	}
	for _, h := range c.heads {
		if f.shorts[h] == w.Root {
			return h
		}
	}
	return ""
}

// continued reports whether the word after i is free and not a stop word:
// "vehicle type" names more than the vehicle's key.
func continued(ws []word, i int) bool {
	return i+1 < len(ws) && ws[i+1].used == "" && !schema.IsStop(ws[i+1].Lower)
}

// pluralShort reports whether short is the vowel-less short form of a
// plural that the question spells out: pts is points, hrs hours. The
// stem (pt) keeps the word's letters in order, starting with its first,
// and both are plural.
func pluralShort(short string, w word) bool {
	stem := strings.TrimSuffix(short, "s")
	l := w.Lower
	if len(stem) < 2 || stem == short || strings.ContainsAny(stem, "aeiouy") || !strings.HasSuffix(l, "s") ||
		strings.HasSuffix(l, "ss") || len(w.Root) < len(stem)+2 || w.Root[0] != stem[0] {
		return false
	}
	j := 0
	for i := 0; i < len(w.Root) && j < len(stem); i++ {
		if w.Root[i] == stem[j] {
			j++
		}
	}
	return j == len(stem)
}

// abbreviates extends schema.Abbreviates to short forms that keep a
// leading vowel and drop the others: est is estimated, instl installed.
// The short form must start like the word (its first two letters) and be
// two letters shorter at least, so that "end" never stands for "extended"
// nor "est" for "east".
func abbreviates(short, root string) bool {
	if schema.Abbreviates(short, root) {
		return true
	}
	if len(short) < 3 || len(root) < len(short)+2 || !strings.ContainsAny(short[:1], "aeiou") ||
		strings.ContainsAny(short[1:], "aeiouy") || !strings.HasPrefix(root, short[:2]) {
		return false
	}
	j := 0
	for i := 0; i < len(root) && j < len(short); i++ {
		if root[i] == short[j] {
			j++
		}
	}
	return j == len(short)
}

// synonymOf returns the head of c that root is a synonym of.
func synonymOf(c *column, root string) string {
	if c.id && moneyWords[root] != "" {
		return "" // "revenue" is money, never sale_id
	}
	for _, s := range schema.Synonyms(root) {
		if contains(c.heads, s) {
			return s
		}
	}
	for _, s := range businessSynonyms[root] {
		if contains(c.heads, s) {
			return s
		}
	}
	return ""
}

// businessSynonyms are words of business questions that mean a column's
// name, one way: a question word to the roots it may stand for. Kept
// small and general: "customers who left" churned, an aircraft is a
// plane, a wage or a pay is a salary.
var businessSynonyms = map[string][]string{}

func init() {
	for _, g := range [][]string{
		{"left", "churn", "attrition"},
		{"aircraft", "plane"},
		{"wage", "salary"},
		{"wages", "salary"},
		{"headcount", "employee"},
	} {
		businessSynonyms[schema.Root(g[0])] = append(businessSynonyms[schema.Root(g[0])], rootList(g[1:])...)
	}
}

func rootList(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = schema.Root(w)
	}
	return out
}

// preferred picks one of several columns named by the same words: a name
// over an id, then the one whose last word (its noun) ends the words; nil
// when they stay equal.
func preferred(ws []word, cands []mention, m mention) *column {
	var tied []*column
	for _, o := range cands {
		if o.kind == mColumn && o.start == m.start && o.end == m.end && o.score == m.score {
			tied = append(tied, o.col)
		}
	}
	var names []*column
	for _, c := range tied {
		if !c.id {
			names = append(names, c)
		}
	}
	if len(names) == 1 {
		return names[0]
	}
	// The last word of a name is its noun: "small files" is
	// small_data_files, a number of files, not small_file_ratio.
	var nouns []*column
	last := ws[m.end-1].Root
	for _, c := range names {
		if c.roots[len(c.roots)-1] == last {
			nouns = append(nouns, c)
		}
	}
	if len(nouns) == 1 {
		return nouns[0]
	}
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// separateValues keeps two values of one column only when the question
// lists them ("North and South", "Widgets, Gadgets"): then they are read
// as either. Named apart from a list, they compete: a whole value beats a
// value matched by part of its spelling ("damaged items" is the reason
// Damaged, not also "Wrong item"), and the loser's words are left unread;
// two of equal strength are ambiguous and block an answer.
func (r *reading) separateValues(f *frame, ws []word) {
	for a := 0; a < len(r.mentions); a++ {
		x := r.mentions[a]
		if x.kind != mValue {
			continue
		}
		for b := a + 1; b < len(r.mentions); b++ {
			y := r.mentions[b]
			if y.kind != mValue || y.col != x.col || f.coordinated(x.end, y.start) {
				continue
			}
			xWhole, yWhole := x.score >= 3, y.score >= 3
			if xWhole == yWhole {
				r.ambiguous = append(r.ambiguous, fmt.Sprintf("%q and %q are two values of %s, not named as a list",
					strings.TrimSpace(words(ws, x.start, x.end)), strings.TrimSpace(words(ws, y.start, y.end)), x.col.Name))
				for _, m := range []mention{x, y} {
					for k := m.start; k < m.end; k++ {
						r.blocked = append(r.blocked, ws[k].Text)
						ws[k].used = "ambiguous"
					}
				}
				continue
			}
			drop := b
			if yWhole {
				drop = a
			}
			m := r.mentions[drop]
			for k := m.start; k < m.end; k++ {
				ws[k].used = ""
			}
			r.score -= m.score
			r.mentions = append(r.mentions[:drop], r.mentions[drop+1:]...)
			a = -1 // start over: the list changed
			break
		}
	}
}

// valueDirection returns +1 for a value that says "above" by a leading
// comparison sign (">50K", ">= 65"), -1 for "below" ("<=50K"), 0 for
// others.
func valueDirection(v string) int {
	v = strings.TrimSpace(v)
	switch {
	case strings.HasPrefix(v, ">") || strings.HasPrefix(v, "=>"):
		return 1
	case strings.HasPrefix(v, "<") || strings.HasPrefix(v, "=<"):
		return -1
	}
	return 0
}

// directionWords say above or below a number, before it ("more than
// 50K") or after it ("50K or more"). prepare spells the signs as words.
var (
	aboveBefore = [][]string{{"more", "than"}, {"greater", "than"}, {"higher", "than"}, {"larger", "than"},
		{"over"}, {"above"}, {"exceeding"}, {"morethan"}, {"atleast"}, {"at", "least"}}
	belowBefore = [][]string{{"less", "than"}, {"fewer", "than"}, {"lower", "than"}, {"under"}, {"below"},
		{"lessthan"}, {"atmost"}, {"at", "most"}, {"up", "to"}}
	aboveAfter = [][]string{{"or", "more"}, {"or", "above"}, {"and", "above"}, {"or", "over"}, {"plus"}}
	belowAfter = [][]string{{"or", "less"}, {"or", "below"}, {"and", "below"}, {"or", "under"}}
)

// phraseAt returns the length of the first phrase spelled by the free
// words ending just before i (before) or starting at i (after), or 0.
func phraseAt(ws []word, i int, phrases [][]string, before bool) int {
	for _, p := range phrases {
		s := i
		if before {
			s = i - len(p)
		}
		if s < 0 || s+len(p) > len(ws) {
			continue
		}
		ok := true
		for k, w := range p {
			ok = ok && ws[s+k].free() && ws[s+k].Lower == w
		}
		if ok {
			return len(p)
		}
	}
	return 0
}

// byDirection settles values spelled with a comparison sign by the words
// around them: "more than 50K" is >50K, not <=50K. A value whose sign the
// question contradicts is dropped, and the words that agree join the
// mention; without such words both stay, and the planner says they tie.
func byDirection(ws []word, cands []mention) []mention {
	var out []mention
	for _, m := range cands {
		d := 0
		if m.kind == mValue {
			d = valueDirection(m.value)
		}
		if d == 0 {
			out = append(out, m)
			continue
		}
		upB, downB := phraseAt(ws, m.start, aboveBefore, true), phraseAt(ws, m.start, belowBefore, true)
		upA, downA := phraseAt(ws, m.end, aboveAfter, false), phraseAt(ws, m.end, belowAfter, false)
		switch {
		case upB+upA > 0 && downB+downA == 0:
			if d < 0 {
				continue
			}
			m.start, m.end = m.start-upB, m.end+upA
		case downB+downA > 0 && upB+upA == 0:
			if d > 0 {
				continue
			}
			m.start, m.end = m.start-downB, m.end+downA
		}
		out = append(out, m)
	}
	return out
}

// wholeName reports whether ws, two words or more, hold every head of c's
// name but a copula or an auxiliary (was, is, has).
func wholeName(c *column, ws []word) bool {
	if len(ws) < 2 {
		return false
	}
	for _, h := range c.heads {
		if copulas[h] || h == "has" || h == "had" {
			continue
		}
		found := false
		for _, w := range ws {
			found = found || w.Root == h
		}
		if !found {
			return false
		}
	}
	return true
}

// allStop reports whether every word is a stop word.
func allStop(ws []word) bool {
	for _, w := range ws {
		if !schema.IsStop(w.Lower) {
			return false
		}
	}
	return len(ws) > 0
}

// valueRivals returns the values of other columns that the words of value
// mention m match as strongly. When exactly one of them all is spelled as
// the question spells it, that one wins: no rivals if it is m, and loses
// if it is another.
func valueRivals(ws []word, cands []mention, m mention) (rivals []mention, loses bool) {
	spelled := func(o mention) bool {
		return strings.EqualFold(strings.TrimSpace(words(ws, o.start, o.end)), o.value)
	}
	for _, o := range cands {
		if o.kind == mValue && o.col != m.col && o.start == m.start && o.end == m.end && o.score == m.score {
			rivals = append(rivals, o)
		}
	}
	n, named := 0, 0
	for _, o := range rivals {
		if spelled(o) {
			n++
		}
		if o.named {
			named++
		}
	}
	switch {
	case len(rivals) == 0:
		return nil, false
	case m.named && named == 0:
		// The words name the value's own column too: it wins.
		return nil, false
	case !m.named && named == 1:
		return nil, true
	case spelled(m) && n == 0:
		return nil, false
	case !spelled(m) && n == 1:
		return nil, true
	}
	return rivals, false
}

// eventDate reports whether the past participle at i names a date column
// of t rather than the value v it also spells: "opened in the last 90
// days" is opened_date, not status 'open' (the value is not spelled as
// the verb); "not closed yet" asks that closed_date is NULL, not that the
// status is not 'closed' (a status says the latest state, which may be
// another, such as 'cancelled'; the date says whether it happened).
func eventDate(t *table, ws []word, i int, v string) bool {
	w := ws[i]
	if !strings.HasSuffix(w.Lower, "ed") || len(w.Lower) < 5 {
		return false
	}
	var date *column
	for _, c := range t.cols {
		if c.Kind.IsTemporal() && contains(c.roots, w.Root) {
			date = c
		}
	}
	if date == nil {
		return false
	}
	if !strings.EqualFold(v, w.Lower) {
		return true
	}
	if date.Nulls <= 0 || date.Nulls >= 1 {
		return false
	}
	for k := max(0, i-4); k < len(ws) && k <= i+2; k++ {
		if k != i && (negations[ws[k].Lower] || strings.HasSuffix(ws[k].Lower, "n't") || ws[k].Lower == "yet") {
			return true
		}
	}
	return false
}

var unitPriceRoots = rootSet("price")
