package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/engine"
)

// TestEvolvePartitionSpec applies several partition-field changes in one
// commit through the Go API: one new metadata version, one new spec.
func TestEvolvePartitionSpec(t *testing.T) {
	ctx := context.Background()
	wh := openWarehouse(t, t.TempDir())
	if err := wh.CreateNamespace(ctx, "ns", false); err != nil {
		t.Fatal(err)
	}
	tbl, err := wh.CreateTable(ctx, "ns", "t", engine.CreateOptions{
		Columns:   []engine.Column{{Name: "id", Type: "BIGINT"}, {Name: "ts", Type: "TIMESTAMPTZ"}, {Name: "s", Type: "VARCHAR"}},
		Partition: []engine.PartitionTerm{{Column: "ts", Transform: "month"}, {Column: "s", Transform: "identity"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	before := len(tbl.Iceberg().Metadata().PartitionSpecs())
	tbl, err = tbl.EvolvePartitionSpec(ctx,
		engine.PartitionFieldChange{Drop: "months(ts)", Add: "days(ts)"},
		engine.PartitionFieldChange{Drop: "s"},
		engine.PartitionFieldChange{Add: "truncate(3, s)", Name: "prefix"},
		engine.PartitionFieldChange{Add: "bucket(8, id)"},
	)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tbl.Iceberg().Metadata().PartitionSpecs()); n != before+1 {
		t.Errorf("%d specs after one evolution, want %d", n, before+1)
	}
	spec := tbl.Spec()
	var got []string
	for _, f := range spec.Fields() {
		got = append(got, fmt.Sprintf("%d %s %s", f.FieldID, f.Name, f.Transform))
	}
	want := []string{"1002 ts_day day", "1003 prefix truncate[3]", "1004 id_bucket_8 bucket[8]"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spec %d fields (-want +got):\n%s", spec.ID(), diff)
	}

	// Within one update: the same field twice, and dropping what another
	// change of it already dropped.
	loc := tbl.MetadataLocation()
	for _, changes := range [][]engine.PartitionFieldChange{
		{{Add: "hours(id)"}},
		{{Add: "bucket(4, id)"}, {Add: "bucket(4, id)"}},
		{{Drop: "prefix"}, {Drop: "prefix"}},
		{{}},
	} {
		_, err := tbl.EvolvePartitionSpec(ctx, changes...)
		if err == nil || !strings.Contains(err.Error(), "lake.ns.t") {
			t.Errorf("EvolvePartitionSpec(%+v) = %v, want an error naming lake.ns.t", changes, err)
		}
	}
	if _, err := tbl.EvolvePartitionSpec(ctx, engine.PartitionFieldChange{Drop: "prefix"}, engine.PartitionFieldChange{Drop: "prefix"}); !errors.Is(err, engine.ErrNoSuchPartitionField) {
		t.Errorf("dropping a field twice: %v, want ErrNoSuchPartitionField", err)
	}
	if cur, _ := wh.MetadataLocation(ctx, "ns", "t"); cur != loc {
		t.Errorf("failed changes committed %s", cur)
	}
}
