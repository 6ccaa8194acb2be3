package offline_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// accounts is a hand-made profile of a table the planner has never seen,
// with the naming habits of real schemas: camelCase, abbreviations, a 0/1
// integer flag, Yes/No text, a boolean, and two money columns.
func accounts() []*schema.Profile {
	col := func(name, typ string, k schema.Kind, values []string, lo, hi any) schema.ColumnProfile {
		return schema.ColumnProfile{Column: schema.Column{Name: name, Type: typ}, Kind: k, Distinct: int64(len(values)), Values: values, Min: lo, Max: hi}
	}
	t := schema.Table{Name: "lake.crm.accounts", Rows: 100}
	p := &schema.Profile{Table: t, Rows: 100, Columns: []schema.ColumnProfile{
		col("accountId", "BIGINT", schema.Number, nil, int64(1), int64(100)),
		col("accountName", "VARCHAR", schema.Text, []string{"Acme", "Globex", "Initech"}, nil, nil),
		col("isActive", "BOOLEAN", schema.Bool, nil, nil, nil),
		col("HasChurned", "VARCHAR", schema.Text, []string{"No", "Yes"}, nil, nil),
		col("VIP", "INTEGER", schema.Number, nil, int64(0), int64(1)),
		col("seatQty", "INTEGER", schema.Number, nil, int64(1), int64(500)),
		col("totalAmt", "DECIMAL(12,2)", schema.Number, nil, 10.0, 9000.0),
		col("revenue", "DECIMAL(12,2)", schema.Number, nil, 10.0, 9000.0),
		col("tier", "VARCHAR", schema.Text, []string{"Gold", "Silver"}, nil, nil),
		col("supportLevel", "VARCHAR", schema.Text, []string{"Basic", "Extended"}, nil, nil),
		col("plan", "VARCHAR", schema.Text, []string{"Premium Support", "Starter"}, nil, nil),
	}}
	for _, c := range p.Columns {
		t.Columns = append(t.Columns, c.Column)
	}
	p.Table = t
	return []*schema.Profile{p}
}

// TestLinkByName checks schema linking from names alone: each question
// must plan SQL holding every fragment.
func TestLinkByName(t *testing.T) {
	p := offline.New(accounts())
	tests := []struct {
		q    string
		want []string
	}{
		{"How many active accounts are there?", []string{`count(*)`, `WHERE "isActive"`}},
		{"churn rate by tier", []string{`avg(CASE WHEN "HasChurned" = 'Yes' THEN 1 ELSE 0 END)`, `GROUP BY tier`}},
		{"How many VIP accounts?", []string{`WHERE "VIP" = 1`}},
		{"accounts that are not VIP", []string{`NOT ("VIP" = 1)`}},
		{"total seat quantity", []string{`sum("seatQty")`}},
		{"avg amt by tier", []string{`avg("totalAmt")`, `GROUP BY tier`}},
		{"Total revenue for Gold accounts", []string{`sum(revenue)`, `tier = 'Gold'`}},
		// A value beats a name only when the words are the whole value:
		// "support" is part of a plan's name but names supportLevel.
		{"accounts by support level", []string{`GROUP BY "supportLevel"`}},
		// "is" after "what" is not the weak word of isActive.
		{"What is the total revenue?", []string{`SELECT sum(revenue) AS total_revenue
FROM lake.crm.accounts`}},
		{"premium support accounts by tier", []string{`plan = 'Premium Support'`, `GROUP BY tier`}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			plan, err := p.Plan(tt.q, nil)
			if err != nil {
				t.Fatalf("Plan(%q): %v", tt.q, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(plan.SQL, w) {
					t.Errorf("Plan(%q) lacks %s:\n%s", tt.q, w, plan.SQL)
				}
			}
		})
	}
}

// TestIgnoredWords checks that words matching nothing are ignored when
// every part of the plan is grounded, and named in the explanation.
func TestIgnoredWords(t *testing.T) {
	p := offline.New(accounts())
	tests := []struct {
		q       string
		ignored []string
	}{
		{"How many accounts were created please", []string{"created"}},
		{"Please give me the total revenue of all the Gold accounts we manage", []string{"manage"}},
		{"revenue by tier", nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			plan, err := p.Plan(tt.q, nil)
			if err != nil {
				t.Fatalf("Plan(%q): %v", tt.q, err)
			}
			if diff := cmp.Diff(tt.ignored, plan.Ignored); diff != "" {
				t.Errorf("ignored words (-want +got):\n%s", diff)
			}
			for _, w := range tt.ignored {
				if !strings.Contains(plan.Explanation, `"`+w+`"`) {
					t.Errorf("explanation %q does not name %q", plan.Explanation, w)
				}
			}
		})
	}
}

// TestUnsure checks that the planner refuses rather than guess, names
// what it could not map, and offers the closest readings.
func TestUnsure(t *testing.T) {
	p := offline.New(accounts())
	tests := []struct {
		q       string
		word    string // the error names it
		closest string // and the closest readings hold this
	}{
		{"total spend", `"spend" could be totalAmt or revenue`, ""},
		{"accounts by colour", `"colour"`, ""},
		{"total revenue for Paris", `"Paris"`, ""},
		{"revenue by account segment", `"segment"`, ""},
		{"average revenue for women", `"women"`, ""},
		{"delete the churned accounts", `"delete"`, ""},
		{"revenue by tiers name", `"name"`, "accountName"},
		{"average", "no table or column is named", "seatQty"},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			plan, err := p.Plan(tt.q, nil)
			if err == nil {
				t.Fatalf("Plan(%q) = %s, want a refusal", tt.q, plan.SQL)
			}
			var nu *offline.NotUnderstood
			if !errors.As(err, &nu) || !errors.Is(err, offline.ErrNotUnderstood) {
				t.Fatalf("error %v is not a *NotUnderstood wrapping ErrNotUnderstood", err)
			}
			if !strings.Contains(err.Error(), tt.word) {
				t.Errorf("error %q does not name %s", err, tt.word)
			}
			if tt.closest != "" && !strings.Contains(strings.Join(nu.Closest, "; "), tt.closest) {
				t.Errorf("closest readings %q lack %q", nu.Closest, tt.closest)
			}
		})
	}
}

// TestExactValueFirst checks that words which are exactly a value of one
// table are not read as part of a longer value of another: "Premium" is a
// plan tier, not the "Premium Support" plan of an account.
func TestExactValueFirst(t *testing.T) {
	tiers := &schema.Profile{Rows: 2, Table: schema.Table{Name: "lake.crm.tiers", Rows: 2,
		Columns: []schema.Column{{Name: "tierName", Type: "VARCHAR"}, {Name: "monthlyFee", Type: "DECIMAL(8,2)"}}},
		Columns: []schema.ColumnProfile{
			{Column: schema.Column{Name: "tierName", Type: "VARCHAR"}, Kind: schema.Text, Distinct: 2, Values: []string{"Basic", "Premium"}},
			{Column: schema.Column{Name: "monthlyFee", Type: "DECIMAL(8,2)"}, Kind: schema.Number, Distinct: -1, Min: 5.0, Max: 50.0},
		}}
	p := offline.New(append(accounts(), tiers))
	plan, err := p.Plan("What is the monthly fee of the Premium tier?", nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(plan.SQL, `"tierName" = 'Premium'`) {
		t.Errorf("planned\n%s\nwant the Premium tier", plan.SQL)
	}
	plan, err = p.Plan("Total revenue of Premium accounts", nil)
	if err == nil {
		t.Errorf("read Premium as part of another value:\n%s", plan.SQL)
	}
}
