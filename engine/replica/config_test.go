package replica_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/floehq/floe/engine/replica"
)

// TestConfig sets destinations on the warehouse, a schema and a table, by
// Put and by SQL, and checks which apply where; bad destinations are
// refused with the reason.
func TestConfig(t *testing.T) {
	dir := t.TempDir()
	src := openLake(t, filepath.Join(dir, "src"))
	src.exec(`CREATE SCHEMA lake.a; CREATE SCHEMA lake.b; CREATE TABLE lake.a.t (id INTEGER); CREATE TABLE lake.a.u (id INTEGER); CREATE TABLE lake.b.v (id INTEGER)`)
	wh, ns, tb := filepath.Join(dir, "w"), filepath.Join(dir, "n"), filepath.Join(dir, "t")
	put := func(scope string, dests ...string) error {
		s, err := replica.ParseScope(scope)
		if err != nil {
			t.Fatal(err)
		}
		return replica.Put(src.ctx, src.wh, s, dests)
	}
	for _, c := range []struct {
		scope string
		dests []string
	}{{"lake", []string{wh}}, {"lake.a", []string{ns}}, {"lake.a.t", []string{tb, wh}}} {
		if err := put(c.scope, c.dests...); err != nil {
			t.Fatalf("put %s: %v", c.scope, err)
		}
	}
	want := map[string]replica.Config{
		"lake.a.t": {Destinations: []string{tb, wh}, From: "lake.a.t"},
		"lake.a.u": {Destinations: []string{ns}, From: "lake.a"},
		"lake.b.v": {Destinations: []string{wh}, From: "lake"},
		"lake.b":   {Destinations: []string{wh}, From: "lake"},
	}
	check := func(when string) {
		t.Helper()
		for scope, w := range want {
			s, _ := replica.ParseScope(scope)
			got, err := replica.Get(src.ctx, src.wh, s)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Destinations, w.Destinations) || got.From != w.From {
				t.Errorf("%s: get %s = %+v, want %+v", when, scope, got, w)
			}
		}
	}
	check("after put")
	// SQL sets the same table property; a table may opt out with ''.
	src.exec(`ALTER TABLE lake.a.u SET TBLPROPERTIES ('replication.destinations'='` + tb + `')`)
	src.exec(`ALTER TABLE lake.b.v SET TBLPROPERTIES ('replication.destinations'='')`)
	want["lake.a.u"] = replica.Config{Destinations: []string{tb}, From: "lake.a.u"}
	want["lake.b.v"] = replica.Config{From: "lake.b.v"}
	check("after ALTER TABLE")
	s, _ := replica.ParseScope("lake.a")
	if err := replica.Delete(src.ctx, src.wh, s); err != nil {
		t.Fatal(err)
	}
	s, _ = replica.ParseScope("lake")
	if err := replica.Delete(src.ctx, src.wh, s); err != nil {
		t.Fatal(err)
	}
	want["lake.b"] = replica.Config{}
	check("after delete")
	// A schema's destinations by SQL (Spark's ALTER NAMESPACE ... SET
	// PROPERTIES); an S3 destination is stored in one spelling.
	src.exec(`ALTER SCHEMA lake.b SET PROPERTIES ('replication.destinations'='` + ns + `')`)
	want["lake.b"] = replica.Config{Destinations: []string{ns}, From: "lake.b"}
	check("after ALTER SCHEMA SET")
	src.exec(`ALTER DATABASE lake.b SET DBPROPERTIES ('replication.destinations'='s3a://bkt/dr/')`)
	want["lake.b"] = replica.Config{Destinations: []string{"s3a://bkt/dr/"}, From: "lake.b"}
	check("after ALTER DATABASE SET")
	if got, err := replica.NormalizeDestinations(src.wh, want["lake.b"].Destinations); err != nil || !slices.Equal(got, []string{"s3://bkt/dr"}) {
		t.Errorf("normalized %v: %v, %v; want s3://bkt/dr", want["lake.b"].Destinations, got, err)
	}
	src.exec(`ALTER SCHEMA lake.b UNSET PROPERTIES ('replication.destinations')`)
	want["lake.b"] = replica.Config{}
	check("after ALTER SCHEMA UNSET")
	for _, c := range []struct{ sql, want string }{
		{`ALTER SCHEMA lake.b SET PROPERTIES ('replication.destinations'='rel/dir')`, "relative"},
		{`ALTER SCHEMA lake.b SET PROPERTIES ('replication.destinations'='gs://b/w')`, "not a gs:// URL"},
		{`ALTER SCHEMA lake.b SET PROPERTIES ('replication.destinations'='` + filepath.Join(dir, "src") + `')`, "source warehouse"},
		{`ALTER SCHEMA lake.nope SET PROPERTIES ('k'='v')`, "lake.nope"},
		{`ALTER SCHEMA lake.b RENAME TO c`, "unsupported change"},
	} {
		if err := src.s.Exec(src.ctx, c.sql); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.sql, err, c.want)
		}
	}
	check("after refused ALTER SCHEMA")

	for _, c := range []struct{ scope, dest, want string }{
		{"lake.a.t", filepath.Join(dir, "src"), "source warehouse"},
		{"lake.a.t", filepath.Join(dir, "src", "inner"), "one holds the other"},
		{"lake.a.t", "", "at least one destination"},
		{"lake.a.nope", tb, "does not exist"},
	} {
		err := put(c.scope, c.dest)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("put %s --to %q: %v, want an error saying %q", c.scope, c.dest, err, c.want)
		}
	}
	// A relative destination set by SQL is refused when replicating.
	src.exec(`ALTER TABLE lake.a.t SET TBLPROPERTIES ('replication.destinations'='rel/dir')`)
	r := replica.New(src.wh)
	defer r.Close()
	if _, err := r.Table(src.ctx, "a", "t"); err == nil || !strings.Contains(err.Error(), "relative") {
		t.Errorf("replicate to a relative destination: %v, want a refusal", err)
	}
	for _, bad := range []string{"warehouse", "lake.a.t.x", "lake..t"} {
		if _, err := replica.ParseScope(bad); err == nil {
			t.Errorf("ParseScope(%q) accepted it", bad)
		}
	}
}
