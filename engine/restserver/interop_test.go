package restserver

import (
	"fmt"
	"slices"
	"testing"

	"github.com/apache/iceberg-go/catalog/rest"
	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// query runs SQL in a floe session and renders the rows.
func query(t *testing.T, f *fixture, s *lakesql.Session, q string) [][]string {
	t.Helper()
	rows, err := s.Query(f.ctx, q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	all, err := rows.All()
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	out := make([][]string, len(all))
	for i, r := range all {
		for _, v := range r {
			out[i] = append(out[i], fmt.Sprint(v))
		}
	}
	return out
}

// TestIcebergGoWritesFloeReads: a table created and appended to by
// iceberg-go through the server reads correctly in a floe SQL session on
// the served warehouse.
func TestIcebergGoWritesFloeReads(t *testing.T) {
	f := serve(t, Options{})
	cat := f.client()
	cat.CreateNamespace(f.ctx, table.Identifier{"ext"}, nil)
	tbl, err := cat.CreateTable(f.ctx, table.Identifier{"ext", "events"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	tbl = appendRows(t, f, tbl, 1, 3)
	appendRows(t, f, tbl, 4, 2)

	s, err := lakesql.Open(f.ctx, f.wh)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got := query(t, f, s, "SELECT id, name FROM lake.ext.events ORDER BY id")
	want := [][]string{{"1", "n1"}, {"2", "n2"}, {"3", "n3"}, {"4", "n4"}, {"5", "n5"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("floe reads (-want +got):\n%s", diff)
	}
}

// TestFloeWritesIcebergGoReads: a table floe wrote with SQL (including a
// row-level DELETE) reads correctly through iceberg-go's REST client.
func TestFloeWritesIcebergGoReads(t *testing.T) {
	f := serve(t, Options{})
	s, err := lakesql.Open(f.ctx, f.wh)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{
		"CREATE SCHEMA lake.crm",
		"CREATE TABLE lake.crm.people (id BIGINT, name VARCHAR)",
		"INSERT INTO lake.crm.people SELECT i, 'n' || i FROM range(1, 8) t(i)",
		"DELETE FROM lake.crm.people WHERE id IN (2, 5)",
	} {
		if err := s.Exec(f.ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	cat := f.client()
	tbl, err := cat.LoadTable(f.ctx, table.Identifier{"crm", "people"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := scanIDs(t, f, tbl), []int64{1, 3, 4, 6, 7}; !slices.Equal(got, want) {
		t.Errorf("iceberg-go reads ids %v, want %v", got, want)
	}
}

// TestFloeAsRESTClient runs floe's SQL over a warehouse whose catalog is
// the REST server (engine.OpenRemote): schema, create, insert, delete,
// select, drop; what the client committed is what the server's warehouse
// holds. What needs the embedded catalog fails saying so.
func TestFloeAsRESTClient(t *testing.T) {
	f := serve(t, Options{Prefix: "lake"})
	remote, err := engine.OpenRemote(f.ctx, t.TempDir(), f.client())
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	s, err := lakesql.Open(f.ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, q := range []string{
		"CREATE SCHEMA lake.crm",
		"CREATE TABLE lake.crm.people (id BIGINT, name VARCHAR)",
		"INSERT INTO lake.crm.people SELECT i, 'n' || i FROM range(1, 6) t(i)",
		"DELETE FROM lake.crm.people WHERE id = 3",
		"UPDATE lake.crm.people SET name = 'four' WHERE id = 4",
		"CREATE TABLE lake.crm.copy AS SELECT * FROM lake.crm.people WHERE id > 1",
	} {
		if err := s.Exec(f.ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	want := [][]string{{"1", "n1"}, {"2", "n2"}, {"4", "four"}, {"5", "n5"}}
	if diff := cmp.Diff(want, query(t, f, s, "SELECT id, name FROM lake.crm.people ORDER BY id")); diff != "" {
		t.Errorf("the client reads (-want +got):\n%s", diff)
	}
	// The server's own session sees the same table.
	local, err := lakesql.Open(f.ctx, f.wh)
	if err != nil {
		t.Fatal(err)
	}
	defer local.Close()
	if diff := cmp.Diff(want, query(t, f, local, "SELECT id, name FROM lake.crm.people ORDER BY id")); diff != "" {
		t.Errorf("the server's warehouse reads (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([][]string{{"3"}}, query(t, f, local, "SELECT count(*) FROM lake.crm.copy")); diff != "" {
		t.Errorf("CTAS through REST (-want +got):\n%s", diff)
	}
	if err := s.Exec(f.ctx, "DROP TABLE lake.crm.copy"); err != nil {
		t.Fatalf("drop through REST: %v", err)
	}
	if ok, _ := f.wh.Catalog().CheckTableExists(f.ctx, table.Identifier{"crm", "copy"}); ok {
		t.Error("DROP TABLE through REST left the table")
	}
}

// TestFloeSQLOverREST runs floe's row-level DML, schema evolution,
// metadata tables, maintenance and drops over a REST catalog, checking the
// rows after each step from a session on the served warehouse itself.
func TestFloeSQLOverREST(t *testing.T) {
	f := serve(t, Options{})
	remote, err := engine.OpenRemote(f.ctx, t.TempDir(), f.client())
	if err != nil {
		t.Fatal(err)
	}
	defer remote.Close()
	s, err := lakesql.Open(f.ctx, remote)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	steps := []struct {
		sql   string
		check string // run on the server's own warehouse afterwards
		want  [][]string
	}{
		{"CREATE SCHEMA lake.crm", "", nil},
		{"CREATE TABLE lake.crm.people (id BIGINT, name VARCHAR) TBLPROPERTIES ('format-version' = '3')", "", nil},
		{"INSERT INTO lake.crm.people SELECT i, 'n' || i FROM range(1, 6) t(i)", "SELECT count(*) FROM lake.crm.people", [][]string{{"5"}}},
		{"DELETE FROM lake.crm.people WHERE id = 3", "SELECT list(id ORDER BY id) FROM lake.crm.people", [][]string{{"[1 2 4 5]"}}},
		{"ALTER TABLE lake.crm.people ADD COLUMN qty INTEGER", "SELECT count(qty) FROM lake.crm.people", [][]string{{"0"}}},
		{"MERGE INTO lake.crm.people t USING (SELECT 1 AS id, 7 AS qty) s ON t.id = s.id WHEN MATCHED THEN UPDATE SET qty = s.qty",
			"SELECT id, qty FROM lake.crm.people WHERE qty IS NOT NULL", [][]string{{"1", "7"}}},
		{"CALL rewrite_data_files('crm.people')", "SELECT list(id ORDER BY id) FROM lake.crm.people", [][]string{{"[1 2 4 5]"}}},
		{"SELECT count(*) FROM lake.crm.\"people$snapshots\"", "SELECT count(*) FROM lake.crm.\"people$snapshots\"", [][]string{{"4"}}},
		{"CREATE TABLE lake.crm.tmp AS SELECT id FROM lake.crm.people", "SELECT count(*) FROM lake.crm.tmp", [][]string{{"4"}}},
		{"DROP TABLE lake.crm.tmp PURGE", "", nil},
		{"DROP SCHEMA lake.crm CASCADE", "", nil},
	}
	for _, st := range steps {
		if err := s.Exec(f.ctx, st.sql); err != nil {
			t.Fatalf("%s: %v", st.sql, err)
		}
		if st.check == "" || st.want == nil {
			continue
		}
		local, err := lakesql.Open(f.ctx, f.wh)
		if err != nil {
			t.Fatal(err)
		}
		got := query(t, f, local, st.check)
		local.Close()
		if diff := cmp.Diff(st.want, got); diff != "" {
			t.Errorf("after %s: %s (-want +got):\n%s", st.sql, st.check, diff)
		}
	}
	if ns, _ := f.wh.Namespaces(f.ctx); len(ns) != 0 {
		t.Errorf("DROP SCHEMA CASCADE through REST left %v", ns)
	}
}

// TestFloeAndRESTWritersInterleave has a floe SQL session and an
// iceberg-go client append to one table at the same time: each commit is
// an optimistic swap of the same pointer, so every row of both arrives.
func TestFloeAndRESTWritersInterleave(t *testing.T) {
	f := serve(t, Options{})
	s, err := lakesql.Open(f.ctx, f.wh)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Exec(f.ctx, "CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id BIGINT, name VARCHAR) TBLPROPERTIES ('commit.retry.num-retries' = '50', 'commit.retry.min-wait-ms' = '2')"); err != nil {
		t.Fatal(err)
	}
	const rounds = 6
	done := make(chan error, 1)
	go func() {
		c, err := rest.NewCatalog(f.ctx, "floe", f.srv.URL)
		if err != nil {
			done <- err
			return
		}
		defer c.Close()
		for i := range rounds {
			tbl, err := c.LoadTable(f.ctx, table.Identifier{"s", "t"})
			if err != nil {
				done <- err
				return
			}
			tx := tbl.NewTransaction()
			data := rowsTable(t, 1000+10*i, 5)
			err = tx.AppendTable(f.ctx, data, 5, nil)
			data.Release()
			if err == nil {
				_, err = tx.Commit(f.ctx)
			}
			if err != nil {
				done <- fmt.Errorf("iceberg-go append %d: %w", i, err)
				return
			}
		}
		done <- nil
	}()
	for i := range rounds {
		q := fmt.Sprintf("INSERT INTO lake.s.t SELECT i, 'f' || i FROM range(%d, %d) t(i)", 10*i, 10*i+5)
		if err := s.Exec(f.ctx, q); err != nil {
			t.Fatalf("floe insert %d: %v", i, err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := query(t, f, s, "SELECT count(*), count(DISTINCT id) FROM lake.s.t")
	if diff := cmp.Diff([][]string{{"60", "60"}}, got); diff != "" {
		t.Errorf("rows after interleaved writers (-want +got):\n%s", diff)
	}
}
