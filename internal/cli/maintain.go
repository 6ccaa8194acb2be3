package cli

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine/lakesql"
)

func newMaintainCmd(g *globals) *cobra.Command {
	var watch bool
	var interval time.Duration
	var lensCollect string
	cmd := &cobra.Command{
		Use:   "maintain [ns[.t]]",
		Short: "Run the maintenance that is due: compaction, snapshot expiry, unreferenced file removal",
		Long: `Run, for every table (or the tables of schema ns, or table ns.t), the
maintenance its policy says is due (see floe maintenance): compaction of small
files and of files whose deletes remove many rows, then snapshot expiry, then
removal of files no metadata references that are older than the policy's
margin. Compaction commits optimistically: a write made meanwhile always wins,
and the compaction is planned again or dropped. Each job that did something or
failed is appended to lake.floe_system.maintenance_jobs and printed.

With --watch, run again every --interval until interrupted (SIGINT/SIGTERM
finish the job in flight first).

With --lens-collect daily, each run also collects the storage lens
(lake.floe_lens, see floe lens) when the day (UTC; $FLOE_NOW's when set) has
not been collected yet: once a day however often floe maintain runs. A failed
collect is reported and does not fail the maintenance.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			scope := ""
			if len(args) == 1 {
				ns, name, err := splitScope(args[0])
				if err != nil {
					return err
				}
				scope = ns
				if name != "" {
					scope += "." + name
				}
			}
			daily, err := lensSchedule("floe maintain", lensCollect)
			if err != nil {
				return err
			}
			if interval <= 0 {
				return fmt.Errorf("floe maintain: --interval must be positive, not %s", interval)
			}
			if !watch {
				if cmd.Flags().Changed("interval") {
					return fmt.Errorf("floe maintain: --interval goes with --watch")
				}
				err := g.maintainOnce(cmd.Context(), scope, g.stdout)
				if daily {
					if lerr := g.lensCollectIfDue(cmd.Context(), g.stdout); lerr != nil {
						fmt.Fprintln(g.stderr, "floe:", lerr)
					}
				}
				return err
			}
			return g.maintainLoop(cmd.Context(), scope, interval, daily, g.stdout)
		},
	}
	cmd.Flags().BoolVar(&watch, "watch", false, "keep running, every --interval")
	cmd.Flags().DurationVar(&interval, "interval", 10*time.Minute, "time between runs with --watch")
	lensScheduleFlag(cmd.Flags(), &lensCollect)
	return cmd
}

// maintainOnce runs Maintain on scope and prints what it did. What its
// warehouse's I/O counter counted is written when the run ends.
func (g *globals) maintainOnce(ctx context.Context, scope string, out io.Writer) error {
	defer g.flushRun(g.counterMark())
	sess, closeAll, err := g.openSession(ctx)
	if err != nil {
		return err
	}
	defer closeAll()
	runs, err := sess.Maintain(ctx, scope)
	writeRuns(out, runs)
	if err != nil {
		return fmt.Errorf("floe maintain: %w", err)
	}
	return nil
}

// maintainLoop runs maintainOnce every interval until ctx ends, each run
// followed, with lensDaily, by the storage lens's collect when the day's
// is due. A failed run is reported and the loop goes on: the next run may
// succeed.
func (g *globals) maintainLoop(ctx context.Context, scope string, interval time.Duration, lensDaily bool, out io.Writer) error {
	for {
		if err := g.maintainOnce(ctx, scope, out); err != nil && ctx.Err() == nil {
			fmt.Fprintln(g.stderr, "floe:", err)
		}
		if lensDaily && ctx.Err() == nil {
			if err := g.lensCollectIfDue(ctx, out); err != nil && ctx.Err() == nil {
				fmt.Fprintln(g.stderr, "floe:", err)
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(interval):
		}
	}
}

func writeRuns(w io.Writer, runs []lakesql.JobRun) {
	if len(runs) == 0 {
		fmt.Fprintln(w, "maintenance: nothing was due")
		return
	}
	for _, r := range runs {
		fmt.Fprintf(w, "%s %s %s: %s\n", r.Table, r.Job, r.Status, r.Message)
	}
}
