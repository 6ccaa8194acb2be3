package lakesql

import (
	"context"

	"github.com/floehq/floe/engine/replica"
)

// replicateProc implements CALL replicate('ns.t'): one replication pass of
// the table to each of its destinations (replication.destinations), as
// floe replicate does for every table, with a row per destination.
func replicateProc(ctx context.Context, s *Session, args ProcArgs) (*Rows, error) {
	ns, name, err := procTable("replicate", args)
	if err != nil {
		return nil, err
	}
	r := replica.New(s.wh)
	defer r.Close()
	res, err := r.Table(ctx, ns, name)
	if err != nil {
		return nil, err
	}
	var data [][]any
	for _, x := range res {
		status, msg := replica.StatusReady, any(nil)
		if x.Err != nil {
			status, msg = replica.StatusFailed, x.Err.Error()
		}
		data = append(data, []any{x.Table, x.Destination, status, int64(x.Versions), int64(x.Files), x.Bytes, x.MetadataLocation, msg})
	}
	return NewRows(
		[]string{"table", "destination", "replicationStatus", "versions", "files_copied", "bytes_copied", "replica_metadata_location", "error"},
		[]string{"VARCHAR", "VARCHAR", "VARCHAR", "BIGINT", "BIGINT", "BIGINT", "VARCHAR", "VARCHAR"},
		data), nil
}
