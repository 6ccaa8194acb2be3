package fuzzy

import (
	"fmt"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/google/go-cmp/cmp"
)

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		pattern, text string
		ok            bool
		positions     []int
	}{
		{"", "anything", true, nil},
		{"run", "Run cell", true, []int{0, 1, 2}},
		{"RUN", "run cell", true, []int{0, 1, 2}},
		{"rc", "Run cell", true, []int{0, 4}},
		{"cell run", "Run cell", true, []int{0, 1, 2, 4, 5, 6, 7}},
		{"xyz", "Run cell", false, nil},
		{"lr", "Run cell", false, nil}, // order matters
		// Word starts beat the first occurrence: the c of "cells", not of
		// "cancel" would be fine too, but "ac" must take All then Cells.
		{"rac", "Run all cells", true, []int{0, 4, 8}},
		{"sa", "Save as…", true, []int{0, 1}},
		{"sas", "Save as…", true, []int{0, 1, 6}},
		{"ü", "Über", true, []int{0}},
		{"tc", "toggleCatalog", true, []int{0, 6}},
	} {
		t.Run(tc.pattern+"/"+tc.text, func(t *testing.T) {
			m, ok := Find(tc.pattern, tc.text)
			if ok != tc.ok {
				t.Fatalf("Find(%q, %q) ok = %v, want %v", tc.pattern, tc.text, ok, tc.ok)
			}
			if diff := cmp.Diff(tc.positions, m.Positions); ok && diff != "" {
				t.Errorf("positions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRank checks the order a palette shows: word starts and runs first,
// ties in the items' order.
func TestRank(t *testing.T) {
	items := []string{
		"Add cell above", "Add cell below", "Cancel the running query", "Change cell type",
		"Delete cell", "Move cell down", "Move cell up", "Query history", "Quit",
		"Refresh the catalog", "Run all cells", "Run all cells above", "Run cell",
		"Save", "Save as…", "Show help", "Sort by column", "Toggle the catalog",
	}
	for _, tc := range []struct {
		pattern string
		first   []string
	}{
		{"run", []string{"Run cell", "Run all cells", "Run all cells above"}},
		{"rac", []string{"Run all cells", "Run all cells above"}},
		{"save", []string{"Save", "Save as…"}},
		{"del", []string{"Delete cell"}},
		{"cat", []string{"Toggle the catalog", "Refresh the catalog"}},
		{"qh", []string{"Query history"}},
		{"cell up", []string{"Move cell up"}},
		{"zz", nil},
	} {
		t.Run(tc.pattern, func(t *testing.T) {
			res := Rank(tc.pattern, len(items), func(i int) string { return items[i] })
			var got []string
			for _, r := range res[:min(len(tc.first), len(res))] {
				got = append(got, items[r.Index])
			}
			if diff := cmp.Diff(tc.first, got); diff != "" {
				var all []string
				for _, r := range res {
					all = append(all, fmt.Sprintf("%s=%d", items[r.Index], r.Score))
				}
				t.Errorf("best matches for %q (-want +got):\n%s\nall: %s", tc.pattern, diff, strings.Join(all, ", "))
			}
		})
	}
}

func TestHighlight(t *testing.T) {
	hi := lipgloss.NewStyle().Bold(true)
	got := Highlight("Run cell", []int{0, 4}, lipgloss.NewStyle(), hi)
	want := hi.Render("R") + "un " + hi.Render("c") + "ell"
	if got != want {
		t.Errorf("Highlight = %q, want %q", got, want)
	}
	if d := cmp.Diff([]int{1, 2}, Shift([]int{0, 5, 6, 20}, -4, 3)); d != "" {
		t.Errorf("Shift (-want +got):\n%s", d)
	}
}

// BenchmarkRankHistory filters 5,000 statements of about 300 characters,
// the most the history browser holds, as one keystroke does.
func BenchmarkRankHistory(b *testing.B) {
	texts := make([]string, 5000)
	for i := range texts {
		texts[i] = fmt.Sprintf("SELECT c.customer_id, c.segment, sum(o.amount) AS revenue_%d FROM lake.crm.customers c JOIN lake.sales.orders o ON o.customer = c.customer_id WHERE o.ts >= DATE '2025-01-01' AND c.segment IN ('enterprise', 'smb') GROUP BY ALL HAVING sum(o.amount) > %d ORDER BY revenue DESC LIMIT 100", i, i)
	}
	for b.Loop() {
		Rank("sel seg rev", len(texts), func(i int) string { return texts[i] })
	}
}
