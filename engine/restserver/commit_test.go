package restserver

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/rest"
	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

var arrowSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// rowsJSON makes an Arrow table of n rows with ids from first.
func rowsTable(t testing.TB, first, n int) arrow.Table {
	t.Helper()
	var b strings.Builder
	b.WriteString("[")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id": %d, "name": "n%d"}`, first+i, first+i)
	}
	b.WriteString("]")
	tbl, err := array.TableFromJSON(memory.DefaultAllocator, arrowSchema, []string{b.String()})
	if err != nil {
		t.Fatal(err)
	}
	return tbl
}

// appendRows appends rows through an iceberg-go transaction.
func appendRows(t testing.TB, f *fixture, tbl *table.Table, first, n int) *table.Table {
	t.Helper()
	tx := tbl.NewTransaction()
	data := rowsTable(t, first, n)
	defer data.Release()
	if err := tx.AppendTable(f.ctx, data, int64(n), nil); err != nil {
		t.Fatalf("append: %v", err)
	}
	out, err := tx.Commit(f.ctx)
	if err != nil {
		t.Fatalf("commit append: %v", err)
	}
	return out
}

// scanIDs reads a table's ids through iceberg-go's scan, sorted.
func scanIDs(t testing.TB, f *fixture, tbl *table.Table) []int64 {
	t.Helper()
	at, err := tbl.Scan().ToArrowTable(f.ctx)
	if err != nil {
		t.Fatalf("scan: %v", err)
	}
	defer at.Release()
	var ids []int64
	col := at.Column(at.Schema().FieldIndices("id")[0])
	for _, chunk := range col.Data().Chunks() {
		a := chunk.(*array.Int64)
		for i := range a.Len() {
			ids = append(ids, a.Value(i))
		}
	}
	slices.Sort(ids)
	return ids
}

func seq(first, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(first + i)
	}
	return out
}

// TestCommitsThroughRESTClient creates a table, appends to it and evolves
// its schema through iceberg-go's REST client, and checks every step in
// the warehouse itself.
func TestCommitsThroughRESTClient(t *testing.T) {
	f := serve(t, Options{})
	cat := f.client()
	ident := table.Identifier{"sales", "orders"}
	if err := cat.CreateNamespace(f.ctx, table.Identifier{"sales"}, nil); err != nil {
		t.Fatal(err)
	}
	tbl, err := cat.CreateTable(f.ctx, ident, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	tbl = appendRows(t, f, tbl, 1, 3)
	tbl = appendRows(t, f, tbl, 4, 2)
	if got := scanIDs(t, f, tbl); !slices.Equal(got, seq(1, 5)) {
		t.Errorf("ids after two appends: %v", got)
	}

	tx := tbl.NewTransaction()
	if err := tx.UpdateSchema(true, false).AddColumn([]string{"qty"}, iceberg.PrimitiveTypes.Int32, "", false, nil).Commit(); err != nil {
		t.Fatal(err)
	}
	if tbl, err = tx.Commit(f.ctx); err != nil {
		t.Fatalf("schema update: %v", err)
	}

	// The warehouse sees what the client committed: two snapshots and
	// the new column, at the metadata file the server reported.
	et, err := f.wh.Table(f.ctx, "sales", "orders")
	if err != nil {
		t.Fatal(err)
	}
	if et.MetadataLocation() != tbl.MetadataLocation() {
		t.Errorf("warehouse at %s, client at %s", et.MetadataLocation(), tbl.MetadataLocation())
	}
	if n := len(et.Iceberg().Metadata().Snapshots()); n != 2 {
		t.Errorf("%d snapshots, want 2", n)
	}
	var cols []string
	for _, fld := range et.Schema().Fields() {
		cols = append(cols, fld.Name)
	}
	if diff := cmp.Diff([]string{"id", "name", "qty"}, cols); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}

	// Rename and stage-create round out the table operations.
	if _, err := cat.RenameTable(f.ctx, ident, table.Identifier{"sales", "orders2"}); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if ok, _ := cat.CheckTableExists(f.ctx, ident); ok {
		t.Error("old name still exists after rename")
	}
	staged, err := cat.CreateTable(f.ctx, table.Identifier{"sales", "staged"}, testSchema,
		catalog.WithStagedUpdates(table.NewSetPropertiesUpdate(iceberg.Properties{"owner": "etl"})))
	if err != nil {
		t.Fatalf("staged create: %v", err)
	}
	st, err := f.wh.Table(f.ctx, "sales", "staged")
	if err != nil {
		t.Fatalf("staged table not in the warehouse: %v", err)
	}
	if st.Properties()["owner"] != "etl" || staged.Properties()["owner"] != "etl" {
		t.Errorf("staged update lost: %v", st.Properties())
	}
}

// statusCounter wraps a handler and counts responses by status.
type statusCounter struct {
	h      http.Handler
	counts sync.Map // int -> *atomic.Int64
}

func (c *statusCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sw := &statusWriter{ResponseWriter: w, status: 200}
	c.h.ServeHTTP(sw, r)
	v, _ := c.counts.LoadOrStore(sw.status, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

func (c *statusCounter) count(status int) int64 {
	v, ok := c.counts.Load(status)
	if !ok {
		return 0
	}
	return v.(*atomic.Int64).Load()
}

// TestConcurrentCommits has two clients append from the same snapshot:
// the second gets 409 CommitFailed, iceberg-go retries on the new
// snapshot, and both appends survive. A raw stale commit is refused with
// table.ErrCommitFailed and changes nothing. Then several clients append
// at once and every row arrives.
func TestConcurrentCommits(t *testing.T) {
	f := serve(t, Options{})
	counter := &statusCounter{h: f.srv.Config.Handler}
	f.srv.Config.Handler = counter
	a, b := f.client(), f.client()
	ident := table.Identifier{"s", "t"}
	a.CreateNamespace(f.ctx, table.Identifier{"s"}, nil)
	if _, err := a.CreateTable(f.ctx, ident, testSchema,
		catalog.WithProperties(iceberg.Properties{"commit.retry.num-retries": "20", "commit.retry.min-wait-ms": "5"})); err != nil {
		t.Fatal(err)
	}
	ta, err := a.LoadTable(f.ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	tb, err := b.LoadTable(f.ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	ta = appendRows(t, f, ta, 1, 2)
	before := counter.count(http.StatusConflict)
	tb = appendRows(t, f, tb, 10, 2)
	if got := counter.count(http.StatusConflict) - before; got != 1 {
		t.Errorf("the second writer got %d conflicts, want 1 (then a retry)", got)
	}
	if got, want := scanIDs(t, f, tb), []int64{1, 2, 10, 11}; !slices.Equal(got, want) {
		t.Errorf("ids %v, want %v", got, want)
	}

	// A stale commit sent as it is: 409, and nothing moves.
	stale := ta.Metadata().CurrentSnapshot().SnapshotID
	cur, _ := f.wh.MetadataLocation(f.ctx, "s", "t")
	_, _, err = a.CommitTable(f.ctx, ident,
		[]table.Requirement{table.AssertRefSnapshotID("main", &stale)},
		[]table.Update{table.NewSetPropertiesUpdate(iceberg.Properties{"k": "v"})})
	if !errors.Is(err, table.ErrCommitFailed) || !strings.Contains(err.Error(), "CommitFailedException") {
		t.Fatalf("stale commit: %v, want CommitFailedException", err)
	}
	if now, _ := f.wh.MetadataLocation(f.ctx, "s", "t"); now != cur {
		t.Errorf("a refused commit moved the table from %s to %s", cur, now)
	}

	// Writers at once: each retries until its append lands.
	const writers = 3
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := rest.NewCatalog(f.ctx, "floe", f.srv.URL)
			if err != nil {
				errs <- err
				return
			}
			defer c.Close()
			tbl, err := c.LoadTable(f.ctx, ident)
			if err != nil {
				errs <- err
				return
			}
			tx := tbl.NewTransaction()
			data := rowsTable(t, 100+10*i, 3)
			defer data.Release()
			if err := tx.AppendTable(f.ctx, data, 3, nil); err != nil {
				errs <- err
				return
			}
			_, err = tx.Commit(f.ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent append: %v", err)
		}
	}
	final, err := a.LoadTable(f.ctx, ident)
	if err != nil {
		t.Fatal(err)
	}
	want := []int64{1, 2, 10, 11, 100, 101, 102, 110, 111, 112, 120, 121, 122}
	if got := scanIDs(t, f, final); !slices.Equal(got, want) {
		t.Errorf("ids after concurrent appends %v, want %v", got, want)
	}
}

// TestCommitTransaction checks multi-table commits: all tables move, or
// (one requirement failing) none does.
func TestCommitTransaction(t *testing.T) {
	f := serve(t, Options{})
	cat := f.client()
	cat.CreateNamespace(f.ctx, table.Identifier{"s"}, nil)
	for _, n := range []string{"a", "b"} {
		if _, err := cat.CreateTable(f.ctx, table.Identifier{"s", n}, testSchema); err != nil {
			t.Fatal(err)
		}
	}
	loc := func(n string) string {
		l, err := f.wh.MetadataLocation(f.ctx, "s", n)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	props := func(n string) iceberg.Properties {
		tbl, err := f.wh.Table(f.ctx, "s", n)
		if err != nil {
			t.Fatal(err)
		}
		return tbl.Properties()
	}
	ta, _ := cat.LoadTable(f.ctx, table.Identifier{"s", "a"})
	uuidA := ta.Metadata().TableUUID()
	set := func(v string) []table.Update {
		return []table.Update{table.NewSetPropertiesUpdate(iceberg.Properties{"batch": v})}
	}

	// One requirement fails: neither table moves.
	la, lb := loc("a"), loc("b")
	err := cat.CommitTransaction(f.ctx, []table.TableCommit{
		{Identifier: table.Identifier{"s", "a"}, Requirements: []table.Requirement{table.AssertTableUUID(uuidA)}, Updates: set("1")},
		{Identifier: table.Identifier{"s", "b"}, Requirements: []table.Requirement{table.AssertTableUUID(uuidA)}, Updates: set("1")},
	})
	if !errors.Is(err, table.ErrCommitFailed) {
		t.Fatalf("transaction with a failed requirement: %v, want a commit failure", err)
	}
	if loc("a") != la || loc("b") != lb {
		t.Fatal("a failed transaction moved a table")
	}
	if files := metadataFiles(t, f, "a"); len(files) != 1 {
		t.Errorf("a failed transaction left metadata files behind: %v", files)
	}

	// All requirements hold: both move.
	err = cat.CommitTransaction(f.ctx, []table.TableCommit{
		{Identifier: table.Identifier{"s", "a"}, Requirements: []table.Requirement{table.AssertTableUUID(uuidA)}, Updates: set("2")},
		{Identifier: table.Identifier{"s", "b"}, Updates: set("2")},
	})
	if err != nil {
		t.Fatalf("transaction: %v", err)
	}
	if props("a")["batch"] != "2" || props("b")["batch"] != "2" {
		t.Errorf("after the transaction: a %v, b %v", props("a"), props("b"))
	}
}

// metadataFiles lists a table's metadata JSON files.
func metadataFiles(t *testing.T, f *fixture, name string) []string {
	t.Helper()
	tbl, err := f.wh.Table(f.ctx, "s", name)
	if err != nil {
		t.Fatal(err)
	}
	dir, _ := engine.LocalPath(tbl.Location() + "/metadata")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".metadata.json") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestDropPurgeAndRegister drops with and without purge, and registers a
// table from a metadata file: a purge never deletes files another table
// (here, a second name registered over the same files) still reads.
func TestDropPurgeAndRegister(t *testing.T) {
	f := serve(t, Options{})
	cat := f.client()
	cat.CreateNamespace(f.ctx, table.Identifier{"s"}, nil)
	tbl, err := cat.CreateTable(f.ctx, table.Identifier{"s", "t"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	tbl = appendRows(t, f, tbl, 1, 4)
	reg, err := cat.RegisterTable(f.ctx, table.Identifier{"s", "alias"}, tbl.MetadataLocation())
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if got := scanIDs(t, f, reg); !slices.Equal(got, seq(1, 4)) {
		t.Errorf("registered table reads %v", got)
	}
	if _, err := cat.RegisterTable(f.ctx, table.Identifier{"s", "alias"}, tbl.MetadataLocation()); !errors.Is(err, catalog.ErrTableAlreadyExists) {
		t.Errorf("second register: %v, want ErrTableAlreadyExists", err)
	}
	if err := cat.PurgeTable(f.ctx, table.Identifier{"s", "t"}); err != nil {
		t.Fatalf("purge: %v", err)
	}
	// The alias shares the files: they all stay.
	reg, err = cat.LoadTable(f.ctx, table.Identifier{"s", "alias"})
	if err != nil {
		t.Fatal(err)
	}
	if got := scanIDs(t, f, reg); !slices.Equal(got, seq(1, 4)) {
		t.Errorf("after purging the other name the alias reads %v", got)
	}
	dir, _ := engine.LocalPath(reg.Location())
	if err := cat.PurgeTable(f.ctx, table.Identifier{"s", "alias"}); err != nil {
		t.Fatalf("purge alias: %v", err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("purging the last name left %s: %v", dir, err)
	}

	// Drop without purge keeps the files.
	kept, err := cat.CreateTable(f.ctx, table.Identifier{"s", "kept"}, testSchema)
	if err != nil {
		t.Fatal(err)
	}
	kept = appendRows(t, f, kept, 1, 1)
	if err := cat.DropTable(f.ctx, table.Identifier{"s", "kept"}); err != nil {
		t.Fatal(err)
	}
	if p, _ := engine.LocalPath(kept.MetadataLocation()); !fileExists(p) {
		t.Errorf("drop without purge deleted %s", p)
	}
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }
