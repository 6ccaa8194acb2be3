package offline

import "github.com/floehq/floe/agent/schema"

// nameColumns returns the columns that name a row of t for a person: the
// one name column nameColumn finds (owner_name, dept_nm), or else one
// first-name and one last-name column (first_name and last_name,
// firstName and lastName, given_name and family_name), which together
// name a person though each may repeat. It returns nil when t has
// neither, or more than one of either.
func nameColumns(t *table) []*column {
	if c := nameColumn(t); c != nil {
		return []*column{c}
	}
	var first, last *column
	for _, c := range t.cols {
		if c.Kind != schema.Text || len(c.roots) != 2 || !nameRoots[c.roots[1]] {
			continue
		}
		switch c.roots[0] {
		case "first", "given":
			if first != nil {
				return nil
			}
			first = c
		case "last", "family", "sur":
			if last != nil {
				return nil
			}
			last = c
		}
	}
	if first == nil || last == nil {
		return nil
	}
	return []*column{first, last}
}
