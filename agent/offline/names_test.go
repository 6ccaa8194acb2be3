package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// TestFirstLastNames checks that a grouping by a key to a table of people
// shows their first and last names beside it, and that a table with two
// first-name columns shows none.
func TestFirstLastNames(t *testing.T) {
	res := ptable("lake.h.reservations",
		pcol("reservationId", "BIGINT"),
		pcol("guestId", "BIGINT"),
		pcol("totalAmount", "DECIMAL(10,2)"),
	)
	guests := ptable("lake.h.guests",
		pcol("guestId", "BIGINT"),
		pcol("firstName", "VARCHAR"),
		pcol("lastName", "VARCHAR"),
	)
	odd := ptable("lake.h.guests",
		pcol("guestId", "BIGINT"),
		pcol("firstName", "VARCHAR"),
		pcol("given_name", "VARCHAR"),
		pcol("lastName", "VARCHAR"),
	)
	checkRules(t, offline.New([]*schema.Profile{res, guests}), []ruleCase{
		{q: "top 3 guests by total amount", ok: []string{`GROUP BY "guestId", "firstName", "lastName"`, `JOIN lake.h.guests USING ("guestId")`}},
	})
	checkRules(t, offline.New([]*schema.Profile{res, odd}), []ruleCase{
		{q: "top 3 guests by total amount", ok: []string{`GROUP BY "guestId"`}, absent: []string{"JOIN"}},
	})
}
