package diffview

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnified(t *testing.T) {
	for _, tc := range []struct {
		name, old, new string
		want           string
	}{
		{"same", "SELECT 1", "SELECT 1", ""},
		{"one line", "SELECT * FROM nope", "SELECT * FROM lake.crm.customers",
			"@@ -1 +1 @@\n-SELECT * FROM nope\n+SELECT * FROM lake.crm.customers\n"},
		{"context", "a\nb\nc\nd\ne\nf\ng\nh\ni", "a\nb\nc\nd\nE\nf\ng\nh\ni",
			"@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12", "x\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\ny",
			"@@ -1,4 +1,4 @@\n-1\n+x\n 2\n 3\n 4\n@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+y\n"},
		{"insert", "a\nc", "a\nb\nc", "@@ -1,2 +1,3 @@\n a\n+b\n c\n"},
		{"from empty", "", "a", "@@ -0,0 +1 @@\n+a\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := String(Unified(tc.old, tc.new, 3))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Unified (-want +got):\n%s", diff)
			}
		})
	}
}
