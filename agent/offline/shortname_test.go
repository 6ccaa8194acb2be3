package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// TestShortTableNames checks that a three-letter table name (pol, agt)
// names its rows when its own key confirms it (pol_no, agt_no), that a
// column ending in _no identifies rows rather than measuring them, and
// that a three-letter name no key confirms stays unread.
func TestShortTableNames(t *testing.T) {
	pol := ptable("lake.ins.pol",
		pcol("pol_no", "VARCHAR"),
		pcol("cust_no", "INTEGER"),
		pcol("prod_cd", "VARCHAR", "AUTO", "HOME"),
		pcol("prem_amt", "DECIMAL(10,2)"),
	)
	agt := ptable("lake.ins.agt",
		pcol("agt_no", "INTEGER"),
		pcol("agt_nm", "VARCHAR"),
	)
	cat := ptable("lake.z.cat",
		pcol("name", "VARCHAR"),
		pcol("weight", "DOUBLE"),
	)
	checkRules(t, offline.New([]*schema.Profile{pol, agt}), []ruleCase{
		{q: "how many policies are there", ok: []string{"count(*)", "FROM lake.ins.pol"}},
		{q: "number of agents", ok: []string{"count(*)", "FROM lake.ins.agt"}},
		{q: "total premium by product", ok: []string{"sum(prem_amt)", "prod_cd"}},
		{q: "which customers have more than 5 policies?", refused: "more than 5"},
	})
	checkRules(t, offline.New([]*schema.Profile{cat}), []ruleCase{
		{q: "how many categories are there", refused: "categories"},
	})
}
