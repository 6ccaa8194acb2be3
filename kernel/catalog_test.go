package kernel_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// TestRunChanged runs cells that commit, and cells that do not, on one
// session and checks what each result says changed in the catalog.
func TestRunChanged(t *testing.T) {
	wh := emptyWarehouse(t)
	s := openSession(t, wh, kernel.Options{})
	other := openSession(t, wh, kernel.Options{}) // another writer of the warehouse
	ctx := context.Background()
	steps := []struct {
		name  string
		lang  string
		src   string
		other string // run first on the other session, not through a cell
		want  []string
	}{
		{"create schema and table", "sql", "CREATE SCHEMA lake.demo; CREATE TABLE lake.demo.t (id INTEGER) TBLPROPERTIES ('write.delete.mode'='merge-on-read')",
			"", []string{"created schema lake.demo", "created lake.demo.t"}},
		{"a read changes nothing", "sql", "SELECT count(*) FROM lake.demo.t", "", nil},
		{"insert", "sql", "INSERT INTO lake.demo.t VALUES (1), (2), (4)", "", []string{"committed lake.demo.t"}},
		{"update", "sql", "UPDATE lake.demo.t SET id = 3 WHERE id = 2", "", []string{"committed lake.demo.t"}},
		{"delete", "sql", "DELETE FROM lake.demo.t WHERE id = 1", "", []string{"committed lake.demo.t"}},
		{"call", "sql", "CALL rewrite_data_files('demo.t', options => map(['delete-file-threshold'], ['1']))", "", []string{"committed lake.demo.t"}},
		{"alter", "sql", "ALTER TABLE lake.demo.t ADD COLUMN name VARCHAR", "", []string{"committed lake.demo.t"}},
		{"go cell", "go", `floe.SQL("CREATE TABLE lake.demo.u AS SELECT 1 AS x")`, "", []string{"created lake.demo.u"}},
		{"failed statement after a commit", "sql", "DROP TABLE lake.demo.u PURGE; SELECT * FROM nope", "", []string{"dropped lake.demo.u"}},
		// A commit made before the cell ran is not the cell's change (the
		// workbench's poll finds it).
		{"another session's earlier commit", "sql", "SELECT count(*) FROM lake.demo.t",
			"INSERT INTO lake.demo.t VALUES (7, 'x')", nil},
		{"drop schema", "sql", "DROP SCHEMA lake.demo CASCADE", "", []string{"dropped schema lake.demo", "dropped lake.demo.t"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if st.other != "" {
				if err := other.SQL().Exec(ctx, st.other); err != nil {
					t.Fatal(err)
				}
			}
			c := &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: st.lang, Source: st.src}
			r := s.Run(ctx, c)
			if r.Status == kernel.Failed && !strings.Contains(st.name, "failed") {
				t.Fatalf("cell failed: %v", r.Err)
			}
			var got []string
			for _, ch := range r.Changed {
				got = append(got, ch.String())
			}
			if d := cmp.Diff(st.want, got); d != "" {
				t.Errorf("changed (-want +got):\n%s", d)
			}
		})
	}
}

// BenchmarkLakeState measures the catalog poll (one query of the catalog
// database for every namespace and table pointer) against listing the
// catalog the way the tree's r key does (the namespaces, then the tables of
// each), on a warehouse of 4 namespaces and 40 tables. It reports
// list/poll, the times of both, and the poll's time per run of a cell (it
// runs twice: before and after).
func BenchmarkLakeState(b *testing.B) {
	wh := emptyWarehouse(b)
	s := openSession(b, wh, kernel.Options{})
	ctx := context.Background()
	for ns := range 4 {
		if err := s.SQL().Exec(ctx, fmt.Sprintf("CREATE SCHEMA lake.n%d", ns)); err != nil {
			b.Fatal(err)
		}
		for t := range 10 {
			if err := s.SQL().Exec(ctx, fmt.Sprintf("CREATE TABLE lake.n%d.t%d (id INTEGER)", ns, t)); err != nil {
				b.Fatal(err)
			}
		}
	}
	poll := func() {
		st, err := s.LakeState(ctx)
		if err != nil || len(st.Tables) != 40 {
			b.Fatalf("state: %d tables, %v", len(st.Tables), err)
		}
	}
	list := func() {
		nss, err := s.LakeNamespaces(ctx)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for _, ns := range nss {
			ts, err := s.LakeTables(ctx, ns)
			if err != nil {
				b.Fatal(err)
			}
			n += len(ts)
		}
		if n != 40 {
			b.Fatalf("listed %d tables", n)
		}
	}
	var pollTime, listTime time.Duration
	for b.Loop() {
		start := time.Now()
		poll()
		pollTime += time.Since(start)
		start = time.Now()
		list()
		listTime += time.Since(start)
	}
	b.ReportMetric(float64(pollTime.Microseconds())/float64(b.N), "poll-µs/op")
	b.ReportMetric(float64(listTime.Microseconds())/float64(b.N), "list-µs/op")
	b.ReportMetric(float64(listTime)/float64(pollTime), "list/poll")
}

// TestDescribeLakeTableHealth checks that a table's description carries
// the latest storage metrics once CALL lens_collect (a procedure of every
// kernel session) has measured it, and none before.
func TestDescribeLakeTableHealth(t *testing.T) {
	wh := emptyWarehouse(t)
	s := openSession(t, wh, kernel.Options{})
	ctx := context.Background()
	steps := []struct {
		sql     string
		wantDay string // "" for no health
	}{
		{"CREATE SCHEMA lake.h; CREATE TABLE lake.h.t (id BIGINT); INSERT INTO lake.h.t SELECT * FROM range(100)", ""},
		{"CALL lens_collect(now => TIMESTAMP '2026-02-03 04:05')", "2026-02-03"},
		{"CALL lens_collect(now => TIMESTAMP '2026-02-04 04:05')", "2026-02-04"},
	}
	for _, st := range steps {
		if err := s.SQL().Exec(ctx, st.sql); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
		info, err := s.DescribeLakeTable(ctx, "h", "t")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case st.wantDay == "" && info.Health != nil:
			t.Errorf("after %q: health %+v, want none", st.sql, info.Health)
		case st.wantDay != "" && info.Health == nil:
			t.Errorf("after %q: no health", st.sql)
		case st.wantDay != "":
			if got := info.Health.Day.Format(time.DateOnly); got != st.wantDay || info.Health.Bytes < info.Bytes {
				t.Errorf("after %q: health of %s with %d bytes, want %s and at least the %d bytes of data",
					st.sql, got, info.Health.Bytes, st.wantDay, info.Bytes)
			}
		}
	}
}
