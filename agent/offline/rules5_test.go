package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// The rules of the planner's fifth pass (issue 13), found on the library,
// logistics and stream schemas.

// TestOpenRanges checks that a period followed by "or later", "onwards" or
// "or earlier" opens a range from it instead of being the range.
func TestOpenRanges(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{shipments()}), []ruleCase{
		{q: "How many shipments in 2024 or later?", ok: []string{"shp_dt >= DATE '2024-01-01'"}, absent: []string{"shp_dt < DATE '2025-01-01'"}},
		{q: "shipments from March 2024 onwards", ok: []string{"shp_dt >= DATE '2024-03-01'"}, absent: []string{"shp_dt < DATE '2024-04-01'"}},
		{q: "How many shipments in 2023 or earlier?", ok: []string{"shp_dt < DATE '2024-01-01'"}, absent: []string{"shp_dt >= DATE '2023-01-01'"}},
		{q: "How many shipments in 2024?", ok: []string{"shp_dt >= DATE '2024-01-01' AND shp_dt < DATE '2025-01-01'"}},
	})
}

// TestLengthSuperlativeByGroup checks that "longest X by G" is the largest
// X in each group while "which G has the longest X" still ranks.
func TestLengthSuperlativeByGroup(t *testing.T) {
	titles := ptable("lake.media.titles",
		pcol("title_id", "INTEGER"),
		pcol("genre", "VARCHAR", "Drama", "Comedy"),
		pcol("runtime_mins", "INTEGER"),
	)
	checkRules(t, offline.New([]*schema.Profile{titles}), []ruleCase{
		{q: "longest runtime by genre", ok: []string{"max(runtime_mins)", "GROUP BY genre"}, absent: []string{"LIMIT 1"}},
		{q: "shortest runtime per genre", ok: []string{"min(runtime_mins)", "GROUP BY genre"}, absent: []string{"LIMIT 1"}},
		{q: "Which genre has the longest runtime?", ok: []string{"GROUP BY genre", "LIMIT 1"}},
	})
}

// TestCodeBeatsPartialJoinedValue checks that a word found inside a longer
// value of a joined table ("express" in 'DHL Express') is refused when a
// short code of the first table abbreviates it ('EXP'), and that a whole
// value of the joined table still filters.
func TestCodeBeatsPartialJoinedValue(t *testing.T) {
	shp := ptable("lake.lg.shipments",
		pcol("shp_id", "BIGINT"),
		pcol("carrier_cd", "VARCHAR", "DHL", "UPS", "FDX"),
		pcol("svc_lvl", "VARCHAR", "STD", "EXP", "ECO"),
		pcol("wt_kg", "DECIMAL(9,2)"),
	)
	car := ptable("lake.lg.carriers",
		pcol("carrier_cd", "VARCHAR", "DHL", "UPS", "FDX"),
		pcol("carrier_nm", "VARCHAR", "DHL Express", "United Parcel Service", "FedEx"),
	)
	car.Rows, car.Table.Rows = 3, 3
	checkRules(t, offline.New([]*schema.Profile{shp, car}), []ruleCase{
		{q: "median weight of express shipments", refused: `"express" may be svc_lvl "EXP" or carrier_nm "DHL Express"`},
		{q: "How many shipments by FedEx?", ok: []string{"JOIN lake.lg.carriers USING (carrier_cd)", "carrier_nm = 'FedEx'"}},
	})
}

// TestDistinctRowsElsewhere checks that "distinct" before the name of a
// table's own rows, with words the table does not read ("borrowed"), is
// refused rather than counted over that table, while a plain count and a
// distinct count of a column still answer.
func TestDistinctRowsElsewhere(t *testing.T) {
	members := ptable("lake.lib.members",
		pcol("memberId", "INTEGER"),
		pcol("joinDate", "DATE"),
		pcol("membershipType", "VARCHAR", "Adult", "Child"),
	)
	checkRules(t, offline.New([]*schema.Profile{members}), []ruleCase{
		{q: "How many distinct members borrowed something in 2025?", refused: `"distinct" members`},
		{q: "How many members are there?", ok: []string{"count(*)", "lake.lib.members"}},
		{q: "How many distinct membership types are there?", ok: []string{"count(DISTINCT \"membershipType\")"}},
	})
}

// TestUnPrefixedDateIsNull checks that un- before a word of a nullable
// date's name asks for its NULLs, and not where the date has none.
func TestUnPrefixedDateIsNull(t *testing.T) {
	invoices := func(nulls float64) *schema.Profile {
		p := ptable("lake.bill.invoices",
			pcol("invoiceId", "BIGINT"),
			pcol("issuedAt", "DATE"),
			pcol("paidAt", "DATE"),
			pcol("totalAmount", "DECIMAL(10,2)"),
		)
		p.Columns[2].Nulls = nulls
		return p
	}
	checkRules(t, offline.New([]*schema.Profile{invoices(0.2)}), []ruleCase{
		{q: "How many invoices are unpaid?", ok: []string{`WHERE "paidAt" IS NULL`}},
		{q: "total amount of unpaid invoices", ok: []string{`sum("totalAmount")`, `"paidAt" IS NULL`}},
	})
	checkRules(t, offline.New([]*schema.Profile{invoices(0)}), []ruleCase{
		{q: "How many invoices are unpaid?", refused: "unpaid"},
	})
}
