package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/replica"
)

func newReplicateCmd(g *globals) *cobra.Command {
	var (
		watch    bool
		interval time.Duration
	)
	cmd := &cobra.Command{
		Use:   "replicate [--watch [--interval D]]",
		Short: "Bring every table's replicas up to date (floe replication configures them)",
		Long: `For each table with replication destinations (floe replication put) and
each destination: the first time, copy the table's current version with its
whole snapshot history (backfill); after that, every later version of the
source in order. Files are copied first (skipping those already there with
the same size and checksum), then the replica's metadata, then the
destination catalog's pointer, so a replica never points at a missing file,
and a replicator killed at any point resumes where the replica is. The
source is only read.

With --watch it keeps going: every --interval it reads the source
catalog's table pointers and replicates the tables that changed; failed
replications are retried with backoff (1 s doubling to 1 min). Without it,
the exit status is 1 when any replication failed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			if watch {
				fmt.Fprintf(g.stderr, "floe replicate: watching %s every %s\n", wh.Dir(), interval)
				return runReplicator(cmd.Context(), wh, interval, g.stdout)
			}
			r := replica.New(wh)
			defer r.Close()
			res, err := r.Once(cmd.Context())
			failed := 0
			for _, x := range res {
				writeResult(g.stdout, x)
				if x.Err != nil {
					failed++
				}
			}
			if err != nil {
				return err
			}
			if failed > 0 {
				return fmt.Errorf("replicate: %d of %d replications failed", failed, len(res))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&watch, "watch", false, "keep replicating as the source commits, until interrupted")
	cmd.Flags().DurationVar(&interval, "interval", 500*time.Millisecond, "with --watch, how often to read the source catalog's pointers")
	return cmd
}

// runReplicator replicates wh's tables as they change until ctx ends.
func runReplicator(ctx context.Context, wh *engine.Warehouse, interval time.Duration, out io.Writer) error {
	r := replica.New(wh)
	defer r.Close()
	return r.Watch(ctx, interval, 0, func(x replica.Result) {
		if x.Err != nil || x.Versions > 0 {
			writeResult(out, x)
		}
	})
}

func writeResult(w io.Writer, x replica.Result) {
	switch {
	case x.Err != nil:
		fmt.Fprintf(w, "%s -> %s: failed: %v\n", x.Table, x.Destination, x.Err)
	case x.Versions == 0:
		fmt.Fprintf(w, "%s -> %s: up to date\n", x.Table, x.Destination)
	default:
		fmt.Fprintf(w, "%s -> %s: %d versions, %d files (%d bytes) copied, %d already there\n",
			x.Table, x.Destination, x.Versions, x.Files, x.Bytes, x.Skipped)
	}
}
