package objcat

import (
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"

	"github.com/apache/iceberg-go/table"
	"github.com/klauspost/compress/zstd"
)

// encodeMetadata writes md as JSON, compressed as the table's
// write.metadata.compression-codec asks (the codec is also in the file's
// name, which the location provider makes).
func encodeMetadata(w io.Writer, md table.Metadata, codec string) error {
	b, err := json.Marshal(md)
	if err != nil {
		return fmt.Errorf("encode metadata: %w", err)
	}
	var zw io.WriteCloser
	switch codec {
	case table.MetadataCompressionCodecNone:
		_, err := w.Write(b)
		return err
	case table.MetadataCompressionCodecGzip:
		zw = gzip.NewWriter(w)
	case table.MetadataCompressionCodecZstd:
		if zw, err = zstd.NewWriter(w); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown %s %q", table.MetadataCompressionKey, codec)
	}
	if _, err := zw.Write(b); err != nil {
		zw.Close()
		return err
	}
	return zw.Close()
}
