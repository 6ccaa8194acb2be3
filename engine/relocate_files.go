package engine

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
	"github.com/pierrec/lz4/v4"
	"github.com/twmb/avro"
	"github.com/twmb/avro/ocf"

	"github.com/floehq/floe/engine/vfs"
)

// This file rewrites the paths inside one Iceberg file at a time: Avro
// manifests and manifest lists, position-delete Parquet files, and the
// footers of Puffin deletion-vector files. Each writes a new file and
// leaves the original as it was.

// rawLogicalTypes makes the Avro codec hand over the stored values of
// logical types (int32 days, int64 micros, decimal bytes) and take them
// back, so a record decoded and encoded again is the same bytes.
var rawLogicalTypes = func() []avro.SchemaOpt {
	var opts []avro.SchemaOpt
	for _, lt := range []string{"date", "time-millis", "time-micros", "timestamp-millis", "timestamp-micros", "timestamp-nanos",
		"local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos", "decimal", "uuid", "duration"} {
		opts = append(opts, avro.CustomType{LogicalType: lt})
	}
	return opts
}()

// rewriteAvro copies the Avro container file src on srcFS to dst on
// dstFS, passing every record through edit, with the same schema,
// metadata and codec.
func rewriteAvro(srcFS, dstFS vfs.FS, src, dst string, edit func(rec map[string]any) error) error {
	in, err := srcFS.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	rd, err := ocf.NewReader(in, ocf.WithSchemaOpts(rawLogicalTypes...))
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	defer rd.Close()
	meta := map[string][]byte{}
	for k, v := range rd.Metadata() {
		if !strings.HasPrefix(k, "avro.") {
			meta[k] = v
		}
	}
	opts := []ocf.WriterOpt{ocf.WithMetadata(meta)}
	if s, ok := rd.Metadata()["avro.schema"]; ok {
		opts = append(opts, ocf.WithSchema(string(s)))
	}
	switch codec := string(rd.Metadata()["avro.codec"]); codec {
	case "", "null":
	case "deflate":
		opts = append(opts, ocf.WithCodec(ocf.DeflateCodec(-1)))
	case "snappy":
		opts = append(opts, ocf.WithCodec(ocf.SnappyCodec()))
	case "zstandard":
		opts = append(opts, ocf.WithCodec(ocf.MustZstdCodec(nil, nil)))
	default:
		return fmt.Errorf("read %s: unsupported Avro codec %q", src, codec)
	}
	return vfs.Put(dstFS, dst, func(out io.Writer) error {
		wr, err := ocf.NewWriter(out, rd.Schema(), opts...)
		if err != nil {
			return err
		}
		for {
			var rec any
			if err := rd.Decode(&rec); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return fmt.Errorf("read %s: %w", src, err)
			}
			m, ok := rec.(map[string]any)
			if !ok {
				return fmt.Errorf("read %s: a record decoded as %T", src, rec)
			}
			if err := edit(m); err != nil {
				return err
			}
			if err := wr.Encode(m); err != nil {
				return fmt.Errorf("write %s: %w", dst, err)
			}
		}
		return wr.Close()
	})
}

// rewritePositionDeletes copies a position-delete Parquet file with its
// file_path column (field id 2147483546) mapped.
func rewritePositionDeletes(ctx context.Context, srcFS, dstFS vfs.FS, src, dst string, mapLoc func(string) string) error {
	in, err := srcFS.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tbl, err := pqarrow.ReadTable(ctx, in, nil, pqarrow.ArrowReadProperties{}, memory.DefaultAllocator)
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	defer tbl.Release()
	idx := tbl.Schema().FieldIndices("file_path")
	if len(idx) != 1 {
		return fmt.Errorf("read %s: a position-delete file needs one file_path column", src)
	}
	cols := make([]arrow.Column, tbl.NumCols())
	for i := range cols {
		cols[i] = *tbl.Column(i)
	}
	var chunks []arrow.Array
	for _, c := range tbl.Column(idx[0]).Data().Chunks() {
		b := array.NewBuilder(memory.DefaultAllocator, c.DataType())
		for j := 0; j < c.Len(); j++ {
			switch a := c.(type) {
			case *array.String:
				b.(*array.StringBuilder).Append(mapLoc(a.Value(j)))
			case *array.LargeString:
				b.(*array.LargeStringBuilder).Append(mapLoc(a.Value(j)))
			case *array.Binary:
				b.(*array.BinaryBuilder).Append([]byte(mapLoc(string(a.Value(j)))))
			default:
				b.Release()
				return fmt.Errorf("read %s: file_path is %s, not a string", src, c.DataType())
			}
		}
		chunks = append(chunks, b.NewArray())
		b.Release()
	}
	field := tbl.Schema().Field(idx[0])
	chunked := arrow.NewChunked(field.Type, chunks)
	for _, a := range chunks {
		a.Release()
	}
	cols[idx[0]] = *arrow.NewColumn(field, chunked)
	chunked.Release()
	out := array.NewTable(tbl.Schema(), cols, tbl.NumRows())
	defer out.Release()
	return vfs.Put(dstFS, dst, func(w io.Writer) error {
		return pqarrow.WriteTable(out, w, 1<<20,
			parquet.NewWriterProperties(parquet.WithCompression(compress.Codecs.Zstd)),
			pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	})
}

// rewritePuffinFooter copies a Puffin file with the referenced-data-file
// property of its blobs mapped
// (https://iceberg.apache.org/puffin-spec/#deletion-vector-v1-blob-type).
// Blobs keep their offsets: only the footer at the end changes.
func rewritePuffinFooter(srcFS, dstFS vfs.FS, src, dst string, mapLoc func(string) string) error {
	b, err := vfs.ReadFile(srcFS, src)
	if err != nil {
		return err
	}
	corrupt := func(why string) error { return corruptFile("read puffin", src, errors.New(why)) }
	n := len(b)
	if n < 2*len(puffinMagic)+puffinFooterFraming || !bytes.Equal(b[n-4:], puffinMagic[:]) {
		return corrupt("no trailing magic")
	}
	size := int(binary.LittleEndian.Uint32(b[n-12 : n-8]))
	start := n - puffinFooterFraming - size
	if start < len(puffinMagic) || !bytes.Equal(b[start:start+4], puffinMagic[:]) {
		return corrupt("no footer magic")
	}
	payload := b[start+4 : start+4+size]
	if b[n-8]&1 != 0 { // FooterPayloadCompressed: LZ4 frame
		payload, err = io.ReadAll(lz4.NewReader(bytes.NewReader(payload)))
		if err != nil {
			return corrupt("footer: " + err.Error())
		}
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	var footer map[string]any
	if err := dec.Decode(&footer); err != nil {
		return corrupt("footer: " + err.Error())
	}
	blobs, _ := footer["blobs"].([]any)
	for _, bl := range blobs {
		if m, ok := bl.(map[string]any); ok {
			if props, ok := m["properties"].(map[string]any); ok {
				if ref, ok := props["referenced-data-file"].(string); ok {
					props["referenced-data-file"] = mapLoc(ref)
				}
			}
		}
	}
	newPayload, err := json.Marshal(footer)
	if err != nil {
		return err
	}
	return vfs.Put(dstFS, dst, func(w io.Writer) error {
		var trailer [12]byte
		binary.LittleEndian.PutUint32(trailer[:4], uint32(len(newPayload)))
		copy(trailer[8:], puffinMagic[:])
		for _, part := range [][]byte{b[:start], puffinMagic[:], newPayload, trailer[:]} {
			if _, err := w.Write(part); err != nil {
				return err
			}
		}
		return nil
	})
}
