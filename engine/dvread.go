package engine

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/puffin"
	"github.com/apache/iceberg-go/table/dv"
)

// This file is the one reader of the deletion vectors a table's manifests
// point to. Scans and row-level DML both read them through Plan.DVs, which
// calls ReadDeletionVectors; nothing else in floe decodes a deletion vector
// a table holds. iceberg-go's dv.ReadDV trusts the bitmap inside the blob
// (see dvformat.go), so a damaged one would delete the wrong rows; here
// every byte is checked, and the result against the manifest entry, before
// a position is believed.

// DVEntry is a deletion vector as a manifest entry describes it (Iceberg
// spec, "Deletion Vectors"), with the record count of the data file it
// applies to.
type DVEntry struct {
	// PuffinFile is the location of the Puffin file holding the vector
	// (the entry's file_path).
	PuffinFile string
	// FileSize is the Puffin file's size, file_size_in_bytes; zero skips
	// the check.
	FileSize int64
	// ContentOffset and ContentSize locate the deletion-vector-v1 blob in
	// the Puffin file (content_offset, content_size_in_bytes).
	ContentOffset, ContentSize int64
	// ReferencedDataFile is the location of the data file whose rows the
	// vector deletes (referenced_data_file).
	ReferencedDataFile string
	// Cardinality is how many positions the vector holds (record_count).
	Cardinality int64
	// DataFileRows is the data file's record count: every position must be
	// below it.
	DataFileRows int64
}

// dvEntry describes the deletion vector f of the data file data. It fails
// when the manifest entry lacks a field the spec requires of a deletion
// vector or points to another data file.
func dvEntry(f, data iceberg.DataFile) (DVEntry, error) {
	e := DVEntry{
		PuffinFile:         f.FilePath(),
		FileSize:           f.FileSizeBytes(),
		ReferencedDataFile: data.FilePath(),
		Cardinality:        f.Count(),
		DataFileRows:       data.Count(),
	}
	off, size, ref := f.ContentOffset(), f.ContentSizeInBytes(), f.ReferencedDataFile()
	switch {
	case off == nil || size == nil:
		return e, e.corrupt(errors.New("the manifest entry has no content_offset and content_size_in_bytes"))
	case ref == nil:
		return e, e.corrupt(errors.New("the manifest entry has no referenced_data_file"))
	case *ref != data.FilePath():
		e.ReferencedDataFile = *ref
		return e, e.corrupt(fmt.Errorf("the manifest entry references %s, but the scan applies it to %s", displayPath(*ref), displayPath(data.FilePath())))
	}
	e.ContentOffset, e.ContentSize = *off, *size
	return e, nil
}

// displayPath is a location as a user knows it: a local path when it is
// one.
func displayPath(loc string) string {
	if p, ok := LocalPath(loc); ok {
		return p
	}
	return loc
}

// corrupt reports err as a fault of the deletion vector e.
func (e DVEntry) corrupt(err error) error {
	return fmt.Errorf("%w in %s for data file %s: %w", ErrCorruptDeletionVector, displayPath(e.PuffinFile), displayPath(e.ReferencedDataFile), err)
}

// ReadDeletionVectors reads the deletion vectors entries describes from one
// Puffin file, size bytes read through r; all entries must name that file.
// It checks the Puffin file (magic, footer, blob offsets and lengths inside
// the file), that each entry's blob is a deletion-vector-v1 blob for its
// data file at the entry's offset and length, the blob's framing and CRC-32,
// every structural rule of the portable roaring bitmap, and that the bitmap
// holds the entry's record_count positions, all below the data file's
// record count. The work is proportional to the blobs' size.
//
// An error that is the bytes' or the manifest's fault wraps
// ErrCorruptDeletionVector; an error reading r does not. Either names the
// Puffin file and the data file.
func ReadDeletionVectors(r io.ReaderAt, size int64, entries []DVEntry) ([]*dv.RoaringPositionBitmap, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	first := entries[0]
	for _, e := range entries[1:] {
		if e.PuffinFile != first.PuffinFile {
			return nil, fmt.Errorf("read deletion vectors: %s and %s are different Puffin files", e.PuffinFile, first.PuffinFile)
		}
	}
	rt := &recordingReaderAt{r: r}
	// fail reports err as a fault of e unless reading failed, in which
	// case the read error is what the caller needs to see.
	fail := func(e DVEntry, err error) error {
		if rt.err != nil {
			return fmt.Errorf("read deletion vector %s for data file %s: %w", displayPath(e.PuffinFile), displayPath(e.ReferencedDataFile), rt.err)
		}
		return e.corrupt(err)
	}
	if first.FileSize != 0 && first.FileSize != size {
		return nil, first.corrupt(fmt.Errorf("the file is %d bytes, the manifest's file_size_in_bytes is %d", size, first.FileSize))
	}
	pr, err := puffin.NewReader(io.NewSectionReader(rt, 0, size))
	if err != nil {
		return nil, fail(first, err)
	}
	blobs := pr.Blobs()
	byOffset := make(map[int64]int, len(blobs))
	for i, b := range blobs {
		if _, dup := byOffset[b.Offset]; !dup {
			byOffset[b.Offset] = i
		}
	}
	out := make([]*dv.RoaringPositionBitmap, len(entries))
	for i, e := range entries {
		bi, ok := byOffset[e.ContentOffset]
		if !ok {
			return nil, e.corrupt(fmt.Errorf("the Puffin footer has no blob at content_offset %d", e.ContentOffset))
		}
		if err := checkDVBlobMetadata(blobs[bi], e); err != nil {
			return nil, e.corrupt(fmt.Errorf("blob %d at offset %d: %w", bi, e.ContentOffset, err))
		}
		// The footer put the blob inside the file, before the footer.
		blob := make([]byte, e.ContentSize)
		if _, err := pr.ReadAt(blob, e.ContentOffset); err != nil {
			return nil, fail(e, fmt.Errorf("blob %d at offset %d: %w", bi, e.ContentOffset, err))
		}
		bm, err := decodeDVEntry(blob, e)
		if err != nil {
			return nil, e.corrupt(fmt.Errorf("blob %d at offset %d: %w", bi, e.ContentOffset, err))
		}
		out[i] = bm
	}
	return out, nil
}

// Blob properties of deletion-vector-v1
// (https://iceberg.apache.org/puffin-spec/#deletion-vector-v1-blob-type).
const (
	dvPropReferencedDataFile = "referenced-data-file"
	dvPropCardinality        = "cardinality"
)

// checkDVBlobMetadata checks a Puffin footer's blob metadata against the
// manifest entry that points to it.
func checkDVBlobMetadata(b puffin.BlobMetadata, e DVEntry) error {
	if b.Type != puffin.BlobTypeDeletionVector {
		return fmt.Errorf("blob type is %q, want %q", b.Type, puffin.BlobTypeDeletionVector)
	}
	if b.Length != e.ContentSize {
		return fmt.Errorf("blob is %d bytes, the manifest's content_size_in_bytes is %d", b.Length, e.ContentSize)
	}
	if b.CompressionCodec != nil && *b.CompressionCodec != "" {
		return fmt.Errorf("blob is compressed with %q; deletion vectors are stored uncompressed", *b.CompressionCodec)
	}
	ref, ok := b.Properties[dvPropReferencedDataFile]
	if !ok {
		return fmt.Errorf("blob has no %s property", dvPropReferencedDataFile)
	}
	if ref != e.ReferencedDataFile {
		return fmt.Errorf("blob's %s is %s, the manifest's is %s", dvPropReferencedDataFile, displayPath(ref), displayPath(e.ReferencedDataFile))
	}
	// The spec requires the cardinality property; Java's reader does not
	// read it, so a vector without it is read and its bitmap counted.
	if v, ok := b.Properties[dvPropCardinality]; ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("blob's %s property %q is not a number", dvPropCardinality, v)
		}
		if n != e.Cardinality {
			return fmt.Errorf("blob's %s property is %d, the manifest's record_count is %d", dvPropCardinality, n, e.Cardinality)
		}
	}
	return nil
}

// decodeDVEntry checks and decodes the deletion-vector-v1 blob of e.
// Everything is checked before the bitmap is built.
func decodeDVEntry(blob []byte, e DVEntry) (*dv.RoaringPositionBitmap, error) {
	inner, st, err := checkDV(blob)
	if err != nil {
		return nil, err
	}
	if st.card != e.Cardinality {
		return nil, fmt.Errorf("bitmap holds %d positions, the manifest's record_count is %d", st.card, e.Cardinality)
	}
	if st.max >= e.DataFileRows {
		return nil, fmt.Errorf("bitmap deletes position %d, but the data file has %d rows", st.max, e.DataFileRows)
	}
	return dv.DeserializeRoaringPositionBitmap(inner)
}
