package lens

import (
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// threeTiers makes lake.s.t, INTELLIGENT_TIERING, with three data files
// that are ARCHIVE_INSTANT, INFREQUENT and FREQUENT at the time it
// returns (FLOE_NOW is set to it): the first never read since its commit
// 100 days earlier, the second read 40 days earlier, the third just now.
// The table prices INFREQUENT at its own price, the warehouse FREQUENT at
// its own: the lens must take both from the tiering properties.
func threeTiers(t *testing.T, l *lake) time.Time {
	t.Helper()
	l.exec(`CREATE SCHEMA lake.s;
		CREATE TABLE lake.s.t (id BIGINT, v VARCHAR);
		INSERT INTO lake.s.t SELECT range, repeat('a', 50) FROM range(1000);
		INSERT INTO lake.s.t SELECT range + 1000, repeat('b', 50) FROM range(2000);
		INSERT INTO lake.s.t SELECT range + 3000, repeat('c', 50) FROM range(3000);
		CALL storage_class('s.t', 'intelligent_tiering');
		CREATE TABLE lake.s.plain (id BIGINT);
		INSERT INTO lake.s.plain SELECT range FROM range(100)`)
	if err := l.wh.SetTiering(l.ctx, "s", "t", engine.PropPricePrefix+"infrequent", "0.0111"); err != nil {
		t.Fatal(err)
	}
	if l.wh.ObjectStore() {
		// A warehouse on S3 keeps no warehouse properties: the tables
		// carry the price.
		for _, name := range []string{"t", "plain"} {
			if err := l.wh.SetTiering(l.ctx, "s", name, engine.PropPricePrefix+"frequent", "0.031"); err != nil {
				t.Fatal(err)
			}
		}
	} else if err := l.wh.SetTiering(l.ctx, "", "", engine.PropPricePrefix+"frequent", "0.031"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	at := func(days int) time.Time {
		now := start.Add(time.Duration(days) * 24 * time.Hour).UTC()
		t.Setenv(engine.EnvNow, now.Format(time.RFC3339Nano))
		return now
	}
	at(60)
	if got := l.rows("SELECT count(*) FROM lake.s.t WHERE id >= 1000 AND id < 3000"); i64(got[0][0]) != 2000 {
		t.Fatalf("read of the second file: %v", got)
	}
	now := at(100)
	if got := l.rows("SELECT count(*) FROM lake.s.t WHERE id >= 3000"); i64(got[0][0]) != 3000 {
		t.Fatalf("read of the third file: %v", got)
	}
	return now
}

// TestCostMatchesTierCosts collects a warehouse whose table has files in
// three tiers, tracked only or moved to a cold path: storage_daily splits
// its bytes by tier, and cost_daily prices each tier as t$tier_costs does
// (the same tiering prices, set on the table and on the warehouse), the
// cold tiers to the byte.
func TestCostMatchesTierCosts(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cold, s3 bool
	}{{name: "tracked"}, {name: "moved to a cold path", cold: true}, {name: "s3 storage classes", s3: true}} {
		t.Run(tc.name, func(t *testing.T) {
			var l *lake
			if tc.s3 {
				srv := s3test.Start(t)
				l = openLake(t, "s3://"+srv.Bucket+"/wh", engine.WithHome(t.TempDir()), engine.WithS3(s3fs.Options{
					Endpoint: srv.Endpoint, Region: s3test.Region, AccessKeyID: s3test.AccessKey,
					SecretAccessKey: s3test.SecretKey}))
			} else {
				l = openLake(t, t.TempDir())
			}
			now := threeTiers(t, l)
			if tc.s3 {
				l.exec("CALL apply_tiering('s.t')")
			}
			if tc.cold {
				cold := t.TempDir()
				if err := l.wh.SetTiering(l.ctx, "s", "t", engine.PropColdPath, cold); err != nil {
					t.Fatal(err)
				}
				l.exec("CALL apply_tiering('s.t')")
				if n := countFiles(t, cold); n != 2 {
					t.Fatalf("apply_tiering moved %d files to the cold path, want 2", n)
				}
			}
			// Twice the same day (on S3 too): the second run replaces the
			// first's rows.
			for _, at := range []time.Time{now, now} {
				if _, err := Collect(l.ctx, l.wh, Options{Now: at}); err != nil {
					t.Fatal(err)
				}
			}
			if n := l.rows(`SELECT count(*), count(DISTINCT tier) FROM lake.floe_lens.cost_daily WHERE table_name = 't'`); i64(n[0][0]) != 3 || i64(n[0][1]) != 3 {
				t.Errorf("cost_daily of s.t after two collects the same day: %v rows and tiers, want 3 and 3", n[0])
			}
			// The storage class: the table's, or on S3 the object's as
			// the server reports it (versitygw keeps none: STANDARD).
			class := func(tier string) string { return engine.StorageClassIntelligentTiering }
			if tc.s3 {
				heads := map[string]string{}
				sfs := l.wh.FS().(*s3fs.FS)
				for _, r := range l.rows(`SELECT file, tier FROM lake.s."t$tiers"`) {
					c, err := sfs.StorageClass(r[0].(string))
					if err != nil {
						t.Fatal(err)
					}
					heads[r[1].(string)] = c
				}
				class = func(tier string) string { return heads[tier] }
			}
			checkTierCosts(t, l, class)
		})
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func checkTierCosts(t *testing.T, l *lake, class func(tier string) string) {
	t.Helper()
	type tierRow struct {
		bytes        int64
		price, month float64
	}
	engineRows := map[string]tierRow{}
	for _, r := range l.rows(`SELECT tier, bytes, usd_per_gb_month, monthly_usd FROM lake.s."t$tier_costs"`) {
		engineRows[r[0].(string)] = tierRow{i64(r[1]), r[2].(float64), r[3].(float64)}
	}
	lensRows := map[string]tierRow{}
	for _, r := range l.rows(`SELECT storage_class, tier, bytes, monthly_storage_cost FROM lake.floe_lens.cost_daily
		WHERE namespace = 's' AND table_name = 't'`) {
		if want := class(r[1].(string)); r[0] != want {
			t.Errorf("cost_daily row %v of class %v, want %s", r[1], r[0], want)
		}
		b := i64(r[2])
		lensRows[r[1].(string)] = tierRow{bytes: b, month: r[3].(float64)}
	}
	storageRows := map[string]int64{}
	for _, r := range l.rows(`SELECT tier, bytes FROM lake.floe_lens.storage_daily
		WHERE level = 'table' AND namespace = 's' AND table_name = 't'`) {
		storageRows[r[0].(string)] = i64(r[1])
	}
	wantPrice := map[string]float64{engine.TierFrequent: 0.031, engine.TierInfrequent: 0.0111,
		engine.TierArchiveInstant: engine.DefaultPriceArchiveInstant}
	for _, tier := range engine.Tiers {
		t.Run(tier, func(t *testing.T) {
			e, ok := engineRows[tier]
			if !ok || e.bytes == 0 {
				t.Fatalf("t$tier_costs has no bytes in %s: %v (the fixture should put one file there)", tier, engineRows)
			}
			if math.Abs(e.price-wantPrice[tier]) > 1e-12 {
				t.Errorf("t$tier_costs prices %s at %g, want %g", tier, e.price, wantPrice[tier])
			}
			got, ok := lensRows[tier]
			if !ok {
				t.Fatalf("cost_daily has no %s row: %v", tier, lensRows)
			}
			if storageRows[tier] != got.bytes {
				t.Errorf("storage_daily says %d bytes in %s, cost_daily %d", storageRows[tier], tier, got.bytes)
			}
			// FREQUENT also holds the table's metadata and the files of no
			// tier; the colder tiers hold exactly the engine's files.
			if tier == engine.TierFrequent && got.bytes < e.bytes || tier != engine.TierFrequent && got.bytes != e.bytes {
				t.Errorf("cost_daily has %d bytes in %s, t$tier_costs %d", got.bytes, tier, e.bytes)
			}
			want := float64(got.bytes) / (1 << 30) * e.price
			if math.Abs(got.month-want) > 1e-15 {
				t.Errorf("cost_daily prices %d bytes of %s at %g a month, want %g (t$tier_costs' %g per GB-month)", got.bytes, tier, got.month, want, e.price)
			}
			if tier != engine.TierFrequent && math.Abs(got.month-e.month) > 1e-15 {
				t.Errorf("cost_daily %s costs %g a month, t$tier_costs %g", tier, got.month, e.month)
			}
		})
	}
	// The STANDARD table is priced at the warehouse's FREQUENT price, its
	// storage class STANDARD.
	for _, r := range l.rows(`SELECT storage_class, tier, bytes, monthly_storage_cost FROM lake.floe_lens.cost_daily
		WHERE namespace = 's' AND table_name = 'plain'`) {
		want := float64(i64(r[2])) / (1 << 30) * 0.031
		if r[0] != ClassStandard || r[1] != TierStandard || math.Abs(r[3].(float64)-want) > 1e-15 {
			t.Errorf("plain: cost_daily row %v, want STANDARD/STANDARD costing %g", r, want)
		}
	}
	h, err := Latest(l.ctx, l.wh, "s", "t")
	if err != nil || h == nil {
		t.Fatalf("Latest: %+v, %v", h, err)
	}
	var sum int64
	for _, tb := range h.Tiers {
		sum += tb.Bytes
		if tb.Bytes != storageRows[tb.Tier] {
			t.Errorf("Latest: %s has %d bytes, storage_daily %d", tb.Tier, tb.Bytes, storageRows[tb.Tier])
		}
	}
	if len(h.Tiers) != 3 || sum != h.Bytes {
		t.Errorf("Latest tiers %v (sum %d), want three summing to %d", h.Tiers, sum, h.Bytes)
	}
}

// TestLoadPrices checks the prices file: request prices by class, and
// storage prices refused (they are the tiering properties).
func TestLoadPrices(t *testing.T) {
	tests := []struct {
		name, json, err string
		want            Prices
	}{
		{"a class's requests", `{"STANDARD": {"per_1000_writes": 0.006, "per_1000_reads": 0.0005}}`, "", func() Prices {
			p := DefaultPrices()
			p[ClassStandard] = Price{Per1000Writes: 0.006, Per1000Reads: 0.0005}
			return p
		}()},
		{"storage price", `{"STANDARD": {"gb_month": 0.03}}`, "floe.tiering.price.frequent", nil},
		{"unknown field", `{"STANDARD": {"per_1000_get": 1}}`, "per_1000_get", nil},
		{"negative", `{"GLACIER_IR": {"per_1000_reads": -1}}`, "negative", nil},
		{"not an object", `[1]`, "want {", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name := t.TempDir() + "/prices.json"
			if err := os.WriteFile(name, []byte(tt.json), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := LoadPrices(name)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("LoadPrices(%s) = %v, %v; want an error naming %q", tt.json, got, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("LoadPrices(%s) = %v, want %v", tt.json, got, tt.want)
			}
		})
	}
}

// TestTieringOf checks an object's class and tier: the table's class and
// the file's tier, STANDARD for a STANDARD table, FREQUENT for what an
// INTELLIGENT_TIERING table does not tier, and the class the server lists
// when it lists one.
func TestTieringOf(t *testing.T) {
	it := tiering{class: engine.StorageClassIntelligentTiering, files: map[string]string{"/w/s.db/t/data/a": engine.TierArchiveInstant}}
	std := tiering{class: ClassStandard}
	tests := []struct {
		name            string
		tg              tiering
		path, listed    string
		wantClass, tier string
	}{
		{"standard table", std, "/w/s.db/u/data/a", "", ClassStandard, TierStandard},
		{"tiered file", it, "/w/s.db/t/data/a", "", engine.StorageClassIntelligentTiering, engine.TierArchiveInstant},
		{"metadata of a tiered table", it, "/w/s.db/t/metadata/m.json", "", engine.StorageClassIntelligentTiering, engine.TierFrequent},
		{"class listed by S3", it, "/w/s.db/t/data/a", "GLACIER_IR", "GLACIER_IR", engine.TierArchiveInstant},
		{"standard object on S3", std, "/w/s.db/u/data/a", "STANDARD", ClassStandard, TierStandard},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, tier := tt.tg.of(tt.path, tt.listed)
			if c != tt.wantClass || tier != tt.tier {
				t.Errorf("of(%s, %q) = %s/%s, want %s/%s", tt.path, tt.listed, c, tier, tt.wantClass, tt.tier)
			}
		})
	}
}
