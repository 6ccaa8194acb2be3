package offline

import (
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// shortEntity reports whether the word w names the rows of t through a
// short form of t's name that the general rules (schema.Abbreviates) do
// not read: a three-letter clip ("pol" for policies) or a short form that
// keeps a leading vowel ("agt" for agents). Such a short form is read
// only when the table's own key confirms it names the rows: a column of
// t named by the short form and an id word (pol_no, agt_id).
func shortEntity(t *table, e string, w word) bool {
	if len(e) < 2 || len(e) > 3 || strings.Trim(e, "abcdefghijklmnopqrstuvwxyz") != "" || schema.IsStop(w.Lower) || len(w.Root) < len(e)+2 || w.Num {
		return false
	}
	if len(e) == 2 {
		// A two-letter short form (ld in hrvst_ld, whose key is ld_id) is
		// the word's first letter and a later consonant: "loads".
		if strings.ContainsAny(e, "aeiouy") || w.Root[0] != e[0] || !strings.Contains(w.Root[1:], e[1:]) {
			return false
		}
	} else if !strings.HasPrefix(w.Root, e) && !abbreviates(e, w.Root) {
		return false
	}
	for _, c := range t.cols {
		if len(c.roots) == 0 || c.roots[0] != e {
			continue
		}
		n := strings.ToLower(c.Name)
		for _, k := range keyWords {
			if (n == e+"_"+k || n == e+k) && (c.Distinct <= 0 || t.p.Sampled || c.Distinct == t.p.Rows) {
				return true
			}
		}
	}
	return false
}

// keyWords end the name of a column that identifies rows: pol_no, agtId.
var keyWords = []string{"id", "no", "num", "nbr", "key", "cd", "code"}
