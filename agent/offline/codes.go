package offline

import (
	"strings"

	"github.com/floehq/floe/agent/schema"
)

// Short codes as values: systems that export abbreviated names often hold
// abbreviated values too (clm_stat_cd 'OPN', 'DEN'; ofc_cd 'DAL'; prod_cd
// 'UMB'). A question word stands for such a code when the code's column
// holds only upper-case codes of two to five letters and the code is the
// word's short form by one of two rules: the word's first letters, three
// or more of them, two letters shorter than it at least ("denied" is
// DEN, "Dallas" DAL, "umbrella" UMB), or its first letter then consonants
// of it in order ("water" is WTR, "open" OPN). The code must be the only
// one of its column the word abbreviates, and no other code column of
// the table may take the word; a word of a value of any table
// ("FedEx" in carriers beside 'FDX', "express" in 'DHL Express' beside
// 'EXP'), a word that names a column or a table's
// rows ("claims" in clm is never CLS) or spells a value whole is read as
// that instead. A US state's name stands for its
// two-letter code in a column named as a state (st_cd, state) that holds
// such codes ("Texas" is 'TX').

// codeColumn reports whether every value of c is an upper-case code of
// two to five letters, and c holds two values at least.
func codeColumn(c *column) bool {
	if c.Kind != schema.Text || len(c.Values) < 2 || c.truth != "" {
		return false
	}
	for _, v := range c.Values {
		if len(v) < 2 || len(v) > 5 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return false
		}
	}
	return true
}

// codeFor reports whether code (lower case) is a short form of the word
// w (lower case) by the rules above.
func codeFor(code, w string) bool {
	if len(code) < 3 || len(w) < len(code)+1 || code[0] != w[0] {
		return false
	}
	if len(w) >= len(code)+2 && strings.HasPrefix(w, code) {
		return true
	}
	if strings.ContainsAny(code[1:], "aeiouy") {
		return false
	}
	j := 1
	for i := 1; i < len(w) && j < len(code); i++ {
		if w[i] == code[j] {
			j++
		}
	}
	return j == len(code)
}

// codeMentions returns the words of ws that stand for a short code of
// one of t's code columns, or a US state's code.
func codeMentions(f *frame, t *table, ws []word, exact map[[2]int]bool) []mention {
	var out []mention
	for i, w := range ws {
		if !w.free() || exact[[2]int{i, i + 1}] || w.Num || schema.IsStop(w.Lower) || len(w.Lower) < 4 || namesColumn(t, ws[i:i+1]) ||
			f.catalog[w.Root] || f.valueWords[w.Root] || namesRowsOf(t, w) {
			continue
		}
		var found []mention
		for _, c := range t.cols {
			if !codeColumn(c) {
				continue
			}
			if stateColumn(c) {
				if code := usStates[w.Lower]; code != "" && contains(c.Values, code) {
					found = append(found, mention{start: i, end: i + 1, kind: mValue, col: c, value: code, score: 4})
				}
				continue
			}
			var vals []string
			for _, v := range c.Values {
				if strings.EqualFold(v, w.Lower) {
					vals = nil // spelled whole: the value itself, read elsewhere
					break
				}
				if codeFor(strings.ToLower(v), w.Lower) {
					vals = append(vals, v)
				}
			}
			if len(vals) == 1 {
				found = append(found, mention{start: i, end: i + 1, kind: mValue, col: c, value: vals[0], score: 2.5})
			} else if len(vals) > 1 {
				found = append(found, mention{}) // two codes of one column: neither
			}
		}
		if len(found) == 1 && found[0].col != nil {
			out = append(out, found[0])
		}
	}
	return out
}

// namesRowsOf reports whether w names what a row of t is ("claims" in
// clm): such a word is never one of its codes (CLS).
func namesRowsOf(t *table, w word) bool {
	for _, e := range t.entity {
		if w.Root == e || schema.Abbreviates(e, w.Root) || shortEntity(t, e, w) {
			return true
		}
	}
	return false
}

// stateColumn reports whether c is named as a state (state, st_cd) and
// holds two-letter codes.
func stateColumn(c *column) bool {
	if len(c.roots) == 0 || !(c.roots[0] == "state" || c.roots[0] == "st") {
		return false
	}
	for _, v := range c.Values {
		if len(v) != 2 {
			return false
		}
	}
	return true
}

// usStates map the names of US states, one word long, to their postal
// codes.
var usStates = map[string]string{
	"alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA", "colorado": "CO",
	"connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA", "hawaii": "HI", "idaho": "ID",
	"illinois": "IL", "indiana": "IN", "iowa": "IA", "kansas": "KS", "kentucky": "KY", "louisiana": "LA",
	"maine": "ME", "maryland": "MD", "massachusetts": "MA", "michigan": "MI", "minnesota": "MN",
	"mississippi": "MS", "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV", "ohio": "OH",
	"oklahoma": "OK", "oregon": "OR", "pennsylvania": "PA", "tennessee": "TN", "texas": "TX", "utah": "UT",
	"vermont": "VT", "virginia": "VA", "washington": "WA", "wisconsin": "WI", "wyoming": "WY",
}

// valueWords returns the roots of the words of every sampled value of the
// catalog.
func (p *Planner) valueWords() map[string]bool {
	if p.vwords != nil {
		return p.vwords
	}
	m := map[string]bool{}
	for _, t := range p.tables {
		for _, c := range t.cols {
			for _, v := range c.values {
				for _, w := range v.words {
					m[w.Root] = true
				}
			}
		}
	}
	p.vwords = m
	return m
}
