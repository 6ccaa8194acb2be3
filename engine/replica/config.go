package replica

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs"
)

// Scope is what a replication configuration applies to: the whole
// warehouse (NS and Name empty), a namespace (Name empty) or one table.
type Scope struct{ NS, Name string }

// ParseScope reads lake, lake.ns or lake.ns.t.
func ParseScope(s string) (Scope, error) {
	parts := strings.Split(s, ".")
	if parts[0] != "lake" || len(parts) > 3 {
		return Scope{}, fmt.Errorf("%q: name the warehouse (lake), a schema (lake.ns) or a table (lake.ns.t)", s)
	}
	var sc Scope
	if len(parts) > 1 {
		sc.NS = parts[1]
	}
	if len(parts) > 2 {
		sc.Name = parts[2]
	}
	for _, p := range parts[1:] {
		if p == "" {
			return Scope{}, fmt.Errorf("%q: an empty name", s)
		}
	}
	return sc, nil
}

func (s Scope) String() string {
	switch {
	case s.NS == "":
		return "lake"
	case s.Name == "":
		return "lake." + s.NS
	}
	return "lake." + s.NS + "." + s.Name
}

// configFile is the warehouse-wide configuration, inside the warehouse.
const configFile = ".floe/replication.json"

type warehouseConfig struct {
	Destinations []string `json:"destinations"`
}

// Config is a replication configuration and where it was set.
type Config struct {
	// Destinations are the warehouses replicas go to.
	Destinations []string
	// From is the scope that set them: the table, its namespace or the
	// warehouse; "" when nothing did.
	From string
}

// NormalizeDestinations checks destination warehouses as stored (local
// ones must be absolute) and turns file:// URLs into paths; the source
// warehouse, or one inside it or holding it, is refused.
func NormalizeDestinations(src *engine.Warehouse, dests []string) ([]string, error) {
	var out []string
	for _, d := range dests {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if strings.Contains(d, "://") && !strings.HasPrefix(d, "file://") {
			u, err := objectDestination(d)
			if err != nil {
				return nil, err
			}
			if h := home(src); u == h || strings.HasPrefix(u+"/", h+"/") || strings.HasPrefix(h+"/", u+"/") {
				return nil, fmt.Errorf("destination %s: it is the source warehouse %s, or one holds the other; a replica goes to another warehouse", d, h)
			}
			if !slices.Contains(out, u) {
				out = append(out, u)
			}
			continue
		}
		abs, ok := engine.LocalPath(d)
		if !ok {
			abs = d
		}
		if !filepath.IsAbs(abs) {
			return nil, fmt.Errorf("destination %s: a relative path; give an absolute path or a file:// URL (floe replication put makes paths absolute)", d)
		}
		abs = filepath.Clean(abs)
		if abs == src.Dir() || strings.HasPrefix(abs+"/", src.Dir()+"/") || strings.HasPrefix(src.Dir()+"/", abs+"/") {
			return nil, fmt.Errorf("destination %s: it is the source warehouse %s, or one holds the other; a replica goes to another warehouse", d, src.Dir())
		}
		if !slices.Contains(out, abs) {
			out = append(out, abs)
		}
	}
	return out, nil
}

// objectDestination checks a destination on object storage and spells it
// the one way: s3://bucket[/prefix], no trailing slash (s3a:// is s3://).
func objectDestination(d string) (string, error) {
	scheme, rest, _ := strings.Cut(d, "://")
	if !strings.EqualFold(scheme, "s3") && !strings.EqualFold(scheme, "s3a") {
		return "", fmt.Errorf("destination %s: a warehouse is a directory, a file:// URL or an s3:// bucket and prefix, not a %s:// URL", d, scheme)
	}
	if strings.Contains(rest, "@") {
		return "", fmt.Errorf("destination %s: keys in the URI are not supported; give them through the AWS configuration", d)
	}
	bucket, prefix, _ := strings.Cut(strings.Trim(rest, "/"), "/")
	if bucket == "" {
		return "", fmt.Errorf("destination %s: no bucket", d)
	}
	u := "s3://" + bucket
	if prefix = path.Clean("/" + prefix); prefix != "/" {
		u += prefix
	}
	return u, nil
}

// home is where a warehouse's own objects are, as its FS names them: its
// directory, or the s3:// root of a warehouse on object storage.
func home(w *engine.Warehouse) string {
	if r := w.Root(); strings.HasPrefix(r, "s3://") {
		return r
	}
	return w.Dir()
}

// inHome names an object of the warehouse's own, rel a slash-separated
// path under its home.
func inHome(w *engine.Warehouse, rel string) string {
	return home(w) + "/" + rel
}

// Put sets the destinations of a scope: a table property, a namespace
// property or the warehouse's configuration object. Relative paths are
// taken from the working directory.
func Put(ctx context.Context, w *engine.Warehouse, s Scope, dests []string) error {
	abs := make([]string, len(dests))
	for i, d := range dests {
		abs[i] = d
		if !strings.Contains(d, "://") && d != "" {
			p, err := filepath.Abs(d)
			if err != nil {
				return fmt.Errorf("destination %s: %w", d, err)
			}
			abs[i] = p
		}
	}
	dests, err := NormalizeDestinations(w, abs)
	if err != nil {
		return err
	}
	if len(dests) == 0 {
		return fmt.Errorf("replication put %s: give at least one destination (--to DIR)", s)
	}
	return set(ctx, w, s, dests)
}

// Delete removes the configuration a scope sets itself; its tables then
// follow the broader scope (a table its namespace, a namespace the
// warehouse). Replicas already made stay, read-only.
func Delete(ctx context.Context, w *engine.Warehouse, s Scope) error {
	return set(ctx, w, s, nil)
}

func set(ctx context.Context, w *engine.Warehouse, s Scope, dests []string) error {
	val := strings.Join(dests, ",")
	switch {
	case s.Name != "":
		t, err := w.Table(ctx, s.NS, s.Name)
		if err != nil {
			return err
		}
		if dests == nil {
			_, err = t.UnsetProperties(ctx, []string{engine.PropReplicationDestinations})
		} else {
			_, err = t.SetProperties(ctx, map[string]string{engine.PropReplicationDestinations: val})
		}
		return err
	case s.NS != "":
		var (
			rm  []string
			upd = map[string]string{}
		)
		if dests == nil {
			rm = []string{engine.PropReplicationDestinations}
			props, err := w.Catalog().LoadNamespaceProperties(ctx, table.Identifier{s.NS})
			if err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
			if _, ok := props[engine.PropReplicationDestinations]; !ok {
				return nil
			}
		} else {
			upd[engine.PropReplicationDestinations] = val
		}
		if _, err := w.Catalog().UpdateNamespaceProperties(ctx, table.Identifier{s.NS}, rm, upd); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
		return nil
	}
	p := inHome(w, configFile)
	if err := w.FS().Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("replication configuration %s: %w", p, err)
	}
	if dests == nil {
		return nil
	}
	b, _ := json.MarshalIndent(warehouseConfig{Destinations: dests}, "", "  ")
	if err := w.FS().MkdirAll(path.Dir(p)); err != nil { // a no-op on object storage
		return err
	}
	if err := vfs.WriteFile(w.FS(), p, b); err != nil {
		return fmt.Errorf("replication configuration %s: %w", p, err)
	}
	return nil
}

// splitDests reads a replication.destinations value.
func splitDests(v string) []string {
	var out []string
	for _, d := range strings.Split(v, ",") {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// Get returns the destinations that apply to a scope: its own, else its
// namespace's, else the warehouse's.
func Get(ctx context.Context, w *engine.Warehouse, s Scope) (Config, error) {
	if s.Name != "" {
		t, err := w.Table(ctx, s.NS, s.Name)
		if err != nil {
			return Config{}, err
		}
		if v, ok := t.Properties()[engine.PropReplicationDestinations]; ok {
			return Config{Destinations: splitDests(v), From: s.String()}, nil
		}
	}
	if s.NS != "" {
		props, err := w.Catalog().LoadNamespaceProperties(ctx, table.Identifier{s.NS})
		if err != nil {
			return Config{}, fmt.Errorf("lake.%s: %w", s.NS, err)
		}
		if v, ok := props[engine.PropReplicationDestinations]; ok {
			return Config{Destinations: splitDests(v), From: "lake." + s.NS}, nil
		}
	}
	b, err := vfs.ReadFile(w.FS(), inHome(w, configFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Config{}, nil
	}
	if err != nil {
		return Config{}, fmt.Errorf("replication configuration: %w", err)
	}
	var c warehouseConfig
	if err := json.Unmarshal(b, &c); err != nil {
		return Config{}, fmt.Errorf("replication configuration %s: %w", inHome(w, configFile), err)
	}
	if len(c.Destinations) == 0 {
		return Config{}, nil
	}
	return Config{Destinations: c.Destinations, From: "lake"}, nil
}
