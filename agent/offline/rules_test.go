package offline_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// The general rules of confidence, each with questions that must plan SQL
// holding every fragment (ok) or be refused with an error naming what
// could not be mapped (refused). The profiles are hand-made, with the
// naming habits of schemas the planner was not designed around.

func pcol(name, typ string, values ...string) schema.ColumnProfile {
	c := schema.ColumnProfile{Column: schema.Column{Name: name, Type: typ}, Kind: schema.KindOf(typ), Distinct: -1, Values: values}
	if len(values) > 0 {
		c.Distinct = int64(len(values))
	}
	switch c.Kind {
	case schema.Number:
		c.Min, c.Max = int64(0), int64(900)
		if strings.HasPrefix(name, "is") || strings.HasPrefix(name, "has") {
			c.Min, c.Max = int64(0), int64(1)
		}
	}
	return c
}

func mustDate(s string) time.Time {
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return d
}

func ptable(name string, cols ...schema.ColumnProfile) *schema.Profile {
	t := schema.Table{Name: name, Rows: 100}
	for _, c := range cols {
		t.Columns = append(t.Columns, c.Column)
	}
	return &schema.Profile{Table: t, Rows: 100, Columns: cols}
}

// shipments has abbreviated snake_case names and two date columns.
func shipments() *schema.Profile {
	p := ptable("lake.logi.shipments",
		pcol("shp_id", "BIGINT"),
		pcol("shp_dt", "DATE"),
		pcol("dlvry_dt", "DATE"),
		pcol("wt_kg", "DECIMAL(8,2)"),
		pcol("dest_ctry", "VARCHAR", "DE", "FR", "US"),
		pcol("carrier_cd", "VARCHAR", "DHL", "UPS"),
		pcol("frt_cost", "DECIMAL(10,2)"),
		pcol("pkg_cnt", "INTEGER"),
		pcol("is_express", "BOOLEAN"),
	)
	for i := range p.Columns {
		if p.Columns[i].Kind == schema.Date {
			p.Columns[i].Min, p.Columns[i].Max = mustDate("2023-01-01"), mustDate("2024-12-31")
		}
	}
	return p
}

// parcels is shipments without a date named like its rows.
func parcels() *schema.Profile {
	p := shipments()
	p.Table.Name = "lake.logi.parcels"
	return p
}

// staff has camelCase names, a remote flag and a reason-like column whose
// values share words.
func staff() *schema.Profile {
	return ptable("lake.people.staff",
		pcol("staffId", "INTEGER"),
		pcol("officeCity", "VARCHAR", "Austin", "Berlin", "London"),
		pcol("isRemote", "BOOLEAN"),
		pcol("exitReason", "VARCHAR", "Relocated", "Better offer", "Relocation package declined", "Retired"),
		pcol("salary", "DECIMAL(10,2)"),
		pcol("jobTitle", "VARCHAR", "Engineer", "Manager"),
	)
}

type ruleCase struct {
	q       string
	ok      []string // fragments the SQL must hold
	refused string   // or a fragment of the refusal
	absent  []string // fragments the SQL must not hold
}

func checkRules(t *testing.T, p *offline.Planner, tests []ruleCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			plan, err := p.Plan(tt.q, nil)
			if tt.refused != "" {
				if err == nil {
					t.Fatalf("Plan(%q) answered, want a refusal naming %s:\n%s", tt.q, tt.refused, plan.SQL)
				}
				if !errors.Is(err, offline.ErrNotUnderstood) {
					t.Fatalf("error %v is not ErrNotUnderstood", err)
				}
				if !strings.Contains(err.Error(), tt.refused) {
					t.Errorf("refusal %q does not name %s", err, tt.refused)
				}
				return
			}
			if err != nil {
				t.Fatalf("Plan(%q): %v", tt.q, err)
			}
			for _, w := range tt.ok {
				if !strings.Contains(plan.SQL, w) {
					t.Errorf("Plan(%q) lacks %s:\n%s", tt.q, w, plan.SQL)
				}
			}
			for _, w := range tt.absent {
				if strings.Contains(plan.SQL, w) {
					t.Errorf("Plan(%q) holds %s:\n%s", tt.q, w, plan.SQL)
				}
			}
		})
	}
}

// TestAbbreviatedNames checks that question words meet the short forms of
// names: listed ones (wt, ctry, cd, cnt) and the general rules (a
// vowel-less shp or frt, a clipped dest).
func TestAbbreviatedNames(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{shipments()}), []ruleCase{
		{q: "average weight by destination country", ok: []string{"avg(wt_kg)", "GROUP BY dest_ctry"}},
		{q: "total freight cost by carrier code", ok: []string{"sum(frt_cost)", "GROUP BY carrier_cd"}},
		{q: "total package count", ok: []string{"sum(pkg_cnt)"}},
		{q: "express shipments by carrier", ok: []string{"WHERE is_express", "GROUP BY carrier_cd"}},
		{q: "number of shipments by ship date", ok: []string{"count(*)", "shp_dt AS day"}},
		{q: "number of shipments by delivery date", ok: []string{"count(*)", "dlvry_dt AS day"}},
	})
}

// TestEventDate checks which date column a date range takes when the
// question names none: the one named like the table's rows, else a
// refusal naming the candidates.
func TestEventDate(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{shipments()}), []ruleCase{
		{q: "How many shipments in 2024?", ok: []string{"shp_dt >= DATE '2024-01-01' AND shp_dt < DATE '2025-01-01'"}},
		{q: "How many shipments were delivered in 2024?", ok: []string{"dlvry_dt >= DATE '2024-01-01' AND dlvry_dt < DATE '2025-01-01'"}},
		{q: "shipments by month", ok: []string{"date_trunc('month', shp_dt)"}},
	})
	checkRules(t, offline.New([]*schema.Profile{parcels()}), []ruleCase{
		{q: "How many parcels in 2024?", refused: "several date columns (shp_dt, dlvry_dt)"},
		{q: "How many parcels by ship date in 2024?", ok: []string{"shp_dt >= DATE '2024-01-01'", "shp_dt AS day"}},
	})
}

// TestValuesNamedApart checks that two values of one column are read as a
// list only when the question lists them; otherwise a whole value beats a
// partial one and two of a kind are refused.
func TestValuesNamedApart(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{staff()}), []ruleCase{
		{q: "average salary for Austin and Berlin", ok: []string{`"officeCity" IN ('Austin', 'Berlin')`}},
		{q: "average salary for Austin, Berlin", ok: []string{`"officeCity" IN ('Austin', 'Berlin')`}},
		{q: "average salary for Austin or London", ok: []string{`"officeCity" IN ('Austin', 'London')`}},
		// "retired" is a whole value, "offer" part of another one: the
		// confidence gate refuses rather than dropping "on an offer".
		{q: "how many staff retired", ok: []string{`"exitReason" = 'Retired'`}},
		{q: "how many staff retired on an offer", refused: `"offer"`},
		{q: "average salary for Austin Berlin", refused: `"Austin" and "Berlin" are two values of officeCity`},
	})
}

// TestUnusedColumn checks that a question whose named column the query
// would drop is refused rather than answered without it.
func TestUnusedColumn(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{staff()}), []ruleCase{
		{q: "average salary and job title", refused: "job title (jobTitle)"},
		{q: "staff by office city", ok: []string{`GROUP BY "officeCity"`}},
		{q: "average salary by job title", ok: []string{`avg(salary)`, `GROUP BY "jobTitle"`}},
	})
}

// TestVerbBeforeAdverb checks that a verb an adverb modifies is ignored:
// the adverb names the flag.
func TestVerbBeforeAdverb(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{staff()}), []ruleCase{
		{q: "Percentage of staff working remotely", ok: []string{`100 * avg(CAST("isRemote" AS INTEGER))`}},
		{q: "How many staff work remotely in Berlin?", ok: []string{`AND "isRemote"`, `"officeCity" = 'Berlin'`}},
	})
}

// TestNumbersStoredAsText checks that a text column profiled as numeric
// is summed, averaged and compared cast to DOUBLE, unless its name says
// it is a code, and that a text column that is not numeric is never a
// measure.
func TestNumbersStoredAsText(t *testing.T) {
	numeric := func(c schema.ColumnProfile) schema.ColumnProfile { c.Numeric = true; return c }
	p := ptable("lake.csv.billing",
		numeric(pcol("accountNo", "VARCHAR")),
		numeric(pcol("totalCharges", "VARCHAR")),
		pcol("discount", "VARCHAR"),
		pcol("plan", "VARCHAR", "Basic", "Pro"),
	)
	checkRules(t, offline.New([]*schema.Profile{p}), []ruleCase{
		{q: "total charges by plan", ok: []string{`sum(TRY_CAST("totalCharges" AS DOUBLE))`, "GROUP BY plan"}},
		{q: "average total charges", ok: []string{`avg(TRY_CAST("totalCharges" AS DOUBLE))`}},
		{q: "billing rows with total charges over 100", ok: []string{`WHERE TRY_CAST("totalCharges" AS DOUBLE) > 100`}},
		{q: "sum of account number", refused: "could not tell which column to take the sum of"},
		{q: "average discount", refused: "could not tell which column to take the average of"},
	})
}

// shopTables are orders that reference customers by a same-named key; the
// customers profile saw each customer once.
func shopTables(uniqueKey bool) []*schema.Profile {
	orders := ptable("lake.shop2.orders",
		pcol("order_id", "BIGINT"),
		pcol("customer", "VARCHAR", "Acme", "Globex", "Initech"),
		pcol("region", "VARCHAR", "East", "West"),
		pcol("amount", "DECIMAL(10,2)"),
	)
	customers := ptable("lake.shop2.customers",
		pcol("customer", "VARCHAR", "Acme", "Globex", "Initech"),
		pcol("segment", "VARCHAR", "Enterprise", "SMB"),
		pcol("credit_limit", "DECIMAL(10,2)"),
	)
	customers.Rows, customers.Table.Rows = 3, 3
	if !uniqueKey {
		customers.Rows, customers.Table.Rows = 4, 4 // a customer twice
	}
	return []*schema.Profile{orders, customers}
}

// TestJoinOnKey checks that a question needing two tables is answered over
// them joined on a key naming the second table's rows, that the join only
// groups and filters, and that a key that may repeat is not joined on.
func TestJoinOnKey(t *testing.T) {
	const from = "FROM lake.shop2.orders JOIN lake.shop2.customers USING (customer)"
	checkRules(t, offline.New(shopTables(true)), []ruleCase{
		{q: "total amount by segment", ok: []string{from, "sum(amount)", "GROUP BY segment"}},
		{q: "total amount for Enterprise customers", ok: []string{from, "WHERE segment = 'Enterprise'"}},
		{q: "number of orders by region for SMB customers", ok: []string{from, "count(*)", "GROUP BY region", "segment = 'SMB'"}},
		{q: "total amount by region", ok: []string{"FROM lake.shop2.orders\n"}},
		{q: "average credit limit by region", refused: "measures only the rows of the first table"},
	})
	checkRules(t, offline.New(shopTables(false)), []ruleCase{
		{q: "total amount by segment", refused: "amount"},
	})
}

// TestSynonymNamesNoun checks that a synonym names a column only through
// the last word of its name: "quantity" is units, not unit_price.
func TestSynonymNamesNoun(t *testing.T) {
	priced := ptable("lake.s.items", pcol("sku", "VARCHAR", "A1", "B2"), pcol("unit_price", "DECIMAL(8,2)"))
	checkRules(t, offline.New([]*schema.Profile{priced}), []ruleCase{
		{q: "total quantity", refused: "quantity"},
		{q: "average unit price", ok: []string{"avg(unit_price)"}},
	})
	counted := ptable("lake.s.items", pcol("sku", "VARCHAR", "A1", "B2"), pcol("units", "INTEGER"))
	checkRules(t, offline.New([]*schema.Profile{counted}), []ruleCase{
		{q: "total quantity", ok: []string{"sum(units)"}},
	})
}

// TestCatalogWordsNotFiller checks that a word usually read as filler
// ("return") blocks an answer when it names another table's rows.
func TestCatalogWordsNotFiller(t *testing.T) {
	customers := shopTables(true)[1]
	returns := ptable("lake.shop2.returns", pcol("return_id", "BIGINT"), pcol("reason", "VARCHAR", "Damaged", "Late"))
	const q = "count customers by segment and return it"
	checkRules(t, offline.New([]*schema.Profile{customers}), []ruleCase{
		{q: q, ok: []string{"GROUP BY segment"}},
	})
	checkRules(t, offline.New([]*schema.Profile{customers, returns}), []ruleCase{
		{q: q, refused: `"return"`},
		{q: "number of returns by segment", refused: `"returns" name another table or its columns`},
	})
}

// TestValueSigns checks that values spelled with a comparison sign are
// told apart by the words around the number, and tie without them.
func TestValueSigns(t *testing.T) {
	p := ptable("lake.census2.adult", pcol("age", "INTEGER"), pcol("income", "VARCHAR", "<=50K", ">50K"))
	checkRules(t, offline.New([]*schema.Profile{p}), []ruleCase{
		{q: "How many people earn more than 50K?", ok: []string{"income = '>50K'"}},
		{q: "How many people earn over 50K?", ok: []string{"income = '>50K'"}},
		{q: "average age of people earning 50K or less", ok: []string{"avg(age)", "income = '<=50K'"}},
		{q: "How many people earn >50K", ok: []string{"income = '>50K'"}},
		{q: "How many people earn 50K?", refused: `"50K" could be '<=50K' or '>50K'`},
	})
}

// TestStopWordsNameNoColumn checks that a stop word alone never names a
// column whose name holds it as a word (in_stock, on_sale, has_warranty),
// while the whole name still does.
func TestStopWordsNameNoColumn(t *testing.T) {
	p := ptable("lake.s.catalog_items",
		pcol("item", "VARCHAR", "Hammer", "Drill", "Saw"),
		pcol("category", "VARCHAR", "Tools", "Garden"),
		pcol("in_stock", "BOOLEAN"),
		pcol("on_sale", "BOOLEAN"),
		pcol("price", "DECIMAL(8,2)"),
	)
	checkRules(t, offline.New([]*schema.Profile{p}), []ruleCase{
		{q: "List items in the Tools category", ok: []string{"category = 'Tools'"}, absent: []string{"in_stock"}},
		{q: "average price of items on the Garden category", ok: []string{"category = 'Garden'"}, absent: []string{"on_sale"}},
		{q: "how many items are in stock", ok: []string{"WHERE in_stock"}},
		{q: "average price of items on sale", ok: []string{"WHERE on_sale"}},
	})
}

// TestPerCountIsRatio checks that "per" before a count column reads as a
// ratio the planner refuses, while "per" before a category still groups.
func TestPerCountIsRatio(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{shipments()}), []ruleCase{
		{q: "average freight cost per package", refused: "ratio to pkg_cnt"},
		{q: "average freight cost per carrier", ok: []string{"avg(frt_cost)", "GROUP BY carrier_cd"}},
	})
}

// TestCopulaCondition checks that an unknown word after "is", "are",
// "was" or "were" blocks an answer (it says which rows), unless it is a
// verb that says nothing about the rows ("placed", "created").
func TestCopulaCondition(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{staff()}), []ruleCase{
		{q: "how many staff were late", refused: `"late"`},
		{q: "how many staff in Berlin are suspended", refused: `"suspended"`},
		{q: "how many staff were placed in Berlin", ok: []string{`"officeCity" = 'Berlin'`}},
		{q: "how many staff were created", ok: []string{"count(*)"}},
	})
}

// TestValueInTwoColumns checks that words matching values of two columns
// equally are refused, unless one value is spelled as the question spells
// it, and that another table may not settle them alone.
func TestValueInTwoColumns(t *testing.T) {
	people := ptable("lake.org.people", pcol("personId", "INTEGER"), pcol("dept", "VARCHAR", "Engineering", "Sales"),
		pcol("title", "VARCHAR", "Engineer", "Manager"), pcol("salary", "DECIMAL(10,2)"))
	depts := ptable("lake.org.depts", pcol("deptName", "VARCHAR", "Engineering", "Sales"), pcol("budget", "BIGINT"))
	checkRules(t, offline.New([]*schema.Profile{people}), []ruleCase{
		{q: "average salary of engineers", refused: `"engineers" could be dept 'Engineering' or title 'Engineer'`},
		{q: "average salary in Engineering", ok: []string{"dept = 'Engineering'"}},
		{q: "average salary of an Engineer", ok: []string{"title = 'Engineer'"}},
	})
	// A value whose words also name its own column beats a value that
	// only spells them.
	subs := ptable("lake.tel.subs", pcol("subId", "INTEGER"), pcol("InternetService", "VARCHAR", "DSL", "Fiber", "No"),
		pcol("OnlineSecurity", "VARCHAR", "No", "No internet service", "Yes"))
	checkRules(t, offline.New([]*schema.Profile{subs}), []ruleCase{
		{q: "how many subs have no internet service", ok: []string{`"InternetService" = 'No'`}},
	})
	checkRules(t, offline.New([]*schema.Profile{people, depts}), []ruleCase{
		{q: "how many engineers", refused: "in lake.org.people"},
		{q: "total budget for Sales", ok: []string{"sum(budget)", `"deptName" = 'Sales'`}},
	})
}

// TestVersus checks that "A vs B" over two values of one column groups by
// that column, one row each, and that a comparison of anything else is
// refused rather than read as a filter.
func TestVersus(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{staff()}), []ruleCase{
		{q: "average salary Austin vs Berlin", ok: []string{`"officeCity" IN ('Austin', 'Berlin')`, `GROUP BY "officeCity"`}},
		{q: "average salary: London versus Berlin", ok: []string{`GROUP BY "officeCity"`}},
		{q: "remote vs Engineer staff", refused: "could not tell what the question compares"},
	})
}

// TestDailySnapshots checks tables of daily snapshots (storage_daily, as
// floe lens collect writes): with no date asked, the latest day, never a
// sum over every day's copy; a date range asked takes the snapshot day
// over the table's other dates; a grain groups by it.
func TestDailySnapshots(t *testing.T) {
	p := ptable("lake.floe_lens.cost_daily",
		pcol("day", "DATE"),
		pcol("table_name", "VARCHAR", "orders", "clicks"),
		pcol("storage_class", "VARCHAR", "STANDARD", "INTELLIGENT_TIERING"),
		pcol("bytes", "BIGINT"),
		pcol("monthly_cost", "DOUBLE"),
		pcol("collected_at", "TIMESTAMP"),
	)
	for i := range p.Columns {
		if p.Columns[i].Kind.IsTemporal() {
			p.Columns[i].Min, p.Columns[i].Max = mustDate("2026-09-01"), mustDate("2026-11-15")
		}
	}
	checkRules(t, offline.New([]*schema.Profile{p}), []ruleCase{
		{q: "monthly cost by storage class", ok: []string{"sum(monthly_cost)", "day >= DATE '2026-11-15' AND day < DATE '2026-11-16'", "GROUP BY storage_class"}},
		{q: "total bytes in October 2026", ok: []string{"day >= DATE '2026-10-01' AND day < DATE '2026-11-01'"}, absent: []string{"collected_at"}},
		{q: "average bytes by month", ok: []string{"date_trunc('month', day)"}, absent: []string{"DATE '2026-11-15'"}},
	})
	// Another table with the same columns is not a snapshot: it adds up
	// every row.
	o := *p
	o.Table.Name = "lake.floe_lens.costs"
	checkRules(t, offline.New([]*schema.Profile{&o}), []ruleCase{
		{q: "monthly cost by storage class", ok: []string{"sum(monthly_cost)"}, absent: []string{"WHERE"}},
	})
}

// nullable sets a column's fraction of NULLs, as a profile that read them
// would.
func nullable(c schema.ColumnProfile, frac float64) schema.ColumnProfile {
	c.Nulls = frac
	return c
}

// datesIn gives a profile's date columns a range.
func datesIn(ps ...*schema.Profile) []*schema.Profile {
	for _, p := range ps {
		for i := range p.Columns {
			if p.Columns[i].Kind.IsTemporal() {
				p.Columns[i].Min, p.Columns[i].Max = mustDate("2023-01-01"), mustDate("2024-12-31")
			}
		}
	}
	return ps
}

// clinicTables have camelCase names, a doctors dimension referenced by
// doctorId, a visit recorded by visitDate and visitType, a nullable
// cancelledAt and a was-flag.
func clinicTables() []*schema.Profile {
	return datesIn(
		ptable("lake.clinic2.appointments",
			pcol("appointmentId", "BIGINT"),
			pcol("doctorId", "INTEGER"),
			pcol("visitDate", "DATE"),
			pcol("visitType", "VARCHAR", "Check-up", "Follow-up", "New Patient"),
			pcol("copayAmount", "DECIMAL(8,2)"),
			pcol("durationMinutes", "INTEGER"),
			pcol("wasNoShow", "BOOLEAN"),
			nullable(pcol("cancelledAt", "DATE"), 0.1),
		),
		ptable("lake.clinic2.doctors",
			pcol("doctorId", "INTEGER"),
			pcol("specialty", "VARCHAR", "Cardiology", "Pediatrics"),
			pcol("isPartTime", "BOOLEAN"),
		))
}

// energyTables have abbreviated snake_case names: readings reference
// meters by mtr_id, est_flg is a Y/N flag, outages have a start and a
// nullable end.
func energyTables() []*schema.Profile {
	return datesIn(
		ptable("lake.energy2.readings",
			pcol("rdg_id", "BIGINT"),
			pcol("mtr_id", "INTEGER"),
			pcol("rdg_dt", "DATE"),
			pcol("kwh_qty", "DECIMAL(10,2)"),
			pcol("peak_kw", "DOUBLE"),
			pcol("est_flg", "VARCHAR", "N", "Y"),
		),
		ptable("lake.energy2.meters",
			pcol("mtr_id", "INTEGER"),
			pcol("tariff_cd", "VARCHAR", "COM1", "RES1"),
			pcol("instl_dt", "DATE"),
		),
		ptable("lake.energy2.outages",
			pcol("outg_id", "INTEGER"),
			pcol("start_ts", "TIMESTAMP"),
			nullable(pcol("end_ts", "TIMESTAMP"), 0.1),
			pcol("cause_desc", "VARCHAR", "Equipment failure", "Storm"),
			pcol("extended_flg", "BOOLEAN"),
		))
}

// TestRowAlias checks that the first word a date column without NULLs
// shares with another column names the rows (visitDate and visitType: a
// visit), that the whole names still name the columns, and that such a
// word is the event date; a date some rows lack, or no date, makes no
// alias.
func TestRowAlias(t *testing.T) {
	checkRules(t, offline.New(clinicTables()[:1]), []ruleCase{
		{q: "How many follow-up visits were there in 2024?", ok: []string{`"visitType" = 'Follow-up'`, `"visitDate" >= DATE '2024-01-01'`}},
		{q: "average visit duration", ok: []string{`avg("durationMinutes")`}},
		{q: "visits by visit type", ok: []string{"count(*)", `GROUP BY "visitType"`}},
		{q: "appointments by month", ok: []string{`date_trunc('month', "visitDate")`}},
	})
	gains := ptable("lake.c.adult", pcol("capital_gain", "INTEGER"), pcol("capital_loss", "INTEGER"))
	checkRules(t, offline.New([]*schema.Profile{gains}), []ruleCase{
		{q: "average capital", refused: "capital"},
		{q: "how many people have capital", refused: "capital"},
	})
	loans := datesIn(ptable("lake.lib2.loans", pcol("loan_id", "BIGINT"), pcol("loan_date", "DATE"),
		nullable(pcol("return_date", "DATE"), 0.3), pcol("return_condition", "VARCHAR", "Good", "Damaged")))
	checkRules(t, offline.New(loans), []ruleCase{
		{q: "how many returns were there", refused: "return"},
	})
}

// TestStartIsEventDate checks that a start date is when a row happened,
// not its end, and that a date named in the question is still that date.
func TestStartIsEventDate(t *testing.T) {
	checkRules(t, offline.New(energyTables()[2:]), []ruleCase{
		{q: "outages by month", ok: []string{"date_trunc('month', start_ts)"}},
		{q: "how many outages ended in 2024", ok: []string{"end_ts >= "}, absent: []string{"start_ts", "IS NOT NULL"}},
	})
}

// TestDateSetIsCondition checks that a past participle naming a nullable
// date column asks for the rows where it is set ("cancelled"), negated for
// its NULLs; and that it does not when the column has no NULLs, when the
// word is only an abbreviation of the name (shipped for shp_dt), or when
// a date range is asked of it.
func TestDateSetIsCondition(t *testing.T) {
	checkRules(t, offline.New(clinicTables()[:1]), []ruleCase{
		{q: "How many appointments were cancelled?", ok: []string{`WHERE "cancelledAt" IS NOT NULL`}},
		{q: "how many appointments were not cancelled", ok: []string{`WHERE "cancelledAt" IS NULL`}},
		{q: "cancelled appointments by month", ok: []string{`date_trunc('month', "cancelledAt")`, `WHERE "cancelledAt" IS NOT NULL`}},
	})
	checkRules(t, offline.New(energyTables()[2:]), []ruleCase{
		{q: "How many outages have ended?", ok: []string{"WHERE end_ts IS NOT NULL"}},
	})
	full := clinicTables()[0]
	full.Columns[len(full.Columns)-1].Nulls = 0
	checkRules(t, offline.New([]*schema.Profile{full}), []ruleCase{
		{q: "How many appointments were cancelled?", refused: "cancelled"},
	})
	ships := shipments()
	for i := range ships.Columns {
		if ships.Columns[i].Name == "dlvry_dt" {
			ships.Columns[i].Nulls = 0.2
		}
	}
	checkRules(t, offline.New([]*schema.Profile{ships}), []ruleCase{
		{q: "how many shipments were delivered", refused: "delivered"},
	})
}

// TestOpenIsEndNull checks that "ongoing", "open" and "pending" ask for
// the NULLs of the table's one nullable end-like date, and that they do
// not when that date has no NULLs, when two dates are end-like, or when a
// text column's values say the state.
func TestOpenIsEndNull(t *testing.T) {
	checkRules(t, offline.New(energyTables()[2:]), []ruleCase{
		{q: "How many outages are still ongoing?", ok: []string{"WHERE end_ts IS NULL"}},
		{q: "open outages by cause", ok: []string{"end_ts IS NULL", "GROUP BY cause_desc"}},
		{q: "how many outages are not ongoing", ok: []string{"WHERE end_ts IS NOT NULL"}},
	})
	full := energyTables()[2]
	full.Columns[2].Nulls = 0
	checkRules(t, offline.New([]*schema.Profile{full}), []ruleCase{
		{q: "How many outages are still ongoing?", refused: "ongoing"},
	})
	two := datesIn(ptable("lake.t2.tickets", pcol("ticket_id", "BIGINT"), pcol("opened_at", "DATE"),
		nullable(pcol("resolved_at", "DATE"), 0.2), nullable(pcol("closed_at", "DATE"), 0.3)))
	checkRules(t, offline.New(two), []ruleCase{
		{q: "how many tickets are open", refused: "open"},
	})
	status := datesIn(ptable("lake.t2.tickets", pcol("ticket_id", "BIGINT"), pcol("opened_at", "DATE"),
		nullable(pcol("closed_at", "DATE"), 0.3), pcol("status", "VARCHAR", "Closed", "In progress", "Waiting")))
	checkRules(t, offline.New(status), []ruleCase{
		{q: "how many tickets are pending", refused: "pending"},
	})
}

// TestLeadingVowelShortForms checks short forms that keep a leading vowel
// (est, instl) and that they must start like the word: end_ts is never
// "extended".
func TestLeadingVowelShortForms(t *testing.T) {
	checkRules(t, offline.New(energyTables()), []ruleCase{
		{q: "how many estimated readings", ok: []string{"est_flg = 'Y'"}},
		{q: "how many meters were installed in 2020", ok: []string{"instl_dt >= DATE '2020-01-01'"}},
		{q: "how many outages were extended", ok: []string{"WHERE extended_flg"}, absent: []string{"end_ts"}},
	})
}

// TestKeyAbbreviatesTable checks that a key whose first word is a short
// form of the table's name (mtr_id in meters) identifies its rows, so
// that readings join meters on it.
func TestKeyAbbreviatesTable(t *testing.T) {
	checkRules(t, offline.New(energyTables()[:2]), []ruleCase{
		{q: "total kwh by tariff", ok: []string{"JOIN lake.energy2.meters USING (mtr_id)", "sum(kwh_qty)", "GROUP BY tariff_cd"}},
		{q: "readings per meter", ok: []string{"count(*)", "GROUP BY mtr_id"}, absent: []string{"JOIN"}},
	})
}

// TestPeakIsSoft checks that "peak" is a maximum that a column's name may
// still take: "peak kw" is peak_kw.
func TestPeakIsSoft(t *testing.T) {
	checkRules(t, offline.New(energyTables()[:1]), []ruleCase{
		{q: "highest peak kw", ok: []string{"max(peak_kw)"}},
		{q: "peak kwh", ok: []string{"max(kwh_qty)"}},
	})
}

// TestLengthSuperlatives checks that longest and shortest rank like
// highest and lowest, that busiest ranks by the number of rows, and that
// a length superlative with nothing to rank is refused.
func TestLengthSuperlatives(t *testing.T) {
	checkRules(t, offline.New(clinicTables()[:1]), []ruleCase{
		{q: "longest duration", ok: []string{`max("durationMinutes")`}},
		{q: "shortest duration in minutes", ok: []string{`min("durationMinutes")`}},
		{q: "busiest doctor", ok: []string{"count(*)", `GROUP BY "doctorId"`, "DESC", "LIMIT 1"}},
		{q: "quietest doctor", ok: []string{"count(*)", `GROUP BY "doctorId"`, "ASC", "LIMIT 1"}},
		{q: "longest appointment", refused: "could not tell what to compute"},
	})
}

// TestStopWordsWholeName checks that stop words name a column when they
// are all of its name but a leading verb (no show is wasNoShow), and not
// when they are only part of it (no_show_fee, has_no_show_waiver).
func TestStopWordsWholeName(t *testing.T) {
	checkRules(t, offline.New(clinicTables()[:1]), []ruleCase{
		{q: "no-show rate", ok: []string{`avg(CAST("wasNoShow" AS INTEGER))`}},
		{q: "no-show rate by doctor", ok: []string{`avg(CAST("wasNoShow" AS INTEGER))`, `GROUP BY "doctorId"`}},
	})
	fee := ptable("lake.s2.visits", pcol("visit_id", "BIGINT"), pcol("no_show_fee", "DECIMAL(8,2)"), pcol("has_no_show_waiver", "BOOLEAN"))
	checkRules(t, offline.New([]*schema.Profile{fee}), []ruleCase{
		{q: "no show rate", refused: "show"},
	})
}

// TestPluralFlagCounts checks that a flag named as a plural noun counts
// its true rows where the singular with a grouping is a rate, and that a
// name that is plural itself (Dependents) stays a rate.
func TestPluralFlagCounts(t *testing.T) {
	checkRules(t, offline.New(clinicTables()[:1]), []ruleCase{
		{q: "no-shows by doctor", ok: []string{"count(*)", `WHERE "wasNoShow"`, `GROUP BY "doctorId"`}},
	})
	checkRules(t, offline.New(clinicTables()[1:]), []ruleCase{
		{q: "part time by specialty", ok: []string{`avg(CAST("isPartTime" AS INTEGER))`, "GROUP BY specialty"}},
	})
	deps := ptable("lake.t3.churn", pcol("customerID", "VARCHAR"), pcol("Dependents", "VARCHAR", "No", "Yes"),
		pcol("Contract", "VARCHAR", "Month-to-month", "One year", "Two year"))
	checkRules(t, offline.New([]*schema.Profile{deps}), []ruleCase{
		{q: "dependents by contract", ok: []string{"avg(", `GROUP BY "Contract"`}},
	})
}

// TestPinnedSubjectListsRows checks that a column named with its one
// asked value lists the rows, not that value, and that a column named
// without a value of its own is still listed.
func TestPinnedSubjectListsRows(t *testing.T) {
	checkRules(t, offline.New(energyTables()[2:]), []ruleCase{
		{q: "outages caused by equipment failure", ok: []string{"SELECT *", "cause_desc = 'Equipment failure'"}, absent: []string{"DISTINCT"}},
		{q: "causes of outages that were extended", ok: []string{"DISTINCT cause_desc", "WHERE extended_flg"}},
	})
}

// TestUnPrefixNegatesFlag checks that un- before a word of a flag's name
// negates the flag, that a double negation reads as the flag, and that
// un- before a word that is no flag's does nothing.
func TestUnPrefixNegatesFlag(t *testing.T) {
	patients := ptable("lake.clinic2.patients", pcol("patientId", "BIGINT"), pcol("isInsured", "BOOLEAN"),
		pcol("homeCity", "VARCHAR", "Lakeside", "Riverton"), pcol("planName", "VARCHAR", "Basic", "Plus"))
	checkRules(t, offline.New([]*schema.Profile{patients}), []ruleCase{
		{q: "number of uninsured patients", ok: []string{`WHERE NOT "isInsured"`}},
		{q: "uninsured patients by home city", ok: []string{`WHERE NOT "isInsured"`, `GROUP BY "homeCity"`}},
		{q: "how many patients are not uninsured", ok: []string{`WHERE "isInsured"`}, absent: []string{"NOT"}},
		{q: "how many patients are insured", ok: []string{`WHERE "isInsured"`}, absent: []string{"NOT"}},
		{q: "how many patients are unplanned", refused: "unplanned"},
	})
}

// TestCountryNames checks that a country's name finds its ISO code in a
// country column that holds codes, and nowhere else: not in a code column
// named otherwise (a state's CA is not Canada), nor in a country column
// whose values are not all codes.
func TestCountryNames(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{shipments()}), []ruleCase{
		{q: "number of shipments to France by carrier", ok: []string{"dest_ctry = 'FR'", "GROUP BY carrier_cd"}},
		{q: "total freight cost for the United States", ok: []string{"dest_ctry = 'US'"}},
		{q: "how many shipments to Japan", refused: "Japan"},
	})
	stores := ptable("lake.s4.stores", pcol("store_id", "BIGINT"), pcol("state_cd", "VARCHAR", "CA", "IN", "NY"),
		pcol("sales_amt", "DECIMAL(10,2)"))
	checkRules(t, offline.New([]*schema.Profile{stores}), []ruleCase{
		{q: "total sales in Canada", refused: "Canada"},
	})
	mixed := ptable("lake.s4.buyers", pcol("buyer_id", "BIGINT"), pcol("country", "VARCHAR", "FR", "Other", "US"),
		pcol("spend_amt", "DECIMAL(10,2)"))
	checkRules(t, offline.New([]*schema.Profile{mixed}), []ruleCase{
		{q: "total spend in France", refused: "France"},
	})
}

// billingTables have invoices with an issuedAt every row has and a
// paidAt some lack, referencing subscriptions, whose startedAt is a start.
func billingTables() []*schema.Profile {
	return datesIn(
		ptable("lake.billing2.invoices",
			pcol("invoiceId", "BIGINT"),
			pcol("subscriptionId", "BIGINT"),
			pcol("issuedAt", "DATE"),
			nullable(pcol("paidAt", "DATE"), 0.2),
			pcol("totalAmount", "DECIMAL(10,2)"),
		),
		ptable("lake.billing2.subscriptions",
			pcol("subscriptionId", "BIGINT"),
			pcol("planTier", "VARCHAR", "Enterprise", "Growth", "Starter"),
			pcol("startedAt", "DATE"),
		))
}

// TestEventDateOfRows checks that a date range takes the date every row
// has over one some rows lack (issuedAt, not paidAt), that a join never
// takes the joined table's date for the rows' own, and that two dates
// every row has stay ambiguous.
func TestEventDateOfRows(t *testing.T) {
	checkRules(t, offline.New(billingTables()), []ruleCase{
		{q: "total invoice amount in 2024", ok: []string{`"issuedAt" >= DATE '2024-01-01'`}, absent: []string{"startedAt", "JOIN"}},
		{q: "total amount by plan tier in 2024", ok: []string{"JOIN", `"issuedAt" >= DATE '2024-01-01'`}, absent: []string{`"startedAt" >=`}},
	})
	both := billingTables()[0]
	both.Columns[3].Nulls = 0
	checkRules(t, offline.New([]*schema.Profile{both, billingTables()[1]}), []ruleCase{
		{q: "total invoice amount in 2024", refused: "several date columns"},
	})
}

// TestVerbBlocksBesideKindCodes checks that a verb that is not a common
// one blocks in a table whose kinds are short codes ('IN', 'OUT'), where
// it may name one of them, and is still ignored where the kinds are
// spelled as words.
func TestVerbBlocksBesideKindCodes(t *testing.T) {
	moves := ptable("lake.s5.stock_mvmts", pcol("mvmt_id", "BIGINT"), pcol("mvmt_typ", "VARCHAR", "ADJ", "IN", "OUT"),
		pcol("qty", "INTEGER"))
	checkRules(t, offline.New([]*schema.Profile{moves}), []ruleCase{
		{q: "total quantity received", refused: "received"},
		{q: "total quantity placed", ok: []string{"sum(qty)"}},
		{q: "total qty of OUT movements", ok: []string{"sum(qty)", "mvmt_typ = 'OUT'"}},
	})
	visits := ptable("lake.s5.visits", pcol("visit_id", "BIGINT"), pcol("visit_type", "VARCHAR", "Check-up", "Follow-up"),
		pcol("copay_amount", "DECIMAL(8,2)"))
	checkRules(t, offline.New([]*schema.Profile{visits}), []ruleCase{
		{q: "total copay collected", ok: []string{"sum(copay_amount)"}},
	})
}
