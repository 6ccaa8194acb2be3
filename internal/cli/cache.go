package cli

import (
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/filecache"
	"github.com/floehq/floe/engine/vfs/s3fs"
)

// cacheDir is the read cache of object-storage warehouses:
// $FLOE_HOME/cache, else ~/.floe/cache.
func cacheDir() (string, error) {
	home, err := engine.FloeHome()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "cache"), nil
}

func newCacheCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or clear the local cache of object-storage files",
		Long: `A warehouse on object storage (s3://...) reads its data, delete and
manifest files through a local read-through cache in $FLOE_HOME/cache (else
~/.floe/cache), bounded by --cache-size (default ` + formatBytes(filecache.DefaultMaxBytes) + `) and evicting the least
recently used files. The files are immutable, so the cache is always correct;
clearing it only costs fetching them again.

  floe cache stats    the files it holds and their size
  floe cache clear    remove them (processes reading them meanwhile are safe)`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "stats",
		Short: "Print the files the cache holds and their size",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := cacheDir()
			if err != nil {
				return err
			}
			st, err := filecache.StatDir(dir)
			if err != nil {
				return err
			}
			bound, err := g.cacheBytes()
			if err != nil {
				return err
			}
			if bound == 0 {
				bound = filecache.DefaultMaxBytes
			}
			fmt.Fprintf(g.stdout, "cache:    %s\nfiles:    %d\nsize:     %s (%d bytes)\nbound:    %s\n",
				dir, st.Entries, formatBytes(st.Bytes), st.Bytes, formatBytes(bound))
			if st.Fetching > 0 {
				fmt.Fprintf(g.stdout, "fetching: %d\n", st.Fetching)
			}
			return nil
		},
	}, &cobra.Command{
		Use:   "clear",
		Short: "Remove every file of the cache",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := cacheDir()
			if err != nil {
				return err
			}
			st, err := filecache.ClearDir(dir)
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "removed %d files (%s) from %s\n", st.Entries, formatBytes(st.Bytes), dir)
			return nil
		},
	})
	return cmd
}

// cacheBytes is --cache-size in bytes, 0 when not given.
func (g *globals) cacheBytes() (int64, error) {
	if g.cacheSize == "" {
		return 0, nil
	}
	n, err := parseBytes(g.cacheSize)
	if err != nil {
		return 0, fmt.Errorf("--cache-size: %w", err)
	}
	return n, nil
}

// byteUnits are the suffixes parseBytes takes, as multipliers.
var byteUnits = map[string]float64{
	"": 1, "b": 1,
	"k": 1e3, "kb": 1e3, "m": 1e6, "mb": 1e6, "g": 1e9, "gb": 1e9, "t": 1e12, "tb": 1e12,
	"ki": 1 << 10, "kib": 1 << 10, "mi": 1 << 20, "mib": 1 << 20, "gi": 1 << 30, "gib": 1 << 30, "ti": 1 << 40, "tib": 1 << 40,
}

// parseBytes reads a size: a number of bytes, or a number with a unit
// (KB, MB, GB, TB in powers of 1000; KiB, MiB, GiB, TiB in powers of
// 1024), such as 100GiB or 1.5GB. It must be positive.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-") {
		return 0, fmt.Errorf("%q is not a positive size a disk can hold", s)
	}
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := byteUnits[unit]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit %q (use bytes, KB, MB, GB, TB, KiB, MiB, GiB or TiB)", s, t[i:])
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || num == "" {
		return 0, fmt.Errorf("%q is not a size such as 100GiB or 500000000", s)
	}
	n := v * mult
	if n < 1 || n > math.MaxInt64/2 || math.IsNaN(n) {
		return 0, fmt.Errorf("%q is not a positive size a disk can hold", s)
	}
	return int64(n), nil
}

// formatBytes prints n in the largest binary unit under it.
func formatBytes(n int64) string {
	if n < 1<<10 {
		return fmt.Sprintf("%d B", n)
	}
	f, units := float64(n)/(1<<10), []string{"KiB", "MiB", "GiB", "TiB", "PiB"}
	i := 0
	for f >= 1<<10 && i < len(units)-1 {
		f /= 1 << 10
		i++
	}
	return strconv.FormatFloat(f, 'f', 1, 64) + " " + units[i]
}

// storageOptions are the engine options of --s3-endpoint and --cache-size
// (they matter to s3:// warehouses only).
func (g *globals) storageOptions() ([]engine.Option, error) {
	var opts []engine.Option
	if g.s3Endpoint != "" {
		u, err := url.Parse(g.s3Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("--s3-endpoint %q: want the server's URL, http(s)://host[:port]", g.s3Endpoint)
		}
		opts = append(opts, engine.WithS3(s3fs.Options{Endpoint: strings.TrimSuffix(g.s3Endpoint, "/")}))
	}
	n, err := g.cacheBytes()
	if err != nil {
		return nil, err
	}
	if n > 0 {
		opts = append(opts, engine.WithCacheBytes(n))
	}
	return opts, nil
}
