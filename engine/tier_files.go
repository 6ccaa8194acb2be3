package engine

import (
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/apache/iceberg-go"
)

// FileTier is a live data file of a table and its tier.
type FileTier struct {
	// Location is the file's location, as the manifests name it.
	Location string
	// Tier is FREQUENT, INFREQUENT or ARCHIVE_INSTANT.
	Tier string
	// LastAccess is when the file was last read, or committed when it was
	// never read since (for a moved file: its original commit).
	LastAccess time.Time
	// Bytes is its size.
	Bytes int64
	// Cold reports a file in the table's cold path.
	Cold bool
}

// FileTiers returns the tier of each live data file of the current
// snapshot, sorted by location, as of Now.
func (t *Table) FileTiers(ctx context.Context) ([]FileTier, Tiering, error) {
	cfg, err := t.wh.Tiering(ctx, t.NS, t.Name)
	if err != nil {
		return nil, Tiering{}, err
	}
	now, err := Now()
	if err != nil {
		return nil, cfg, err
	}
	acc, err := t.wh.AccessTimes(ctx)
	if err != nil {
		return nil, cfg, err
	}
	entries, _, err := t.liveEntries(ctx)
	if err != nil {
		return nil, cfg, err
	}
	var out []FileTier
	for _, e := range entries {
		df := e.DataFile()
		if df.ContentType() != iceberg.EntryContentData {
			continue
		}
		last := time.Time{}
		if s := t.tbl.SnapshotByID(e.SnapshotID()); s != nil {
			last = time.UnixMilli(s.TimestampMs)
		}
		a := acc[df.FilePath()]
		if !a.Since.IsZero() {
			last = a.Since
		}
		if a.Last.After(last) {
			last = a.Last
		}
		out = append(out, FileTier{Location: df.FilePath(), Tier: cfg.Tier(last, now), LastAccess: last.UTC(),
			Bytes: df.FileSizeBytes(), Cold: cfg.ColdPath != "" && inColdPath(df.FilePath(), cfg.ColdPath)})
	}
	slices.SortFunc(out, func(a, b FileTier) int { return strings.Compare(a.Location, b.Location) })
	return out, cfg, nil
}

func inColdPath(loc, cold string) bool {
	p, ok := LocalPath(loc)
	return ok && within(filepath.Clean(p), filepath.Clean(cold))
}

// tierOf returns the tier of a data file of t, computing the table's tiers
// once per metadata version, access log version and minute.
func (t *Table) tierOf(ctx context.Context, loc string) (string, error) {
	now, err := Now()
	if err != nil {
		return "", err
	}
	if c, ok := t.Properties()[PropStorageClass]; ok && c == StorageClassStandard {
		return TierFrequent, nil
	}
	acc := &t.wh.acc
	key := t.MetadataLocation()
	acc.mu.Lock()
	c, ok := acc.tiers[key]
	v := acc.version
	acc.mu.Unlock()
	if !ok || c.version != v || !c.at.Equal(now.Truncate(time.Minute)) {
		files, _, err := t.FileTiers(ctx)
		if err != nil {
			return "", err
		}
		c = tierCache{version: v, at: now.Truncate(time.Minute), tiers: map[string]string{}}
		for _, f := range files {
			c.tiers[f.Location] = f.Tier
		}
		acc.mu.Lock()
		if acc.tiers == nil || len(acc.tiers) > 64 {
			acc.tiers = map[string]tierCache{}
		}
		acc.tiers[key] = c
		acc.mu.Unlock()
	}
	tier, ok := c.tiers[loc]
	if !ok {
		return TierFrequent, nil // not live in the current snapshot: a new file
	}
	return tier, nil
}

// TierCosts is a table's bytes per tier and their monthly cost, against
// the cost of keeping every byte in STANDARD.
type TierCosts struct {
	Rows []TierCost
	// Total and Standard are the monthly costs in US$: as tiered, and all
	// STANDARD.
	Total, Standard float64
}

// TierCost is one tier's line of a cost report.
type TierCost struct {
	Tier  string
	Files int
	Bytes int64
	// GBMonth is the price, US$ per GB-month; Monthly the cost of Bytes.
	GBMonth, Monthly float64
}

// gb is the gigabyte prices are quoted per (S3 bills GB as 2^30 bytes).
const gb = 1 << 30

// CostReport sums a table's files per tier at its tiering prices.
func CostReport(files []FileTier, cfg Tiering) TierCosts {
	var r TierCosts
	for _, tier := range Tiers {
		c := TierCost{Tier: tier, GBMonth: cfg.Prices[tier]}
		for _, f := range files {
			if f.Tier == tier {
				c.Files++
				c.Bytes += f.Bytes
			}
		}
		c.Monthly = float64(c.Bytes) / gb * c.GBMonth
		r.Total += c.Monthly
		r.Standard += float64(c.Bytes) / gb * cfg.Prices[StorageClassStandard]
		r.Rows = append(r.Rows, c)
	}
	return r
}

func (t *Table) tiersTable(ctx context.Context) (*MetaTable, error) {
	files, _, err := t.FileTiers(ctx)
	if err != nil {
		return nil, err
	}
	mt := &MetaTable{Columns: []Column{
		{Name: "file", Type: "VARCHAR"}, {Name: "tier", Type: "VARCHAR"},
		{Name: "last_access", Type: "TIMESTAMP WITH TIME ZONE"}, {Name: "bytes", Type: "BIGINT"},
		{Name: "cold", Type: "BOOLEAN"},
	}}
	for _, f := range files {
		mt.Rows = append(mt.Rows, []string{QuoteString(f.Location), QuoteString(f.Tier),
			sqlTime(f.LastAccess.UnixMilli()), strconv.FormatInt(f.Bytes, 10), strconv.FormatBool(f.Cold)})
	}
	return mt, nil
}

func (t *Table) tierCostsTable(ctx context.Context) (*MetaTable, error) {
	files, cfg, err := t.FileTiers(ctx)
	if err != nil {
		return nil, err
	}
	r := CostReport(files, cfg)
	mt := &MetaTable{Columns: []Column{
		{Name: "tier", Type: "VARCHAR"}, {Name: "files", Type: "BIGINT"}, {Name: "bytes", Type: "BIGINT"},
		{Name: "usd_per_gb_month", Type: "DOUBLE"}, {Name: "monthly_usd", Type: "DOUBLE"},
		{Name: "standard_monthly_usd", Type: "DOUBLE"},
	}}
	for _, c := range r.Rows {
		mt.Rows = append(mt.Rows, []string{QuoteString(c.Tier), strconv.Itoa(c.Files), strconv.FormatInt(c.Bytes, 10),
			sqlFloat(c.GBMonth), sqlFloat(c.Monthly), sqlFloat(float64(c.Bytes) / gb * cfg.Prices[StorageClassStandard])})
	}
	return mt, nil
}

func sqlFloat(f float64) string { return "CAST(" + strconv.FormatFloat(f, 'g', -1, 64) + " AS DOUBLE)" }
