package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// TestTwoHopJoin checks that a filter or grouping two keys away is
// reached when each key identifies the next table's rows, that a count
// of the middle table's rows is never answered over a chain that starts
// elsewhere.
func TestTwoHopJoin(t *testing.T) {
	venues := ptable("lake.c.venues",
		pcol("venue_id", "INTEGER"),
		pcol("city", "VARCHAR", "Austin", "Portland"),
	)
	shows := ptable("lake.c.shows",
		pcol("show_id", "INTEGER"),
		pcol("venue_id", "INTEGER"),
		pcol("genre", "VARCHAR", "Rock", "Jazz"),
		pcol("ticket_price", "DECIMAL(8,2)"),
	)
	sales := ptable("lake.c.sales",
		pcol("sale_id", "INTEGER"),
		pcol("show_id", "INTEGER"),
		pcol("qty", "INTEGER"),
		pcol("paid_amt", "DECIMAL(8,2)"),
	)
	checkRules(t, offline.New([]*schema.Profile{venues, shows, sales}), []ruleCase{
		{q: "total paid amt by city", ok: []string{"sum(paid_amt)", "JOIN lake.c.shows USING (show_id) JOIN lake.c.venues USING (venue_id)", "GROUP BY city"}},
		{q: "sales in Austin", ok: []string{"FROM lake.c.sales JOIN lake.c.shows USING (show_id) JOIN lake.c.venues USING (venue_id)", "city = 'Austin'"}},
		{q: "number of shows by city", ok: []string{"FROM lake.c.shows JOIN lake.c.venues USING (venue_id)"}, absent: []string{"lake.c.sales"}},
	})
}
