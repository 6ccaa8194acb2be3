package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// kennelBookings is a boarding kennel's bookings: a numbering column
// (owner_no), a nullable pick-up date and a flag, in a domain no rule was
// written for.
func kennelBookings() *schema.Profile {
	p := ptable("lake.pets.bookings",
		pcol("booking_id", "INTEGER"),
		pcol("owner_no", "INTEGER"),
		pcol("kennel_id", "INTEGER"),
		pcol("breed", "VARCHAR", "Beagle", "Poodle", "Collie"),
		pcol("nights", "INTEGER"),
		pcol("price", "DECIMAL(8,2)"),
		pcol("booked_on", "DATE"),
		pcol("picked_up_on", "DATE"),
		pcol("is_vip", "BOOLEAN"),
	)
	for i := range p.Columns {
		if p.Columns[i].Kind == schema.Date {
			p.Columns[i].Min, p.Columns[i].Max = mustDate("2023-01-01"), mustDate("2024-12-31")
		}
		if p.Columns[i].Name == "picked_up_on" {
			p.Columns[i].Nulls = 0.1
		}
	}
	return p
}

// kennels has one name per row.
func kennels() *schema.Profile {
	p := ptable("lake.pets.kennels",
		pcol("kennel_id", "INTEGER"),
		pcol("kennel_name", "VARCHAR"),
		pcol("has_heating", "BOOLEAN"),
		pcol("capacity", "INTEGER"),
	)
	p.Columns[0].Distinct, p.Columns[1].Distinct = 100, 100
	return p
}

// TestGate checks the confidence gate: a plan is answered only when every
// content word is read and every part comes from the question's words.
func TestGate(t *testing.T) {
	p := offline.New([]*schema.Profile{kennelBookings(), kennels()})
	checkRules(t, p, []ruleCase{
		// Words a plan must read, or refuse.
		{q: "total price of bookings we still have", refused: `"still" asks for a current state`},
		{q: "number of no-shows in 2024", refused: `"no-shows"`},
		{q: "how many bookings failed", refused: `"failed"`},
		{q: "how many bookings were cancelled", refused: `"cancelled"`},
		{q: "how many Beagle bookings got sent back", refused: `"back"`},
		{q: "how many bookings on weekend stays", refused: `"weekend"`},
		{q: "how many refundable bookings", refused: `"refundable"`},
		{q: "how many Beagle cancellations", refused: `"cancellations"`},
		{q: "how many Beagle dogs", ok: []string{"count(*)", "'Beagle'"}},
		{q: "how many bookings have a price above average", refused: `"above"`},
		{q: "how many bookings were made in 2024 for the 3 dogs", refused: `3`},
		// Parts of the plan that no word asks for.
		{q: "total price of a single booking", refused: `"single"`},
		{q: "biggest single booking price", ok: []string{"max(price)"}},
		{q: "show me the Beagle bookings with their prices", refused: "no word asks for"},
		{q: "total owner no by breed", refused: "could not tell which column to take the sum of"},
		// What the gate lets through.
		{q: "how many bookings were placed in 2024", ok: []string{"count(*)", "2024-01-01"}},
		{q: "total price of Beagle bookings", ok: []string{"sum(price)", "breed = 'Beagle'"}},
		{q: "how many nights did Beagle dogs stay", ok: []string{"sum(nights)", "'Beagle'"}},
		{q: "average price for bookings longer than 3 nights", ok: []string{"avg(price)", "nights > 3"}},
		// Rates with no scale show both; a grain of a nullable date keeps
		// its set dates; a list of keys shows names.
		{q: "vip rate by breed", ok: []string{"_rate", "_pct", "GROUP BY breed"}},
		{q: "vip percentage by breed", ok: []string{"_pct"}, absent: []string{"_rate"}},
		{q: "bookings per year by picked up on", ok: []string{"year(picked_up_on)", "picked_up_on IS NOT NULL"}, absent: []string{"picked_up_on AS"}},
		{q: "bookings per month", ok: []string{"date_trunc('month', booked_on)"}, absent: []string{"IS NOT NULL"}},
		{q: "which kennels have heating", ok: []string{"kennel_name", "has_heating"}},
	})
}

// TestGateMargin checks that two tables reading a question equally well
// refuse it, unless the rows of one refer to the rows of the other.
func TestGateMargin(t *testing.T) {
	shop := func(name string, cols ...schema.ColumnProfile) *schema.Profile {
		return ptable(name, append([]schema.ColumnProfile{pcol("breed", "VARCHAR", "Beagle", "Poodle"), pcol("price", "DECIMAL(8,2)")}, cols...)...)
	}
	apart := offline.New([]*schema.Profile{shop("lake.pets.grooming", pcol("groom_id", "INTEGER")), shop("lake.pets.training", pcol("session_id", "INTEGER"))})
	checkRules(t, apart, []ruleCase{
		{q: "total price by breed", refused: "reads equally well over lake.pets.grooming and lake.pets.training"},
	})
	linked := offline.New([]*schema.Profile{shop("lake.pets.bookings", pcol("booking_id", "INTEGER")), shop("lake.pets.refunds", pcol("refund_id", "INTEGER"), pcol("booking_id", "INTEGER"))})
	checkRules(t, linked, []ruleCase{
		{q: "total price by breed", ok: []string{"FROM lake.pets.bookings"}},
	})
	copied := offline.New([]*schema.Profile{shop("lake.pets.visits_synth"), shop("lake.pets.visits")})
	checkRules(t, copied, []ruleCase{
		{q: "total price by breed", ok: []string{"FROM lake.pets.visits\n"}},
	})
}

// TestGateDefaultAggregate checks that a measure no word aggregates is
// added up or averaged only when its name says which.
func TestGateDefaultAggregate(t *testing.T) {
	p := offline.New([]*schema.Profile{ptable("lake.pets.stays",
		pcol("breed", "VARCHAR", "Beagle", "Poodle"),
		pcol("height_cm", "INTEGER"),
		pcol("rating", "INTEGER"),
		pcol("nights", "INTEGER"),
		pcol("price", "DECIMAL(8,2)"),
	)})
	checkRules(t, p, []ruleCase{
		{q: "height by breed", refused: "no word says whether to add up or average height_cm"},
		{q: "average height by breed", ok: []string{"avg(height_cm)"}},
		{q: "rating by breed", ok: []string{"avg(rating)"}},
		{q: "nights by breed", ok: []string{"sum(nights)"}},
		{q: "price by breed", ok: []string{"avg(price)"}},
	})
}
