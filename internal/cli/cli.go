package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/lens"
)

// exitError carries an exit status chosen by a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// globals are the flags every command shares.
type globals struct {
	warehouse  string
	catalog    string // a remote catalog (rest:URL); see catalogSpec
	s3Endpoint string // --s3-endpoint: an S3-compatible server for s3:// warehouses
	cacheSize  string // --cache-size: the bound of $FLOE_HOME/cache (parseBytes)
	uncounted  bool   // open warehouses without I/O accounting (floe lens collect)
	counters   []*lens.CountingFS
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer

	// countersMu guards counters: a background loop adds and drops its own.
	countersMu sync.Mutex
}

// Main runs floe with args and returns the process exit status.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	level := slog.LevelWarn
	if strings.EqualFold(os.Getenv("FLOE_LOG"), "debug") {
		level = slog.LevelDebug
	}
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "floe",
		Short:         "A terminal and notebook analytics workbench over an Iceberg lakehouse",
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return g.runTUI(cmd.Context(), "")
		},
	}
	root.PersistentFlags().StringVar(&g.warehouse, "warehouse", "", "warehouse directory (default $FLOE_WAREHOUSE, else $FLOE_HOME or ~/.floe)")
	root.PersistentFlags().StringVar(&g.catalog, "catalog", "", "use a remote Iceberg REST catalog, rest:http(s)://host[/path] (default $FLOE_CATALOG)")
	root.PersistentFlags().StringVar(&g.s3Endpoint, "s3-endpoint", "", "S3-compatible server of an s3:// warehouse, http(s)://host:port (default $AWS_ENDPOINT_URL, else the AWS configuration's endpoint_url, else AWS S3)")
	root.PersistentFlags().StringVar(&g.cacheSize, "cache-size", "", "bound of the local cache of object-storage files in $FLOE_HOME/cache, bytes or 100GiB, 50GB ... (default "+formatBytes(filecache.DefaultMaxBytes)+")")
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.AddCommand(newSQLCmd(g), newRunCmd(g), newAskCmd(g), newSynthCmd(g), newOpenCmd(g), newWarehouseCmd(g), newServeCmd(g), newIngestCmd(g),
		newMaintainCmd(g), newMaintenanceCmd(g), newStorageClassCmd(g), newReplicationCmd(g), newReplicateCmd(g), newLensCmd(g), newCacheCmd(g))

	err := root.ExecuteContext(ctx)
	g.flushActivity()
	if err == nil {
		return 0
	}
	var ee exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	fmt.Fprintln(stderr, "floe:", err)
	return 1
}

// warehouseDir picks the warehouse: the flag, FLOE_WAREHOUSE, then the
// default home.
func (g *globals) warehouseDir() (dir string, isDefault bool, err error) {
	if g.warehouse != "" {
		return g.warehouse, false, nil
	}
	if d := os.Getenv("FLOE_WAREHOUSE"); d != "" {
		return d, false, nil
	}
	if d := os.Getenv("FLOE_HOME"); d != "" {
		return filepath.Join(d, "warehouse"), true, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", false, fmt.Errorf("find the default warehouse: %w (set FLOE_HOME or pass --warehouse)", err)
	}
	return filepath.Join(home, ".floe", "warehouse"), true, nil
}
