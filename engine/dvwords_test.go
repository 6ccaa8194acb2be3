package engine

import (
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/table"
	"github.com/apache/iceberg-go/table/dv"
	"github.com/google/go-cmp/cmp"
)

// TestDVWords checks that the word relation is dense over every file with a
// deletion vector (zero words included, none for files without one), keyed
// by scan file index, and that each set bit is a deleted position.
func TestDVWords(t *testing.T) {
	spec := *iceberg.UnpartitionedSpec
	dataFile := func(path string, rows int64) iceberg.DataFile {
		b, err := iceberg.NewDataFileBuilder(spec, iceberg.EntryContentData, "file://"+path, iceberg.ParquetFile, nil, nil, nil, rows, 1)
		if err != nil {
			t.Fatal(err)
		}
		return b.Build()
	}
	dvFile := func(card int64) iceberg.DataFile {
		b, err := iceberg.NewDataFileBuilder(spec, iceberg.EntryContentPosDeletes, "file:///w/d.puffin", iceberg.PuffinFile, nil, nil, nil, card, 1)
		if err != nil {
			t.Fatal(err)
		}
		return b.Build()
	}
	p := &Plan{Tasks: []table.FileScanTask{
		{File: dataFile("/w/a.parquet", 200), DeletionVectorFiles: []iceberg.DataFile{dvFile(3)}},
		{File: dataFile("/w/b.parquet", 50)}, // no deletes: no words
		{File: dataFile("/w/c.parquet", 64), DeleteFiles: []iceberg.DataFile{dvFile(1)}},
	}}
	a := dv.NewRoaringPositionBitmap()
	for _, pos := range []uint64{0, 63, 130} {
		a.Set(pos)
	}
	c := dv.NewRoaringPositionBitmap()
	c.Set(70) // beyond the record count: still covered
	dvs := map[string]*dv.RoaringPositionBitmap{"/w/a.parquet": a, "/w/c.parquet": c}

	var got []DVWord
	if err := p.DVWords(dvs, func(w DVWord) error { got = append(got, w); return nil }); err != nil {
		t.Fatal(err)
	}
	index := p.FileIndex()
	ka, kc := int64(index["/w/a.parquet"])<<DVWordKeyShift, int64(index["/w/c.parquet"])<<DVWordKeyShift
	want := []DVWord{
		{K: ka, W: 1 | 1<<63},
		{K: ka + 1, W: 0},
		{K: ka + 2, W: 1 << 2},
		{K: ka + 3, W: 0},
		{K: kc, W: 0},
		{K: kc + 1, W: 1 << 6},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("words (-want +got):\n%s", diff)
	}
	if n := p.DVWordCount(); n != 4+1 {
		t.Errorf("DVWordCount = %d, want 5", n)
	}
}
