package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/iceberg-go/table"
)

// PolicyPrefix starts the name of every maintenance policy property.
const PolicyPrefix = "floe.maintenance."

// Maintenance policy properties, in Amazon S3 Tables' terms: compaction,
// snapshot management and unreferenced file removal. Each may be set on a
// table (a table property), on its schema (a namespace property) or on the
// warehouse; the nearest one set wins, else the default.
const (
	PolicyCompactionEnabled    = PolicyPrefix + "compaction.enabled"
	PolicyTargetFileSizeMB     = PolicyPrefix + "compaction.target-file-size-mb"
	PolicyCompactionStrategy   = PolicyPrefix + "compaction.strategy"
	PolicyDeleteRatio          = PolicyPrefix + "compaction.delete-ratio-threshold"
	PolicySnapshotsEnabled     = PolicyPrefix + "snapshot-management.enabled"
	PolicyMinSnapshotsToKeep   = PolicyPrefix + "snapshot-management.min-snapshots-to-keep"
	PolicyMaxSnapshotAgeHours  = PolicyPrefix + "snapshot-management.max-snapshot-age-hours"
	PolicyUnreferencedEnabled  = PolicyPrefix + "unreferenced-file-removal.enabled"
	PolicyUnreferencedDays     = PolicyPrefix + "unreferenced-file-removal.unreferenced-days"
	PolicyNonCurrentDays       = PolicyPrefix + "unreferenced-file-removal.non-current-days"
	policyStrategyAuto         = "auto"
	policyStrategyBinpack      = "binpack"
	policyStrategySort         = "sort"
	warehousePropertiesTable   = "floe_warehouse_properties"
	warehousePropertiesColumns = "key TEXT PRIMARY KEY, value TEXT NOT NULL"
)

// PolicyKey describes one maintenance policy property.
type PolicyKey struct {
	// Name is the full property name (floe.maintenance....).
	Name string
	// Default is the value when nothing sets it.
	Default string
	// Doc says what it means, in one line.
	Doc   string
	check func(string) error
}

// PolicyKeys are the maintenance policy properties, in the order they are
// shown.
var PolicyKeys = []PolicyKey{
	{PolicyCompactionEnabled, "true", "compact small files and files whose deletes remove many rows", checkBool},
	{PolicyTargetFileSizeMB, "512", "size compaction aims for, in MiB (64 to 512 in S3 Tables; 1 or more here)", checkPositive},
	{PolicyCompactionStrategy, policyStrategyAuto, "auto (sort when the table has a sort order, else binpack), binpack or sort", checkStrategy},
	{PolicyDeleteRatio, "0.1", "a file whose deletes remove this share of its rows or more is compacted whatever its size (floe's, not S3 Tables')", checkRatio},
	{PolicySnapshotsEnabled, "true", "expire old snapshots", checkBool},
	{PolicyMinSnapshotsToKeep, "1", "snapshots each branch keeps whatever their age", checkPositive},
	{PolicyMaxSnapshotAgeHours, "120", "snapshots older than this expire (beyond those kept)", checkPositive},
	{PolicyUnreferencedEnabled, "true", "remove files no metadata references", checkBool},
	{PolicyUnreferencedDays, "3", "a file no metadata references is marked noncurrent once it is this many days old", checkPositive},
	{PolicyNonCurrentDays, "10", "a file marked noncurrent is deleted once marked this many days and still unreferenced", checkPositive},
}

func checkBool(v string) error {
	if _, err := strconv.ParseBool(v); err != nil {
		return errors.New("must be true or false")
	}
	return nil
}

func checkPositive(v string) error {
	if n, err := strconv.Atoi(v); err != nil || n < 1 {
		return errors.New("must be a whole number of at least 1")
	}
	return nil
}

func checkRatio(v string) error {
	if f, err := strconv.ParseFloat(v, 64); err != nil || f <= 0 || f > 1 {
		return errors.New("must be a number above 0 and at most 1")
	}
	return nil
}

func checkStrategy(v string) error {
	switch v {
	case policyStrategyAuto, policyStrategyBinpack, policyStrategySort:
		return nil
	}
	return errors.New("must be auto, binpack or sort")
}

// ErrUnknownPolicy reports a maintenance policy property floe does not have.
var ErrUnknownPolicy = errors.New("unknown maintenance policy property")

// PolicyKeyByName finds a policy property by its full name or by the part
// after floe.maintenance. (compaction.enabled).
func PolicyKeyByName(name string) (PolicyKey, error) {
	full := name
	if !strings.HasPrefix(full, PolicyPrefix) {
		full = PolicyPrefix + name
	}
	for _, k := range PolicyKeys {
		if k.Name == full {
			return k, nil
		}
	}
	names := make([]string, len(PolicyKeys))
	for i, k := range PolicyKeys {
		names[i] = strings.TrimPrefix(k.Name, PolicyPrefix)
	}
	return PolicyKey{}, fmt.Errorf("%w %q; the properties are %s (each also as %s...)", ErrUnknownPolicy, name, strings.Join(names, ", "), PolicyPrefix)
}

// CheckPolicyProperties validates the maintenance policy and tiering
// properties among props (others are left alone), naming the first bad
// one.
func CheckPolicyProperties(props map[string]string) error {
	if err := CheckTieringProperties(props); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if !strings.HasPrefix(k, PolicyPrefix) {
			continue
		}
		pk, err := PolicyKeyByName(k)
		if err != nil {
			return err
		}
		if err := pk.check(props[k]); err != nil {
			return fmt.Errorf("%s=%q: %w", k, props[k], err)
		}
	}
	return nil
}

// PolicySetting is the effective value of one policy property and where it
// comes from.
type PolicySetting struct {
	Key, Value string
	// Source is "table lake.ns.t", "schema lake.ns", "warehouse" or
	// "default".
	Source string
}

// Policy is the effective maintenance policy of a table, a schema or the
// warehouse.
type Policy struct {
	Settings []PolicySetting // in PolicyKeys order
}

// Get returns the effective value of a property (its full name).
func (p Policy) Get(key string) string {
	for _, s := range p.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// Bool returns a boolean property.
func (p Policy) Bool(key string) bool { b, _ := strconv.ParseBool(p.Get(key)); return b }

// Float returns a number property.
func (p Policy) Float(key string) float64 { f, _ := strconv.ParseFloat(p.Get(key), 64); return f }

// Int returns a whole-number property.
func (p Policy) Int(key string) int { n, _ := strconv.Atoi(p.Get(key)); return n }

// Policy resolves the maintenance policy of table lake.ns.name: the
// table's properties, then its schema's, then the warehouse's, then the
// defaults. With name "" it resolves a schema's, with ns "" too the
// warehouse's. A value set somewhere but invalid (set around floe) is an
// error naming where.
func (w *Warehouse) Policy(ctx context.Context, ns, name string) (Policy, error) {
	type layer struct {
		source string
		props  map[string]string
	}
	var layers []layer
	if name != "" {
		t, err := w.Table(ctx, ns, name)
		if err != nil {
			return Policy{}, err
		}
		layers = append(layers, layer{"table " + t.Ident(), t.Properties()})
	}
	if ns != "" {
		props, err := w.cat.LoadNamespaceProperties(ctx, table.Identifier{ns})
		if err != nil {
			return Policy{}, fmt.Errorf("schema lake.%s: %w", ns, err)
		}
		layers = append(layers, layer{"schema lake." + ns, props})
	}
	wp, err := w.WarehouseProperties(ctx)
	if err != nil {
		return Policy{}, err
	}
	layers = append(layers, layer{"warehouse", wp})
	var p Policy
	for _, k := range PolicyKeys {
		s := PolicySetting{Key: k.Name, Value: k.Default, Source: "default"}
		for _, l := range layers {
			if v, ok := l.props[k.Name]; ok {
				if err := k.check(v); err != nil {
					return Policy{}, fmt.Errorf("%s: %s=%q: %w", l.source, k.Name, v, err)
				}
				s.Value, s.Source = v, l.source
				break
			}
		}
		p.Settings = append(p.Settings, s)
	}
	return p, nil
}

// SetPolicy sets (value != "") or unsets (value == "", so the level
// inherits again) a maintenance policy property on table lake.ns.name, on
// schema lake.ns (name ""), or on the warehouse (ns and name ""). key is a
// full property name or the part after floe.maintenance.
func (w *Warehouse) SetPolicy(ctx context.Context, ns, name, key, value string) error {
	k, err := PolicyKeyByName(key)
	if err != nil {
		return err
	}
	if value != "" {
		if err := k.check(value); err != nil {
			return fmt.Errorf("%s=%q: %w", k.Name, value, err)
		}
	}
	switch {
	case name != "":
		t, err := w.Table(ctx, ns, name)
		if err != nil {
			return err
		}
		if value == "" {
			_, err = t.UnsetProperties(ctx, []string{k.Name})
		} else {
			_, err = t.SetProperties(ctx, map[string]string{k.Name: value})
		}
		return err
	case ns != "":
		var removals []string
		updates := map[string]string{}
		if value == "" {
			removals = []string{k.Name}
		} else {
			updates[k.Name] = value
		}
		if _, err := w.cat.UpdateNamespaceProperties(ctx, table.Identifier{ns}, removals, updates); err != nil {
			return fmt.Errorf("schema lake.%s: %w", ns, err)
		}
		return nil
	}
	return w.setWarehouseProperty(ctx, k.Name, value)
}

// WarehouseProperties returns the warehouse's own properties (maintenance
// policy defaults for all its tables). They live in the embedded catalog's
// database beside the catalog's tables, so every process sharing the
// warehouse sees one set, changed atomically.
func (w *Warehouse) WarehouseProperties(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	if w.db == nil {
		return out, nil // a remote catalog: nothing set here
	}
	if err := w.ensureWarehouseProperties(ctx); err != nil {
		return nil, err
	}
	rows, err := w.db.QueryContext(ctx, "SELECT key, value FROM "+warehousePropertiesTable)
	if err != nil {
		return nil, fmt.Errorf("read warehouse properties: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read warehouse properties: %w", err)
		}
		out[k] = v
	}
	return out, rows.Err()
}

func (w *Warehouse) ensureWarehouseProperties(ctx context.Context) error {
	_, err := w.db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+warehousePropertiesTable+" ("+warehousePropertiesColumns+")")
	if err != nil {
		return fmt.Errorf("warehouse properties: %w", err)
	}
	return nil
}

func (w *Warehouse) setWarehouseProperty(ctx context.Context, key, value string) error {
	if w.db == nil {
		return errors.New("warehouse properties: a warehouse over a remote catalog has none; set the property on the schema or table")
	}
	if err := w.ensureWarehouseProperties(ctx); err != nil {
		return err
	}
	var err error
	if value == "" {
		_, err = w.db.ExecContext(ctx, "DELETE FROM "+warehousePropertiesTable+" WHERE key = ?", key)
	} else {
		_, err = w.db.ExecContext(ctx, "INSERT INTO "+warehousePropertiesTable+" (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	}
	if err != nil {
		return fmt.Errorf("set warehouse property %s: %w", key, err)
	}
	return nil
}
