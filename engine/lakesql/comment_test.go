package lakesql

import "testing"

// TestCommentOn sets and clears table and column comments: the table's
// "comment" property and the field's doc, each in one commit, kept by the
// statements that follow.
func TestCommentOn(t *testing.T) {
	f := openLake(t)
	f.exec(`CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id BIGINT, "Name" VARCHAR); INSERT INTO lake.s.t VALUES (1, 'a')`)
	doc := func(col string) string {
		fld, ok := f.table("s", "t").Schema().FindFieldByName(col)
		if !ok {
			t.Fatalf("no column %s", col)
		}
		return fld.Doc
	}
	steps := []struct {
		sql   string
		table string
		id    string
		name  string
	}{
		{`COMMENT ON TABLE lake.s.t IS 'orders, one row each'`, "orders, one row each", "", ""},
		{`COMMENT ON COLUMN lake.s.t.id IS 'the order''s number'`, "orders, one row each", "the order's number", ""},
		{`COMMENT ON COLUMN lake.s.t."Name" IS 'who'`, "orders, one row each", "the order's number", "who"},
		{`COMMENT ON COLUMN lake.s.t.id IS NULL`, "orders, one row each", "", "who"},
		{`COMMENT ON TABLE lake.s.t IS NULL`, "", "", "who"},
	}
	for _, st := range steps {
		before := f.table("s", "t").MetadataLocation()
		f.exec(st.sql)
		tbl := f.table("s", "t")
		if got := tbl.Properties()["comment"]; got != st.table {
			t.Errorf("after %s: table comment %q, want %q", st.sql, got, st.table)
		}
		if got := doc("id"); got != st.id {
			t.Errorf("after %s: id comment %q, want %q", st.sql, got, st.id)
		}
		if got := doc("Name"); got != st.name {
			t.Errorf("after %s: Name comment %q, want %q", st.sql, got, st.name)
		}
		if tbl.MetadataLocation() == before {
			t.Errorf("after %s: no new metadata file", st.sql)
		}
	}
	if got := f.one(`SELECT count(*) FROM lake.s.t`); got != "1" {
		t.Errorf("rows after comments: %s, want 1", got)
	}
	wantErr(t, f.fails(`COMMENT ON COLUMN lake.s.t.nope IS 'x'`), nil, "lake.s.t", "no column nope")
	wantErr(t, f.fails(`COMMENT ON TABLE lake.s.missing IS 'x'`), nil, "missing")
}
