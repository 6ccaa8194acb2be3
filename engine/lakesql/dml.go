package lakesql

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table/dv"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// dmlTarget is the scratch view a row-level statement reads its target
// table through: the planned scan plus __floe_file and __floe_pos.
const dmlTarget = "floe_scratch.dml_target"

// dmlPositions holds the (file, position) of every target row a statement
// deletes or replaces.
const dmlPositions = "floe_scratch.dml_pos"

// dmlRows holds the new versions of updated rows.
const dmlRows = "floe_scratch.dml_rows"

// dmlTrace, when set (by benchmarks), is told how long each phase of a
// row-level statement took.
var dmlTrace func(phase string, d time.Duration)

// phaseClock reports phases to dmlTrace.
type phaseClock struct{ start, last time.Time }

func newPhaseClock() *phaseClock {
	if dmlTrace == nil {
		return nil
	}
	now := time.Now()
	return &phaseClock{start: now, last: now}
}

func (c *phaseClock) mark(phase string) {
	if c == nil {
		return
	}
	now := time.Now()
	dmlTrace(phase, now.Sub(c.last))
	c.last = now
}

// parseDML recognises DELETE FROM lake... and UPDATE lake... .
func (s *Session) parseDML(c *cursor) handler {
	switch {
	case c.accept("DELETE", "FROM"):
		name, ok := c.lakeName(2)
		if !ok {
			return nil
		}
		alias := c.alias()
		where := ""
		if c.accept("WHERE") {
			where = c.rest()
		} else if !c.done() {
			return failHandler(fmt.Errorf("DELETE FROM lake.%s.%s: unexpected %q", name[0], name[1], c.peek().Text))
		}
		return func(ctx context.Context) (*Rows, error) {
			n, err := s.rowChange(ctx, "delete", name[0], name[1], alias, nil, "", where)
			if err != nil {
				return nil, err
			}
			return countRows(n), nil
		}
	case c.accept("UPDATE"):
		name, ok := c.lakeName(2)
		if !ok {
			return nil
		}
		alias := c.alias()
		if !c.accept("SET") {
			return failHandler(fmt.Errorf("UPDATE lake.%s.%s: expected SET", name[0], name[1]))
		}
		// SET a = expr, b = expr [FROM ...] [WHERE ...]
		start := c.i
		depth := 0
		end := len(c.toks)
		for j := c.i; j < len(c.toks); j++ {
			t := c.toks[j]
			if t.IsPunct("(") {
				depth++
			} else if t.IsPunct(")") {
				depth--
			} else if depth == 0 && (t.Is("FROM") || t.Is("WHERE")) {
				end = j
				break
			}
		}
		if start >= end {
			return failHandler(fmt.Errorf("UPDATE lake.%s.%s: SET needs col = value", name[0], name[1]))
		}
		setText := c.src[c.toks[start].Start:c.toks[end-1].End]
		c.i = end
		from, where := "", ""
		if c.accept("FROM") {
			j := c.i
			depth := 0
			for ; j < len(c.toks); j++ {
				t := c.toks[j]
				if t.IsPunct("(") {
					depth++
				} else if t.IsPunct(")") {
					depth--
				} else if depth == 0 && t.Is("WHERE") {
					break
				}
			}
			if j > c.i {
				from = c.src[c.toks[c.i].Start:c.toks[j-1].End]
			}
			c.i = j
		}
		if c.accept("WHERE") {
			where = c.rest()
		}
		sets := map[string]string{}
		for _, part := range splitTop(setText) {
			col, expr, ok := strings.Cut(part, "=")
			if !ok {
				return failHandler(fmt.Errorf("UPDATE lake.%s.%s: %q is not col = value", name[0], name[1], strings.TrimSpace(part)))
			}
			col = strings.TrimSpace(col)
			if i := strings.LastIndexByte(col, '.'); i >= 0 { // SET t.col = ...
				col = col[i+1:]
			}
			sets[strings.ToLower(sqltext.Unquote(col))] = strings.TrimSpace(expr)
		}
		return func(ctx context.Context) (*Rows, error) {
			n, err := s.rowChange(ctx, "update", name[0], name[1], alias, sets, from, where)
			if err != nil {
				return nil, err
			}
			return countRows(n), nil
		}
	}
	return nil
}

func failHandler(err error) handler {
	return func(context.Context) (*Rows, error) { return nil, err }
}

// alias reads an optional [AS] alias.
func (c *cursor) alias() string {
	if c.accept("AS") {
		a, _ := c.ident()
		return a
	}
	t := c.peek()
	if t.Kind == sqltext.Quoted || t.Kind == sqltext.Word && !t.Is("WHERE") && !t.Is("SET") && !t.Is("USING") {
		c.i++
		return t.Ident()
	}
	return ""
}

// rowChange runs a DELETE (sets == nil) or UPDATE on a lake table as one
// snapshot, in the table's write mode. It returns the number of rows
// deleted or updated.
func (s *Session) rowChange(ctx context.Context, op, ns, name, alias string, sets map[string]string, from, where string) (int64, error) {
	ident := "lake." + ns + "." + name
	if alias == "" {
		alias = name
	}
	var changed int64
	clk := newPhaseClock()
	err := s.modify(ctx, ns, name, func(t *engine.Table) error {
		clk.mark("lock")
		// Plan the target with the predicates the WHERE clause allows.
		var filter iceberg.BooleanExpression
		if where != "" && from == "" {
			probe := "SELECT 1 FROM " + viewName(ns, name) + " AS " + engine.QuoteIdent(alias) + " WHERE " + where
			if rs, err := s.rewriteReads(ctx, probe, sqltext.Code(probe)); err == nil {
				filter = s.pruneFiltersFor(ctx, rs, ns, name)
			}
		}
		clk.mark("prune")
		plan, drop, err := s.defineTarget(ctx, t, filter)
		if err != nil {
			return err
		}
		defer drop()
		clk.mark("plan")
		fromClause := dmlTarget + " AS " + engine.QuoteIdent(alias)
		if from != "" {
			fromClause += ", " + from
		}
		whereClause := ""
		if where != "" {
			whereClause = " WHERE " + where
		}
		// A DELETE that becomes deletion vectors needs only the runs of
		// deleted positions of each file, which one aggregate returns.
		var fetched map[string]*fileDeletes
		if sets == nil {
			// Without FROM each target row is read once; with FROM a row
			// may match several rows and must be deleted once.
			distinct := ""
			if from != "" {
				distinct = "DISTINCT "
			}
			q, err := s.prepareRead(ctx, "SELECT "+distinct+engine.QuoteIdent(alias)+".__floe_file, "+engine.QuoteIdent(alias)+".__floe_pos FROM "+fromClause+whereClause)
			if err != nil {
				return fmt.Errorf("%s %s: %w", op, ident, err)
			}
			if t.FormatVersion() >= 3 && t.WriteMode(op) == engine.MergeOnRead {
				if fetched, err = s.fetchDeletes(ctx, q); err != nil {
					return fmt.Errorf("%s %s: %w", op, ident, err)
				}
			} else if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+dmlPositions+" AS "+q); err != nil {
				return fmt.Errorf("%s %s: %w", op, ident, err)
			}
		} else {
			sel, err := updateSelect(t.Schema(), alias, sets)
			if err != nil {
				return fmt.Errorf("update %s: %w", ident, err)
			}
			q, err := s.prepareRead(ctx, "SELECT "+sel+", "+engine.QuoteIdent(alias)+".__floe_file, "+engine.QuoteIdent(alias)+".__floe_pos FROM "+fromClause+whereClause)
			if err != nil {
				return fmt.Errorf("%s %s: %w", op, ident, err)
			}
			if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+dmlRows+" AS "+q); err != nil {
				return fmt.Errorf("%s %s: %w", op, ident, err)
			}
			defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+dmlRows)
			var dupFile string
			var dupPos, dupN int64
			err = s.conn.QueryRowContext(ctx, "SELECT __floe_file, __floe_pos, count(*) FROM "+dmlRows+" GROUP BY ALL HAVING count(*) > 1 LIMIT 1").Scan(&dupFile, &dupPos, &dupN)
			if err == nil {
				return fmt.Errorf("update %s: a target row (position %d of %s) matches %d rows of FROM; the SQL standard forbids updating a row twice", ident, dupPos, filepath.Base(dupFile), dupN)
			}
			if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+dmlPositions+" AS SELECT __floe_file, __floe_pos FROM "+dmlRows); err != nil {
				return err
			}
		}
		if fetched == nil {
			defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+dmlPositions)
		}
		newRows := ""
		if sets != nil {
			newRows = "SELECT * EXCLUDE (__floe_file, __floe_pos) FROM " + dmlRows
		}
		clk.mark("positions")
		delta, n, cleanup, err := s.buildDelta(ctx, t, plan, op, newRows, fetched)
		clk.mark("fetch")
		if err != nil {
			cleanup()
			return fmt.Errorf("%s %s: %w", op, ident, err)
		}
		changed = n
		if n == 0 && len(delta.AddedData) == 0 {
			cleanup()
			return nil
		}
		ccleanup, err := s.coalesce(ctx, t, op, plan, &delta)
		if err != nil {
			cleanup()
			return fmt.Errorf("%s %s: coalesce small files: %w", op, ident, err)
		}
		clk.mark("coalesce")
		if _, err := t.CommitRowDelta(ctx, plan, delta, op, map[string]string{"floe.operation": op}); err != nil {
			ccleanup()
			cleanup()
			return err
		}
		clk.mark("commit")
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.invalidate(ns, name)
	clk.mark("cleanup")
	if clk != nil {
		dmlTrace("rowChange", time.Since(clk.start))
	}
	return changed, nil
}

// defineTarget plans the target of a row-level statement (pruned by
// filter, which may be nil) and defines it as the dml_target view, with
// each row's file and position. drop removes the view.
func (s *Session) defineTarget(ctx context.Context, t *engine.Table, filter iceberg.BooleanExpression) (*engine.Plan, func(), error) {
	plan, err := planTarget(ctx, t, filter)
	if err != nil {
		return nil, nil, err
	}
	drop, err := s.defineTargetView(ctx, plan)
	if err != nil {
		return nil, nil, err
	}
	return plan, drop, nil
}

// planTarget plans the target of a row-level statement, pruned by filter
// (which may be nil).
func planTarget(ctx context.Context, t *engine.Table, filter iceberg.BooleanExpression) (*engine.Plan, error) {
	if v := t.FormatVersion(); v < 2 {
		return nil, fmt.Errorf("%w: %s is a format-version %d table; row-level changes need v2 or v3", engine.ErrReadOnly, t.Ident(), v)
	}
	return t.PlanScan(ctx, engine.ScanOptions{Filter: filter})
}

// defineTargetView defines a planned target as the dml_target view, with
// each row's file and position, its deleted rows removed. drop removes
// the view.
func (s *Session) defineTargetView(ctx context.Context, plan *engine.Plan) (func(), error) {
	target, err := s.planSQL(ctx, plan, engine.ReadOptions{RowPositions: true})
	if err != nil {
		return nil, err
	}
	if err := s.exec(ctx, "CREATE OR REPLACE VIEW "+dmlTarget+" AS "+target); err != nil {
		return nil, err
	}
	return func() { s.exec(context.WithoutCancel(ctx), "DROP VIEW IF EXISTS "+dmlTarget) }, nil
}

// pruneFiltersFor returns the pruning filter a read set allows for one table.
func (s *Session) pruneFiltersFor(ctx context.Context, rs *readSet, ns, name string) iceberg.BooleanExpression {
	if _, err := s.state(ctx, ns, name); err != nil {
		return nil
	}
	return s.pruneFilters(ctx, rs.sql, rs)[ns+"\x00"+name]
}

// updateSelect renders the new version of each column for UPDATE.
func updateSelect(schema *iceberg.Schema, alias string, sets map[string]string) (string, error) {
	fields := schema.Fields()
	known := map[string]bool{}
	sel := make([]string, len(fields))
	for i, f := range fields {
		typ, err := engine.DuckDBType(f.Type)
		if err != nil {
			return "", err
		}
		expr := engine.QuoteIdent(alias) + "." + engine.QuoteIdent(f.Name)
		if e, ok := sets[strings.ToLower(f.Name)]; ok {
			expr = "(" + e + ")"
			known[strings.ToLower(f.Name)] = true
		}
		expr = "CAST(" + expr + " AS " + typ + ")"
		if f.Required {
			msg := engine.QuoteString("NULL in NOT NULL column " + f.Name)
			expr = fmt.Sprintf("CASE WHEN %s IS NULL THEN error(%s) ELSE %s END", expr, msg, expr)
		}
		sel[i] = expr + " AS " + engine.QuoteIdent(f.Name)
	}
	for col := range sets {
		if !known[col] {
			return "", fmt.Errorf("no column %q to SET", col)
		}
	}
	return strings.Join(sel, ", "), nil
}

// fileDeletes are the positions a statement deletes from one data file:
// n distinct positions, as runs.
type fileDeletes struct {
	runs []engine.PosRun
	n    int64
}

// fetchDeletes runs q, which returns distinct (__floe_file, __floe_pos)
// pairs, and returns the positions of each file as runs. A file whose
// positions are one contiguous run (a predicate on a clustered column)
// costs one row; the others come back as lists.
func (s *Session) fetchDeletes(ctx context.Context, q string) (map[string]*fileDeletes, error) {
	out, _, err := s.fetchDeletesChecked(ctx, q, false)
	return out, err
}

// dupPosition is a target row that a statement's join returned more than
// once: position pos of file, n times.
type dupPosition struct {
	file   string
	pos, n int64
}

// fetchDeletesChecked is fetchDeletes for a q whose pairs may repeat (a
// join): with check set it also returns a pair that repeats, if any (then
// the positions returned are incomplete).
func (s *Session) fetchDeletesChecked(ctx context.Context, q string, check bool) (map[string]*fileDeletes, *dupPosition, error) {
	distinct := "count(*)"
	if check {
		distinct = "count(DISTINCT __floe_pos)"
	}
	rows, err := s.conn.QueryContext(ctx, "SELECT __floe_file, count(*), "+distinct+", min(__floe_pos), max(__floe_pos), "+
		"CASE WHEN count(*) = max(__floe_pos) - min(__floe_pos) + 1 AND count(*) = "+distinct+" THEN NULL ELSE list(__floe_pos) END FROM ("+q+"\n) GROUP BY 1")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := map[string]*fileDeletes{}
	for rows.Next() {
		var f string
		var n, nd, lo, hi int64
		var list any
		if err := rows.Scan(&f, &n, &nd, &lo, &hi, &list); err != nil {
			return nil, nil, err
		}
		if n != nd {
			// Find one repeated position in the list.
			ps, _ := list.([]any)
			seen := make(map[int64]int64, len(ps))
			var dup *dupPosition
			for _, v := range ps {
				p := v.(int64)
				seen[p]++
				if dup == nil && seen[p] > 1 {
					dup = &dupPosition{file: f, pos: p}
				}
			}
			if dup == nil {
				return nil, nil, fmt.Errorf("positions of %s: %d rows but %d distinct positions, none repeated", f, n, nd)
			}
			dup.n = seen[dup.pos]
			return out, dup, rows.Err()
		}
		if list == nil {
			out[f] = &fileDeletes{runs: []engine.PosRun{{Start: lo, End: hi + 1}}, n: n}
			continue
		}
		ps, ok := list.([]any)
		if !ok {
			return nil, nil, fmt.Errorf("positions of %s: unexpected %T", f, list)
		}
		out[f] = positionsToDeletes(ps)
	}
	return out, nil, rows.Err()
}

// positionsToDeletes turns a DuckDB list of BIGINT positions into runs.
func positionsToDeletes(list []any) *fileDeletes {
	ps := make([]int64, len(list))
	for i, v := range list {
		ps[i] = v.(int64)
	}
	slices.Sort(ps)
	return &fileDeletes{runs: engine.PosRuns(ps), n: int64(len(ps))}
}

// buildDelta turns the positions fetched (by fetchDeletes), or else those
// in dml_pos, and the new rows in dml_rows for UPDATE, into the files of
// one snapshot, by write mode: whole files dropped, deletion vectors (v3)
// or position-delete files (v2) for merge-on-read, rewritten files for
// copy-on-write. cleanup removes what was written if the commit does not
// happen.
func (s *Session) buildDelta(ctx context.Context, t *engine.Table, plan *engine.Plan, op string, newRows string, fetched map[string]*fileDeletes) (engine.RowDelta, int64, func(), error) {
	update := newRows != ""
	var dirs []string
	cleanup := func() {
		for _, d := range dirs {
			s.wh.RemoveWritten(d)
		}
	}
	var delta engine.RowDelta
	deleted := fetched
	if deleted == nil {
		rows, err := s.conn.QueryContext(ctx, "SELECT __floe_file, list(__floe_pos) FROM "+dmlPositions+" GROUP BY 1")
		if err != nil {
			return delta, 0, cleanup, err
		}
		deleted = map[string]*fileDeletes{}
		for rows.Next() {
			var f string
			var list []any
			if err := rows.Scan(&f, &list); err != nil {
				rows.Close()
				return delta, 0, cleanup, err
			}
			deleted[f] = positionsToDeletes(list)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return delta, 0, cleanup, err
		}
	}
	var total int64
	for _, d := range deleted {
		total += d.n
	}
	if total == 0 && !update {
		return delta, 0, cleanup, nil
	}
	// Live rows per touched file: a file whose live rows all go is
	// dropped whole (metadata only) in every mode; the others are
	// partial.
	partial := map[string]*fileDeletes{}
	var whole []string
	for f, fd := range deleted {
		task, ok := plan.PlanFile(f)
		if !ok {
			return delta, 0, cleanup, fmt.Errorf("row in %s is not in the planned snapshot", f)
		}
		live := task.File.Count()
		onlyDVs := len(task.EqualityDeleteFiles) == 0
		for _, d := range task.DeleteFiles {
			onlyDVs = onlyDVs && d.FileFormat() == iceberg.PuffinFile
		}
		if onlyDVs {
			// A deletion vector's record count is its cardinality.
			for _, d := range append(task.DeletionVectorFiles, task.DeleteFiles...) {
				live -= d.Count()
			}
		} else if len(task.DeleteFiles) > 0 || len(task.DeletionVectorFiles) > 0 {
			if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FROM "+dmlTarget+" WHERE __floe_file = ?", f).Scan(&live); err != nil {
				return delta, 0, cleanup, err
			}
		}
		if fd.n == live {
			whole = append(whole, f)
		} else {
			partial[f] = fd
		}
	}
	if update {
		files, _, dir, _, err := s.writeQuery(ctx, t, newRows)
		if err != nil {
			return delta, 0, cleanup, err
		}
		dirs = append(dirs, dir)
		delta.AddedData = files
	}
	mode := t.WriteMode(op)
	if mode != engine.CopyOnWrite && len(partial) > 0 {
		// CommitRowDelta cannot drop files and add delete files in one
		// snapshot: the whole files get delete files too.
		for _, f := range whole {
			partial[f] = deleted[f]
		}
		whole = nil
	}
	slices.Sort(whole)
	delta.RemovedData = whole
	switch {
	case len(partial) == 0:
		// Only new rows (a MERGE that inserts), or only whole files.
	case mode == engine.CopyOnWrite:
		touched := slices.Sorted(mapsKeys(partial))
		quoted := make([]string, len(touched))
		for i, f := range touched {
			quoted[i] = engine.QuoteString(f)
		}
		body := fmt.Sprintf("SELECT * EXCLUDE (__floe_file, __floe_pos) FROM %s AS d WHERE __floe_file IN (%s) AND NOT EXISTS (SELECT 1 FROM %s p WHERE p.__floe_file = d.__floe_file AND p.__floe_pos = d.__floe_pos)",
			dmlTarget, strings.Join(quoted, ", "), dmlPositions)
		files, _, dir, _, err := s.writeQuery(ctx, t, body)
		if err != nil {
			return delta, 0, cleanup, err
		}
		dirs = append(dirs, dir)
		delta.RemovedData = append(delta.RemovedData, touched...)
		delta.AddedData = append(delta.AddedData, files...)
	case t.FormatVersion() >= 3:
		// A table upgraded from v2 may carry position-delete files for a
		// file that now gets a DV: the DV must hold those positions too.
		delta.Deleted = map[string][]engine.PosRun{}
		for f, fd := range partial {
			delta.Deleted[f] = fd.runs
		}
		if err := s.mergePosDeletes(ctx, plan, delta.Deleted); err != nil {
			return delta, 0, cleanup, err
		}
	default:
		files, dir, err := s.writePosDeletes(ctx, t, plan, partial)
		if dir != "" {
			dirs = append(dirs, dir)
		}
		if err != nil {
			return delta, 0, cleanup, err
		}
		delta.PosDeleteFiles = files
	}
	return delta, total, cleanup, nil
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// writePosDeletes writes v2 position-delete files, one per partition of the
// touched data files, sorted by file and position as the spec requires.
func (s *Session) writePosDeletes(ctx context.Context, t *engine.Table, plan *engine.Plan, deleted map[string]*fileDeletes) ([]engine.WrittenDeleteFile, string, error) {
	type group struct {
		specID int
		part   map[int]any
		files  []string
	}
	groups := map[string]*group{}
	var order []string
	for _, f := range slices.Sorted(mapsKeys(deleted)) {
		task, _ := plan.PlanFile(f)
		key := fmt.Sprint(task.File.SpecID(), task.File.Partition())
		g := groups[key]
		if g == nil {
			g = &group{specID: int(task.File.SpecID()), part: task.File.Partition()}
			groups[key] = g
			order = append(order, key)
		}
		g.files = append(g.files, f)
	}
	dataDir, err := t.DataDir()
	if err != nil {
		return nil, "", err
	}
	dir := filepath.Join(dataDir, "deletes-"+uuid.New().String())
	// DuckDB writes into dir itself: on object storage dataDir is the
	// local spool (package vfs), so the directory is a local one.
	mkdir := s.wh.FS().MkdirAll
	if s.wh.ObjectStore() {
		mkdir = func(d string) error { return os.MkdirAll(d, 0o755) }
	}
	if err := mkdir(dir); err != nil {
		return nil, "", err
	}
	var out []engine.WrittenDeleteFile
	for i, key := range order {
		g := groups[key]
		quoted := make([]string, len(g.files))
		for j, f := range g.files {
			quoted[j] = engine.QuoteString(f)
		}
		path := filepath.Join(dir, fmt.Sprintf("pos-deletes-%d.parquet", i))
		q := fmt.Sprintf("COPY (SELECT 'file://' || __floe_file AS file_path, __floe_pos AS pos FROM %s WHERE __floe_file IN (%s) ORDER BY file_path, pos) TO %s (FORMAT parquet, COMPRESSION zstd, FIELD_IDS %s, RETURN_STATS)",
			dmlPositions, strings.Join(quoted, ", "), engine.QuoteString(path), engine.PosDeleteFieldIDs)
		if s.wh.ObjectStore() || plan.Fetched() {
			// file_path is the URI of the object DuckDB read a copy of
			// (an s3:// warehouse, or a table on S3 over a REST catalog).
			locs := make([]string, len(g.files))
			for j, f := range g.files {
				locs[j] = fmt.Sprintf("(%s, %s)", engine.QuoteString(f), engine.QuoteString(plan.Location(f)))
			}
			q = fmt.Sprintf("COPY (SELECT m.loc AS file_path, __floe_pos AS pos FROM %s JOIN (VALUES %s) AS m(f, loc) ON m.f = __floe_file ORDER BY file_path, pos) TO %s (FORMAT parquet, COMPRESSION zstd, FIELD_IDS %s, RETURN_STATS)",
				dmlPositions, strings.Join(locs, ", "), engine.QuoteString(path), engine.PosDeleteFieldIDs)
		}
		var n int64
		var fn string
		var size, fsize int64
		var stats, keys any
		if err := s.conn.QueryRowContext(ctx, q).Scan(&fn, &n, &size, &fsize, &stats, &keys); err != nil {
			return nil, dir, err
		}
		wf := engine.WrittenDeleteFile{Path: path, Rows: n, SpecID: g.specID, Partition: g.part}
		if len(g.files) == 1 {
			wf.Referenced = g.files[0]
		}
		out = append(out, wf)
	}
	return out, dir, nil
}

// mergePosDeletes adds to each touched file's positions those deleted by
// the v2 position-delete files that apply to it.
func (s *Session) mergePosDeletes(ctx context.Context, plan *engine.Plan, deleted map[string][]engine.PosRun) error {
	for f, runs := range deleted {
		task, _ := plan.PlanFile(f)
		var files []string
		for _, d := range task.DeleteFiles {
			if d.FileFormat() == iceberg.ParquetFile {
				if p, ok := plan.Local(d.FilePath()); ok {
					files = append(files, engine.QuoteString(p))
				}
			}
		}
		if len(files) == 0 {
			continue
		}
		q := fmt.Sprintf("SELECT list(DISTINCT pos) FROM read_parquet([%s]) WHERE %s = ?", strings.Join(files, ", "), plan.PosDeletePath("file_path"))
		var list []any
		if err := s.conn.QueryRowContext(ctx, q, plan.DeleteKey(f)).Scan(&list); err != nil {
			return fmt.Errorf("read position deletes of %s: %w", f, err)
		}
		for _, v := range list {
			p := v.(int64)
			runs = append(runs, engine.PosRun{Start: p, End: p + 1})
		}
		deleted[f] = runs
	}
	return nil
}

// fetchMatched runs q, which returns (__floe_fi, __floe_pos) pairs over the
// raw files of a plan (engine.Plan.RawSQL: files[__floe_fi] is the data
// file, and rows deletion vectors delete are still there), drops the pairs
// dvs mark deleted and returns the live positions of each file as runs,
// with a live position that repeats, if any (then the positions returned
// are incomplete). A dead row matched twice is no repeat: an older version
// of a row the source matches once.
func (s *Session) fetchMatched(ctx context.Context, q string, files []string, dvs map[string]*dv.RoaringPositionBitmap) (map[string]*fileDeletes, *dupPosition, error) {
	rows, err := s.conn.QueryContext(ctx, "SELECT __floe_fi, count(*), count(DISTINCT __floe_pos), min(__floe_pos), max(__floe_pos), "+
		"CASE WHEN count(*) = max(__floe_pos) - min(__floe_pos) + 1 AND count(*) = count(DISTINCT __floe_pos) THEN NULL ELSE list(__floe_pos) END FROM ("+q+"\n) GROUP BY 1")
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	out := map[string]*fileDeletes{}
	for rows.Next() {
		var fi, n, nd, lo, hi int64
		var list any
		if err := rows.Scan(&fi, &n, &nd, &lo, &hi, &list); err != nil {
			return nil, nil, err
		}
		if fi < 0 || fi >= int64(len(files)) {
			return nil, nil, fmt.Errorf("matched rows: file index %d out of range (%d files)", fi, len(files))
		}
		f := files[fi]
		bm := dvs[f]
		if list == nil && bm == nil {
			out[f] = &fileDeletes{runs: []engine.PosRun{{Start: lo, End: hi + 1}}, n: n}
			continue
		}
		var ps []int64
		if list == nil {
			ps = make([]int64, 0, n)
			for p := lo; p <= hi; p++ {
				ps = append(ps, p)
			}
		} else {
			l, ok := list.([]any)
			if !ok {
				return nil, nil, fmt.Errorf("positions of %s: unexpected %T", f, list)
			}
			ps = make([]int64, 0, len(l))
			for _, v := range l {
				ps = append(ps, v.(int64))
			}
		}
		if bm != nil {
			live := ps[:0]
			for _, p := range ps {
				if !bm.Contains(uint64(p)) {
					live = append(live, p)
				}
			}
			ps = live
		}
		if len(ps) == 0 {
			continue
		}
		slices.Sort(ps)
		if n != nd {
			for i := 1; i < len(ps); i++ {
				if ps[i] == ps[i-1] {
					d := &dupPosition{file: f, pos: ps[i]}
					for j := i - 1; j < len(ps) && ps[j] == ps[i]; j++ {
						d.n++
					}
					return out, d, rows.Err()
				}
			}
		}
		out[f] = &fileDeletes{runs: engine.PosRuns(ps), n: int64(len(ps))}
	}
	return out, nil, rows.Err()
}
