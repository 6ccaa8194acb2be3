package offline

import (
	"fmt"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// The confidence gate. A query the reading built is answered only when
// every part of it comes from words of the question and every word of
// the question that carries content is accounted for. It runs after the
// query is built (its parts are known then) and refuses, naming the word
// or the part, rather than answering a question it read only in part:
//
//   - A word that matched nothing and is ignored must read as a verb (a
//     known one, or by its form: -ed, -ing, -ly, or a bare verb after
//     "do", "does", "did"), as a function word (prepositions,
//     auxiliaries), as the unit of a number, or as the head noun of a
//     value just before it ("Bachelors degree", "damaged items", "gold or
//     platinum members"). Any other noun ("auto" policies, "quality
//     control", "sent back", "completed stays") may say which rows, so it
//     refuses.
//   - "still", "yet" and "anymore" ask for a current state: a condition
//     of the query must stand within a few words ("still in transit",
//     "closed yet"), or the state was not read ("customers we still
//     have").
//   - A hyphenated word whose parts are all unread ("no-shows") is one
//     word the catalog does not know.
//   - A superlative (highest, biggest, top) must order the answer or take
//     a maximum or minimum; "single" asks for one row's value, never a
//     sum or an average.
//   - "which" before a name asks for things by name: an answer with no
//     grouping and no list of rows does not say which.
//   - "across" before a grouping may mean "in total over" as well as "by"
//     ("rooms we have across the hotels in Barcelona"): a grouping from it
//     alone refuses.
//   - An aggregate no word asks for, over rows the question asks to show
//     ("show me the suites in Prague with their nightly rates"), refuses.
//   - A column whose name ends in "no" or "nbr" (cust_no) numbers things,
//     it is not a quantity: it is never added up or averaged.
func (p *Planner) gate(f *frame, q *query) error {
	r := q.read
	if r == nil {
		return nil
	}
	ws := r.words
	refuse := func(reason string, unmapped ...string) error {
		return &NotUnderstood{Question: f.question, Unmapped: unmapped, Reason: reason, Closest: closest(&reading{t: q.t, words: ws, unmapped: unmapped}, p.tables)}
	}
	if w := hyphenUnread(f, ws); w != "" {
		return refuse("", w)
	}
	if w := unaccounted(ws, r, q); w != "" {
		return refuse(fmt.Sprintf("%q may say which rows to keep, and nothing in %s reads it", w, q.t.name), w)
	}
	if w := attributive(ws, r); w != "" {
		return refuse(fmt.Sprintf("%q says which %s to keep, and nothing in %s reads it", w, nextMention(ws, r, w), q.t.name), w)
	}
	for _, w := range ws {
		if w.Num && w.used == "" {
			return refuse(fmt.Sprintf("the number %s is not read by any part of the query", w.Text))
		}
	}
	if w := unreadPredicate(ws, q); w != "" {
		return refuse(fmt.Sprintf("%q says what the rows did or are, and no condition of the query reads it", w), w)
	}
	if w := unreadState(ws, q); w != "" {
		return refuse(fmt.Sprintf("%q asks for a current state that no condition of the query reads", w))
	}
	for i, w := range ws {
		if i+1 < len(ws) && comparisonWords[w.Lower] && aggregateWords[ws[i+1].Lower] {
			return refuse(fmt.Sprintf("%q compares rows with an aggregate of the table, which the offline planner does not build yet", w.Text+" "+ws[i+1].Text))
		}
		if w.Lower == "single" && (q.agg == "sum" || q.agg == "avg" || q.agg == "median") {
			return refuse(fmt.Sprintf("%q asks for one row's value, not a %s", w.Text, aggName(q.agg)))
		}
		if (w.Lower == "which" || w.Lower == "what") && i+1 < len(ws) && startsMention(r, i+1) && len(q.dims) == 0 && q.agg != "list" && q.agg != "rows" {
			return refuse(fmt.Sprintf("\"%s %s\" asks for things by name, and the query neither groups nor lists them", w.Lower, ws[i+1].Text))
		}
	}
	if f.rank != 0 && q.order == 0 && q.agg != "max" && q.agg != "min" && q.agg != "rows" && q.agg != "list" && q.orderBy == nil {
		return refuse(fmt.Sprintf("%q ranks something the query does not order", f.superl))
	}
	for _, d := range q.dims {
		if m := markerBefore(ws, d.pos); m == "across" {
			return refuse(fmt.Sprintf("\"across\" may mean in total over %s or broken down by it", d.col.Name))
		}
	}
	if showVerb(ws) && f.agg == "" && !f.count && !f.rate && len(q.dims) == 0 && q.measure != nil &&
		(q.agg == "sum" || q.agg == "avg" || q.agg == "median") && attributeOf(r, q.measure) {
		return refuse(fmt.Sprintf("the question asks to show rows, and no word asks for the %s of %s", aggName(q.agg), q.measure.Name))
	}
	if c := q.measure; c != nil && f.agg == "" && !f.count && !f.rate && (q.agg == "sum" || q.agg == "avg") && !sureDefault(c, q.agg) && q.t.snapshotDay() == nil {
		return refuse(fmt.Sprintf("no word says whether to add up or average %s", c.Name))
	}
	if c := q.measure; c != nil && len(c.roots) > 1 && numberingRoots[c.roots[len(c.roots)-1]] &&
		(q.agg == "sum" || q.agg == "avg" || q.agg == "median") {
		return refuse(fmt.Sprintf("%s numbers its rows (a %s number), it is not a quantity to add up or average", c.Name, c.roots[0]))
	}
	return nil
}

// comparisonWords before an aggregate word ("above average spend") ask to
// compare each row with the table's aggregate.
var comparisonWords = map[string]bool{"above": true, "below": true, "over": true, "under": true, "than": true}

var aggregateWords = map[string]bool{"average": true, "avg": true, "mean": true, "median": true, "typical": true}

// numberingRoots end the names of columns that number things (cust_no,
// invoice_nbr): identifiers, whatever their type.
var numberingRoots = rootSet("no nbr")

// hyphenUnread returns a hyphenated word of the question ("no-shows")
// whose parts no reading consumed, or "".
func hyphenUnread(f *frame, ws []word) string {
	low := strings.ToLower(f.question)
	for i := 0; i+1 < len(ws); i++ {
		if ws[i].used != "" || ws[i+1].used != "" {
			continue
		}
		h := ws[i].Lower + "-" + ws[i+1].Lower
		if strings.Contains(low, h) {
			return h
		}
	}
	return ""
}

// functionWords carry no content of their own beyond the stop words:
// prepositions, auxiliaries and their contractions, quantifiers,
// greetings, and the nouns that name the form of an answer ("summary",
// "distribution", "chart") rather than what it holds. A word the catalog
// names is never one of them (it blocks before the gate runs).
var functionWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`through throughout around since until till before after against toward towards
		upon beyond behind along besides beside near onto than
		haven't hasn't hadn't don't doesn't didn't won't wouldn't can't cannot couldn't shouldn't isn't aren't
		wasn't weren't both either ever overall altogether please kindly thanks thank hey hi hello
		summary overview distribution report info information details metrics chart graph plot visual
		visualization picture thing things stuff`) {
		functionWords[w] = true
	}
}

// predicate reports whether word i ends the question as its predicate:
// nothing but stop words follow it.
func predicate(ws []word, i int) bool {
	l := ws[i].Lower
	if len(l) > 4 && strings.HasSuffix(l, "ly") {
		return false
	}
	for k := i + 1; k < len(ws); k++ {
		if !schema.IsStop(ws[k].Lower) {
			return false
		}
	}
	return true
}

// rowsAsked reports whether q counts or lists rows (a verb ending the
// question says which rows) rather than adding up a measure ("total copay
// collected": the verb says what the measure is).
func rowsAsked(q *query) bool {
	switch q.agg {
	case "count", "countd", "list", "rows":
		return true
	}
	return false
}

// subjects are pronouns after which a bare verb ends a clause: "the Gold
// accounts we manage".
var subjects = map[string]bool{"we": true, "they": true, "you": true, "i": true}

// doAux are the forms of "do" after which a bare verb ends the clause:
// "how many tickets did remote agents handle?".
var doAux = map[string]bool{"do": true, "does": true, "did": true, "don't": true, "doesn't": true, "didn't": true,
	"has": true, "have": true, "had": true, "hasn't": true, "haven't": true, "hadn't": true}

// timeUnits may follow a number without naming a column.
var timeUnits = rootSet("second seconds minute minutes hour hours day days week weeks month months year years")

// unaccounted returns the first word the reading ignored that is none of
// a verb, a function word, a number's unit or a value's head noun, or "".
func unaccounted(ws []word, r *reading, q *query) string {
	ignored := setOf(r.ignored)
	headOK := map[int]bool{}
	for i, w := range ws {
		if w.used != "" || !ignored[w.Text] {
			continue
		}
		switch {
		case functionWords[w.Lower]:
			continue
		case knownVerbRoots[w.Root] || knownVerbs[w.Lower]:
			continue
		case bareVerb(ws, i):
			continue
		case verbish(w):
			if !predicate(ws, i) || !rowsAsked(q) {
				continue
			}
			// "how many batches failed?": the verb ends the question and
			// says what the rows did, which nothing reads.
		case i > 0 && ws[i-1].Num && timeUnits[w.Root]:
			continue
		case i > 0 && (afterValue(r.mentions, i) || headOK[i-1]) && !deverbal(w.Lower):
			// The noun a value names the kind of: "Bachelors degree",
			// "electronic check payers".
			headOK[i] = true
			continue
		}
		return w.Text
	}
	return ""
}

// deverbal reports whether a noun names an event by its form
// (cancellations, payments, renewals, attendance, departures): after a
// value it says what happened to the rows, not what kind they are.
func deverbal(l string) bool {
	l = strings.TrimSuffix(l, "s")
	for _, suf := range []string{"tion", "sion", "ment", "ance", "ence", "ure", "al"} {
		if len(l) > len(suf)+2 && strings.HasSuffix(l, suf) {
			return true
		}
	}
	return false
}

// bareVerb reports whether word i is a bare verb ending a clause after a
// form of "do": "how many orders did Acme place?".
func bareVerb(ws []word, i int) bool {
	if i+1 < len(ws) && !schema.IsStop(ws[i+1].Lower) {
		return false
	}
	if i > 0 && subjects[ws[i-1].Lower] {
		return true
	}
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		if doAux[ws[k].Lower] {
			return true
		}
	}
	return false
}

// stateAdverbs ask for rows still in a state.
var stateAdverbs = map[string]bool{"still": true, "yet": true, "anymore": true}

// unreadState returns a state adverb that no condition of q stands near,
// or "".
func unreadState(ws []word, q *query) string {
	var at []int
	for _, c := range q.conds {
		at = append(at, c.pos)
	}
	if q.rateCond != nil {
		at = append(at, q.rateCond.pos)
	}
	for _, m := range q.read.mentions {
		if m.open || m.neg {
			at = append(at, m.start)
		}
	}
	for i, w := range ws {
		if !stateAdverbs[w.Lower] {
			continue
		}
		read := false
		for _, p := range at {
			if p >= i-3 && p <= i+4 {
				read = true
			}
		}
		if !read {
			return w.Text
		}
	}
	return ""
}

// startsMention reports whether a mention of the reading starts at word i.
func startsMention(r *reading, i int) bool {
	for _, m := range r.mentions {
		if m.start == i {
			return true
		}
	}
	return false
}

// markerBefore returns the grouping word before word i, articles and
// quantifiers aside, or "".
func markerBefore(ws []word, i int) string {
	for k := i - 1; k >= 0; k-- {
		switch ws[k].Lower {
		case "the", "a", "an", "our", "my", "their", "all", "each", "every", "any", "its":
			continue
		}
		return ws[k].Lower
	}
	return ""
}

// showVerb reports whether the question asks to show or list something.
func showVerb(ws []word) bool {
	for _, w := range ws {
		switch w.Lower {
		case "show", "list", "display":
			return true
		}
	}
	return false
}

// attributeOf reports whether the question names column c as an attribute
// of the rows it shows: after "with" or "and", possessives aside ("the
// suites with their nightly rates").
func attributeOf(r *reading, c *column) bool {
	for _, m := range r.mentions {
		if m.kind != mColumn || m.col != c {
			continue
		}
		switch markerBefore(r.words, m.start) {
		case "with", "and", "including":
			return true
		}
	}
	return false
}

// attributive returns a participle the reading left unread (filler or
// ignored) that stands right before the name of the rows or a column, as
// an adjective does ("paid invoices", "completed stays"): it says which
// rows, so it must be read. It returns "".
func attributive(ws []word, r *reading) string {
	for i, w := range ws {
		if w.used != "" || schema.IsStop(w.Lower) || knownVerbs[w.Lower] || i+1 >= len(ws) ||
			afterValue(r.mentions, i) || lyRoot(ws[i+1]) != "" {
			continue // "self-employed people", "working remotely"
		}
		if !participleOrAdjective(w.Lower) {
			continue
		}
		for _, m := range r.mentions {
			if m.start == i+1 && (m.kind == mEntity || m.kind == mColumn) {
				return w.Text
			}
		}
	}
	return ""
}

// adjectiveSuffixes mark adjectives by their form: "available rooms",
// "refundable tickets", "expensive", "useless", "dangerous".
var adjectiveSuffixes = []string{"able", "ible", "ive", "less", "ful", "ous"}

// participleOrAdjective reports whether a word reads, by its form, as a
// participle or an adjective that may say which rows.
func participleOrAdjective(l string) bool {
	if len(l) > 4 && strings.HasSuffix(l, "ed") || len(l) > 5 && strings.HasSuffix(l, "ing") || irregularParticiples[l] {
		return true
	}
	for _, suf := range adjectiveSuffixes {
		if len(l) > len(suf)+2 && strings.HasSuffix(l, suf) {
			return true
		}
	}
	return false
}

// nextMention returns the words of the mention right after word w.
func nextMention(ws []word, r *reading, w string) string {
	for i := range ws {
		if ws[i].Text != w {
			continue
		}
		for _, m := range r.mentions {
			if m.start == i+1 {
				return strings.TrimSpace(words(ws, m.start, m.end))
			}
		}
	}
	return "rows"
}

// creationVerbs say only that a row came to be ("orders were placed",
// "members joined in 2022", "loans were made"): every row was, so they
// keep all rows.
var creationVerbs = rootSet(`place placed make made do done create created record recorded generate generated log logged
	enter entered submit submitted join joined register registered sign signed happen happened occur occurred exist
	existed appear appeared come came get got be been`)

// unreadPredicate returns a verb the query leaves unread that says which
// rows a count or a list keeps: after a copula ("how many shipments were
// lost", "invoices that are paid") or ending the question ("how many
// batches failed"), other than a verb of creation. It returns "".
func unreadPredicate(ws []word, q *query) string {
	if !rowsAsked(q) {
		return ""
	}
	for i, w := range ws {
		if w.used != "" || schema.IsStop(w.Lower) || creationVerbs[w.Root] || creationVerbs[w.Lower] || functionWords[w.Lower] {
			continue
		}
		l := w.Lower
		participle := len(l) > 4 && strings.HasSuffix(l, "ed") || irregularParticiples[l]
		if !participle {
			continue
		}
		if afterCopula(ws, i) || i > 0 && (ws[i-1].Lower == "got" || ws[i-1].Lower == "get") || predicate(ws, i) && !bareVerb(ws, i) {
			return w.Text
		}
	}
	return ""
}

// irregularParticiples are past participles without -ed.
var irregularParticiples = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`paid sold lost won held taken given seen written chosen spent sent driven kept bought
		brought built caught left hit cut shut broken stolen frozen drawn thrown worn torn shown grown known flown`) {
		irregularParticiples[w] = true
	}
}

// additiveRoots name quantities that add up: counts, amounts of money,
// units, lengths of time and distance.
var additiveRoots = rootSet(`cnt count counts num number qty quantity units unit volume total sum amount amt revenue sales sale
	cost costs spend spent paid payment income expense fee fees charge charges tax refund hours minutes mins min hrs seconds secs days
	distance km miles kg tons weight calls visits sessions kegs cases bytes files rows`)

// sureDefault reports whether the aggregate a measure takes when no word
// names one (sum, or avg for prices and rates) is its only sensible
// reading.
func sureDefault(c *column, agg string) bool {
	if agg == "sum" && pluralNoun(c.Name) {
		return true // read_requests, commit_conflicts: counts
	}
	for _, r := range c.roots {
		if agg == "avg" && nonAdditive[r] || agg == "sum" && (additiveRoots[r] || moneyRoots[r]) {
			return true
		}
	}
	return false
}
