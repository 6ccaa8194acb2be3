package lakesql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// mergeClause is one WHEN clause of a MERGE.
type mergeClause struct {
	matched  bool
	bySource bool              // WHEN NOT MATCHED BY SOURCE: a target row no source row matched
	cond     string            // extra AND condition, or ""
	action   string            // "update", "delete", "insert", "nothing"
	sets     map[string]string // update: column -> expression; nil = by name (UPDATE SET *)
	cols     []string          // insert: target columns; nil = all, by name (INSERT *) when values is nil
	values   []string          // insert: VALUES expressions
}

// mergeStmt is a parsed MERGE INTO on a lake table.
type mergeStmt struct {
	ns, name, alias string
	source, salias  string
	on              string
	clauses         []mergeClause
}

// untilKeyword returns the text from c.i up to (not including) the first
// top-level token that is one of kws, and moves c there.
func (c *cursor) untilKeyword(kws ...string) string {
	start, depth := c.i, 0
	for ; c.i < len(c.toks); c.i++ {
		t := c.toks[c.i]
		if t.IsPunct("(") {
			depth++
		} else if t.IsPunct(")") {
			depth--
		} else if depth == 0 {
			for _, kw := range kws {
				if t.Is(kw) {
					goto done
				}
			}
		}
	}
done:
	if c.i == start {
		return ""
	}
	return strings.TrimSpace(c.src[c.toks[start].Start:c.toks[c.i-1].End])
}

func (s *Session) parseMerge(c *cursor) handler {
	if !c.accept("MERGE", "INTO") {
		return nil
	}
	name, ok := c.lakeName(2)
	if !ok {
		return nil
	}
	m := &mergeStmt{ns: name[0], name: name[1]}
	fail := func(format string, args ...any) handler {
		return failHandler(fmt.Errorf("merge into lake.%s.%s: "+format, append([]any{m.ns, m.name}, args...)...))
	}
	if !c.peek().Is("USING") {
		m.alias = c.alias()
	}
	if m.alias == "" {
		m.alias = m.name
	}
	if !c.accept("USING") {
		return fail("expected USING <source>")
	}
	src := c.untilKeyword("ON")
	if src == "" || !c.accept("ON") {
		return fail("expected USING <source> [AS alias] ON <condition>")
	}
	// Split "source alias" / "(query) AS alias".
	st := sqltext.Code(src)
	m.source, m.salias = src, ""
	if n := len(st); n >= 2 && (st[n-1].Kind == sqltext.Word || st[n-1].Kind == sqltext.Quoted) && !st[n-2].IsPunct(".") {
		m.salias = st[n-1].Ident()
		cut := st[n-1].Start
		if n >= 3 && st[n-2].Is("AS") {
			cut = st[n-2].Start
		}
		m.source = strings.TrimSpace(src[:cut])
	}
	if m.salias == "" {
		if len(st) == 0 || st[len(st)-1].Kind != sqltext.Word && st[len(st)-1].Kind != sqltext.Quoted {
			return fail("give the source an alias: USING (SELECT ...) AS s")
		}
		m.salias = st[len(st)-1].Ident()
	}
	m.on = c.untilKeyword("WHEN")
	if m.on == "" {
		return fail("expected ON <condition> WHEN ...")
	}
	for c.accept("WHEN") {
		var cl mergeClause
		switch {
		case c.accept("MATCHED"):
			cl.matched = true
		case c.accept("NOT", "MATCHED"):
			if c.accept("BY", "SOURCE") {
				cl.bySource = true
			} else {
				c.accept("BY", "TARGET")
			}
		default:
			return fail("expected WHEN [NOT] MATCHED")
		}
		if c.accept("AND") {
			cl.cond = c.untilKeyword("THEN")
		}
		if !c.accept("THEN") {
			return fail("expected THEN after WHEN clause")
		}
		switch {
		case c.accept("DELETE"):
			cl.action = "delete"
		case c.accept("DO", "NOTHING"):
			cl.action = "nothing"
		case c.accept("UPDATE"):
			cl.action = "update"
			if c.accept("SET") {
				if c.acceptPunct("*") {
					break
				}
				text := c.untilKeyword("WHEN")
				cl.sets = map[string]string{}
				for _, part := range splitTop(text) {
					col, expr, ok := strings.Cut(part, "=")
					if !ok {
						return fail("%q is not col = value", strings.TrimSpace(part))
					}
					col = strings.TrimSpace(col)
					if i := strings.LastIndexByte(col, '.'); i >= 0 {
						col = col[i+1:]
					}
					cl.sets[strings.ToLower(sqltext.Unquote(col))] = strings.TrimSpace(expr)
				}
			}
		case c.accept("INSERT"):
			cl.action = "insert"
			if c.acceptPunct("*") {
				break
			}
			if inner, ok := c.group(); ok {
				for _, p := range splitTop(inner) {
					cl.cols = append(cl.cols, sqltext.Unquote(p))
				}
			}
			if c.accept("VALUES") {
				inner, ok := c.group()
				if !ok {
					return fail("INSERT VALUES needs (expr, ...)")
				}
				for _, p := range splitTop(inner) {
					cl.values = append(cl.values, strings.TrimSpace(p))
				}
				if cl.cols != nil && len(cl.cols) != len(cl.values) {
					return fail("INSERT names %d columns but gives %d values", len(cl.cols), len(cl.values))
				}
			}
		default:
			return fail("expected UPDATE, DELETE, INSERT or DO NOTHING after THEN")
		}
		switch {
		case cl.matched && cl.action == "insert":
			return fail("WHEN MATCHED cannot INSERT")
		case !cl.matched && !cl.bySource && (cl.action == "update" || cl.action == "delete"):
			return fail("WHEN NOT MATCHED cannot %s (WHEN NOT MATCHED BY SOURCE can)", strings.ToUpper(cl.action))
		case cl.bySource && cl.action == "insert":
			return fail("WHEN NOT MATCHED BY SOURCE cannot INSERT")
		}
		m.clauses = append(m.clauses, cl)
	}
	if !c.done() {
		return fail("unexpected %q", c.peek().Text)
	}
	if len(m.clauses) == 0 {
		return fail("expected at least one WHEN clause")
	}
	return func(ctx context.Context) (*Rows, error) {
		n, err := s.merge(ctx, m)
		if err != nil {
			return nil, err
		}
		return countRows(n), nil
	}
}

// merge runs a MERGE as one snapshot: a LEFT JOIN of the source with the
// target decides, per source row, which clause applies (the first whose
// conditions hold), then updated and deleted target rows are removed by
// position and updated and inserted rows are written as new files.
func (s *Session) merge(ctx context.Context, m *mergeStmt) (int64, error) {
	ident := "lake." + m.ns + "." + m.name
	var changed int64
	clk := newPhaseClock()
	err := s.modify(ctx, m.ns, m.name, func(t *engine.Table) error {
		clk.mark("merge lock")
		// With a WHEN NOT MATCHED BY SOURCE clause the join is a FULL
		// JOIN and a source-side marker tells the three cases apart.
		bySource := false
		for _, cl := range m.clauses {
			bySource = bySource || cl.bySource
		}
		// Without it only target rows a source row matches matter: the
		// plan keeps the files the source's keys may match.
		var filter iceberg.BooleanExpression
		if !bySource {
			f, err := s.mergeKeyFilter(ctx, t, m)
			if err != nil {
				return fmt.Errorf("merge into %s: %w", ident, err)
			}
			filter = f
		}
		clk.mark("merge keys")
		plan, err := planTarget(ctx, t, filter)
		if err != nil {
			return err
		}
		ta := engine.QuoteIdent(m.alias)
		sa := engine.QuoteIdent(m.salias)
		inTarget := ta + ".__floe_pos IS NOT NULL"
		inSource := "true"
		if bySource {
			inSource = sa + ".__floe_src IS NOT NULL"
		}
		conds := make([]string, len(m.clauses))
		for i, cl := range m.clauses {
			var c string
			switch {
			case cl.matched:
				c = inTarget + " AND " + inSource
			case cl.bySource:
				c = inTarget + " AND NOT (" + inSource + ")"
			default:
				c = "NOT (" + inTarget + ")"
			}
			if cl.cond != "" {
				c += " AND (" + cl.cond + ")"
			}
			conds[i] = c
		}
		var action strings.Builder
		action.WriteString("CASE")
		for i, cl := range m.clauses {
			fmt.Fprintf(&action, " WHEN %s THEN '%s'", conds[i], cl.action)
		}
		action.WriteString(" END")
		fields := t.Schema().Fields()
		allWritten := everyRowWritten(m.clauses)
		sourceRowsOnly := allWritten // and every column is the source's
		cols := make([]string, len(fields))
		for fi, f := range fields {
			typ, err := engine.DuckDBType(f.Type)
			if err != nil {
				return err
			}
			var b strings.Builder
			b.WriteString("CASE")
			// When every row of the join is written (see everyRowWritten)
			// and every clause gives the column the same expression
			// (UPDATE SET * with INSERT *), the column is that expression
			// alone, with no CASE to evaluate per row.
			same, writers := "", 0
			for _, cl := range m.clauses {
				if e, ok := clauseExpr(cl, f, fi, ta, sa); ok {
					if writers == 0 {
						same = e
					} else if e != same {
						same = ""
					}
					writers++
				}
			}
			if !allWritten {
				same = ""
			}
			if same != sa+"."+engine.QuoteIdent(f.Name) {
				sourceRowsOnly = false
			}
			for i, cl := range m.clauses {
				expr, ok := clauseExpr(cl, f, fi, ta, sa)
				if !ok {
					continue
				}
				fmt.Fprintf(&b, " WHEN %s THEN CAST(%s AS %s)", conds[i], expr, typ)
			}
			b.WriteString(" END")
			col := b.String()
			switch {
			case writers == 0:
				col = "CAST(NULL AS " + typ + ")"
			case same != "":
				col = "CAST(" + same + " AS " + typ + ")"
			}
			if f.Required {
				msg := engine.QuoteString("NULL in NOT NULL column " + f.Name)
				col = fmt.Sprintf("CASE WHEN __floe_action IN ('update', 'insert') AND (%s) IS NULL THEN error(%s) ELSE %s END", col, msg, col)
			}
			cols[fi] = col + " AS " + engine.QuoteIdent(f.Name)
		}
		for _, cl := range m.clauses {
			if cl.action == "insert" && cl.values != nil && cl.cols == nil && len(cl.values) != len(fields) {
				return fmt.Errorf("merge into %s: INSERT VALUES gives %d values but the table has %d columns", ident, len(cl.values), len(fields))
			}
			for col := range cl.sets {
				if _, ok := t.Schema().FindFieldByNameCaseInsensitive(col); !ok {
					return fmt.Errorf("merge into %s: no column %q to SET", ident, col)
				}
			}
		}
		// A delete-only MERGE and an upsert of whole source rows on
		// deletion vectors join the source with the target's raw files
		// (see engine.Plan.RawSQL); the others read the target with its
		// deleted rows removed, through the dml_target view.
		byPositions := deletesOnly(m.clauses) || allWritten && sourceRowsOnly
		var raw *rawTarget
		if byPositions && len(plan.Tasks) > 0 && t.FormatVersion() >= 3 && t.WriteMode("merge") == engine.MergeOnRead {
			sql, files, ok, err := plan.RawSQL()
			if err != nil {
				return fmt.Errorf("merge into %s: %w", ident, err)
			}
			if ok {
				raw = &rawTarget{sql: sql, files: files}
			}
		}
		if raw == nil {
			drop, err := s.defineTargetView(ctx, plan)
			if err != nil {
				return err
			}
			defer drop()
		}
		clk.mark("merge plan")
		source, join := m.source, "LEFT JOIN"
		if bySource {
			source, join = "(SELECT *, true AS __floe_src FROM "+m.source+")", "FULL JOIN"
		}
		joined := fmt.Sprintf("SELECT %s.__floe_file, %s.__floe_pos, %s AS __floe_action, %s FROM %s AS %s %s %s AS %s ON %s",
			ta, ta, action.String(), strings.Join(cols, ", "), source, sa, join, dmlTarget, ta, m.on)
		// __floe_action is referenced by the NOT NULL checks: compute it in
		// a lateral step.
		joined = strings.Replace(joined, "CASE WHEN __floe_action IN ('update', 'insert')", "CASE WHEN ("+action.String()+") IN ('update', 'insert')", -1)
		if len(plan.Tasks) == 0 {
			q, err := s.prepareRead(ctx, joined)
			if err != nil {
				return fmt.Errorf("merge into %s: %w", ident, err)
			}
			// No target file can hold a row a source row matches: every
			// source row is NOT MATCHED, and the inserted rows are written
			// straight from the source, not materialised first.
			newRows := "SELECT * EXCLUDE (__floe_file, __floe_pos, __floe_action) FROM (" + q + ") WHERE __floe_action = 'insert'"
			files, n, dir, _, err := s.writeQuery(ctx, t, newRows)
			if err != nil {
				return fmt.Errorf("merge into %s: %w", ident, err)
			}
			clk.mark("merge write")
			if n == 0 {
				s.wh.RemoveWritten(dir)
				return nil
			}
			delta := engine.RowDelta{AddedData: files}
			ccleanup, err := s.coalesce(ctx, t, "merge", plan, &delta)
			if err != nil {
				s.wh.RemoveWritten(dir)
				return fmt.Errorf("merge into %s: coalesce small files: %w", ident, err)
			}
			clk.mark("merge coalesce")
			if _, err := t.CommitRowDelta(ctx, plan, delta, "merge", map[string]string{"floe.operation": "merge"}); err != nil {
				ccleanup()
				s.wh.RemoveWritten(dir)
				return err
			}
			changed = n
			clk.mark("merge commit")
			return nil
		}
		switch {
		case deletesOnly(m.clauses):
			// Only deletes: the matched target rows' positions are all
			// that is needed, from an inner join, with no row materialised.
			n, err := s.mergeByPositions(ctx, t, m, plan, raw, action.String(), "delete", "", clk)
			if err != nil {
				return err
			}
			changed = n
			return nil
		case allWritten && sourceRowsOnly:
			// An upsert of whole source rows (UPDATE SET *, INSERT *):
			// every source row is written as it is, straight from the
			// source, and the join only finds the replaced rows'
			// positions, reading the target's key columns alone.
			// Every row is written, so a NOT NULL check applies to all.
			sel := strings.ReplaceAll(strings.Join(cols, ", "), "CASE WHEN __floe_action IN ('update', 'insert')", "CASE WHEN true")
			newRows, err := s.prepareRead(ctx, "SELECT "+sel+" FROM "+m.source+" AS "+sa)
			if err != nil {
				return fmt.Errorf("merge into %s: %w", ident, err)
			}
			n, err := s.mergeByPositions(ctx, t, m, plan, raw, action.String(), "update", newRows, clk)
			if err != nil {
				return err
			}
			changed = n
			return nil
		}
		q, err := s.prepareRead(ctx, joined)
		if err != nil {
			return fmt.Errorf("merge into %s: %w", ident, err)
		}
		if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+dmlRows+" AS SELECT * FROM ("+q+") WHERE __floe_action IS NOT NULL AND __floe_action <> 'nothing'"); err != nil {
			return fmt.Errorf("merge into %s: %w", ident, err)
		}
		defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+dmlRows)
		clk.mark("merge join")
		// One pass counts the inserts and finds whether a target row is
		// matched twice (the positions are fewer than the matched rows).
		var inserts, matched, distinct int64
		if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE __floe_action = 'insert'), count(__floe_pos), count(DISTINCT (__floe_file, __floe_pos)) FILTER (WHERE __floe_pos IS NOT NULL) FROM "+dmlRows).Scan(&inserts, &matched, &distinct); err != nil {
			return fmt.Errorf("merge into %s: %w", ident, err)
		}
		if matched != distinct {
			var dupPos, dupN int64
			var dupFile string
			if err := s.conn.QueryRowContext(ctx, "SELECT __floe_file, __floe_pos, count(*) FROM "+dmlRows+" WHERE __floe_pos IS NOT NULL GROUP BY ALL HAVING count(*) > 1 LIMIT 1").Scan(&dupFile, &dupPos, &dupN); err != nil {
				return fmt.Errorf("merge into %s: %w", ident, err)
			}
			return fmt.Errorf("merge into %s: a target row (position %d of %s) is matched by %d source rows; the SQL standard forbids changing a row twice", ident, dupPos, dupFile, dupN)
		}
		// Deletion vectors need only each file's runs of positions, which
		// one aggregate returns; the other modes read them from a table.
		var fetched map[string]*fileDeletes
		positions := "SELECT __floe_file, __floe_pos FROM " + dmlRows + " WHERE __floe_action IN ('update', 'delete')"
		if t.FormatVersion() >= 3 && t.WriteMode("merge") == engine.MergeOnRead {
			if fetched, err = s.fetchDeletes(ctx, positions); err != nil {
				return fmt.Errorf("merge into %s: %w", ident, err)
			}
		} else {
			if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+dmlPositions+" AS "+positions); err != nil {
				return err
			}
			defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+dmlPositions)
		}
		clk.mark("merge positions")
		newRows := "SELECT * EXCLUDE (__floe_file, __floe_pos, __floe_action) FROM " + dmlRows + " WHERE __floe_action IN ('update', 'insert')"
		delta, n, cleanup, err := s.buildDelta(ctx, t, plan, "merge", newRows, fetched)
		clk.mark("merge write")
		if err != nil {
			cleanup()
			return fmt.Errorf("merge into %s: %w", ident, err)
		}
		changed = n + inserts
		if n == 0 && len(delta.AddedData) == 0 {
			cleanup()
			return nil
		}
		ccleanup, err := s.coalesce(ctx, t, "merge", plan, &delta)
		if err != nil {
			cleanup()
			return fmt.Errorf("merge into %s: coalesce small files: %w", ident, err)
		}
		clk.mark("merge coalesce")
		if _, err := t.CommitRowDelta(ctx, plan, delta, "merge", map[string]string{"floe.operation": "merge"}); err != nil {
			ccleanup()
			cleanup()
			return err
		}
		clk.mark("merge commit")
		return nil
	})
	if err != nil {
		return 0, err
	}
	s.invalidate(m.ns, m.name)
	clk.mark("merge cleanup")
	return changed, nil
}

// clauseExpr is the value a clause writes to field f (at index fi), over
// the target alias ta and source alias sa; ok is false for a clause that
// writes no row (DELETE, DO NOTHING).
func clauseExpr(cl mergeClause, f iceberg.NestedField, fi int, ta, sa string) (string, bool) {
	switch cl.action {
	case "update":
		if cl.sets == nil {
			return sa + "." + engine.QuoteIdent(f.Name), true
		}
		if e, ok := cl.sets[strings.ToLower(f.Name)]; ok {
			return "(" + e + ")", true
		}
		return ta + "." + engine.QuoteIdent(f.Name), true
	case "insert":
		switch {
		case cl.values == nil:
			return sa + "." + engine.QuoteIdent(f.Name), true
		case cl.cols == nil:
			if fi < len(cl.values) {
				return "(" + cl.values[fi] + ")", true
			}
		default:
			for j, c := range cl.cols {
				if strings.EqualFold(c, f.Name) {
					return "(" + cl.values[j] + ")", true
				}
			}
		}
		return "NULL", true
	}
	return "", false
}

// everyRowWritten reports whether every row of a MERGE's join is written:
// no WHEN NOT MATCHED BY SOURCE, every clause updates or inserts with no
// extra condition, and both matched and not matched rows have a clause.
// Then a column's expression is evaluated on written rows only, guarded
// by a CASE or not.
func everyRowWritten(clauses []mergeClause) bool {
	var matched, notMatched bool
	for _, cl := range clauses {
		if cl.bySource || cl.cond != "" || (cl.action != "update" && cl.action != "insert") {
			return false
		}
		matched = matched || cl.matched
		notMatched = notMatched || !cl.matched
	}
	return matched && notMatched
}

// deletesOnly reports whether a MERGE only deletes matched rows (or does
// nothing): no clause writes a row and none is NOT MATCHED BY SOURCE.
func deletesOnly(clauses []mergeClause) bool {
	for _, cl := range clauses {
		if cl.bySource || cl.action == "update" || cl.action == "insert" {
			return false
		}
	}
	return true
}

// rawTarget is a planned target read with no delete applied
// (engine.Plan.RawSQL): its SQL and the data files __floe_fi indexes.
type rawTarget struct {
	sql   string
	files []string
}

// mergeByPositions runs a MERGE whose matched rows all take one action,
// want ("delete", or "update" when every row is written), against the
// planned target; action is the CASE that picks each joined row's clause.
// An inner join of the source with the target gives the matched rows'
// positions, each of which must be matched once; newRows, if not empty,
// is the query whose rows the MERGE writes (the source's rows). With raw
// set the join reads the target's raw files and the rows its deletion
// vectors delete are dropped after the join; else it reads dml_target.
// It commits and returns the number of rows changed.
func (s *Session) mergeByPositions(ctx context.Context, t *engine.Table, m *mergeStmt, plan *engine.Plan, raw *rawTarget, action, want, newRows string, clk *phaseClock) (int64, error) {
	fail := func(err error) (int64, error) {
		return 0, fmt.Errorf("merge into lake.%s.%s: %w", m.ns, m.name, err)
	}
	dupErr := func(d *dupPosition) (int64, error) {
		return fail(fmt.Errorf("a target row (position %d of %s) is matched by %d source rows; the SQL standard forbids changing a row twice", d.pos, d.file, d.n))
	}
	ta := engine.QuoteIdent(m.alias)
	target, file := dmlTarget, "__floe_file"
	if raw != nil {
		target, file = "("+raw.sql+")", "__floe_fi"
	}
	q, err := s.prepareRead(ctx, fmt.Sprintf("SELECT %s, __floe_pos FROM (SELECT %s.%s, %s.__floe_pos, %s AS __floe_action FROM %s AS %s JOIN %s AS %s ON %s) WHERE __floe_action = %s",
		file, ta, file, ta, action, m.source, engine.QuoteIdent(m.salias), target, ta, m.on, engine.QuoteString(want)))
	if err != nil {
		return fail(err)
	}
	var fetched map[string]*fileDeletes
	switch {
	case raw != nil:
		dvs, err := plan.DVs(ctx)
		if err != nil {
			return fail(err)
		}
		f, dup, err := s.fetchMatched(ctx, q, raw.files, dvs)
		if err != nil {
			return fail(err)
		}
		if dup != nil {
			return dupErr(dup)
		}
		fetched = f
	case t.FormatVersion() >= 3 && t.WriteMode("merge") == engine.MergeOnRead:
		f, dup, err := s.fetchDeletesChecked(ctx, q, true)
		if err != nil {
			return fail(err)
		}
		if dup != nil {
			return dupErr(dup)
		}
		fetched = f
	default:
		if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+dmlPositions+" AS "+q); err != nil {
			return fail(err)
		}
		defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+dmlPositions)
		var d dupPosition
		err := s.conn.QueryRowContext(ctx, "SELECT __floe_file, __floe_pos, count(*) FROM "+dmlPositions+" GROUP BY ALL HAVING count(*) > 1 LIMIT 1").Scan(&d.file, &d.pos, &d.n)
		switch {
		case err == nil:
			return dupErr(&d)
		case !errors.Is(err, sql.ErrNoRows):
			return fail(err)
		}
	}
	clk.mark("merge positions")
	var added []engine.WrittenFile
	var written int64
	var dir string
	if newRows != "" {
		if added, written, dir, _, err = s.writeQuery(ctx, t, newRows); err != nil {
			return fail(err)
		}
		clk.mark("merge write")
	}
	delta, n, cleanup, err := s.buildDelta(ctx, t, plan, "merge", "", fetched)
	if dir != "" {
		inner := cleanup
		cleanup = func() { inner(); s.wh.RemoveWritten(dir) }
	}
	if err != nil {
		cleanup()
		return fail(err)
	}
	clk.mark("merge delta")
	if written > 0 {
		delta.AddedData = append(delta.AddedData, added...)
	} else if dir != "" {
		s.wh.RemoveWritten(dir)
	}
	if n == 0 && written == 0 {
		cleanup()
		return 0, nil
	}
	ccleanup, err := s.coalesce(ctx, t, "merge", plan, &delta)
	if err != nil {
		cleanup()
		return fail(fmt.Errorf("coalesce small files: %w", err))
	}
	clk.mark("merge coalesce")
	// The commit's error names the table and stays a conflict for retries.
	if _, err := t.CommitRowDelta(ctx, plan, delta, "merge", map[string]string{"floe.operation": "merge"}); err != nil {
		ccleanup()
		cleanup()
		return 0, err
	}
	clk.mark("merge commit")
	if newRows != "" {
		// Every source row was written: an update or an insert.
		return written, nil
	}
	return n, nil
}
