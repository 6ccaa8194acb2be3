package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRootMeets(t *testing.T) {
	pairs := [][2]string{
		{"cities", "city"}, {"categories", "category"}, {"churned", "churn"}, {"churning", "churn"},
		{"billing", "bill"}, {"stores", "store"}, {"sales", "sale"}, {"beanies", "beanie"},
		{"charges", "charge"}, {"boxes", "box"}, {"seniors", "senior"}, {"products", "product"},
	}
	for _, p := range pairs {
		if Root(p[0]) != Root(p[1]) {
			t.Errorf("Root(%q) = %q, Root(%q) = %q; want equal", p[0], Root(p[0]), p[1], Root(p[1]))
		}
	}
	apart := [][2]string{{"month", "monthly"}, {"unit", "units_price"}, {"us", "use"}}
	for _, p := range apart {
		if Root(p[0]) == Root(p[1]) {
			t.Errorf("Root(%q) = Root(%q) = %q; want different", p[0], p[1], Root(p[0]))
		}
	}
}

func TestWords(t *testing.T) {
	got := Words("Month-to-month customers in St. Louis spent $1,000.50 on 12-Pack")
	want := []string{"month", "to", "month", "customers", "in", "st", "louis", "spent", "1000.50", "on", "12", "pack"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Words (-want +got):\n%s", diff)
	}
}
