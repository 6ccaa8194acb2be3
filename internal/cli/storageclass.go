package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine"
)

func newStorageClassCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "storage-class",
		Short: "Show and set tables' storage class (STANDARD or INTELLIGENT_TIERING) and their tiering costs",
		Long: `A table in INTELLIGENT_TIERING keeps each data file in a tier by how recently a
query read it, as Amazon S3 Tables does: FREQUENT, INFREQUENT after 30 days
without a read, ARCHIVE_INSTANT after 90; a read makes it FREQUENT again.
floe maintain gives each file the place its tier calls for (an S3 storage
class, or on a local warehouse the directory floe.tiering.cold-path), and
compaction only rewrites FREQUENT files. Without a table, get and set are
the warehouse default every table inherits.

  floe storage-class get [ns.t]                 the effective class and tiering properties
  floe storage-class set [ns.t] CLASS           set it (CLASS "" unsets: inherit again)
  floe storage-class report ns.t                bytes per tier and monthly cost vs all STANDARD

Properties (table or warehouse, set with ALTER TABLE ... SET TBLPROPERTIES):
` + tieringHelp(),
	}
	cmd.AddCommand(newStorageClassGetCmd(g), newStorageClassSetCmd(g), newStorageClassReportCmd(g))
	return cmd
}

func tieringHelp() string {
	var b strings.Builder
	for _, k := range engine.TierKeys {
		def := k.Default
		if def == "" {
			def = "unset"
		}
		fmt.Fprintf(&b, "  %s (default %s)\n      %s\n", k.Name, def, k.Doc)
	}
	return b.String()
}

// splitTable reads [lake.]ns.t; "" is the warehouse.
func splitTable(arg string) (ns, name string, err error) {
	if arg == "" {
		return "", "", nil
	}
	ns, name, err = splitScope(arg)
	if err == nil && name == "" {
		err = fmt.Errorf("%q is not a table (ns.t): the storage class is set per table or for the warehouse", arg)
	}
	return ns, name, err
}

func newStorageClassGetCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "get [ns.t]",
		Short: "Show the effective storage class and tiering properties, and where each comes from",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg := ""
			if len(args) == 1 {
				arg = args[0]
			}
			ns, name, err := splitTable(arg)
			if err != nil {
				return err
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			cfg, err := wh.Tiering(cmd.Context(), ns, name)
			if err != nil {
				return fmt.Errorf("storage class of %s: %w", scopeName(ns, name), err)
			}
			fmt.Fprintf(g.stdout, "storage class of %s: %s\n", scopeName(ns, name), cfg.Class)
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PROPERTY\tVALUE\tFROM")
			for _, k := range engine.TierKeys {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", k.Name, cfg.Values[k.Name], cfg.Sources[k.Name])
			}
			return tw.Flush()
		},
	}
}

func newStorageClassSetCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "set [ns.t] CLASS",
		Short: "Set the storage class of a table, or (no table) the warehouse default",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			arg, class := "", args[len(args)-1]
			if len(args) == 2 {
				arg = args[0]
			}
			ns, name, err := splitTable(arg)
			if err != nil {
				return err
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			if err := wh.SetStorageClass(cmd.Context(), ns, name, class); err != nil {
				return fmt.Errorf("storage class of %s: %w", scopeName(ns, name), err)
			}
			got, err := wh.StorageClass(cmd.Context(), ns, name)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "storage class of %s: %s\n", scopeName(ns, name), got)
			return nil
		},
	}
}

func newStorageClassReportCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "report ns.t",
		Short: "Bytes per tier and the monthly storage cost, against keeping everything STANDARD",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ns, name, err := splitTable(args[0])
			if err != nil {
				return err
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			t, err := wh.Table(cmd.Context(), ns, name)
			if err != nil {
				return err
			}
			files, cfg, err := t.FileTiers(cmd.Context())
			if err != nil {
				return err
			}
			r := engine.CostReport(files, cfg)
			fmt.Fprintf(g.stdout, "%s: storage class %s\n", t.Ident(), cfg.Class)
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
			fmt.Fprintln(tw, "TIER\tFILES\tBYTES\t$/GB-MONTH\t$/MONTH\t")
			for _, c := range r.Rows {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%.6g\t%.6g\t\n", c.Tier, c.Files, c.Bytes, c.GBMonth, c.Monthly)
			}
			fmt.Fprintf(tw, "total\t%d\t\t\t%.6g\t\n", len(files), r.Total)
			fmt.Fprintf(tw, "all STANDARD\t\t\t%.6g\t%.6g\t\n", cfg.Prices[engine.StorageClassStandard], r.Standard)
			return tw.Flush()
		},
	}
}
