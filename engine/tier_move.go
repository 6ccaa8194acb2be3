package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/dv"
	"github.com/google/uuid"

	"github.com/floehq/floe/engine/vfs"
)

// S3 storage classes floe puts the objects of each tier in. S3's own
// INTELLIGENT_TIERING class would tier by S3's access log, which does not
// see reads served from floe's cache; floe tiers by its own log instead.
var tierObjectClass = map[string]string{
	TierFrequent:       "STANDARD",
	TierInfrequent:     "STANDARD_IA",
	TierArchiveInstant: "GLACIER_IR",
}

// storageClasser is the capability of an object-storage FS (s3fs) to read
// and set an object's storage class.
type storageClasser interface {
	StorageClass(name string) (string, error)
	SetStorageClass(name, class string) error
}

// TierReport says what ApplyTiers did to a table.
type TierReport struct {
	Table string
	// Files counts the live data files, per tier in Tiers.
	Files map[string]int
	// Cooled and Warmed count files moved to the cold path (or to a
	// colder storage class) and back; Bytes is what they hold.
	Cooled, Warmed int
	Bytes          int64
	// Kept counts files that should have moved but were left: files
	// outside the warehouse directory (a registered table's), whose path
	// inside the cold path would be undefined. Files with deletion
	// vectors, v2 position-delete files or equality deletes move, their
	// deletes with them.
	Kept int
	// Removed counts the old copies deleted after the commit (those no
	// snapshot references any more; the rest go with expiry).
	Removed int
}

// ApplyTiers gives each live data file of lake.ns.name the physical place
// its tier calls for. On object storage the object's storage class is set
// in place (STANDARD, STANDARD_IA, GLACIER_IR). On a local warehouse with
// floe.tiering.cold-path, files of the colder tiers move under the cold
// path (keeping their path inside the warehouse) and files read again move
// back, each move a copy, then one metadata-only commit that swaps the
// paths in the manifests (a file with deletion vectors gets them written
// again for its new path in the same commit, the v2 position-delete files
// that name it are rewritten to name its new path, and it keeps its data
// sequence number so equality deletes still apply), then the deletion of
// the old copies no snapshot references: a kill at any point leaves every
// referenced file in place.
// Without a cold path tiers are only tracked. Maintenance's reads here
// change no tier.
func (w *Warehouse) ApplyTiers(ctx context.Context, ns, name string) (TierReport, error) {
	rep := TierReport{Table: "lake." + ns + "." + name, Files: map[string]int{}}
	fail := func(err error) (TierReport, error) {
		return rep, fmt.Errorf("apply tiers of %s: %w", rep.Table, err)
	}
	t, err := w.Table(ctx, ns, name)
	if err != nil {
		return fail(err)
	}
	files, cfg, err := t.FileTiers(ctx)
	if err != nil {
		return fail(err)
	}
	for _, f := range files {
		rep.Files[f.Tier]++
	}
	if sc, ok := w.fs.(storageClasser); ok && w.root != "" {
		if cfg.Class != StorageClassIntelligentTiering {
			// A HEAD per object per run is not worth it for tables that
			// do not tier. A table switched back to STANDARD keeps its
			// objects' classes until compaction rewrites them or it is
			// INTELLIGENT_TIERING again (then its read files go back).
			return rep, nil
		}
		for _, f := range files {
			want := tierObjectClass[f.Tier]
			have, err := sc.StorageClass(f.Location)
			if err != nil {
				return fail(err)
			}
			if have == want {
				continue
			}
			if err := sc.SetStorageClass(f.Location, want); err != nil {
				return fail(err)
			}
			if f.Tier == TierFrequent {
				rep.Warmed++
			} else {
				rep.Cooled++
			}
			rep.Bytes += f.Bytes
		}
		return rep, nil
	}
	if cfg.ColdPath == "" && !anyCold(files) {
		return rep, nil
	}
	err = w.Modify(ctx, ns, name, func(t *Table) error {
		return w.moveTiers(ctx, t, cfg, &rep)
	})
	if err != nil {
		return fail(err)
	}
	return rep, nil
}

func anyCold(files []FileTier) bool {
	for _, f := range files {
		if f.Cold {
			return true
		}
	}
	return false
}

// moveTiers moves a locked table's files between the warehouse and the
// cold path.
func (w *Warehouse) moveTiers(ctx context.Context, t *Table, cfg Tiering, rep *TierReport) error {
	files, _, err := t.FileTiers(ctx) // again, under the lock
	if err != nil {
		return err
	}
	tiers := map[string]FileTier{}
	for _, f := range files {
		tiers[f.Location] = f
	}
	plan, err := t.PlanScan(ctx, ScanOptions{})
	if err != nil {
		return err
	}
	acc, err := w.AccessTimes(ctx)
	if err != nil {
		return err
	}
	// The data sequence numbers of the live files: a moved file keeps its
	// own, so the deletes that applied to it still do, and nothing else.
	seqs := map[string]int64{}
	entries, _, err := t.liveEntries(ctx)
	if err != nil {
		return err
	}
	for _, e := range entries {
		key := e.DataFile().FilePath()
		if r := e.DataFile().ReferencedDataFile(); r != nil && e.DataFile().ContentType() != iceberg.EntryContentData {
			key += "\x00" + *r
		}
		seqs[key] = e.SequenceNum()
	}
	var old, moved, oldAll []iceberg.DataFile
	var withDeletes []deletedMove
	carry := map[string]FileAccess{}
	var copied []string
	cleanup := func() {
		for _, p := range copied {
			w.fs.Remove(p)
		}
	}
	for _, task := range plan.Tasks {
		loc := task.File.FilePath()
		f, ok := tiers[loc]
		if !ok {
			continue
		}
		src, ok := LocalPath(loc)
		if !ok {
			continue
		}
		src = filepath.Clean(src)
		var dst string
		switch {
		case f.Tier != TierFrequent && !f.Cold && cfg.ColdPath != "":
			rel, err := filepath.Rel(w.dir, src)
			if err != nil || strings.HasPrefix(rel, "..") {
				rep.Kept++ // a file outside the warehouse (a registered table's): left alone
				continue
			}
			dst = filepath.Join(cfg.ColdPath, rel)
		case (f.Tier == TierFrequent || cfg.ColdPath == "") && f.Cold:
			// Read again (or the cold path was unset): home again.
			rel, err := filepath.Rel(cfg.ColdPath, src)
			if cfg.ColdPath == "" || err != nil || strings.HasPrefix(rel, "..") {
				continue
			}
			dst = filepath.Join(w.dir, rel)
		default:
			continue
		}
		dvs, posFiles := taskDVs(task)
		hasDeletes := len(dvs) > 0 || len(posFiles) > 0 || len(task.EqualityDeleteFiles) > 0 || hasEqDeletes(task.DeleteFiles)
		if err := w.copyForMove(src, dst); err != nil {
			cleanup()
			return err
		}
		copied = append(copied, dst)
		nf, err := withPath(t, task.File, FileURI(dst))
		if err != nil {
			cleanup()
			return err
		}
		if hasDeletes {
			seq, ok := seqs[loc]
			if !ok {
				cleanup()
				return fmt.Errorf("%s: data file %s has no data sequence number in the current snapshot", t.Ident(), loc)
			}
			withDeletes = append(withDeletes, deletedMove{old: task.File, moved: nf, seq: seq, dvs: dvs, pos: posFiles})
		} else {
			old, moved = append(old, task.File), append(moved, nf)
		}
		oldAll = append(oldAll, task.File)
		// The start of its idle time as FileTiers found it (its commit,
		// an earlier move's, or its last read), so the move ages it not.
		a := acc[loc]
		a.Since = f.LastAccess
		carry[FileURI(dst)] = a
		if f.Cold {
			rep.Warmed++
		} else {
			rep.Cooled++
		}
		rep.Bytes += f.Bytes
	}
	if len(moved)+len(withDeletes) == 0 {
		return nil
	}
	// The moved files keep their age: recorded before the commit, so no
	// crash can make a moved file look new.
	if err := w.recordSince(carry); err != nil {
		cleanup()
		return err
	}
	tx := t.tbl.NewTransaction()
	props := iceberg.Properties{"floe.operation": "tier_move"}
	if len(moved) > 0 {
		if err := tx.ReplaceFiles(ctx, old, moved, nil, props); err != nil {
			cleanup()
			return fmt.Errorf("move files between tiers: %w", err)
		}
	}
	written, err := t.moveWithDeletes(ctx, tx, plan, withDeletes, seqs, props)
	copied = append(copied, written...)
	if err != nil {
		cleanup()
		return fmt.Errorf("move files between tiers: %w", err)
	}
	old = oldAll
	nt, err := tx.Commit(ctx)
	if err != nil {
		cleanup()
		if isConflict(err) {
			return fmt.Errorf("move files between tiers: %w: %v", ErrCommitConflict, err)
		}
		return fmt.Errorf("move files between tiers: %w", err)
	}
	after := t.committed(nt)
	// Old copies that no snapshot reaches any more go now; the others stay
	// for time travel until expiry removes them.
	reached := newReachSet()
	if err := reached.addTable(ctx, after.tbl); err != nil {
		return nil // committed; the old copies become expiry's or orphan removal's
	}
	others, err := w.othersReach(ctx, t.NS, t.Name)
	if err != nil {
		return nil
	}
	for _, f := range old {
		p, _ := cleanLocation(f.FilePath())
		if reached.has(p) || others.has(p) {
			continue
		}
		if err := w.fs.Remove(p); err == nil || errors.Is(err, fs.ErrNotExist) {
			rep.Removed++
		}
	}
	return nil
}

// copyForMove copies src to dst through the warehouse's FS. A dst left by
// an earlier, killed move (no metadata references it: the commit comes
// after the copy) is replaced.
func (w *Warehouse) copyForMove(src, dst string) error {
	if _, err := w.fs.Stat(dst); err == nil {
		if err := w.fs.Remove(dst); err != nil {
			return fmt.Errorf("replace the copy a killed move left at %s: %w", dst, err)
		}
	}
	if err := w.fs.MkdirAll(filepath.Dir(dst)); err != nil {
		return err
	}
	in, err := w.fs.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if err := vfs.Put(w.fs, dst, func(out io.Writer) error {
		_, err := io.Copy(out, in)
		return err
	}); err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	return nil
}

// withPath returns df at a new location, with everything else the same.
func withPath(t *Table, df iceberg.DataFile, loc string) (iceberg.DataFile, error) {
	b, err := fileBuilder(t, df, loc, df.Count(), df.FileSizeBytes())
	if err != nil {
		return nil, err
	}
	b.ColumnSizes(df.ColumnSizes()).ValueCounts(df.ValueCounts()).NullValueCounts(df.NullValueCounts()).
		NaNValueCounts(df.NaNValueCounts()).LowerBoundValues(df.LowerBoundValues()).UpperBoundValues(df.UpperBoundValues()).
		SplitOffsets(df.SplitOffsets())
	if df.SortOrderID() != nil {
		b.SortOrderID(*df.SortOrderID())
	}
	if id := df.FirstRowID(); id != nil {
		b.FirstRowID(*id)
	}
	return b.Build(), nil
}

// fileBuilder starts the description of a file like df (content, format,
// spec and partition) at loc with count records and size bytes.
func fileBuilder(t *Table, df iceberg.DataFile, loc string, count, size int64) (*iceberg.DataFileBuilder, error) {
	spec := t.specByID(int(df.SpecID()))
	if spec == nil {
		return nil, fmt.Errorf("%s: file %s has partition spec %d, which the table lacks", t.Ident(), df.FilePath(), df.SpecID())
	}
	logical := map[int]string{}
	for _, field := range spec.Fields() {
		src, ok := t.sourceField(field.SourceID())
		if !ok {
			continue
		}
		switch field.Transform.ResultType(src.Type).(type) {
		case iceberg.DateType:
			logical[field.FieldID] = "date"
		case iceberg.TimeType:
			logical[field.FieldID] = "time-micros"
		case iceberg.TimestampType, iceberg.TimestampTzType:
			logical[field.FieldID] = "timestamp-micros"
		case iceberg.DecimalType:
			logical[field.FieldID] = "decimal"
		case iceberg.UUIDType:
			logical[field.FieldID] = "uuid"
		}
	}
	b, err := iceberg.NewDataFileBuilder(*spec, df.ContentType(), loc, df.FileFormat(), df.Partition(), logical, nil, count, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", t.Ident(), df.FilePath(), err)
	}
	return b, nil
}

// coldPathOf returns the cold path a table with properties props uses (its
// own, else the warehouse's), or "".
func (w *Warehouse) coldPathOf(ctx context.Context, props map[string]string) string {
	if v, ok := props[PropColdPath]; ok {
		return filepath.Clean(v)
	}
	wp, err := w.WarehouseProperties(ctx)
	if err != nil || wp[PropColdPath] == "" {
		return ""
	}
	return filepath.Clean(wp[PropColdPath])
}

// deletedMove is the move of a data file row-level deletes apply to.
type deletedMove struct {
	old, moved iceberg.DataFile
	// seq is the data file's data sequence number, which the moved file
	// keeps.
	seq int64
	// dvs are its deletion vectors, pos the v2 position-delete files that
	// may name it.
	dvs, pos []iceberg.DataFile
}

// taskDVs splits a scan task's position deletes into deletion vectors and
// v2 position-delete files.
func taskDVs(task table.FileScanTask) (dvs, posFiles []iceberg.DataFile) {
	dvs = append(dvs, task.DeletionVectorFiles...)
	for _, d := range task.DeleteFiles {
		switch {
		case d.ContentType() != iceberg.EntryContentPosDeletes:
		case d.FileFormat() == iceberg.PuffinFile:
			dvs = append(dvs, d)
		default:
			posFiles = append(posFiles, d)
		}
	}
	return dvs, posFiles
}

func hasEqDeletes(files []iceberg.DataFile) bool {
	for _, d := range files {
		if d.ContentType() == iceberg.EntryContentEqDeletes {
			return true
		}
	}
	return false
}

// moveWithDeletes stages in tx the moves of data files deletes apply to:
// one rewrite per data sequence number, in which the moved files keep
// that number (so equality deletes apply to them as before), and each
// file's deletion vector is written again for its new path (the
// referenced_data_file of its manifest entry and its Puffin blob's
// referenced-data-file property) and replaces the old one at the old
// one's sequence number. Each v2 position-delete file naming a moved file
// is rewritten with the new paths in its file_path column and replaces
// the old one at the old one's sequence number, in every rewrite that
// moves a file it names (each copy naming the files moved so far), so
// every snapshot of the commit reads the same rows. It returns the files
// it wrote.
func (t *Table) moveWithDeletes(ctx context.Context, tx *table.Transaction, plan *Plan, moves []deletedMove, seqs map[string]int64, props iceberg.Properties) ([]string, error) {
	if len(moves) == 0 {
		return nil, nil
	}
	bitmaps, err := plan.DVs(ctx)
	if err != nil {
		return nil, err
	}
	fsys, err := t.tbl.FS(ctx)
	if err != nil {
		return nil, err
	}
	wfs, ok := fsys.(icebergio.WriteFileIO)
	if !ok {
		return nil, fmt.Errorf("%s: the table's storage is read-only", t.Ident())
	}
	groups := map[int64][]deletedMove{}
	for _, m := range moves {
		groups[m.seq] = append(groups[m.seq], m)
	}
	order := slices.Sorted(maps.Keys(groups))
	// The position-delete files to rewrite: in each rewrite that moves a
	// file they name, the copy names the files moved so far.
	type posRewrite struct {
		orig, cur iceberg.DataFile
		groups    map[int64]bool
	}
	posFiles := map[string]*posRewrite{}
	for _, m := range moves {
		for _, d := range m.pos {
			pr := posFiles[d.FilePath()]
			if pr == nil {
				pr = &posRewrite{orig: d, cur: d, groups: map[int64]bool{}}
				posFiles[d.FilePath()] = pr
			}
			pr.groups[m.seq] = true
		}
	}
	live := map[string]bool{}
	for _, task := range plan.Tasks {
		p, _ := cleanLocation(task.File.FilePath())
		live[p] = true
	}
	movedTo := map[string]string{}
	var written []string
	for _, seq := range order {
		rw := tx.NewRewrite(props).DataSequenceNumber(seq)
		for _, m := range groups[seq] {
			p, _ := cleanLocation(m.old.FilePath())
			movedTo[p] = m.moved.FilePath()
		}
		for _, key := range slices.Sorted(maps.Keys(posFiles)) {
			pr := posFiles[key]
			if !pr.groups[seq] {
				continue
			}
			nf, dst, err := t.rewriteMovedPosDeletes(ctx, rw, pr.orig, pr.cur, seqs, posMapping{moved: maps.Clone(movedTo), live: live})
			if dst != "" {
				written = append(written, dst)
			}
			if err != nil {
				return written, err
			}
			pr.cur = nf
		}
		w := dv.NewDVWriter(wfs, func(id int32) *iceberg.PartitionSpec {
			return t.tbl.Metadata().PartitionSpecByID(int(id))
		})
		dvSeq := map[string]int64{} // the new data file's path: its old DV's sequence number
		for _, m := range groups[seq] {
			rw.DeleteFile(m.old).AddDataFile(m.moved)
			if len(m.dvs) == 0 {
				continue
			}
			local, ok := plan.Local(m.old.FilePath())
			bm := bitmaps[local]
			if !ok || bm == nil {
				return written, fmt.Errorf("%s: the deletion vector of %s could not be read", t.Ident(), m.old.FilePath())
			}
			var maxSeq int64 = -1
			for _, d := range m.dvs {
				s, ok := seqs[d.FilePath()+"\x00"+m.old.FilePath()]
				if !ok {
					s, ok = seqs[d.FilePath()]
				}
				if !ok {
					return written, fmt.Errorf("%s: deletion vector %s has no data sequence number in the current snapshot", t.Ident(), d.FilePath())
				}
				maxSeq = max(maxSeq, s)
				rw.DeleteFile(d)
			}
			w.Load(m.moved.FilePath(), bm, m.moved.SpecID(), m.moved.Partition())
			dvSeq[m.moved.FilePath()] = maxSeq
		}
		if len(dvSeq) > 0 {
			loc := strings.TrimSuffix(t.tbl.Location(), "/") + "/data/" + uuid.New().String() + "-deletes.puffin"
			files, err := w.Flush(ctx, loc)
			if err != nil {
				return written, fmt.Errorf("%s: write the moved files' deletion vectors: %w", t.Ident(), err)
			}
			if p, ok := LocalPath(loc); ok {
				written = append(written, p)
			} else {
				written = append(written, loc)
			}
			for _, f := range files {
				ref := f.ReferencedDataFile()
				if ref == nil {
					return written, fmt.Errorf("%s: deletion vector %s names no data file", t.Ident(), f.FilePath())
				}
				rw.AddDeleteFileWithDataSequenceNumber(f, dvSeq[*ref])
			}
		}
		if err := rw.Commit(ctx); err != nil {
			return written, err
		}
	}
	return written, nil
}

// rewriteMovedPosDeletes stages in rw the replacement of cur, the v2
// position-delete file old or an earlier copy of it in the same commit,
// by a copy of old with its file_path column mapped by m, at old's data
// sequence number. It returns the copy (nil when no row is left) and its
// local path (to remove should the commit fail).
func (t *Table) rewriteMovedPosDeletes(ctx context.Context, rw *table.RewriteFiles, old, cur iceberg.DataFile, seqs map[string]int64, m posMapping) (iceberg.DataFile, string, error) {
	key := old.FilePath()
	if r := old.ReferencedDataFile(); r != nil {
		key += "\x00" + *r
	}
	seq, ok := seqs[key]
	if !ok {
		return nil, "", fmt.Errorf("%s: position-delete file %s has no data sequence number in the current snapshot", t.Ident(), old.FilePath())
	}
	src, ok := LocalPath(old.FilePath())
	dir, ok2 := LocalPath(t.tbl.Location())
	if !ok || !ok2 {
		return nil, "", fmt.Errorf("%s: moving files a position-delete file at %s names is built for local warehouses only", t.Ident(), old.FilePath())
	}
	dst := filepath.Join(dir, "data", uuid.New().String()+"-deletes.parquet")
	rows, only, err := t.wh.rewritePosDeletes(ctx, src, dst, m)
	if err != nil {
		return nil, dst, fmt.Errorf("%s: rewrite position-delete file %s for the moved files: %w", t.Ident(), old.FilePath(), err)
	}
	if cur != nil {
		rw.DeleteFile(cur)
	}
	if rows == 0 {
		// It named only files no longer live: it goes, with no copy.
		t.wh.fs.Remove(dst)
		return nil, "", nil
	}
	st, err := t.wh.fs.Stat(dst)
	if err != nil {
		return nil, dst, err
	}
	nf, err := posDeleteFileAt(t, old, FileURI(dst), rows, st.Size(), only)
	if err != nil {
		return nil, dst, err
	}
	rw.AddDeleteFileWithDataSequenceNumber(nf, seq)
	return nf, dst, nil
}
