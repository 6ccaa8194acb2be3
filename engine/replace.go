package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
)

// Replacement is a CREATE OR REPLACE TABLE of an existing table, prepared
// but not committed. Its Table has the new schema, partition spec and
// properties, so the rows of a REPLACE ... AS SELECT can be written with
// them before Commit makes the replacement current.
//
// The replacement follows Iceberg's TableMetadata.buildReplacement, which
// Spark's REPLACE TABLE uses: the table keeps its UUID, location, snapshots,
// snapshot log and metadata log; the new schema becomes current (a column
// keeps the field id of the column of the same name, new columns get new
// ids), the new spec and the unsorted order become the defaults, the given
// properties are merged into the old ones, and the main branch is reset so
// the table reads empty until the replacement's own snapshot (if any)
// becomes current. Older snapshots stay readable by time travel, with the
// schema they were written with.
type Replacement struct {
	base   *Table // the table the replacement was built against
	staged *Table // base with the replacement applied, not committed
	opts   CreateOptions
}

// PrepareReplace builds the replacement of table ns.name by a table
// described by opts (IfNotExists is ignored). It returns an error wrapping
// ErrNoSuchTable when the table does not exist.
func (w *Warehouse) PrepareReplace(ctx context.Context, ns, name string, opts CreateOptions) (*Replacement, error) {
	base, err := w.Table(ctx, ns, name)
	if err != nil {
		if errors.Is(err, ErrNoSuchTable) {
			return nil, err
		}
		return nil, fmt.Errorf("replace table: %w (DROP TABLE it and create it again to start over)", err)
	}
	staged, _, err := base.stageReplacement(opts)
	if err != nil {
		return nil, fmt.Errorf("replace table %s: %w", base.Ident(), err)
	}
	return &Replacement{base: base, staged: staged, opts: opts}, nil
}

// Table returns the replacement as it will be once committed: write the
// rows of a REPLACE ... AS SELECT with its schema, spec and data location.
func (r *Replacement) Table() *Table { return r.staged }

// Commit makes the replacement current in one catalog commit, with files
// (when there are any) as the new main snapshot, an append onto the empty
// replaced table. A failure leaves the table as it was. When another writer
// committed meanwhile, the replacement is rebuilt on the new metadata and
// committed if its schema and spec came out the same (the files were
// written with them); otherwise Commit fails with ErrCommitConflict.
func (r *Replacement) Commit(ctx context.Context, files []WrittenFile, summary map[string]string) (*Table, error) {
	w, ident := r.base.wh, r.base.Ident()
	unlock, err := w.lockTable(ctx, r.base.NS, r.base.Name)
	if err != nil {
		return nil, err
	}
	defer unlock()
	var prepared []preparedFile
	for attempt := 1; ; attempt++ {
		cur, err := w.Table(ctx, r.base.NS, r.base.Name)
		if err != nil {
			return nil, fmt.Errorf("replace table %s: %w", ident, err)
		}
		if cur.tbl.Metadata().TableUUID() != r.base.tbl.Metadata().TableUUID() {
			return nil, fmt.Errorf("replace table %s: the table was dropped and re-created meanwhile: %w", ident, ErrCommitConflict)
		}
		staged, updates, err := cur.stageReplacement(r.opts)
		if err != nil {
			return nil, fmt.Errorf("replace table %s: %w", ident, err)
		}
		if len(files) > 0 && !sameLayout(staged, r.staged) {
			return nil, fmt.Errorf("replace table %s: its schema or partitioning changed while the rows were written: %w", ident, ErrCommitConflict)
		}
		if len(files) > 0 {
			// Statistics are read (and spooled files uploaded) once: a
			// retry after a lost commit reuses them.
			if prepared == nil {
				if prepared, err = staged.prepareFiles(ctx, files); err != nil {
					return nil, fmt.Errorf("replace table %s: %w", ident, err)
				}
			}
			more, err := staged.appendUpdates(ctx, prepared, summary)
			if err != nil {
				return nil, fmt.Errorf("replace table %s: %w", ident, err)
			}
			updates = append(updates, more...)
		}
		md, loc, err := w.cat.CommitTable(ctx, table.Identifier{r.base.NS, r.base.Name}, replaceRequirements(cur.tbl.Metadata()), updates)
		if err == nil {
			nt := table.New(table.Identifier{r.base.NS, r.base.Name}, md, loc, icebergio.LoadFSFunc(w.props, loc), w.cat)
			return cur.committed(nt), nil
		}
		if !isConflict(err) {
			return nil, fmt.Errorf("replace table %s: %w", ident, err)
		}
		if attempt == maxCommitAttempts {
			return nil, fmt.Errorf("replace table %s: %w: gave up after %d attempts: %v", ident, ErrCommitConflict, attempt, err)
		}
		wait := time.Duration(5*(1<<min(attempt, 6))) * time.Millisecond
		wait += time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("replace table %s: %w", ident, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// replaceRequirements pin what a replacement was built from: the commit
// fails, and is rebuilt, if another writer changed any of it.
func replaceRequirements(md table.Metadata) []table.Requirement {
	var current *int64
	if s := md.CurrentSnapshot(); s != nil {
		id := s.SnapshotID
		current = &id
	}
	reqs := []table.Requirement{
		table.AssertTableUUID(md.TableUUID()),
		table.AssertRefSnapshotID(table.MainBranch, current),
		table.AssertCurrentSchemaID(md.CurrentSchema().ID),
		table.AssertLastAssignedFieldID(md.LastColumnID()),
		table.AssertDefaultSpecID(md.DefaultPartitionSpec()),
	}
	if p := md.LastPartitionSpecID(); p != nil {
		reqs = append(reqs, table.AssertLastAssignedPartitionID(*p))
	}
	return reqs
}

// sameLayout reports whether files written for b can be committed to a:
// the same schema (field ids, names, types) and the same partition spec.
func sameLayout(a, b *Table) bool {
	return a.Schema().Equals(b.Schema()) && a.Schema().ID == b.Schema().ID && a.Spec().Equals(b.Spec())
}

// appendUpdates returns the updates of an append of files to t, a staged
// table: the new snapshot and the main branch pointing at it.
func (t *Table) appendUpdates(ctx context.Context, prepared []preparedFile, summary map[string]string) ([]table.Update, error) {
	var firstRowID *int64
	if md := t.tbl.Metadata(); md.Version() >= 3 {
		next := md.NextRowID()
		firstRowID = &next
	}
	dfs, err := t.buildDataFiles(prepared, firstRowID)
	if err != nil {
		return nil, err
	}
	tx := t.tbl.NewTransaction()
	if err := tx.AddDataFiles(ctx, dfs, summary, table.WithoutDuplicateCheck()); err != nil {
		return nil, err
	}
	tc, err := tx.TableCommit()
	if err != nil {
		return nil, err
	}
	return tc.Updates, nil
}

// stageReplacement returns t with the replacement described by opts
// applied, and the updates that apply it.
func (t *Table) stageReplacement(opts CreateOptions) (*Table, []table.Update, error) {
	md := t.tbl.Metadata()
	if len(opts.Columns) == 0 {
		return nil, nil, errors.New("a table needs at least one column")
	}
	props := iceberg.Properties{}
	maps.Copy(props, opts.Properties)
	if err := validateProperties(props); err != nil {
		return nil, nil, err
	}
	version := md.Version()
	if v, ok := props[PropFormatVersion]; ok {
		n, _ := strconv.Atoi(v)
		if n < version {
			return nil, nil, fmt.Errorf("cannot downgrade format-version from %d to %d", version, n)
		}
		version = n
		delete(props, PropFormatVersion)
	}
	if version < 2 {
		return nil, nil, fmt.Errorf("%w: it is an Iceberg format-version 1 table; floe replaces v2 and v3 tables (add TBLPROPERTIES ('format-version'='2') to upgrade it)", ErrReadOnly)
	}

	var updates []table.Update
	if version > md.Version() {
		updates = append(updates, table.NewUpgradeFormatVersionUpdate(version))
		if version >= 3 {
			// As CREATE TABLE: v3 tables default to merge-on-read.
			for _, k := range []string{PropDeleteMode, PropUpdateMode, PropMergeMode} {
				if _, ok := props[k]; !ok && md.Properties()[k] == "" {
					props[k] = "merge-on-read"
				}
			}
		}
	}
	if hasRef(md, table.MainBranch) {
		updates = append(updates, table.NewRemoveSnapshotRefUpdate(table.MainBranch))
	}

	schema, err := replacementSchema(opts.Columns, md.CurrentSchema(), md.LastColumnID())
	if err != nil {
		return nil, nil, err
	}
	updates = append(updates, table.NewAddSchemaUpdate(schema), table.NewSetCurrentSchemaUpdate(-1))

	spec, err := BuildPartitionSpec(schema, opts.Partition)
	if err != nil {
		return nil, nil, err
	}
	spec = reassignPartitionIDs(md, spec)
	if id, ok := findSpec(md, spec); ok {
		updates = append(updates, table.NewSetDefaultSpecUpdate(id))
	} else {
		updates = append(updates, table.NewAddPartitionSpecUpdate(&spec, false), table.NewSetDefaultSpecUpdate(-1))
	}

	if md.DefaultSortOrder() != table.UnsortedSortOrderID {
		if !slices.ContainsFunc(md.SortOrders(), func(o table.SortOrder) bool { return o.OrderID() == table.UnsortedSortOrderID }) {
			unsorted := table.UnsortedSortOrder
			updates = append(updates, table.NewAddSortOrderUpdate(&unsorted))
		}
		updates = append(updates, table.NewSetDefaultSortOrderUpdate(table.UnsortedSortOrderID))
	}

	if _, ok := md.Properties()[table.DefaultNameMappingKey]; ok {
		// The old mapping names the old columns; readers of files without
		// field ids must map names to the new ones.
		m, err := json.Marshal(schema.NameMapping())
		if err != nil {
			return nil, nil, err
		}
		props[table.DefaultNameMappingKey] = string(m)
	}
	if len(props) > 0 {
		updates = append(updates, table.NewSetPropertiesUpdate(props))
	}

	staged, err := table.UpdateTableMetadata(md, updates, t.tbl.MetadataLocation())
	if err != nil {
		return nil, nil, err
	}
	loc := t.tbl.MetadataLocation()
	st := table.New(t.tbl.Identifier(), staged, loc, icebergio.LoadFSFunc(t.wh.props, loc), t.wh.cat)
	return &Table{wh: t.wh, NS: t.NS, Name: t.Name, tbl: st}, updates, nil
}

func hasRef(md table.Metadata, name string) bool {
	for n := range md.Refs() {
		if n == name {
			return true
		}
	}
	return false
}

// replacementSchema builds the schema of a replacement from its columns.
// A field keeps the id of the field with the same full name in base
// (Iceberg's TypeUtil.assignFreshIds, which buildReplacement uses); other
// fields get ids after lastColumnID, in the order fresh ids are assigned.
func replacementSchema(cols []Column, base *iceberg.Schema, lastColumnID int) (*iceberg.Schema, error) {
	fresh, err := SchemaFromColumns(cols)
	if err != nil {
		return nil, err
	}
	names, err := iceberg.IndexNameByID(fresh)
	if err != nil {
		return nil, err
	}
	baseIDs, err := iceberg.IndexByName(base)
	if err != nil {
		return nil, err
	}
	ids := slices.Sorted(maps.Keys(names))
	remap := make(map[int]int, len(ids))
	used := map[int]bool{}
	next := lastColumnID
	for _, id := range ids {
		if old, ok := baseIDs[names[id]]; ok && !used[old] {
			remap[id] = old
			used[old] = true
		}
	}
	for _, id := range ids {
		if _, ok := remap[id]; !ok {
			next++
			remap[id] = next
		}
	}
	fields := fresh.Fields()
	out := make([]iceberg.NestedField, len(fields))
	for i, f := range fields {
		f.ID = remap[f.ID]
		f.Type = remapIDs(f.Type, remap)
		out[i] = f
	}
	return iceberg.NewSchema(0, out...), nil
}

// remapIDs returns t with its nested field ids replaced through remap.
func remapIDs(t iceberg.Type, remap map[int]int) iceberg.Type {
	switch t := t.(type) {
	case *iceberg.StructType:
		fields := make([]iceberg.NestedField, len(t.FieldList))
		for i, f := range t.FieldList {
			f.ID = remap[f.ID]
			f.Type = remapIDs(f.Type, remap)
			fields[i] = f
		}
		return &iceberg.StructType{FieldList: fields}
	case *iceberg.ListType:
		return &iceberg.ListType{ElementID: remap[t.ElementID], Element: remapIDs(t.Element, remap), ElementRequired: t.ElementRequired}
	case *iceberg.MapType:
		return &iceberg.MapType{KeyID: remap[t.KeyID], KeyType: remapIDs(t.KeyType, remap),
			ValueID: remap[t.ValueID], ValueType: remapIDs(t.ValueType, remap), ValueRequired: t.ValueRequired}
	}
	return t
}

// reassignPartitionIDs gives spec's fields the ids the table's specs used
// for the same source column and transform, and new ids after the last
// assigned one otherwise (Iceberg's TableMetadata.reassignPartitionIds for
// v2 and later).
func reassignPartitionIDs(md table.Metadata, spec iceberg.PartitionSpec) iceberg.PartitionSpec {
	type key struct {
		source    int
		transform string
	}
	known := map[key]int{}
	last := iceberg.PartitionDataIDStart - 1
	if p := md.LastPartitionSpecID(); p != nil {
		last = max(last, *p)
	}
	for _, s := range md.PartitionSpecs() {
		for _, f := range s.Fields() {
			k := key{f.SourceID(), f.Transform.String()}
			known[k] = max(known[k], f.FieldID)
			last = max(last, f.FieldID)
		}
	}
	var fields []iceberg.PartitionField
	for _, f := range spec.Fields() {
		k := key{f.SourceID(), f.Transform.String()}
		id, ok := known[k]
		if !ok {
			last++
			id = last
			known[k] = id
		}
		f.FieldID = id
		fields = append(fields, f)
	}
	return iceberg.NewPartitionSpec(fields...)
}

// findSpec finds a spec of the table with exactly spec's fields.
func findSpec(md table.Metadata, spec iceberg.PartitionSpec) (int, bool) {
	fields := func(s iceberg.PartitionSpec) []iceberg.PartitionField {
		var out []iceberg.PartitionField
		for _, f := range s.Fields() {
			out = append(out, f)
		}
		return out
	}
	want := fields(spec)
	for _, s := range md.PartitionSpecs() {
		if slices.EqualFunc(want, fields(s), func(a, b iceberg.PartitionField) bool { return a.Equals(b) }) {
			return s.ID(), true
		}
	}
	return 0, false
}
