package offline

import (
	"fmt"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// measureExpr returns the aggregate's SQL and its alias.
func (q *query) measureExpr() (string, string) {
	var expr, alias string
	m := ""
	if q.measure != nil {
		m = q.measure.expr()
	}
	switch q.agg {
	case "count":
		expr, alias = "count(*)", "count"
	case "countd":
		expr, alias = "count(DISTINCT "+quoteIdent(q.target.Name)+")", "distinct_"+q.target.Name
	case "sum":
		expr, alias = "sum("+m+")", "total_"+q.measure.Name
		if strings.HasPrefix(q.measure.Name, "total_") {
			alias = q.measure.Name
		}
	case "avg":
		expr, alias = "avg("+m+")", "avg_"+q.measure.Name
	case "median":
		expr, alias = "median("+m+")", "median_"+q.measure.Name
	case "min":
		expr, alias = "min("+m+")", "min_"+q.measure.Name
	case "max":
		expr, alias = "max("+m+")", "max_"+q.measure.Name
	case "rate":
		switch {
		case q.rateCond != nil:
			expr = "avg(CASE WHEN " + q.rateCond.sql + " THEN 1 ELSE 0 END)"
			alias = "share"
		case q.measure.truth != m:
			// A 0/1 integer or Yes/No text: the share of rows where it holds.
			expr = "avg(CASE WHEN " + q.measure.flagCond(q.rateNeg) + " THEN 1 ELSE 0 END)"
			alias = rootName(q.measure.Name) + "_rate"
			if q.rateNeg {
				alias = "not_" + alias
			}
		case q.rateNeg:
			expr, alias = "avg(CAST(NOT "+m+" AS INTEGER))", "not_"+rootName(q.measure.Name)+"_rate"
		default:
			expr, alias = "avg(CAST("+m+" AS INTEGER))", rootName(q.measure.Name)+"_rate"
		}
	case "growth":
		expr, alias = "", "growth_"+q.measure.Name
	case "share":
		if q.rateCond != nil {
			expr = fmt.Sprintf("sum(%s) FILTER (WHERE %s) / sum(%s)", m, q.rateCond.sql, m)
		} else {
			expr = fmt.Sprintf("sum(%s) / sum(sum(%s)) OVER ()", m, m)
		}
		alias = q.measure.Name + "_share"
	}
	if q.pct && (q.agg == "rate" || q.agg == "share") {
		expr = "100 * " + expr
		alias = pctAlias(alias)
	}
	return expr, alias
}

// pctAlias names a rate's or share's percentage: churn_rate gives churn_pct.
func pctAlias(alias string) string {
	return strings.TrimSuffix(strings.TrimSuffix(alias, "_rate"), "_share") + "_pct"
}

// rootName turns a boolean column's name into a noun for an alias:
// churned gives churn.
func rootName(name string) string {
	if strings.HasSuffix(name, "ed") && len(name) > 5 {
		return name[:len(name)-2]
	}
	return name
}

func (q *query) sql() string {
	var b strings.Builder
	where := func() {
		if len(q.conds) == 0 {
			return
		}
		b.WriteString("\nWHERE ")
		for i, c := range q.conds {
			if i > 0 {
				b.WriteString("\n  AND ")
			}
			b.WriteString(c.sql)
		}
	}
	from := "\nFROM " + quoteName(q.t.name)
	for j := q.t.join; j != nil; j = j.next {
		from += " JOIN " + quoteName(j.dim.name) + " USING (" + quoteIdent(j.key) + ")"
	}
	switch q.agg {
	case "list":
		b.WriteString("SELECT DISTINCT " + quoteIdent(q.target.Name) + from)
		where()
		b.WriteString("\nORDER BY " + quoteIdent(q.target.Name))
		return b.String()
	case "rows":
		star := "*"
		if q.t.join != nil {
			// The rows of the first table only, as asked.
			star = quoteIdent(q.t.p.Table.ShortName()) + ".*"
		}
		b.WriteString("SELECT " + star + from)
		where()
		if q.orderBy != nil {
			dir := "DESC"
			if q.order < 0 {
				dir = "ASC"
			}
			fmt.Fprintf(&b, "\nORDER BY %s %s", q.orderBy.expr(), dir)
		}
		limit := q.limit
		if limit == 0 {
			limit = 100
		}
		fmt.Fprintf(&b, "\nLIMIT %d", limit)
		return b.String()
	}
	if q.agg == "growth" {
		// Each thing's value per day (summed over its rows of the day),
		// then the last day's minus the first day's.
		var inner, keys []string
		for _, d := range q.dims {
			inner = append(inner, quoteIdent(d.col.Name))
			keys = append(keys, quoteIdent(d.col.Name))
		}
		day := quoteIdent(q.day.Name)
		inner = append(inner, day, "sum("+q.measure.expr()+") AS v")
		b.WriteString("SELECT ")
		_, alias := q.measureExpr()
		growth := "arg_max(v, " + day + ") - arg_min(v, " + day + ") AS " + quoteIdent(alias)
		b.WriteString(strings.Join(append(append([]string(nil), keys...), growth), ", "))
		b.WriteString("\nFROM (SELECT " + strings.Join(inner, ", ") + from)
		where()
		b.WriteString("\nGROUP BY " + strings.Join(append(append([]string(nil), keys...), day), ", ") + ") AS daily")
		if len(keys) == 0 {
			return b.String()
		}
		b.WriteString("\nGROUP BY " + strings.Join(keys, ", "))
		a := quoteIdent(alias)
		switch {
		case q.order > 0:
			b.WriteString("\nORDER BY " + a + " DESC, " + strings.Join(keys, ", "))
		case q.order < 0:
			b.WriteString("\nORDER BY " + a + " ASC, " + strings.Join(keys, ", "))
		default:
			b.WriteString("\nORDER BY " + a + " DESC, " + strings.Join(keys, ", "))
		}
		if q.limit > 0 {
			fmt.Fprintf(&b, "\nLIMIT %d", q.limit)
		}
		return b.String()
	}
	expr, alias := q.measureExpr()
	var sel, keys []string
	for _, d := range q.dims {
		if d.expr() == quoteIdent(d.alias()) {
			sel = append(sel, d.expr())
		} else {
			sel = append(sel, d.expr()+" AS "+quoteIdent(d.alias()))
		}
		keys = append(keys, quoteIdent(d.alias()))
	}
	sel = append(sel, expr+" AS "+quoteIdent(alias))
	if (q.agg == "rate" || q.agg == "share") && !q.pct {
		// A rate or share the question gives no scale for is shown both
		// ways: as a fraction and as a percentage.
		sel = append(sel, "100 * "+expr+" AS "+quoteIdent(pctAlias(alias)))
	}
	b.WriteString("SELECT " + strings.Join(sel, ", ") + from)
	where()
	if len(q.dims) == 0 {
		return b.String()
	}
	b.WriteString("\nGROUP BY " + strings.Join(keys, ", "))
	a := quoteIdent(alias)
	switch {
	case q.order > 0:
		b.WriteString("\nORDER BY " + a + " DESC, " + strings.Join(keys, ", "))
	case q.order < 0:
		b.WriteString("\nORDER BY " + a + " ASC, " + strings.Join(keys, ", "))
	case len(q.dims) == 1 && q.dims[0].grain == "" && q.dims[0].col.Kind == schema.Text:
		b.WriteString("\nORDER BY " + a + " DESC, " + keys[0])
	default:
		b.WriteString("\nORDER BY " + strings.Join(keys, ", "))
	}
	if q.limit > 0 {
		fmt.Fprintf(&b, "\nLIMIT %d", q.limit)
	}
	return b.String()
}

func quoteName(name string) string {
	parts := strings.Split(name, ".")
	for i, p := range parts {
		parts[i] = quoteIdent(p)
	}
	return strings.Join(parts, ".")
}

// plan renders the query with its steps, explanation and chart.
func (q *query) plan() *Plan {
	p := &Plan{SQL: q.sql(), Table: q.t.name, Ignored: q.ignored}
	rows := ""
	if q.t.p.Rows >= 0 {
		rows = fmt.Sprintf(" (%d rows)", q.t.p.Rows)
	}
	p.Steps = append(p.Steps, "Read "+q.t.name+rows+".")
	for j := q.t.join; j != nil; j = j.next {
		p.Steps = append(p.Steps, "Join "+j.dim.name+" on "+j.key+" (one row of it per row read).")
		if p.Joined == "" {
			p.Joined = j.dim.name
		}
	}
	for _, c := range q.conds {
		p.Steps = append(p.Steps, "Keep rows where "+c.desc+".")
	}
	var by []string
	for _, d := range q.dims {
		if d.grain != "" {
			by = append(by, d.grain+" of "+d.col.Name)
		} else {
			by = append(by, d.col.Name)
		}
	}
	if len(by) > 0 {
		p.Steps = append(p.Steps, "Group by "+strings.Join(by, " and ")+".")
	}
	what := q.describe()
	p.Steps = append(p.Steps, "Compute "+what+".")
	if q.order != 0 && q.limit > 0 {
		dir := "highest"
		if q.order < 0 {
			dir = "lowest"
		}
		p.Steps = append(p.Steps, fmt.Sprintf("Keep the %d %s.", q.limit, dir))
	}
	var b strings.Builder
	b.WriteString("Answered from " + joinName(q.t) + ": " + what)
	if len(by) > 0 {
		b.WriteString(" by " + strings.Join(by, " and "))
	}
	if len(q.conds) > 0 {
		var ds []string
		for _, c := range q.conds {
			ds = append(ds, c.desc)
		}
		b.WriteString(", where " + strings.Join(ds, " and "))
	}
	b.WriteString(".")
	for _, n := range q.notes {
		b.WriteString(" Note: " + n + ".")
	}
	p.Explanation = b.String()
	if len(q.dims) > 0 && q.agg != "list" && q.agg != "rows" {
		_, alias := q.measureExpr()
		c := &Chart{Kind: "bar", X: q.dims[0].alias(), Y: alias}
		if q.dims[0].grain != "" && q.dims[0].grain != "weekday" {
			c.Kind = "line"
		}
		if len(q.dims) > 1 {
			c.Series = q.dims[1].alias()
		}
		p.Chart = c
	}
	return p
}

func (q *query) describe() string {
	switch q.agg {
	case "count":
		return "the number of rows"
	case "countd":
		return "the number of distinct " + q.target.Name + " values"
	case "list":
		return "the distinct values of " + q.target.Name
	case "rows":
		return "the matching rows"
	case "rate":
		unit := "share"
		if q.pct {
			unit = "percentage"
		}
		switch {
		case q.rateCond != nil:
			return fmt.Sprintf("the %s of rows where %s", unit, q.rateCond.desc)
		case q.rateNeg:
			return fmt.Sprintf("the %s of rows where %s is false", unit, q.measure.Name)
		}
		return fmt.Sprintf("the %s of rows where %s is true", unit, q.measure.Name)
	case "share":
		unit := "share"
		if q.pct {
			unit = "percentage"
		}
		if q.rateCond != nil {
			return fmt.Sprintf("the %s of the sum of %s where %s", unit, q.measure.Name, q.rateCond.desc)
		}
		return fmt.Sprintf("each group's %s of the sum of %s", unit, q.measure.Name)
	case "growth":
		return "the growth of " + q.measure.Name + " (its value on the last day minus the first, per " + q.day.Name + ")"
	}
	return aggName(q.agg) + " of " + q.measure.Name
}

// merge applies a follow-up question's changes to q.
func (q *query) merge(d *query, f *frame) *query {
	n := *q
	n.conds = append([]cond(nil), q.conds...)
	n.dims = append([]dim(nil), q.dims...)
	n.notes = append([]string(nil), q.notes...)
	if d.set.agg {
		n.agg, n.measure, n.target, n.rateCond, n.rateNeg, n.pct = d.agg, d.measure, d.target, d.rateCond, d.rateNeg, d.pct
	}
	for _, c := range d.conds {
		replaced := false
		for k := range n.conds {
			same := n.conds[k].col == c.col && n.conds[k].date == c.date
			if same {
				n.conds[k] = c
				replaced = true
				break
			}
		}
		if !replaced {
			n.conds = append(n.conds, c)
		}
	}
	if d.set.dims {
		if f.also {
			n.dims = append(n.dims, d.dims...)
		} else {
			n.dims = d.dims
		}
		if n.agg == "list" || n.agg == "rows" {
			n.agg = "count"
		}
	}
	if d.set.rank {
		n.order, n.limit, n.orderBy = d.order, d.limit, d.orderBy
	}
	n.notes = append(n.notes, d.notes...)
	return &n
}
