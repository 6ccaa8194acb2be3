package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// TestCodeValues checks that a word stands for the short code its column
// abbreviates (open is OPN, denied DEN, water WTR, Dallas DAL), a US
// state for its postal code in a state column, that a word naming the
// table's rows is never a code or a column's short form ("claims" is not
// CLS nor cls_dt), and that a word two codes of one column abbreviate is
// read as neither.
func TestCodeValues(t *testing.T) {
	clm := ptable("lake.ins.clm",
		pcol("clm_no", "VARCHAR"),
		pcol("clm_stat_cd", "VARCHAR", "OPN", "CLS", "DEN"),
		pcol("clm_typ_cd", "VARCHAR", "WTR", "FIRE", "THFT"),
		pcol("pd_amt", "DECIMAL(12,2)"),
		pcol("cls_dt", "DATE"),
	)
	agt := ptable("lake.ins.agt",
		pcol("agt_no", "INTEGER"),
		pcol("ofc_cd", "VARCHAR", "DAL", "BOS", "BST"),
		pcol("st_cd", "VARCHAR", "TX", "FL", "CA"),
	)
	checkRules(t, offline.New([]*schema.Profile{clm, agt}), []ruleCase{
		{q: "number of open claims", ok: []string{"count(*)", "clm_stat_cd = 'OPN'"}, absent: []string{"cls_dt"}},
		{q: "how many claims were denied", ok: []string{"clm_stat_cd = 'DEN'"}},
		{q: "average pd amt of water claims", ok: []string{"avg(pd_amt)", "clm_typ_cd = 'WTR'"}},
		{q: "number of agents in Texas", ok: []string{"st_cd = 'TX'"}},
		{q: "how many agents in the Dallas office", ok: []string{"ofc_cd = 'DAL'"}},
		{q: "how many agents in the Boston office", refused: "Boston"},
	})
}
