package offline

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/floehq/floe/agent/schema"
)

// query is a question mapped onto one table.
type query struct {
	t        *table
	agg      string // count countd sum avg median min max rate share list rows
	measure  *column
	target   *column // what countd counts and list lists
	rateCond *cond   // rate and share: the condition whose share is taken
	rateNeg  bool    // rate of a boolean's false values
	pct      bool
	dims     []dim
	conds    []cond
	day      *column // growth: the snapshot day it is measured across
	order    int     // +1 highest first, -1 lowest first, 0 natural
	orderBy  *column
	limit    int
	notes    []string
	ignored  []string
	// read is the reading the query was built from: the confidence gate
	// checks which words each part consumed.
	read *reading

	// set records what a follow-up question specified.
	set struct{ agg, dims, rank bool }
}

// dim is a grouping: a column, or a date column at a grain.
type dim struct {
	col   *column
	grain string // "" for a plain column; day week month quarter year weekday
	pos   int
}

// cond is a condition on rows.
type cond struct {
	col  *column
	sql  string
	desc string
	date bool
	pos  int
	// value conditions keep their values so that follow-ups and rates can
	// rewrite them.
	values []string
	neg    bool
}

func (d dim) alias() string {
	if d.grain != "" {
		return d.grain
	}
	return d.col.Name
}

func (d dim) expr() string {
	c := quoteIdent(d.col.Name)
	switch d.grain {
	case "":
		return c
	case "day":
		if d.col.Kind == schema.Date {
			return c
		}
		return "CAST(" + c + " AS DATE)"
	case "year":
		return "year(" + c + ")"
	case "weekday":
		return "dayname(" + c + ")"
	}
	return fmt.Sprintf("date_trunc('%s', %s)", d.grain, c)
}

func quoteIdent(s string) string { return schema.QuoteIdent(s) }

func valueCond(c *column, vals []string, neg bool, pos int) cond {
	id := quoteIdent(c.Name)
	lits := make([]string, len(vals))
	for i, v := range vals {
		lits[i] = schema.QuoteString(v)
	}
	var sql, desc string
	switch {
	case len(vals) == 1 && !neg:
		sql, desc = id+" = "+lits[0], c.Name+" is "+lits[0]
	case len(vals) == 1:
		sql, desc = id+" <> "+lits[0], c.Name+" is not "+lits[0]
	case !neg:
		sql, desc = id+" IN ("+strings.Join(lits, ", ")+")", c.Name+" is one of "+strings.Join(lits, ", ")
	default:
		sql, desc = id+" NOT IN ("+strings.Join(lits, ", ")+")", c.Name+" is none of "+strings.Join(lits, ", ")
	}
	return cond{col: c, sql: sql, desc: desc, pos: pos, values: vals, neg: neg}
}

// pluralFlag reports whether flag mention m ends in a plural the column's
// name does not have: "no-shows" for wasNoShow names the rows that are
// no-shows, where "no-show" alone would name the flag.
func pluralFlag(ws []word, m mention) bool {
	if m.col.Kind != schema.Bool || m.end <= m.start {
		return false
	}
	name := schema.Words(schema.SplitName(m.col.Name))
	return plural(ws, m.end-1) && len(name) > 0 && !strings.HasSuffix(name[len(name)-1], "s")
}

// nullCond is the condition that date column c is set, or NULL with null.
func nullCond(c *column, null bool, pos int) cond {
	if null {
		return cond{col: c, sql: quoteIdent(c.Name) + " IS NULL", desc: c.Name + " is not set", pos: pos, neg: true}
	}
	return cond{col: c, sql: quoteIdent(c.Name) + " IS NOT NULL", desc: c.Name + " is set", pos: pos}
}

// stateWord reports whether mention m is one past participle that is a
// word of its date column's name, spelled as the name spells it
// ("cancelled" for cancelledAt, "ended" for end_ts, "graduated" for the
// clipped grad_dt; not "shipped" for the vowel-less shp_dt), in a column the profile shows both NULLs and values in: only
// then does a NULL say that it did not happen.
func stateWord(ws []word, m mention) bool {
	c := m.col
	if m.end-m.start != 1 || c == nil || c.Nulls <= 0 || c.Nulls >= 1 {
		return false
	}
	w := ws[m.start]
	if len(w.Lower) <= 4 || !strings.HasSuffix(w.Lower, "ed") {
		return false
	}
	for _, h := range c.heads {
		// The word itself, or a clipped form of it of four letters or
		// more (grad_dt: "graduated"); a vowel-less short form (shp_dt)
		// may stand for a noun as well and does not count.
		if h == w.Root || len(h) >= 4 && strings.HasPrefix(w.Root, h) && schema.Abbreviates(h, w.Root) {
			return true
		}
	}
	return false
}

func boolCond(c *column, neg bool, pos int) cond {
	if neg {
		return cond{col: c, sql: c.flagCond(true), desc: c.Name + " is false", pos: pos, neg: true}
	}
	return cond{col: c, sql: c.flagCond(false), desc: c.Name + " is true", pos: pos}
}

// near reports whether a word of kind at one of positions lies within n
// words before i.
func near(positions []int, i, n int) bool {
	for _, p := range positions {
		if p < i && p >= i-n {
			return true
		}
	}
	return false
}

// build maps the question onto the reading's table.
func build(f *frame, r *reading) (*query, error) {
	q, err := assemble(f, r, false)
	if err != nil {
		return nil, err
	}
	q.read = r
	if w := unreadNegation(f, r, q); w != "" {
		// "passengers who have never made a booking", "owners who don't
		// own any properties": rows with no match in another table (an
		// anti-join). Answering without the negation would count the
		// rows that do, or all of them.
		return nil, &NotUnderstood{Question: f.question, Reason: fmt.Sprintf(
			"%q applies to nothing the query filters on: rows without a match elsewhere (an anti-join) are read only when the words after it name another table's rows that hold this table's key", w)}
	}
	return q, nil
}

// unreadNegation returns a negation of the question that no condition of
// q reads (none starts within four words after it), or "".
func unreadNegation(f *frame, r *reading, q *query) string {
	for _, p := range f.negs {
		if r.words[p].used == "neg" {
			continue
		}
		read := false
		for _, m := range r.mentions {
			if m.start <= p && p < m.end {
				read = true // the negation is part of a name or a value: "no-show", 'No' internet service
			}
		}
		for _, c := range q.conds {
			if c.pos > p && c.pos <= p+4 || c.neg && c.pos > p-4 && c.pos < p {
				read = true
			}
		}
		if !read {
			return r.words[p].Text
		}
	}
	return ""
}

// buildDelta maps a follow-up question: parts it does not name stay unset.
func buildDelta(f *frame, r *reading) (*query, error) { return assemble(f, r, true) }

func assemble(f *frame, r *reading, partial bool) (*query, error) {
	t := r.t
	q := &query{t: t}
	fail := func(format string, args ...any) (*query, error) {
		return nil, &NotUnderstood{Question: f.question, Reason: fmt.Sprintf(format, args...)}
	}
	aggWordTaken := f.aggAt >= 0 && r.words[f.aggAt].used == "mention"
	agg := f.agg
	if aggWordTaken {
		agg = ""
	}
	rate := f.rate && !(f.rateAt >= 0 && r.words[f.rateAt].used == "mention")

	type boolRef struct {
		col *column
		neg bool
		pos int
		// rows says the flag is named as a plural noun ("no-shows"):
		// the rows that are true, counted, not a rate.
		rows bool
	}
	var (
		bools      []boolRef
		measures   []*column
		measurePos []int
		subjects   []*column
		subjectPos []int
		entity     = -1
		dateCol    *column
		valueOrd   []cond
	)
	// qualifiers are columns named only to say what the next name is.
	qualifiers := map[*column]bool{}
	markers := map[int]bool{}
	for k, v := range f.markers {
		markers[k] = v
	}
	which := map[int]bool{}
	for k, v := range f.which {
		which[k] = v
	}
	ms := r.mentions
	for i, m := range ms {
		switch m.kind {
		case mContext:
			continue
		case mEntity:
			if markers[m.start] && (f.per[m.start] || countWord(r.words, m.end)) {
				// "average quantity per order": per row; "regions by order
				// count": by the number of rows.
				continue
			}
			if (markers[m.start] || which[m.start]) && entityColumn(t) != nil {
				// "revenue by customer": group by the row's identifier.
				q.dims = append(q.dims, dim{col: entityColumn(t), pos: m.start})
				continue
			}
			if i+1 < len(ms) && ms[i+1].kind == mColumn && ms[i+1].start == m.end && ms[i+1].col.measure() {
				// "leave days", "order amount": the table's name only says
				// whose measure it is.
				continue
			}
			if entity < 0 {
				entity = m.start
			}
			continue
		case mValue:
			neg := near(f.negs, m.start, 3) || near(f.excludes, m.start, 3)
			vals := []string{m.value}
			if len(m.alts) > 0 {
				vals = m.alts
			}
			valueOrd = append(valueOrd, valueCond(m.col, vals, neg, m.start))
			continue
		}
		c := m.col
		isDim := markers[m.start] || which[m.start]
		// "product category": the last of adjacent names is the head.
		if i+1 < len(ms) && ms[i+1].kind == mColumn && ms[i+1].start == m.end && c.categorical() && c.Kind != schema.Bool && ms[i+1].col.categorical() {
			qualifiers[c] = true
			if markers[m.start] {
				markers[ms[i+1].start] = true
			}
			if which[m.start] {
				which[ms[i+1].start] = true
			}
			continue
		}
		switch {
		case c.Kind.IsTemporal() && !isDim && (m.open || stateWord(r.words, m) && len(f.dates) == 0 && !grainAt(f, m.end)):
			// "cancelled appointments", "outages that have ended": a date
			// set when something happened is a condition that it did
			// (IS NOT NULL); "not cancelled" and "still ongoing" are its
			// NULLs. "cancelled appointments by month" also groups by it.
			null := m.open != near(f.negs, m.start, 3)
			q.conds = append(q.conds, nullCond(c, null, m.start))
			if !null {
				dateCol = c
			}
		case c.Kind.IsTemporal():
			if isDim && !grainAt(f, m.end) {
				q.dims = append(q.dims, dim{col: c, grain: "day", pos: m.start})
			}
			dateCol = c
		case isDim && c.categorical() && !c.numText:
			// Numbers stored as text read as numbers: "top customers by
			// total charges" ranks by them.
			q.dims = append(q.dims, dim{col: c, pos: m.start})
		case isDim && c.measure() && f.per[m.start] && isCount(c):
			// "freight cost per package" with a package count: a ratio
			// of two sums, not a grouping by the count.
			return fail("%q reads as a ratio to %s; the offline planner does not divide one measure by another",
				"per "+strings.TrimSpace(words(r.words, m.start, m.end)), c.Name)
		case isDim && c.measure() && f.rank == 0 && otherMeasure(ms, i, f):
			// "churn rate by tenure": group by the number.
			q.dims = append(q.dims, dim{col: c, pos: m.start})
		case isDim && c.measure():
			measures = append(measures, c)
			measurePos = append(measurePos, m.start)
		case c.Kind == schema.Bool:
			bools = append(bools, boolRef{c, near(f.negs, m.start, 3) != m.neg, m.start, pluralFlag(r.words, m)})
		case c.measure():
			measures = append(measures, c)
			measurePos = append(measurePos, m.start)
		case c.categorical():
			subjects = append(subjects, c)
			subjectPos = append(subjectPos, m.start)
		}
	}

	// "which tables" where a level column holds 'table': the rows at
	// that level, grouped by the column named like the word.
	for _, m := range r.companions {
		valueOrd = append(valueOrd, valueCond(m.col, []string{m.value}, false, m.start))
	}
	// Values of one column join into IN lists.
	for _, vc := range valueOrd {
		merged := false
		for k := range q.conds {
			if q.conds[k].col == vc.col && q.conds[k].neg == vc.neg && q.conds[k].values != nil {
				q.conds[k] = valueCond(vc.col, append(q.conds[k].values, vc.values...), vc.neg, q.conds[k].pos)
				merged = true
			}
		}
		if !merged {
			q.conds = append(q.conds, vc)
		}
	}

	// "North vs South" sets the values side by side: one row each.
	if f.compare {
		k := -1
		for i, c := range q.conds {
			if len(c.values) > 1 && !c.neg {
				k = i
			}
		}
		if k < 0 {
			return fail("could not tell what the question compares; name two values of one column, such as %s", compareExample(t))
		}
		q.dims = append(q.dims, dim{col: q.conds[k].col, pos: q.conds[k].pos})
	}

	// Numeric comparisons take the nearest numeric column.
	for _, cmp := range f.comps {
		var col *column
		if cmp.unit == "money" {
			// "sales over 500 pounds": the table's one money column that
			// a sale's money fits, else the nearest measure.
			col, _ = moneyColumn(t, "sales")
			cmp.unit = ""
		}
		if cmp.unit != "" {
			for _, c := range t.cols {
				if c.Kind == schema.Number && contains(c.roots, cmp.unit) {
					col = c
				}
			}
		}
		if col == nil {
			bestD := 1 << 30
			for k, c := range measures {
				p := measurePos[k]
				d := cmp.start - p
				if p > cmp.start {
					d = p - cmp.end + 1
				}
				if d >= 0 && d < bestD && d <= 4 {
					col, bestD = c, d
				}
			}
		}
		if col == nil {
			return fail("could not tell which column %q compares", strings.TrimSpace(words(r.words, cmp.start, cmp.end)))
		}
		if a, err := convertUnit(cmp, col); err != nil {
			return fail("%s", err.Error())
		} else {
			cmp.a = a
		}
		for k := 0; k < len(measures); k++ {
			if measures[k] == col {
				measures = append(measures[:k], measures[k+1:]...)
				measurePos = append(measurePos[:k], measurePos[k+1:]...)
				k--
			}
		}
		id := col.expr()
		c := cond{col: col, pos: cmp.start}
		if cmp.op == "between" {
			c.sql = fmt.Sprintf("%s BETWEEN %s AND %s", id, cmp.a, cmp.b)
			c.desc = fmt.Sprintf("%s between %s and %s", col.Name, cmp.a, cmp.b)
		} else {
			c.sql = fmt.Sprintf("%s %s %s", id, cmp.op, cmp.a)
			c.desc = c.sql
		}
		q.conds = append(q.conds, c)
	}

	// Dates and grains need a date column.
	dcs := t.dateCols()
	if by := birthYear(t); by != nil && hasWord(r.words, "born") && len(f.dates) > 0 && dateCol == nil {
		// "riders born before 1990": whole years on the birth year, of
		// the table's own rows only: over a join the rows counted would
		// be another table's.
		if t.join != nil {
			return fail("\"born\" dates the birth of %s's rows; ask about %s alone", t.join.dim.name, t.join.dim.name)
		}
		for _, d := range f.dates {
			c, ok := yearCond(by, d)
			if !ok {
				return fail("could not read %q as whole years of %s", d.text, by.Name)
			}
			q.conds = append(q.conds, c)
		}
		f.dates = nil
	}
	needDate := len(f.dates) > 0
	var grains []grainRef
	for _, g := range f.grains {
		if u := r.words[g.pos].used; u == "grain" || u == "grain?" {
			grains = append(grains, g)
		}
	}
	snapDay := t.snapshotDay()
	if needDate || len(grains) > 0 {
		if dateCol == nil && snapDay != nil {
			dateCol = snapDay
		}
		if dateCol == nil {
			if len(dcs) == 0 {
				return fail("%s has no date column", t.name)
			}
			c, tied := t.eventDate()
			if c == nil && len(tied) == 0 {
				return fail("%s has no date column of its own; name the date to use", t.name)
			}
			if c == nil {
				var names []string
				for _, d := range tied {
					names = append(names, d.Name)
				}
				return nil, &NotUnderstood{Question: f.question,
					Reason:  fmt.Sprintf("%s has several date columns (%s) and the question names none", t.name, strings.Join(names, ", ")),
					Closest: dateReadings(tied)}
			}
			dateCol = c
			if len(dcs) > 1 {
				q.notes = append(q.notes, fmt.Sprintf("dates refer to %s", dateCol.Name))
			}
		}
	}
	if snapDay != nil && !needDate && len(grains) == 0 && !f.growth {
		// A table of daily snapshots holds each thing once a day: with no
		// date asked, read the latest day rather than add up every day.
		sql, desc, err := latestDay.resolve(snapDay)
		if err != nil {
			return fail("%v", err)
		}
		q.conds = append(q.conds, cond{col: snapDay, sql: sql, desc: snapDay.Name + " " + desc, date: true, pos: -1})
	}
	if len(f.dates) > 0 && dateCol != nil && hasWord(r.words, "born") && !anyRoot(dateCol.roots, birthRoots) {
		// "artists born before 1900": "born" reads as a verb only where
		// the dates it brings are a birth date's.
		return fail("\"born\" dates a birth, and %s is not a birth date; name the column to use", dateCol.Name)
	}
	for _, d := range f.dates {
		for _, g := range grains {
			// Grouped by the window's own unit ("monthly revenue for the
			// last 6 months"), the window is that many whole periods.
			d.whole = d.whole || g.grain == d.lastUnit
		}
		sql, desc, err := d.resolve(dateCol)
		if err != nil {
			return fail("%v", err)
		}
		q.conds = append(q.conds, cond{col: dateCol, sql: sql, desc: dateCol.Name + " " + desc, date: true, pos: d.start})
	}
	for _, g := range grains {
		q.dims = append(q.dims, dim{col: dateCol, grain: g.grain, pos: g.pos})
		if g.which {
			which[g.pos] = true
		}
	}
	sort.SliceStable(q.dims, func(a, b int) bool { return q.dims[a].pos < q.dims[b].pos })

	// Booleans: the measure of a rate, or a condition.
	var rateBool *boolRef
	for k := range bools {
		b := bools[k]
		if rateBool == nil && len(measures) == 0 && (rate || agg == "" && !f.count && entity < 0 && !f.list && !b.rows && (len(q.dims) > 0 || f.rank != 0)) {
			rateBool = &b
			continue
		}
		q.conds = append(q.conds, boolCond(b.col, b.neg, b.pos))
	}

	ranking := f.rank != 0
	superlAgg := (agg == "max" || agg == "min") && f.superl != ""
	// A ranked question ranks its subject: "top 5 products by revenue".
	if ranking && len(q.dims) == 0 && len(subjects) > 0 {
		q.dims = append(q.dims, dim{col: subjects[0], pos: subjectPos[0]})
		subjects = subjects[1:]
	}
	if superlAgg && len(q.dims) > 0 && anyWhich(q.dims, which) {
		ranking = true
		if agg == "min" {
			f.rank = -1
		} else {
			f.rank = 1
		}
		agg = ""
	}

	// "longest runtime by genre": a length superlative of a named measure
	// over a grouping marked by "by" or "per" is the measure's largest
	// value in each group, not a ranking of the groups ("which genre has
	// the longest runtime" still ranks).
	if ranking && lengthSuperlative(f.superl) && f.limit == 0 && !f.count && len(measures) == 1 &&
		len(q.dims) > 0 && allMarked(q.dims, f.markers) && !anyWhich(q.dims, which) {
		ranking = false
		agg = "max"
		if f.rank < 0 {
			agg = "min"
		}
	}

	// "sales by region", "the best sales in 2024": a money word that
	// names the table's rows (sales) also names the money they brought.
	// Grouped or ranked with no count asked ("number of sales", "most
	// common"), it is the table's one money column that fits the word.
	if len(measures) == 0 && entity >= 0 && agg == "" && !f.count && !f.popular && !rate &&
		(len(q.dims) > 0 || ranking) && moneyWords[r.words[entity].Root] == "sales" {
		if c, _ := moneyColumn(t, "sales"); c != nil {
			measures = append(measures, c)
			measurePos = append(measurePos, entity)
		}
	}

	// "our biggest field", "the smallest gallery": a size superlative
	// of the rows themselves ranks them by the table's one extent (area,
	// size, capacity), not by how many rows of another table each has.
	extent := false
	ownKey := len(q.dims) == 1 && t.join == nil && q.dims[0].grain == "" && q.dims[0].col == rowKey(t)
	if ownKey && ranking && len(measures) == 0 && agg == "" && !f.count && !f.popular && !rate && sizeSuperlative(f.superl) && extentColumn(t, f.superl) != nil {
		// "which field is the smallest": each field is one row.
		entity = q.dims[0].pos
		q.dims = nil
		ownKey = false
	}
	if ranking && len(measures) == 0 && len(q.dims) == 0 && entity >= 0 && agg == "" && !f.count && !f.popular && !rate &&
		sizeSuperlative(f.superl) && (rankAt(r.words) < entity || f.which[entity]) {
		if c := extentColumn(t, f.superl); c != nil {
			measures = append(measures, c)
			measurePos = append(measurePos, entity)
			extent = true
		}
	}

	// "the most valuable artwork": an adjective of a measure (-able)
	// between the ranking word and the rows describes the rows: they are
	// ranked, as "biggest field" is.
	if k := rankAt(r.words); ranking && !extent && len(measures) == 1 && len(q.dims) == 0 && entity > k+1 && agg == "" &&
		!f.count && ableRoot(r.words[k+1]) != "" && measurePos[0] == k+1 {
		extent = true
	}

	// "minimum acquisition date", "our earliest acquisition": the first
	// (or last) date of a date column the question names, with no date
	// range or grain on it.
	if len(measures) == 0 && (agg == "min" || agg == "max") && dateCol != nil && len(f.dates) == 0 && len(grains) == 0 && len(q.dims) == 0 && !f.count && !rate {
		measures = append(measures, dateCol)
		dateCol = nil
	}

	// Pick the measure and the aggregate.
	if len(measures) == 0 && (agg != "" || f.pricey || f.sold && !(f.count && len(subjects) > 0)) && !rate {
		if c := priceColumn(t); f.pricey && c != nil {
			measures = append(measures, c)
		} else if c := soldColumn(t); f.sold && c != nil {
			measures = append(measures, c)
		} else if c := synonymMeasure(r); c != nil {
			measures = append(measures, c)
		}
	}
	if f.growth {
		// "which tables grew the most last month": the last day's value
		// minus the first day's, per thing, over a table of daily
		// snapshots; elsewhere the planner cannot tell what grew.
		if partial {
			return fail("a follow-up that asks for growth is not supported; ask the whole question")
		}
		if snapDay == nil {
			return fail("the question asks how much something grew; the offline planner measures growth only over a table of daily snapshots (named *_daily with a day column), and %s is not one", t.name)
		}
		if len(grains) > 0 || rate || f.count || agg != "" && agg != "sum" {
			return fail("growth is measured as the last day's value minus the first day's; the offline planner does not combine it with a %s", growthClash(f, grains))
		}
		if len(measures) == 0 {
			if c := sizeColumn(t); c != nil {
				measures = append(measures, c)
			}
		}
		if len(measures) != 1 {
			return fail("grew in what? Name one measure of %s, such as %s", t.name, exampleMeasure(t))
		}
		q.agg, q.measure, q.day = "growth", measures[0], snapDay
		measures = nil
	}
	switch {
	case q.agg == "growth":
	case rate && rateBool != nil:
		q.agg, q.measure, q.rateNeg = "rate", rateBool.col, rateBool.neg
	case rate && len(measures) > 0:
		q.agg, q.measure = "share", measures[0]
		if len(q.dims) == 0 {
			// "share of revenue from Snacks": the last value condition is
			// the part whose share is taken.
			k := lastValueCond(q.conds, f.rateAt)
			if k < 0 {
				return fail("share of %s in what? Name a value or a grouping", measures[0].Name)
			}
			c := q.conds[k]
			q.rateCond = &c
			q.conds = append(q.conds[:k], q.conds[k+1:]...)
		}
	case rate:
		k := lastValueCond(q.conds, max(entity, f.rateAt))
		if k < 0 {
			k = lastValueCond(q.conds, -1)
		}
		if k < 0 {
			if partial {
				break
			}
			return fail("could not tell what the rate is of")
		}
		c := q.conds[k]
		q.agg, q.rateCond = "rate", &c
		q.conds = append(q.conds[:k], q.conds[k+1:]...)
	case f.count && len(measures) > 0 && entity < 0 && agg == "":
		q.agg, q.measure = "sum", measures[0]
	case !f.count && f.distinct && agg == "" && len(measures) == 0 && len(subjects) > 0 && len(q.dims) > 0 && !ranking:
		// "distinct customers by channel": how many there are in each.
		q.agg, q.target = "countd", subjects[0]
	case f.count && f.distinct && entity >= 0 && len(subjects) == 0 && len(q.dims) == 0 && len(r.ignored) > 0 && !partial:
		// "how many distinct members borrowed something in 2025": each
		// row of the table is a different one, so "distinct" asks about
		// where they occur, which the ignored words ("borrowed") say and
		// another table holds; counting the table's rows would answer a
		// different question.
		return fail("\"distinct\" %s: each row of %s is a different one, so %s may say where they occur (another table's rows); name that table",
			strings.TrimSpace(words(r.words, entity, entity+1)), t.name, quoteList(r.ignored))
	case f.count && (agg == "" || len(measures) == 0):
		q.agg = "count"
		if len(subjects) > 0 && (entity < 0 || f.distinct) {
			q.agg, q.target = "countd", subjects[0]
		} else if f.distinct && len(q.dims) > 0 && !ranking {
			q.agg, q.target = "countd", q.dims[len(q.dims)-1].col
			q.dims = q.dims[:len(q.dims)-1]
		}
	case ranking && len(q.dims) == 0 && len(measures) > 0 && agg == "" &&
		(f.who || extent || entity >= 0 && (f.limit > 1 || plural(r.words, entity))):
		// "who earns the most", "the 5 biggest orders by amount": the
		// rows, ranked.
		q.agg = "rows"
	case agg != "":
		if len(measures) == 0 {
			if partial {
				break
			}
			return fail("could not tell which column to take the %s of", aggName(agg))
		}
		q.agg, q.measure = agg, measures[0]
	case len(measures) > 0:
		q.agg, q.measure = measures[0].defaultAgg(), measures[0]
		if typedMoney(r, measures[0]) {
			// "ticket revenue": money asked for by a word that names a
			// total is added up, even from a column named as a price
			// (price_paid): revenue is what all the tickets brought.
			q.agg = "sum"
		}
	case rateBool != nil:
		q.agg, q.measure, q.rateNeg = "rate", rateBool.col, rateBool.neg
	case !partial && !f.popular && ranking && len(q.dims) > 0 && massEntity(r, entity):
		// "which namespace uses the most storage": storage names the
		// table, as a mass; counting its rows would answer something
		// else. Over daily snapshots its size column is what there is
		// most of; elsewhere the planner cannot tell.
		c := sizeColumn(t)
		if snapDay == nil || c == nil {
			return fail("%q names %s as a whole; could not tell what to rank by, name a measure such as %s",
				r.words[entity].Text, t.name, exampleMeasure(t))
		}
		q.agg, q.measure = "sum", c
	case !partial && ownKey && ranking && !f.popular:
		// "which field is the smallest" over fields: each row is one, so
		// counting rows per key ranks nothing.
		return fail("%s by what? Each row of %s is one; name a measure to rank by, such as %s", f.superl, t.name, exampleMeasure(t))
	case !partial && !f.popular && ranking && len(q.dims) > 0 && entity < 0 && sizeSuperlative(f.superl):
		// "which buyer is the biggest": how big is not how many rows of
		// a table the question never names.
		return fail("%s by what? Name a measure to rank by, such as %s, or ask for the most %s", f.superl, exampleMeasure(t), t.name)
	case !partial && (f.popular || ranking && len(q.dims) > 0):
		q.agg = "count"
	case !partial && (len(q.dims) > 0 && anyWhich(q.dims, which) && len(q.dims) == 1):
		q.agg, q.target = "list", q.dims[0].col
		q.dims = nil
	case !partial && (len(q.dims) > 0):
		q.agg = "count"
	case !partial && entity >= 0 && len(subjects) > 0 && condOn(q.conds, subjects[0]):
		// "outages caused by equipment failure": the column only says
		// which rows; listing its one value would say nothing.
		q.agg = "rows"
	case !partial && (len(subjects) > 0 && (f.list || len(q.conds) > 0)):
		q.agg, q.target = "list", subjects[0]
	case !partial && (entity >= 0 && (f.list || len(q.conds) > 0)):
		q.agg = "rows"
	case partial:
	default:
		return fail("could not tell what to compute; name a measure (such as %s) or ask how many", exampleMeasure(t))
	}
	q.set.agg = q.agg != ""
	q.set.dims = len(q.dims) > 0
	q.pct = f.pct

	if ranking {
		q.set.rank = true
		if len(q.dims) == 0 && q.agg != "rows" {
			// "the highest monthly charges": the largest value.
			switch {
			case q.measure != nil && (q.agg == "sum" || q.agg == "avg") && !f.count:
				if f.rank > 0 {
					q.agg = "max"
				} else {
					q.agg = "min"
				}
			case q.agg == "count" && f.popular:
				// "busiest vehicle" in vehicles: each row is one, so the
				// number of rows ranks nothing; what it is busy with
				// lives elsewhere.
				return fail("%s what? Each row of %s is one; name what to count them by, such as %s", f.superl, t.name, exampleDim(t))
			case q.agg == "rate" || q.agg == "count" || q.agg == "countd" || q.agg == "share" || q.agg == "growth":
				// "the highest churn rate" without a grouping is the rate.
			case partial:
			default:
				return fail("%s what? Name what to rank, such as %s", f.superl, exampleDim(t))
			}
		} else {
			q.order = f.rank
			q.limit = f.limit
			if q.limit == 0 && f.sortOnly && len(q.dims) > 0 {
				// "most common first": every group, in order.
			} else if q.limit == 0 {
				q.limit = 1
				// "top products", "which tables grew the most", "tables
				// with the most small files": a plural named before the
				// ranking word asks for a ranked list.
				if len(q.dims) > 0 && plural(r.words, q.dims[0].pos) && (f.superl == "top" || f.superl == "bottom" || q.dims[0].pos < rankAt(r.words)) {
					q.limit = 10
				}
			}
			if q.agg == "rows" {
				if len(measures) == 0 {
					return fail("%s by what? Name a measure such as %s", f.superl, exampleMeasure(t))
				}
				q.orderBy = measures[0]
			}
		}
	}
	if len(q.dims) > 3 {
		return fail("too many groupings (%d); the offline planner groups by at most three", len(q.dims))
	}
	castNoted := map[*column]bool{}
	for _, c := range append([]*column{q.measure, q.orderBy}, condCols(q.conds)...) {
		if c != nil && c.numText && !castNoted[c] {
			castNoted[c] = true
			q.notes = append(q.notes, fmt.Sprintf("%s holds numbers stored as text; they were cast, blank values read as NULL", c.Name))
		}
	}
	if f.aged && !partial {
		// "oldest", "youngest": the largest or smallest age, or the
		// earliest or latest date (the oldest plane was built first);
		// a superlative of age ranks nothing else.
		c := q.orderBy
		if c == nil {
			c = q.measure
		}
		switch {
		case c != nil && contains(c.roots, "age"):
		case c != nil && c.Kind.IsTemporal():
			q.order = -q.order
			switch q.agg {
			case "max":
				q.agg = "min"
			case "min":
				q.agg = "max"
			}
		default:
			return fail("%q of what? the offline planner reads it of an age or a date column only; name one", f.superl)
		}
	}
	if !partial {
		if c := unusedColumn(q, ms, qualifiers); c != nil {
			return nil, &NotUnderstood{Question: f.question,
				Reason: fmt.Sprintf("could not tell what %s (%s) does in the question: the query would not use it",
					strings.TrimSpace(words(r.words, c.start, c.end)), c.col.Name)}
		}
	}
	return q, nil
}

// typedMoney reports whether c was found for a money word that names a
// total (typed, not named: "revenue" is price_paid).
func typedMoney(r *reading, c *column) bool {
	for _, m := range r.mentions {
		if m.typed && m.col == c && moneyWords[r.words[m.start].Root] == "sales" {
			return true
		}
	}
	return false
}

// birthYear returns t's one integer column named as a year of birth
// (birth_year, birthYr), or nil.
func birthYear(t *table) *column {
	var out *column
	for _, c := range t.cols {
		if c.Kind != schema.Number || !isIntegerType(c.Type) || !anyRoot(c.roots, birthRoots) || !anyRoot(c.roots, rootSet("year yr")) {
			continue
		}
		if out != nil {
			return nil
		}
		out = c
	}
	return out
}

// yearCond reads an absolute date range made of whole years ("before
// 1900", "in 1985", "in 1990 or later") as a condition on a year column.
func yearCond(c *column, d dateExpr) (cond, bool) {
	whole := func(t time.Time) bool { return t.IsZero() || t.Month() == 1 && t.Day() == 1 }
	if d.lastN > 0 || d.period != "" || d.anchorDay || d.month > 0 || d.quarter > 0 || !whole(d.from) || !whole(d.to) || d.from.IsZero() && d.to.IsZero() {
		return cond{}, false
	}
	var parts []string
	if !d.from.IsZero() {
		parts = append(parts, fmt.Sprintf("%s >= %d", c.expr(), d.from.Year()))
	}
	if !d.to.IsZero() {
		parts = append(parts, fmt.Sprintf("%s < %d", c.expr(), d.to.Year()))
	}
	sql := strings.Join(parts, " AND ")
	return cond{col: c, sql: sql, desc: sql, pos: d.start}, true
}

// birthRoots name a birth date or year.
var birthRoots = rootSet("birth born dob")

// sizeSuperlative reports whether a ranking word asks how big or heavy a
// thing is.
func sizeSuperlative(w string) bool {
	return w == "biggest" || w == "largest" || w == "smallest" || w == "heaviest" || w == "lightest"
}

// extentRoots name how big a thing is: its area or its size; weightRoots
// how heavy it is.
var (
	extentRoots = rootSet("area size acreage acres hectares sqft footage capacity")
	weightRoots = rootSet("weight wt kg kilograms tonnes lbs")
)

// extentColumn returns t's one measure whose name holds an extent word
// (area_ha, floor_area, sizeSqft, capacity), or a weight word for
// "heaviest" and "lightest" (net_wt_kg), or nil.
func extentColumn(t *table, superl string) *column {
	roots := extentRoots
	if superl == "heaviest" || superl == "lightest" {
		roots = weightRoots
	}
	var out *column
	for _, c := range t.cols {
		if !c.measure() || len(c.heads) == 0 {
			continue
		}
		ok := false
		for _, h := range c.heads {
			ok = ok || roots[h]
		}
		if !ok {
			continue
		}
		if out != nil {
			return nil
		}
		out = c
	}
	return out
}

// sizeColumn returns the column that says how big each snapshotted thing
// is, for "grew" without a measure: the one measure named by size words
// only (bytes, size, size_bytes, total_bytes), or nil.
func sizeColumn(t *table) *column {
	var out *column
	for _, c := range t.cols {
		if !c.measure() || !sizeName(c.roots) {
			continue
		}
		if out != nil {
			return nil
		}
		out = c
	}
	return out
}

// sizeName reports whether a name is made of size words, total aside.
func sizeName(roots []string) bool {
	size := false
	for _, r := range roots {
		switch {
		case sizeRoots[r]:
			size = true
		case r != "total":
			return false
		}
	}
	return size
}

var sizeRoots = rootSet("bytes byte size")

// growthClash names what a growth question also asked for.
func growthClash(f *frame, grains []grainRef) string {
	switch {
	case len(grains) > 0:
		return "grouping by " + grains[0].grain
	case f.rate:
		return "rate"
	case f.count:
		return "count"
	}
	return aggName(f.agg)
}

// massEntity reports whether the word at i, right after the ranking word,
// names the table's rows in the singular ("the most storage", not "the
// most orders" nor "the most people"): a mass, not rows to count.
func massEntity(r *reading, i int) bool {
	if i <= 0 || i >= len(r.words) || r.words[i-1].used != "rank" || plural(r.words, i) || rowWords[r.words[i].Root] {
		// "the most people", "the most staff": rows, whatever the table
		// is called.
		return false
	}
	return contains(r.t.entity, r.words[i].Root)
}

// rankAt returns the position of the first word read as a ranking word
// ("most", "top"), or len(ws).
func rankAt(ws []word) int {
	for i, w := range ws {
		if w.used == "rank" {
			return i
		}
	}
	return len(ws)
}

// condOn reports whether a value condition is on column c.
func condOn(cs []cond, c *column) bool {
	for _, x := range cs {
		if x.col == c && x.values != nil {
			return true
		}
	}
	return false
}

func condCols(cs []cond) []*column {
	var out []*column
	for _, c := range cs {
		if !c.date && c.values == nil {
			out = append(out, c.col) // a comparison
		}
	}
	return out
}

// unusedColumn returns the first column the question names that the query
// does not use, or nil. A column named and then dropped is a reading the
// planner is not sure of ("total charges by contract" must not count
// contracts because the charges column could not be summed).
func unusedColumn(q *query, ms []mention, qualifiers map[*column]bool) *mention {
	used := map[*column]bool{}
	for _, c := range []*column{q.measure, q.target, q.orderBy} {
		used[c] = true
	}
	for _, d := range q.dims {
		used[d.col] = true
	}
	for _, c := range q.conds {
		used[c.col] = true
	}
	if q.rateCond != nil {
		used[q.rateCond.col] = true
	}
	for k := range ms {
		m := &ms[k]
		// A column named like the table's rows ("product" in products)
		// names the rows, as the table's name does.
		if m.kind == mColumn && !used[m.col] && !qualifiers[m.col] && m.col != entityColumn(q.t) {
			return m
		}
	}
	return nil
}

// compareExample names two values of a column of t, for a refusal.
func compareExample(t *table) string {
	for _, c := range t.cols {
		if c.Kind == schema.Text && len(c.Values) >= 2 {
			return fmt.Sprintf("%s vs %s", schema.QuoteString(c.Values[0]), schema.QuoteString(c.Values[1]))
		}
	}
	return "'A' vs 'B'"
}

// isCount reports whether c counts things by its name: pkg_cnt, units,
// num_items.
func isCount(c *column) bool {
	for _, r := range c.roots {
		if countRoots[r] {
			return true
		}
	}
	return false
}

// countWord reports whether word i asks for a count: "order count".
func countWord(ws []word, i int) bool {
	return i < len(ws) && (ws[i].Lower == "count" || ws[i].Lower == "counts" || ws[i].Lower == "number")
}

// grainAt reports whether a date grain is named at word i ("signup month").
func grainAt(f *frame, i int) bool {
	for _, g := range f.grains {
		if g.pos == i {
			return true
		}
	}
	return false
}

// entityColumn returns the column that identifies a row: the id column
// named like the table ("customer_id" in customers), or else a text column
// named like it ("deptName" in departments).
func entityColumn(t *table) *column {
	for _, c := range t.cols {
		if c.id && len(c.heads) > 0 && namesRows(t, c.heads[0]) {
			return c
		}
	}
	for _, c := range t.cols {
		if c.Kind == schema.Text && len(c.heads) > 0 && contains(t.entity, c.heads[0]) {
			return c
		}
	}
	return nil
}

// namesRows reports whether root, the first word of a column name, names
// t's rows: the table's name or a short form of it (mtr_id in meters).
func namesRows(t *table, root string) bool {
	for _, e := range t.entity {
		if root == e || schema.Abbreviates(root, e) {
			return true
		}
	}
	return false
}

// otherMeasure reports whether the question has something to compute
// besides the numeric column at mention i: a count, a rate, an aggregate
// of another column, or a boolean.
func otherMeasure(ms []mention, i int, f *frame) bool {
	if f.count || f.rate || f.popular {
		return true
	}
	for k, m := range ms {
		if k != i && m.kind == mColumn && (m.col.measure() || m.col.Kind == schema.Bool) {
			return true
		}
	}
	return false
}

// lengthSuperlative reports whether w ranks by a length or a weight.
func lengthSuperlative(w string) bool {
	return w == "longest" || w == "shortest" || w == "heaviest" || w == "lightest"
}

// allMarked reports whether every grouping follows "by", "per" or "each".
func allMarked(ds []dim, markers map[int]bool) bool {
	for _, d := range ds {
		if !markers[d.pos] {
			return false
		}
	}
	return true
}

func anyWhich(ds []dim, which map[int]bool) bool {
	for _, d := range ds {
		if which[d.pos] {
			return true
		}
	}
	return false
}

// lastValueCond returns the index of the last value condition after word
// position after, or -1.
func lastValueCond(cs []cond, after int) int {
	k := -1
	for i, c := range cs {
		if c.values != nil && c.pos > after {
			k = i
		}
	}
	return k
}

// soldColumn returns the column of quantities sold: units, quantity.
func soldColumn(t *table) *column {
	for _, c := range t.cols {
		if !c.measure() {
			continue
		}
		for _, r := range c.roots {
			if r == schema.Root("units") || r == schema.Root("quantity") || r == "qty" {
				return c
			}
		}
	}
	return nil
}

// priceColumn returns the column of prices: price, cost.
func priceColumn(t *table) *column {
	for _, c := range t.cols {
		if c.measure() && (contains(c.roots, schema.Root("price")) || contains(c.roots, schema.Root("cost"))) {
			return c
		}
	}
	return nil
}

// synonymMeasure finds a measure named through a synonym of a word read as
// the table's entity: "total sales" is revenue in a sales table.
func synonymMeasure(r *reading) *column {
	for _, m := range r.mentions {
		if m.kind != mEntity {
			continue
		}
		root := r.words[m.start].Root
		for _, c := range r.t.cols {
			if c.measure() && synonymOf(c, root) != "" {
				return c
			}
		}
	}
	return nil
}

func plural(ws []word, i int) bool {
	if i < 0 || i >= len(ws) {
		return false
	}
	w := ws[i].Lower
	return strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss")
}

func words(ws []word, i, j int) string {
	var b strings.Builder
	for k := i; k < j && k < len(ws); k++ {
		b.WriteString(ws[k].Text + " ")
	}
	return b.String()
}

func aggName(a string) string {
	switch a {
	case "avg":
		return "average"
	case "min":
		return "minimum"
	case "max":
		return "maximum"
	}
	return a
}

func exampleMeasure(t *table) string {
	for _, c := range t.cols {
		if c.measure() {
			return c.Name
		}
	}
	return "a numeric column"
}

func exampleDim(t *table) string {
	for _, c := range t.cols {
		if c.Kind == schema.Text && len(c.Values) > 0 {
			return c.Name
		}
	}
	return "a column"
}

// eventDate returns the date column that says when a row happened, for a
// question that names a date without naming the column: the table's only
// date column; else the one named like the table's rows (order_date in
// orders, shp_dt in shipments); else the one named by weak or creation
// words only (date, created_at); of equally good ones, the only one the
// profile shows no NULLs in. Several equally good columns are returned as
// tied, and nil: "shipments in 2024" may mean shipped or delivered. Only
// the first table of a join has the event date.
func (t *table) eventDate() (*column, []*column) {
	// A joined table's rows are its first table's: their dates say when
	// they happened, never the joined table's (a subscription's start is
	// not when its invoice was issued).
	var dcs []*column
	for _, c := range t.dateCols() {
		if c.t.p == t.p {
			dcs = append(dcs, c)
		}
	}
	if len(dcs) == 1 {
		return dcs[0], nil
	}
	rank := func(c *column) int {
		for _, h := range c.heads {
			for _, e := range t.entity {
				if h == e || schema.Abbreviates(h, e) {
					return 2
				}
			}
			if contains(t.aliases, h) {
				return 2
			}
		}
		for _, h := range c.heads {
			if !schema.IsWeak(h) && !creationRoots[h] {
				return 0
			}
		}
		return 1
	}
	var best []*column
	top := -1
	for _, c := range dcs {
		switch r := rank(c); {
		case r > top:
			top, best = r, []*column{c}
		case r == top:
			best = append(best, c)
		}
	}
	if len(best) == 1 && top > 0 {
		return best[0], nil
	}
	// Of dates named alike, the one every row has is when the row came to
	// be; the others, NULL in some rows, record what happened later
	// (issuedAt, not paidAt).
	var full []*column
	for _, c := range best {
		if c.Nulls == 0 {
			full = append(full, c)
		}
	}
	if len(full) == 1 && len(best) > 1 {
		return full[0], nil
	}
	return nil, best
}

// creationRoots name the moment a row came to be: created_at, inserted_ts.
// A start names the moment too: an outage's start_ts, not its end_ts.
var creationRoots = rootSet("created creation inserted recorded logged event start started begin began opened")

// dateReadings offers the question with each date column named.
func dateReadings(cols []*column) []string {
	var out []string
	for _, c := range cols {
		out = append(out, fmt.Sprintf("dates of %s (name it: %q)", c.Name, schema.SplitName(strings.ReplaceAll(c.Name, "_", " "))))
	}
	return out
}

// unitSeconds holds the length of the time units a number may carry, in
// seconds; a month and a year only convert into each other.
var unitSeconds = map[string]float64{"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 7 * 86400}

// unitRoots are the roots a column's name spells a unit of time of day
// with.
var unitRoots = map[string][]string{"second": {"second", "sec", "secs"}, "minute": {"minut", "minute", "mins"}, "hour": {"hour", "hr", "hrs"}}

// colUnit returns the time unit a column's name ends with (delay_mins:
// minute, ot_hrs: hour, tenure_months: month), or "".
func colUnit(c *column) string {
	if len(c.roots) == 0 {
		return ""
	}
	switch c.roots[len(c.roots)-1] {
	case "second", "sec", "secs":
		return "second"
	case "minut", "minute", "mins":
		return "minute"
	case "hour", "hr", "hrs":
		return "hour"
	case "day":
		return "day"
	case "week":
		return "week"
	case "month":
		return "month"
	case "year":
		return "year"
	}
	if len(c.roots) > 1 && c.roots[len(c.roots)-1] == "min" {
		return "minute" // wait_min; a lone min is a minimum
	}
	return ""
}

// convertUnit returns the number of a comparison in the unit of the
// column it compares: "delayed by more than 2 hours" on a minutes column
// is > 120. A number in hours, minutes or seconds on a column whose name
// does not say its unit is refused rather than compared as it stands; so
// is a unit that does not convert (months on a days column).
func convertUnit(cmp comparison, col *column) (string, error) {
	if cmp.unit == "" || cmp.op == "between" {
		if cmp.unit != "" && colUnit(col) != "" && colUnit(col) != cmp.unit {
			return "", fmt.Errorf("%q is in %ss and %s is in %ss; the offline planner converts only a single number", strings.TrimSpace(cmp.a+" and "+cmp.b), cmp.unit, col.Name, colUnit(col))
		}
		return cmp.a, nil
	}
	cu := colUnit(col)
	for _, r := range unitRoots[cmp.unit] {
		if contains(col.roots, r) {
			cu = cmp.unit // hours_per_week holds hours
		}
	}
	if cu == cmp.unit {
		return cmp.a, nil
	}
	if cu == "" {
		if _, sub := unitSeconds[cmp.unit]; sub && cmp.unit != "day" && cmp.unit != "week" {
			return "", fmt.Errorf("%s does not say its unit, so %s %ss cannot be compared to it", col.Name, cmp.a, cmp.unit)
		}
		return cmp.a, nil
	}
	n, err := strconv.ParseFloat(cmp.a, 64)
	if err != nil {
		return "", fmt.Errorf("could not read %q as a number of %ss", cmp.a, cmp.unit)
	}
	var factor float64
	switch {
	case unitSeconds[cmp.unit] > 0 && unitSeconds[cu] > 0:
		factor = unitSeconds[cmp.unit] / unitSeconds[cu]
	case cmp.unit == "year" && cu == "month":
		factor = 12
	case cmp.unit == "month" && cu == "year":
		factor = 1.0 / 12
	default:
		return "", fmt.Errorf("%s %ss does not convert to the %ss of %s", cmp.a, cmp.unit, cu, col.Name)
	}
	return strconv.FormatFloat(n*factor, 'f', -1, 64), nil
}
