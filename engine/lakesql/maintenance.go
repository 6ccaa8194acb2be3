package lakesql

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
)

// procTable reads the table argument of a maintenance procedure: the
// first positional argument or table => 'ns.t'.
func procTable(name string, args ProcArgs) (string, string, error) {
	v, ok := args.Named["table"]
	if !ok && len(args.Positional) > 0 {
		v, ok = args.Positional[0], true
	}
	s, isStr := v.(string)
	if !ok || !isStr {
		return "", "", fmt.Errorf("%s needs the table: CALL %s('schema.table')", name, name)
	}
	s = strings.TrimPrefix(s, "lake.")
	ns, t, found := strings.Cut(s, ".")
	if !found || ns == "" || t == "" {
		return "", "", fmt.Errorf("%s: table %q must be schema.table", name, s)
	}
	return ns, t, nil
}

// procOption reads an option given by name (target_file_size_bytes =>)
// or in Spark's options => map('target-file-size-bytes', '...').
func procOption(args ProcArgs, key string) (string, bool) {
	if v, ok := args.Named[strings.ReplaceAll(key, "-", "_")]; ok {
		return fmt.Sprint(v), true
	}
	if m, ok := args.Named["options"]; ok {
		if om, ok := m.(interface{ Get(any) (any, bool) }); ok {
			if v, ok := om.Get(key); ok {
				return fmt.Sprint(v), true
			}
		}
	}
	return "", false
}

// defaultTargetFileSize is Iceberg's write.target-file-size-bytes default.
const defaultTargetFileSize = 512 << 20

// rewriteDataFiles implements CALL rewrite_data_files('ns.t'): bin-packs
// small data files and files with row-level deletes into files of the
// target size with the deletes applied, in one replace snapshot, so the
// rewritten data has no delete files left. The new files are written with
// the table's current partition spec, whatever spec the old ones had.
func rewriteDataFiles(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	ns, name, err := procTable("rewrite_data_files", args)
	if err != nil {
		return nil, err
	}
	target := int64(defaultTargetFileSize)
	if v, ok := procOption(args, "target-file-size-bytes"); ok {
		if target, err = strconv.ParseInt(v, 10, 64); err != nil || target <= 0 {
			return nil, fmt.Errorf("rewrite_data_files: target-file-size-bytes must be a positive integer, not %q", v)
		}
	}
	var rewritten, added, removedDeletes int
	var bytes int64
	err = s.wh.Modify(ctx, ns, name, func(t *engine.Table) error {
		plan, err := t.PlanScan(ctx, engine.ScanOptions{})
		if err != nil {
			return err
		}
		spec := t.Spec()
		chosen := chooseRewrites(plan, spec.ID(), target)
		if len(chosen) == 0 {
			return nil
		}
		deleteFiles := map[string]iceberg.DataFile{}
		inChosen := map[string]bool{}
		for _, p := range chosen {
			inChosen[p] = true
		}
		// A delete file can go when every data file it applies to is rewritten.
		for _, task := range plan.Tasks {
			p, _ := plan.Local(task.File.FilePath())
			bytes += map[bool]int64{true: task.File.FileSizeBytes()}[inChosen[p]]
			for _, d := range append(append([]iceberg.DataFile(nil), task.DeleteFiles...), task.DeletionVectorFiles...) {
				key := d.FilePath()
				if r := d.ReferencedDataFile(); r != nil {
					key += "\x00" + *r
				}
				if !inChosen[p] {
					deleteFiles[key] = nil // still needed
				} else if _, seen := deleteFiles[key]; !seen {
					deleteFiles[key] = d
				}
			}
		}
		read, err := s.planSQL(ctx, plan, engine.ReadOptions{RowPositions: true})
		if err != nil {
			return err
		}
		quoted := make([]string, len(chosen))
		for i, p := range chosen {
			quoted[i] = engine.QuoteString(p)
		}
		body := fmt.Sprintf("SELECT * EXCLUDE (__floe_file, __floe_pos) FROM (%s) WHERE __floe_file IN (%s)", read, strings.Join(quoted, ", "))
		files, _, dir, _, err := s.writeQueryOpts(ctx, t, body, target)
		if err != nil {
			return fmt.Errorf("rewrite_data_files %s: %w", t.Ident(), err)
		}
		var drop []iceberg.DataFile
		for _, d := range deleteFiles {
			if d != nil {
				drop = append(drop, d)
			}
		}
		if _, err := t.Compact(ctx, plan, chosen, files, drop); err != nil {
			s.wh.RemoveWritten(dir)
			return err
		}
		rewritten, added, removedDeletes = len(chosen), len(files), len(drop)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("rewrite_data_files lake.%s.%s: %w", ns, name, err)
	}
	s.invalidate(ns, name)
	return NewRows(
		[]string{"rewritten_data_files_count", "added_data_files_count", "rewritten_bytes_count", "removed_delete_files_count"},
		[]string{"INTEGER", "INTEGER", "BIGINT", "INTEGER"},
		[][]any{{int32(rewritten), int32(added), bytes, int32(removedDeletes)}}), nil
}

// chooseRewrites picks the data files rewrite_data_files rewrites (local
// paths, in plan order): every file with deletes, and small files where
// they can be packed. Files are binned as Spark bins them: by partition for
// files of the current spec (currentSpec), and all files of older specs in
// one bin, since rewriting moves them to the current spec and its
// partitions. A bin's small files are packed when it has two, or one and a
// file rewritten for its deletes.
func chooseRewrites(plan *engine.Plan, currentSpec int, target int64) []string {
	type bin struct{ small, deletes int }
	bins := map[string]*bin{}
	key := func(df iceberg.DataFile) string {
		if int(df.SpecID()) != currentSpec {
			return "older specs"
		}
		return fmt.Sprint(df.Partition())
	}
	small := func(task table.FileScanTask) bool { return task.File.FileSizeBytes() < target*3/4 }
	hasDeletes := func(task table.FileScanTask) bool {
		return len(task.DeleteFiles) > 0 || len(task.DeletionVectorFiles) > 0
	}
	for _, task := range plan.Tasks {
		k := key(task.File)
		b := bins[k]
		if b == nil {
			b = &bin{}
			bins[k] = b
		}
		switch {
		case hasDeletes(task):
			b.deletes++
		case small(task):
			b.small++
		}
	}
	var chosen []string
	for _, task := range plan.Tasks {
		b := bins[key(task.File)]
		if hasDeletes(task) || small(task) && (b.small > 1 || b.deletes > 0) {
			p, _ := plan.Local(task.File.FilePath())
			chosen = append(chosen, p)
		}
	}
	return chosen
}

// rewritePositionDeletes implements CALL rewrite_position_delete_files:
// for a v2 table it folds the position-delete files into the data (the
// only rewrite that leaves no delete file behind); it is
// rewrite_data_files restricted to files with deletes.
func rewritePositionDeletes(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	args.Named["target_file_size_bytes"] = int64(1) << 62 // never pack by size
	return rewriteDataFiles(ctx, s, args)
}

// invalidate makes the next statement re-plan a table floe just changed.
func (s *Session) invalidate(ns, name string) {
	if st := s.tables[tableKey{ns, name}]; st != nil {
		st.metaLoc = ""
	}
}
