package tui

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/floehq/floe/internal/sqltext"
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
// tree, and beside it the session's own tables and the data files in dir
// (the working directory DuckDB reads bare paths from; "" for none). It
// only reads.
//
// When s can read the catalog's state (kernel.Session.LakeState), the
// source is a catalog.Watcher, so the tree polls it for commits made by
// other processes.
func SessionCatalog(s LakeCatalog, dir string) catalog.Source {
	if _, ok := s.(catalog.Watcher); ok {
		return watchedCatalog{sessionCatalog{s, dir}}
	}
	return sessionCatalog{s, dir}
}

// watchedCatalog is a sessionCatalog whose session reads the state.
type watchedCatalog struct{ sessionCatalog }

func (c watchedCatalog) LakeState(ctx context.Context) (kernel.LakeState, error) {
	return c.s.(catalog.Watcher).LakeState(ctx)
}

type sessionCatalog struct {
	s   LakeCatalog
	dir string
}

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
	if h := info.Health; h != nil {
		details = append(details, healthLines(h)...)
	}
	return cols, details, nil
}

// healthLines are a table's lines of the latest storage metrics: all its
// bytes (old snapshots' and orphans' too) and its storage tiers, then the
// shares of small data files and of deleted rows.
func healthLines(h *kernel.LakeHealth) []catalog.Detail {
	pct := func(f float64) string {
		if math.IsNaN(f) {
			return "?"
		}
		return fmt.Sprintf("%.0f%%", 100*f)
	}
	size := "◍ " + byteSize(h.Bytes) + " stored"
	var tiers []string
	for _, t := range h.Tiers {
		name := t.Class
		if t.Tier != "" && t.Tier != t.Class {
			name += "/" + t.Tier
		}
		if len(h.Tiers) > 1 && h.Bytes > 0 {
			name += " " + pct(float64(t.Bytes)/float64(h.Bytes))
		}
		tiers = append(tiers, name)
	}
	if len(tiers) > 0 {
		size += " · " + strings.Join(tiers, ", ")
	}
	return []catalog.Detail{
		{Text: size},
		{Text: fmt.Sprintf("◍ %s small files · %s deleted", pct(h.SmallFileRatio), pct(h.DeletedShare))},
	}
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

// sessionNames is what lists the session's own tables: *kernel.Session.
type sessionNames interface {
	Names(ctx context.Context) (*kernel.Names, error)
}

// dataFileKinds are the files the tree lists, by extension, as DuckDB
// reads them from a bare path.
var dataFileKinds = map[string]string{
	".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".json": "json", ".jsonl": "json", ".ndjson": "json",
}

// maxFiles bounds the files listed, for a working directory full of data.
const maxFiles = 200

// Local lists the session's DuckDB tables and views (named results
// included) and the data files in the working directory, the directory
// DuckDB reads bare paths from. Empty groups are left out.
func (c sessionCatalog) Local(ctx context.Context) ([]catalog.LocalGroup, error) {
	var groups []catalog.LocalGroup
	if n, ok := c.s.(sessionNames); ok {
		names, err := n.Names(ctx)
		if err != nil {
			return nil, err
		}
		g := catalog.LocalGroup{Name: "session"}
		for _, r := range names.Tables {
			if r.Schema == "floe_scratch" {
				continue
			}
			it := catalog.LocalItem{Name: r.Name, Kind: "table", Insert: catalog.QuoteIdent(r.Name)}
			if r.View {
				it.Kind = "view"
			}
			if r.Catalog != "temp" && r.Schema != "main" {
				it.Name = r.Schema + "." + r.Name
				it.Insert = catalog.QuoteIdent(r.Schema) + "." + catalog.QuoteIdent(r.Name)
			}
			it.Preview = "SELECT * FROM " + it.Insert + " LIMIT 1000"
			for _, col := range r.Columns {
				it.Columns = append(it.Columns, catalog.Column{Name: col.Name, Type: col.Type})
			}
			g.Items = append(g.Items, it)
		}
		if len(g.Items) > 0 {
			groups = append(groups, g)
		}
	}
	if files := dataFiles(c.dir); len(files) > 0 {
		groups = append(groups, catalog.LocalGroup{Name: "files", Items: files})
	}
	return groups, nil
}

// dataFiles lists the data files in dir, by name.
func dataFiles(dir string) []catalog.LocalItem {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []catalog.LocalItem
	for _, e := range entries {
		kind, ok := dataFileKinds[strings.ToLower(filepath.Ext(e.Name()))]
		if !ok || e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		lit := sqltext.QuoteString(e.Name())
		out = append(out, catalog.LocalItem{Name: e.Name(), Kind: kind, Insert: lit, Preview: "SELECT * FROM " + lit + " LIMIT 1000"})
		if len(out) == maxFiles {
			break
		}
	}
	return out
}
