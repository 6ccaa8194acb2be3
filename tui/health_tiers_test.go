package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lens"
	"github.com/floehq/floe/kernel"
)

// TestHealthLineTiers builds a warehouse whose INTELLIGENT_TIERING table
// has data files in three tiers (as of FLOE_NOW), collects the storage
// lens, and reads the catalog's health line through a real kernel
// session: its tier mix names the three tiers with their shares, and a
// STANDARD table's line names STANDARD alone.
func TestHealthLineTiers(t *testing.T) {
	if testing.Short() {
		t.Skip("opens DuckDB")
	}
	sess := openKernelWith(t, kernel.Options{},
		"CREATE SCHEMA lake.s",
		"CREATE TABLE lake.s.t (id BIGINT, v VARCHAR)",
		"INSERT INTO lake.s.t SELECT range, repeat('a', 50) FROM range(1000)",
		"INSERT INTO lake.s.t SELECT range + 1000, repeat('b', 50) FROM range(2000)",
		"INSERT INTO lake.s.t SELECT range + 3000, repeat('c', 50) FROM range(3000)",
		"CALL storage_class('s.t', 'intelligent_tiering')",
		"CREATE TABLE lake.s.plain (id BIGINT)",
		"INSERT INTO lake.s.plain VALUES (1)")
	ctx := context.Background()
	start := time.Now()
	at := func(days int) time.Time {
		now := start.Add(time.Duration(days) * 24 * time.Hour).UTC()
		t.Setenv(engine.EnvNow, now.Format(time.RFC3339Nano))
		return now
	}
	// Day 60: the second file is read; day 100: the third. The first is
	// then 100 days idle (ARCHIVE_INSTANT), the second 40 (INFREQUENT).
	at(60)
	if err := sess.SQL().Exec(ctx, "SELECT count(*) FROM lake.s.t WHERE id >= 1000 AND id < 3000"); err != nil {
		t.Fatal(err)
	}
	now := at(100)
	if err := sess.SQL().Exec(ctx, "SELECT count(*) FROM lake.s.t WHERE id >= 3000"); err != nil {
		t.Fatal(err)
	}
	if _, err := lens.Collect(ctx, sess.SQL().Warehouse(), lens.Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	src := sessionCatalog{s: sess}
	tests := []struct {
		table string
		want  *regexp.Regexp
	}{
		{"t", regexp.MustCompile(`^◍ [0-9.]+ KiB stored · INTELLIGENT_TIERING/FREQUENT \d+%, ` +
			`INTELLIGENT_TIERING/(INFREQUENT|ARCHIVE_INSTANT) \d+%, INTELLIGENT_TIERING/(INFREQUENT|ARCHIVE_INSTANT) \d+%$`)},
		{"plain", regexp.MustCompile(`^◍ [0-9.]+ (KiB|B) stored · STANDARD$`)},
	}
	for _, tt := range tests {
		t.Run(tt.table, func(t *testing.T) {
			_, details, err := src.Describe(ctx, "s", tt.table)
			if err != nil {
				t.Fatal(err)
			}
			var line string
			for _, d := range details {
				if strings.Contains(d.Text, "stored") {
					line = d.Text
				}
			}
			if !tt.want.MatchString(line) {
				t.Errorf("health line of s.%s = %q, want %s", tt.table, line, tt.want)
			}
			if tt.table == "t" && (!strings.Contains(line, "/INFREQUENT") || !strings.Contains(line, "/ARCHIVE_INSTANT")) {
				t.Errorf("health line of s.t = %q, want INFREQUENT and ARCHIVE_INSTANT both", line)
			}
		})
	}
}
