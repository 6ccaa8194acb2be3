package tui

import (
	"context"
	"fmt"
	"time"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/components/catalog"
)

// LakeCatalog is what the catalog tree needs of a kernel session: the
// warehouse's namespaces and tables and a description of each table.
// *kernel.Session has it.
type LakeCatalog interface {
	LakeNamespaces(ctx context.Context) ([]string, error)
	LakeTables(ctx context.Context, ns string) ([]string, error)
	DescribeLakeTable(ctx context.Context, ns, name string) (*kernel.LakeTableInfo, error)
}

// SessionCatalog lists the warehouse of a kernel session for the catalog
// tree; it only reads.
func SessionCatalog(s LakeCatalog) catalog.Source { return sessionCatalog{s} }

type sessionCatalog struct{ s LakeCatalog }

func (c sessionCatalog) Namespaces(ctx context.Context) ([]string, error) {
	return c.s.LakeNamespaces(ctx)
}

func (c sessionCatalog) Tables(ctx context.Context, ns string) ([]string, error) {
	return c.s.LakeTables(ctx, ns)
}

func (c sessionCatalog) Columns(ctx context.Context, ns, table string) ([]catalog.Column, error) {
	cols, _, err := c.Describe(ctx, ns, table)
	return cols, err
}

// Describe returns the table's columns with their comments, and lines for
// its rows and storage, its files and its snapshots.
func (c sessionCatalog) Describe(ctx context.Context, ns, table string) ([]catalog.Column, []catalog.Detail, error) {
	info, err := c.s.DescribeLakeTable(ctx, ns, table)
	if err != nil {
		return nil, nil, err
	}
	return describe(info, time.Now())
}

// describe turns a table description into tree lines; now dates the last
// commit relative to the present.
func describe(info *kernel.LakeTableInfo, now time.Time) ([]catalog.Column, []catalog.Detail, error) {
	var cols []catalog.Column
	for _, f := range info.Columns {
		typ := f.Type
		if f.NotNull {
			typ += " not null"
		}
		cols = append(cols, catalog.Column{Name: f.Name, Type: typ, Comment: f.Comment})
	}
	// Short lines: the catalog is a narrow column.
	details := []catalog.Detail{{Text: fmt.Sprintf("≡ %s rows · format v%d", count(info.Rows), info.FormatVersion), Meta: "partitions"}}
	if info.Partitioning != "" {
		details = append(details, catalog.Detail{Text: "⊞ by " + info.Partitioning, Meta: "partitions"})
	}
	files := fmt.Sprintf("▤ %s · %s", plural(info.DataFiles, "file"), byteSize(info.Bytes))
	if info.DeleteFiles != 0 {
		files += " · " + plural(info.DeleteFiles, "delete file")
	}
	details = append(details, catalog.Detail{Text: files, Meta: "files"})
	snap := "⟲ " + plural(int64(info.Snapshots), "snapshot")
	if info.SnapshotID != 0 {
		snap += fmt.Sprintf(" · %s %s", info.Operation, ago(now.Sub(info.SnapshotAt)))
	}
	details = append(details, catalog.Detail{Text: snap, Meta: "snapshots"})
	return cols, details, nil
}

// count writes n with thousands separators, or "?" when unknown.
func count(n int64) string {
	if n < 0 {
		return "?"
	}
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return count(n) + " " + noun + "s"
}

// byteSize writes a size in the largest unit that keeps it at least 1.
func byteSize(n int64) string {
	if n < 0 {
		return "? bytes"
	}
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, units := float64(n), []string{"KiB", "MiB", "GiB", "TiB", "PiB"}
	i := -1
	for f >= unit && i < len(units)-1 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

// ago writes a duration as people say how long ago something was.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	default:
		return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
	}
}
