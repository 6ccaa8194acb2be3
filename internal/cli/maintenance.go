package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

func newMaintenanceCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "maintenance",
		Short: "Show and set maintenance policies; show what maintenance did",
		Long: `Maintenance policies say what floe maintain (and floe serve --maintain) does to
each table, in Amazon S3 Tables' terms: compaction, snapshot management and
unreferenced file removal. Each property may be set on a table, on its schema
or on the warehouse; the nearest one set wins, else the default.

  floe maintenance show [ns[.t]]                  effective values and where each comes from
  floe maintenance set [ns[.t]] KEY=VALUE ...     set (KEY= unsets) on a table, schema or the warehouse
  floe maintenance status ns.t [--json]           each job's status, last run and message

Properties (KEY may drop the floe.maintenance. prefix):
` + policyHelp(),
	}
	cmd.AddCommand(newMaintenanceShowCmd(g), newMaintenanceSetCmd(g), newMaintenanceStatusCmd(g))
	return cmd
}

func policyHelp() string {
	var b strings.Builder
	for _, k := range engine.PolicyKeys {
		fmt.Fprintf(&b, "  %s (default %s)\n      %s\n", k.Name, k.Default, k.Doc)
	}
	return b.String()
}

// splitScope reads [lake.]ns[.t] into its parts.
func splitScope(arg string) (ns, name string, err error) {
	s := strings.TrimPrefix(arg, "lake.")
	ns, name, _ = strings.Cut(s, ".")
	if ns == "" || strings.Contains(name, ".") || strings.HasSuffix(s, ".") {
		return "", "", fmt.Errorf("%q is not a schema or schema.table", arg)
	}
	return ns, name, nil
}

func scopeName(ns, name string) string {
	switch {
	case name != "":
		return "lake." + ns + "." + name
	case ns != "":
		return "schema lake." + ns
	}
	return "the warehouse"
}

func newMaintenanceShowCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "show [ns[.t]]",
		Short: "Show the effective maintenance policy and where each value comes from",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ns, name string
			if len(args) == 1 {
				var err error
				if ns, name, err = splitScope(args[0]); err != nil {
					return err
				}
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			pol, err := wh.Policy(cmd.Context(), ns, name)
			if err != nil {
				return fmt.Errorf("maintenance policy of %s: %w", scopeName(ns, name), err)
			}
			fmt.Fprintf(g.stdout, "maintenance policy of %s\n", scopeName(ns, name))
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "PROPERTY\tVALUE\tFROM")
			for _, s := range pol.Settings {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Key, s.Value, s.Source)
			}
			return tw.Flush()
		},
	}
}

func newMaintenanceSetCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "set [ns[.t]] KEY=VALUE ...",
		Short: "Set maintenance policy properties on a table, a schema or (no ns) the warehouse",
		Long: `Set maintenance policy properties on table ns.t, on schema ns, or without
either on the warehouse. KEY= (no value) unsets the property at that level, so
it is inherited again. Values are checked before anything is set.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var ns, name string
			if !strings.Contains(args[0], "=") {
				var err error
				if ns, name, err = splitScope(args[0]); err != nil {
					return err
				}
				args = args[1:]
			}
			if len(args) == 0 {
				return fmt.Errorf("floe maintenance set: give KEY=VALUE for %s", scopeName(ns, name))
			}
			type kv struct{ key, value string }
			var sets []kv
			for _, a := range args {
				k, v, ok := strings.Cut(a, "=")
				if !ok {
					return fmt.Errorf("floe maintenance set: %q is not KEY=VALUE", a)
				}
				pk, err := engine.PolicyKeyByName(k)
				if err != nil {
					return err
				}
				if v != "" {
					if err := engine.CheckPolicyProperties(map[string]string{pk.Name: v}); err != nil {
						return err
					}
				}
				sets = append(sets, kv{pk.Name, v})
			}
			wh, err := g.openWarehouse(cmd.Context())
			if err != nil {
				return err
			}
			defer wh.Close()
			for _, s := range sets {
				if err := wh.SetPolicy(cmd.Context(), ns, name, s.key, s.value); err != nil {
					return fmt.Errorf("set %s on %s: %w", s.key, scopeName(ns, name), err)
				}
				if s.value == "" {
					fmt.Fprintf(g.stdout, "unset %s on %s\n", s.key, scopeName(ns, name))
				} else {
					fmt.Fprintf(g.stdout, "set %s=%s on %s\n", s.key, s.value, scopeName(ns, name))
				}
			}
			return nil
		},
	}
}

func newMaintenanceStatusCmd(g *globals) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status ns.t",
		Short: "Show each maintenance job's status on a table (S3 Tables' shape)",
		Long: `Show, for each maintenance job (icebergCompaction, icebergSnapshotManagement,
icebergUnreferencedFileRemoval, icebergIntelligentTiering), its status on the
table: Successful or Failed (its last run, from lake.floe_system.maintenance_jobs),
Disabled (by policy; tiering: storage class STANDARD) or Not_Yet_Run. The
unreferenced-file removal also says how many files are marked noncurrent,
deleted once marked for non-current-days. --json prints S3 Tables'
GetTableMaintenanceJobStatus shape.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ns, name, err := splitScope(args[0])
			if err != nil {
				return err
			}
			if name == "" {
				return fmt.Errorf("floe maintenance status: give a table, schema.table, not %q", args[0])
			}
			sess, closeAll, err := g.openSession(cmd.Context())
			if err != nil {
				return err
			}
			defer closeAll()
			sts, err := sess.MaintenanceStatus(cmd.Context(), ns, name)
			if err != nil {
				return fmt.Errorf("maintenance status of lake.%s.%s: %w", ns, name, err)
			}
			if asJSON {
				return writeStatusJSON(g, ns, name, sts)
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "JOB\tSTATUS\tLAST RUN\tNONCURRENT\tMESSAGE")
			for _, s := range sts {
				last := "-"
				if !s.LastRun.IsZero() {
					last = s.LastRun.UTC().Format(time.RFC3339)
				}
				nc := "-"
				if s.Job == lakesql.JobUnreferencedFileRemoval {
					nc = fmt.Sprintf("%d files, %d bytes", s.Noncurrent, s.NoncurrentBytes)
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Job, s.Status, last, nc, s.Message)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print S3 Tables' GetTableMaintenanceJobStatus JSON")
	return cmd
}

func writeStatusJSON(g *globals, ns, name string, sts []lakesql.JobStatus) error {
	type job struct {
		Status           string `json:"status"`
		LastRunTimestamp string `json:"lastRunTimestamp,omitempty"`
		FailureMessage   string `json:"failureMessage,omitempty"`
		// floe's, not S3 Tables': the files marked noncurrent now.
		NoncurrentFiles *int   `json:"noncurrentFiles,omitempty"`
		NoncurrentBytes *int64 `json:"noncurrentBytes,omitempty"`
	}
	out := struct {
		TableName string         `json:"tableName"`
		Namespace string         `json:"namespace"`
		Status    map[string]job `json:"status"`
	}{TableName: name, Namespace: ns, Status: map[string]job{}}
	for _, s := range sts {
		j := job{Status: s.Status}
		if !s.LastRun.IsZero() {
			j.LastRunTimestamp = s.LastRun.UTC().Format(time.RFC3339)
		}
		if s.Status == lakesql.StatusFailed {
			j.FailureMessage = s.Message
		}
		if s.Job == lakesql.JobUnreferencedFileRemoval {
			j.NoncurrentFiles, j.NoncurrentBytes = &s.Noncurrent, &s.NoncurrentBytes
		}
		out.Status[s.Job] = j
	}
	enc := json.NewEncoder(g.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
