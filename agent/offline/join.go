package offline

import (
	"fmt"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// Joins: a question whose measure lives in one table and whose grouping or
// filter lives in another ("total amount by customer segment": amount in
// orders, segment in customers) is answered over the two tables joined,
// when they are linked by a same-named key that identifies the other
// table's rows (customers.customer, customers.customer_id). The rows stay
// the first table's rows: the measure, the count, a ranking's rows and a
// listed column all come from it, and the other table only groups and
// filters, so a join never repeats or drops a measured row's value. A
// link that is not such a key, two links of equal strength, or a measure
// from the other table refuse.

// join says that a table's rows are joined to dim's on key.
type join struct {
	dim *table
	key string // the same-named column of both tables
	// next joins a third table to dim's rows (see join2.go), or is nil.
	next *join
}

// joined returns the table whose rows are fact's, with dim's columns
// added through key. Columns of dim named like a column of fact are left
// out: a bare name must mean one column.
func joined(fact, dim *table, key string) *table {
	t := &table{p: fact.p, name: fact.name, entity: fact.entity, context: fact.context,
		join: &join{dim: dim, key: key}}
	names := map[string]bool{}
	for _, c := range fact.cols {
		names[strings.ToLower(c.Name)] = true
		t.cols = append(t.cols, c)
	}
	for _, c := range dim.cols {
		if !names[strings.ToLower(c.Name)] {
			t.cols = append(t.cols, c)
		}
	}
	return t
}

// rowKey returns the column of t that identifies its rows, for a join:
// its id named like the table (customer_id in customers), or a text column
// named like it (customer in customers) that the profile saw once per row.
func rowKey(t *table) *column {
	c := entityColumn(t)
	if c != nil && !c.id && (t.p.Sampled || c.Distinct < 0 || c.Distinct != t.p.Rows) {
		c = nil // a name column that may repeat
	}
	if c == nil {
		c = leadingKey(t)
	}
	return c
}

// leadingKey returns t's first column when it identifies the rows without
// being named so: text or an integer, never NULL, a different value in
// every row the profile counted (sku in products, isbn in books). A table
// lists its key first; a later unique column (a name, a timestamp) is
// unique by chance.
func leadingKey(t *table) *column {
	if len(t.cols) == 0 || t.p.Sampled || t.p.Rows < 2 {
		return nil
	}
	c := t.cols[0]
	if c.Kind != schema.Text && !(c.Kind == schema.Number && isIntegerType(c.Type)) || c.truth != "" {
		return nil
	}
	if c.Distinct != t.p.Rows || c.Nulls != 0 {
		return nil
	}
	return c
}

// links returns the tables joined on keys: fact's rows with each other
// table whose row key fact also holds, by the same name.
func (p *Planner) links() []*table {
	if p.linked != nil {
		return *p.linked
	}
	var out []*table
	for _, dim := range p.tables {
		k := rowKey(dim)
		if k == nil {
			continue
		}
		for _, fact := range p.tables {
			if fact == dim || strings.EqualFold(fact.p.Table.ShortName(), dim.p.Table.ShortName()) {
				continue // the rows are named by the short name: it must be one table's
			}
			for _, c := range fact.cols {
				if strings.EqualFold(c.Name, k.Name) && c.Kind == k.Kind {
					out = append(out, joined(fact, dim, c.Name))
					break
				}
			}
		}
	}
	p.linked = &out
	return out
}

// readJoined answers a question no single table answers over two joined
// tables, or returns nil when no join does. Two joins that answer equally
// well are refused.
func (p *Planner) readJoined(f *frame, exact map[[2]int]bool) (*query, error) {
	type answer struct {
		q *query
		r *reading
	}
	var found []answer
	for _, t := range p.links() {
		r := readTable(f, t, exact)
		if r.score <= 0 || len(r.unmapped) > 0 {
			continue
		}
		q, err := build(f, r)
		if err != nil {
			continue
		}
		if c := fromDim(q); c != "" {
			return nil, &NotUnderstood{Question: f.question, Reason: fmt.Sprintf(
				"%s is a column of %s, which %s joins to on %s; the offline planner measures only the rows of the first table",
				c, t.join.dim.name, t.name, t.join.key)}
		}
		if !usesDim(q) {
			continue
		}
		found = append(found, answer{q, r})
	}
	// Two hops (join2.go): only readings that name the first table's rows
	// or measure them, group or filter by the far table, and measure
	// nothing of the others.
	for _, t := range p.chainLinks() {
		r := readTable(f, t, exact)
		if r.score <= 0 || len(r.unmapped) > 0 || !namesEntity(r) && !r.measured() {
			continue
		}
		q, err := build(f, r)
		if err != nil || fromDim(q) != "" || !usesFar(q) {
			continue
		}
		found = append(found, answer{q, r})
	}
	if len(found) == 0 {
		return nil, nil
	}
	best := found[0]
	for _, a := range found[1:] {
		if a.r.better(best.r) {
			best = a
		}
	}
	for _, a := range found {
		if a != best && !best.r.better(a.r) && a.q.sql() != best.q.sql() {
			return nil, &NotUnderstood{Question: f.question, Reason: "the question reads over two different joins",
				Closest: []string{joinName(best.q.t), joinName(a.q.t)}}
		}
	}
	q := best.q
	if why := codeClash(f, q); why != "" {
		return nil, &NotUnderstood{Question: f.question, Reason: why, Closest: []string{joinName(q.t)}}
	}
	q.notes = append(q.notes, "joined "+strings.TrimPrefix(joinName(q.t), q.t.name+" joined with "))
	if len(best.r.ignored) > 0 {
		q.ignored = best.r.ignored
		q.notes = append(q.notes, fmt.Sprintf("ignored %s: no column or value of %s matches", quoteList(best.r.ignored), joinName(q.t)))
	}
	return q, nil
}

func joinName(t *table) string {
	if t.join == nil {
		return t.name
	}
	name := fmt.Sprintf("%s joined with %s on %s", t.name, t.join.dim.name, t.join.key)
	if n := t.join.next; n != nil {
		name += fmt.Sprintf(" and %s on %s", n.dim.name, n.key)
	}
	return name
}

// usesDim reports whether the query groups or filters by a column of the
// joined table: otherwise the join adds nothing.
func usesDim(q *query) bool {
	j := q.t.join
	for _, d := range q.dims {
		if j.holds(d.col.t) {
			return true
		}
	}
	for _, c := range q.conds {
		if j.holds(c.col.t) {
			return true
		}
	}
	return q.rateCond != nil && j.holds(q.rateCond.col.t)
}

// fromDim returns the name of a column of the joined table that the query
// measures, counts or lists, or "".
func fromDim(q *query) string {
	for _, c := range []*column{q.measure, q.target, q.orderBy} {
		if c != nil && q.t.join.holds(c.t) {
			return c.Name
		}
	}
	return ""
}

// codeClash says why a filter on the joined table may be the wrong one: a
// question word found inside a longer value of the joined table ("express"
// in 'DHL Express') that a short code of the first table's own text
// columns abbreviates ('EXP' in svc_lvl) is read two ways, and the code
// is the first table's own. It returns "" when there is no such clash.
func codeClash(f *frame, q *query) string {
	j := q.t.join
	for _, c := range q.conds {
		if !j.holds(c.col.t) || len(c.values) == 0 || c.pos < 0 || c.pos >= len(f.words) {
			continue
		}
		w := f.words[c.pos].Lower
		partial := ""
		for _, v := range c.values {
			if strings.Contains(v, " ") && !strings.EqualFold(v, w) {
				partial = v
			}
		}
		if partial == "" {
			continue
		}
		for _, fc := range q.t.cols {
			if j.holds(fc.t) || fc.Kind != schema.Text {
				continue
			}
			for _, v := range fc.values {
				if code := strings.ToLower(v.text); isCode(v.text) && len(w) > len(code) &&
					(strings.HasPrefix(w, code) || schema.Abbreviates(code, schema.Root(w))) {
					return fmt.Sprintf("%q may be %s %q or %s %q", w, fc.Name, v.text, c.col.Name, partial)
				}
			}
		}
	}
	return ""
}

// isCode reports whether s is a short upper-case code of three or four
// letters ('EXP', 'STD').
func isCode(s string) bool {
	if len(s) < 3 || len(s) > 4 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
