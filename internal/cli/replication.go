package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine/replica"
)

func newReplicationCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "replication",
		Short: "Configure read-only replicas of tables in other warehouses, and see their status",
		Long: `A table with replication destinations gets a read-only replica in each
destination warehouse, under the same name, kept in step by floe replicate
(or floe serve --replicate): the same table UUID, snapshot ids, parents,
sequence numbers and schema history, so time travel by snapshot id gives
the same rows on both. TARGET is a table (lake.ns.t, stored as its table
property replication.destinations), a schema (lake.ns, a schema property of
the same name, for its tables that set none) or the whole warehouse (lake,
stored in .floe/replication.json inside it); a schema's may also be set
by SQL: ALTER SCHEMA lake.ns SET PROPERTIES ('replication.destinations'='...').
A destination is a warehouse directory or an s3://bucket/prefix, and so
may the source be, in any combination; S3 endpoints and keys come from the
standard AWS configuration (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, ...).

  floe replication put TARGET --to DIR|s3://bucket/prefix [--to ...]
  floe replication get TARGET
  floe replication delete TARGET
  floe replication status lake.ns.t`,
	}
	cmd.AddCommand(newReplicationPutCmd(g), newReplicationGetCmd(g), newReplicationDeleteCmd(g), newReplicationStatusCmd(g))
	return cmd
}

func newReplicationPutCmd(g *globals) *cobra.Command {
	var to []string
	cmd := &cobra.Command{
		Use:   "put TARGET --to DIR|s3://bucket/prefix [--to ...]",
		Short: "Set the destination warehouses of a table, a schema or the warehouse",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := replica.ParseScope(args[0])
			if err != nil {
				return fmt.Errorf("replication put: %w", err)
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			if err := replica.Put(cmd.Context(), wh, s, to); err != nil {
				return err
			}
			c, err := replica.Get(cmd.Context(), wh, s)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s replicates to %s (run floe replicate to bring the replicas up to date)\n", s, strings.Join(c.Destinations, ", "))
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&to, "to", nil, "a destination warehouse, a directory or an s3://bucket/prefix (repeat for several)")
	return cmd
}

func newReplicationGetCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "get TARGET",
		Short: "Show the destinations that apply to a table, a schema or the warehouse, and where they are set",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := replica.ParseScope(args[0])
			if err != nil {
				return fmt.Errorf("replication get: %w", err)
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			c, err := replica.Get(cmd.Context(), wh, s)
			if err != nil {
				return err
			}
			if len(c.Destinations) == 0 {
				fmt.Fprintf(g.stdout, "%s: no replication\n", s)
				return nil
			}
			from := ""
			if c.From != s.String() {
				from = " (set on " + c.From + ")"
			}
			fmt.Fprintf(g.stdout, "%s replicates to %s%s\n", s, strings.Join(c.Destinations, ", "), from)
			return nil
		},
	}
}

func newReplicationDeleteCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "delete TARGET",
		Short: "Remove the destinations a table, schema or the warehouse sets (replicas made stay, read-only)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := replica.ParseScope(args[0])
			if err != nil {
				return fmt.Errorf("replication delete: %w", err)
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			if err := replica.Delete(cmd.Context(), wh, s); err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "%s: its own replication configuration removed\n", s)
			return nil
		},
	}
}

func newReplicationStatusCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "status lake.ns.t",
		Short: "Show the replication status of a table in each destination",
		Long: `Show, for each destination of a table: replicationStatus (pending: the
replica is not yet at the source's version; ready: it is; failed: the last
attempt failed, with the error, and is retried with backoff), the replica's
lastSuccessfulReplicatedUpdate (metadataLocation, timestamp), the lag in
snapshots and seconds, the bytes copied so far and the last error. The same
rows are the metadata table lake.ns."t$replication".`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, err := replica.ParseScope(args[0])
			if err != nil || s.Name == "" {
				return fmt.Errorf("replication status: %q: name a table, lake.ns.t", args[0])
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			sts, err := replica.Report(cmd.Context(), wh, s.NS, s.Name)
			if err != nil {
				return err
			}
			if len(sts) == 0 {
				fmt.Fprintf(g.stdout, "%s: no replication\n", s)
				return nil
			}
			for _, st := range sts {
				fmt.Fprintf(g.stdout, "%s -> %s: %s\n", s, st.Destination, st.Status)
				if st.LastSuccess.MetadataLocation != "" {
					fmt.Fprintf(g.stdout, "  lastSuccessfulReplicatedUpdate: %s at %s\n", st.LastSuccess.MetadataLocation, st.LastSuccess.Timestamp.Format(time.RFC3339))
				}
				fmt.Fprintf(g.stdout, "  lag: %d snapshots, %.1f s; copied %d bytes in %d files\n", st.LagSnapshots, st.LagSeconds, st.BytesCopied, st.FilesCopied)
				if st.LastError != "" {
					fmt.Fprintf(g.stdout, "  last error: %s (failures in a row: %d, next attempt %s)\n", st.LastError, st.Failures, st.NextAttempt.Format(time.RFC3339))
				}
			}
			return nil
		},
	}
}
