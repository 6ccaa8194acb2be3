package engine

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/bits"
	"sync"

	"github.com/apache/iceberg-go/puffin"
	"github.com/apache/iceberg-go/table/dv"
	"github.com/klauspost/compress/zstd"
)

// This file is floe's reading (and, for deletion vectors, writing) of the
// binary formats behind v3 row-level deletes: deletion-vector-v1 blobs, the
// portable 64-bit roaring bitmap inside them, and the Puffin files that hold
// them. iceberg-go does the decoding; floe adds what iceberg-go leaves out:
//
//   - iceberg-go and the roaring library trust a bitmap's contents: neither
//     checks the Iceberg key bound (Java rejects keys above
//     Integer.MAX_VALUE-1), container order, that array containers are
//     sorted, that runs do not overlap, or that the cardinality a container
//     declares is the one it holds. A bitmap that breaks any of these decodes
//     without error into wrong positions (or ones Java would refuse), so
//     checkPortableRoaring walks the bytes first.
//   - iceberg-go's puffin reader rejects compressed blobs and cannot check a
//     footer size recorded in table metadata; ReadPuffin does both.
//
// Every error names the file and, when the bytes are at fault, wraps
// ErrCorruptFile.

// MaxDVPosition is the largest row position a deletion vector may hold. It is
// Java's RoaringPositionBitmap.MAX_POSITION: the high 32 bits at most
// Integer.MAX_VALUE-1, the low 32 bits at most 2^31.
const MaxDVPosition int64 = maxDVKey<<32 | 1<<31

// maxDVKey is the largest high-32-bit key of a position, as Java's reader
// enforces ("Key is too large").
const maxDVKey = math.MaxInt32 - 1

// Deletion-vector-v1 framing, https://iceberg.apache.org/puffin-spec/#deletion-vector-v1-blob-type:
// 4-byte big-endian length of magic+bitmap, magic D1 D3 39 64, bitmap,
// 4-byte big-endian CRC-32 of magic+bitmap.
var dvMagic = [4]byte{0xD1, 0xD3, 0x39, 0x64}

const dvFramingSize = 4 + 4 + 4 // length, magic, CRC

// corruptFile wraps err as a format error in the file name.
func corruptFile(op, name string, err error) error {
	return fmt.Errorf("%s %s: %w: %w", op, name, ErrCorruptFile, err)
}

// DecodeDV decodes a deletion-vector-v1 blob read from the file name. It
// checks the length, magic and CRC-32 framing and every structural rule of
// the bitmap inside; all errors name the file and wrap ErrCorruptFile.
// Deletion vectors a table's manifests point to are read with
// ReadDeletionVectors, which also checks them against the manifest.
func DecodeDV(name string, blob []byte) (*dv.RoaringPositionBitmap, error) {
	const op = "decode deletion vector"
	inner, _, err := checkDV(blob)
	if err != nil {
		return nil, corruptFile(op, name, err)
	}
	bm, err := dv.DeserializeRoaringPositionBitmap(inner)
	if err != nil {
		return nil, corruptFile(op, name, err)
	}
	return bm, nil
}

// checkDV checks a deletion-vector-v1 blob's framing and the bitmap inside
// without decoding it, and returns the bitmap's bytes and what it holds.
func checkDV(blob []byte) ([]byte, bitmapStats, error) {
	inner, err := dvBitmapBytes(blob)
	if err != nil {
		return nil, bitmapStats{}, err
	}
	st, err := checkPortableRoaring(inner)
	if err != nil {
		return nil, bitmapStats{}, err
	}
	return inner, st, nil
}

// dvBitmapBytes checks a deletion vector's framing and returns the portable
// bitmap it frames. iceberg-go's DeserializeDV makes the same checks; making
// them here first lets a CRC failure be reported as such before
// checkPortableRoaring looks at bytes that are known to be damaged.
func dvBitmapBytes(blob []byte) ([]byte, error) {
	if len(blob) < dvFramingSize {
		return nil, fmt.Errorf("blob is %d bytes, shorter than its %d-byte framing", len(blob), dvFramingSize)
	}
	if n := binary.BigEndian.Uint32(blob); int64(n) != int64(len(blob)-8) {
		return nil, fmt.Errorf("length field is %d, blob holds %d bytes of magic and bitmap", n, len(blob)-8)
	}
	if !bytes.Equal(blob[4:8], dvMagic[:]) {
		return nil, fmt.Errorf("magic is % x, want % x", blob[4:8], dvMagic[:])
	}
	body := blob[4 : len(blob)-4]
	if got, want := crc32.ChecksumIEEE(body), binary.BigEndian.Uint32(blob[len(blob)-4:]); got != want {
		return nil, fmt.Errorf("CRC-32 mismatch: computed 0x%08x, stored 0x%08x", got, want)
	}
	return body[4:], nil
}

// EncodeDV serializes positions as a deletion-vector-v1 blob. Containers are
// run-length encoded where that is smaller, as Java's writer does, so the
// bytes are identical to Java's for the same positions. Order and duplicates
// in positions do not matter.
func EncodeDV(positions []int64) ([]byte, error) {
	bm := dv.NewRoaringPositionBitmap()
	for _, p := range positions {
		if p < 0 || p > MaxDVPosition {
			return nil, fmt.Errorf("encode deletion vector: position %d out of range [0, %d]", p, MaxDVPosition)
		}
		bm.Set(uint64(p))
	}
	blob, err := dv.SerializeDV(bm)
	if err != nil {
		return nil, fmt.Errorf("encode deletion vector: %w", err)
	}
	return blob, nil
}

// DecodePortableRoaring decodes a portable 64-bit roaring bitmap (the
// RoaringFormatSpec 64-bit extension, without deletion-vector framing) read
// from the file name. Keys above the largest Iceberg allows are rejected, as
// Java's reader does. All errors name the file and wrap ErrCorruptFile.
func DecodePortableRoaring(name string, data []byte) (*dv.RoaringPositionBitmap, error) {
	const op = "decode roaring bitmap"
	if _, err := checkPortableRoaring(data); err != nil {
		return nil, corruptFile(op, name, err)
	}
	bm, err := dv.DeserializeRoaringPositionBitmap(data)
	if err != nil {
		return nil, corruptFile(op, name, err)
	}
	return bm, nil
}

// Cookies of the 32-bit roaring format,
// https://github.com/RoaringBitmap/RoaringFormatSpec#general-layout.
const (
	roaringCookie        = 12347 // low 16 bits; high 16 bits hold containers-1
	roaringCookieNoRuns  = 12346 // followed by a 32-bit container count
	roaringNoOffsetLimit = 4     // run-cookie bitmaps with fewer containers omit offsets
	roaringArrayMax      = 4096  // containers above this cardinality are bitsets
	roaringBitsetBytes   = 8192
)

// bitmapStats is what a checked bitmap holds: its cardinality and its
// largest position, -1 when it is empty.
type bitmapStats struct {
	card int64
	max  int64
}

// checkPortableRoaring checks the portable 64-bit roaring bitmap in data:
// a little-endian 64-bit bitmap count, then per bitmap a little-endian 32-bit
// key and a 32-bit roaring bitmap of the low halves
// (https://github.com/RoaringBitmap/RoaringFormatSpec#extension-for-64-bit-implementations).
// Beyond the layout it checks what decoders take on trust: keys ascending
// and within Iceberg's bound, containers ascending, array values ascending,
// runs sorted and disjoint, and each container holding the cardinality its
// header declares. It reads each byte once and allocates nothing.
func checkPortableRoaring(data []byte) (bitmapStats, error) {
	st := bitmapStats{max: -1}
	if len(data) < 8 {
		return st, fmt.Errorf("bitmap count needs 8 bytes, have %d", len(data))
	}
	count := binary.LittleEndian.Uint64(data)
	off := 8
	last := int64(-1)
	for i := uint64(0); i < count; i++ {
		if len(data)-off < 4 {
			return st, fmt.Errorf("bitmap %d of %d: truncated at byte %d", i, count, off)
		}
		key := binary.LittleEndian.Uint32(data[off:])
		if key > maxDVKey {
			return st, fmt.Errorf("bitmap %d: key %d at byte %d exceeds the largest key Iceberg allows (%d)", i, key, off, maxDVKey)
		}
		if int64(key) <= last {
			return st, fmt.Errorf("bitmap %d: key %d at byte %d does not follow key %d in ascending order", i, key, off, last)
		}
		last = int64(key)
		off += 4
		n, err := checkRoaring32(data[off:], key, &st)
		if err != nil {
			return st, fmt.Errorf("bitmap %d (key %d) at byte %d: %w", i, key, off, err)
		}
		off += n
	}
	if off != len(data) {
		return st, fmt.Errorf("%d bytes after the last of %d bitmaps", len(data)-off, count)
	}
	return st, nil
}

// byteCursor reads little-endian values from a byte slice.
type byteCursor struct {
	b   []byte
	off int
}

func (c *byteCursor) next(n int, what string) ([]byte, error) {
	if n < 0 || len(c.b)-c.off < n {
		return nil, fmt.Errorf("%s truncated: need %d bytes at offset %d, have %d", what, n, c.off, len(c.b)-c.off)
	}
	b := c.b[c.off : c.off+n]
	c.off += n
	return b, nil
}

// checkRoaring32 checks the 32-bit roaring bitmap at the start of b, whose
// values are the low halves of positions under key, adds what it holds to
// st, and returns its length. Keys ascend, so the last position it checks
// is the largest so far.
func checkRoaring32(b []byte, key uint32, st *bitmapStats) (int, error) {
	c := byteCursor{b: b}
	head, err := c.next(4, "cookie")
	if err != nil {
		return 0, err
	}
	cookie := binary.LittleEndian.Uint32(head)
	var (
		n          int
		runFlags   []byte
		hasOffsets = true
	)
	switch {
	case cookie&0xFFFF == roaringCookie:
		n = int(cookie>>16) + 1
		if runFlags, err = c.next((n+7)/8, "run flags"); err != nil {
			return 0, err
		}
		hasOffsets = n >= roaringNoOffsetLimit
	case cookie == roaringCookieNoRuns:
		cnt, err := c.next(4, "container count")
		if err != nil {
			return 0, err
		}
		v := binary.LittleEndian.Uint32(cnt)
		if v > 1<<16 {
			return 0, fmt.Errorf("%d containers, more than the 65536 a 32-bit bitmap can have", v)
		}
		n = int(v)
	default:
		return 0, fmt.Errorf("unknown roaring cookie 0x%08x", cookie)
	}
	header, err := c.next(4*n, "container headers")
	if err != nil {
		return 0, err
	}
	if hasOffsets {
		// The offsets repeat what the headers imply; decoders skip them.
		if _, err := c.next(4*n, "container offsets"); err != nil {
			return 0, err
		}
	}
	prev := -1
	for i := range n {
		ck := int(binary.LittleEndian.Uint16(header[4*i:]))
		card := int(binary.LittleEndian.Uint16(header[4*i+2:])) + 1
		if ck <= prev {
			return 0, fmt.Errorf("container %d: key %d does not follow key %d in ascending order", i, ck, prev)
		}
		prev = ck
		var held, maxVal int
		switch {
		case runFlags != nil && runFlags[i/8]&(1<<(i%8)) != 0:
			held, maxVal, err = checkRunContainer(&c)
		case card > roaringArrayMax:
			held, maxVal, err = checkBitsetContainer(&c)
		default:
			held, maxVal, err = checkArrayContainer(&c, card)
		}
		if err != nil {
			return 0, fmt.Errorf("container %d (key %d): %w", i, ck, err)
		}
		if held != card {
			return 0, fmt.Errorf("container %d (key %d): header declares %d values, container holds %d", i, ck, card, held)
		}
		pos := int64(key)<<32 | int64(ck)<<16 | int64(maxVal)
		if pos > MaxDVPosition {
			return 0, fmt.Errorf("container %d (key %d): position %d exceeds the largest Iceberg allows (%d)", i, ck, pos, MaxDVPosition)
		}
		st.card += int64(held)
		st.max = pos
	}
	return c.off, nil
}

// checkRunContainer checks a run container: a 16-bit run count, then
// (start, length-1) pairs that must be sorted, disjoint and end by 65535.
func checkRunContainer(c *byteCursor) (held, maxVal int, err error) {
	nb, err := c.next(2, "run count")
	if err != nil {
		return 0, 0, err
	}
	nruns := int(binary.LittleEndian.Uint16(nb))
	if nruns == 0 {
		return 0, 0, errors.New("run container has no runs")
	}
	runs, err := c.next(4*nruns, "runs")
	if err != nil {
		return 0, 0, err
	}
	end := -1
	for r := range nruns {
		start := int(binary.LittleEndian.Uint16(runs[4*r:]))
		length := int(binary.LittleEndian.Uint16(runs[4*r+2:])) + 1
		if start <= end {
			return 0, 0, fmt.Errorf("run %d starts at %d, inside or before the previous run ending at %d", r, start, end)
		}
		end = start + length - 1
		if end > 0xFFFF {
			return 0, 0, fmt.Errorf("run %d [%d, %d] runs past 65535", r, start, end)
		}
		held += length
	}
	return held, end, nil
}

// checkBitsetContainer counts a 65536-bit bitset container.
func checkBitsetContainer(c *byteCursor) (held, maxVal int, err error) {
	set, err := c.next(roaringBitsetBytes, "bitset")
	if err != nil {
		return 0, 0, err
	}
	for w := 0; w < len(set); w += 8 {
		word := binary.LittleEndian.Uint64(set[w:])
		if word != 0 {
			held += bits.OnesCount64(word)
			maxVal = w*8 + 63 - bits.LeadingZeros64(word)
		}
	}
	return held, maxVal, nil
}

// checkArrayContainer checks an array container of card 16-bit values,
// which must be strictly ascending.
func checkArrayContainer(c *byteCursor, card int) (held, maxVal int, err error) {
	vals, err := c.next(2*card, "array")
	if err != nil {
		return 0, 0, err
	}
	prev := -1
	for i := range card {
		v := int(binary.LittleEndian.Uint16(vals[2*i:]))
		if v <= prev {
			return 0, 0, fmt.Errorf("array value %d at index %d does not follow %d in ascending order", v, i, prev)
		}
		prev = v
	}
	return card, prev, nil
}

// PuffinFile is the content of a Puffin file
// (https://iceberg.apache.org/puffin-spec/): its footer properties and every
// blob with its data.
type PuffinFile struct {
	// Properties are the file-level footer properties, such as "created-by".
	Properties map[string]string
	// Blobs are the footer's blobs in footer order.
	Blobs []PuffinBlob
}

// PuffinBlob is one blob of a Puffin file: its footer metadata and its data,
// decompressed.
type PuffinBlob struct {
	// Type is the blob type, such as "deletion-vector-v1".
	Type string
	// Fields are the ids of the columns the blob was computed from.
	Fields []int32
	// SnapshotID and SequenceNumber identify the snapshot the blob was
	// computed from; both are -1 for deletion vectors.
	SnapshotID     int64
	SequenceNumber int64
	// Offset and Length locate the stored (possibly compressed) bytes in the file.
	Offset int64
	Length int64
	// CompressionCodec is the codec the stored bytes use; empty when stored raw.
	CompressionCodec string
	// Properties are the blob's footer properties.
	Properties map[string]string
	// Data is the blob's content after decompression.
	Data []byte
}

// Puffin footer layout: footer magic, payload, 4-byte payload size, 4-byte
// flags, magic.
var puffinMagic = [4]byte{'P', 'F', 'A', '1'}

const puffinFooterFraming = 4 + 4 + 4 + 4

// ReadPuffin reads the Puffin file name of size bytes from r: its
// properties and every blob, decompressed. A footerSize of zero means
// unknown; any other value is the footer size table metadata recorded for
// the file (footer magic through trailing magic, as Java's PuffinReader
// counts it), and the file must agree with it. Format errors, including a footer size that does not match, wrap
// ErrCorruptFile; every error names the file.
func ReadPuffin(name string, r io.ReaderAt, size int64, footerSize int64) (*PuffinFile, error) {
	const op = "read puffin"
	if size < 0 {
		return nil, fmt.Errorf("%s %s: negative size %d", op, name, size)
	}
	rt := &recordingReaderAt{r: r}
	// fail reports err as corruption unless reading the file failed, in
	// which case the read error is what the caller needs to see.
	fail := func(err error) error {
		if rt.err != nil {
			return fmt.Errorf("%s %s: %w", op, name, rt.err)
		}
		return corruptFile(op, name, err)
	}
	if footerSize != 0 {
		if err := checkFooterSize(rt, size, footerSize); err != nil {
			return nil, fail(err)
		}
	}
	pr, err := puffin.NewReader(io.NewSectionReader(rt, 0, size))
	if err != nil {
		return nil, fail(err)
	}
	metas := pr.Blobs()
	out := &PuffinFile{Properties: pr.Properties(), Blobs: make([]PuffinBlob, 0, len(metas))}
	for i, m := range metas {
		b := PuffinBlob{
			Type:           string(m.Type),
			Fields:         m.Fields,
			SnapshotID:     m.SnapshotID,
			SequenceNumber: m.SequenceNumber,
			Offset:         m.Offset,
			Length:         m.Length,
			Properties:     m.Properties,
		}
		if m.CompressionCodec != nil {
			b.CompressionCodec = *m.CompressionCodec
		}
		// iceberg-go refuses to read compressed blobs; read the stored
		// bytes as raw and decompress them here.
		m.CompressionCodec = nil
		stored, err := pr.ReadBlobByMetadata(m)
		if err != nil {
			return nil, fail(fmt.Errorf("blob %d (%s): %w", i, b.Type, err))
		}
		if b.Data, err = decompressBlob(b.CompressionCodec, stored); err != nil {
			if errors.Is(err, errUnsupportedCodec) {
				return nil, fmt.Errorf("%s %s: blob %d (%s): %w", op, name, i, b.Type, err)
			}
			return nil, fail(fmt.Errorf("blob %d (%s): %w", i, b.Type, err))
		}
		out.Blobs = append(out.Blobs, b)
	}
	return out, nil
}

// checkFooterSize checks that the file's footer is footerSize bytes: the
// footer magic sits footerSize bytes before the end and the payload size in
// the trailer accounts for the rest.
func checkFooterSize(r io.ReaderAt, size, footerSize int64) error {
	if footerSize < puffinFooterFraming || footerSize > size-int64(len(puffinMagic)) {
		return fmt.Errorf("footer size %d is impossible for a %d-byte file", footerSize, size)
	}
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], size-footerSize); err != nil {
		return fmt.Errorf("footer size %d: read footer magic: %w", footerSize, err)
	}
	if magic != puffinMagic {
		return fmt.Errorf("footer size %d does not match the file: no footer magic at offset %d", footerSize, size-footerSize)
	}
	var trailer [12]byte
	if _, err := r.ReadAt(trailer[:], size-int64(len(trailer))); err != nil {
		return fmt.Errorf("footer size %d: read footer trailer: %w", footerSize, err)
	}
	if actual := int64(binary.LittleEndian.Uint32(trailer[:4])) + puffinFooterFraming; actual != footerSize {
		return fmt.Errorf("footer size %d does not match the file's footer of %d bytes", footerSize, actual)
	}
	return nil
}

// recordingReaderAt remembers the first read error that is not the end of
// the data, so ReadPuffin can tell a failing disk from a damaged file.
type recordingReaderAt struct {
	r   io.ReaderAt
	err error
}

func (t *recordingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := t.r.ReadAt(p, off)
	if n == len(p) && errors.Is(err, io.EOF) {
		// io.ReaderAt allows EOF with a full read; iceberg-go treats any
		// error as a failure.
		err = nil
	}
	if err != nil && !errors.Is(err, io.EOF) && t.err == nil {
		t.err = err
	}
	return n, err
}

// errUnsupportedCodec marks a blob codec floe cannot decompress: the file
// may be sound, so ReadPuffin does not call it corrupt.
var errUnsupportedCodec = errors.New("unsupported compression codec")

// zstdDecoder is shared because a decoder is costly to build and DecodeAll
// is safe for concurrent use.
var zstdDecoder = sync.OnceValues(func() (*zstd.Decoder, error) {
	return zstd.NewReader(nil, zstd.WithDecoderMaxMemory(puffin.DefaultMaxBlobSize))
})

// zstdMaxRatio bounds how much a zstd frame can expand: a block decodes to
// at most 128 KiB and takes at least 4 bytes (an RLE block), so a frame that
// declares more than 32768 bytes out per byte in is corrupt. Checking it
// keeps a few damaged header bytes from making the decoder allocate the
// declared size up front.
const zstdMaxRatio = 128 << 10 / 4

// decompressBlob undoes a blob's compression codec
// (https://iceberg.apache.org/puffin-spec/#compression-codecs).
func decompressBlob(codec string, stored []byte) ([]byte, error) {
	switch codec {
	case "":
		return stored, nil
	case "zstd":
		var h zstd.Header
		if err := h.Decode(stored); err != nil {
			return nil, fmt.Errorf("zstd frame header: %w", err)
		}
		if h.HasFCS && h.FrameContentSize > uint64(len(stored))*zstdMaxRatio {
			return nil, fmt.Errorf("zstd frame of %d bytes declares %d bytes of content, more than it can hold", len(stored), h.FrameContentSize)
		}
		dec, err := zstdDecoder()
		if err != nil {
			return nil, fmt.Errorf("zstd decoder: %w", err)
		}
		data, err := dec.DecodeAll(stored, nil)
		if err != nil {
			return nil, fmt.Errorf("zstd: %w", err)
		}
		return data, nil
	default:
		// Java supports only zstd too: its PuffinFormat leaves lz4 as a TODO.
		return nil, fmt.Errorf("%w %q", errUnsupportedCodec, codec)
	}
}
