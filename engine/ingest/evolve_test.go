package ingest

import (
	"io"
	"slices"
	"testing"

	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"
)

// metadataStates returns, for every metadata file of lake.ns.name from the
// oldest to the current, its current schema id and snapshot id (0 for
// none): the table's commits, in order.
func (l *lake) metadataStates(ns, name string) [][2]int64 {
	l.t.Helper()
	tb, err := l.wh.Table(l.ctx, ns, name)
	if err != nil {
		l.t.Fatal(err)
	}
	it := tb.Iceberg()
	fsys, err := it.FS(l.ctx)
	if err != nil {
		l.t.Fatal(err)
	}
	var locs []string
	for e := range it.Metadata().PreviousFiles() {
		locs = append(locs, e.MetadataFile)
	}
	locs = append(locs, it.MetadataLocation())
	var out [][2]int64
	for _, loc := range locs {
		f, err := fsys.Open(loc)
		if err != nil {
			l.t.Fatalf("open %s: %v", loc, err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			l.t.Fatal(err)
		}
		md, err := table.ParseMetadataBytes(b)
		if err != nil {
			l.t.Fatalf("%s: %v", loc, err)
		}
		var snap int64
		if s := md.CurrentSnapshot(); s != nil {
			snap = s.SnapshotID
		}
		out = append(out, [2]int64{int64(md.CurrentSchema().ID), snap})
	}
	return out
}

// TestEvolutionCommitsBeforeData ingests into a table whose key is its
// Iceberg identifier field a stream that adds a column in its second batch
// and widens one (int32 to int64, declared in the Debezium schema block) in
// its third: each evolution is a commit of its own that changes the schema
// and no data, made before the data commit that needs it; the data commits
// are one per batch, each written with the new schema; the new column is
// the last one.
func TestEvolutionCommitsBeforeData(t *testing.T) {
	l := openLake(t)
	if err := l.sess.Exec(l.ctx, `CREATE SCHEMA lake.cdc; CREATE TABLE lake.cdc.t (id INTEGER NOT NULL, name VARCHAR, qty INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tb, err := l.wh.Table(l.ctx, "cdc", "t")
	if err != nil {
		t.Fatal(err)
	}
	tx := tb.Iceberg().NewTransaction()
	if err := tx.UpdateSchema(false, false).SetIdentifierField([][]string{{"id"}}).Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Commit(l.ctx); err != nil {
		t.Fatal(err)
	}
	start := len(l.metadataStates("cdc", "t"))

	lines := []string{
		// Batch 1: the table's columns.
		withSchema("int32", `{"op":"c","after":{"id":1,"name":"a","qty":1}}`),
		withSchema("int32", `{"op":"c","after":{"id":2,"name":"b","qty":2}}`),
		// Batch 2: a new column, no schema block.
		`{"op":"c","after":{"id":3,"name":"c","qty":3,"note":"new"}}`,
		`{"op":"u","after":{"id":1,"name":"a2","qty":1,"note":"upd"}}`,
		// Batch 3: qty is now int64.
		withSchema("int64", `{"op":"c","after":{"id":4,"name":"d","qty":5000000000}}`),
		`{"op":"d","before":{"id":2}}`,
	}
	// No Keys: the table's identifier field is the key.
	g, err := l.ingestFile("cdc.t", lines, Options{MaxRows: 2})
	if err != nil {
		t.Fatal(err)
	}
	if st := g.Stats(); st.Commits != 3 || st.SchemaCommits != 2 {
		t.Errorf("stats %+v: want 3 data commits (one a batch) and 2 schema commits", st)
	}
	want := []string{"1,a2,1,upd,BIGINT", "3,c,3,new,BIGINT", "4,d,5000000000,NULL,BIGINT"}
	if d := cmp.Diff(want, l.query("SELECT id, name, qty, note, typeof(qty) FROM lake.cdc.t ORDER BY id")); d != "" {
		t.Errorf("table (-want +got):\n%s", d)
	}
	tb, err = l.wh.Table(l.ctx, "cdc", "t")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range tb.Schema().Fields() {
		names = append(names, f.Name)
	}
	if d := cmp.Diff([]string{"id", "name", "qty", "note"}, names); d != "" {
		t.Errorf("columns (-want +got): the new column goes last\n%s", d)
	}

	// The commits of the ingest, from the metadata log: every one changes
	// either the schema or the data, never both; a schema change comes
	// right before a data commit, which uses it.
	states := l.metadataStates("cdc", "t")[start-1:]
	md := tb.Iceberg().Metadata()
	var kinds []string
	for i := 1; i < len(states); i++ {
		prev, cur := states[i-1], states[i]
		schemaChanged, dataChanged := prev[0] != cur[0], prev[1] != cur[1]
		switch {
		case schemaChanged && dataChanged:
			t.Fatalf("commit %d changes the schema (%d to %d) and the data at once", i, prev[0], cur[0])
		case schemaChanged:
			kinds = append(kinds, "schema")
		case dataChanged:
			kinds = append(kinds, "data")
			s := md.SnapshotByID(cur[1])
			if s == nil || s.SchemaID == nil || int64(*s.SchemaID) != cur[0] {
				t.Errorf("data commit %d: snapshot %v not written with the schema then current (%d)", i, s, cur[0])
			}
			if s != nil && (s.Summary == nil || s.Summary.Properties[PositionKey] == "") {
				t.Errorf("data commit %d records no stream position", i)
			}
		default:
			kinds = append(kinds, "other")
		}
	}
	if want := []string{"data", "schema", "data", "schema", "data"}; !slices.Equal(kinds, want) {
		t.Errorf("the ingest's commits are %v, want %v", kinds, want)
	}
}
