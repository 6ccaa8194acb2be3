package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/iceberg-go/puffin"
	"github.com/apache/iceberg-go/table/dv"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/pierrec/lz4/v4"
)

// icebergVectorDir holds the Java-written vectors described in its README.md. They
// are shared with the rest of the project and never copied into the repo.
const icebergVectorDir = "../../shared/data/iceberg-vectors"

// readIcebergVector returns a vector's bytes. A fresh clone has no
// ../shared beside it: the test is then skipped with the path it needs.
func readIcebergVector(tb testing.TB, name string) []byte {
	tb.Helper()
	data, ok := icebergVector(tb, name)
	if !ok {
		abs, _ := filepath.Abs(icebergVectorDir)
		tb.Skipf("needs the Iceberg project's test vectors in %s (present beside the repo in CI, absent in a fresh clone)", abs)
	}
	return data
}

// icebergVector reads a vector if the shared data is there, for fuzz seeds
// that are welcome but not required.
func icebergVector(tb testing.TB, name string) ([]byte, bool) {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(icebergVectorDir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false
	}
	if err != nil {
		tb.Fatalf("read test vector: %v", err)
	}
	return data, true
}

// dvPos is the README's pos(b, c, v) = b*2^32 + c*2^16 + v.
func dvPos(b, c, v int64) int64 { return b<<32 + c<<16 + v }

// posRange returns the positions in [from, to).
func posRange(from, to int64) []int64 {
	var out []int64
	for p := from; p < to; p++ {
		out = append(out, p)
	}
	return out
}

func dvPositions(bm *dv.RoaringPositionBitmap) []int64 {
	var out []int64
	for p := range bm.Positions() {
		out = append(out, int64(p))
	}
	return out
}

// diffPositions is cmp.Diff with a fast path: the vectors and fuzz inputs
// hold up to a million positions, which cmp diffs slowly.
func diffPositions(want, got []int64) string {
	if slices.Equal(want, got) {
		return ""
	}
	return cmp.Diff(want, got)
}

// wantCorruptFile fails unless err is a format error that names the file.
func wantCorruptFile(t *testing.T, err error, name, mention string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want a corrupt-file error naming %s", name)
	}
	if !errors.Is(err, ErrCorruptFile) {
		t.Errorf("error %q does not wrap ErrCorruptFile", err)
	}
	if !strings.Contains(err.Error(), name) {
		t.Errorf("error %q does not name the file %s", err, name)
	}
	if !strings.Contains(err.Error(), mention) {
		t.Errorf("error %q does not mention %q", err, mention)
	}
}

// javaDVVectors are the deletion-vector-v1 blobs among the Java-written
// vectors, with their size and positions.
var javaDVVectors = []struct {
	file string
	size int
	want []int64
}{
	{file: "empty-position-index.bin", size: 20},
	{file: "small-alternating-values-position-index.bin", size: 50, want: []int64{1, 3, 5, 7, 9}},
	{file: "small-and-large-values-position-index.bin", size: 56, want: []int64{100, 101, 2147483747, 2147483748}},
	// The README lists the last range as [pos(1,2,1), pos(1,2,65536)),
	// but Java wrote it as [pos(1,2,1), pos(1,2,65535)) like the one in
	// bitmap 0 (TestBitmapPositionDeleteIndex: CONTAINER_OFFSET - 1,
	// exclusive) and the bytes agree: run (start 1, length-1 65533).
	{file: "all-container-types-position-index.bin", size: 94, want: slices.Concat(
		[]int64{dvPos(0, 0, 5), dvPos(0, 0, 7)},
		posRange(dvPos(0, 1, 1), dvPos(0, 1, 1000)),
		posRange(dvPos(0, 2, 1), dvPos(0, 2, 65535)),
		[]int64{dvPos(1, 0, 10), dvPos(1, 0, 20)},
		posRange(dvPos(1, 1, 10), dvPos(1, 1, 500)),
		posRange(dvPos(1, 2, 1), dvPos(1, 2, 65535)),
	)},
}

func TestDecodeDVVectors(t *testing.T) {
	tests := javaDVVectors
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readIcebergVector(t, tt.file)
			if len(data) != tt.size {
				t.Fatalf("vector is %d bytes, README says %d", len(data), tt.size)
			}

			bm, err := DecodeDV(tt.file, data)
			if err != nil {
				t.Fatalf("DecodeDV: %v", err)
			}
			if diff := diffPositions(tt.want, dvPositions(bm)); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
			if got := bm.Cardinality(); got != int64(len(tt.want)) {
				t.Errorf("Cardinality() = %d, want %d", got, len(tt.want))
			}

			enc, err := EncodeDV(tt.want)
			if err != nil {
				t.Fatalf("EncodeDV: %v", err)
			}
			if !bytes.Equal(enc, data) {
				t.Errorf("EncodeDV bytes differ from the Java vector:\n got % x\nwant % x", enc, data)
			}

			flipped := slices.Clone(data)
			flipped[len(flipped)-1] ^= 0xFF
			_, err = DecodeDV(tt.file, flipped)
			wantCorruptFile(t, err, tt.file, "CRC")
		})
	}
}

// alternatingDV is the Java-written small-alternating vector (positions 1,
// 3, 5, 7, 9) when the shared vectors are there, else floe's own encoding
// of the same positions, which TestEncodeMatchesJava holds byte-identical.
func alternatingDV(t *testing.T) []byte {
	t.Helper()
	if data, ok := icebergVector(t, "small-alternating-values-position-index.bin"); ok {
		return data
	}
	data, err := EncodeDV([]int64{1, 3, 5, 7, 9})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestEncodeMatchesJava(t *testing.T) {
	java := readIcebergVector(t, "small-alternating-values-position-index.bin")
	ours, err := EncodeDV([]int64{1, 3, 5, 7, 9})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(java, ours) {
		t.Errorf("EncodeDV(1 3 5 7 9) = %x, Java wrote %x", ours, java)
	}
}

func TestDecodeDVRejects(t *testing.T) {
	const name = "data/00001-deletes.puffin"
	valid := alternatingDV(t)
	bitmap := valid[8 : len(valid)-4]
	tests := []struct {
		name    string
		blob    []byte
		mention string
	}{
		{name: "empty", blob: nil, mention: "shorter than"},
		{name: "truncated", blob: valid[:len(valid)-1], mention: "length field"},
		{name: "bad magic", blob: func() []byte { b := slices.Clone(valid); b[4] ^= 1; return b }(), mention: "magic"},
		{name: "bad length", blob: func() []byte { b := slices.Clone(valid); b[3]++; return b }(), mention: "length field"},
		// The framing is valid, so these reach the bitmap checks that
		// iceberg-go and the roaring library leave out.
		{name: "high key", blob: frameDV(alternatingWithKey(bitmap, maxDVKey+1)), mention: "exceeds the largest key"},
		{name: "unsorted array", blob: frameDV(alternatingWithValue(bitmap, 4, 0)), mention: "ascending"},
		{name: "overstated cardinality", blob: frameDV(alternatingWithCard(bitmap, 5)), mention: "truncated"},
		{name: "trailing bytes", blob: frameDV(append(slices.Clone(bitmap), 0)), mention: "after the last"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeDV(name, tt.blob)
			wantCorruptFile(t, err, name, tt.mention)
		})
	}
}

// The small-alternating bitmap: count 1, key 0, cookie 12346, 1 container
// (key 0, cardinality-1 4), offset, values 1 3 5 7 9.
const (
	alternatingKeyAt   = 8
	alternatingCardAt  = 12 + 8 + 2
	alternatingValueAt = 12 + 8 + 4 + 4
)

func alternatingWithKey(bitmap []byte, key uint32) []byte {
	b := slices.Clone(bitmap)
	binary.LittleEndian.PutUint32(b[alternatingKeyAt:], key)
	return b
}

func alternatingWithValue(bitmap []byte, i int, v uint16) []byte {
	b := slices.Clone(bitmap)
	binary.LittleEndian.PutUint16(b[alternatingValueAt+2*i:], v)
	return b
}

func alternatingWithCard(bitmap []byte, cardMinusOne uint16) []byte {
	b := slices.Clone(bitmap)
	binary.LittleEndian.PutUint16(b[alternatingCardAt:], cardMinusOne)
	return b
}

// frameDV wraps a portable bitmap in deletion-vector-v1 framing with a
// correct length and CRC, so decoding reaches the bitmap.
func frameDV(bitmap []byte) []byte {
	b := make([]byte, 8, len(bitmap)+12)
	binary.BigEndian.PutUint32(b, uint32(len(bitmap)+4))
	copy(b[4:], dvMagic[:])
	b = append(b, bitmap...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

func TestEncodeDVRejectsOutOfRange(t *testing.T) {
	for _, p := range []int64{-1, MaxDVPosition + 1} {
		if _, err := EncodeDV([]int64{p}); err == nil {
			t.Errorf("EncodeDV(%d) succeeded, want an out-of-range error", p)
		}
	}
	blob, err := EncodeDV([]int64{MaxDVPosition, 0, MaxDVPosition})
	if err != nil {
		t.Fatalf("EncodeDV(MaxDVPosition): %v", err)
	}
	bm, err := DecodeDV("max.bin", blob)
	if err != nil {
		t.Fatalf("DecodeDV: %v", err)
	}
	if diff := cmp.Diff([]int64{0, MaxDVPosition}, dvPositions(bm)); diff != "" {
		t.Errorf("positions (-want +got):\n%s", diff)
	}
}

func TestDecodePortableRoaringVectors(t *testing.T) {
	var spread []int64
	for key := range int64(10) {
		spread = append(spread, posRange(key<<32, key<<32+10)...)
	}
	tests := []struct {
		file    string
		want    []int64
		mention string // non-empty: must be rejected with this in the error
	}{
		{file: "64mapempty.bin"},
		// The README asks only that these read; the positions are the
		// RoaringFormatSpec examples' (keys 0..9, low values 0..9).
		{file: "64map32bitvals.bin", want: posRange(0, 10)},
		{file: "64mapspreadvals.bin", want: spread},
		{file: "64maphighvals.bin", mention: "exceeds the largest key Iceberg allows"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := readIcebergVector(t, tt.file)
			bm, err := DecodePortableRoaring(tt.file, data)
			if tt.mention != "" {
				wantCorruptFile(t, err, tt.file, tt.mention)
				return
			}
			if err != nil {
				t.Fatalf("DecodePortableRoaring: %v", err)
			}
			if diff := cmp.Diff(tt.want, dvPositions(bm)); diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
			if bm.IsEmpty() != (len(tt.want) == 0) {
				t.Errorf("IsEmpty() = %v with %d positions", bm.IsEmpty(), len(tt.want))
			}
			// Framed as a deletion vector, the same bitmap decodes the same.
			framed, err := DecodeDV(tt.file, frameDV(data))
			if err != nil {
				t.Fatalf("DecodeDV(framed): %v", err)
			}
			if diff := cmp.Diff(tt.want, dvPositions(framed)); diff != "" {
				t.Errorf("framed positions (-want +got):\n%s", diff)
			}
		})
	}
}

var (
	puffinSampleData0 = []byte("abcdefghi")
	puffinSampleData1 = []byte("some blob \u0000 binary data 🤯 that is not very very very very very very long, is it?")
)

// puffinSampleBlobs are the two blobs of the sample-metric-data files; offset and
// stored length differ between the raw and zstd files.
func puffinSampleBlobs(codec string, len0, len1 int64) []PuffinBlob {
	return []PuffinBlob{
		{Type: "some-blob", Fields: []int32{1}, SnapshotID: 2, SequenceNumber: 1,
			Offset: 4, Length: len0, CompressionCodec: codec, Data: puffinSampleData0},
		{Type: "some-other-blob", Fields: []int32{2}, SnapshotID: 2, SequenceNumber: 1,
			Offset: 4 + len0, Length: len1, CompressionCodec: codec, Data: puffinSampleData1},
	}
}

func TestReadPuffinVectors(t *testing.T) {
	createdBy := map[string]string{"created-by": "Test 1234"}
	tests := []struct {
		file       string
		footerSize int64
		want       *PuffinFile
	}{
		{file: "empty-puffin-uncompressed.bin", footerSize: 28, want: &PuffinFile{}},
		{file: "sample-metric-data-uncompressed.bin", footerSize: 259,
			want: &PuffinFile{Properties: createdBy, Blobs: puffinSampleBlobs("", 9, 83)}},
		{file: "sample-metric-data-compressed-zstd.bin", footerSize: 314,
			want: &PuffinFile{Properties: createdBy, Blobs: puffinSampleBlobs("zstd", 22, 77)}},
	}
	for _, tt := range tests {
		for _, footerSize := range []int64{0, tt.footerSize} {
			t.Run(fmt.Sprintf("%s/footer=%d", tt.file, footerSize), func(t *testing.T) {
				data := readIcebergVector(t, tt.file)
				got, err := ReadPuffin(tt.file, bytes.NewReader(data), int64(len(data)), footerSize)
				if err != nil {
					t.Fatalf("ReadPuffin(footerSize %d): %v", footerSize, err)
				}
				if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("ReadPuffin(footerSize %d) (-want +got):\n%s", footerSize, diff)
				}
			})
		}
	}
}

// withLZ4Footer rewrites a Puffin file's footer payload as an LZ4 frame with
// the compressed flag set, which the spec allows and Java does not yet write.
func withLZ4Footer(tb testing.TB, file []byte) []byte {
	tb.Helper()
	payloadSize := int64(binary.LittleEndian.Uint32(file[len(file)-12:]))
	payloadStart := int64(len(file)) - 12 - payloadSize
	var lz bytes.Buffer
	w := lz4.NewWriter(&lz)
	if err := w.Apply(lz4.SizeOption(uint64(payloadSize))); err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write(file[payloadStart : payloadStart+payloadSize]); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	out := append(slices.Clone(file[:payloadStart]), lz.Bytes()...)
	out = binary.LittleEndian.AppendUint32(out, uint32(lz.Len()))
	out = binary.LittleEndian.AppendUint32(out, 1) // FooterPayloadCompressed
	return append(out, puffinMagic[:]...)
}

func TestReadPuffinCompressedFooter(t *testing.T) {
	const file = "sample-metric-data-uncompressed.bin"
	data := withLZ4Footer(t, readIcebergVector(t, file))
	got, err := ReadPuffin(file, bytes.NewReader(data), int64(len(data)), 0)
	if err != nil {
		t.Fatalf("ReadPuffin: %v", err)
	}
	want := &PuffinFile{Properties: map[string]string{"created-by": "Test 1234"}, Blobs: puffinSampleBlobs("", 9, 83)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadPuffin (-want +got):\n%s", diff)
	}
}

func TestReadPuffinWrongFooterSize(t *testing.T) {
	const file = "sample-metric-data-compressed-zstd.bin"
	const footerSize = 314
	data := readIcebergVector(t, file)
	// Java's TestPuffinReader tries the same offsets.
	for _, delta := range []int64{-1, 1, -10, 10, -1000, 1000} {
		_, err := ReadPuffin(file, bytes.NewReader(data), int64(len(data)), footerSize+delta)
		wantCorruptFile(t, err, file, "footer size")
	}

	// A footer size that lands on "PFA1" inside blob data is caught by the
	// payload size in the trailer.
	var buf bytes.Buffer
	w, err := puffin.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddBlob(puffin.BlobMetadataInput{Type: "some-blob", Fields: []int32{1}}, []byte("PFA1 inside a blob")); err != nil {
		t.Fatal(err)
	}
	if err := w.Finish(); err != nil {
		t.Fatal(err)
	}
	const name = "magic-in-blob.puffin"
	_, err = ReadPuffin(name, bytes.NewReader(buf.Bytes()), int64(buf.Len()), int64(buf.Len()-4))
	wantCorruptFile(t, err, name, "does not match the file's footer")
}

// failingPuffinReader fails every read past off.
type failingPuffinReader struct {
	r   io.ReaderAt
	off int64
}

var errDiskFailure = errors.New("disk on fire")

func (f failingPuffinReader) ReadAt(p []byte, off int64) (int, error) {
	if off+int64(len(p)) > f.off {
		return 0, errDiskFailure
	}
	return f.r.ReadAt(p, off)
}

func TestReadPuffinRejects(t *testing.T) {
	const name = "stats/00001.stats"
	zstdFile := readIcebergVector(t, "sample-metric-data-compressed-zstd.bin")
	tests := []struct {
		name    string
		data    []byte
		mention string
	}{
		{name: "truncated", data: zstdFile[:len(zstdFile)-1], mention: "magic"},
		{name: "empty", data: nil, mention: "too small"},
		{name: "damaged zstd blob", data: func() []byte { b := slices.Clone(zstdFile); b[10] ^= 0xFF; return b }(), mention: "zstd"},
		{name: "damaged footer", data: func() []byte { b := slices.Clone(zstdFile); b[len(b)-40] = '{'; return b }(), mention: "footer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadPuffin(name, bytes.NewReader(tt.data), int64(len(tt.data)), 0)
			wantCorruptFile(t, err, name, tt.mention)
		})
	}

	t.Run("unsupported codec", func(t *testing.T) {
		data := bytes.Replace(zstdFile, []byte(`"zstd"`), []byte(`"gzip"`), 1)
		_, err := ReadPuffin(name, bytes.NewReader(data), int64(len(data)), 0)
		if err == nil || errors.Is(err, ErrCorruptFile) || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), `"gzip"`) {
			t.Errorf("got %v, want an unsupported-codec error naming %s that is not ErrCorruptFile", err, name)
		}
	})

	t.Run("read error", func(t *testing.T) {
		r := failingPuffinReader{r: bytes.NewReader(zstdFile), off: 50}
		_, err := ReadPuffin(name, r, int64(len(zstdFile)), 0)
		if !errors.Is(err, errDiskFailure) || errors.Is(err, ErrCorruptFile) || !strings.Contains(err.Error(), name) {
			t.Errorf("got %v, want the read error naming %s, not ErrCorruptFile", err, name)
		}
	})

	t.Run("reader shorter than size", func(t *testing.T) {
		_, err := ReadPuffin(name, bytes.NewReader(zstdFile[:100]), int64(len(zstdFile)), 0)
		wantCorruptFile(t, err, name, "EOF")
	})
}

// refDV decodes a deletion-vector-v1 blob straight from the Puffin spec and
// RoaringFormatSpec, independently of iceberg-go, the roaring library and
// checkPortableRoaring, as the fuzzers' oracle. Instead of checking each
// structure it relies on one property of a valid bitmap: enumerated in
// stored order, its positions strictly ascend, and each container holds the
// cardinality its header declares. It returns the cardinality, and the
// positions when there are at most limit of them.
func refDV(blob []byte, limit int64) (card int64, out []int64, err error) {
	if len(blob) < 12 || int(binary.BigEndian.Uint32(blob)) != len(blob)-8 ||
		!bytes.Equal(blob[4:8], []byte{0xD1, 0xD3, 0x39, 0x64}) ||
		crc32.ChecksumIEEE(blob[4:len(blob)-4]) != binary.BigEndian.Uint32(blob[len(blob)-4:]) {
		return 0, nil, errors.New("bad framing")
	}
	b := blob[8 : len(blob)-4]
	type run struct{ from, to int64 } // [from, to)
	var runs []run
	last := int64(-1)
	// add records the values [from, to) of the container holding them.
	add := func(from, to int64) error {
		if from <= last {
			return fmt.Errorf("position %d does not ascend past %d", from, last)
		}
		if to-1 > MaxDVPosition {
			return fmt.Errorf("position %d too large", to-1)
		}
		last = to - 1
		card += to - from
		runs = append(runs, run{from, to})
		return nil
	}
	have := func(o, n int) bool { return n >= 0 && len(b)-o >= n }
	u16 := func(o int) int { return int(binary.LittleEndian.Uint16(b[o:])) }
	u32 := func(o int) uint32 { return binary.LittleEndian.Uint32(b[o:]) }
	if !have(0, 8) {
		return 0, nil, errors.New("short count")
	}
	count, o := binary.LittleEndian.Uint64(b), 8
	for range count {
		if !have(o, 8) {
			return 0, nil, errors.New("short bitmap")
		}
		key, cookie := int64(u32(o)), u32(o+4)
		o += 8
		var n int
		var runFlags []byte
		switch {
		case cookie&0xFFFF == 12347:
			n = int(cookie>>16) + 1
			if !have(o, (n+7)/8) {
				return 0, nil, errors.New("short run flags")
			}
			runFlags = b[o : o+(n+7)/8]
			o += (n + 7) / 8
		case cookie == 12346 && have(o, 4) && u32(o) <= 1<<16:
			n = int(u32(o))
			o += 4
		default:
			return 0, nil, errors.New("bad cookie")
		}
		hdr := o
		o += 4 * n
		if runFlags == nil || n >= 4 {
			o += 4 * n // offsets
		}
		if o > len(b) {
			return 0, nil, errors.New("short headers")
		}
		for i := range n {
			base := key<<32 | int64(u16(hdr+4*i))<<16
			want := int64(u16(hdr+4*i+2)) + 1
			before := card
			switch {
			case runFlags != nil && runFlags[i/8]>>(i%8)&1 == 1:
				if !have(o, 2) || !have(o+2, 4*u16(o)) {
					return 0, nil, errors.New("short runs")
				}
				nr := u16(o)
				o += 2
				for r := range nr {
					start, length := int64(u16(o+4*r)), int64(u16(o+4*r+2))+1
					if start+length > 1<<16 {
						return 0, nil, errors.New("run leaves its container")
					}
					if err := add(base+start, base+start+length); err != nil {
						return 0, nil, err
					}
				}
				o += 4 * nr
			case want > 4096:
				if !have(o, 8192) {
					return 0, nil, errors.New("short bitset")
				}
				for v := range int64(1 << 16) {
					if b[o+int(v/8)]>>(v%8)&1 == 1 {
						if err := add(base+v, base+v+1); err != nil {
							return 0, nil, err
						}
					}
				}
				o += 8192
			default:
				if !have(o, 2*int(want)) {
					return 0, nil, errors.New("short array")
				}
				for v := range int(want) {
					p := base + int64(u16(o+2*v))
					if err := add(p, p+1); err != nil {
						return 0, nil, err
					}
				}
				o += 2 * int(want)
			}
			if card-before != want {
				return 0, nil, fmt.Errorf("container declares %d values, holds %d", want, card-before)
			}
		}
	}
	if o != len(b) {
		return 0, nil, errors.New("trailing bytes")
	}
	if card <= limit {
		for _, r := range runs {
			out = append(out, posRange(r.from, r.to)...)
		}
	}
	return card, out, nil
}

// fuzzPositionLimit bounds the positions the fuzzers materialise: a few
// bytes of run containers can describe billions.
const fuzzPositionLimit = 1 << 20

// checkDecodeDV decodes blob and checks that DecodeDV accepts exactly what
// refDV accepts, that the positions agree, and that re-encoding round-trips.
func checkDecodeDV(t *testing.T, name string, blob []byte) {
	bm, err := DecodeDV(name, blob)
	card, want, refErr := refDV(blob, fuzzPositionLimit)
	if err != nil {
		if !errors.Is(err, ErrCorruptFile) || !strings.Contains(err.Error(), name) {
			t.Fatalf("error %q does not name %s or wrap ErrCorruptFile", err, name)
		}
		if refErr == nil {
			t.Fatalf("DecodeDV rejects a blob the reference decoder accepts: %v\n% x", err, blob)
		}
		return
	}
	if refErr != nil {
		t.Fatalf("DecodeDV accepts a blob the reference decoder rejects (%v):\n% x", refErr, blob)
	}
	if bm.Cardinality() != card {
		t.Fatalf("Cardinality() = %d, reference decoder counts %d", bm.Cardinality(), card)
	}
	if card > fuzzPositionLimit {
		return
	}
	got := dvPositions(bm)
	if diff := diffPositions(want, got); diff != "" {
		t.Fatalf("positions differ from the reference decoder (-want +got):\n%s", diff)
	}
	for _, p := range got {
		if !bm.Contains(uint64(p)) {
			t.Fatalf("Contains(%d) is false for a position Positions yields", p)
		}
	}
	enc, err := EncodeDV(got)
	if err != nil {
		t.Fatalf("EncodeDV of decoded positions: %v", err)
	}
	again, err := DecodeDV(name, enc)
	if err != nil {
		t.Fatalf("DecodeDV of re-encoded positions: %v", err)
	}
	if diff := diffPositions(got, dvPositions(again)); diff != "" {
		t.Fatalf("re-encoded positions differ (-first +second):\n%s", diff)
	}
}

func FuzzDecodeDV(f *testing.F) {
	for _, v := range []string{
		"empty-position-index.bin",
		"small-alternating-values-position-index.bin",
		"small-and-large-values-position-index.bin",
		"all-container-types-position-index.bin",
	} {
		data, ok := icebergVector(f, v)
		if !ok {
			continue
		}
		f.Add(data)
		flipped := slices.Clone(data)
		flipped[len(flipped)-1] ^= 0xFF
		f.Add(flipped)
	}
	for _, v := range []string{"64mapempty.bin", "64map32bitvals.bin", "64mapspreadvals.bin", "64maphighvals.bin"} {
		if data, ok := icebergVector(f, v); ok {
			f.Add(data)
		}
	}
	// The vectors have no bitset containers and no run container with
	// more than one run; give the fuzzer both.
	var runs, bitset []int64
	for i := range int64(3) {
		runs = append(runs, posRange(dvPos(i, i, 10*i), dvPos(i, i, 10*i+5))...)
		runs = append(runs, posRange(dvPos(i, i, 100), dvPos(i, i, 200))...)
	}
	for v := range int64(5000) {
		bitset = append(bitset, dvPos(1, 3, 2*v))
	}
	for _, positions := range [][]int64{runs, bitset} {
		blob, err := EncodeDV(positions)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(blob)
	}
	const name = "fuzz/deletes.puffin"
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecodeDV(t, name, data)
		// Mutations almost never keep the CRC valid; re-framing lets them
		// reach the bitmap, whether data is a bitmap or a framed one.
		checkDecodeDV(t, name, frameDV(data))
		if len(data) >= dvFramingSize {
			checkDecodeDV(t, name, frameDV(data[8:len(data)-4]))
		}
	})
}

func FuzzReadPuffin(f *testing.F) {
	for v, footerSize := range map[string]int64{
		"empty-puffin-uncompressed.bin":          28,
		"sample-metric-data-uncompressed.bin":    259,
		"sample-metric-data-compressed-zstd.bin": 314,
	} {
		data, ok := icebergVector(f, v)
		if !ok {
			continue
		}
		f.Add(data, int64(0))
		f.Add(data, footerSize)
		f.Add(data, footerSize+1)
	}
	// A deletion vector in a Puffin file, as floe writes them.
	dvSeed, err := EncodeDV([]int64{0, 2, 4, 6, 8})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := puffin.NewWriter(&buf)
	if err != nil {
		f.Fatal(err)
	}
	if _, err := w.AddBlob(puffin.BlobMetadataInput{
		Type: puffin.BlobTypeDeletionVector, Fields: []int32{}, SnapshotID: -1, SequenceNumber: -1,
		Properties: map[string]string{"referenced-data-file": "data/a.parquet", "cardinality": "5"},
	}, dvSeed); err != nil {
		f.Fatal(err)
	}
	if err := w.Finish(); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes(), int64(0))
	if data, ok := icebergVector(f, "sample-metric-data-compressed-zstd.bin"); ok {
		f.Add(withLZ4Footer(f, data), int64(0))
	}

	const name = "fuzz/stats.puffin"
	f.Fuzz(func(t *testing.T, data []byte, footerSize int64) {
		pf, err := ReadPuffin(name, bytes.NewReader(data), int64(len(data)), footerSize)
		if err != nil {
			if !strings.Contains(err.Error(), name) {
				t.Fatalf("error %q does not name %s", err, name)
			}
			if !errors.Is(err, ErrCorruptFile) && !errors.Is(err, errUnsupportedCodec) {
				t.Fatalf("error %q is neither ErrCorruptFile nor an unsupported codec", err)
			}
			return
		}
		for i, b := range pf.Blobs {
			if b.Offset < 4 || b.Length < 0 || b.Offset+b.Length > int64(len(data)) {
				t.Fatalf("blob %d [%d, +%d) lies outside the %d-byte file", i, b.Offset, b.Length, len(data))
			}
			if b.CompressionCodec == "" && !bytes.Equal(b.Data, data[b.Offset:b.Offset+b.Length]) {
				t.Fatalf("blob %d data differs from the stored bytes", i)
			}
			if b.Type == string(puffin.BlobTypeDeletionVector) {
				checkDecodeDV(t, name, b.Data)
			}
		}
		if footerSize != 0 {
			without, err := ReadPuffin(name, bytes.NewReader(data), int64(len(data)), 0)
			if err != nil {
				t.Fatalf("read with footer size %d succeeds, without fails: %v", footerSize, err)
			}
			if diff := cmp.Diff(pf, without); diff != "" {
				t.Fatalf("footer size changes the result (-with +without):\n%s", diff)
			}
		}
	})
}
