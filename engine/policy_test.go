package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/iceberg-go/table"
	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// TestPolicy: a policy property comes from the table, else its schema,
// else the warehouse, else the default; warehouse properties are shared
// by every handle on the warehouse; bad values are refused when set and
// reported with where they are when set around floe.
func TestPolicy(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	wh, err := engine.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	for _, ns := range []string{"a", "b"} {
		if err := wh.CreateNamespace(ctx, ns, false); err != nil {
			t.Fatal(err)
		}
		if _, err := wh.CreateTable(ctx, ns, "t", engine.CreateOptions{Columns: []engine.Column{{Name: "id", Type: "INTEGER"}}}); err != nil {
			t.Fatal(err)
		}
	}
	sets := []struct{ ns, name, key, value string }{
		{"", "", "compaction.target-file-size-mb", "256"},
		{"", "", engine.PolicyUnreferencedDays, "7"},
		{"a", "", "compaction.target-file-size-mb", "128"},
		{"a", "t", "compaction.target-file-size-mb", "64"},
		{"a", "t", "snapshot-management.enabled", "false"},
		{"a", "t", "snapshot-management.enabled", ""}, // unset again
	}
	for _, s := range sets {
		if err := wh.SetPolicy(ctx, s.ns, s.name, s.key, s.value); err != nil {
			t.Fatalf("SetPolicy(%q, %q, %s=%s): %v", s.ns, s.name, s.key, s.value, err)
		}
	}
	// Another handle (another process would do the same) sees them.
	other, err := engine.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for _, tc := range []struct {
		ns, name string
		want     map[string]string // key: value @ source
	}{
		{"a", "t", map[string]string{
			engine.PolicyTargetFileSizeMB: "64 @ table lake.a.t",
			engine.PolicySnapshotsEnabled: "true @ default",
			engine.PolicyUnreferencedDays: "7 @ warehouse",
			engine.PolicyNonCurrentDays:   "10 @ default",
		}},
		{"b", "t", map[string]string{
			engine.PolicyTargetFileSizeMB: "256 @ warehouse",
		}},
		{"a", "", map[string]string{
			engine.PolicyTargetFileSizeMB: "128 @ schema lake.a",
		}},
		{"", "", map[string]string{
			engine.PolicyTargetFileSizeMB:   "256 @ warehouse",
			engine.PolicyMinSnapshotsToKeep: "1 @ default",
		}},
	} {
		pol, err := other.Policy(ctx, tc.ns, tc.name)
		if err != nil {
			t.Fatalf("Policy(%q, %q): %v", tc.ns, tc.name, err)
		}
		got := map[string]string{}
		for _, s := range pol.Settings {
			if _, ok := tc.want[s.Key]; ok {
				got[s.Key] = s.Value + " @ " + s.Source
			}
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("Policy(%q, %q) (-want +got):\n%s", tc.ns, tc.name, diff)
		}
	}

	for _, tc := range []struct {
		key, value string
		want       string
	}{
		{"compaction.size", "1", "unknown maintenance policy property"},
		{"compaction.enabled", "yes please", "must be true or false"},
		{"compaction.strategy", "zorder", "must be auto, binpack or sort"},
		{"compaction.delete-ratio-threshold", "0", "above 0 and at most 1"},
		{"snapshot-management.max-snapshot-age-hours", "-1", "at least 1"},
	} {
		err := wh.SetPolicy(ctx, "a", "t", tc.key, tc.value)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("SetPolicy(%s=%q) = %v, want an error saying %q", tc.key, tc.value, err, tc.want)
		}
	}
	if err := wh.SetPolicy(ctx, "a", "nope", "compaction.enabled", "false"); !errors.Is(err, engine.ErrNoSuchTable) {
		t.Errorf("SetPolicy on a missing table = %v, want ErrNoSuchTable", err)
	}

	// A bad value set around floe (another engine, straight into the
	// catalog) is an error naming where it is, not a silent default.
	if _, err := wh.Catalog().UpdateNamespaceProperties(ctx, table.Identifier{"b"}, nil,
		map[string]string{engine.PolicyMaxSnapshotAgeHours: "soon"}); err != nil {
		t.Fatal(err)
	}
	_, err = wh.Policy(ctx, "b", "t")
	if err == nil || !strings.Contains(err.Error(), `schema lake.b: floe.maintenance.snapshot-management.max-snapshot-age-hours="soon"`) {
		t.Errorf("Policy with a bad schema property = %v, want an error naming schema lake.b and the property", err)
	}
}
