package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// The rules of the planner's seventh pass (issue 13), found on the third
// held-out set (airline, payroll, rentals, census, telco) and checked on
// the private concerts schema.

// flights has a delay in minutes, a duration whose unit its name does not
// say, and a plane's delivery date.
func flights() *schema.Profile {
	return ptable("lake.air.flights",
		pcol("flightId", "BIGINT"),
		pcol("originCode", "VARCHAR", "LHR", "JFK"),
		pcol("departureDelayMinutes", "INTEGER"),
		pcol("duration", "INTEGER"),
		pcol("tenure_months", "INTEGER"),
	)
}

// TestTimeUnits checks that a number with a unit of time converts to the
// unit a column's name says, and is refused where the name says none.
func TestTimeUnits(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{flights()}), []ruleCase{
		{q: "count flights delayed by more than 2 hours", ok: []string{`"departureDelayMinutes" > 120`}},
		{q: "flights with a departure delay over 90 minutes", ok: []string{`"departureDelayMinutes" > 90`}},
		{q: "how many flights have a departure delay over 30 seconds", ok: []string{`"departureDelayMinutes" > 0.5`}},
		{q: "how many flights have a duration over 3 hours", refused: "does not say its unit"},
		{q: "flights with tenure over 2 years", ok: []string{"tenure_months > 24"}},
	})
}

// TestAgeSuperlatives checks that "oldest" and "youngest" rank an age and
// are refused of a column that is neither an age nor a date; and that
// "which X has the oldest average age" keeps one row.
func TestAgeSuperlatives(t *testing.T) {
	people := ptable("lake.c.people",
		pcol("age", "INTEGER"),
		pcol("marital_status", "VARCHAR", "Married", "Divorced", "Widowed"),
		pcol("hours_per_week", "INTEGER"),
	)
	checkRules(t, offline.New([]*schema.Profile{people}), []ruleCase{
		{q: "Which marital status has the oldest average age?", ok: []string{"avg(age)", "DESC", "LIMIT 1"}},
		{q: "What is the youngest age?", ok: []string{"min(age)"}},
		{q: "oldest hours per week by marital status", refused: `"oldest" of what?`},
	})
}

// TestUnreadNegation checks that a negation no condition reads ("never
// made a booking": an anti-join) is refused rather than dropped, while a
// negation that is part of a value or a flag still answers.
func TestUnreadNegation(t *testing.T) {
	pax := ptable("lake.air.passengers",
		pcol("passengerId", "BIGINT"),
		pcol("tier", "VARCHAR", "Gold", "Silver", "Platinum"),
		pcol("isMember", "BOOLEAN"),
	)
	checkRules(t, offline.New([]*schema.Profile{pax}), []ruleCase{
		{q: "Which passengers have never made a booking?", refused: "anti-join"},
		{q: "how many passengers don't have any bookings", refused: "don't"},
		{q: "How many passengers are not members?", ok: []string{`NOT "isMember"`}},
		{q: "passengers not in the Gold tier", ok: []string{"tier <> 'Gold'"}},
	})
}

// TestCurrentRows checks that "current", "active" and present-tense
// "work" ask for the NULLs of a nullable end or termination date, and that
// a column named "active" is that column's instead.
func TestCurrentRows(t *testing.T) {
	emps := ptable("lake.pay.emps",
		pcol("emp_id", "INTEGER"),
		pcol("dept_cd", "VARCHAR", "ENG", "SLS"),
		pcol("hire_dt", "DATE"),
		pcol("term_dt", "DATE"),
		pcol("base_sal", "DECIMAL(10,2)"),
	)
	emps.Columns[3].Nulls = 0.8
	leases := ptable("lake.rent.leases",
		pcol("lease_id", "INTEGER"),
		pcol("start_date", "DATE"),
		pcol("planned_end", "DATE"),
		pcol("end_date", "DATE"),
		pcol("monthly_rent", "DECIMAL(8,2)"),
	)
	leases.Columns[3].Nulls = 0.3
	members := ptable("lake.lib.members",
		pcol("memberId", "INTEGER"),
		pcol("isActive", "BOOLEAN"),
		pcol("endDate", "DATE"),
	)
	members.Columns[2].Nulls = 0.5
	checkRules(t, offline.New([]*schema.Profile{emps}), []ruleCase{
		{q: "current headcount by department", ok: []string{"term_dt IS NULL", "GROUP BY dept_cd"}},
		{q: "median base salary of current employees", ok: []string{"median(base_sal)", "term_dt IS NULL"}},
		{q: "how many employees work in each department", ok: []string{"term_dt IS NULL"}},
		{q: "how many employees by department", absent: []string{"term_dt"}},
	})
	checkRules(t, offline.New([]*schema.Profile{leases}), []ruleCase{
		{q: "How many leases are currently active?", ok: []string{"end_date IS NULL"}, absent: []string{"planned_end"}},
	})
	checkRules(t, offline.New([]*schema.Profile{members}), []ruleCase{
		{q: "How many members are active?", ok: []string{`"isActive"`}, absent: []string{"IS NULL"}},
	})
}

// TestKeyNamedByItsTable checks that a grouping by a key to another
// table's rows shows that table's name column beside it, that a column two
// keys away is reached (join2.go), and that a phrase spelling a column
// three keys away is refused rather than grouped by its first word.
func TestKeyNamedByItsTable(t *testing.T) {
	props := ptable("lake.rent.properties",
		pcol("property_id", "INTEGER"),
		pcol("owner_id", "INTEGER"),
		pcol("property_type", "VARCHAR", "House", "Condo"),
		pcol("listed_rent", "DECIMAL(8,2)"),
	)
	owners := ptable("lake.rent.owners",
		pcol("owner_id", "INTEGER"),
		pcol("owner_name", "VARCHAR", "Harbor LLC", "Ann Lee", "Bo Chen"),
	)
	owners.Rows, owners.Table.Rows = 3, 3
	leases := ptable("lake.rent.leases",
		pcol("lease_id", "INTEGER"),
		pcol("property_id", "INTEGER"),
		pcol("monthly_rent", "DECIMAL(8,2)"),
	)
	payments := ptable("lake.rent.payments",
		pcol("payment_id", "INTEGER"),
		pcol("lease_id", "INTEGER"),
		pcol("amount_paid", "DECIMAL(8,2)"),
	)
	checkRules(t, offline.New([]*schema.Profile{props, owners, leases, payments}), []ruleCase{
		{q: "Which owner has the most properties?", ok: []string{"JOIN lake.rent.owners USING (owner_id)", "GROUP BY owner_id, owner_name", "LIMIT 1"}},
		{q: "average listed rent by owner id", ok: []string{"GROUP BY owner_id"}, absent: []string{"owner_name"}},
		{q: "monthly rent by property type", refused: "monthly_rent"},
		{q: "amount paid by property type", ok: []string{"JOIN lake.rent.leases USING (lease_id) JOIN lake.rent.properties USING (property_id)", "GROUP BY property_type"}},
		{q: "amount paid by owner name", refused: "does not reach"},
	})
}

// TestParticipleNamesItsDate checks that a participle that names a date
// column is that date, not a status value it also spells: "opened" is not
// 'open', and "not closed yet" is a NULL closed date.
func TestParticipleNamesItsDate(t *testing.T) {
	reqs := ptable("lake.rent.requests",
		pcol("request_id", "INTEGER"),
		pcol("priority", "VARCHAR", "low", "urgent"),
		pcol("status", "VARCHAR", "open", "closed", "cancelled"),
		pcol("opened_date", "DATE"),
		pcol("closed_date", "DATE"),
	)
	reqs.Columns[4].Nulls = 0.1
	checkRules(t, offline.New([]*schema.Profile{reqs}), []ruleCase{
		{q: "how many urgent requests were opened in 2024", ok: []string{"priority = 'urgent'", "opened_date >= DATE '2024-01-01'"}, absent: []string{"status"}},
		{q: "urgent requests that haven't been closed yet", ok: []string{"closed_date IS NULL"}, absent: []string{"status"}},
		{q: "closed requests by priority", ok: []string{"status = 'closed'"}},
	})
}

// TestRankExtras checks "the 3 X with the highest ...", "most common
// first" and "apart from".
func TestRankExtras(t *testing.T) {
	people := ptable("lake.c.people",
		pcol("occupation", "VARCHAR", "Sales", "Tech-support", "Craft-repair"),
		pcol("native_country", "VARCHAR", "United-States", "Mexico", "India"),
		pcol("age", "INTEGER"),
	)
	checkRules(t, offline.New([]*schema.Profile{people}), []ruleCase{
		{q: "the 3 occupations with the highest average age", ok: []string{"LIMIT 3"}},
		{q: "number of people per occupation, most common first", ok: []string{"ORDER BY count DESC"}, absent: []string{"LIMIT"}},
		{q: "Apart from the United States, which native country has the most people?", ok: []string{"native_country <> 'United-States'", "LIMIT 1"}},
	})
}

// TestMoneyWords checks that "revenue" names a money column and never the
// rows or an id through a synonym, and that a price is not named by the
// thing it prices alone.
func TestMoneyWords(t *testing.T) {
	sales := ptable("lake.tix.tix_sales",
		pcol("sale_id", "BIGINT"),
		pcol("chan_cd", "VARCHAR", "WEB", "APP"),
		pcol("qty", "INTEGER"),
		pcol("paid_amt", "DECIMAL(9,2)"),
	)
	shows := ptable("lake.tix.shows",
		pcol("showId", "INTEGER"),
		pcol("genre", "VARCHAR", "Rock", "Jazz"),
		pcol("ticketPrice", "DECIMAL(7,2)"),
		pcol("isSoldOut", "BOOLEAN"),
	)
	checkRules(t, offline.New([]*schema.Profile{sales, shows}), []ruleCase{
		{q: "total revenue", ok: []string{"sum(paid_amt)"}},
		{q: "revenue by chan cd", ok: []string{"sum(paid_amt)", "GROUP BY chan_cd"}},
		{q: "How many shows were sold out?", ok: []string{`WHERE "isSoldOut"`}},
		{q: "average ticket price by genre", ok: []string{`avg("ticketPrice")`}},
		{q: "total tickets", refused: "tickets"},
	})
}
