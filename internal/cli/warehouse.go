package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine"
)

func newWarehouseCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "warehouse",
		Short: "Copy a warehouse, or make a copied one its own",
		Long: `Iceberg metadata names every file by its absolute path, so a warehouse copied
with cp -a or rsync still points into the original: reading the copy reads the
original's files, and writing to it would write into the original's
directories (floe refuses such writes). Use these instead:

  floe warehouse copy SRC DST      copy SRC to DST, pointing only into DST
  floe warehouse relocate DIR      make DIR, already copied with cp -a, its own

Either may be on object storage (s3://bucket/prefix): floe warehouse copy
moves a warehouse from a local directory to S3, back, or between buckets.`,
	}
	cmd.AddCommand(newWarehouseCopyCmd(g), newWarehouseRelocateCmd(g))
	return cmd
}

func newWarehouseCopyCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "copy SRC DST",
		Short: "Copy a warehouse so that the copy points only into itself",
		Long: `Copy the warehouse in SRC to DST (absent or empty): the catalog as one
consistent snapshot, then every file, then new metadata for each table that
names only files under DST. SRC is only read; afterwards the two warehouses
share nothing, and SRC can be moved or deleted. Tables registered from
outside SRC keep pointing where they did.

When SRC or DST is on object storage (s3://bucket/prefix, with the usual
AWS configuration and --s3-endpoint), or SRC keeps its catalog on its
storage, the copy goes table by table: each table's current version with
its snapshots (time travel keeps working), every file verified after the
copy. DST is marked while the copy runs; a copy that was interrupted
(Ctrl-C, kill, a lost connection) is finished by running it again, and a
catalog entry in DST only ever names a complete table.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := g.storageOptions()
			if err != nil {
				return err
			}
			rep, err := engine.Copy(cmd.Context(), args[0], args[1], opts...)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "copied %s to %s\n", rep.From, rep.Dir)
			writeRelocated(g.stdout, rep)
			return nil
		},
	}
}

func newWarehouseRelocateCmd(g *globals) *cobra.Command {
	var from string
	cmd := &cobra.Command{
		Use:   "relocate DIR",
		Short: "Make a warehouse copied with cp -a point only into itself",
		Long: `Rewrite the warehouse in DIR, a copy of another warehouse made with cp -a,
rsync or a backup restore, so that its tables point into DIR instead of the
original. New metadata files are written beside the old ones (nothing is
edited in place, and the original is neither read nor written: it may be
gone) and each catalog entry is switched to them. The original's directory
is found from the catalog; --from names it when that fails. Running it
again is harmless. DIR may keep its catalog on its storage, or be an
s3://bucket/prefix copied from another prefix (aws s3 sync, a bucket
replication rule); --from is then the original's s3:// URI.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := g.storageOptions()
			if err != nil {
				return err
			}
			rep, err := engine.Relocate(cmd.Context(), args[0], from, opts...)
			if err != nil {
				return err
			}
			if rep.From == "" {
				fmt.Fprintf(g.stdout, "%s needs no relocating: no table points into a warehouse it is a copy of\n", rep.Dir)
			} else {
				fmt.Fprintf(g.stdout, "relocated %s from %s\n", rep.Dir, rep.From)
			}
			writeRelocated(g.stdout, rep)
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "the directory DIR was copied from (default: found from the catalog)")
	return cmd
}

func writeRelocated(w io.Writer, rep engine.RelocateReport) {
	if rep.From != "" {
		fmt.Fprintf(w, "%d tables now point into %s\n", len(rep.Tables), rep.Dir)
	}
	for _, t := range rep.Tables {
		fmt.Fprintf(w, "  %s\n", t)
	}
	if rep.Removed > 0 {
		fmt.Fprintf(w, "removed %d copied files that named %s\n", rep.Removed, rep.From)
	}
	for _, l := range rep.Left {
		fmt.Fprintf(w, "left as it was: %s\n", l)
	}
}
