package offline

import "strings"

// Two-hop joins: a question whose grouping or filter lives two tables
// away ("rent collected by property type": rent_payments to leases on
// lease_id, leases to properties on property_id; "claims paid to
// customers in Florida": clm to pol on pol_no, pol to cust on cust_no)
// is answered over the three tables joined, when each link is a key that
// identifies the next table's rows, so that every row of the first table
// meets one row of each other and the rows stay the first table's. The
// second key must not be a column of the first table (the path would
// not be the only one), and the tables must be three different ones.
// As with one join, the other tables only group and filter, and two
// joins that read the question equally refuse (readJoined). A two-hop
// reading must group or filter by the far table, and the question must
// name the first table's rows or one of its measures: "number of shows by
// city" counts shows, never the ticket sales of a chain through shows.

// holds reports whether t is one of the tables the join adds.
func (j *join) holds(t *table) bool {
	for ; j != nil; j = j.next {
		if j.dim == t {
			return true
		}
	}
	return false
}

// chainLinks returns the two-hop joins, built on first use.
func (p *Planner) chainLinks() []*table {
	if p.chained == nil {
		out := p.chains(p.links())
		p.chained = &out
	}
	return *p.chained
}

// usesFar reports whether the query groups or filters by a column of the
// table two hops away: otherwise one hop would do.
func usesFar(q *query) bool {
	far := q.t.join.next
	if far == nil {
		return false
	}
	for _, d := range q.dims {
		if d.col.t == far.dim {
			return true
		}
	}
	for _, c := range q.conds {
		if c.col.t == far.dim {
			return true
		}
	}
	return false
}

// measured reports whether the reading takes a measure of its own table's
// rows (a column of the first table, not of a joined one).
func (r *reading) measured() bool {
	for _, m := range r.mentions {
		if m.kind == mColumn && m.col != nil && m.col.t.p == r.t.p && m.col.measure() {
			return true
		}
	}
	return false
}

// chains returns the two-hop joins that extend the one-hop joins in one.
func (p *Planner) chains(one []*table) []*table {
	var out []*table
	for _, lt := range one {
		fact, mid := p.tableOf(lt), lt.join.dim
		for _, far := range p.tables {
			if far == fact || far == mid || strings.EqualFold(far.p.Table.ShortName(), fact.p.Table.ShortName()) ||
				strings.EqualFold(far.p.Table.ShortName(), mid.p.Table.ShortName()) {
				continue
			}
			k := rowKey(far)
			if k == nil || !k.id {
				continue
			}
			mk := sameColumn(mid, k)
			if mk == nil || mk.id && mk == rowKey(mid) || sameColumn(fact, k) != nil {
				continue
			}
			out = append(out, chained(lt, far, mk.Name))
		}
	}
	return out
}

// tableOf returns the planner's own table for a joined one's first table.
func (p *Planner) tableOf(lt *table) *table {
	for _, t := range p.tables {
		if t.p == lt.p {
			return t
		}
	}
	return nil
}

// chained returns lt's rows with far's columns added through key, a
// column of lt's joined table. Columns named like one already there are
// left out.
func chained(lt, far *table, key string) *table {
	j := *lt.join
	j.next = &join{dim: far, key: key}
	t := &table{p: lt.p, name: lt.name, entity: lt.entity, context: lt.context, join: &j}
	names := map[string]bool{}
	for _, c := range lt.cols {
		names[strings.ToLower(c.Name)] = true
		t.cols = append(t.cols, c)
	}
	for _, c := range far.cols {
		if !names[strings.ToLower(c.Name)] {
			t.cols = append(t.cols, c)
		}
	}
	return t
}
