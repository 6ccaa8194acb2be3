package lens

import (
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestStoragePrefixesAnyDepth checks storage_daily's prefix level against
// a walk of the warehouse: every directory at every depth (a table's
// nested partition directories included) has its row, with the bytes and
// objects of everything under it, and no limit on depth or size drops a
// small one.
func TestStoragePrefixesAnyDepth(t *testing.T) {
	dir := t.TempDir()
	l := openLake(t, dir)
	l.exec("CREATE SCHEMA lake.p; CREATE TABLE lake.p.t (id BIGINT, a INTEGER, b VARCHAR) PARTITIONED BY (a, b)")
	l.exec("INSERT INTO lake.p.t SELECT i, i % 2, 'b' || (i % 3) FROM range(60) r(i)")
	l.exec("CREATE TABLE lake.p.u (id BIGINT); INSERT INTO lake.p.u VALUES (1)")

	type sums struct{ Bytes, Objects, Depth int64 }
	want := map[string]sums{}
	skip := map[string]bool{ActivityPrefix: true, ".locks": true, Namespace + ".db": true}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if skip[rel] {
				return fs.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		for pre := path.Dir(rel); pre != "."; pre = path.Dir(pre) {
			s := want[pre+"/"]
			s.Bytes += info.Size()
			s.Objects++
			s.Depth = int64(strings.Count(pre, "/") + 1)
			want[pre+"/"] = s
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	l.collect("2026-06-10T10:00:00Z")
	rows := l.rows(`SELECT prefix, sum(bytes)::BIGINT, sum(objects)::BIGINT, min(depth)::BIGINT, max(depth)::BIGINT
		FROM lake.floe_lens.storage_daily WHERE level = 'prefix' GROUP BY prefix ORDER BY prefix`)
	got := map[string]sums{}
	for _, r := range rows {
		if r[3] != r[4] {
			t.Errorf("prefix %v has depths %v and %v", r[0], r[3], r[4])
		}
		got[r[0].(string)] = sums{r[1].(int64), r[2].(int64), r[3].(int64)}
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("storage_daily prefixes (-walk +lens):\n%s", d)
	}
	// The table's two partition levels lie under data/<write>/: 2 x 3
	// directories at depth 6.
	var deepest []string
	for p, s := range got {
		if s.Depth == 6 && strings.HasPrefix(p, "p.db/t/data/") {
			deepest = append(deepest, p)
		}
	}
	sort.Strings(deepest)
	if len(deepest) != 6 {
		t.Errorf("prefix rows at depth 6 (the partitions a x b): %v, want 6", deepest)
	}
}
