package engine

import (
	"testing"

	"github.com/apache/iceberg-go"
)

// TestSpecText: a partition spec reads back as the PARTITIONED BY clause
// that makes it (void fields left out), and a field whose source column
// is gone shows the source's id.
func TestSpecText(t *testing.T) {
	schema, err := SchemaFromColumns([]Column{{Name: "id", Type: "BIGINT"}, {Name: "ts", Type: "TIMESTAMP"}, {Name: "s", Type: "VARCHAR"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		terms []PartitionTerm
		want  string
	}{
		{nil, ""},
		{[]PartitionTerm{{"s", "identity"}}, "s"},
		{[]PartitionTerm{{"ts", "day"}, {"id", "bucket[16]"}}, "day(ts), bucket(16, id)"},
		{[]PartitionTerm{{"s", "truncate[4]"}, {"ts", "hour"}, {"ts", "year"}, {"ts", "month"}}, "truncate(4, s), hour(ts), year(ts), month(ts)"},
		{[]PartitionTerm{{"id", "void"}, {"s", "identity"}}, "s"},
	} {
		spec, err := BuildPartitionSpec(schema, tc.terms)
		if err != nil {
			t.Fatal(err)
		}
		if got := SpecText(spec, schema); got != tc.want {
			t.Errorf("SpecText(%v) = %q, want %q", tc.terms, got, tc.want)
		}
	}
	orphan := iceberg.NewPartitionSpec(iceberg.PartitionField{SourceIDs: []int{99}, FieldID: 1000, Name: "x", Transform: iceberg.IdentityTransform{}})
	if got := SpecText(orphan, schema); got != "99" {
		t.Errorf("a field of a dropped column: %q, want its source id", got)
	}
}
