package offline

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dateExpr is a date condition from the question, resolved against a date
// column once the table is known.
type dateExpr struct {
	start, end int // token span
	// Absolute range [from, to); a zero bound is open.
	from, to time.Time
	// Relative window: the last n units ending at the anchor (inclusive).
	lastN    int
	lastUnit string
	// whole says the window is lastN whole calendar periods, the last
	// one holding the anchor: "monthly revenue for the last 6 months"
	// shows six months, not five and the end of a seventh. Days and
	// weeks stay a rolling count back ("weekly revenue over the last 8
	// weeks" is 56 days, as testdata/questions.txt asks).
	whole bool
	// Calendar period relative to the anchor's: offset 0 is the one holding
	// the anchor (up to the anchor), -1 the one before.
	period string
	offset int
	// Part of the calendar in every year: month(d) = month, quarter(d) = quarter.
	month, quarter int
	// day means exactly the anchor day shifted by dayOffset.
	anchorDay bool
	dayOffset int
	text      string
}

var monthNames = map[string]time.Month{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
	"sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

var ordinals = map[string]int{"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4}

var units = map[string]string{
	"day": "day", "days": "day", "week": "week", "weeks": "week", "month": "month", "months": "month",
	"quarter": "quarter", "quarters": "quarter", "year": "year", "years": "year",
}

// period is one date or calendar period the question names.
type period struct {
	from, to time.Time
	n        int // tokens used
}

// isoDate reads a placeholder token made from YYYY-MM-DD or YYYY-MM.
func isoDate(w string) (period, bool) {
	switch {
	case strings.HasPrefix(w, "isod") && len(w) == 12:
		t, err := time.Parse("20060102", w[4:])
		if err != nil {
			return period{}, false
		}
		return period{t, t.AddDate(0, 0, 1), 1}, true
	case strings.HasPrefix(w, "isom") && len(w) == 10:
		t, err := time.Parse("200601", w[4:])
		if err != nil {
			return period{}, false
		}
		return period{t, t.AddDate(0, 1, 0), 1}, true
	}
	return period{}, false
}

func year(w string) (int, bool) {
	if len(w) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(w)
	if err != nil || y < 1900 || y > 2100 {
		return 0, false
	}
	return y, true
}

// periodAt reads a date, month of a year, quarter of a year, or year at
// words[i].
func periodAt(ws []word, i int) (period, bool) {
	at := func(k int) string {
		if i+k < len(ws) {
			return ws[i+k].Lower
		}
		return ""
	}
	if p, ok := isoDate(at(0)); ok {
		return p, true
	}
	// March 2024, March of 2024, March, 2024
	if m, ok := monthNames[at(0)]; ok {
		for _, k := range []int{1, 2} {
			if k == 2 && at(1) != "of" {
				continue
			}
			if y, ok := year(at(k)); ok {
				t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
				return period{t, t.AddDate(0, 1, 0), k + 1}, true
			}
		}
	}
	// 2024 March
	if y, ok := year(at(0)); ok {
		if m, ok := monthNames[at(1)]; ok {
			t := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			return period{t, t.AddDate(0, 1, 0), 2}, true
		}
		if q := quarterWord(at(1)); q > 0 {
			t := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
			return period{t, t.AddDate(0, 3, 0), 2}, true
		}
		t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return period{t, t.AddDate(1, 0, 0), 1}, true
	}
	// Q1 2024, Q1 of 2024, first quarter of 2024
	q, n := 0, 0
	if q = quarterWord(at(0)); q > 0 {
		n = 1
	} else if o, ok := ordinals[at(0)]; ok && at(1) == "quarter" {
		q, n = o, 2
	}
	if q > 0 {
		for _, k := range []int{n, n + 1} {
			if k == n+1 && at(n) != "of" && at(n) != "in" {
				continue
			}
			if y, ok := year(at(k)); ok {
				t := time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
				return period{t, t.AddDate(0, 3, 0), k + 1}, true
			}
		}
	}
	return period{}, false
}

func quarterWord(w string) int {
	if len(w) == 2 && w[0] == 'q' && w[1] >= '1' && w[1] <= '4' {
		return int(w[1] - '0')
	}
	return 0
}

// parseDates finds the date conditions of a question and marks their
// words used.
func parseDates(ws []word) []dateExpr {
	var out []dateExpr
	use := func(i, j int) {
		for k := i; k < j && k < len(ws); k++ {
			ws[k].used = "date"
		}
	}
	lw := func(i int) string {
		if i >= 0 && i < len(ws) {
			return ws[i].Lower
		}
		return ""
	}
	for i := 0; i < len(ws); i++ {
		if ws[i].used != "" {
			continue
		}
		w := lw(i)
		switch w {
		case "between", "from":
			a, ok := periodAt(ws, i+1)
			if !ok {
				continue
			}
			k := i + 1 + a.n
			if sep := lw(k); sep == "and" || sep == "to" || sep == "until" || sep == "through" || sep == "till" {
				if b, ok := periodAt(ws, k+1); ok {
					out = append(out, dateExpr{start: i, end: k + 1 + b.n, from: a.from, to: b.to,
						text: fmt.Sprintf("from %s to %s", day(a.from), day(b.to.AddDate(0, 0, -1)))})
					use(i, k+1+b.n)
					i = k + b.n
					continue
				}
			}
			if w == "from" && a.to.Sub(a.from) == 24*time.Hour {
				// "from 2024-06-01" reads as "since".
				out = append(out, dateExpr{start: i, end: i + 1 + a.n, from: a.from, text: "since " + day(a.from)})
				use(i, i+1+a.n)
				i += a.n
			} else if n, r := openRange(lw(k), lw(k+1)); w == "from" && r == "later" {
				// "from March 2024 onwards" reads as "since".
				out = append(out, dateExpr{start: i, end: k + n, from: a.from, text: "since " + day(a.from)})
				use(i, k+n)
				i = k + n - 1
			} else if w == "from" {
				// "revenue from 2024" reads as "in 2024".
				out = append(out, dateExpr{start: i, end: i + 1 + a.n, from: a.from, to: a.to, text: "in " + describe(a)})
				use(i, i+1+a.n)
				i += a.n
			}
			continue
		case "since", "after", "before", "until", "till", "through", "starting":
			k := i + 1
			if w == "starting" && (lw(k) == "from" || lw(k) == "in" || lw(k) == "on") {
				k++
			}
			a, ok := periodAt(ws, k)
			if !ok {
				continue
			}
			e := dateExpr{start: i, end: k + a.n}
			switch w {
			case "since", "starting":
				e.from, e.text = a.from, "since "+day(a.from)
			case "after":
				e.from, e.text = a.to, "after "+day(a.to.AddDate(0, 0, -1))
			case "before":
				e.to, e.text = a.from, "before "+day(a.from)
			default:
				e.to, e.text = a.to, "up to "+day(a.to.AddDate(0, 0, -1))
			}
			out = append(out, e)
			use(i, k+a.n)
			i = k + a.n - 1
			continue
		case "last", "past", "previous", "recent", "this", "current", "latest":
			// last 30 days, past 3 months, the last week, this year
			k := i + 1
			n := 0
			if v, err := strconv.Atoi(lw(k)); err == nil && v > 0 {
				n, k = v, k+1
			} else if v, ok := numberWords[lw(k)]; ok {
				n, k = v, k+1
			}
			u, ok := units[lw(k)]
			if !ok {
				continue
			}
			e := dateExpr{start: i, end: k + 1}
			switch {
			case n > 0 && w != "this" && w != "current":
				e.lastN, e.lastUnit = n, u
				e.text = fmt.Sprintf("the last %d %ss of data", n, u)
			case (w == "this" || w == "current") && n == 0:
				e.period, e.offset = u, 0
				if u == "day" {
					e.anchorDay, e.text = true, "on the latest day"
				} else {
					e.text = "this " + u
				}
			case n == 0 && (w == "last" || w == "previous" || w == "past"):
				e.period, e.offset = u, -1
				if u == "day" {
					e.anchorDay, e.text = true, "on the latest day"
				} else {
					e.text = "last " + u
				}
			case n == 0 && (w == "latest" || w == "recent") && u == "day":
				e.anchorDay, e.text = true, "on the latest day"
			case n == 0 && (w == "latest" || w == "recent"):
				e.period, e.offset, e.text = u, 0, "the latest "+u
			default:
				continue
			}
			// "in the last 30 days": take the preposition too.
			s := i
			if lw(s-1) == "the" {
				s--
			}
			if p := lw(s - 1); p == "in" || p == "over" || p == "during" || p == "for" || p == "within" {
				s--
			}
			e.start = s
			out = append(out, e)
			use(s, k+1)
			i = k
			continue
		case "ytd":
			out = append(out, dateExpr{start: i, end: i + 1, period: "year", text: "year to date"})
			use(i, i+1)
			continue
		case "year":
			if lw(i+1) == "to" && lw(i+2) == "date" {
				out = append(out, dateExpr{start: i, end: i + 3, period: "year", text: "year to date"})
				use(i, i+3)
				i += 2
				continue
			}
		case "today":
			out = append(out, dateExpr{start: i, end: i + 1, anchorDay: true, text: "on the latest day"})
			use(i, i+1)
			continue
		case "yesterday":
			out = append(out, dateExpr{start: i, end: i + 1, anchorDay: true, dayOffset: -1, text: "on the day before the latest day"})
			use(i, i+1)
			continue
		}
		// A bare period, with its preposition: in 2024, in March 2024, on 2024-05-01.
		a, ok := periodAt(ws, i)
		if !ok {
			// A month or quarter without a year: every year's.
			if m, ok := monthNames[w]; ok && w != "may" || ok && (lw(i-1) == "in" || lw(i-1) == "during") {
				e := dateExpr{start: i, end: i + 1, month: int(m), text: "in " + time.Month(m).String() + " of any year"}
				if p := lw(i - 1); p == "in" || p == "during" || p == "for" {
					e.start = i - 1
				}
				out = append(out, e)
				use(e.start, i+1)
			} else if q := quarterWord(w); q > 0 {
				e := dateExpr{start: i, end: i + 1, quarter: q, text: fmt.Sprintf("in Q%d of any year", q)}
				if p := lw(i - 1); p == "in" || p == "during" || p == "for" {
					e.start = i - 1
				}
				out = append(out, e)
				use(e.start, i+1)
			}
			continue
		}
		e := dateExpr{start: i, end: i + a.n, from: a.from, to: a.to, text: "in " + describe(a)}
		if p := lw(i - 1); p == "in" || p == "during" || p == "for" || p == "on" || p == "of" || p == "at" {
			e.start = i - 1
			if p == "on" {
				e.text = "on " + describe(a)
			}
		}
		// "in 2022 or later", "2022 onwards", "2019 or earlier": the period
		// opens a range rather than being one.
		k := i + a.n
		switch n, w := openRange(lw(k), lw(k+1)); w {
		case "later":
			e.to, e.end, e.text = time.Time{}, k+n, "since "+day(a.from)
		case "earlier":
			e.from, e.end, e.text = time.Time{}, k+n, "up to "+day(a.to.AddDate(0, 0, -1))
		}
		out = append(out, e)
		use(e.start, e.end)
		i = e.end - 1
	}
	return out
}

// openRange reads the words after a period that open a range from it:
// "or later", "and after", "onwards" (later) or "or earlier", "and before"
// (earlier), and how many words they take.
func openRange(w1, w2 string) (int, string) {
	switch w1 {
	case "onwards", "onward":
		return 1, "later"
	case "or", "and":
		switch w2 {
		case "later", "after", "newer", "beyond", "since":
			return 2, "later"
		case "earlier", "before", "older", "prior":
			return 2, "earlier"
		}
	}
	return 0, ""
}

var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
	"ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
}

func day(t time.Time) string { return t.Format("2006-01-02") }

func describe(p period) string {
	switch {
	case p.to.Sub(p.from) == 24*time.Hour:
		return day(p.from)
	case p.from.AddDate(0, 1, 0).Equal(p.to):
		return p.from.Format("January 2006")
	case p.from.AddDate(0, 3, 0).Equal(p.to):
		return fmt.Sprintf("Q%d %d", (int(p.from.Month())+2)/3, p.from.Year())
	case p.from.AddDate(1, 0, 0).Equal(p.to) && p.from.YearDay() == 1:
		return fmt.Sprint(p.from.Year())
	}
	return day(p.from) + " to " + day(p.to.AddDate(0, 0, -1))
}

// resolve turns e into a SQL predicate on the date column col.
func (e dateExpr) resolve(col *column) (string, string, error) {
	c := quoteIdent(col.Name)
	lit := func(t time.Time) string { return "DATE '" + day(t) + "'" }
	rng := func(from, to time.Time) string {
		var parts []string
		if !from.IsZero() {
			parts = append(parts, c+" >= "+lit(from))
		}
		if !to.IsZero() {
			parts = append(parts, c+" < "+lit(to))
		}
		return strings.Join(parts, " AND ")
	}
	switch {
	case e.month > 0:
		return fmt.Sprintf("month(%s) = %d", c, e.month), e.text, nil
	case e.quarter > 0:
		return fmt.Sprintf("quarter(%s) = %d", c, e.quarter), e.text, nil
	case e.lastN == 0 && e.period == "" && !e.anchorDay:
		return rng(e.from, e.to), e.text, nil
	}
	a, ok := col.anchor()
	if !ok {
		return "", "", fmt.Errorf("%s has no dates to count %q back from", col.Name, e.text)
	}
	note := fmt.Sprintf("%s (the latest %s is %s)", e.text, col.Name, day(a))
	switch {
	case e.anchorDay:
		d := a.AddDate(0, 0, e.dayOffset)
		return rng(d, d.AddDate(0, 0, 1)), note, nil
	case e.lastN > 0 && e.whole && (e.lastUnit == "month" || e.lastUnit == "quarter" || e.lastUnit == "year"):
		from := periodStart(a, e.lastUnit)
		for k := 1; k < e.lastN; k++ {
			from = periodStart(from.AddDate(0, 0, -1), e.lastUnit)
		}
		return c + " >= " + lit(from), note, nil
	case e.lastN > 0:
		var from time.Time
		switch e.lastUnit {
		case "day":
			from = a.AddDate(0, 0, -e.lastN)
		case "week":
			from = a.AddDate(0, 0, -7*e.lastN)
		case "month":
			from = a.AddDate(0, -e.lastN, 0)
		case "quarter":
			from = a.AddDate(0, -3*e.lastN, 0)
		case "year":
			from = a.AddDate(-e.lastN, 0, 0)
		}
		return c + " > " + lit(from), note, nil
	}
	start := periodStart(a, e.period)
	switch e.offset {
	case 0:
		return c + " >= " + lit(start), note, nil
	default:
		prev := periodStart(start.AddDate(0, 0, -1), e.period)
		return rng(prev, start), note, nil
	}
}

// periodStart returns the first day of the calendar period holding t.
func periodStart(t time.Time, unit string) time.Time {
	switch unit {
	case "week":
		wd := (int(t.Weekday()) + 6) % 7 // Monday is 0
		return t.AddDate(0, 0, -wd)
	case "month":
		return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
	case "quarter":
		return time.Date(t.Year(), time.Month(3*((int(t.Month())-1)/3)+1), 1, 0, 0, 0, 0, time.UTC)
	case "year":
		return time.Date(t.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t
}
