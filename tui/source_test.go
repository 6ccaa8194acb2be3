package tui

import (
	"math"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/components/catalog"
)

// TestDescribe checks the catalog's lines for a table: columns with NOT
// NULL and comments, and short lines for rows, partitioning, files and
// snapshots, each naming the metadata table preview opens.
func TestDescribe(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		info    kernel.LakeTableInfo
		cols    []catalog.Column
		details []catalog.Detail
	}{{
		name: "empty table",
		info: kernel.LakeTableInfo{FormatVersion: 2, Columns: []kernel.LakeColumn{{Name: "id", Type: "BIGINT", NotNull: true, Comment: "key"}}},
		cols: []catalog.Column{{Name: "id", Type: "BIGINT not null", Comment: "key"}},
		details: []catalog.Detail{
			{Text: "≡ 0 rows · format v2", Meta: "partitions"},
			{Text: "▤ 0 files · 0 B", Meta: "files"},
			{Text: "⟲ 0 snapshots", Meta: "snapshots"},
		},
	}, {
		name: "partitioned, with deletes",
		info: kernel.LakeTableInfo{FormatVersion: 3, Partitioning: "day(ts), bucket(16, id)", Snapshots: 12,
			SnapshotID: 7, SnapshotAt: now.Add(-3 * time.Hour), Operation: "delete",
			Rows: 1234567, DataFiles: 1, DeleteFiles: 2, Bytes: 3 << 20},
		details: []catalog.Detail{
			{Text: "≡ 1,234,567 rows · format v3", Meta: "partitions"},
			{Text: "⊞ by day(ts), bucket(16, id)", Meta: "partitions"},
			{Text: "▤ 1 file · 3.0 MiB · 2 delete files", Meta: "files"},
			{Text: "⟲ 12 snapshots · delete 3h ago", Meta: "snapshots"},
		},
	}, {
		name: "totals missing from the summary",
		info: kernel.LakeTableInfo{FormatVersion: 2, Snapshots: 1, SnapshotID: 1, SnapshotAt: now, Operation: "append",
			Rows: -1, DataFiles: -1, DeleteFiles: -1, Bytes: -1},
		details: []catalog.Detail{
			{Text: "≡ ? rows · format v2", Meta: "partitions"},
			{Text: "▤ ? files · ? bytes · ? delete files", Meta: "files"},
			{Text: "⟲ 1 snapshot · append just now", Meta: "snapshots"},
		},
	}, {
		name: "with storage metrics",
		info: kernel.LakeTableInfo{FormatVersion: 3, Snapshots: 2, SnapshotID: 2, SnapshotAt: now.Add(-time.Hour), Operation: "delete",
			Rows: 750, DataFiles: 1, DeleteFiles: 1, Bytes: 2048,
			Health: &kernel.LakeHealth{Bytes: 3 << 20, SmallFileRatio: 0.4, DeletedShare: 0.25,
				Tiers: []kernel.LakeTier{{Class: "STANDARD", Tier: "STANDARD", Bytes: 3 << 20}}}},
		details: []catalog.Detail{
			{Text: "≡ 750 rows · format v3", Meta: "partitions"},
			{Text: "▤ 1 file · 2.0 KiB · 1 delete file", Meta: "files"},
			{Text: "⟲ 2 snapshots · delete 1h ago", Meta: "snapshots"},
			{Text: "◍ 3.0 MiB stored · STANDARD"},
			{Text: "◍ 40% small files · 25% deleted"},
		},
	}, {
		name: "storage metrics over tiers, shares unknown",
		info: kernel.LakeTableInfo{FormatVersion: 2,
			Health: &kernel.LakeHealth{Bytes: 4096, SmallFileRatio: math.NaN(), DeletedShare: math.NaN(),
				Tiers: []kernel.LakeTier{{Class: "INTELLIGENT_TIERING", Tier: "FREQUENT", Bytes: 3072}, {Class: "INTELLIGENT_TIERING", Tier: "ARCHIVE_INSTANT", Bytes: 1024}}}},
		details: []catalog.Detail{
			{Text: "≡ 0 rows · format v2", Meta: "partitions"},
			{Text: "▤ 0 files · 0 B", Meta: "files"},
			{Text: "⟲ 0 snapshots", Meta: "snapshots"},
			{Text: "◍ 4.0 KiB stored · INTELLIGENT_TIERING/FREQUENT 75%, INTELLIGENT_TIERING/ARCHIVE_INSTANT 25%"},
			{Text: "◍ ? small files · ? deleted"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cols, details, err := describe(&tt.info, now)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.cols, cols); d != "" {
				t.Errorf("columns (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tt.details, details); d != "" {
				t.Errorf("details (-want +got):\n%s", d)
			}
		})
	}
}
