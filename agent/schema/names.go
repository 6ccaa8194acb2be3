package schema

import (
	"strings"
	"unicode"
)

// NameWords returns the roots of the words of a column or table name.
// Besides the separators Words knows, a change of case separates words, so
// that camelCase and PascalCase names read like snake_case ones:
// "MonthlyCharges", "monthlyCharges" and "monthly_charges" give the same
// roots, and "customerID" gives customer and id.
func NameWords(name string) []string { return Roots(SplitName(name)) }

// SplitName puts a space where a name changes from lower to upper case or
// from an acronym to a capitalized word: "hireDate" becomes "hire Date",
// "customerID" "customer ID", "HTTPStatus" "HTTP Status".
func SplitName(name string) string {
	rs := []rune(name)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			next := rune(0)
			if i+1 < len(rs) {
				next = rs[i+1]
			}
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && unicode.IsLower(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// abbreviations are the short forms column names use for words questions
// spell out. Root maps them to the root of the full word, so "qty" meets
// "quantity" and "dept" meets "departments". Short forms that are also
// common words or values ("no", "hr", "cat") are left out.
var abbreviations = map[string]string{
	"qty": "quantity", "qnty": "quantity", "amt": "amount", "amnt": "amount", "dept": "department",
	"depts": "department", "emp": "employee", "emps": "employee", "empl": "employee", "num": "number",
	"perf": "performance", "dt": "date", "mgr": "manager", "desc": "description", "cnt": "count",
	"yr": "year", "yrs": "year", "addr": "address", "avg": "average", "txn": "transaction",
	"cust": "customer", "prod": "product", "qtr": "quarter", "hrs": "hours", "rev": "revenue",
	"acct": "account", "bal": "balance", "loc": "location", "pmt": "payment",
	"cd": "code", "ctry": "country", "cntry": "country", "wt": "weight", "wgt": "weight", "pct": "percent",
	"dest": "destination", "orig": "origin", "src": "source", "tgt": "target", "dur": "duration",
	"mins": "minutes", "secs": "seconds", "sal": "salary", "req": "request", "reqs": "request", "stmt": "statement",
	"stmts": "statement", "stat": "status",
}

// expand returns the full word for an abbreviation, or w.
func expand(w string) string {
	if full, ok := abbreviations[w]; ok {
		return full
	}
	return w
}

// Abbreviates reports whether short, the root of a word of a column or
// table name, is a shortened spelling of root, the root of a question
// word, by one of two general rules (the short forms listed above are
// already expanded by Root):
//
//   - a short form without vowels ("shp", "dlvry", "wgt") keeps the word's
//     first letter and some of its other letters in order: shp is ship,
//     shipped or shipment;
//   - a short form of four or more letters with vowels is a clipped word
//     ("dest", "cust", "prod", "temp") when it starts root, two or more
//     letters shorter: inflections are Root's business, not this rule's.
//
// Two- and three-letter short forms with vowels ("cat", "age") are common
// words themselves and never abbreviate anything here.
func Abbreviates(short, root string) bool {
	if len(short) < 3 || len(root) <= len(short) || short[0] != root[0] || !isLetters(short) {
		return false
	}
	// Root turns a final y into i: "dlvry" has no vowel.
	if !strings.ContainsAny(strings.TrimSuffix(short, "i"), "aeiou") {
		// A subsequence of root's letters, starting with the first; a
		// final i (Root's y) may be missing: dlvry is delivered too.
		j := 0
		for i := 0; i < len(root) && j < len(short); i++ {
			if root[i] == short[j] {
				j++
			}
		}
		return j == len(short) || j == len(short)-1 && j >= 3 && short[j] == 'i'

	}
	return len(short) >= 4 && len(root) >= len(short)+2 && strings.HasPrefix(root, short)
}

func isLetters(s string) bool {
	for _, c := range s {
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
