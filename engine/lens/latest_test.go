package lens

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestLatest checks the catalog's health line source: the latest day's
// figures of a table, and nothing for a table the lens never measured.
func TestLatest(t *testing.T) {
	l := openLake(t, t.TempDir())
	l.exec("CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id BIGINT) TBLPROPERTIES ('format-version'='3')")
	l.exec("INSERT INTO lake.s.t SELECT i FROM range(1000) r(i)")
	if h, err := Latest(l.ctx, l.wh, "s", "t"); err != nil || h != nil {
		t.Fatalf("before any collect: Latest = %+v, %v; want nothing", h, err)
	}
	l.collect("2026-04-01T08:00:00Z")
	l.exec("DELETE FROM lake.s.t WHERE id % 4 = 0")
	l.exec("INSERT INTO lake.s.t SELECT i FROM range(10) r(i)")
	l.collect("2026-04-02T08:00:00Z")
	l.exec("CREATE TABLE lake.s.later (id BIGINT)")

	want, _ := expected(t, l, "s", "t")
	tests := []struct {
		table string
		want  *Health
	}{
		{"t", &Health{Day: time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC), Bytes: want.Bytes,
			SmallFileRatio: 1, DeletedShare: 250.0 / 1010,
			Tiers: []TierBytes{{ClassStandard, TierStandard, want.Bytes}}}},
		{"later", nil},
		{"missing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			got, err := Latest(l.ctx, l.wh, "s", tt.table)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got, cmpopts.EquateApprox(0, 1e-9), cmpopts.EquateNaNs()); d != "" {
				t.Errorf("Latest (-want +got):\n%s", d)
			}
		})
	}
}
