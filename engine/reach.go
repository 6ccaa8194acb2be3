package engine

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
)

// reachSet collects the files table metadata reaches, by clean location
// (cleanLocation: a local path, or an object's s3:// URI), with what each is and
// its size where the metadata says. Manifests are read once however many
// tables or snapshots share them.
type reachSet struct {
	files     map[string]bool
	info      map[string]fileInfo
	manifests map[string]bool
	// live counts only the live (added or existing) entries of manifests:
	// a file a manifest lists as deleted is not part of that manifest's
	// snapshots, so only an older snapshot, where it is live, reaches it.
	// Without live, deleted entries count too, which is what a check that
	// must err on the side of keeping (another table's files) wants.
	live bool
}

// fileKind says what a file reached from table metadata is.
type fileKind uint8

const (
	kindOther fileKind = iota
	kindMetadata
	kindManifestList
	kindManifest
	kindData
	kindPositionDeletes // position-delete files and deletion-vector Puffin files
	kindEqualityDeletes
	kindStatistics // table and partition statistics files
)

// fileInfo is what the metadata says of a file it reaches; size is 0
// where it does not say (metadata files, manifest lists).
type fileInfo struct {
	kind fileKind
	size int64
}

func newReachSet() *reachSet {
	return &reachSet{files: map[string]bool{}, info: map[string]fileInfo{}, manifests: map[string]bool{}}
}

// newLiveReachSet is a reachSet of live entries only: what the readers
// of the snapshots open.
func newLiveReachSet() *reachSet {
	r := newReachSet()
	r.live = true
	return r
}

func (r *reachSet) add(loc string, kind fileKind, size int64) {
	if loc == "" {
		return
	}
	loc, _ = cleanLocation(loc)
	r.files[loc] = true
	if old, seen := r.info[loc]; !seen || old.kind == kindOther || old.size == 0 && size > 0 {
		r.info[loc] = fileInfo{kind, size}
	}
}

func (r *reachSet) has(p string) bool { return r.files[p] }

// addTable adds every file a table's metadata reaches: the metadata file
// and the ones in its metadata log, statistics and partition-statistics
// files, and for every snapshot its manifest list, manifests, and the
// data and delete files they list (live or not, unless r.live).
func (r *reachSet) addTable(ctx context.Context, t *table.Table) error {
	md := t.Metadata()
	r.add(t.MetadataLocation(), kindMetadata, 0)
	for e := range md.PreviousFiles() {
		r.add(e.MetadataFile, kindMetadata, 0)
	}
	for sf := range md.Statistics() {
		r.add(sf.StatisticsPath, kindStatistics, sf.FileSizeInBytes)
	}
	for sf := range md.PartitionStatistics() {
		r.add(sf.StatisticsPath, kindStatistics, sf.FileSizeInBytes)
	}
	snaps := md.Snapshots()
	if len(snaps) == 0 {
		return nil
	}
	fs, err := t.FS(ctx)
	if err != nil {
		return err
	}
	for _, s := range snaps {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.add(s.ManifestList, kindManifestList, 0)
		if s.ManifestList == "" {
			continue
		}
		mfs, err := s.Manifests(fs)
		if err != nil {
			return fmt.Errorf("snapshot %d: read manifest list %s: %w", s.SnapshotID, s.ManifestList, err)
		}
		if err := r.addManifests(fs, mfs); err != nil {
			return err
		}
	}
	return nil
}

func (r *reachSet) addManifests(fs icebergio.IO, mfs []iceberg.ManifestFile) error {
	for _, mf := range mfs {
		if r.manifests[mf.FilePath()] {
			continue
		}
		r.manifests[mf.FilePath()] = true
		r.add(mf.FilePath(), kindManifest, mf.Length())
		for e, err := range mf.Entries(fs, r.live) {
			if err != nil {
				return fmt.Errorf("read manifest %s: %w", mf.FilePath(), err)
			}
			// The iterator may reuse an entry's memory: keep copies.
			df := e.DataFile()
			kind := kindData
			switch df.ContentType() {
			case iceberg.EntryContentPosDeletes:
				kind = kindPositionDeletes
			case iceberg.EntryContentEqDeletes:
				kind = kindEqualityDeletes
			}
			r.add(strings.Clone(df.FilePath()), kind, df.FileSizeBytes())
			if ref := df.ReferencedDataFile(); ref != nil {
				r.add(strings.Clone(*ref), kindData, 0)
			}
		}
	}
	return nil
}

// cleanLocation turns a location into the clean form reach sets and
// maintenance compare: a local path for a local file, the s3:// URI for an
// object (s3a:// spelled s3://, no trailing slash). ok is false for any
// other location, which keeps its spelling.
func cleanLocation(loc string) (string, bool) {
	if p, ok := LocalPath(loc); ok {
		return path.Clean(p), true
	}
	scheme, rest, ok := strings.Cut(loc, "://")
	if ok && rest != "" && (strings.EqualFold(scheme, "s3") || strings.EqualFold(scheme, "s3a")) {
		return "s3://" + path.Clean(rest), true
	}
	return loc, false
}

// within reports whether path p is dir or lies under it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}
