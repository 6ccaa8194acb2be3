package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/iceberg-go"
	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/puffin"
	"github.com/apache/iceberg-go/table/dv"
	"github.com/google/go-cmp/cmp"
)

// testDV is one deletion vector for writeDVPuffin.
type testDV struct {
	data      string // referenced data file
	rows      int64  // its record count
	positions []int64
}

// writeDVPuffin writes deletion vectors into one Puffin file with
// iceberg-go's DVWriter, as CommitRowDelta does, and returns the file's
// bytes and the manifest entries DVWriter made for them.
func writeDVPuffin(tb testing.TB, dvs ...testDV) ([]byte, []DVEntry) {
	tb.Helper()
	w := dv.NewDVWriter(icebergio.LocalFS{}, func(int32) *iceberg.PartitionSpec { return iceberg.UnpartitionedSpec })
	rows := map[string]int64{}
	for _, d := range dvs {
		if err := w.Add(d.data, d.positions, 0, nil); err != nil {
			tb.Fatal(err)
		}
		rows[d.data] = d.rows
	}
	loc := filepath.Join(tb.TempDir(), "deletes.puffin")
	files, err := w.Flush(context.Background(), loc)
	if err != nil {
		tb.Fatal(err)
	}
	data, err := icebergio.LocalFS{}.ReadFile(loc)
	if err != nil {
		tb.Fatal(err)
	}
	entries := make([]DVEntry, len(files))
	for i, f := range files {
		b, err := iceberg.NewDataFileBuilder(*iceberg.UnpartitionedSpec, iceberg.EntryContentData, *f.ReferencedDataFile(),
			iceberg.ParquetFile, nil, nil, nil, rows[*f.ReferencedDataFile()], 1)
		if err != nil {
			tb.Fatal(err)
		}
		if entries[i], err = dvEntry(f, b.Build()); err != nil {
			tb.Fatal(err)
		}
	}
	return data, entries
}

// rewriteFooter returns a Puffin file with its footer changed by edit and
// written back uncompressed.
func rewriteFooter(tb testing.TB, data []byte, edit func(*puffin.Footer)) []byte {
	tb.Helper()
	payload := int(binary.LittleEndian.Uint32(data[len(data)-12:]))
	start := len(data) - 12 - payload - 4
	var f puffin.Footer
	if err := json.Unmarshal(data[start+4:start+4+payload], &f); err != nil {
		tb.Fatal(err)
	}
	edit(&f)
	js, err := json.Marshal(f)
	if err != nil {
		tb.Fatal(err)
	}
	out := slices.Concat(data[:start], puffinMagic[:], js)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(js)))
	out = binary.LittleEndian.AppendUint32(out, 0)
	return append(out, puffinMagic[:]...)
}

// runBitmap is the portable bitmap of the n positions from start (below
// 65536 - n) as one run container, as iceberg-go writes it.
func runBitmap(start, n uint16) []byte {
	b := binary.LittleEndian.AppendUint64(nil, 1)          // one bitmap
	b = binary.LittleEndian.AppendUint32(b, 0)             // key 0
	b = binary.LittleEndian.AppendUint32(b, roaringCookie) // 1 container, with runs
	b = append(b, 1)                                       // container 0 is a run container
	b = binary.LittleEndian.AppendUint16(b, 0)             // container key 0
	b = binary.LittleEndian.AppendUint16(b, n-1)           // cardinality-1
	b = binary.LittleEndian.AppendUint16(b, 1)             // one run
	b = binary.LittleEndian.AppendUint16(b, start)
	return binary.LittleEndian.AppendUint16(b, n-1) // length-1
}

// arrayBitmap is the portable bitmap of values (below 65536, in the order
// given) as one array container, as iceberg-go writes it.
func arrayBitmap(values ...uint16) []byte {
	b := binary.LittleEndian.AppendUint64(nil, 1)                  // one bitmap
	b = binary.LittleEndian.AppendUint32(b, 0)                     // key 0
	b = binary.LittleEndian.AppendUint32(b, roaringCookieNoRuns)   // no run containers
	b = binary.LittleEndian.AppendUint32(b, 1)                     // 1 container
	b = binary.LittleEndian.AppendUint16(b, 0)                     // container key 0
	b = binary.LittleEndian.AppendUint16(b, uint16(len(values)-1)) // cardinality-1
	b = binary.LittleEndian.AppendUint32(b, 4+4+4+4)               // its offset
	for _, v := range values {
		b = binary.LittleEndian.AppendUint16(b, v)
	}
	return b
}

// withBlob returns data with the blob of e replaced by blob, which must
// have the same length.
func withBlob(tb testing.TB, data []byte, e DVEntry, blob []byte) []byte {
	tb.Helper()
	if int64(len(blob)) != e.ContentSize {
		tb.Fatalf("replacement blob is %d bytes, the blob is %d", len(blob), e.ContentSize)
	}
	out := slices.Clone(data)
	copy(out[e.ContentOffset:], blob)
	return out
}

// dvTestFile is the Puffin file the reader tests damage: a's vector is an
// array container, b's a run container.
func dvTestFile(t *testing.T) ([]byte, []DVEntry) {
	t.Helper()
	data, entries := writeDVPuffin(t,
		testDV{data: "file:///w/data/a.parquet", rows: 100, positions: []int64{1, 3, 5, 7, 9}},
		testDV{data: "file:///w/data/b.parquet", rows: 50, positions: posRange(10, 20)},
	)
	// The damage the tests do is built from these layouts; check them.
	a, b := entries[0], entries[1]
	if got, want := data[a.ContentOffset:a.ContentOffset+a.ContentSize], frameDV(arrayBitmap(1, 3, 5, 7, 9)); !bytes.Equal(got, want) {
		t.Fatalf("a's blob is\n% x\nwant\n% x", got, want)
	}
	if got, want := data[b.ContentOffset:b.ContentOffset+b.ContentSize], frameDV(runBitmap(10, 10)); !bytes.Equal(got, want) {
		t.Fatalf("b's blob is\n% x\nwant\n% x", got, want)
	}
	return data, entries
}

func TestReadDeletionVectors(t *testing.T) {
	data, entries := dvTestFile(t)
	bms, err := ReadDeletionVectors(bytes.NewReader(data), int64(len(data)), entries)
	if err != nil {
		t.Fatalf("ReadDeletionVectors: %v", err)
	}
	if diff := cmp.Diff([][]int64{{1, 3, 5, 7, 9}, posRange(10, 20)}, [][]int64{dvPositions(bms[0]), dvPositions(bms[1])}); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
	// b alone, as a plan that pruned a reads it.
	bms, err = ReadDeletionVectors(bytes.NewReader(data), int64(len(data)), entries[1:])
	if err != nil || len(bms) != 1 || !slices.Equal(dvPositions(bms[0]), posRange(10, 20)) {
		t.Errorf("ReadDeletionVectors(b) = %v, %v; want b's positions", bms, err)
	}
}

func TestReadDeletionVectorsRejects(t *testing.T) {
	data, entries := dvTestFile(t)
	a, b := entries[0], entries[1]
	flip := func(at int64) []byte { d := slices.Clone(data); d[at] ^= 0x10; return d }
	footer := func(i int, edit func(*puffin.BlobMetadata)) []byte {
		return rewriteFooter(t, data, func(f *puffin.Footer) { edit(&f.Blobs[i]) })
	}
	tests := []struct {
		name    string
		data    []byte
		edit    func(*DVEntry) // of b's entry
		mention string
	}{
		{name: "bitmap byte flipped", data: flip(b.ContentOffset + 20), mention: "CRC-32 mismatch"},
		{name: "CRC flipped", data: flip(b.ContentOffset + b.ContentSize - 1), mention: "CRC-32 mismatch"},
		{name: "deletion vector magic", data: flip(b.ContentOffset + 5), mention: "magic"},
		{name: "length field", data: flip(b.ContentOffset + 3), mention: "length field"},
		{name: "puffin header magic", data: flip(0), mention: "header magic"},
		{name: "puffin trailing magic", data: flip(int64(len(data) - 1)), mention: "trailing magic"},
		{name: "footer payload", data: func() []byte {
			d := slices.Clone(data)
			d[len(d)-12-int(binary.LittleEndian.Uint32(d[len(d)-12:]))] = '['
			return d
		}(), mention: "footer JSON"},
		{name: "truncated", data: data[:len(data)-7], mention: "the file is"},
		{name: "truncated, size unknown", data: data[:len(data)-7], edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "trailing magic"},
		{name: "truncated to a few bytes", data: data[:10], edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "too small"},
		{name: "blob offset beyond the end of the file", data: footer(1, func(m *puffin.BlobMetadata) { m.Offset = 1 << 20 }), edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "extends into footer"},
		{name: "blob length beyond the end of the file", data: footer(1, func(m *puffin.BlobMetadata) { m.Length = 1 << 20 }), edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "extends into footer"},
		{name: "content_offset is no blob", data: data, edit: func(e *DVEntry) { e.ContentOffset++ }, mention: "no blob at content_offset"},
		{name: "content_size_in_bytes", data: data, edit: func(e *DVEntry) { e.ContentSize-- }, mention: "content_size_in_bytes"},
		{name: "blob type", data: footer(1, func(m *puffin.BlobMetadata) { m.Type = puffin.BlobTypeDataSketchesTheta }), edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "blob type"},
		{name: "compressed", data: footer(1, func(m *puffin.BlobMetadata) { z := "zstd"; m.CompressionCodec = &z }), edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "compressed"},
		{name: "no referenced-data-file", data: footer(1, func(m *puffin.BlobMetadata) { delete(m.Properties, dvPropReferencedDataFile) }), edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "no referenced-data-file"},
		{name: "referenced-data-file differs", data: data, edit: func(e *DVEntry) { e.ReferencedDataFile = a.ReferencedDataFile }, mention: "the manifest's is /w/data/a.parquet"},
		{name: "cardinality property", data: footer(1, func(m *puffin.BlobMetadata) { m.Properties[dvPropCardinality] = "11" }), edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "cardinality property is 11, the manifest's record_count is 10"},
		{name: "cardinality property not a number", data: footer(1, func(m *puffin.BlobMetadata) { m.Properties[dvPropCardinality] = "ten" }), edit: func(e *DVEntry) { e.FileSize = 0 }, mention: "not a number"},
		// Valid bitmaps, CRC and all, that disagree with the manifest.
		{name: "bitmap cardinality is not record_count", data: withBlob(t, data, b, frameDV(runBitmap(10, 11))), mention: "bitmap holds 11 positions, the manifest's record_count is 10"},
		{name: "position beyond the data file", data: withBlob(t, data, b, frameDV(runBitmap(41, 10))), mention: "deletes position 50, but the data file has 50 rows"},
		{name: "record_count without the property", data: footer(1, func(m *puffin.BlobMetadata) { delete(m.Properties, dvPropCardinality) }), edit: func(e *DVEntry) { e.FileSize, e.Cardinality = 0, 9 }, mention: "bitmap holds 10 positions, the manifest's record_count is 9"},
		// Bitmaps whose CRC is right but whose structure is not: the
		// roaring library would read them into wrong positions.
		{name: "unsorted array", data: withBlob(t, data, a, frameDV(arrayBitmap(1, 5, 3, 7, 9))), mention: "ascending"},
		{name: "duplicate array value", data: withBlob(t, data, a, frameDV(arrayBitmap(1, 3, 3, 7, 9))), mention: "ascending"},
		{name: "container overstates its cardinality", data: withBlob(t, data, b, frameDV(slices.Concat(runBitmap(10, 10)[:19], []byte{10, 0}, runBitmap(10, 10)[21:]))), mention: "header declares 11 values, container holds 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := slices.Clone(entries)
			if tt.edit != nil {
				tt.edit(&es[1])
				es[0].FileSize = es[1].FileSize // the file's size is the same in every entry
			}
			_, err := ReadDeletionVectors(bytes.NewReader(tt.data), int64(len(tt.data)), es)
			wantCorruptDV(t, err, "/w/data/", tt.mention)
		})
	}

	t.Run("read error", func(t *testing.T) {
		r := failingPuffinReader{r: bytes.NewReader(data), off: b.ContentOffset + 1}
		_, err := ReadDeletionVectors(r, int64(len(data)), entries)
		if !errors.Is(err, errDiskFailure) || errors.Is(err, ErrCorruptFile) || !strings.Contains(err.Error(), "deletes.puffin") {
			t.Errorf("got %v, want the read error naming the Puffin file, not ErrCorruptDeletionVector", err)
		}
	})
}

// wantCorruptDV fails unless err is ErrCorruptDeletionVector (and so
// ErrCorruptFile), names the Puffin file (deletes.puffin) and a data file
// (under dataDir), and mentions mention.
func wantCorruptDV(t *testing.T, err error, dataDir, mention string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a corrupt deletion vector error mentioning %q", mention)
	}
	if !errors.Is(err, ErrCorruptDeletionVector) || !errors.Is(err, ErrCorruptFile) {
		t.Errorf("error %q is not ErrCorruptDeletionVector and ErrCorruptFile", err)
	}
	for _, want := range []string{"deletes.puffin", dataDir, mention} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}

// dvPuffin writes one deletion-vector-v1 blob into a Puffin file as Java's
// writer and iceberg-go's do, and returns the file and its manifest entry.
func dvPuffin(tb testing.TB, ref string, blob []byte, card, rows int64) ([]byte, DVEntry) {
	tb.Helper()
	var buf bytes.Buffer
	w, err := puffin.NewWriter(&buf)
	if err != nil {
		tb.Fatal(err)
	}
	m, err := w.AddBlob(puffin.BlobMetadataInput{
		Type: puffin.BlobTypeDeletionVector, Fields: []int32{}, SnapshotID: -1, SequenceNumber: -1,
		Properties: map[string]string{dvPropReferencedDataFile: ref, dvPropCardinality: strconv.FormatInt(card, 10)},
	}, blob)
	if err != nil {
		tb.Fatal(err)
	}
	if err := w.Finish(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), DVEntry{
		PuffinFile: "deletes.puffin", FileSize: int64(buf.Len()), ContentOffset: m.Offset, ContentSize: m.Length,
		ReferencedDataFile: ref, Cardinality: card, DataFileRows: rows,
	}
}

// The Java-written deletion vectors read through the product's reader.
func TestReadDeletionVectorsJavaVectors(t *testing.T) {
	for _, tt := range javaDVVectors {
		t.Run(tt.file, func(t *testing.T) {
			rows := int64(1)
			if len(tt.want) > 0 {
				rows = tt.want[len(tt.want)-1] + 1
			}
			data, e := dvPuffin(t, "file:///w/data/java.parquet", readIcebergVector(t, tt.file), int64(len(tt.want)), rows)
			bms, err := ReadDeletionVectors(bytes.NewReader(data), int64(len(data)), []DVEntry{e})
			if err != nil {
				t.Fatalf("ReadDeletionVectors: %v", err)
			}
			if diff := diffPositions(tt.want, dvPositions(bms[0])); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
			// A data file one row shorter makes the last position too large.
			e.DataFileRows = rows - 1
			_, err = ReadDeletionVectors(bytes.NewReader(data), int64(len(data)), []DVEntry{e})
			if len(tt.want) > 0 {
				wantCorruptDV(t, err, "/w/data/java.parquet", "but the data file has")
			}
		})
	}
}

// refixDV gives the blob at [off, off+size) of a Puffin file the length
// field and CRC-32 its content needs, so mutations reach the bitmap.
func refixDV(data []byte, off, size int64) []byte {
	if off < 0 || size < dvFramingSize || off > int64(len(data))-size {
		return data
	}
	out := slices.Clone(data)
	blob := out[off : off+size]
	binary.BigEndian.PutUint32(blob, uint32(size-8))
	binary.BigEndian.PutUint32(blob[size-4:], crc32.ChecksumIEEE(blob[4:size-4]))
	return out
}

// FuzzReadDeletionVectors feeds damaged Puffin files and manifest entries
// to the reader Plan.DVs uses. It must never panic; it must reject with an
// error naming the files, or return a bitmap that holds the entry's
// record_count positions below the data file's row count, that the
// independent reference decoder agrees with, and that re-serialises and
// reads back the same.
func FuzzReadDeletionVectors(f *testing.F) {
	var bitset, keys []int64
	for v := range int64(5000) {
		bitset = append(bitset, dvPos(0, 3, 2*v))
	}
	for k := range int64(3) {
		keys = append(keys, posRange(dvPos(k, k, 100), dvPos(k, k, 120))...)
	}
	data, entries := writeDVPuffin(f,
		testDV{data: "file:///w/data/a.parquet", rows: 100, positions: []int64{1, 3, 5, 7, 9}},
		testDV{data: "file:///w/data/b.parquet", rows: 50, positions: posRange(10, 20)},
		testDV{data: "file:///w/data/c.parquet", rows: 1 << 20, positions: bitset},
		testDV{data: "s3://bucket/data/d.parquet", rows: 1 << 34, positions: keys},
	)
	add := func(data []byte, e DVEntry) {
		for _, fix := range []bool{false, true} {
			f.Add(data, e.ReferencedDataFile, e.ContentOffset, e.ContentSize, e.Cardinality, e.DataFileRows, fix)
		}
	}
	for _, e := range entries {
		add(data, e)
	}
	if _, err := os.Stat(icebergVectorDir); err == nil {
		for _, v := range javaDVVectors {
			rows := int64(1)
			if len(v.want) > 0 {
				rows = v.want[len(v.want)-1] + 1
			}
			add(dvPuffin(f, "file:///w/data/java.parquet", readIcebergVector(f, v.file), int64(len(v.want)), rows))
		}
	} else {
		f.Logf("seeding without the Java-written vectors: %s does not exist", icebergVectorDir)
	}
	f.Fuzz(fuzzReadDeletionVectors)
}

// fuzzReadDeletionVectors is FuzzReadDeletionVectors' check of one input.
func fuzzReadDeletionVectors(t *testing.T, data []byte, ref string, off, size, card, rows int64, fixCRC bool) {
	const name = "fuzz/deletes.puffin"
	if fixCRC {
		data = refixDV(data, off, size)
	}
	e := DVEntry{PuffinFile: name, FileSize: int64(len(data)), ContentOffset: off, ContentSize: size,
		ReferencedDataFile: ref, Cardinality: card, DataFileRows: rows}
	bms, err := ReadDeletionVectors(bytes.NewReader(data), int64(len(data)), []DVEntry{e})
	if err != nil {
		if !errors.Is(err, ErrCorruptDeletionVector) {
			t.Fatalf("error %q is not ErrCorruptDeletionVector", err)
		}
		if !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), displayPath(ref)) {
			t.Fatalf("error %q does not name %s and %s", err, name, displayPath(ref))
		}
		return
	}
	bm := bms[0]
	if bm.Cardinality() != card {
		t.Fatalf("read %d positions, the entry's record_count is %d", bm.Cardinality(), card)
	}
	blob := data[off : off+size]
	checkDecodeDV(t, name, blob)
	if card > fuzzPositionLimit {
		return
	}
	got := dvPositions(bm)
	if len(got) > 0 && got[len(got)-1] >= rows {
		t.Fatalf("read position %d of a %d-row data file", got[len(got)-1], rows)
	}
	re, err := dv.SerializeDV(bm)
	if err != nil {
		t.Fatalf("re-serialise: %v", err)
	}
	data2, e2 := dvPuffin(t, ref, re, card, rows)
	again, err := ReadDeletionVectors(bytes.NewReader(data2), int64(len(data2)), []DVEntry{e2})
	if err != nil {
		t.Fatalf("reading the re-serialised bitmap: %v", err)
	}
	if diff := diffPositions(got, dvPositions(again[0])); diff != "" {
		t.Fatalf("re-serialised positions differ (-first +second):\n%s", diff)
	}
}

// BenchmarkReadDeletionVectors reads the deletion vector of a 1M-row data
// file with 10% of its rows deleted at random (bitset containers, as
// BenchmarkScanWithDVs makes) through ReadDeletionVectors, and reports the
// ratio to iceberg-go's dv.ReadDV, which checks the framing but trusts the
// bitmap, measured in the same run.
func BenchmarkReadDeletionVectors(b *testing.B) {
	const rows = 1_000_000
	rng := rand.New(rand.NewPCG(1, 2))
	var positions []int64
	for p := range int64(rows) {
		if rng.IntN(10) == 0 {
			positions = append(positions, p)
		}
	}
	dir := b.TempDir()
	w := dv.NewDVWriter(icebergio.LocalFS{}, func(int32) *iceberg.PartitionSpec { return iceberg.UnpartitionedSpec })
	const dataFile = "file:///w/data/a.parquet"
	if err := w.Add(dataFile, positions, 0, nil); err != nil {
		b.Fatal(err)
	}
	files, err := w.Flush(context.Background(), filepath.Join(dir, "deletes.puffin"))
	if err != nil {
		b.Fatal(err)
	}
	data, err := iceberg.NewDataFileBuilder(*iceberg.UnpartitionedSpec, iceberg.EntryContentData, dataFile,
		iceberg.ParquetFile, nil, nil, nil, rows, 1)
	if err != nil {
		b.Fatal(err)
	}
	e, err := dvEntry(files[0], data.Build())
	if err != nil {
		b.Fatal(err)
	}
	var validating, trusting time.Duration
	for range b.N {
		start := time.Now()
		f, err := os.Open(filepath.Join(dir, "deletes.puffin"))
		if err != nil {
			b.Fatal(err)
		}
		st, _ := f.Stat()
		bms, err := ReadDeletionVectors(f, st.Size(), []DVEntry{e})
		f.Close()
		if err != nil || bms[0].Cardinality() != int64(len(positions)) {
			b.Fatalf("ReadDeletionVectors: %v", err)
		}
		validating += time.Since(start)

		start = time.Now()
		bm, err := dv.ReadDV(icebergio.LocalFS{}, files[0])
		if err != nil || bm.Cardinality() != int64(len(positions)) {
			b.Fatalf("dv.ReadDV: %v", err)
		}
		trusting += time.Since(start)
	}
	b.ReportMetric(float64(validating.Microseconds())/float64(b.N), "validating-µs")
	b.ReportMetric(float64(trusting.Microseconds())/float64(b.N), "trusting-µs")
	b.ReportMetric(float64(validating)/float64(trusting), "validating/trusting")
}
