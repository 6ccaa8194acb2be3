package lakesql

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/apache/iceberg-go"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/internal/sqltext"
)

// lakeRef is one `lake.ns.name` reference in a statement's tokens.
type lakeRef struct {
	ns, name   string
	first      int // token index of "lake"
	last       int // token index of the name
	atVersion  string
	atTime     string // expression text of AT (TIMESTAMP => ...)
	atEnd      int    // token index of the AT clause's closing parenthesis
	start, end int    // byte span to replace when rewriting (AT clause included)
}

// findLakeRefs finds every three-part name whose catalog is lake.
func findLakeRefs(src string, toks []token) []lakeRef {
	var refs []lakeRef
	for i := 0; i+4 < len(toks); i++ {
		t := toks[i]
		if !(t.Is("lake") || t.Kind == sqltext.Quoted && t.Ident() == "lake") {
			continue
		}
		if i > 0 && toks[i-1].IsPunct(".") {
			continue
		}
		if !toks[i+1].IsPunct(".") || !toks[i+3].IsPunct(".") {
			continue
		}
		a, b := toks[i+2], toks[i+4]
		if (a.Kind != sqltext.Word && a.Kind != sqltext.Quoted) || (b.Kind != sqltext.Word && b.Kind != sqltext.Quoted) {
			continue
		}
		r := lakeRef{ns: a.Ident(), name: b.Ident(), first: i, last: i + 4, start: t.Start, end: b.End}
		if a.Kind == sqltext.Word {
			r.ns = strings.ToLower(r.ns)
		}
		if b.Kind == sqltext.Word {
			r.name = strings.ToLower(r.name)
		}
		// AT ( VERSION => expr ) or AT ( TIMESTAMP => expr )
		j := i + 5
		if j+3 < len(toks) && toks[j].Is("AT") && toks[j+1].IsPunct("(") &&
			(toks[j+2].Is("VERSION") || toks[j+2].Is("TIMESTAMP")) && toks[j+3].IsPunct("=>") {
			depth, k := 1, j+4
			for ; k < len(toks); k++ {
				if toks[k].IsPunct("(") {
					depth++
				} else if toks[k].IsPunct(")") {
					depth--
					if depth == 0 {
						break
					}
				}
			}
			if k < len(toks) {
				// Both tokens exist: toks[j+4] starts the expression, toks[k] closes it.
				expr := ""
				if k > j+4 {
					expr = strings.TrimSpace(src[toks[j+4].Start:toks[k-1].End])
				}
				if toks[j+2].Is("VERSION") {
					r.atVersion = expr
				} else {
					r.atTime = expr
				}
				r.atEnd = k
				r.end = toks[k].End
			}
		}
		refs = append(refs, r)
		i += 4
	}
	return refs
}

// aliasFollows reports whether the token after index i starts an alias.
func aliasFollows(toks []token, i int) bool {
	if i+1 >= len(toks) {
		return false
	}
	n := toks[i+1]
	if n.Kind == sqltext.Quoted {
		return true
	}
	if n.Kind != sqltext.Word {
		return false
	}
	if n.Is("AS") {
		return true
	}
	switch strings.ToUpper(n.Text) {
	case "WHERE", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "FULL", "CROSS", "ON", "USING", "GROUP",
		"ORDER", "LIMIT", "UNION", "EXCEPT", "INTERSECT", "HAVING", "WINDOW", "QUALIFY", "NATURAL",
		"POSITIONAL", "ASOF", "ANTI", "SEMI", "OFFSET", "SAMPLE", "TABLESAMPLE", "RETURNING", "SET",
		"WHEN", "LATERAL", "PIVOT", "UNPIVOT", "SELECT", "FROM", "VALUES", "BY", "DEFAULT":
		return false
	}
	return true
}

// metaSuffixes are the metadata tables floe serves as lake.ns."t$suffix".
// $replication comes from package replica, the others from the engine.
var metaSuffixes = []string{"snapshots", "history", "files", "manifests", "partitions", "refs", "delete_files", "replication", "tiers", "tier_costs"}

func splitMeta(name string) (base, suffix string) {
	if i := strings.LastIndexByte(name, '$'); i > 0 {
		for _, m := range metaSuffixes {
			if strings.EqualFold(name[i+1:], m) {
				return name[:i], m
			}
		}
	}
	return name, ""
}

// readSet is what one statement reads from the lake, after rewriting.
type readSet struct {
	sql  string
	refs []viewRef
}

// viewRef is one relation the rewritten statement reads: a table's current
// view, a time-travel view or a metadata table.
type viewRef struct {
	ns, name string // the lake table
	snapshot int64  // time travel; 0 = current
	meta     string // metadata table suffix
	view     string // the DuckDB relation name (unquoted table part)
}

// rewriteReads finds the lake references of a statement, checks that each
// names an existing table, and rewrites time-travel clauses into
// references to snapshot views.
func (s *Session) rewriteReads(ctx context.Context, stmt string, toks []token) (*readSet, error) {
	refs := findLakeRefs(stmt, toks)
	rs := &readSet{sql: stmt}
	if len(refs) == 0 {
		return rs, nil
	}
	var b strings.Builder
	pos := 0
	for _, r := range refs {
		base, meta := splitMeta(r.name)
		if _, err := s.wh.MetadataLocation(ctx, r.ns, base); err != nil {
			if errors.Is(err, engine.ErrNoSuchTable) {
				return nil, fmt.Errorf("table lake.%s.%s does not exist%s", r.ns, base, s.suggest(ctx, r.ns, base))
			}
			return nil, err
		}
		vr := viewRef{ns: r.ns, name: base, meta: meta, view: r.name}
		if r.atVersion != "" || r.atTime != "" {
			if meta != "" {
				return nil, fmt.Errorf("lake.%s.%s: metadata tables do not support AT (...)", r.ns, r.name)
			}
			id, err := s.resolveAt(ctx, r)
			if err != nil {
				return nil, err
			}
			vr.snapshot = id
			vr.view = fmt.Sprintf("%s@%d", base, id)
			b.WriteString(stmt[pos:r.start])
			b.WriteString(viewName(r.ns, vr.view))
			if !aliasFollows(toks, r.atEnd) {
				b.WriteString(" AS " + engine.QuoteIdent(base))
			}
			pos = r.end
		}
		rs.refs = append(rs.refs, vr)
	}
	b.WriteString(stmt[pos:])
	rs.sql = b.String()
	return rs, nil
}

func (s *Session) suggest(ctx context.Context, ns, name string) string {
	nss, err := s.wh.Namespaces(ctx)
	if err != nil {
		return ""
	}
	found := false
	for _, n := range nss {
		found = found || n == ns
	}
	if !found {
		return fmt.Sprintf(" (no schema lake.%s; schemas: %s)", ns, strings.Join(nss, ", "))
	}
	names, err := s.wh.Tables(ctx, ns)
	if err != nil || len(names) == 0 {
		return fmt.Sprintf(" (schema lake.%s has no tables)", ns)
	}
	return fmt.Sprintf(" (tables in lake.%s: %s)", ns, strings.Join(names, ", "))
}

// resolveAt evaluates an AT clause's expression in DuckDB and resolves it to
// a snapshot id.
func (s *Session) resolveAt(ctx context.Context, r lakeRef) (int64, error) {
	t, err := s.wh.Table(ctx, r.ns, r.name)
	if err != nil {
		return 0, err
	}
	if r.atVersion != "" {
		var id int64
		if err := s.conn.QueryRowContext(ctx, "SELECT CAST(("+r.atVersion+") AS BIGINT)").Scan(&id); err != nil {
			return 0, fmt.Errorf("%s AT (VERSION => %s): %w", t.Ident(), r.atVersion, err)
		}
		if _, err := t.SnapshotByID(id); err != nil {
			return 0, err
		}
		return id, nil
	}
	var ts time.Time
	if err := s.conn.QueryRowContext(ctx, "SELECT CAST(("+r.atTime+") AS TIMESTAMPTZ)").Scan(&ts); err != nil {
		return 0, fmt.Errorf("%s AT (TIMESTAMP => %s): %w", t.Ident(), r.atTime, err)
	}
	snap, err := t.SnapshotAsOf(ts)
	if err != nil {
		return 0, err
	}
	return snap.SnapshotID, nil
}

// defineViews makes every relation a statement reads current: views of
// lake tables are re-planned when their table changed or when the
// statement's predicates allow pruning; metadata tables are rebuilt.
func (s *Session) defineViews(ctx context.Context, rs *readSet, filters map[string]iceberg.BooleanExpression) error {
	done := map[string]bool{}
	for _, r := range rs.refs {
		key := r.ns + "\x00" + r.view
		if done[key] {
			continue
		}
		done[key] = true
		var err error
		switch {
		case r.meta != "":
			err = s.defineMetaTable(ctx, r)
		case r.snapshot != 0:
			err = s.defineSnapshotView(ctx, r, filters[key])
		default:
			err = s.defineCurrentView(ctx, r, filters[key])
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Session) state(ctx context.Context, ns, name string) (*tableState, error) {
	k := tableKey{ns, name}
	st := s.tables[k]
	loc, err := s.wh.MetadataLocation(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	if st == nil || st.metaLoc != loc {
		if err := s.ensureSchema(ctx, ns); err != nil {
			return nil, err
		}
		t, err := s.wh.Table(ctx, ns, name)
		if err != nil {
			return nil, err
		}
		if st == nil {
			st = &tableState{}
			s.tables[k] = st
		}
		st.tbl, st.metaLoc, st.fullSQL, st.full = t, t.MetadataLocation(), "", nil
		st.pruned = true // force a redefinition
	}
	return st, nil
}

func (s *Session) defineCurrentView(ctx context.Context, r viewRef, filter iceberg.BooleanExpression) error {
	st, err := s.state(ctx, r.ns, r.name)
	if err != nil {
		return err
	}
	if filter == nil {
		if st.fullSQL == "" {
			p, err := st.tbl.PlanScan(ctx, engine.ScanOptions{})
			if err != nil {
				return err
			}
			if st.fullSQL, err = s.planSQL(ctx, p, engine.ReadOptions{}); err != nil {
				return err
			}
			st.full = p
			st.pruned = true
		} else if err := st.full.Fetch(ctx); err != nil {
			// On object storage the cached copies fullSQL reads may have
			// been evicted since: fetched again, at the same paths.
			return err
		}
		s.reads = append(s.reads, st.full)
		if !st.pruned {
			return nil
		}
		st.pruned = false
		return s.exec(ctx, "CREATE OR REPLACE VIEW "+viewName(r.ns, r.name)+" AS "+st.fullSQL)
	}
	return s.definePruned(ctx, st, r, engine.ScanOptions{Filter: filter})
}

// prunedName is the relation holding a pruned scan of lake.ns.view for the
// statement being run.
func prunedName(ns, view string) string {
	return scratchSchema + "." + engine.QuoteIdent("lake."+ns+"."+view)
}

// definePruned plans a scan with a filter into the relation usePruned
// points the statement at.
func (s *Session) definePruned(ctx context.Context, st *tableState, r viewRef, opts engine.ScanOptions) error {
	p, err := st.tbl.PlanScan(ctx, opts)
	if err != nil {
		return err
	}
	q, err := s.planSQL(ctx, p, engine.ReadOptions{})
	if err != nil {
		return err
	}
	s.lastPlans = append(s.lastPlans, PlanStats{Table: st.tbl.Ident(), Files: len(p.Tasks)})
	s.reads = append(s.reads, p)
	name := prunedName(r.ns, r.view)
	st.extra = appendUnique(st.extra, name)
	return s.exec(ctx, "CREATE OR REPLACE VIEW "+name+" AS "+q)
}

func (s *Session) defineSnapshotView(ctx context.Context, r viewRef, filter iceberg.BooleanExpression) error {
	st, err := s.state(ctx, r.ns, r.name)
	if err != nil {
		return err
	}
	if filter != nil {
		return s.definePruned(ctx, st, r, engine.ScanOptions{SnapshotID: r.snapshot, Filter: filter})
	}
	p, err := st.tbl.PlanScan(ctx, engine.ScanOptions{SnapshotID: r.snapshot})
	if err != nil {
		return err
	}
	q, err := s.planSQL(ctx, p, engine.ReadOptions{})
	if err != nil {
		return err
	}
	s.reads = append(s.reads, p)
	name := viewName(r.ns, r.view)
	st.extra = appendUnique(st.extra, name)
	return s.exec(ctx, "CREATE OR REPLACE VIEW "+name+" AS "+q)
}

func appendUnique(xs []string, x string) []string {
	for _, y := range xs {
		if y == x {
			return xs
		}
	}
	return append(xs, x)
}

// PlanStats says how many data files a scan of a lake table kept after
// pruning.
type PlanStats struct {
	Table string
	Files int
}
