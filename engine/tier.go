package engine

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Storage classes of a table, in Amazon S3 Tables' vocabulary. A table in
// INTELLIGENT_TIERING has each of its data files in a tier by how recently
// it was read; a STANDARD table's files are all FREQUENT.
const (
	StorageClassStandard           = "STANDARD"
	StorageClassIntelligentTiering = "INTELLIGENT_TIERING"
)

// Tiers of a data file of an INTELLIGENT_TIERING table.
const (
	TierFrequent       = "FREQUENT"
	TierInfrequent     = "INFREQUENT"
	TierArchiveInstant = "ARCHIVE_INSTANT"
)

// Tiers lists the tiers, warmest first.
var Tiers = []string{TierFrequent, TierInfrequent, TierArchiveInstant}

// Tiering properties. Each may be set on a table or on the warehouse (the
// default of every table that does not set it); the table's wins.
const (
	// PropStorageClass is STANDARD or INTELLIGENT_TIERING.
	PropStorageClass = "floe.storage-class"
	// PropInfrequentDays is how many days without an access move a file
	// to INFREQUENT (S3: 30).
	PropInfrequentDays = "floe.tiering.infrequent-days"
	// PropArchiveDays is how many days without an access move a file to
	// ARCHIVE_INSTANT (S3: 90); more than PropInfrequentDays.
	PropArchiveDays = "floe.tiering.archive-instant-days"
	// PropColdPath is the absolute local directory a local warehouse moves
	// the files of the colder tiers to; unset, tiers are only tracked.
	PropColdPath = "floe.tiering.cold-path"
	// PropPricePrefix starts the per-tier prices in US dollars per
	// GB-month: floe.tiering.price.frequent, .infrequent,
	// .archive-instant.
	PropPricePrefix = "floe.tiering.price."
)

// TieringPrefix starts every tiering property but the storage class.
const TieringPrefix = "floe.tiering."

// Default per-GB-month prices: FREQUENT is S3 Standard's 0.023 $/GB-month,
// INFREQUENT 40% lower, ARCHIVE_INSTANT 68% lower than INFREQUENT (S3
// Tables' Intelligent-Tiering ratios).
const (
	DefaultPriceFrequent       = 0.023
	DefaultPriceInfrequent     = DefaultPriceFrequent * 0.60
	DefaultPriceArchiveInstant = DefaultPriceInfrequent * 0.32
)

// TierKey describes one tiering property.
type TierKey struct {
	Name, Default, Doc string
	check              func(string) error
}

// TierKeys are the tiering properties, in the order they are shown.
var TierKeys = []TierKey{
	{PropStorageClass, StorageClassStandard, "STANDARD or INTELLIGENT_TIERING", checkStorageClass},
	{PropInfrequentDays, "30", "days without an access before a file is INFREQUENT", checkPositive},
	{PropArchiveDays, "90", "days without an access before a file is ARCHIVE_INSTANT (more than infrequent-days)", checkPositive},
	{PropColdPath, "", "local directory the colder tiers' files move to (local warehouses; unset: tiers are tracked only)", checkColdPath},
	{PropPricePrefix + "frequent", strconv.FormatFloat(DefaultPriceFrequent, 'g', -1, 64), "US$ per GB-month of FREQUENT (and STANDARD)", checkPrice},
	{PropPricePrefix + "infrequent", strconv.FormatFloat(DefaultPriceInfrequent, 'g', -1, 64), "US$ per GB-month of INFREQUENT", checkPrice},
	{PropPricePrefix + "archive-instant", strconv.FormatFloat(DefaultPriceArchiveInstant, 'g', -1, 64), "US$ per GB-month of ARCHIVE_INSTANT", checkPrice},
}

// ErrUnknownTiering reports a tiering property floe does not have.
var ErrUnknownTiering = errors.New("unknown tiering property")

func checkStorageClass(v string) error {
	switch v {
	case StorageClassStandard, StorageClassIntelligentTiering:
		return nil
	}
	return fmt.Errorf("must be %s or %s", StorageClassStandard, StorageClassIntelligentTiering)
}

func checkColdPath(v string) error {
	if v == "" || !filepath.IsAbs(v) {
		return errors.New("must be an absolute local directory")
	}
	return nil
}

func checkPrice(v string) error {
	if f, err := strconv.ParseFloat(v, 64); err != nil || f < 0 {
		return errors.New("must be a price of 0 or more (US$ per GB-month)")
	}
	return nil
}

// TierKeyByName finds a tiering property by its full name.
func TierKeyByName(name string) (TierKey, error) {
	for _, k := range TierKeys {
		if k.Name == name {
			return k, nil
		}
	}
	names := make([]string, len(TierKeys))
	for i, k := range TierKeys {
		names[i] = k.Name
	}
	return TierKey{}, fmt.Errorf("%w %q; the properties are %s", ErrUnknownTiering, name, strings.Join(names, ", "))
}

func isTieringKey(k string) bool { return k == PropStorageClass || strings.HasPrefix(k, TieringPrefix) }

// CheckTieringProperties validates the tiering properties among props
// (others are left alone), naming the first bad one; archive-instant-days
// must exceed infrequent-days when both are set.
func CheckTieringProperties(props map[string]string) error {
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if !isTieringKey(k) {
			continue
		}
		tk, err := TierKeyByName(k)
		if err != nil {
			return err
		}
		if err := tk.check(props[k]); err != nil {
			return fmt.Errorf("%s=%q: %w", k, props[k], err)
		}
	}
	inf, okI := props[PropInfrequentDays]
	arc, okA := props[PropArchiveDays]
	if okI && okA {
		i, _ := strconv.Atoi(inf)
		a, _ := strconv.Atoi(arc)
		if a <= i {
			return fmt.Errorf("%s=%s must be more than %s=%s", PropArchiveDays, arc, PropInfrequentDays, inf)
		}
	}
	return nil
}

// Tiering is the effective tiering configuration of a table.
type Tiering struct {
	// Class is STANDARD or INTELLIGENT_TIERING.
	Class string
	// InfrequentAfter and ArchiveAfter are the idle times that make a file
	// INFREQUENT and ARCHIVE_INSTANT.
	InfrequentAfter, ArchiveAfter time.Duration
	// ColdPath is the local directory of cold files; "" when unset.
	ColdPath string
	// Prices are US$ per GB-month by tier; STANDARD costs FREQUENT's.
	Prices map[string]float64
	// Sources says where each property's value came from: "table
	// lake.ns.t", "warehouse" or "default".
	Sources map[string]string
	// Values are the effective values by property name.
	Values map[string]string
}

// Tier returns the tier of a file idle since last at now.
func (c Tiering) Tier(last, now time.Time) string {
	if c.Class != StorageClassIntelligentTiering {
		return TierFrequent
	}
	idle := now.Sub(last)
	switch {
	case idle >= c.ArchiveAfter:
		return TierArchiveInstant
	case idle >= c.InfrequentAfter:
		return TierInfrequent
	}
	return TierFrequent
}

// Tiering resolves the tiering configuration of table lake.ns.name (name
// "" for the warehouse's defaults): the table's properties, then the
// warehouse's, then the defaults. A value set but invalid is an error
// naming where.
func (w *Warehouse) Tiering(ctx context.Context, ns, name string) (Tiering, error) {
	var layers []propLayer
	if name != "" {
		t, err := w.Table(ctx, ns, name)
		if err != nil {
			return Tiering{}, err
		}
		layers = append(layers, propLayer{"table " + t.Ident(), t.Properties()})
	}
	wp, err := w.WarehouseProperties(ctx)
	if err != nil {
		return Tiering{}, err
	}
	layers = append(layers, propLayer{"warehouse", wp})
	return resolveTiering(layers...)
}

// propLayer is one level properties are inherited from.
type propLayer struct {
	source string
	props  map[string]string
}

func resolveTiering(layers ...propLayer) (Tiering, error) {
	c := Tiering{Sources: map[string]string{}, Values: map[string]string{}, Prices: map[string]float64{}}
	for _, k := range TierKeys {
		v, src := k.Default, "default"
		for _, l := range layers {
			if x, ok := l.props[k.Name]; ok {
				if err := k.check(x); err != nil {
					return Tiering{}, fmt.Errorf("%s: %s=%q: %w", l.source, k.Name, x, err)
				}
				v, src = x, l.source
				break
			}
		}
		c.Values[k.Name], c.Sources[k.Name] = v, src
	}
	c.Class = c.Values[PropStorageClass]
	inf, _ := strconv.Atoi(c.Values[PropInfrequentDays])
	arc, _ := strconv.Atoi(c.Values[PropArchiveDays])
	if arc <= inf {
		return Tiering{}, fmt.Errorf("%s=%d (%s) must be more than %s=%d (%s)", PropArchiveDays, arc, c.Sources[PropArchiveDays], PropInfrequentDays, inf, c.Sources[PropInfrequentDays])
	}
	c.InfrequentAfter = time.Duration(inf) * 24 * time.Hour
	c.ArchiveAfter = time.Duration(arc) * 24 * time.Hour
	c.ColdPath = c.Values[PropColdPath]
	for tier, key := range map[string]string{TierFrequent: "frequent", TierInfrequent: "infrequent", TierArchiveInstant: "archive-instant"} {
		c.Prices[tier], _ = strconv.ParseFloat(c.Values[PropPricePrefix+key], 64)
	}
	c.Prices[StorageClassStandard] = c.Prices[TierFrequent]
	return c, nil
}

// SetTiering sets (value != "") or unsets (value "": the level inherits
// again) a tiering property on table lake.ns.name, or on the warehouse
// (name ""). The value is checked first, and against the other level's
// days so archive-instant-days always exceeds infrequent-days.
func (w *Warehouse) SetTiering(ctx context.Context, ns, name, key, value string) error {
	k, err := TierKeyByName(key)
	if err != nil {
		return err
	}
	if value != "" {
		if err := k.check(value); err != nil {
			return fmt.Errorf("%s=%q: %w", k.Name, value, err)
		}
	}
	if name == "" {
		wp, err := w.WarehouseProperties(ctx)
		if err != nil {
			return err
		}
		next := maps.Clone(wp)
		setOrDelete(next, k.Name, value)
		if _, err := resolveTiering(propLayer{"warehouse", next}); err != nil {
			return err
		}
		return w.setWarehouseProperty(ctx, k.Name, value)
	}
	t, err := w.Table(ctx, ns, name)
	if err != nil {
		return err
	}
	if k.Name == PropColdPath && value != "" && w.ObjectStore() {
		return fmt.Errorf("%s: %s is for local warehouses; on object storage floe sets each object's storage class instead", t.Ident(), PropColdPath)
	}
	wp, err := w.WarehouseProperties(ctx)
	if err != nil {
		return err
	}
	next := maps.Clone(map[string]string(t.Properties()))
	setOrDelete(next, k.Name, value)
	if _, err := resolveTiering(propLayer{"table " + t.Ident(), next}, propLayer{"warehouse", wp}); err != nil {
		return err
	}
	if value == "" {
		_, err = t.UnsetProperties(ctx, []string{k.Name})
	} else {
		_, err = t.SetProperties(ctx, map[string]string{k.Name: value})
	}
	return err
}

func setOrDelete(m map[string]string, k, v string) {
	if v == "" {
		delete(m, k)
	} else {
		m[k] = v
	}
}

// StorageClass returns the effective storage class of table lake.ns.name,
// or the warehouse default with name "".
func (w *Warehouse) StorageClass(ctx context.Context, ns, name string) (string, error) {
	c, err := w.Tiering(ctx, ns, name)
	if err != nil {
		return "", err
	}
	return c.Class, nil
}

// SetStorageClass sets the storage class of table lake.ns.name, or the
// warehouse default with name "". The class is STANDARD or
// INTELLIGENT_TIERING (any case).
func (w *Warehouse) SetStorageClass(ctx context.Context, ns, name, class string) error {
	return w.SetTiering(ctx, ns, name, PropStorageClass, strings.ToUpper(strings.TrimSpace(class)))
}
