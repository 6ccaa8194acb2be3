package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/dv"
)

// ScanOptions select what a scan reads.
type ScanOptions struct {
	// SnapshotID pins the scan to a snapshot; zero means the current one.
	SnapshotID int64
	// Filter prunes partitions and files by their statistics. Rows are not
	// filtered by it: the SQL that reads the files applies the predicate.
	Filter iceberg.BooleanExpression
}

// Plan is the result of planning a scan: the files to read for a snapshot.
type Plan struct {
	Table    *Table
	Snapshot *table.Snapshot // nil for a table with no snapshot yet
	Schema   *iceberg.Schema
	Tasks    []table.FileScanTask

	// On object storage: the local (cached) path of each file location
	// the plan reads, and the reverse.
	local, remote map[string]string

	// dvs caches DVs: a row-level statement reads the deletion vectors
	// to plan its scan and again to merge them at commit.
	dvs map[string]*dv.RoaringPositionBitmap
	// byLocal indexes Tasks by local path (PlanFile), built on first use.
	byLocal map[string]int
	// cachedFor is the Tasks the caches were built for: a copy of the
	// plan given other Tasks rebuilds them.
	cachedFor []table.FileScanTask
}

// caches returns whether dvs and byLocal describe the current Tasks,
// dropping them when they do not.
func (p *Plan) caches() bool {
	same := len(p.cachedFor) == len(p.Tasks) && (len(p.Tasks) == 0 || &p.cachedFor[0] == &p.Tasks[0])
	if !same {
		p.dvs, p.byLocal, p.cachedFor = nil, nil, p.Tasks
	}
	return same
}

// PlanScan resolves a snapshot to the data files (and their delete files)
// that may hold rows matching opts.Filter, pruning manifests, partitions
// and files by their statistics.
func (t *Table) PlanScan(ctx context.Context, opts ScanOptions) (*Plan, error) {
	p := &Plan{Table: t, Schema: t.Schema()}
	snap := t.tbl.CurrentSnapshot()
	if opts.SnapshotID != 0 {
		s, err := t.SnapshotByID(opts.SnapshotID)
		if err != nil {
			return nil, err
		}
		snap = s
		p.Schema = t.SnapshotSchema(s)
	}
	p.Snapshot = snap
	if snap == nil {
		return p, nil
	}
	scanOpts := []table.ScanOption{table.WithSnapshotID(snap.SnapshotID), table.WithCaseSensitive(false)}
	if opts.Filter != nil {
		scanOpts = append(scanOpts, table.WithRowFilter(opts.Filter))
	}
	tasks, err := t.tbl.Scan(scanOpts...).PlanFiles(ctx)
	if err != nil {
		return nil, fmt.Errorf("plan scan of %s: %w", t.Ident(), t.explainPlanError(ctx, snap, err))
	}
	p.Tasks = tasks
	if err := p.fetch(ctx); err != nil {
		return nil, err
	}
	return p, nil
}

// SnapshotSchema returns the schema a snapshot was written with, which is
// the schema a time-travel read of it uses (Iceberg spec, "Snapshots":
// schema-id). Snapshots that do not record one use the current schema.
func (t *Table) SnapshotSchema(s *table.Snapshot) *iceberg.Schema {
	if s != nil && s.SchemaID != nil {
		for _, sc := range t.tbl.Metadata().Schemas() {
			if sc.ID == *s.SchemaID {
				return sc
			}
		}
	}
	return t.Schema()
}

// scanGroup is a set of data files read by one read_parquet: files that
// agree on whether position deletes, deletion vectors and equality
// deletes apply to them.
type scanGroup struct {
	files      []string // local paths
	hasDeletes bool     // position deletes or deletion vectors apply to the files
	hasDVs     bool     // every file has a deletion vector
	// hasEq: equality deletes apply to every file; seqs and scopes then
	// hold each file's data sequence number and partition scope (see
	// eqScopes), in files' order.
	hasEq  bool
	seqs   []int64
	scopes []int64
}

// groups splits the plan's data files into scan groups, in a fixed order.
// Equality-delete scopes are numbered in scopes (nil: a fresh one).
func (p *Plan) groups(scopes *eqScopes) ([]scanGroup, error) {
	if scopes == nil {
		scopes = newEQScopes()
	}
	var groups []scanGroup
	byKey := map[[3]bool]int{}
	for _, task := range p.Tasks {
		path, ok := p.Local(task.File.FilePath())
		if !ok {
			return nil, p.Table.wh.notLocal(p.Table.Ident(), "data file", task.File.FilePath())
		}
		hasDeletes := len(task.DeleteFiles) > 0 || len(task.DeletionVectorFiles) > 0
		hasDVs := taskHasDV(task)
		hasEq := len(task.EqualityDeleteFiles) > 0
		key := [3]bool{hasDeletes, hasDVs, hasEq}
		i, ok := byKey[key]
		if !ok {
			i = len(groups)
			byKey[key] = i
			groups = append(groups, scanGroup{hasDeletes: hasDeletes, hasDVs: hasDVs, hasEq: hasEq})
		}
		g := &groups[i]
		g.files = append(g.files, path)
		if hasEq {
			if task.DataSequenceNumber == nil {
				return nil, fmt.Errorf("%s: data file %s has equality deletes but no data sequence number", p.Table.Ident(), task.File.FilePath())
			}
			g.seqs = append(g.seqs, *task.DataSequenceNumber)
			g.scopes = append(g.scopes, scopes.of(task.File))
		}
	}
	return groups, nil
}

// eqScopes numbers partitions (a spec id and the partition's values) for
// matching equality deletes to data files: a delete in a partitioned spec
// applies only to data files of the same spec and partition (Iceberg spec,
// "Scan Planning").
type eqScopes struct{ ids map[string]int64 }

func newEQScopes() *eqScopes { return &eqScopes{ids: map[string]int64{}} }

func (s *eqScopes) of(f iceberg.DataFile) int64 {
	part := f.Partition()
	fieldIDs := make([]int, 0, len(part))
	for id := range part {
		fieldIDs = append(fieldIDs, id)
	}
	slices.Sort(fieldIDs)
	var b strings.Builder
	fmt.Fprintf(&b, "%d", f.SpecID())
	for _, id := range fieldIDs {
		// %#v tells 1 (int) from "1" and from 1 (int64): partition values
		// of one spec field always have one Go type.
		fmt.Fprintf(&b, "\x00%d=%#v", id, part[id])
	}
	id, ok := s.ids[b.String()]
	if !ok {
		id = int64(len(s.ids))
		s.ids[b.String()] = id
	}
	return id
}

// FileIndex numbers the plan's data files (local paths) the way ReadSQL
// keys rows: a row's key is (index << 40) + its position in the file.
func (p *Plan) FileIndex() map[string]int {
	groups, _ := p.groups(nil)
	out := map[string]int{}
	for _, g := range groups {
		for _, f := range g.files {
			out[f] = len(out)
		}
	}
	return out
}

// ReadOptions tune the SQL a plan renders.
type ReadOptions struct {
	// DVRelation names a DuckDB relation with one BIGINT column k holding
	// the keys (FileIndex << 40) + position of the rows the plan's deletion
	// vectors delete (see DVs); it or DVRanges is required when the plan
	// has any.
	DVRelation string
	// DVRanges holds the same keys as inclusive ranges, for deletion
	// vectors with few runs: a range test is cheaper than a join.
	DVRanges [][2]int64
	// DVWords names a DuckDB relation (__floe_k BIGINT, __floe_w UBIGINT)
	// holding the plan's deletion vectors as 64-bit words (see DVWords). It
	// replaces DVRelation and DVRanges: each row of a file with a deletion
	// vector is matched to its word by an inner join on a small, dense key
	// and kept when its bit is clear, which costs DuckDB about half of an
	// anti-join against every deleted position.
	DVWords string
	// RowPositions adds the columns __floe_file (local path of the data
	// file) and __floe_pos (row position in it), which row-level DML uses
	// to address the rows it changes.
	RowPositions bool
}

// SQL renders the plan as a DuckDB query; see ReadSQL.
func (p *Plan) SQL() (string, error) { return p.ReadSQL(ReadOptions{}) }

// HasDVs reports whether any planned data file has a deletion vector.
func (p *Plan) HasDVs() bool {
	for _, t := range p.Tasks {
		if taskHasDV(t) {
			return true
		}
	}
	return false
}

// taskHasDV reports whether a deletion vector applies to the task's file
// (iceberg-go lists it among the delete files or apart, by version).
func taskHasDV(t table.FileScanTask) bool {
	if len(t.DeletionVectorFiles) > 0 {
		return true
	}
	for _, d := range t.DeleteFiles {
		if d.FileFormat() == iceberg.PuffinFile {
			return true
		}
	}
	return false
}

// ReadSQL renders the plan as a DuckDB query over read_parquet that returns
// the table's live rows with its current column names and types, mapping
// file columns by Iceberg field id (so renamed, added and re-added columns
// read correctly from old files). Rows deleted by position-delete files
// and deletion vectors are removed with an anti-join on (file, position).
func (p *Plan) ReadSQL(opts ReadOptions) (string, error) {
	fields := p.Schema.Fields()
	cols := make([]string, len(fields))
	types := make([]string, len(fields))
	for i, f := range fields {
		t, err := DuckDBType(f.Type)
		if err != nil {
			return "", fmt.Errorf("%s column %s: %w", p.Table.Ident(), f.Name, err)
		}
		cols[i], types[i] = QuoteIdent(f.Name), t
	}
	hidden := ""
	if opts.RowPositions {
		hidden = ", __floe_file, __floe_pos"
	}
	if len(p.Tasks) == 0 {
		sel := make([]string, len(fields))
		for i := range fields {
			sel[i] = "CAST(NULL AS " + types[i] + ") AS " + cols[i]
		}
		if opts.RowPositions {
			sel = append(sel, "CAST(NULL AS VARCHAR) AS __floe_file", "CAST(NULL AS BIGINT) AS __floe_pos")
		}
		return "SELECT " + strings.Join(sel, ", ") + " WHERE false", nil
	}
	scopes := newEQScopes()
	groups, err := p.groups(scopes)
	if err != nil {
		return "", err
	}
	eqSets, err := p.eqDeleteSets(scopes)
	if err != nil {
		return "", err
	}
	var posDeletes []string
	seenDel := map[string]bool{}
	hasDV := false
	for _, task := range p.Tasks {
		for _, d := range task.DeleteFiles {
			if d.FileFormat() == iceberg.PuffinFile {
				hasDV = true
				continue
			}
			dp, ok := p.Local(d.FilePath())
			if !ok {
				return "", p.Table.wh.notLocal(p.Table.Ident(), "delete file", d.FilePath())
			}
			if !seenDel[dp] {
				seenDel[dp] = true
				posDeletes = append(posDeletes, QuoteString(dp))
			}
		}
		if len(task.DeletionVectorFiles) > 0 {
			hasDV = true
		}
	}
	schemaMap := func(fs []iceberg.NestedField) (string, error) {
		var b strings.Builder
		for i, f := range fs {
			t, err := DuckDBType(f.Type)
			if err != nil {
				return "", err
			}
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d: {name: %s, type: %s, default_value: NULL}", f.ID, QuoteString(f.Name), QuoteString(t))
		}
		return "MAP{" + b.String() + "}", nil
	}
	schema, err := schemaMap(fields)
	if err != nil {
		return "", err
	}
	// Mapping columns by field id costs DuckDB a slower reader. A table
	// whose schema never changed has every file written with the current
	// names and types, so its files are read by name.
	schemaOpt := ", schema=" + schema
	if len(p.Table.tbl.Metadata().Schemas()) == 1 {
		schemaOpt = ""
	}
	// DuckDB opens these paths itself, not through the warehouse's FS: a
	// remote FS must fetch them into a local cache first (package vfs).
	quoted := func(paths []string) string {
		q := make([]string, len(paths))
		for i, p := range paths {
			q[i] = QuoteString(p)
		}
		return strings.Join(q, ", ")
	}
	if len(groups) == 1 && !groups[0].hasEq && !hasDV && len(posDeletes) == 0 && !opts.RowPositions {
		return fmt.Sprintf("SELECT %s FROM read_parquet([%s]%s)",
			strings.Join(cols, ", "), quoted(groups[0].files), schemaOpt), nil
	}
	// Every row gets a key, (file index << 40) + position, so deletes are
	// removed with one integer anti-join.
	qcols := make([]string, len(cols))
	for i, c := range cols {
		qcols[i] = "d." + c
	}
	var withDel, noDel, eqParts []string
	eqWithDel := false
	offset := 0
	for _, g := range groups {
		extra := ""
		if g.hasEq {
			// The data sequence number and partition scope of the row's
			// file, for the equality deletes' anti-joins below.
			extra = fmt.Sprintf(", %s[CAST(d.file_index AS BIGINT) + 1] AS __floe_seq, %s[CAST(d.file_index AS BIGINT) + 1] AS __floe_scope",
				bigintList(g.seqs), bigintList(g.scopes))
		}
		b := fmt.Sprintf("SELECT %s, d.filename AS __floe_file, d.file_row_number AS __floe_pos, ((CAST(d.file_index AS BIGINT) + %d) << 40) + d.file_row_number AS __floe_key%s FROM read_parquet([%s]%s, filename=true, file_row_number=true) AS d",
			strings.Join(qcols, ", "), offset, extra, quoted(g.files), schemaOpt)
		if g.hasDVs && opts.DVWords != "" {
			// Every row meets exactly one word (the relation is dense), so
			// the inner join drops nothing; the bit test drops deleted rows.
			b += fmt.Sprintf(" JOIN %s AS w ON w.__floe_k = ((CAST(d.file_index AS BIGINT) + %d) << %d) + (d.file_row_number >> 6) WHERE (w.__floe_w >> (CAST(d.file_row_number AS UBIGINT) & 63)) & 1 = 0",
				opts.DVWords, offset, DVWordKeyShift)
		}
		offset += len(g.files)
		switch {
		case g.hasEq:
			eqParts = append(eqParts, b)
			eqWithDel = eqWithDel || g.hasDeletes
		case g.hasDeletes:
			withDel = append(withDel, b)
		default:
			noDel = append(noDel, b)
		}
	}
	if len(eqParts) > 0 {
		q, err := p.eqAntiJoins(eqParts, eqSets, cols, schemaMap)
		if err != nil {
			return "", err
		}
		if eqWithDel {
			withDel = append(withDel, q)
		} else {
			noDel = append(noDel, q)
		}
	}
	var dels []string
	if len(posDeletes) > 0 {
		// Position-delete files (v2) store file URIs; data paths here are
		// local. A small VALUES list maps them to file indexes.
		// On object storage they store the objects' URIs, which the map
		// holds instead.
		var m strings.Builder
		for path, idx := range p.FileIndex() {
			if m.Len() > 0 {
				m.WriteString(", ")
			}
			if p.remote != nil {
				path = p.Location(path)
			}
			fmt.Fprintf(&m, "(%s, %d)", QuoteString(path), idx)
		}
		dels = append(dels, fmt.Sprintf("SELECT (CAST(m.idx AS BIGINT) << 40) + pd.pos AS k FROM read_parquet([%s]) AS pd JOIN (VALUES %s) AS m(f, idx) ON m.f = %s",
			strings.Join(posDeletes, ", "), m.String(), p.PosDeletePath("pd.file_path")))
	}
	var ranges []string
	if hasDV {
		switch {
		case opts.DVWords != "":
			// Applied per group above.
		case opts.DVRelation != "":
			dels = append(dels, "SELECT k FROM "+opts.DVRelation)
		case len(opts.DVRanges) > 0:
			for _, r := range opts.DVRanges {
				if r[0] == r[1] {
					ranges = append(ranges, fmt.Sprintf("__floe_key = %d", r[0]))
				} else {
					ranges = append(ranges, fmt.Sprintf("__floe_key BETWEEN %d AND %d", r[0], r[1]))
				}
			}
		default:
			return "", fmt.Errorf("%s: the plan has deletion vectors but no relation holds their positions", p.Table.Ident())
		}
	}
	var parts []string
	if len(withDel) > 0 {
		part := fmt.Sprintf("SELECT %s%s FROM (%s) AS d", strings.Join(cols, ", "), hidden, strings.Join(withDel, " UNION ALL "))
		if len(dels) > 0 {
			part += fmt.Sprintf(" ANTI JOIN (%s) AS del ON del.k = d.__floe_key", strings.Join(dels, " UNION ALL "))
		}
		if len(ranges) > 0 {
			part += " WHERE NOT (" + strings.Join(ranges, " OR ") + ")"
		}
		parts = append(parts, part)
	}
	if len(noDel) > 0 {
		parts = append(parts, fmt.Sprintf("SELECT %s%s FROM (%s)", strings.Join(cols, ", "), hidden, strings.Join(noDel, " UNION ALL ")))
	}
	return strings.Join(parts, " UNION ALL "), nil
}

// PosDeletePath renders the SQL that turns the file_path column col of a
// position-delete file into the form the plan's Location keys use for
// matching: on a local warehouse the local path (file:// URIs and plain
// paths alike), on object storage the object URI as stored.
func (p *Plan) PosDeletePath(col string) string {
	if p.remote != nil {
		return col
	}
	return "regexp_replace(" + col + ", '^file://', '')"
}

// DeleteKey is the form of a local data file path that PosDeletePath's
// SQL yields for it: the path itself, or the object URI it is a copy of.
func (p *Plan) DeleteKey(local string) string {
	if p.remote != nil {
		return p.Location(local)
	}
	return local
}

// bigintList renders vs as a DuckDB BIGINT[] literal.
func bigintList(vs []int64) string {
	var b strings.Builder
	b.WriteString("CAST([")
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d", v)
	}
	b.WriteString("] AS BIGINT[])")
	return b.String()
}

// eqDeleteSet is the plan's equality-delete files of one delete schema:
// the same equality field ids, and either all in unpartitioned specs
// (global: they apply to data files of every partition) or all in
// partitioned ones (each applies within its own partition).
type eqDeleteSet struct {
	ids    []int // sorted
	global bool
	files  []string // local paths
	// seqs[i] is the sequence number below which files[i] deletes: one
	// more than the largest data sequence number among the data files the
	// planner matched it to. The planner matches a delete to every data
	// file of its partition with a smaller data sequence number whose
	// column bounds may hold a deleted key, so a row of a data file at or
	// below that number is one the delete applies to by the spec, and a
	// file above it either comes at or after the delete or has none of its
	// keys; comparing with it is comparing with the delete's own sequence
	// number, without reading the delete manifests again.
	seqs   []int64
	scopes []int64 // partition scope of files[i] (see eqScopes); unused when global
}

// eqDeleteSets gathers the equality-delete files the plan's tasks use into
// sets by delete schema, in a fixed order.
func (p *Plan) eqDeleteSets(scopes *eqScopes) ([]*eqDeleteSet, error) {
	var sets []*eqDeleteSet
	bySchema := map[string]*eqDeleteSet{}
	type at struct {
		set *eqDeleteSet
		i   int
	}
	byPath := map[string]at{}
	md := p.Table.tbl.Metadata()
	for _, task := range p.Tasks {
		if len(task.EqualityDeleteFiles) == 0 {
			continue
		}
		if task.DataSequenceNumber == nil {
			return nil, fmt.Errorf("%s: data file %s has equality deletes but no data sequence number", p.Table.Ident(), task.File.FilePath())
		}
		seq := *task.DataSequenceNumber
		for _, e := range task.EqualityDeleteFiles {
			if a, ok := byPath[e.FilePath()]; ok {
				a.set.seqs[a.i] = max(a.set.seqs[a.i], seq+1)
				continue
			}
			ep, ok := p.Local(e.FilePath())
			if !ok {
				return nil, p.Table.wh.notLocal(p.Table.Ident(), "delete file", e.FilePath())
			}
			ids := slices.Clone(e.EqualityFieldIDs())
			if len(ids) == 0 {
				return nil, fmt.Errorf("%s: equality delete file %s names no equality fields", p.Table.Ident(), e.FilePath())
			}
			slices.Sort(ids)
			spec := md.PartitionSpecByID(int(e.SpecID()))
			if spec == nil {
				return nil, fmt.Errorf("%s: equality delete file %s has partition spec %d, which the table does not have", p.Table.Ident(), e.FilePath(), e.SpecID())
			}
			global := spec.IsUnpartitioned()
			key := fmt.Sprint(global, ids)
			set := bySchema[key]
			if set == nil {
				set = &eqDeleteSet{ids: ids, global: global}
				bySchema[key] = set
				sets = append(sets, set)
			}
			scope := int64(-1)
			if !global {
				scope = scopes.of(e)
			}
			byPath[e.FilePath()] = at{set, len(set.files)}
			set.files = append(set.files, ep)
			set.seqs = append(set.seqs, seq+1)
			set.scopes = append(set.scopes, scope)
		}
	}
	return sets, nil
}

// eqAntiJoins renders the rows of the data-file selects parts (which carry
// __floe_seq and __floe_scope) that no equality delete of sets removes,
// as cols plus the hidden columns every scan group has. Each delete
// schema is one hash anti-join: its delete files read together, each key
// reduced to the largest sequence number that deletes it (per partition
// scope unless global), and a data row dropped when its key matches (null
// matching null, as the spec says) and its file's data sequence number is
// smaller. The cost is one pass over the data and one over the deletes,
// however many commits wrote them.
func (p *Plan) eqAntiJoins(parts []string, sets []*eqDeleteSet, cols []string, schemaMap func([]iceberg.NestedField) (string, error)) (string, error) {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = "d." + c
	}
	var b strings.Builder
	fmt.Fprintf(&b, "SELECT %s, d.__floe_file, d.__floe_pos, d.__floe_key FROM (%s) AS d",
		strings.Join(out, ", "), strings.Join(parts, " UNION ALL "))
	for n, set := range sets {
		fields := make([]iceberg.NestedField, len(set.ids))
		keys := make([]string, len(set.ids))
		match := make([]string, 0, len(set.ids)+2)
		for i, id := range set.ids {
			f, ok := p.Schema.FindFieldByID(id)
			if !ok {
				return "", fmt.Errorf("%s: equality delete file %s uses field %d, which the schema does not have", p.Table.Ident(), set.files[0], id)
			}
			fields[i] = f
			keys[i] = "e." + QuoteIdent(f.Name)
			match = append(match, fmt.Sprintf("e%d.%s IS NOT DISTINCT FROM d.%s", n, QuoteIdent(f.Name), QuoteIdent(f.Name)))
		}
		esch, err := schemaMap(fields)
		if err != nil {
			return "", err
		}
		scope := ""
		if !set.global {
			scope = fmt.Sprintf(", %s[CAST(e.file_index AS BIGINT) + 1] AS __floe_scope", bigintList(set.scopes))
			match = append(match, fmt.Sprintf("e%d.__floe_scope = d.__floe_scope", n))
		}
		match = append(match, fmt.Sprintf("d.__floe_seq < e%d.__floe_seq", n))
		quoted := make([]string, len(set.files))
		for i, f := range set.files {
			quoted[i] = QuoteString(f)
		}
		fmt.Fprintf(&b, " ANTI JOIN (SELECT * EXCLUDE (__floe_seq), max(__floe_seq) AS __floe_seq FROM (SELECT %s, %s[CAST(e.file_index AS BIGINT) + 1] AS __floe_seq%s FROM read_parquet([%s], schema=%s) AS e) GROUP BY ALL) AS e%d ON %s",
			strings.Join(keys, ", "), bigintList(set.seqs), scope, strings.Join(quoted, ", "), esch, n, strings.Join(match, " AND "))
	}
	return b.String(), nil
}
