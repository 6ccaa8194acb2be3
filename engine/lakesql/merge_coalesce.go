package lakesql

import (
	"cmp"
	"context"
	"database/sql/driver"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/dv"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/floehq/floe/engine"
)

// Coalescing: every MERGE that writes rows adds a file to each partition it
// writes into, so after a few MERGEs a partition holds many small files and
// every later statement reads them all. A MERGE that writes into a
// partition already holding small files floe wrote rewrites them, with its
// own new file there, as one file, in the same commit
// (engine.RowDelta.Coalesce).
//
// Which files: in each partition the MERGE writes a small file into, its
// earlier small files (below a quarter of the target file size, with only
// deletion vectors as deletes) and its new files there, smallest first,
// each while it is at most coalesceGrowth times what is taken so far.
// Files so grow geometrically, as in a size-tiered log-structured store: a
// row is rewritten a logarithmic number of times, a partition keeps a few
// files, and a large file (an earlier one, or the MERGE's own new file when
// it writes many rows) is not rewritten to absorb small ones: the small
// ones are coalesced among themselves. A partition is coalesced when that
// takes at least coalesceMinFiles files, one of them earlier. Partitions
// with the most files go first, while the bytes taken stay within the
// budget (a partition that does not fit takes fewer files): coalesceBudgetFactor
// times the bytes the MERGE wrote, at least coalesceMinBudget, so the
// extra work stays proportional to the MERGE's own.
var (
	coalesceMinFiles     = 4
	coalesceGrowth       = int64(2)
	coalesceBudgetFactor = int64(1)
	coalesceMinBudget    = int64(4 << 20)
)

// coalesceGroup is one partition to coalesce.
type coalesceGroup struct {
	news     []string // the MERGE's new files there
	newSizes []int64
	old      []table.FileScanTask // earlier small files
	// taken is what pick takes, smallest first.
	taken []coalesceItem
}

// coalesceItem is a file pick takes: an earlier file (old >= 0, an index
// into old) or a new one (news[-1-old]).
type coalesceItem struct {
	size int64
	old  int
}

// pick takes the group's files (see above): smallest first, each while it
// is at most coalesceGrowth times what is taken so far.
func (g *coalesceGroup) pick() {
	var items []coalesceItem
	for i, task := range g.old {
		items = append(items, coalesceItem{task.File.FileSizeBytes(), i})
	}
	for i, n := range g.newSizes {
		items = append(items, coalesceItem{n, -1 - i})
	}
	slices.SortStableFunc(items, func(a, b coalesceItem) int { return cmp.Compare(a.size, b.size) })
	var acc int64
	for i, it := range items {
		if i > 0 && it.size > coalesceGrowth*acc {
			break
		}
		acc += it.size
		g.taken = append(g.taken, it)
	}
}

// fit returns how many of the files taken to coalesce, at most budget
// bytes, and their bytes: 0 unless that is at least coalesceMinFiles
// files, one of them earlier.
func (g *coalesceGroup) fit(budget int64) (int, int64) {
	var bytes int64
	n, olds := 0, 0
	for _, it := range g.taken {
		if bytes+it.size > budget {
			break
		}
		bytes += it.size
		n++
		if it.old >= 0 {
			olds++
		}
	}
	if n < coalesceMinFiles || olds == 0 {
		return 0, 0
	}
	return n, bytes
}

// targetFileSize is the table's write.target-file-size-bytes.
func targetFileSizeOf(t *engine.Table) int64 {
	if v := t.Properties().Get("write.target-file-size-bytes", ""); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			return n
		}
	}
	return defaultTargetFileSize
}

// coalesce plans and writes the coalescing of a MERGE's or an UPDATE's
// (op) change on t (see above) and records it in delta; cleanup removes what it wrote if the
// commit does not happen. It does nothing on tables that are not
// merge-on-read v3, or when the MERGE writes no small file into a
// partition with earlier small files.
func (s *Session) coalesce(ctx context.Context, t *engine.Table, op string, plan *engine.Plan, delta *engine.RowDelta) (func(), error) {
	noop := func() {}
	if coalesceMinFiles <= 0 || len(delta.AddedData) == 0 || len(delta.PosDeleteFiles) > 0 || plan == nil || plan.Snapshot == nil ||
		t.FormatVersion() < 3 || t.WriteMode(op) != engine.MergeOnRead {
		return noop, nil
	}
	small := targetFileSizeOf(t) / 4
	dataDir, err := t.DataDir()
	if err != nil {
		return noop, err
	}
	dataDir = filepath.Clean(dataDir) + string(filepath.Separator)

	// The MERGE's new files by partition; a partition where it wrote a
	// file that is not small is left alone.
	groups := map[string]*coalesceGroup{}
	large := map[string]bool{}
	var parts []map[int]any
	var written int64
	for _, f := range delta.AddedData {
		st, err := os.Stat(f.Path)
		if err != nil {
			return noop, err
		}
		written += st.Size()
		values, err := t.WrittenPartition(f)
		if err != nil {
			return noop, err
		}
		key := engine.PartitionKey(values)
		if st.Size() >= small {
			large[key] = true
			continue
		}
		g := groups[key]
		if g == nil {
			g = &coalesceGroup{}
			groups[key] = g
			parts = append(parts, values)
		}
		g.news = append(g.news, f.Path)
		g.newSizes = append(g.newSizes, st.Size())
	}
	for k := range large {
		delete(groups, k)
	}
	if len(groups) == 0 {
		return noop, nil
	}

	// The earlier files of those partitions.
	// The current snapshot, as the change's plan (the table is locked), read
	// with the current schema (a snapshot's own may be older).
	cplan, err := t.PlanScan(ctx, engine.ScanOptions{Filter: t.PartitionsFilter(parts)})
	if err != nil {
		return noop, err
	}
	if cplan.Snapshot == nil || cplan.Snapshot.SnapshotID != plan.Snapshot.SnapshotID {
		return noop, fmt.Errorf("the table moved from snapshot %d while the statement ran", plan.Snapshot.SnapshotID)
	}
	dropped := map[string]bool{}
	for _, f := range delta.RemovedData {
		dropped[f] = true
	}
	spec := t.Spec()
	specID := spec.ID()
	for _, task := range cplan.Tasks {
		if task.File.SpecID() != int32(specID) || task.File.FileSizeBytes() >= small || len(task.EqualityDeleteFiles) > 0 {
			continue
		}
		onlyDVs := true
		for _, d := range task.DeleteFiles {
			onlyDVs = onlyDVs && d.FileFormat() == iceberg.PuffinFile
		}
		path, ok := cplan.Local(task.File.FilePath())
		if !onlyDVs || !ok || dropped[path] || !strings.HasPrefix(filepath.Clean(path), dataDir) {
			continue
		}
		g := groups[engine.PartitionKey(task.File.Partition())]
		if g == nil {
			continue
		}
		g.old = append(g.old, task)
	}

	// Take each partition's files (see above), then spend the budget on
	// the partitions with the most.
	var cands []*coalesceGroup
	for _, g := range groups {
		g.pick()
		if n, _ := g.fit(math.MaxInt64); n > 0 {
			cands = append(cands, g)
		}
	}
	slices.SortFunc(cands, func(a, b *coalesceGroup) int {
		if c := cmp.Compare(len(b.taken), len(a.taken)); c != 0 {
			return c
		}
		return strings.Compare(a.news[0], b.news[0])
	})
	// The budget goes to the partitions with the most files; one that
	// does not fit takes its smallest files that do.
	budget := max(coalesceMinBudget, coalesceBudgetFactor*written)
	var tasks []table.FileScanTask
	var news []string
	for _, g := range cands {
		n, bytes := g.fit(budget)
		if n == 0 {
			continue
		}
		budget -= bytes
		for _, it := range g.taken[:n] {
			if it.old >= 0 {
				tasks = append(tasks, g.old[it.old])
			} else {
				news = append(news, g.news[-1-it.old])
			}
		}
	}
	if len(tasks) == 0 {
		return noop, nil
	}
	sub := *cplan
	sub.Tasks = tasks
	rawSQL, files, ok, err := sub.RawSQL()
	if err != nil || !ok {
		// Not on the local filesystem, or deletes other than DVs: the
		// MERGE commits without coalescing.
		return noop, nil
	}

	// The rows deleted in the earlier files once the MERGE commits: their
	// deletion vectors and the MERGE's own deletes.
	dvs, err := cplan.DVs(ctx)
	if err != nil {
		return noop, err
	}
	var live int64
	deleted := make([]*dv.RoaringPositionBitmap, len(files))
	for i, f := range files {
		bm := dv.NewRoaringPositionBitmap()
		if old, ok := dvs[f]; ok {
			bm.Or(old)
		}
		for _, r := range delta.Deleted[f] {
			// Most runs are one position; Set is several times cheaper
			// than a range of one.
			if r.End == r.Start+1 {
				bm.Set(uint64(r.Start))
			} else {
				bm.SetRange(uint64(r.Start), uint64(r.End))
			}
		}
		deleted[i] = bm
		live += tasks[i].File.Count() - int64(bm.Cardinality())
	}
	fields := t.Schema().Fields()
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = engine.QuoteIdent(f.Name)
	}
	const del = "memory.floe_scratch.coalesce_del"
	body := "SELECT " + strings.Join(cols, ", ") + " FROM (" + rawSQL + ") AS r"
	rcols := make([]string, len(cols))
	for i, c := range cols {
		rcols[i] = "r." + c
	}
	var anyDeleted bool
	for _, bm := range deleted {
		anyDeleted = anyDeleted || bm.Cardinality() > 0
	}
	if anyDeleted {
		if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+del+" (k BIGINT)"); err != nil {
			return noop, err
		}
		defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+del)
		err := s.conn.Raw(func(dc any) error {
			app, err := duckdb.NewAppender(dc.(driver.Conn), "", "floe_scratch", "coalesce_del")
			if err != nil {
				return err
			}
			for i, bm := range deleted {
				base := int64(i) << 40
				for pos := range bm.Positions() {
					if err := app.AppendRow(base + int64(pos)); err != nil {
						app.Close()
						return err
					}
				}
			}
			return app.Close()
		})
		if err != nil {
			return noop, fmt.Errorf("load the deleted rows of the files to coalesce: %w", err)
		}
		// An explicit anti join: a hash join on the row key.
		body = "SELECT " + strings.Join(rcols, ", ") + " FROM (" + rawSQL + ") AS r ANTI JOIN " + del + " AS x ON x.k = (CAST(r.__floe_fi AS BIGINT) << 40) + r.__floe_pos"
	}
	var newRows int64
	if len(news) > 0 {
		quoted := make([]string, len(news))
		for i, f := range news {
			quoted[i] = engine.QuoteString(f)
		}
		if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM read_parquet(["+strings.Join(quoted, ", ")+"])").Scan(&newRows); err != nil {
			return noop, err
		}
		body += " UNION ALL SELECT " + strings.Join(cols, ", ") + " FROM read_parquet([" + strings.Join(quoted, ", ") + "], hive_partitioning=false)"
	}
	out, n, dir, _, err := s.writeQuery(ctx, t, body)
	if err != nil {
		return noop, err
	}
	cleanup := func() { s.wh.RemoveWritten(dir) }
	if n != live+newRows {
		cleanup()
		return noop, fmt.Errorf("coalescing wrote %d rows, but the %d files it replaces hold %d live rows", n, len(files)+len(news), live+newRows)
	}
	delta.Coalesce = &engine.Coalesce{Plan: cplan, Old: files, New: news, Added: out}
	return cleanup, nil
}
