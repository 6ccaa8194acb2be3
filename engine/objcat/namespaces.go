package objcat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"slices"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine/vfs"
)

// namespaceObject is a namespace's object.
type namespaceObject struct {
	Namespace  []string           `json:"namespace"`
	Properties iceberg.Properties `json:"properties"`
}

// readNamespace reads a namespace's object and version; a missing one is
// nil.
func (c *Catalog) readNamespace(ns table.Identifier) (*namespaceObject, string, error) {
	name := c.nsObject(ns)
	b, version, err := c.sw.ReadVersion(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("namespace %s: read %s: %w", identString(ns), name, err)
	}
	var o namespaceObject
	if err := json.Unmarshal(b, &o); err != nil {
		return nil, "", fmt.Errorf("namespace %s: catalog object %s: %w: %w", identString(ns), name, ErrCorrupt, err)
	}
	if o.Properties == nil {
		o.Properties = iceberg.Properties{}
	}
	return &o, version, nil
}

func (c *Catalog) swapNamespace(o namespaceObject, version string) error {
	b, err := json.Marshal(o)
	if err != nil {
		return err
	}
	_, err = c.sw.Swap(c.nsObject(o.Namespace), b, version)
	return err
}

// CreateNamespace creates a namespace with its properties; one that
// exists is catalog.ErrNamespaceAlreadyExists.
func (c *Catalog) CreateNamespace(ctx context.Context, ns table.Identifier, props iceberg.Properties) error {
	if err := validNamespace(ns); err != nil {
		return err
	}
	if props == nil {
		props = iceberg.Properties{}
	}
	err := c.swapNamespace(namespaceObject{Namespace: ns, Properties: props}, "")
	if errors.Is(err, vfs.ErrConflict) {
		return fmt.Errorf("%w: %s", catalog.ErrNamespaceAlreadyExists, identString(ns))
	}
	if err != nil {
		return fmt.Errorf("create namespace %s: %w", identString(ns), err)
	}
	return nil
}

// CheckNamespaceExists reports whether the namespace's object exists.
func (c *Catalog) CheckNamespaceExists(ctx context.Context, ns table.Identifier) (bool, error) {
	if err := validNamespace(ns); err != nil {
		return false, err
	}
	_, err := c.fs.Stat(c.nsObject(ns))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("namespace %s: %w", identString(ns), err)
	}
	return true, nil
}

// LoadNamespaceProperties returns a namespace's properties.
func (c *Catalog) LoadNamespaceProperties(ctx context.Context, ns table.Identifier) (iceberg.Properties, error) {
	if err := validNamespace(ns); err != nil {
		return nil, err
	}
	o, _, err := c.readNamespace(ns)
	if err != nil {
		return nil, err
	}
	if o == nil {
		return nil, fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(ns))
	}
	return o.Properties, nil
}

// UpdateNamespaceProperties removes and sets namespace properties in one
// swap, redone on the newer version when another writer changed the
// namespace meanwhile.
func (c *Catalog) UpdateNamespaceProperties(ctx context.Context, ns table.Identifier, removals []string, updates iceberg.Properties) (catalog.PropertiesUpdateSummary, error) {
	var sum catalog.PropertiesUpdateSummary
	if err := validNamespace(ns); err != nil {
		return sum, err
	}
	for _, k := range removals {
		if _, ok := updates[k]; ok {
			return sum, fmt.Errorf("update namespace %s: property %q is both removed and set", identString(ns), k)
		}
	}
	for range maxSwapAttempts {
		o, version, err := c.readNamespace(ns)
		if err != nil {
			return sum, err
		}
		if o == nil {
			return sum, fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(ns))
		}
		sum = catalog.PropertiesUpdateSummary{Removed: []string{}, Updated: []string{}, Missing: []string{}}
		props := maps.Clone(o.Properties)
		for _, k := range removals {
			if _, ok := props[k]; ok {
				delete(props, k)
				sum.Removed = append(sum.Removed, k)
			} else {
				sum.Missing = append(sum.Missing, k)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(updates)) {
			props[k] = updates[k]
			sum.Updated = append(sum.Updated, k)
		}
		o.Properties = props
		err = c.swapNamespace(*o, version)
		if errors.Is(err, vfs.ErrConflict) {
			continue
		}
		if err != nil {
			return sum, fmt.Errorf("update namespace %s: %w", identString(ns), err)
		}
		return sum, nil
	}
	return sum, fmt.Errorf("update namespace %s: %w: it kept changing", identString(ns), vfs.ErrConflict)
}

// DropNamespace drops an empty namespace: its object, then the tombstones
// of its dropped tables. A table created in it meanwhile is not seen;
// object storage offers no transaction over two objects.
func (c *Catalog) DropNamespace(ctx context.Context, ns table.Identifier) error {
	if err := validNamespace(ns); err != nil {
		return err
	}
	exists, err := c.CheckNamespaceExists(ctx, ns)
	if err != nil {
		return err
	}
	if !exists {
		return fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(ns))
	}
	live, err := c.Pointers(ctx, ns)
	if err != nil {
		return err
	}
	if len(live) > 0 {
		return fmt.Errorf("%w: %s holds %d tables", catalog.ErrNamespaceNotEmpty, identString(ns), len(live))
	}
	if err := c.fs.Remove(c.nsObject(ns)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("drop namespace %s: %w", identString(ns), err)
	}
	// Tombstones only keep a dropped name from being removed under a
	// concurrent create; with the namespace gone they go too.
	_ = c.fs.RemoveAll(c.tablesDir(ns))
	return nil
}

// ListNamespaces lists the namespaces, or those under parent, sorted.
func (c *Catalog) ListNamespaces(ctx context.Context, parent table.Identifier) ([]table.Identifier, error) {
	keys, err := c.list(c.join("namespaces"))
	if err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	if len(parent) > 0 {
		if exists, err := c.CheckNamespaceExists(ctx, parent); err != nil {
			return nil, err
		} else if !exists {
			return nil, fmt.Errorf("%w: %s", catalog.ErrNoSuchNamespace, identString(parent))
		}
	}
	out := []table.Identifier{}
	for _, k := range keys {
		ns, err := parseNSKey(k)
		if err != nil {
			continue // not an object this catalog wrote
		}
		if len(ns) > len(parent) && slices.Equal(ns[:len(parent)], parent) {
			out = append(out, ns)
		}
	}
	slices.SortFunc(out, slices.Compare)
	return out, nil
}
