package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/apache/iceberg-go"

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
	// Kept counts files that should have moved but were left: files with
	// row-level deletes, which a move would detach from their deletes.
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
// paths in the manifests, then the deletion of the old copies no snapshot
// references: a kill at any point leaves every referenced file in place.
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
	var old, moved []iceberg.DataFile
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
				continue // a file outside the warehouse (a registered table's): left alone
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
		if len(task.DeleteFiles) > 0 || len(task.DeletionVectorFiles) > 0 || len(task.EqualityDeleteFiles) > 0 {
			rep.Kept++
			continue
		}
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
		old, moved = append(old, task.File), append(moved, nf)
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
	if len(moved) == 0 {
		return nil
	}
	// The moved files keep their age: recorded before the commit, so no
	// crash can make a moved file look new.
	if err := w.recordSince(carry); err != nil {
		cleanup()
		return err
	}
	tx := t.tbl.NewTransaction()
	if err := tx.ReplaceFiles(ctx, old, moved, nil, iceberg.Properties{"floe.operation": "tier_move"}); err != nil {
		cleanup()
		return fmt.Errorf("move files between tiers: %w", err)
	}
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
	spec := t.specByID(int(df.SpecID()))
	if spec == nil {
		return nil, fmt.Errorf("%s: data file %s has partition spec %d, which the table lacks", t.Ident(), df.FilePath(), df.SpecID())
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
	b, err := iceberg.NewDataFileBuilder(*spec, df.ContentType(), loc, df.FileFormat(), df.Partition(), logical, nil, df.Count(), df.FileSizeBytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", t.Ident(), df.FilePath(), err)
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
