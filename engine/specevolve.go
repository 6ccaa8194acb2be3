package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/internal/sqltext"
)

// PartitionFieldChange is one change of a table's partition spec, as
// Spark's ALTER TABLE ... ADD / DROP / REPLACE PARTITION FIELD writes it.
type PartitionFieldChange struct {
	// Drop is the field removed: its name, or a term as in PARTITIONED BY
	// (day(ts), bucket(16, id), a bare column for identity). Empty when the
	// change only adds.
	Drop string
	// Add is the term of the field added, in PARTITIONED BY syntax. Empty
	// when the change only drops.
	Add string
	// Name names the added field; empty takes Iceberg's default (ts_day,
	// id_bucket_16, s_trunc_4), or the name the same field had in an
	// earlier spec.
	Name string
}

// EvolvePartitionSpec applies partition-spec changes in one commit: the
// table gets a new spec (or an earlier identical one back) as its default.
// Data files keep the spec they were written with; new writes use the new
// one. Field ids follow the spec (Iceberg spec, "Partition Evolution"): a
// field re-added with the same source and transform keeps its old id on
// v2+ tables, and a dropped field stays in v1 specs as a void transform.
func (t *Table) EvolvePartitionSpec(ctx context.Context, changes ...PartitionFieldChange) (*Table, error) {
	if len(changes) == 0 {
		return t, nil
	}
	return t.commit(ctx, "alter table", func(tx *table.Transaction) error {
		staged, err := tx.StagedTable()
		if err != nil {
			return err
		}
		md := staged.Metadata()
		schema, spec := md.CurrentSchema(), md.PartitionSpec()
		// The fields left after this update's drops, for the checks of its
		// adds; iceberg-go checks the same, in terms users did not write.
		var live []iceberg.PartitionField
		for _, f := range spec.Fields() {
			live = append(live, f)
		}
		type add struct {
			src  iceberg.NestedField
			tr   iceberg.Transform
			name string
		}
		var drops []string
		var adds []add
		for _, c := range changes {
			if c.Drop == "" && c.Add == "" {
				return errors.New("a partition field change needs a field to add or drop")
			}
			if c.Drop != "" {
				f, err := findPartitionField(schema, live, c.Drop)
				if err != nil {
					return err
				}
				drops = append(drops, f.Name)
				live = removeField(live, f.FieldID)
			}
			if c.Add == "" {
				continue
			}
			term, err := ParsePartitionTerm(c.Add)
			if err != nil {
				return err
			}
			if term.Transform == "void" {
				return fmt.Errorf("%w: void(%s) cannot be added; to stop partitioning by a field, DROP PARTITION FIELD it", ErrInvalidPartition, term.Column)
			}
			src, tr, err := bindPartitionTerm(schema, term)
			if err != nil {
				return err
			}
			for _, f := range live {
				if f.SourceID() == src.ID && f.Transform.Equals(tr) {
					return fmt.Errorf("%w: already partitioned by %s (field %s)", ErrInvalidPartition, termString(schema, f.SourceID(), tr), f.Name)
				}
				if c.Name != "" && f.Name == c.Name {
					return fmt.Errorf("%w: partition field %q already exists (%s)", ErrInvalidPartition, c.Name, termString(schema, f.SourceID(), f.Transform))
				}
			}
			for _, a := range adds {
				if a.src.ID == src.ID && a.tr.Equals(tr) || c.Name != "" && a.name == c.Name {
					return fmt.Errorf("%w: partition field %s added twice", ErrInvalidPartition, termString(schema, src.ID, tr))
				}
			}
			if c.Name != "" && !strings.EqualFold(c.Name, src.Name) {
				if other, ok := schema.FindFieldByNameCaseInsensitive(c.Name); ok {
					return fmt.Errorf("%w: partition field name %q is the name of column %s; pick another", ErrInvalidPartition, c.Name, other.Name)
				}
			}
			adds = append(adds, add{src: src, tr: tr, name: c.Name})
		}
		// On v1 a dropped field stays as void under its name, so a field
		// added under that name in the same update would clash: add it in
		// a second update, which renames the void field out of the way.
		v1Clash := false
		if md.Version() == 1 {
			for _, a := range adds {
				for _, d := range drops {
					v1Clash = v1Clash || a.name == d
				}
			}
		}
		us := tx.UpdateSpec(false)
		for _, d := range drops {
			us.RemoveField(d)
		}
		if v1Clash {
			if err := us.Commit(); err != nil {
				return err
			}
			us = tx.UpdateSpec(false)
		}
		for _, a := range adds {
			us.AddField(a.src.Name, a.tr, a.name)
		}
		return us.Commit()
	})
}

// findPartitionField finds the field a DROP or REPLACE names among fields:
// a term with a transform matches by source column and transform; a bare
// name matches a field of that name, else an identity field on that
// column (Spark's rule for DROP PARTITION FIELD col).
func findPartitionField(schema *iceberg.Schema, fields []iceberg.PartitionField, ref string) (iceberg.PartitionField, error) {
	ref = strings.TrimSpace(ref)
	if !strings.Contains(ref, "(") {
		name := sqltext.Unquote(ref)
		for _, f := range fields {
			if f.Name == name {
				return f, nil
			}
		}
		for _, f := range fields {
			if strings.EqualFold(f.Name, name) {
				return f, nil
			}
		}
	}
	term, err := ParsePartitionTerm(ref)
	if err != nil {
		return iceberg.PartitionField{}, err
	}
	src, ok := schema.FindFieldByNameCaseInsensitive(term.Column)
	if ok {
		tr, err := iceberg.ParseTransform(term.Transform)
		if err != nil {
			return iceberg.PartitionField{}, fmt.Errorf("%w: %v", ErrInvalidPartition, err)
		}
		for _, f := range fields {
			if f.SourceID() == src.ID && f.Transform.Equals(tr) {
				return f, nil
			}
		}
	}
	return iceberg.PartitionField{}, fmt.Errorf("%w %s (%s)", ErrNoSuchPartitionField, ref, describeFields(schema, fields))
}

func removeField(fields []iceberg.PartitionField, id int) []iceberg.PartitionField {
	out := make([]iceberg.PartitionField, 0, len(fields))
	for _, f := range fields {
		if f.FieldID != id {
			out = append(out, f)
		}
	}
	return out
}

// describeFields lists partition fields for an error message.
func describeFields(schema *iceberg.Schema, fields []iceberg.PartitionField) string {
	var parts []string
	for _, f := range fields {
		if _, void := f.Transform.(iceberg.VoidTransform); void {
			continue // a v1 tombstone of a dropped field
		}
		parts = append(parts, f.Name+" = "+termString(schema, f.SourceID(), f.Transform))
	}
	if len(parts) == 0 {
		return "the table is unpartitioned"
	}
	return "partition fields: " + strings.Join(parts, ", ")
}

// termString renders a transform of a column the way PARTITIONED BY
// writes it: day(ts), bucket(16, id), truncate(4, s), id.
func termString(schema *iceberg.Schema, sourceID int, tr iceberg.Transform) string {
	col, ok := schema.FindColumnName(sourceID)
	if !ok {
		col = fmt.Sprintf("<column %d>", sourceID)
	}
	switch tr := tr.(type) {
	case iceberg.IdentityTransform:
		return col
	case iceberg.BucketTransform:
		return fmt.Sprintf("bucket(%d, %s)", tr.NumBuckets, col)
	case iceberg.TruncateTransform:
		return fmt.Sprintf("truncate(%d, %s)", tr.Width, col)
	}
	return tr.String() + "(" + col + ")"
}
