package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// TestAntiJoin checks that "never", "no", "don't" and "without" before the
// name of another table's rows read as rows of the subject with no match
// there (NOT EXISTS on the subject's row key), that the object's words may
// filter its rows, that words after the negation the object does not read
// are refused rather than dropped, and that "with a" reads as EXISTS.
func TestAntiJoin(t *testing.T) {
	pax := ptable("lake.air.passengers",
		pcol("passengerId", "BIGINT"),
		pcol("tier", "VARCHAR", "Gold", "Silver", "Platinum"),
	)
	bookings := ptable("lake.air.bookings",
		pcol("bookingId", "BIGINT"),
		pcol("passengerId", "BIGINT"),
		pcol("cabin", "VARCHAR", "Economy", "Business"),
		pcol("farePaid", "DECIMAL(10,2)"),
	)
	owners := ptable("lake.r.owners",
		pcol("owner_id", "INTEGER"),
		pcol("owner_name", "VARCHAR"),
		pcol("portfolio_value", "DECIMAL(12,2)"),
	)
	props := ptable("lake.r.properties",
		pcol("property_id", "INTEGER"),
		pcol("owner_id", "INTEGER"),
		pcol("city", "VARCHAR", "Bend", "Salem"),
	)
	p := offline.New([]*schema.Profile{pax, bookings, owners, props})
	checkRules(t, p, []ruleCase{
		{q: "Which passengers have never made a booking?", ok: []string{"SELECT *", `NOT EXISTS (SELECT 1 FROM lake.air.bookings AS unmatched WHERE unmatched."passengerId" = passengers."passengerId")`}},
		{q: "how many Gold passengers have never made a booking", ok: []string{"count(*)", "tier = 'Gold'", "NOT EXISTS"}},
		{q: "number of passengers without a Business booking", ok: []string{"count(*)", "NOT EXISTS", "AND cabin = 'Business')"}},
		{q: "which owners don't own any properties?", ok: []string{`NOT EXISTS (SELECT 1 FROM lake.r.properties AS unmatched WHERE unmatched.owner_id = owners.owner_id)`}},
		{q: "how many owners have no properties in Bend", ok: []string{"count(*)", "AND city = 'Bend')"}},
		{q: "passengers who never made a booking through an agency", refused: "through"},
		{q: "average portfolio value of owners with a property in Bend", ok: []string{"avg(portfolio_value)", "EXISTS (SELECT 1 FROM lake.r.properties AS unmatched WHERE unmatched.owner_id = owners.owner_id AND city = 'Bend')"}, absent: []string{"NOT EXISTS"}},
	})
}
