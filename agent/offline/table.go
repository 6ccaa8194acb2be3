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
	cols   []*column
}

// column is a profiled column with the words that name it.
type column struct {
	schema.ColumnProfile
	t      *table
	roots  []string // roots of the name's words
	heads  []string // the roots that are not weak
	id     bool     // an identifier: "id" or ending in _id
	values []value
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
	for _, cp := range p.Columns {
		c := &column{ColumnProfile: cp, t: t, roots: schema.NameWords(cp.Name)}
		for _, r := range c.roots {
			if !schema.IsWeak(r) {
				c.heads = append(c.heads, r)
			}
		}
		low := strings.ToLower(cp.Name)
		c.id = low == "id" || strings.HasSuffix(low, "_id") || strings.HasSuffix(low, "_key")
		for _, v := range cp.Values {
			c.values = append(c.values, value{text: v, words: schema.Tokens(v)})
		}
		t.cols = append(t.cols, c)
	}
	return t
}

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
func (c *column) measure() bool { return c.Kind == schema.Number && !c.id }

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
