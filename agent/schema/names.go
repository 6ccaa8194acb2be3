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
}

// expand returns the full word for an abbreviation, or w.
func expand(w string) string {
	if full, ok := abbreviations[w]; ok {
		return full
	}
	return w
}
