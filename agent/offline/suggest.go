package offline

import (
	"fmt"
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// closest offers the interpretations nearest to a question the planner
// refuses: for each word it could not map, the columns spelled most like
// it; when every word mapped but something to compute is missing, what the
// table can compute.
func closest(r *reading, tables []*table) []string {
	var out []string
	for _, w := range r.unmapped {
		root := schema.Root(w)
		var near []string
		for _, t := range tables {
			if t != r.t && contains(t.entity, root) {
				near = append(near, "the table "+t.name+" (the offline planner reads one table, or two linked by a column naming the second one's rows)")
			}
		}
		if len(near) > 0 {
			out = append(out, fmt.Sprintf("%q is %s", w, strings.Join(near, " or ")))
			continue
		}
		for _, t := range tables {
			for _, c := range t.cols {
				for _, cr := range c.roots {
					if similar(root, cr) {
						near = append(near, c.Name+" in "+t.name)
						break
					}
				}
				if len(near) == 3 {
					break
				}
			}
		}
		if len(near) > 0 {
			out = append(out, fmt.Sprintf("%q may be %s", w, strings.Join(near, " or ")))
		}
	}
	if len(out) > 0 || len(r.unmapped) > 0 {
		return out
	}
	// Words that name other tables or their columns: the question needs a
	// join, which the planner does not write.
	seen := map[string]bool{}
	for _, w := range r.words {
		if !w.free() || w.used == "mention" || schema.IsStop(w.Lower) || seen[w.Root] {
			continue
		}
		for _, t := range tables {
			if t == r.t || seen[w.Root] {
				continue
			}
			if contains(t.entity, w.Root) {
				seen[w.Root] = true
				out = append(out, fmt.Sprintf("%q is the table %s", w.Text, t.name))
				continue
			}
			for _, c := range t.cols {
				if !c.id && contains(c.heads, w.Root) {
					seen[w.Root] = true
					out = append(out, fmt.Sprintf("%q is %s in %s", w.Text, c.Name, t.name))
					break
				}
			}
		}
	}
	if len(out) > 0 {
		out[len(out)-1] += " (the offline planner reads one table, or two linked by a column naming the second one's rows)"
		return out
	}
	var what []string
	for _, c := range r.t.cols {
		if c.measure() && c.truth == "" && len(what) < 3 && !numbering(c) {
			what = append(what, fmt.Sprintf("%s of %s", aggName(c.defaultAgg()), c.Name))
		}
	}
	what = append(what, "the number of rows")
	var by string
	for _, c := range r.t.cols {
		if c.Kind == schema.Text && len(c.Values) > 0 {
			by = " (by " + c.Name + ", say)"
			break
		}
	}
	return []string{fmt.Sprintf("%s can answer with %s%s", r.t.name, strings.Join(what, ", "), by)}
}

// similar reports whether two roots are spelled alike: one starts the
// other, or they are at most a third of their length apart in edits.
func similar(a, b string) bool {
	if len(a) < 3 || len(b) < 3 {
		return false
	}
	if strings.HasPrefix(a, b) || strings.HasPrefix(b, a) {
		return true
	}
	return 3*schema.EditDistance(a, b) <= max(len(a), len(b))
}

// numbering reports whether c's name ends like a number that names a
// thing (cust_no, roomNumber, invoice_nbr) rather than a quantity.
func numbering(c *column) bool {
	if len(c.roots) < 2 {
		return false
	}
	last := c.roots[len(c.roots)-1]
	return numberingRoots[last] || last == schema.Root("number")
}
