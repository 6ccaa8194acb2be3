package engine

import (
	"context"
	"fmt"

	icebergio "github.com/apache/iceberg-go/io"
	"github.com/apache/iceberg-go/table"
)

// explainPlanError names the file behind a failed scan plan. iceberg-go's
// errors for a damaged manifest list or manifest ("ocf: reading metadata:
// unexpected EOF") do not say which file; this reads the snapshot's
// manifest list and each manifest again, and returns err wrapped with the
// first that fails (and, for a manifest whose size is not the one its
// manifest list records, both sizes). When every file reads, err is
// returned as it is.
func (t *Table) explainPlanError(ctx context.Context, snap *table.Snapshot, err error) error {
	if snap == nil {
		return err
	}
	fio, ferr := t.tbl.FS(ctx)
	if ferr != nil {
		return err
	}
	manifests, lerr := snap.Manifests(fio)
	if lerr != nil {
		return fmt.Errorf("manifest list %s: %w", snap.ManifestList, err)
	}
	for _, m := range manifests {
		if st, ok := fio.(icebergio.StatIO); ok {
			info, serr := st.Stat(m.FilePath())
			if serr != nil {
				return fmt.Errorf("manifest %s: %w", m.FilePath(), serr)
			}
			if info.Size() != m.Length() {
				return fmt.Errorf("manifest %s holds %d bytes, the manifest list says %d: %w", m.FilePath(), info.Size(), m.Length(), err)
			}
		}
		for _, merr := range m.Entries(fio, false) {
			if merr != nil {
				return fmt.Errorf("manifest %s: %w", m.FilePath(), err)
			}
		}
	}
	return err
}
