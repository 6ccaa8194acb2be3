package agent

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/agent/internal/agenttest"
	"github.com/floehq/floe/agent/lake"
	"github.com/floehq/floe/agent/schema"
	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// openLake opens an empty warehouse in a temporary directory.
func openLake(tb testing.TB) *lakesql.Session {
	tb.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	s, err := lakesql.Open(ctx, wh)
	if err != nil {
		wh.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close(); wh.Close() })
	return s
}

func mustExec(tb testing.TB, s *lakesql.Session, q string) {
	tb.Helper()
	if err := s.Exec(context.Background(), q); err != nil {
		tb.Fatalf("%v\n%s", err, q)
	}
}

// The lake catalog is what New is given in use: a Catalog with a profile
// directory.
var (
	_ Catalog      = (*lake.Catalog)(nil)
	_ profileDirer = (*lake.Catalog)(nil)
)

// recordingCatalog is a lake.Catalog that remembers the queries it runs.
type recordingCatalog struct {
	*lake.Catalog
	mu      sync.Mutex
	queries []string
}

func (c *recordingCatalog) Query(ctx context.Context, sql string, maxRows int) (*Result, error) {
	c.mu.Lock()
	c.queries = append(c.queries, sql)
	c.mu.Unlock()
	return c.Catalog.Query(ctx, sql, maxRows)
}

// profiles returns the profile queries run since the last call.
func (c *recordingCatalog) profiles() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, q := range c.queries {
		if strings.Contains(q, "max(length(") {
			out = append(out, q)
		}
	}
	c.queries = nil
	return out
}

// eventsTable creates lake.ops.events in twelve commits, so that it has
// twelve data files and more rows than a profile samples; a category only
// the last commit writes, and ranges that the last commit widens.
func eventsTable(tb testing.TB, s *lakesql.Session) {
	mustExec(tb, s, "CREATE SCHEMA lake.ops")
	for k := 0; k < 12; k++ {
		cat := "['web', 'mobile', 'api'][1 + i % 3]"
		if k == 11 {
			cat = "'kiosk'"
		}
		sel := fmt.Sprintf(`SELECT CAST(%[1]d * 10000 + i AS BIGINT) AS event_id, %[2]s AS channel,
  DATE '2024-01-01' + CAST(%[1]d * 20 + i %% 20 AS INTEGER) AS event_date,
  CAST((i * 37 %% 1000) / 10.0 + %[1]d AS DECIMAL(8, 2)) AS amount,
  TIMESTAMP '2024-01-01 00:00:00' + INTERVAL (%[1]d * 10000 + i) MINUTE AS seen_at
FROM range(10000) r(i)`, k, cat)
		if k == 0 {
			mustExec(tb, s, "CREATE TABLE lake.ops.events AS "+sel)
		} else {
			mustExec(tb, s, "INSERT INTO lake.ops.events "+sel)
		}
	}
}

func lakeTable(tb testing.TB, cat Catalog, name string) Table {
	tb.Helper()
	tables, err := cat.Tables(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, t := range tables {
		if t.Name == name {
			return t
		}
	}
	tb.Fatalf("no table %s in %v", name, tables)
	return Table{}
}

// TestProfileFromMetadata checks that a lake table's profile takes its row
// count and ranges from the Iceberg metadata, exactly, and its values from
// one bounded query over a few data files spread over the table.
func TestProfileFromMetadata(t *testing.T) {
	ctx := context.Background()
	s := openLake(t)
	eventsTable(t, s)
	cat := &recordingCatalog{Catalog: lake.NewCatalog(s)}
	tbl := lakeTable(t, cat, "lake.ops.events")
	cat.profiles()
	p, err := schema.ProfileTable(ctx, cat, tbl)
	if err != nil {
		t.Fatal(err)
	}
	exact, err := agenttest.Run(ctx, s, `SELECT count(*), min(event_id), max(event_id), min(event_date), max(event_date),
  min(amount), max(amount), min(seen_at), max(seen_at) FROM lake.ops.events`)
	if err != nil {
		t.Fatal(err)
	}
	row := exact.Rows[0]
	if n, _ := schema.ToInt(row[0]); p.Rows != n {
		t.Errorf("rows = %d, want %d", p.Rows, n)
	}
	for k, name := range []string{"event_id", "event_date", "amount", "seen_at"} {
		c, _ := p.Column(name)
		for j, got := range []any{c.Min, c.Max} {
			want := row[1+2*k+j]
			if schema.Render(got) != schema.Render(want) && fmt.Sprint(got) != schema.Render(want) {
				t.Errorf("%s bound %d = %v (%T), want %v", name, j, got, got, want)
			}
		}
	}
	ch, _ := p.Column("channel")
	if strings.Join(ch.Values, ",") != "api,kiosk,mobile,web" {
		t.Errorf("channel values %v, want api, kiosk, mobile, web (kiosk only in the last file)", ch.Values)
	}
	qs := cat.profiles()
	if len(qs) != 1 {
		t.Fatalf("%d profile queries, want 1: %q", len(qs), qs)
	}
	q := qs[0]
	if files := strings.Count(q, ".parquet"); files == 0 || files > lake.SampleFiles {
		t.Errorf("the profile query reads %d data files, want 1 to %d of 12:\n%s", files, lake.SampleFiles, q)
	}
	if !strings.Contains(q, fmt.Sprintf("LIMIT %d", schema.SampleRows)) || strings.Contains(q, "min(") {
		t.Errorf("the profile query is not a bounded sample without ranges:\n%s", q)
	}
}

// TestProfilesKeptPerSnapshot checks that an agent profiles a table once
// per snapshot: again after a commit, not before, and not in a new agent
// (a new `floe ask`) over the same warehouse.
func TestProfilesKeptPerSnapshot(t *testing.T) {
	ctx := context.Background()
	s := openLake(t)
	eventsTable(t, s)
	mustExec(t, s, "CREATE TABLE lake.ops.teams AS SELECT * FROM (VALUES ('red', 3), ('blue', 5)) v(team, members)")
	cat := &recordingCatalog{Catalog: lake.NewCatalog(s)}
	ask := func(a *Agent, q string) {
		t.Helper()
		if _, err := a.Ask(ctx, q, nil); err != nil {
			t.Fatalf("Ask(%q): %v", q, err)
		}
	}
	tablesIn := func(qs []string) []string {
		var out []string
		for _, q := range qs {
			switch {
			case strings.Contains(q, "channel"):
				out = append(out, "events")
			case strings.Contains(q, "team"):
				out = append(out, "teams")
			}
		}
		return out
	}
	a := New(Config{}, cat)
	ask(a, "events by channel")
	if got := tablesIn(cat.profiles()); len(got) != 2 {
		t.Fatalf("first question profiled %v, want both tables", got)
	}
	ask(a, "total amount by channel")
	if got := cat.profiles(); len(got) != 0 {
		t.Errorf("second question profiled again: %q", got)
	}
	mustExec(t, s, "INSERT INTO lake.ops.teams VALUES ('green', 4)")
	ask(a, "how many teams are there")
	if got := tablesIn(cat.profiles()); len(got) != 1 || got[0] != "teams" {
		t.Errorf("after a commit to teams, profiled %v, want teams only", got)
	}
	b := New(Config{}, cat)
	ask(b, "events by channel")
	if got := cat.profiles(); len(got) != 0 {
		t.Errorf("a new agent over the same warehouse profiled again: %q", got)
	}
}

// TestProfileCacheOnDisk checks that a profile read back from disk is the
// profile that was kept, bounds with their types.
func TestProfileCacheOnDisk(t *testing.T) {
	ctx := context.Background()
	s := openLake(t)
	eventsTable(t, s)
	cat := lake.NewCatalog(s)
	tbl := lakeTable(t, cat, "lake.ops.events")
	p, err := schema.ProfileTable(ctx, cat, tbl)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := (&schema.ProfileCache{Dir: dir}).Put(tbl, p); err != nil {
		t.Fatal(err)
	}
	got, ok := (&schema.ProfileCache{Dir: dir}).Get(tbl)
	if !ok {
		t.Fatal("the profile was not read back")
	}
	for i, c := range p.Columns {
		g := got.Columns[i]
		if fmt.Sprintf("%T %v %T %v %v", c.Min, c.Min, c.Max, c.Max, c.Values) != fmt.Sprintf("%T %v %T %v %v", g.Min, g.Min, g.Max, g.Max, g.Values) {
			t.Errorf("column %s: kept %v..%v %v, read %v..%v %v", c.Name, c.Min, c.Max, c.Values, g.Min, g.Max, g.Values)
		}
	}
	tbl.Version += "x"
	if _, ok := (&schema.ProfileCache{Dir: dir}).Get(tbl); ok {
		t.Error("a profile was read back for another version")
	}
}

// TestProfileNumericText checks that a text column whose values all parse
// as numbers, blanks aside, is profiled as numeric (Telco's TotalCharges
// loads as text because of blanks), that one odd value makes it text, and
// that the flag survives the profile cache on disk.
func TestProfileNumericText(t *testing.T) {
	ctx := context.Background()
	s := openLake(t)
	mustExec(t, s, `CREATE SCHEMA lake.csv`)
	mustExec(t, s, `CREATE TABLE lake.csv.charges AS SELECT * FROM (VALUES
  ('29.85', 'a', '12', '007'), (' ', 'b', 'n/a', '12'), ('1889.5', 'c', '3', ''), (NULL, 'd', '4', '5e2')
) v(total, label, mixed, code)`)
	cat := lake.NewCatalog(s)
	tbl := lakeTable(t, cat, "lake.csv.charges")
	p, err := schema.ProfileTable(ctx, cat, tbl)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := (&schema.ProfileCache{Dir: dir}).Put(tbl, p); err != nil {
		t.Fatal(err)
	}
	back, ok := (&schema.ProfileCache{Dir: dir}).Get(tbl)
	if !ok {
		t.Fatal("the profile was not read back")
	}
	for _, tt := range []struct {
		col  string
		want bool
	}{{"total", true}, {"label", false}, {"mixed", false}, {"code", true}} {
		for _, pr := range []*schema.Profile{p, back} {
			c, _ := pr.Column(tt.col)
			if c.Numeric != tt.want {
				t.Errorf("%s: Numeric = %v, want %v", tt.col, c.Numeric, tt.want)
			}
		}
	}
}

// TestProfileNulls checks that a profile holds each column's fraction of
// NULLs, from the metadata's null counts (a date and a number) and from the
// rows read (text, and every column when there is no metadata), and that
// the fraction survives the profile cache on disk.
func TestProfileNulls(t *testing.T) {
	ctx := context.Background()
	s := openLake(t)
	mustExec(t, s, `CREATE SCHEMA lake.n`)
	mustExec(t, s, `CREATE TABLE lake.n.visits AS SELECT * FROM (VALUES
  (1, DATE '2024-01-01', NULL, 'a', 10), (2, DATE '2024-01-02', DATE '2024-01-05', NULL, 20),
  (3, DATE '2024-01-03', NULL, 'b', NULL), (4, DATE '2024-01-04', NULL, 'c', 40)
) v(id, visit_date, cancelled_at, note, amount)`)
	cat := lake.NewCatalog(s)
	tbl := lakeTable(t, cat, "lake.n.visits")
	want := map[string]float64{"id": 0, "visit_date": 0, "cancelled_at": 0.75, "note": 0.25, "amount": 0.25}
	meta, err := schema.ProfileTable(ctx, cat, tbl)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := schema.ProfileTable(ctx, queryOnly{cat}, tbl)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := (&schema.ProfileCache{Dir: dir}).Put(tbl, meta); err != nil {
		t.Fatal(err)
	}
	back, ok := (&schema.ProfileCache{Dir: dir}).Get(tbl)
	if !ok {
		t.Fatal("the profile was not read back")
	}
	for name, p := range map[string]*schema.Profile{"metadata": meta, "rows": rows, "cache": back} {
		for col, w := range want {
			c, _ := p.Column(col)
			if c.Nulls != w {
				t.Errorf("%s: %s.Nulls = %v, want %v", name, col, c.Nulls, w)
			}
		}
	}
	// The metadata's counts are used, not the sample's: a metadata count
	// for cancelled_at that the sample cannot see shows.
	st, err := cat.TableStats(ctx, tbl)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Columns["cancelled_at"].Nulls; got != 3 {
		t.Errorf("metadata null count of cancelled_at = %d, want 3", got)
	}
}
