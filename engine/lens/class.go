package lens

import (
	"context"
	"fmt"
	"time"

	"github.com/floehq/floe/engine"
)

// The storage class and tier names, in the S3 Tables vocabulary the
// engine's tiering uses. A STANDARD table's objects are in tier STANDARD;
// an INTELLIGENT_TIERING table's live data files are in the tier their
// access times give (FREQUENT, INFREQUENT, ARCHIVE_INSTANT) and its other
// objects (metadata, deletes, files of old snapshots) in FREQUENT, as the
// engine's tiering keeps them.
const (
	ClassStandard = engine.StorageClassStandard
	TierStandard  = "STANDARD"
)

// objectClasser is a listed object (a DirEntry or FileInfo of the
// object-storage filesystem) that reports its storage class as the server
// listed it: STANDARD, STANDARD_IA, GLACIER_IR ...; "" when it did not.
type objectClasser interface{ StorageClass() string }

// reportedClass returns the storage class the server listed the object
// in, or "".
func reportedClass(v any) string {
	if c, ok := v.(objectClasser); ok {
		return c.StorageClass()
	}
	return ""
}

// tiering is what the lens needs of a table's (or the warehouse's)
// tiering: its class, its prices per tier, and the tier of each live data
// file.
type tiering struct {
	class string
	// prices are US$ per GB-month by tier, STANDARD included: the
	// engine's, so cost_daily prices bytes as t$tier_costs does.
	prices map[string]float64
	// files maps the cleaned location of each live data file of an
	// INTELLIGENT_TIERING table to its tier at the collect's time.
	files map[string]string
	// coldPath is the local directory the table's colder files move to,
	// "" when unset.
	coldPath string
}

// warehouseTiering is the tiering of objects of no table: the warehouse's
// defaults, every object STANDARD.
func warehouseTiering(ctx context.Context, w *engine.Warehouse) (tiering, error) {
	cfg, err := w.Tiering(ctx, "", "")
	if err != nil {
		return tiering{}, fmt.Errorf("lens collect: warehouse tiering: %w", err)
	}
	return tiering{class: ClassStandard, prices: cfg.Prices}, nil
}

// tableTiering reads the tiering of t and, for an INTELLIGENT_TIERING
// table, the tier of each live data file as of now (the engine gives each
// file's last access; its configuration gives the tier at now).
func tableTiering(ctx context.Context, w *engine.Warehouse, t *engine.Table, now time.Time) (tiering, error) {
	cfg, err := w.Tiering(ctx, t.NS, t.Name)
	if err != nil {
		return tiering{}, fmt.Errorf("lens collect: %s: %w", t.Ident(), err)
	}
	tg := tiering{class: cfg.Class, prices: cfg.Prices, coldPath: cfg.ColdPath}
	if cfg.Class != engine.StorageClassIntelligentTiering {
		return tg, nil
	}
	files, _, err := t.FileTiers(ctx)
	if err != nil {
		return tiering{}, fmt.Errorf("lens collect: %s: file tiers: %w", t.Ident(), err)
	}
	tg.files = make(map[string]string, len(files))
	for _, f := range files {
		tg.files[clean(f.Location)] = cfg.Tier(f.LastAccess, now)
	}
	return tg, nil
}

// of returns the class and tier of the object at cleaned path p, whose
// server-listed class is listed ("" when not reported).
func (tg tiering) of(p, listed string) (class, tier string) {
	class, tier = tg.class, TierStandard
	if tg.class == engine.StorageClassIntelligentTiering {
		tier = engine.TierFrequent
		if t, ok := tg.files[p]; ok {
			tier = t
		}
	}
	if listed != "" {
		class = listed
	}
	return class, tier
}

// price returns the US$ per GB-month of tier.
func (tg tiering) price(tier string) (float64, error) {
	p, ok := tg.prices[tier]
	if !ok {
		return 0, fmt.Errorf("no storage price for tier %s", tier)
	}
	return p, nil
}
