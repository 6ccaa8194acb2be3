package lakesql

import (
	"context"
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
		plan, drop, err := s.defineTarget(ctx, t, filter)
		if err != nil {
			return err
		}
		defer drop()
		clk.mark("merge plan")
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
		cols := make([]string, len(fields))
		for fi, f := range fields {
			typ, err := engine.DuckDBType(f.Type)
			if err != nil {
				return err
			}
			var b strings.Builder
			b.WriteString("CASE")
			for i, cl := range m.clauses {
				var expr string
				switch cl.action {
				case "update":
					expr = ta + "." + engine.QuoteIdent(f.Name)
					if cl.sets == nil {
						expr = sa + "." + engine.QuoteIdent(f.Name)
					} else if e, ok := cl.sets[strings.ToLower(f.Name)]; ok {
						expr = "(" + e + ")"
					}
				case "insert":
					expr = "NULL"
					switch {
					case cl.values == nil:
						expr = sa + "." + engine.QuoteIdent(f.Name)
					case cl.cols == nil:
						if fi < len(cl.values) {
							expr = "(" + cl.values[fi] + ")"
						}
					default:
						for j, c := range cl.cols {
							if strings.EqualFold(c, f.Name) {
								expr = "(" + cl.values[j] + ")"
							}
						}
					}
				default:
					continue
				}
				fmt.Fprintf(&b, " WHEN %s THEN CAST(%s AS %s)", conds[i], expr, typ)
			}
			b.WriteString(" END")
			col := b.String()
			if b.Len() == len("CASE END") {
				col = "CAST(NULL AS " + typ + ")"
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
		source, join := m.source, "LEFT JOIN"
		if bySource {
			source, join = "(SELECT *, true AS __floe_src FROM "+m.source+")", "FULL JOIN"
		}
		joined := fmt.Sprintf("SELECT %s.__floe_file, %s.__floe_pos, %s AS __floe_action, %s FROM %s AS %s %s %s AS %s ON %s",
			ta, ta, action.String(), strings.Join(cols, ", "), source, sa, join, dmlTarget, ta, m.on)
		// __floe_action is referenced by the NOT NULL checks: compute it in
		// a lateral step.
		joined = strings.Replace(joined, "CASE WHEN __floe_action IN ('update', 'insert')", "CASE WHEN ("+action.String()+") IN ('update', 'insert')", -1)
		q, err := s.prepareRead(ctx, joined)
		if err != nil {
			return fmt.Errorf("merge into %s: %w", ident, err)
		}
		if len(plan.Tasks) == 0 {
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
			if _, err := t.CommitRowDelta(ctx, plan, engine.RowDelta{AddedData: files}, "merge", map[string]string{"floe.operation": "merge"}); err != nil {
				s.wh.RemoveWritten(dir)
				return err
			}
			changed = n
			clk.mark("merge commit")
			return nil
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
		if _, err := t.CommitRowDelta(ctx, plan, delta, "merge", map[string]string{"floe.operation": "merge"}); err != nil {
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
