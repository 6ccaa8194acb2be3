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
		{"num", "number"}, {"perf", "performance"}, {"dt", "date"}, {"avg", "average"}, {"mgr", "managers"}} {
		if Root(p[0]) != Root(p[1]) {
			t.Errorf("Root(%q) = %q, Root(%q) = %q; want equal", p[0], Root(p[0]), p[1], Root(p[1]))
		}
	}
}
