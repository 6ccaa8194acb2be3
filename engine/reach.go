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

// reachSet collects the files table metadata reaches, by local path (a
// location that is not local keeps its spelling). Manifests are read once
// however many tables or snapshots share them.
type reachSet struct {
	files     map[string]bool
	manifests map[string]bool
}

func newReachSet() *reachSet {
	return &reachSet{files: map[string]bool{}, manifests: map[string]bool{}}
}

func (r *reachSet) add(loc string) {
	if loc == "" {
		return
	}
	if p, ok := LocalPath(loc); ok {
		loc = path.Clean(p)
	}
	r.files[loc] = true
}

func (r *reachSet) has(p string) bool { return r.files[p] }

// addTable adds every file a table's metadata reaches: the metadata file
// and the ones in its metadata log, statistics and partition-statistics
// files, and for every snapshot its manifest list, manifests, and the
// data and delete files they list (live or not: a file a manifest still
// names is one some reader of some snapshot may open).
func (r *reachSet) addTable(ctx context.Context, t *table.Table) error {
	md := t.Metadata()
	r.add(t.MetadataLocation())
	for e := range md.PreviousFiles() {
		r.add(e.MetadataFile)
	}
	for sf := range md.Statistics() {
		r.add(sf.StatisticsPath)
	}
	for sf := range md.PartitionStatistics() {
		r.add(sf.StatisticsPath)
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
		r.add(s.ManifestList)
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
		r.add(mf.FilePath())
		for e, err := range mf.Entries(fs, false) {
			if err != nil {
				return fmt.Errorf("read manifest %s: %w", mf.FilePath(), err)
			}
			// The iterator may reuse an entry's memory: keep copies.
			df := e.DataFile()
			r.add(strings.Clone(df.FilePath()))
			if ref := df.ReferencedDataFile(); ref != nil {
				r.add(strings.Clone(*ref))
			}
		}
	}
	return nil
}

// within reports whether path p is dir or lies under it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, "/")+"/")
}
