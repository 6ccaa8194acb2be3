package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// TestDurations checks that "days between A and B" and "X length in
// <unit>" measure the time between two dates of a row, that a span of
// timestamps without a unit is not read, and that a column named length
// stays that column.
func TestDurations(t *testing.T) {
	clm := ptable("lake.ins.clm",
		pcol("clm_no", "VARCHAR"),
		pcol("clm_typ_cd", "VARCHAR", "WTR", "FIRE"),
		pcol("loss_dt", "DATE"),
		pcol("rpt_dt", "DATE"),
	)
	visits := ptable("lake.gym.visits",
		pcol("visit_id", "INTEGER"),
		pcol("club_id", "INTEGER"),
		pcol("checked_in_at", "TIMESTAMP"),
		pcol("checked_out_at", "TIMESTAMP"),
	)
	shows := ptable("lake.c.shows",
		pcol("show_id", "INTEGER"),
		pcol("show_date", "DATE"),
		pcol("end_date", "DATE"),
		pcol("length_mins", "INTEGER"),
	)
	checkRules(t, offline.New([]*schema.Profile{clm, visits, shows}), []ruleCase{
		{q: "average days between a loss and when it was reported", ok: []string{"avg(date_diff('day', loss_dt, rpt_dt))"}},
		{q: "average days between loss and report by claim type", ok: []string{"date_diff('day', loss_dt, rpt_dt)", "GROUP BY clm_typ_cd"}},
		{q: "average visit length in minutes", ok: []string{"avg(date_diff('minute', checked_in_at, checked_out_at))"}},
		{q: "average visit length", refused: "length"},
		{q: "median show length", ok: []string{"median(length_mins)"}},
	})
}
