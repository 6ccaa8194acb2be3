package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// The rules of the fourth pass (issues 13 and 19), on hand-made profiles.

// snapshotDates gives a profile's date columns the lens simulation's range.
func snapshotDates(p *schema.Profile) *schema.Profile {
	for i := range p.Columns {
		if p.Columns[i].Kind.IsTemporal() {
			p.Columns[i].Min, p.Columns[i].Max = mustDate("2026-09-01"), mustDate("2026-11-15")
		}
	}
	return p
}

func storageDaily(name string) *schema.Profile {
	return snapshotDates(ptable(name,
		pcol("day", "DATE"),
		pcol("level", "VARCHAR", "namespace", "table"),
		pcol("namespace", "VARCHAR", "sales", "web"),
		pcol("table_name", "VARCHAR", "orders", "clicks"),
		pcol("bytes", "BIGINT"),
		pcol("objects", "BIGINT"),
	))
}

// TestGrowthOverSnapshots checks that "grew" over a table of daily
// snapshots is the last day's value minus the first day's per thing, that
// "which tables" groups by table_name while keeping the rows whose level
// is 'table', and that elsewhere growth is refused.
func TestGrowthOverSnapshots(t *testing.T) {
	p := offline.New([]*schema.Profile{storageDaily("lake.floe_lens.storage_daily")})
	checkRules(t, p, []ruleCase{
		{q: "Which tables grew the most last month?", ok: []string{"arg_max(v, day) - arg_min(v, day)", "sum(bytes)",
			"level = 'table'", "GROUP BY table_name", "day >= DATE '2026-10-01' AND day < DATE '2026-11-01'", "DESC", "LIMIT 10"}},
		{q: "how much did storage grow", ok: []string{"arg_max(v, day) - arg_min(v, day)"}, absent: []string{"DATE '2026-11-15'", "GROUP BY table_name"}},
		{q: "growth of objects by namespace", ok: []string{"sum(objects)", "GROUP BY namespace"}},
		{q: "Which namespace uses the most storage?", ok: []string{"sum(bytes)", "GROUP BY namespace", "LIMIT 1"}, absent: []string{"count(*)"}},
		{q: "how many rows grew per month", refused: "growth"},
	})
	hist := offline.New([]*schema.Profile{storageDaily("lake.ops.storage_history")})
	checkRules(t, hist, []ruleCase{
		{q: "Which tables grew the most?", refused: "daily snapshots"},
		{q: "Which namespace uses the most storage?", refused: "as a whole"},
	})
	// "staff" names rows whatever the table is called: they are counted.
	staffTable := offline.New([]*schema.Profile{ptable("lake.hr2.staff", pcol("staff_id", "BIGINT"),
		pcol("dept", "VARCHAR", "Sales", "Ops"))})
	checkRules(t, staffTable, []ruleCase{
		{q: "Which dept has the most staff?", ok: []string{"count(*)", "GROUP BY dept", "LIMIT 1"}},
	})
}

// TestPluralCountIsNoFlag checks that a 0/1 integer named by a plural
// noun is summed as a count, while a flag-like name stays a flag.
func TestPluralCountIsNoFlag(t *testing.T) {
	conflicts := pcol("commit_conflicts", "BIGINT")
	conflicts.Min, conflicts.Max = int64(0), int64(1)
	p := offline.New([]*schema.Profile{snapshotDates(ptable("lake.floe_lens.activity_daily",
		pcol("day", "DATE"), pcol("namespace", "VARCHAR", "sales", "web"), conflicts, pcol("is_hot", "INTEGER")))})
	checkRules(t, p, []ruleCase{
		{q: "commit conflicts per namespace", ok: []string{"sum(commit_conflicts)"}, absent: []string{"CASE WHEN"}},
		{q: "hot rate by namespace", ok: []string{"is_hot = 1"}},
	})
}

// TestNameNounSettlesTie checks that of two columns the same words name,
// the one whose last word ends them wins ("small files": a number of
// files, not a ratio), and that a plural before "the most" ranks a list.
func TestNameNounSettlesTie(t *testing.T) {
	p := offline.New([]*schema.Profile{snapshotDates(ptable("lake.floe_lens.object_sizes_daily",
		pcol("day", "DATE"), pcol("table_name", "VARCHAR", "orders", "clicks"),
		pcol("small_data_files", "BIGINT"), pcol("small_file_ratio", "DOUBLE")))})
	checkRules(t, p, []ruleCase{
		{q: "tables with the most small files", ok: []string{"sum(small_data_files)", "GROUP BY table_name", "LIMIT 10"}},
		{q: "Which table has the most small files?", ok: []string{"sum(small_data_files)", "LIMIT 1"}},
		{q: "average small file ratio", ok: []string{"avg(small_file_ratio)"}},
	})
}

// ticketTables are camelCase tickets with a nullable closedAt and no
// text column saying the state.
func ticketTables() []*schema.Profile {
	return datesIn(ptable("lake.desk2.tickets",
		pcol("ticketId", "BIGINT"),
		pcol("customerId", "BIGINT"),
		pcol("openedAt", "TIMESTAMP"),
		nullable(pcol("closedAt", "TIMESTAMP"), 0.15),
		pcol("priority", "VARCHAR", "High", "Low"),
		pcol("channel", "VARCHAR", "Chat", "Email"),
	))
}

// TestOpenAdjectiveAndDistinct checks that "open" spelled as the adjective
// asks for the NULLs of the end date even beside openedAt, that "opened"
// still names openedAt, and that "distinct X by Y" counts distinct values
// per group.
func TestOpenAdjectiveAndDistinct(t *testing.T) {
	checkRules(t, offline.New(ticketTables()), []ruleCase{
		{q: "open tickets by priority", ok: []string{`"closedAt" IS NULL`, "GROUP BY priority"}},
		{q: "How many tickets are still open?", ok: []string{`"closedAt" IS NULL`}},
		{q: "tickets opened per month", ok: []string{`date_trunc('month', "openedAt")`}, absent: []string{"IS NULL"}},
		{q: "distinct customers by channel", ok: []string{`count(DISTINCT "customerId")`, "GROUP BY channel"}},
	})
}

// TestClippedStateAndPluralShortForms checks that a clipped date name
// (grad_dt) is its participle's state and that a vowel-less plural short
// form (grd_pts) meets the plural spelled out.
func TestClippedStateAndPluralShortForms(t *testing.T) {
	checkRules(t, offline.New(datesIn(
		ptable("lake.uni2.students", pcol("stu_id", "BIGINT"), pcol("enrl_dt", "DATE"), nullable(pcol("grad_dt", "DATE"), 0.6),
			pcol("gpa", "DOUBLE")),
		ptable("lake.uni2.enrollments", pcol("enr_id", "BIGINT"), pcol("crs_cd", "VARCHAR", "CS101", "MA110"),
			pcol("grd_pts", "DOUBLE")),
	)), []ruleCase{
		{q: "How many students have not graduated?", ok: []string{"grad_dt IS NULL"}},
		{q: "How many students graduated?", ok: []string{"grad_dt IS NOT NULL"}},
		{q: "average grade points by course", ok: []string{"avg(grd_pts)", "GROUP BY crs_cd"}},
	})
}

// fleetTables have abbreviated keys: trips reference vehicles by veh_id.
func fleetTables() []*schema.Profile {
	return datesIn(
		ptable("lake.fleet2.vehicles", pcol("veh_id", "INTEGER"), pcol("veh_type", "VARCHAR", "Van", "Truck"),
			pcol("odo_km", "INTEGER"), pcol("is_electric", "BOOLEAN")),
		ptable("lake.fleet2.trips", pcol("trip_id", "BIGINT"), pcol("veh_id", "INTEGER"), pcol("start_ts", "TIMESTAMP"),
			pcol("dist_km", "DOUBLE"), pcol("cargo_wt_kg", "DOUBLE")),
	)
}

// TestCatalogConfirmedShortForms checks that a key's three-letter short
// form names the rows of the table it starts (veh_id: "vehicle") unless
// more words follow ("vehicle type" is not the key: here it refuses),
// that "busiest" over a table whose rows are the things refuses, and that
// weights and lengths rank and compare.
func TestCatalogConfirmedShortForms(t *testing.T) {
	checkRules(t, offline.New(fleetTables()), []ruleCase{
		{q: "total distance by vehicle", ok: []string{"sum(dist_km)", "GROUP BY veh_id"}},
		{q: "distance by vehicle type", refused: "could not answer"},
		{q: "busiest vehicle", refused: "Each row"},
		{q: "heaviest cargo", ok: []string{"max(cargo_wt_kg)"}},
		{q: "How many trips were longer than 300 km?", ok: []string{"dist_km > 300", "count(*)"}},
	})
	// Without a vehicles table, veh is no word of the catalog's.
	checkRules(t, offline.New(fleetTables()[1:]), []ruleCase{
		{q: "total distance by vehicle", refused: "vehicle"},
	})
}
