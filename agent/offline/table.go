package offline

import (
	"strings"
	"time"

	"github.com/floehq/floe/agent/schema"
)

// table is a profiled table with the words that name it and its columns.
type table struct {
	p      *schema.Profile
	name   string   // full name, as SQL refers to it
	entity []string // roots that name what a row is: "customer", "sale"
	// aliases are other roots that name a row: the event a row records
	// when the table is named otherwise ("visit" in appointments with
	// visitDate and visitType).
	aliases []string
	// context holds the roots of the table's namespace: "census" in
	// lake.census.adult. They name the table, weakly.
	context []string
	cols    []*column
	// join is set when the table is another table's rows joined with a
	// table they reference.
	join *join
}

// column is a profiled column with the words that name it.
type column struct {
	schema.ColumnProfile
	t      *table
	roots  []string // roots of the name's words
	heads  []string // the roots that are not weak
	id     bool     // an identifier: "id" or ending in _id
	values []value
	// truth is the SQL condition for a flag's true value: the column
	// itself for a BOOLEAN, "= 1" for a 0/1 integer, "= 'Yes'" for Yes/No
	// text. Empty for columns that are not flags.
	truth string
	// numText says the column is text holding numbers (every sampled
	// value parses, blanks aside) and is named like a quantity, not a
	// code: it is summed and compared cast to DOUBLE.
	numText bool
	// sqlExpr is the SQL of a measure no column holds (a duration between
	// two dates: durations.go), or "".
	sqlExpr string
}

// value is one distinct value of a column with its words.
type value struct {
	text  string
	words []schema.Token
}

// grainWords name date grains; as adjectives they never name a table.
var grainWords = map[string]string{
	"daili": "day", "weekli": "week", "monthli": "month", "quarterli": "quarter", "yearli": "year",
	"annual": "year", "annualli": "year",
}

func newTable(p *schema.Profile) *table {
	t := &table{p: p, name: p.Table.Name}
	for _, r := range schema.NameWords(p.Table.ShortName()) {
		if !schema.IsWeak(r) && grainWords[r] == "" {
			t.entity = append(t.entity, r)
		}
	}
	if parts := strings.Split(p.Table.Name, "."); len(parts) >= 2 {
		for _, r := range schema.NameWords(parts[len(parts)-2]) {
			if !schema.IsWeak(r) && !contains(t.entity, r) {
				t.context = append(t.context, r)
			}
		}
	}
	for _, cp := range p.Columns {
		c := &column{ColumnProfile: cp, t: t, roots: schema.NameWords(cp.Name)}
		c.id = isID(cp.Name, c.roots)
		for _, r := range c.roots {
			if !schema.IsWeak(r) {
				c.heads = append(c.heads, r)
			}
		}
		if len(c.heads) == 0 && !c.id {
			// A name made of weak words only ("amount", "value", "type")
			// is still the column's name.
			c.heads = append(c.heads, c.roots...)
		}
		for _, v := range cp.Values {
			c.values = append(c.values, value{text: v, words: schema.Tokens(v)})
		}
		c.truth = flagTruth(c)
		c.numText = c.Kind == schema.Text && cp.Numeric && c.truth == "" && !c.id && !codeLike(c.roots)
		if c.truth != "" {
			c.Kind = schema.Bool
		}
		t.cols = append(t.cols, c)
	}
	t.aliases = rowAliases(t)
	return t
}

// rowAliases returns the first words that a date column without NULLs
// shares with another column, the table's name aside: visitDate and
// visitType say that each row is a visit, so "visits" names the rows
// rather than one of the two columns. A date some rows lack (return_date
// and return_reason) names an event only those rows had, not the rows.
func rowAliases(t *table) []string {
	var out []string
	for _, d := range t.cols {
		if !d.Kind.IsTemporal() || d.Nulls > 0 || len(d.roots) < 2 || len(d.heads) == 0 {
			continue
		}
		r := d.roots[0]
		if schema.IsWeak(r) || contains(t.entity, r) || contains(out, r) || grainWords[r] != "" {
			continue
		}
		for _, c := range t.cols {
			if c != d && !c.id && len(c.roots) >= 2 && c.roots[0] == r {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

// isID reports whether a column identifies rows: "id", or a name ending in
// id or key in any spelling (order_id, customerID, empId, store_key), or
// in a number's short form (pol_no, cust_no, acct_nbr).
func isID(name string, roots []string) bool {
	if len(roots) == 0 {
		return false
	}
	last := roots[len(roots)-1]
	return last == "id" || len(roots) > 1 && (last == "key" || last == "no" || last == "nbr")
}

// flagTruth returns the SQL condition under which c is true, when c is a
// flag: a BOOLEAN, an integer holding only 0 and 1 whose name is not a
// count, or text whose values are Yes and No (with perhaps a third value
// such as "No internet service").
func flagTruth(c *column) string {
	id := quoteIdent(c.Name)
	switch c.Kind {
	case schema.Bool:
		return id
	case schema.Number:
		lo, ok1 := schema.ToInt(c.Min)
		hi, ok2 := schema.ToInt(c.Max)
		if ok1 && ok2 && lo == 0 && hi == 1 && !c.id && isIntegerType(c.Type) {
			for _, r := range c.roots {
				if countRoots[r] {
					return ""
				}
			}
			if pluralNoun(c.Name) {
				// commit_conflicts, retries: a number of things that is
				// 0 or 1 in the rows at hand, not a flag.
				return ""
			}
			return id + " = 1"
		}
	case schema.Text:
		yes, no := "", ""
		for _, v := range c.Values {
			switch strings.ToLower(v) {
			case "yes", "y", "true":
				yes = v
			case "no", "n", "false":
				no = v
			}
		}
		if yes != "" && no != "" && len(c.Values) <= 3 {
			return id + " = " + schema.QuoteString(yes)
		}
	}
	return ""
}

// pluralNoun reports whether a column's name ends in a plural noun and
// does not start like a flag (is_, has_, was_): commit_conflicts, errors.
func pluralNoun(name string) bool {
	ws := schema.Words(schema.SplitName(name))
	if len(ws) == 0 || flagPrefixes[ws[0]] {
		return false
	}
	last := ws[len(ws)-1]
	return len(last) > 3 && strings.HasSuffix(last, "s") && !strings.HasSuffix(last, "ss") &&
		!strings.HasSuffix(last, "us") && !strings.HasSuffix(last, "is")
}

var flagPrefixes = map[string]bool{"is": true, "has": true, "was": true, "had": true, "can": true, "did": true,
	"does": true, "flag": true, "any": true}

func isIntegerType(typ string) bool {
	switch strings.ToUpper(typ) {
	case "TINYINT", "SMALLINT", "INTEGER", "INT", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT":
		return true
	}
	return false
}

// countRoots name columns that count things: a 0/1 count is still a count.
var countRoots = rootSet("count number quantity units qty total num")

// dateCols returns the temporal columns.
func (t *table) dateCols() []*column {
	var out []*column
	for _, c := range t.cols {
		if c.Kind.IsTemporal() {
			out = append(out, c)
		}
	}
	return out
}

// snapshotDay returns the date column of a table of daily snapshots, one
// row per thing and day (storage_daily, a Storage Lens export): a table
// named *_daily, *_snapshot or *_snapshots with a DATE column named day,
// date, snapshot_date or as_of. nil for any other table.
func (t *table) snapshotDay() *column {
	name := strings.ToLower(t.p.Table.ShortName())
	if !strings.HasSuffix(name, "_daily") && !strings.HasSuffix(name, "_snapshot") && !strings.HasSuffix(name, "_snapshots") {
		return nil
	}
	for _, c := range t.cols {
		switch strings.ToLower(c.Name) {
		case "day", "date", "snapshot_date", "as_of":
			if c.Kind.IsTemporal() {
				return c
			}
		}
	}
	return nil
}

// latestDay is the date a question about a table of daily snapshots means
// when it names none.
var latestDay = dateExpr{anchorDay: true, text: "on the latest day"}

// anchor returns the latest date in c, the day relative dates count back
// from.
func (c *column) anchor() (time.Time, bool) {
	tm, ok := schema.ToTime(c.Max)
	if !ok {
		return time.Time{}, false
	}
	return time.Date(tm.Year(), tm.Month(), tm.Day(), 0, 0, 0, 0, time.UTC), true
}

// measure reports whether c can be summed or averaged.
func (c *column) measure() bool { return (c.Kind == schema.Number || c.numText) && !c.id }

// expr is the SQL of c's values as a measure: numbers stored as text are
// cast, a blank or odd value reading as NULL.
func (c *column) expr() string {
	if c.sqlExpr != "" {
		return c.sqlExpr
	}
	if c.numText {
		return "TRY_CAST(" + quoteIdent(c.Name) + " AS DOUBLE)"
	}
	return quoteIdent(c.Name)
}

// codeRoots name text columns whose digits are codes, not quantities: a
// zip code or a phone number parses as a number and is never summed.
var codeRoots = rootSet("id code zip postal postcode phone number no nr key sku ean isbn ssn year account")

func codeLike(roots []string) bool {
	for _, r := range roots {
		if codeRoots[r] {
			return true
		}
	}
	return false
}

// flagCond is the SQL condition that c (a flag) is true, or false with neg.
func (c *column) flagCond(neg bool) string {
	if !neg {
		return c.truth
	}
	if c.truth == quoteIdent(c.Name) {
		return "NOT " + c.truth
	}
	return "NOT (" + c.truth + ")"
}

// categorical reports whether c can be grouped by.
func (c *column) categorical() bool {
	return c.Kind == schema.Text || c.Kind == schema.Bool || c.Kind == schema.Number && c.id
}

// nonAdditive roots name measures that are averaged, not summed, when a
// question names no aggregate: prices, rates, ages, durations.
var nonAdditive = rootSet("price rate ratio pct percent percentage age tenure score duration discount margin charges fee")

// defaultAgg is the aggregate for c when the question names none.
func (c *column) defaultAgg() string {
	if c.Kind == schema.Bool {
		return "rate"
	}
	hasTotal := false
	for _, r := range c.roots {
		hasTotal = hasTotal || r == "total" || r == "sum"
	}
	for _, r := range c.roots {
		if nonAdditive[r] && !hasTotal {
			return "avg"
		}
	}
	return "sum"
}

func rootSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[schema.Root(w)] = true
	}
	return m
}
