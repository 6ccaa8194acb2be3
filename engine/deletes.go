package engine

import (
	"context"
	"fmt"
	"io"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table/dv"
)

// DVs reads the plan's deletion vectors, keyed by the local path of the
// data file each one deletes rows from. Each Puffin file is opened once and
// every vector is checked (see ReadDeletionVectors): a vector that is
// damaged or disagrees with its manifest entry is an error wrapping
// ErrCorruptDeletionVector that names the table, the Puffin file and the
// data file, never a wrong set of rows.
//
// The result is read once per plan and shared: callers must not change
// the bitmaps.
func (p *Plan) DVs(ctx context.Context) (map[string]*dv.RoaringPositionBitmap, error) {
	if p.caches() && p.dvs != nil {
		return p.dvs, nil
	}
	out, err := p.readDVs(ctx)
	if err != nil {
		return nil, err
	}
	p.dvs = out
	return out, nil
}

func (p *Plan) readDVs(ctx context.Context) (map[string]*dv.RoaringPositionBitmap, error) {
	out := map[string]*dv.RoaringPositionBitmap{}
	var (
		order   []string                 // Puffin files in plan order
		entries = map[string][]DVEntry{} // by Puffin file
		locals  = map[string][]string{}  // the data file of each entry, local path
		seen    = map[string]bool{}
	)
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
			e, err := dvEntry(f, task.File)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", p.Table.Ident(), err)
			}
			local, ok := p.Local(task.File.FilePath())
			if !ok {
				return nil, fmt.Errorf("%s: deletion vector %s references %s, which is not local", p.Table.Ident(), f.FilePath(), task.File.FilePath())
			}
			if _, ok := entries[e.PuffinFile]; !ok {
				order = append(order, e.PuffinFile)
			}
			entries[e.PuffinFile] = append(entries[e.PuffinFile], e)
			locals[e.PuffinFile] = append(locals[e.PuffinFile], local)
		}
	}
	if len(order) == 0 {
		return out, nil
	}
	fs, err := p.Table.tbl.FS(ctx)
	if err != nil {
		return nil, err
	}
	for _, puffinFile := range order {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		bms, err := readPuffinDVs(fs, puffinFile, entries[puffinFile])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Table.Ident(), err)
		}
		for i, bm := range bms {
			local := locals[puffinFile][i]
			if prev, ok := out[local]; ok {
				prev.Or(bm)
			} else {
				out[local] = bm
			}
		}
	}
	return out, nil
}

// readPuffinDVs opens the Puffin file name through fs and reads the
// deletion vectors entries describe from it.
func readPuffinDVs(fs icebergio.IO, name string, entries []DVEntry) ([]*dv.RoaringPositionBitmap, error) {
	readErr := func(err error) error {
		return fmt.Errorf("read deletion vector %s for data file %s: %w", displayPath(name), displayPath(entries[0].ReferencedDataFile), err)
	}
	f, err := fs.Open(name)
	if err != nil {
		return nil, readErr(err)
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, readErr(err)
	}
	return ReadDeletionVectors(f, size, entries)
}
