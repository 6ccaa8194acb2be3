package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNameWords(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"MonthlyCharges", []string{Root("monthly"), Root("charges")}},
		{"monthly_charges", []string{Root("monthly"), Root("charges")}},
		{"customerID", []string{"customer", "id"}},
		{"hireDate", []string{Root("hire"), Root("date")}},
		{"HTTPStatus", []string{"http", Root("status")}},
		{"SeniorCitizen", []string{Root("senior"), Root("citizen")}},
		{"bonusAmt", []string{Root("bonus"), Root("amount")}},
		{"qty", []string{Root("quantity")}},
		{"dept", []string{Root("department")}},
		{"empId", []string{Root("employee"), "id"}},
		{"return_dt", []string{Root("return"), Root("date")}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, NameWords(tt.name)); diff != "" {
			t.Errorf("NameWords(%q) (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestAbbreviationsMeet checks that a column's short form meets the word a
// question spells out.
func TestAbbreviationsMeet(t *testing.T) {
	for _, p := range [][2]string{{"qty", "quantities"}, {"amt", "amount"}, {"dept", "departments"}, {"emp", "employees"},
		{"num", "number"}, {"perf", "performance"}, {"dt", "date"}, {"avg", "average"}, {"mgr", "managers"},
		{"cd", "code"}, {"ctry", "countries"}, {"wt", "weight"}, {"cnt", "count"}, {"pct", "percent"}, {"dest", "destinations"},
		{"mins", "minutes"}, {"secs", "seconds"}} {
		if Root(p[0]) != Root(p[1]) {
			t.Errorf("Root(%q) = %q, Root(%q) = %q; want equal", p[0], Root(p[0]), p[1], Root(p[1]))
		}
	}
}

// TestAbbreviates checks the general rules by which a short form in a name
// meets the word a question spells out, and the near misses they must not
// take.
func TestAbbreviates(t *testing.T) {
	tests := []struct {
		short, word string
		want        bool
	}{
		{"shp", "shipments", true},
		{"shp", "shipped", true},
		{"dlvry", "delivery", true},
		{"dlvry", "delivered", true}, // the final y may go
		{"cmpgn", "campaigns", true},
		{"whse", "warehouse", true},
		{"descr", "descriptions", true},
		{"prio", "priority", true},
		{"temp", "temperature", true},
		{"shp", "ships", true},
		{"shp", "hips", false},     // the first letter must match
		{"shp", "sh", false},       // longer than the word
		{"cat", "catalog", false},  // a three-letter word is not a clipping
		{"age", "agents", false},   // same
		{"sale", "sales", false},   // an inflection, not an abbreviation
		{"part", "parts", false},   // same
		{"fld", "fields", true},    // vowel-less
		{"fld", "flat", false},     // no d
		{"x1", "x1000", false},     // not letters
		{"tmp", "timestamp", true}, // vowel-less subsequence
	}
	for _, tt := range tests {
		if got := Abbreviates(Root(tt.short), Root(tt.word)); got != tt.want {
			t.Errorf("Abbreviates(%q, %q) = %v, want %v (roots %q, %q)", tt.short, tt.word, got, tt.want, Root(tt.short), Root(tt.word))
		}
	}
}
