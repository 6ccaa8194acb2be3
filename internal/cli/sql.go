package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/kernel"
)

func newSQLCmd(g *globals) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "sql [flags] \"STATEMENTS\"",
		Short: "Run SQL statements and print the last result",
		Long: `Run one or more SQL statements (DuckDB dialect) against the warehouse, attached
as the catalog lake, and print the result of the last one. With "-" or no
argument the statements are read from standard input.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			script := ""
			if len(args) == 1 && args[0] != "-" {
				script = args[0]
			} else {
				b, err := io.ReadAll(g.stdin)
				if err != nil {
					return fmt.Errorf("read the SQL from standard input: %w", err)
				}
				script = string(b)
			}
			if strings.TrimSpace(script) == "" {
				return errors.New("no SQL given: floe sql \"SELECT ...\"")
			}
			ctx := cmd.Context()
			sess, closeAll, err := g.openKernel(ctx, kernel.Options{})
			if err != nil {
				return err
			}
			defer closeAll()
			rows, err := sess.Rows(ctx, script)
			if err != nil {
				return err
			}
			defer rows.Close()
			return writeRows(g.stdout, rows.Rows, f)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	return cmd
}
