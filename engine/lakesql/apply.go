package lakesql

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine"
)

// ChangeSet is a batch of keyed changes to apply to a lake table as one
// snapshot (change data capture): at most one change per key, each either
// an upsert (the row's new version) or a delete.
type ChangeSet struct {
	// File is a newline-delimited JSON file, one object per change: the
	// table's columns by name (missing ones are NULL) and "__floe_op",
	// "upsert" or "delete". A delete needs only the key columns.
	File string
	// Keys are the key columns (table column names); none for an
	// append-only stream, whose changes must all be upserts.
	Keys []string
	// Summary goes into the snapshot's summary (the stream position).
	Summary map[string]string
	// Check, if set, runs under the table's lock before anything is
	// written, with the table as it is then; an error stops the apply
	// (a concurrent writer moved the stream position).
	Check func(t *engine.Table) error
}

// ChangeStats counts what applying a ChangeSet did.
type ChangeStats struct {
	Upserts, Deletes int64 // changes of each kind in the set
	Removed          int64 // table rows removed (old versions and deleted rows); not counted with equality deletes
	Committed        bool  // a snapshot was committed
}

// changeRows holds a staged change set.
const changeRows = "floe_scratch.change_rows"

// ApplyChanges applies a change set to lake.ns.name as one snapshot in the
// table's merge write mode: the rows whose keys the set names are removed
// (deletion vectors on v3 merge-on-read, rewritten files on copy-on-write)
// and the upserted rows are appended. On an unpartitioned v2 merge-on-read
// table the removal is an equality-delete file of the set's keys, as Flink
// writes it, which needs no read of the table; a partitioned one gets
// position-delete files. The set's Summary is written into that snapshot's summary,
// so a stream position commits atomically with the data. A set that
// changes nothing commits nothing.
func (s *Session) ApplyChanges(ctx context.Context, ns, name string, cs ChangeSet) (ChangeStats, error) {
	ident := "lake." + ns + "." + name
	var st ChangeStats
	err := s.modify(ctx, ns, name, func(t *engine.Table) error {
		st = ChangeStats{} // a retry after a lost commit starts over
		if cs.Check != nil {
			if err := cs.Check(t); err != nil {
				return err
			}
		}
		fields := t.Schema().Fields()
		cols := make([]string, 0, len(fields)+1)
		sel := make([]string, 0, len(fields))
		for _, f := range fields {
			typ, err := engine.DuckDBType(f.Type)
			if err != nil {
				return err
			}
			cols = append(cols, engine.QuoteString(f.Name)+": "+engine.QuoteString(typ))
			sel = append(sel, engine.QuoteIdent(f.Name))
		}
		cols = append(cols, "'__floe_op': 'VARCHAR'")
		on := make([]string, len(cs.Keys))
		for i, k := range cs.Keys {
			f, ok := t.Schema().FindFieldByNameCaseInsensitive(k)
			if !ok {
				return fmt.Errorf("apply changes to %s: no key column %q", ident, k)
			}
			q := engine.QuoteIdent(f.Name)
			on[i] = "t." + q + " = c." + q
		}
		load := fmt.Sprintf("CREATE OR REPLACE TABLE %s AS SELECT * FROM read_json(%s, format = 'newline_delimited', columns = {%s})",
			changeRows, engine.QuoteString(cs.File), strings.Join(cols, ", "))
		if err := s.exec(ctx, load); err != nil {
			return fmt.Errorf("apply changes to %s: stage %s: %w", ident, cs.File, err)
		}
		defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+changeRows)
		if err := s.conn.QueryRowContext(ctx, "SELECT count(*) FILTER (WHERE __floe_op = 'upsert'), count(*) FILTER (WHERE __floe_op = 'delete') FROM "+changeRows).Scan(&st.Upserts, &st.Deletes); err != nil {
			return err
		}
		if len(cs.Keys) == 0 {
			// An append-only stream: nothing to remove.
			if st.Deletes > 0 {
				return fmt.Errorf("apply changes to %s: deletes need key columns", ident)
			}
			if st.Upserts == 0 {
				return nil
			}
			files, _, dir, _, err := s.writeQuery(ctx, t, "SELECT "+strings.Join(sel, ", ")+" FROM "+changeRows)
			if err != nil {
				return fmt.Errorf("apply changes to %s: %w", ident, err)
			}
			// Under Modify's lock: a row delta of added files needs no plan
			// (AppendFiles would take the lock again).
			if _, err := t.CommitRowDelta(ctx, &engine.Plan{}, engine.RowDelta{AddedData: files}, "ingest", cs.Summary); err != nil {
				s.wh.RemoveWritten(dir) // the spooled copies and any uploaded objects
				return err
			}
			st.Committed = true
			return nil
		}
		if t.FormatVersion() == 2 && t.WriteMode("merge") == engine.MergeOnRead && t.Spec().IsUnpartitioned() {
			return s.applyEqualityDeletes(ctx, t, cs, sel, &st)
		}
		plan, drop, err := s.defineTarget(ctx, t, nil)
		if err != nil {
			return err
		}
		defer drop()
		// Every live row with a key of the set goes: its new version, if
		// any, is appended.
		q := fmt.Sprintf("SELECT t.__floe_file, t.__floe_pos FROM %s AS t SEMI JOIN %s AS c ON %s",
			dmlTarget, changeRows, strings.Join(on, " AND "))
		var fetched map[string]*fileDeletes
		if t.FormatVersion() >= 3 && t.WriteMode("merge") == engine.MergeOnRead {
			if fetched, err = s.fetchDeletes(ctx, q); err != nil {
				return fmt.Errorf("apply changes to %s: %w", ident, err)
			}
		} else {
			if err := s.exec(ctx, "CREATE OR REPLACE TABLE "+dmlPositions+" AS "+q); err != nil {
				return fmt.Errorf("apply changes to %s: %w", ident, err)
			}
			defer s.exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS "+dmlPositions)
		}
		newRows := ""
		if st.Upserts > 0 {
			newRows = "SELECT " + strings.Join(sel, ", ") + " FROM " + changeRows + " WHERE __floe_op = 'upsert'"
		}
		delta, n, cleanup, err := s.buildDelta(ctx, t, plan, "merge", newRows, fetched)
		if err != nil {
			cleanup()
			return fmt.Errorf("apply changes to %s: %w", ident, err)
		}
		st.Removed = n
		if n == 0 && len(delta.AddedData) == 0 {
			cleanup()
			return nil
		}
		if _, err := t.CommitRowDelta(ctx, plan, delta, "merge", cs.Summary); err != nil {
			cleanup()
			return err
		}
		st.Committed = true
		return nil
	})
	s.invalidate(ns, name)
	if err != nil {
		return ChangeStats{}, err
	}
	return st, nil
}

// applyEqualityDeletes commits the staged change set as an equality-delete
// file of its keys plus the upserted rows (Table.CommitEqualityDelta).
func (s *Session) applyEqualityDeletes(ctx context.Context, t *engine.Table, cs ChangeSet, sel []string, st *ChangeStats) error {
	ident := t.Ident()
	var keyFields []iceberg.NestedField
	var keyCols []string
	var ids []int
	for _, k := range cs.Keys {
		f, _ := t.Schema().FindFieldByNameCaseInsensitive(k)
		keyFields = append(keyFields, f)
		keyCols = append(keyCols, engine.QuoteIdent(f.Name))
		ids = append(ids, f.ID)
	}
	dataDir, err := t.DataDir()
	if err != nil {
		return err
	}
	if err := s.wh.FS().MkdirAll(dataDir); err != nil {
		return err
	}
	var written []string
	cleanup := func() {
		for _, p := range written {
			s.wh.FS().Remove(p)
		}
	}
	delta := engine.EqualityDelta{FieldIDs: ids}
	delta.DeletePath = filepath.Join(dataDir, uuid.New().String()+"-eq-deletes.parquet")
	q := fmt.Sprintf("COPY (SELECT DISTINCT %s FROM %s ORDER BY ALL) TO %s (FORMAT parquet, COMPRESSION zstd, FIELD_IDS %s, RETURN_STATS)",
		strings.Join(keyCols, ", "), changeRows, engine.QuoteString(delta.DeletePath), engine.FieldIDsClause(iceberg.NewSchema(0, keyFields...)))
	var fn string
	var size, fsize int64
	var stats, keys any
	if err := s.conn.QueryRowContext(ctx, q).Scan(&fn, &delta.Rows, &size, &fsize, &stats, &keys); err != nil {
		return fmt.Errorf("apply changes to %s: write equality deletes: %w", ident, err)
	}
	written = append(written, delta.DeletePath)
	if st.Upserts > 0 {
		files, _, dir, _, err := s.writeQuery(ctx, t, "SELECT "+strings.Join(sel, ", ")+" FROM "+changeRows+" WHERE __floe_op = 'upsert'")
		if err != nil {
			cleanup()
			return fmt.Errorf("apply changes to %s: %w", ident, err)
		}
		delta.AddedData = files
		defer func() {
			if !st.Committed {
				s.wh.RemoveWritten(dir) // the spooled copies and any uploaded objects
			}
		}()
	}
	if _, err := t.CommitEqualityDelta(ctx, delta, cs.Summary); err != nil {
		cleanup()
		return err
	}
	st.Committed = true
	return nil
}
