package engine

import (
	"context"
	"fmt"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table/dv"
)

// DVs reads the plan's deletion vectors, keyed by the local path of the
// data file each one deletes rows from.
func (p *Plan) DVs(ctx context.Context) (map[string]*dv.RoaringPositionBitmap, error) {
	out := map[string]*dv.RoaringPositionBitmap{}
	fs, err := p.Table.tbl.FS(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, task := range p.Tasks {
		files := append([]iceberg.DataFile(nil), task.DeletionVectorFiles...)
		for _, d := range task.DeleteFiles {
			if d.FileFormat() == iceberg.PuffinFile {
				files = append(files, d)
			}
		}
		for _, f := range files {
			key := f.FilePath()
			if r := f.ReferencedDataFile(); r != nil {
				key += "\x00" + *r
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			bm, err := dv.ReadDV(fs, f)
			if err != nil {
				return nil, fmt.Errorf("%s: read deletion vector %s: %w", p.Table.Ident(), f.FilePath(), err)
			}
			ref := task.File.FilePath()
			if r := f.ReferencedDataFile(); r != nil {
				ref = *r
			}
			local, ok := LocalPath(ref)
			if !ok {
				return nil, fmt.Errorf("%s: deletion vector %s references %s, which is not local", p.Table.Ident(), f.FilePath(), ref)
			}
			if prev, ok := out[local]; ok {
				prev.Or(bm)
			} else {
				out[local] = bm
			}
		}
	}
	return out, nil
}
