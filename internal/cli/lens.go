package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lens"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

func newLensCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lens",
		Short: "Storage metrics of the warehouse, as tables in lake.floe_lens",
		Long: `floe lens measures the warehouse as S3 Storage Lens measures buckets, and
writes what it finds to Iceberg tables you can query, chart and ask about:

  lake.floe_lens.storage_daily       bytes and objects per warehouse, schema, table
                                     and prefix (any depth), by storage class and tier: data,
                                     delete and metadata bytes; current, non-current
                                     (reachable only from old snapshots) and orphan bytes
  lake.floe_lens.object_sizes_daily  object-size distribution per table, small-file ratio
  lake.floe_lens.table_health_daily  snapshots, manifests, file sizes, deletes, days since
                                     compaction, partitions, scan amplification
  lake.floe_lens.activity_daily      requests, bytes, files and latencies floe processes
                                     counted while using the warehouse
  lake.floe_lens.cost_daily          estimated monthly cost per table and class/tier

floe serve and floe maintain collect once a day with --lens-collect daily.`,
	}
	cmd.AddCommand(newLensCollectCmd(g))
	return cmd
}

func newLensCollectCmd(g *globals) *cobra.Command {
	var now, prices string
	cmd := &cobra.Command{
		Use:   "collect",
		Short: "Measure the warehouse and write today's rows of lake.floe_lens",
		Long: `Measure the warehouse and write the day's partition of every lens table, one
commit per table. Running it again the same day replaces that day's rows;
a collect that is interrupted leaves the rows of earlier runs as they were.

The day is --now's, else FLOE_NOW's, else today's (UTC). Bytes are split by
storage class and tier: a STANDARD table's are STANDARD; an
INTELLIGENT_TIERING table's live data files are in the tier their last access
gives as of that time (FREQUENT, INFREQUENT, ARCHIVE_INSTANT), its other
objects FREQUENT; on S3 the class is the object's as the server lists it.
Storage is priced with each table's tiering prices (floe.tiering.price.*, see
floe storage-class), the prices t$tier_costs uses. Request prices default to
S3's list prices; --prices FILE reads a JSON object of storage classes:
  {"STANDARD": {"per_1000_writes": 0.005, "per_1000_reads": 0.0004}}`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var opts lens.Options
			if now != "" {
				t, err := time.Parse(time.RFC3339Nano, now)
				if err != nil {
					return fmt.Errorf("--now %q is not an RFC 3339 time (like 2027-03-01T06:00:00Z)", now)
				}
				opts.Now = t
			}
			if prices != "" {
				p, err := lens.LoadPrices(prices)
				if err != nil {
					return err
				}
				opts.Prices = p
			}
			// The collector's own reads are not the warehouse's activity.
			g.uncounted = true
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			rep, err := lens.Collect(cmd.Context(), wh, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "collected %s: %d tables, %d objects, %s\n",
				rep.Day.Format(time.DateOnly), rep.Tables, rep.Objects, byteSize(rep.Bytes))
			names := make([]string, 0, len(rep.Rows))
			for n := range rep.Rows {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				fmt.Fprintf(g.stdout, "  lake.%s.%-20s %d rows\n", lens.Namespace, n, rep.Rows[n])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&now, "now", "", "collect as of this RFC 3339 time (default $"+engine.EnvNow+", else now)")
	cmd.Flags().StringVar(&prices, "prices", "", "JSON file of request prices per storage class (default S3's)")
	return cmd
}

// byteSize renders a byte count in binary units.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

// activityOptions returns the warehouse options that count its I/O for
// activity_daily, for the warehouse dir (a local directory, its file://
// URL, or s3://bucket/prefix), or none when this command is not counted
// (floe lens collect itself, or FLOE_LENS_ACTIVITY=off). The counter
// wraps whichever filesystem the warehouse opens, passing a catalog on
// storage its pointer swaps; on S3 it also times each GET and PUT. Main
// flushes it when the command ends.
func (g *globals) activityOptions(dir string) []engine.Option {
	if g.uncounted || os.Getenv("FLOE_LENS_ACTIVITY") == "off" {
		return nil
	}
	if scheme, _, isURL := strings.Cut(dir, "://"); isURL && !strings.EqualFold(scheme, "file") {
		if !strings.EqualFold(scheme, "s3") && !strings.EqualFold(scheme, "s3a") {
			return nil // engine.Open refuses it, naming why
		}
		bucket, prefix, err := s3fs.Split("s3" + dir[len(scheme):])
		if err != nil {
			return nil // engine.Open reports it
		}
		root := "s3://" + path.Join(bucket, prefix)
		c := lens.Count(nil, root)
		g.addCounter(c)
		client := &http.Client{Transport: c.Transport(awshttp.NewBuildableClient().GetTransport())}
		return []engine.Option{engine.WithWrapFS(c.Wrap), engine.WithS3HTTPClient(client)}
	}
	root, ok := engine.LocalPath(dir)
	if !ok {
		root = dir
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil
	}
	c := lens.Count(nil, abs)
	g.addCounter(c)
	return []engine.Option{engine.WithWrapFS(c.Wrap)}
}

func (g *globals) addCounter(c *lens.CountingFS) {
	g.countersMu.Lock()
	defer g.countersMu.Unlock()
	g.counters = append(g.counters, c)
}

// counterMark returns the counters that exist now, for flushRun.
func (g *globals) counterMark() map[*lens.CountingFS]bool {
	g.countersMu.Lock()
	defer g.countersMu.Unlock()
	mark := make(map[*lens.CountingFS]bool, len(g.counters))
	for _, c := range g.counters {
		mark[c] = true
	}
	return mark
}

// flushRun writes what the counters made since mark counted, and drops
// them: a run of a long-running loop (floe maintain --watch, floe serve
// --maintain) opens and closes its own warehouse, so its counter is done
// when the run is; kept, one counter per run would pile up in memory, and
// its counts would wait for the process's end. A failure is a warning.
func (g *globals) flushRun(mark map[*lens.CountingFS]bool) {
	g.countersMu.Lock()
	var done []*lens.CountingFS
	kept := g.counters[:0]
	for _, c := range g.counters {
		if mark[c] {
			kept = append(kept, c)
		} else {
			done = append(done, c)
		}
	}
	clear(g.counters[len(kept):])
	g.counters = kept
	g.countersMu.Unlock()
	g.flushCounters(done)
}

// flushActivity writes what every counter counted; a failure is a
// warning, never the command's error.
func (g *globals) flushActivity() {
	g.writeActivity()
	g.countersMu.Lock()
	g.counters = nil
	g.countersMu.Unlock()
}

// writeActivity writes what every counter counted since its last flush
// and keeps the counters: a long-running command's warehouse goes on
// counting after each check. (A counter whose warehouse closed writes
// nothing more.)
func (g *globals) writeActivity() {
	g.countersMu.Lock()
	counters := slices.Clone(g.counters)
	g.countersMu.Unlock()
	g.flushCounters(counters)
}

// flushCounters flushes counters, warning of a failure.
func (g *globals) flushCounters(counters []*lens.CountingFS) {
	if len(counters) == 0 {
		return
	}
	now, err := engine.Now()
	if err != nil {
		now = time.Now()
	}
	for _, c := range counters {
		if err := c.Flush(now); err != nil {
			slog.Warn("storage lens activity not recorded", "err", err)
		}
	}
}

// lensCheckEvery is how often a daily lens schedule without maintenance
// (floe serve --lens-collect daily) flushes the process's activity
// counters and checks whether the day is collected.
var lensCheckEvery = 10 * time.Minute

// lensScheduleFlag adds --lens-collect to a long-running command.
func lensScheduleFlag(f *pflag.FlagSet, p *string) {
	f.StringVar(p, "lens-collect", "off", "daily: also collect the storage lens (lake.floe_lens) once a day, at the first check of each UTC day")
}

// lensSchedule parses --lens-collect: whether to collect daily.
func lensSchedule(cmd, v string) (bool, error) {
	switch strings.ToLower(v) {
	case "daily":
		return true, nil
	case "off", "":
		return false, nil
	}
	return false, fmt.Errorf("%s: --lens-collect %q is not a schedule; give daily or off", cmd, v)
}

// lensCollectIfDue flushes this process's activity counters (so the
// day's activity holds what it did so far) and collects the day of
// engine.Now (FLOE_NOW honoured) unless it was collected already,
// printing what it wrote to out. It opens its own handle on the
// warehouse, uncounted: the collector's reads are not the warehouse's
// activity.
func (g *globals) lensCollectIfDue(ctx context.Context, out io.Writer) error {
	g.writeActivity()
	wh, err := g.openUncounted(ctx)
	if err != nil {
		return fmt.Errorf("storage lens daily collect: %w", err)
	}
	defer wh.Close()
	rep, ran, err := lens.CollectIfDue(ctx, wh, lens.Options{})
	if err != nil {
		return fmt.Errorf("storage lens daily collect: %w", err)
	}
	if ran {
		fmt.Fprintf(out, "floe lens: collected %s: %d tables, %d objects, %s\n",
			rep.Day.Format(time.DateOnly), rep.Tables, rep.Objects, byteSize(rep.Bytes))
	}
	return nil
}

// lensDaily runs lensCollectIfDue now and every lensCheckEvery until ctx
// ends; a failure is reported on out and the schedule goes on.
func (g *globals) lensDaily(ctx context.Context, out io.Writer) {
	for {
		if err := g.lensCollectIfDue(ctx, out); err != nil && ctx.Err() == nil {
			fmt.Fprintln(out, "floe:", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(lensCheckEvery):
		}
	}
}

// openUncounted opens the chosen warehouse without I/O accounting.
func (g *globals) openUncounted(ctx context.Context) (*engine.Warehouse, error) {
	if spec := g.catalogSpec(); spec != "" {
		return g.openRemoteWarehouse(ctx, spec)
	}
	dir, _, err := g.warehouseDir()
	if err != nil {
		return nil, err
	}
	return engine.Open(ctx, dir)
}
