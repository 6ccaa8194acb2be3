package offline

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/floehq/floe/agent/schema"
)

// Grounding by type: a question often asks for money without naming the
// column ("which customer spent the most", "total sales in 2023"). The
// table's money column answers it when the table has exactly one whose
// name fits the kind of money the word asks for (a salary for "earns", an
// amount for "spent"); money columns are ranked by that fit, then by a
// money name, then by a decimal type, and only a fit answers. Two equally
// fitting columns are ambiguous, and the planner says so.

// moneyWords maps the root of a question word to the kind of money it asks
// for.
var moneyWords = map[string]string{}

// moneyPrefs are the column-name roots each kind of money prefers, in
// tiers: a root of an earlier tier beats one of a later tier, and two
// columns of one tier are ambiguous.
var moneyPrefs = map[string][]map[string]bool{}

// moneyRoots name columns that hold money.
var moneyRoots = rootSet(`amount revenue sale sales price cost salary wage pay income fee charge charges payment
	budget balance refund spend value total profit tax bonus earning usd eur gbp dollar compensation expense fare rent`)

// costRoots name money paid out: never what a sales word asks for.
var costRoots = rootSet("cost costs expense expenses")

// notMoney name numbers that are not sums of money even in a decimal type.
var notMoney = rootSet("rate ratio pct percent percentage score age tenure count quantity number units latitude longitude weight")

func init() {
	for kind, ws := range map[string]string{
		"sales": "spent spend spends spending revenue revenues sales turnover money value worth",
		"earn":  "earn earns earned earning earnings paid wage wages",
		"cost":  "cost costs costing expense expenses",
	} {
		for _, w := range strings.Fields(ws) {
			moneyWords[schema.Root(w)] = kind
		}
	}
	for kind, tiers := range map[string][]string{
		"sales": {"amount revenue sale total spend value payment paid", "charge fare"},
		"earn":  {"salary wage pay income earning compensation", "bonus"},
		"cost":  {"cost expense", "amount price salary charge fee spend"},
	} {
		for _, t := range tiers {
			moneyPrefs[kind] = append(moneyPrefs[kind], rootSet(t))
		}
	}
}

// moneyRank scores c as the column a kind of money word means: higher is
// better, 0 is not money.
func moneyRank(c *column, kind string) int {
	if !c.measure() || c.truth != "" {
		return 0
	}
	for _, r := range c.roots {
		if notMoney[r] {
			return 0
		}
	}
	if kind == "sales" {
		for _, r := range c.roots {
			if costRoots[r] {
				// "brought in the most money": money a cost spent is
				// never what sales brought in.
				return 0
			}
		}
	}
	tiers := moneyPrefs[kind]
	best := 0
	for _, r := range c.roots {
		for k, tier := range tiers {
			if tier[r] {
				best = max(best, 10+len(tiers)-k)
			}
		}
		if moneyRoots[r] {
			best = max(best, 2)
		}
	}
	if best == 0 && strings.HasPrefix(strings.ToUpper(c.Type), "DECIMAL") {
		best = 1
	}
	return best
}

// moneyColumn returns the column a money word of kind means in t, or nil
// and the tied candidates.
func moneyColumn(t *table, kind string) (*column, []*column) {
	var best []*column
	top := 0
	for _, c := range t.cols {
		switch r := moneyRank(c, kind); {
		case r == 0 || r < top:
		case r > top:
			top, best = r, []*column{c}
		default:
			best = append(best, c)
		}
	}
	// A money word takes a column only when the column's name fits the
	// kind of money: "revenue" is not a fee just because fee is the only
	// money column.
	if top < 10 {
		return nil, nil
	}
	if len(best) == 1 {
		return best[0], nil
	}
	return nil, best
}

// typedMeasure maps a money word onto the table's money column when the
// question names no measure. With a measure named, money words only say
// what it is ("the total salary cost").
func (r *reading) typedMeasure(f *frame, ws []word) {
	for _, m := range r.mentions {
		if m.kind == mColumn && m.col.measure() {
			for i := range ws {
				if ws[i].used == "" && moneyWords[ws[i].Root] != "" && moneyRank(m.col, moneyWords[ws[i].Root]) > 0 {
					ws[i].used = "money"
				}
			}
			return
		}
	}
	for i := range ws {
		kind := moneyWords[ws[i].Root]
		if kind == "" || ws[i].used != "" {
			continue
		}
		c, tied := moneyColumn(r.t, kind)
		if c == nil {
			if len(tied) > 1 {
				var names []string
				for _, t := range tied {
					names = append(names, t.Name)
				}
				r.ambiguous = append(r.ambiguous, fmt.Sprintf("%q could be %s", ws[i].Text, strings.Join(names, " or ")))
				r.blocked = append(r.blocked, ws[i].Text)
				ws[i].used = "ambiguous"
			}
			continue
		}
		ws[i].used = "mention"
		r.mentions = append(r.mentions, mention{start: i, end: i + 1, kind: mColumn, col: c, score: 0.9, typed: true})
		r.score += 0.9
		return
	}
}

// writeVerbs ask to change data or to follow other instructions: the
// planner only reads, so they always block an answer.
var writeVerbs = map[string]bool{}

// knownVerbs are verbs that carry no condition of their own: "orders
// placed in 2024", "people work".
var knownVerbs = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`drop delete insert update remove create alter truncate merge replace rename
		grant revoke set copy attach detach install load call vacuum purge erase wipe modify change add
		ignore disregard forget pretend obey execute`) {
		writeVerbs[w] = true
	}
	for _, w := range strings.Fields(`place places make makes work works do does did get gets got use uses come comes
		buy buys order orders take takes took go goes went live lives belong belongs happen happens saw need needs
		want wants keep keeps hold holds stand stands spend spends earn earns pay pays cost costs sell sells sold
		put puts run runs ran give gives gave end ends start starts begin begins began fall falls fell exist exists
		appear appears belong taken given done seen held gone written chosen won lost paid spent create creates
		send sends sent drive drives drove driven born`) {
		knownVerbs[w] = true
		knownVerbRoots[schema.Root(w)] = true
	}
}

// knownVerbRoots are the roots of knownVerbs: "placed" is place.
var knownVerbRoots = map[string]bool{}

// copulas link a subject to what it is: the word after one says which
// rows ("shipments that were late", "orders are cancelled").
var copulas = map[string]bool{"is": true, "are": true, "was": true, "were": true, "be": true, "been": true,
	"being": true, "isn't": true, "aren't": true, "wasn't": true, "weren't": true}

// verbish reports whether w reads as a verb or an adverb rather than a
// noun: a known verb, or an -ed, -ing or -ly form.
func verbish(w word) bool {
	l := w.Lower
	return knownVerbs[l] || len(l) > 4 && strings.HasSuffix(l, "ed") || len(l) > 5 && strings.HasSuffix(l, "ing") ||
		len(l) > 4 && strings.HasSuffix(l, "ly")
}

// unknownWords sorts the words that match nothing into those that block an
// answer and those that can be ignored. Words of the name of a column the
// question mentions are neither ("hours people work per week"). A word
// blocks when it asks to write, opens the question, holds a digit or is
// capitalized inside the question (a value the data lacks), follows "by", "which", an aggregate
// or a filter preposition (it names what to group, compute or keep), or
// touches a column or the table's name and is not a verb ("customer
// segment": the segment is unknown, so grouping by customer would be
// wrong; "married people": married says which people). Other words
// ("placed", "please", "degree") are ignored, but a verb other than a
// common one blocks in a table with a column of kinds or states (see
// kindColumn).
func unknownWords(f *frame, t *table, ws []word, ms []mention) (block, ignored []string) {
	for i, w := range ws {
		if w.used != "" || schema.IsStop(w.Lower) || namedBy(ms, w) {
			continue
		}
		if f.catalog[w.Root] {
			// A word the catalog knows, even one that is often filler
			// ("returns", "status"), names something this reading does
			// not hold: another table's rows or columns.
			block = append(block, w.Text)
			continue
		}
		if filler[w.Lower] || filler[w.Root] {
			continue
		}
		if blocks(f, ws, ms, i) || verbish(w) && !knownVerbRoots[w.Root] && !afterValue(ms, i) && kindColumn(t) != nil {
			block = append(block, w.Text)
		} else {
			ignored = append(ignored, w.Text)
		}
	}
	return block, ignored
}

// kindColumn returns a text column of t named as the kind, type or state
// of its rows (mvmt_typ, status) whose values are short codes ('IN',
// 'OUT', 'ADJ'): a verb the question uses ("received") may say which of
// those kinds it asks about in the data's own short spelling, so it
// blocks rather than being ignored. Kinds spelled as words ('Follow-up')
// would have matched the verb if it named one.
func kindColumn(t *table) *column {
	for _, c := range t.cols {
		if c.Kind != schema.Text || len(c.values) == 0 || c.truth != "" || len(c.roots) == 0 {
			continue
		}
		if kindRoots[c.roots[len(c.roots)-1]] && codes(c.Values) {
			return c
		}
	}
	return nil
}

var kindRoots = rootSet("type typ kind status state stage")

// codes reports whether every value is a short upper-case code.
func codes(vals []string) bool {
	for _, v := range vals {
		if len(v) > 5 || strings.ToUpper(v) != v || strings.ToLower(v) == v || strings.ContainsAny(v, " -") {
			return false
		}
	}
	return len(vals) > 0
}

// afterCopula reports whether word i follows a copula, perhaps across
// adverbs of time ("are still", "have not yet").
func afterCopula(ws []word, i int) bool {
	j := i - 1
	for j >= 0 && timeAdverbs[ws[j].Lower] {
		j--
	}
	return j >= 0 && copulas[ws[j].Lower]
}

// timeAdverbs stand between a copula and what it says of the rows.
var timeAdverbs = map[string]bool{"still": true, "yet": true, "already": true, "currently": true, "now": true, "not": true}

func blocks(f *frame, ws []word, ms []mention, i int) bool {
	w := ws[i]
	first, _ := firstRune(w.Text)
	switch {
	case writeVerbs[w.Lower]:
		return true
	case strings.ContainsAny(w.Lower, "0123456789"):
		return true
	case i == 0:
		// An unknown first word is a command the planner does not know
		// ("Read the notes and do what they say") or the subject itself.
		return true
	case unicode.IsUpper(first) && !allCaps(ws):
		return true
	case f.markers[i] || f.which[i]:
		return true
	case i > 0 && (ws[i-1].used == "agg" || ws[i-1].used == "agg?" || ws[i-1].used == "rank"):
		return true
	case afterPreposition(ws, i):
		// "average salary for women": a condition the data cannot meet.
		return true
	case afterCopula(ws, i) && !knownVerbRoots[w.Root]:
		// "shipments that were late", "orders were cancelled", "outages
		// are still ongoing": the word says which rows; "orders were
		// placed" says nothing.
		return true
	}
	if afterValue(ms, i) {
		return false // "self employed": the rest of a value's spelling
	}
	if verbish(w) && (knownVerbs[w.Lower] || !before(ms, i) || i+1 < len(ws) && lyRoot(ws[i+1]) != "") {
		// "orders placed in 2024" ignores placed; "married people" does
		// not ignore married, which says which people; "working remotely"
		// ignores working, which the adverb says all of.
		return false
	}
	for _, m := range ms {
		if (m.kind == mColumn || m.kind == mEntity) && (m.end == i || m.start == i+1) {
			return true
		}
	}
	return false
}

// filterPrepositions introduce conditions: the word after one names rows.
var filterPrepositions = map[string]bool{"for": true, "in": true, "from": true, "with": true, "among": true,
	"at": true, "of": true, "without": true, "excluding": true, "except": true}

// afterPreposition reports whether word i follows a filter preposition,
// articles and possessives aside: "for the women", "in our Paris store".
func afterPreposition(ws []word, i int) bool {
	for k := i - 1; k >= 0; k-- {
		switch ws[k].Lower {
		case "the", "a", "an", "our", "my", "their", "all", "each", "every", "any":
			continue
		}
		return filterPrepositions[ws[k].Lower] && !verbish(ws[i])
	}
	return false
}

// before reports whether word i directly precedes a column or the table's
// name.
func before(ms []mention, i int) bool {
	for _, m := range ms {
		if (m.kind == mColumn || m.kind == mEntity) && m.start == i+1 {
			return true
		}
	}
	return false
}

// afterValue reports whether word i directly follows a value.
func afterValue(ms []mention, i int) bool {
	for _, m := range ms {
		if m.kind == mValue && m.end == i {
			return true
		}
	}
	return false
}

// namedBy reports whether w is a word of the name of a column the question
// mentions.
func namedBy(ms []mention, w word) bool {
	for _, m := range ms {
		if m.kind == mColumn && contains(m.col.roots, w.Root) {
			return true
		}
	}
	return false
}

func firstRune(s string) (rune, bool) {
	for _, r := range s {
		return r, true
	}
	return 0, false
}

// allCaps reports whether the question capitalizes most of its words
// ("Total Amount By Region"), in which case capitals say nothing.
func allCaps(ws []word) bool {
	n := 0
	for _, w := range ws {
		if r, ok := firstRune(w.Text); ok && unicode.IsUpper(r) {
			n++
		}
	}
	return len(ws) > 2 && 2*n > len(ws)
}
