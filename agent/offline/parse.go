package offline

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// word is one word of the question and what consumed it.
type word struct {
	schema.Token
	// used names what the word was read as ("" while unread). Words read
	// softly ("grain?", "agg?") may still be taken by a column name:
	// "monthly" is a grain in "monthly revenue" but part of the column in
	// "monthly charges".
	used string
}

func (w word) free() bool { return w.used == "" || strings.HasSuffix(w.used, "?") }

// frame is what a question says independently of any table.
type frame struct {
	question string
	words    []word

	count    bool   // how many, number of
	distinct bool   // distinct, unique, different
	agg      string // sum, avg, median, min, max
	aggAt    int    // word index of the aggregate word
	rate     bool   // rate, share, proportion
	rateAt   int    // word index of the rate word
	pct      bool   // percentage
	rank     int    // +1 highest first, -1 lowest first
	superl   string // the superlative or top/bottom word
	limit    int
	popular  bool // most common / popular / frequent: rank by count
	sold     bool // sold, selling: a quantity
	pricey   bool // most expensive, cheapest: a price
	// aged says the ranking word is a superlative of age ("oldest",
	// "youngest"): it ranks an age column, or a date column reversed
	// (the oldest plane was built first), and nothing else.
	aged bool
	// sortOnly says the ranking only orders the rows: "most common
	// first" lists every group, the most common first.
	sortOnly bool
	// growth says the question asks how much something grew ("grew the
	// most", "growth by table"): over a table of daily snapshots, the
	// last day's value minus the first day's in the period.
	growth  bool
	dates   []dateExpr
	grains  []grainRef
	comps   []comparison
	markers map[int]bool // words that follow "by", "per", "each", ...
	// per marks the words that follow "per": "average quantity per order"
	// is per row when order is what a row is.
	per      map[int]bool
	who      bool         // the question asks who: the rows themselves
	which    map[int]bool // words that follow "which", "what"
	negs     []int        // positions of negations
	excludes []int        // positions of "excluding", "except"
	follow   bool         // reads as a follow-up
	also     bool         // "also": add to the previous grouping
	list     bool         // list, show, name
	// compare says the question sets things side by side: "North vs
	// South", "Widgets versus Gadgets".
	compare bool
	// catalog holds the roots that name a table's rows or a column (its
	// words that are not weak) anywhere in the catalog: such a word is
	// never ignored as filler.
	catalog map[string]bool
	// shorts maps short forms the catalog itself confirms to the root
	// they stand for: veh_id in trips and a vehicles table make veh
	// "vehicle".
	shorts map[string]string
	// valueWords holds the roots of the words of every value the
	// catalog's profiles sampled: a word found there is never read as a
	// short code (codes.go).
	valueWords map[string]bool
	// rowNouns holds the head noun of every table's name in the catalog
	// (sale for sales, item for sale_items): such a word alone names a
	// table's rows and is never part of a longer value ("sales" is not
	// 'Sales Associate').
	rowNouns map[string]bool
	// tables are the catalog's tables, for the short forms of their
	// names (fld: "field").
	tables []*table
	// listSep marks the words followed by a comma, a semicolon, a slash
	// or an ampersand: "Widgets, Gadgets" lists two values.
	listSep map[int]bool
}

// listSeparators finds the words of text followed by punctuation that
// separates the items of a list.
func listSeparators(text string, ws []word) map[int]bool {
	out := map[int]bool{}
	pos := 0
	for i, w := range ws {
		k := strings.Index(text[pos:], w.Text)
		if k < 0 {
			break
		}
		pos += k + len(w.Text)
		if i+1 < len(ws) {
			next := strings.Index(text[pos:], ws[i+1].Text)
			if next > 0 && strings.ContainsAny(text[pos:pos+next], ",;/&") {
				out[i] = true
			}
		}
	}
	return out
}

// coordinated reports whether the words between word positions i and j
// (i < j) join two items of a list: "and", "or", "nor", a comma, with
// articles aside. Two values of one column named apart from such words
// ("damaged items") are not a list.
func (f *frame) coordinated(i, j int) bool {
	joined := f.listSep[i-1]
	for k := i; k < j; k++ {
		switch f.words[k].Lower {
		case "and", "or", "nor", "plus", "vs", "versus":
			joined = true
		case "the", "a", "an", "either", "both":
		default:
			return false
		}
		joined = joined || f.listSep[k]
	}
	return joined
}

// grainRef is a date grain the question groups by.
type grainRef struct {
	grain string
	pos   int
	which bool // "which month": the ranking target
}

// comparison is a numeric condition waiting for its column.
type comparison struct {
	op         string // > >= < <= = between
	a, b       string // numbers as written in SQL
	start, end int
	unit       string // root of a unit word after the number: "month"
}

var isoDay = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
var isoMonth = regexp.MustCompile(`\b(\d{4})-(\d{2})\b`)

// prepare rewrites what the tokenizer would split: ISO dates become one
// word and comparison symbols become words.
func prepare(q string) string {
	q = isoDay.ReplaceAllStringFunc(q, func(s string) string {
		m := isoDay.FindStringSubmatch(s)
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return " isod" + m[1] + pad2(mo) + pad2(d) + " "
	})
	q = isoMonth.ReplaceAllString(q, " isom$1$2 ")
	r := strings.NewReplacer(">=", " atleast ", "<=", " atmost ", "≥", " atleast ", "≤", " atmost ",
		">", " morethan ", "<", " lessthan ", "%", " percent ", "#", " number ", "=", " equals ")
	return r.Replace(q)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

var followCues = map[string]bool{"now": true, "and": true, "same": true, "only": true, "just": true, "but": true,
	"instead": true, "also": true, "ok": true, "okay": true, "then": true, "by": true, "per": true,
	"for": true, "in": true, "excluding": true, "without": true, "except": true, "what about": true,
	"how about": true, "break": true, "split": true}

func parseFrame(question string) *frame {
	f := &frame{question: question, markers: map[int]bool{}, per: map[int]bool{}, which: map[int]bool{}, aggAt: -1, rateAt: -1}
	text := prepare(question)
	for _, t := range schema.Tokens(text) {
		f.words = append(f.words, word{Token: t})
	}
	f.listSep = listSeparators(text, f.words)
	ws := f.words
	lw := func(i int) string {
		if i >= 0 && i < len(ws) {
			return ws[i].Lower
		}
		return ""
	}
	use := func(i, j int, as string) {
		for k := i; k < j && k < len(ws); k++ {
			ws[k].used = as
		}
	}
	if len(ws) > 0 {
		first := lw(0)
		if followCues[first] || followCues[first+" "+lw(1)] {
			f.follow = true
		}
	}
	for i := range ws {
		switch lw(i) {
		case "instead", "also", "same":
			f.follow = true
			f.also = f.also || lw(i) == "also"
		}
	}

	f.comps = parseComparisons(ws)
	f.dates = parseDates(ws)

	for i := 0; i < len(ws); i++ {
		if !ws[i].free() {
			continue
		}
		w := lw(i)
		switch w {
		case "how":
			if lw(i+1) == "many" {
				f.count = true
				use(i, i+2, "agg")
				i++
			} else if lw(i+1) == "much" {
				if f.agg == "" {
					f.agg, f.aggAt = "sum", i
				}
				use(i, i+2, "agg")
				i++
			}
		case "number", "count", "amount":
			if lw(i+1) == "of" || w == "count" {
				if w == "amount" {
					if f.agg == "" {
						f.agg, f.aggAt = "sum", i
					}
					// "the amount of all orders": a column may be called
					// amount, so the word stays open to column names.
					use(i, i+1, "agg?")
				} else {
					f.count = true
					use(i, i+1, "agg")
				}
				if lw(i+1) == "of" {
					use(i+1, i+2, "agg")
					i++
				}
			}
		case "headcount":
			f.count = true
			use(i, i+1, "agg")
		case "total", "sum", "overall", "combined":
			if lw(i+1) == "number" || lw(i+1) == "count" {
				use(i, i+1, "agg")
				continue
			}
			if f.agg == "" {
				f.agg, f.aggAt = "sum", i
			}
			use(i, i+1, "agg?")
		case "average", "avg", "mean", "typical":
			f.agg, f.aggAt = "avg", i
			use(i, i+1, "agg")
		case "median":
			f.agg, f.aggAt = "median", i
			use(i, i+1, "agg")
		case "maximum", "max", "peak":
			f.agg, f.aggAt, f.superl = "max", i, w
			if w == "peak" {
				// "peak demand" is a maximum, but "peak kw" may be peak_kw:
				// the word stays open to column names.
				use(i, i+1, "agg?")
			} else {
				use(i, i+1, "agg")
			}
		case "minimum", "min":
			f.agg, f.aggAt, f.superl = "min", i, w
			use(i, i+1, "agg")
		case "earliest":
			// "our earliest acquisition": the first date of the rows
			// (build.go takes a date column named beside it).
			f.agg, f.aggAt, f.superl = "min", i, w
			use(i, i+1, "agg")
		case "distinct", "unique", "different":
			f.distinct = true
			use(i, i+1, "agg")
		case "rate", "share", "proportion", "fraction", "ratio", "likelihood", "probability":
			f.rate, f.rateAt = true, i
			use(i, i+1, "agg?")
		case "percentage", "percent", "pct":
			f.rate, f.pct, f.rateAt = true, true, i
			use(i, i+1, "agg")
		case "top", "bottom":
			f.rank, f.superl = 1, w
			if w == "bottom" {
				f.rank = -1
			}
			use(i, i+1, "rank")
			if n, err := strconv.Atoi(lw(i + 1)); err == nil && n > 0 && n < 10000 {
				f.limit = n
				use(i+1, i+2, "rank")
				i++
			} else if n, ok := numberWords[lw(i+1)]; ok {
				f.limit = n
				use(i+1, i+2, "rank")
				i++
			}
			if lw(i+1) == "selling" || lw(i+1) == "sold" {
				f.sold = true
				use(i+1, i+2, "rank")
				i++
			}
		case "highest", "most", "largest", "biggest", "greatest", "best", "higher", "more",
			"lowest", "least", "fewest", "smallest", "worst", "lower", "less", "fewer":
			if (w == "more" || w == "less" || w == "fewer") && (lw(i+1) == "than" || lw(i-1) == "or") {
				continue // "more than 50", "50K or less": a comparison
			}
			f.rank, f.superl = 1, w
			switch w {
			case "lowest", "least", "fewest", "smallest", "worst", "lower", "less", "fewer":
				f.rank = -1
			}
			use(i, i+1, "rank")
			if n, err := strconv.Atoi(lw(i - 1)); err == nil && n > 0 && n < 10000 && ws[i-1].free() {
				f.limit = n
				use(i-1, i, "rank")
			} else if n, ok := numberWords[lw(i-1)]; ok && ws[i-1].free() {
				f.limit = n
				use(i-1, i, "rank")
			}
			switch lw(i + 1) {
			case "common", "popular", "frequent", "often":
				f.popular = true
				use(i+1, i+2, "rank")
				i++
			case "selling", "sold":
				f.sold = true
				use(i+1, i+2, "rank")
				i++
			case "expensive", "costly", "cheap":
				f.pricey = true // ranked by price
				use(i+1, i+2, "rank")
				i++
			}
		case "cheapest":
			f.rank, f.superl, f.pricey = -1, w, true
			use(i, i+1, "rank")
		case "longest", "shortest", "heaviest", "lightest":
			// Superlatives of a length or a weight rank like highest and
			// lowest: "longest visit duration" is its maximum.
			f.rank, f.superl = 1, w
			if w == "shortest" || w == "lightest" {
				f.rank = -1
			}
			use(i, i+1, "rank")
		case "oldest", "youngest", "eldest":
			f.rank, f.superl, f.aged = 1, w, true
			if w == "youngest" {
				f.rank = -1
			}
			use(i, i+1, "rank")
		case "busiest", "quietest":
			// "the busiest doctor" has the most rows.
			f.rank, f.superl, f.popular = 1, w, true
			if w == "quietest" {
				f.rank = -1
			}
			use(i, i+1, "rank")
		case "grew", "grow", "grows", "grown", "growing", "growth":
			f.growth = true
			use(i, i+1, "agg")
		case "sold", "sell", "sells", "selling", "bought", "purchased":
			f.sold = true
			use(i, i+1, "sold")
		case "by", "per", "across", "each", "every":
			if w == "by" && agentBy(ws, i) {
				// "revenue taken by stores that have since closed": who
				// did it, narrowed by a clause; not a grouping.
				continue
			}
			use(i, i+1, "marker")
			k := i + 1
			if w == "by" && lw(k) == "each" {
				use(k, k+1, "marker")
				k++
			}
			if lw(k) == "the" {
				use(k, k+1, "marker")
				k++
			}
			f.markers[k] = true
			f.per[k] = w == "per"
		case "for", "in":
			if lw(i+1) == "each" || lw(i+1) == "every" {
				use(i, i+2, "marker")
				f.markers[i+2] = true
				i++
			}
		case "grouped", "broken", "split", "breakdown", "group":
			if w == "group" && lw(i+1) != "by" && i > 0 {
				// "crop group", "age group": a noun, not "group by".
				continue
			}
			use(i, i+1, "marker")
			if lw(i+1) == "down" {
				use(i+1, i+2, "marker")
			}
		case "which", "what":
			k := i + 1
			for lw(k) == "the" || lw(k) == "kind" || lw(k) == "type" || lw(k) == "of" {
				k++
			}
			f.which[k] = true
			f.list = true
		case "list", "show", "name", "display":
			f.list = true
		case "vs", "versus":
			f.compare = true
		case "who":
			if i == 0 {
				f.who, f.list = true, true
			}
		case "out":
			// "out of stock" negates the flag after it.
			if lw(i+1) == "of" {
				f.negs = append(f.negs, i)
				use(i, i+2, "neg")
				i++
			}
		case "not", "no", "non", "without", "never", "didn't", "don't", "doesn't", "haven't", "hasn't",
			"isn't", "aren't", "wasn't", "weren't", "hadn't", "won't", "nor":
			f.negs = append(f.negs, i)
		case "excluding", "except", "exclude", "excluded", "other", "apart", "besides":
			if w == "other" && lw(i+1) != "than" || w == "apart" && lw(i+1) != "from" {
				continue
			}
			f.excludes = append(f.excludes, i)
			use(i, i+1, "neg")
			if w == "other" || w == "apart" {
				// "other than X", "apart from X": X is left out
				use(i+1, i+2, "neg")
			}
		}
	}
	f.rankExtras()
	f.parseGrains()
	return f
}

// rankExtras reads the words around a ranking that say only how to show
// it: "most common first" orders (first is the ranking's own order), and
// "the 3 occupations with the highest ..." keeps three.
func (f *frame) rankExtras() {
	ws := f.words
	for i := 1; i < len(ws); i++ {
		if (ws[i].Lower == "first" || ws[i].Lower == "last") && ws[i].free() && ws[i-1].used == "rank" && i+1 == len(ws) {
			ws[i].used = "rank"
			f.sortOnly = true
		}
	}
	if f.rank == 0 || f.limit != 0 {
		return
	}
	for i := 1; i+1 < len(ws); i++ {
		n, err := strconv.Atoi(ws[i].Lower)
		if err != nil || n <= 0 || n > 100 || !ws[i].free() || ws[i-1].Lower != "the" {
			continue
		}
		if next := ws[i+1].Lower; strings.HasSuffix(next, "s") && ws[i+1].free() {
			f.limit = n
			ws[i].used = "rank"
			return
		}
	}
}

var grainNouns = map[string]string{
	"day": "day", "days": "day", "date": "day", "dates": "day", "week": "week", "weeks": "week",
	"month": "month", "months": "month", "quarter": "quarter", "quarters": "quarter",
	"year": "year", "years": "year", "weekday": "weekday", "weekdays": "weekday",
}

func (f *frame) parseGrains() {
	ws := f.words
	lw := func(i int) string {
		if i >= 0 && i < len(ws) {
			return ws[i].Lower
		}
		return ""
	}
	for i := range ws {
		if !ws[i].free() {
			continue
		}
		w := lw(i)
		// day of (the) week
		if w == "day" && lw(i+1) == "of" && (lw(i+2) == "week" || lw(i+2) == "the" && lw(i+3) == "week") {
			if f.markers[i] || f.which[i] {
				n := 3
				if lw(i+2) == "the" {
					n = 4
				}
				f.grains = append(f.grains, grainRef{grain: "weekday", pos: i, which: f.which[i]})
				for k := i; k < i+n; k++ {
					ws[k].used = "grain"
				}
				continue
			}
		}
		// "by signup month": the marker reaches past a date column's name.
		if g, ok := grainNouns[w]; ok && (f.markers[i] || f.which[i] || i > 0 && f.markers[i-1] && grainNouns[lw(i-1)] == "") {
			f.grains = append(f.grains, grainRef{grain: g, pos: i, which: f.which[i]})
			ws[i].used = "grain"
			continue
		}
		if g, ok := grainWords[ws[i].Root]; ok {
			f.grains = append(f.grains, grainRef{grain: g, pos: i})
			ws[i].used = "grain?"
			continue
		}
		if w == "over" && lw(i+1) == "time" || w == "trend" || w == "trends" {
			f.grains = append(f.grains, grainRef{grain: "month", pos: i})
			ws[i].used = "grain"
			if w == "over" {
				ws[i+1].used = "grain"
			}
		}
	}
	// "by region and category": a marker carries over "and".
	for i := range ws {
		if lw(i) == "and" && i > 0 && ws[i].free() {
			for k := i - 1; k >= 0 && k >= i-4; k-- {
				if f.markers[k] {
					f.markers[i+1] = true
					break
				}
			}
		}
	}
}

// agentBy reports whether "by" at i names who did what a participle before
// it says and a relative clause after its noun narrows them: "taken by
// stores that have since closed", "made by customers who churned". Such
// a "by" keeps rows, it does not group; "by each" and "by every" still
// group.
func agentBy(ws []word, i int) bool {
	if i == 0 || i+2 >= len(ws) {
		return false
	}
	prev := ws[i-1].Lower
	if !(len(prev) > 4 && (strings.HasSuffix(prev, "ed") || strings.HasSuffix(prev, "en")) || irregularParticiples[prev] || prev == "made" || prev == "done") {
		return false
	}
	if l := ws[i+1].Lower; l == "each" || l == "every" || l == "the" {
		return false
	}
	for k := i + 2; k < len(ws) && k <= i+4; k++ {
		switch ws[k].Lower {
		case "that", "which", "who", "whose":
			return true
		}
	}
	return false
}

// parseComparisons finds numeric conditions: "over 12", "at least 50",
// "between 10 and 20", "100 or more".
func parseComparisons(ws []word) []comparison {
	var out []comparison
	lw := func(i int) string {
		if i >= 0 && i < len(ws) {
			return ws[i].Lower
		}
		return ""
	}
	num := func(i int) (string, bool) {
		if i < 0 || i >= len(ws) || !ws[i].Num {
			return "", false
		}
		if _, err := strconv.ParseFloat(ws[i].Lower, 64); err != nil {
			return "", false
		}
		if n, ok := numberWords[lw(i)]; ok {
			return strconv.Itoa(n), true
		}
		return ws[i].Lower, true
	}
	for i := 0; i < len(ws); i++ {
		op, n := "", 0
		switch w := lw(i); w {
		case "over", "above", "exceeding", "exceeds", "morethan":
			op, n = ">", 1
		case "more", "greater", "higher", "larger", "bigger", "longer", "heavier":
			if lw(i+1) == "than" {
				op, n = ">", 2
			}
		case "under", "below", "lessthan":
			op, n = "<", 1
		case "less", "fewer", "lower", "smaller", "shorter", "lighter":
			if lw(i+1) == "than" {
				op, n = "<", 2
			}
		case "older", "younger":
			if lw(i+1) == "than" {
				if a, ok := num(i + 2); ok {
					op := ">"
					if w == "younger" {
						op = "<"
					}
					c := comparison{op: op, a: a, start: i, end: i + 3, unit: "age"}
					if u, end := unitAfter(ws, c.end); u == "year" {
						c.end = end
					}
					out = append(out, c)
					for k := c.start; k < c.end; k++ {
						ws[k].used = "cmp"
					}
					i = c.end - 1
				}
			}
			continue
		case "atleast":
			op, n = ">=", 1
		case "atmost":
			op, n = "<=", 1
		case "at":
			if lw(i+1) == "least" {
				op, n = ">=", 2
			} else if lw(i+1) == "most" {
				op, n = "<=", 2
			}
		case "exactly", "equals":
			op, n = "=", 1
		case "equal":
			if lw(i+1) == "to" {
				op, n = "=", 2
			}
		case "between":
			a, ok1 := num(i + 1)
			b, ok2 := num(i + 3)
			if ok1 && ok2 && lw(i+2) == "and" {
				_, y1 := year(a)
				_, y2 := year(b)
				if y1 && y2 {
					continue // years: a date range
				}
				c := comparison{op: "between", a: a, b: b, start: i, end: i + 4}
				c.unit, c.end = unitAfter(ws, i+4)
				out = append(out, c)
				for k := c.start; k < c.end; k++ {
					ws[k].used = "cmp"
				}
				i = c.end - 1
			}
			continue
		}
		if op == "" {
			// "100 or more", "12 or less"
			if a, ok := num(i); ok && lw(i+1) == "or" {
				switch lw(i + 2) {
				case "more", "above", "higher", "greater":
					op = ">="
				case "less", "fewer", "below", "lower":
					op = "<="
				}
				if op != "" {
					c := comparison{op: op, a: a, start: i, end: i + 3}
					out = append(out, c)
					for k := c.start; k < c.end; k++ {
						ws[k].used = "cmp"
					}
					i += 2
				}
			}
			continue
		}
		a, ok := num(i + n)
		if !ok {
			continue
		}
		c := comparison{op: op, a: a, start: i, end: i + n + 1}
		c.unit, c.end = unitAfter(ws, c.end)
		out = append(out, c)
		for k := c.start; k < c.end; k++ {
			ws[k].used = "cmp"
		}
		i = c.end - 1
	}
	return out
}

// unitAfter reads a unit word after a number (months, days, dollars).
func unitAfter(ws []word, i int) (string, int) {
	if i < len(ws) {
		switch ws[i].Lower {
		case "month", "months", "day", "days", "year", "years", "week", "weeks":
			return ws[i].Root, i + 1
		// A unit of time of day stays a word of its own: it may name the
		// column too ("60 hours a week" is hours_per_week).
		case "hour", "hours", "hr", "hrs":
			return "hour", i
		case "minute", "minutes", "min", "mins":
			return "minute", i
		case "second", "seconds", "sec", "secs":
			return "second", i
		case "dollars", "dollar", "usd", "eur", "euro", "euros", "pounds", "gbp":
			// A currency: the comparison is on money.
			return "money", i + 1
		case "percent":
			return "", i + 1
		}
	}
	return "", i
}

// looksLikeFollowUp reports whether the question reads as a change to the
// previous one.
func (f *frame) looksLikeFollowUp() bool { return f.follow }

// contentWords returns the words not read as anything, leaving out stop
// words and filler.
func (f *frame) contentWords() []string {
	var out []string
	for _, w := range f.words {
		if !w.free() || schema.IsStop(w.Lower) || filler[w.Lower] || filler[w.Root] {
			continue
		}
		if w.used == "" {
			out = append(out, w.Text)
		}
	}
	return out
}

// filler words carry no meaning for the query.
var filler = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`show list give tell find get display compute calculate return see want need
		know like would please data value values figure figures numbers level levels stats statistics breakdown
		broken down split grouped group whole entire dataset table tables record records row rows entries entry
		so far ever recorded made make generated generate earned earn brought happen happened occur occurred status
		type types kind kinds currently have has had having who whose that which what where when how does do did
		is are was were be been being there here they them those these ones one's ones' all everything anything
		something compare compared comparison versus vs now only just also same instead again then ok okay
		about each every per across from with by for of in on at to the a an and or as it its this that our we
		i me my us you your let's lets let using use used under into between within during among
		time period periods overall total sum count number amount signed sign up joined join registered pay
		paying paid sign-up customers' store's ones one look looking view viewing break split
		exist exists available currently right wise note noted many much value single still yet
		come comes coming came contribute contributes contributed account accounts accounted but`) {
		filler[w] = true
		filler[schema.Root(w)] = true
	}
}
