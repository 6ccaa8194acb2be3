package offline

import (
	"fmt"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// Durations: the time between two dates of a row is a measure the
// catalog does not hold as a column. Two phrasings read it:
//
//   - "days between A and B" ("average days between booking and
//     check-in", "days between a loss and when it was reported"): A and B
//     each name one date column of the same table (bookedOn,
//     checkInDate; loss_dt, rpt_dt), and the measure is B minus A in the
//     unit named before "between";
//   - "X length" or "X duration" with a unit ("average visit length in
//     minutes", "median loan length in days", "average length in days of
//     leases"), over the one table whose rows the question names and
//     that holds a start and an end: a pair of dates named alike
//     (checked_in_at and checked_out_at, start_date and end_date), or
//     the date its rows happen on and its one date named as an end
//     (loanDate and returnDate).
//
// The rest of the question is read as usual over that table with the
// duration as its measure, named by the phrase. A duration with no unit
// over timestamps, two tables that fit, or a phrase that names no date or
// two are not read (the question is refused as before).

var durationUnits = map[string]string{"day": "day", "days": "day", "hour": "hour", "hours": "hour",
	"minute": "minute", "minutes": "minute", "mins": "minute", "week": "week", "weeks": "week",
	"second": "second", "seconds": "second", "month": "month", "months": "month"}

// readDuration answers a question whose measure is the time between two
// dates of a row, or returns nil, nil.
func (p *Planner) readDuration(f *frame) (*query, error) {
	ws := f.words
	for i, w := range ws {
		if w.Lower == "between" && i > 0 && durationUnits[ws[i-1].Lower] != "" {
			return p.readBetween(f, i)
		}
	}
	for i, w := range ws {
		if w.Lower == "length" || w.Lower == "duration" {
			return p.readLength(f, i)
		}
	}
	return nil, nil
}

// readBetween reads "<unit> between A and B" with "between" at i.
func (p *Planner) readBetween(f *frame, i int) (*query, error) {
	ws := f.words
	unit := durationUnits[ws[i-1].Lower]
	and := -1
	for k := i + 1; k < len(ws); k++ {
		if ws[k].Lower == "and" {
			and = k
			break
		}
	}
	if and < 0 {
		return nil, nil
	}
	end := len(ws)
	for k := and + 1; k < len(ws); k++ {
		if stopsPhrase[ws[k].Lower] {
			end = k
			break
		}
	}
	var found []*query
	for _, t := range p.tables {
		a, b := phraseDate(t, ws[i+1:and]), phraseDate(t, ws[and+1:end])
		if a == nil || b == nil || a == b {
			continue
		}
		rest := append(append(append([]word(nil), ws[:i-1]...), word{Token: schema.Token{Text: "span", Lower: "span", Root: "span"}}), ws[end:]...)
		if q := p.readSpan(t, a, b, unit, "span", rest); q != nil {
			found = append(found, q)
		}
	}
	if len(found) != 1 {
		return nil, nil
	}
	return found[0], nil
}

// stopsPhrase end the second date's phrase of "between A and B".
var stopsPhrase = map[string]bool{"for": true, "by": true, "per": true, "each": true, "in": true, "of": true,
	"across": true, "where": true, "on": true}

// readLength reads "X length" or "X duration" with the word at i.
func (p *Planner) readLength(f *frame, i int) (*query, error) {
	ws := f.words
	unit, unitAt := "", -1
	for k := i + 1; k+1 < len(ws) && k <= i+2; k++ {
		if ws[k].Lower == "in" && durationUnits[ws[k+1].Lower] != "" {
			unit, unitAt = durationUnits[ws[k+1].Lower], k
		}
	}
	var found []*query
	for _, t := range p.tables {
		if !wordsNameRows(t, ws) || hasColumnNamed(t, ws[i].Root) {
			continue
		}
		start, end := spanDates(t)
		if start == nil || end == nil {
			continue
		}
		u := unit
		if u == "" {
			if start.Kind != schema.Date || end.Kind != schema.Date {
				continue // a span of timestamps needs its unit
			}
			u = "day"
		}
		rest := append([]word(nil), ws...)
		if unitAt >= 0 {
			rest = append(append([]word(nil), ws[:unitAt]...), ws[unitAt+2:]...)
		}
		if q := p.readSpan(t, start, end, u, ws[i].Lower, rest); q != nil {
			found = append(found, q)
		}
	}
	if len(found) != 1 {
		return nil, nil
	}
	return found[0], nil
}

// readSpan reads the words rest over t with a measure named name that is
// end minus start in unit.
func (p *Planner) readSpan(t *table, start, end *column, unit, name string, rest []word) *query {
	v := &column{ColumnProfile: schema.ColumnProfile{Column: schema.Column{Name: name + "_" + unit + "s", Type: "BIGINT"}, Kind: schema.Number, Distinct: -1},
		roots: []string{schema.Root(name)}, heads: []string{schema.Root(name)}}
	v.sqlExpr = fmt.Sprintf("date_diff('%s', %s, %s)", unit, quoteIdent(start.Name), quoteIdent(end.Name))
	tc := *t
	tc.cols = append(append([]*column(nil), t.cols...), v)
	v.t = &tc
	sf := p.subFrame(wordsText(rest))
	r := readTable(sf, &tc, nil)
	if r.score <= 0 || len(r.unmapped) > 0 {
		return nil
	}
	q, err := build(sf, r)
	if err != nil || q.measure != v {
		return nil
	}
	q.notes = append(q.notes, fmt.Sprintf("%s is %s minus %s in %ss", v.Name, end.Name, start.Name, unit))
	if len(r.ignored) > 0 {
		q.ignored = r.ignored
	}
	return q
}

// phraseDate returns the date column of t that the words of ws name
// best: the most of its name's words (a head, its short form, a word it
// starts with, or a stop word of the name: "check-in" is checkInDate, not
// checkOutDate), or nil when none or two name it equally.
func phraseDate(t *table, ws []word) *column {
	var found *column
	best, tie := 0, false
	for _, c := range t.dateCols() {
		n, content := 0, false
		for _, w := range ws {
			if w.Num {
				continue
			}
			if schema.IsStop(w.Lower) || len(w.Lower) < 3 {
				if contains(c.roots, w.Root) {
					n++
				}
				continue
			}
			for _, h := range c.heads {
				if h == w.Root || abbreviates(h, w.Root) || len(w.Root) >= 4 && strings.HasPrefix(h, w.Root) {
					n++
					content = true
					break
				}
			}
		}
		switch {
		case !content || n < best:
		case n == best:
			tie = true
		default:
			best, found, tie = n, c, false
		}
	}
	if tie {
		return nil
	}
	return found
}

// wordsNameRows reports whether a word of ws names what a row of t is.
func wordsNameRows(t *table, ws []word) bool {
	for _, w := range ws {
		if namesRowsOf(t, w) || contains(t.aliases, w.Root) {
			return true
		}
	}
	return false
}

// hasColumnNamed reports whether a column of t has root among its heads:
// "median show length" over a length column is that column's.
func hasColumnNamed(t *table, root string) bool {
	for _, c := range t.cols {
		if contains(c.heads, root) || contains(c.roots, root) {
			return true
		}
	}
	return false
}

// spanDates returns the dates a row of t starts and ends at: a pair named
// alike (checked_in_at, checked_out_at), or the date its rows happen on
// and its one date named as an end (loanDate, returnDate).
func spanDates(t *table) (start, end *column) {
	dcs := t.dateCols()
	for a := 0; a < len(dcs); a++ {
		for b := a + 1; b < len(dcs); b++ {
			if s := pairedStart([]*column{dcs[a], dcs[b]}); s != nil {
				if start != nil {
					return nil, nil
				}
				start, end = s, dcs[a]
				if s == dcs[a] {
					end = dcs[b]
				}
			}
		}
	}
	if start != nil {
		return start, end
	}
	s, _ := t.eventDate()
	if s == nil {
		return nil, nil
	}
	for _, c := range dcs {
		if c != s && anyRoot(c.heads, endRoots) {
			if end != nil {
				return nil, nil
			}
			end = c
		}
	}
	if end == nil {
		return nil, nil
	}
	return s, end
}

// Paired dates: two date columns named alike but for one word of a pair
// (checked_in_at and checked_out_at, valid_from and valid_to, start_date
// and end_date) record when a row began and when it ended.

// pairWords map the word of a pair that opens a span to the one that
// closes it.
var pairWords = map[string]string{"in": "out", "from": "to", "start": "end", "begin": "end", "open": "close"}

// pairedStart returns the date of cols that opens a span the other closes,
// when cols are exactly such a pair, or nil.
func pairedStart(cols []*column) *column {
	if len(cols) != 2 {
		return nil
	}
	a, b := cols[0], cols[1]
	if len(a.roots) != len(b.roots) || len(a.roots) < 2 {
		return nil
	}
	diff := -1
	for i := range a.roots {
		if a.roots[i] != b.roots[i] {
			if diff >= 0 {
				return nil
			}
			diff = i
		}
	}
	if diff < 0 {
		return nil
	}
	switch x, y := a.roots[diff], b.roots[diff]; {
	case pairWords[x] == y:
		return a
	case pairWords[y] == x:
		return b
	}
	return nil
}
