package chart

import (
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}

var (
	cols = []string{"month", "region", "revenue", "day"}
	rows = [][]any{
		{"2025-01", "EU", 10.0, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"2025-01", "US", 30.0, time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)},
		{"2025-02", "EU", 15.0, time.Date(2025, 1, 3, 0, 0, 0, 0, time.UTC)},
		{"2025-02", "US", int64(25), time.Date(2025, 1, 4, 0, 0, 0, 0, time.UTC)},
		{"2025-03", "EU", nil, time.Date(2025, 1, 5, 0, 0, 0, 0, time.UTC)},
		{"2025-03", "US", int32(40), time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)},
	}
)

func TestFromRows(t *testing.T) {
	c, err := FromRows(Bar, cols, rows, "month", "revenue", "region")
	if err != nil {
		t.Fatal(err)
	}
	want := &Chart{Kind: Bar, X: "month", Y: "revenue",
		Categories: []string{"2025-01", "2025-02", "2025-03"},
		Series: []Series{
			{Name: "EU", Points: []Point{{X: 0, Y: 10}, {X: 1, Y: 15}}},
			{Name: "US", Points: []Point{{X: 0, Y: 30}, {X: 1, Y: 25}, {X: 2, Y: 40}}},
		}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("FromRows (-want +got):\n%s", diff)
	}

	errs := []struct {
		kind    Kind
		x, y, s string
		msg     string
	}{
		{Bar, "nope", "revenue", "", "x=nope: no such column"},
		{Line, "month", "", "", "needs y=COLUMN"},
		{Scatter, "month", "revenue", "", "nothing to chart"},
		{"pie", "month", "revenue", "", `unknown chart kind "pie"`},
	}
	for _, e := range errs {
		if _, err := FromRows(e.kind, cols, rows, e.x, e.y, e.s); err == nil || !strings.Contains(err.Error(), e.msg) {
			t.Errorf("FromRows(%s, %s, %s) = %v, want %q", e.kind, e.x, e.y, err, e.msg)
		}
	}
	if _, err := FromRows(Histogram, cols, nil, "revenue", "", ""); !errors.Is(err, ErrNoData) {
		t.Errorf("histogram of nothing = %v, want ErrNoData", err)
	}
}

func TestBins(t *testing.T) {
	got := Bins([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 10}, 5)
	want := []Point{{0, 2, 2}, {2, 4, 2}, {4, 6, 2}, {6, 8, 2}, {8, 10, 2}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Bins (-want +got):\n%s", diff)
	}
	if got := Bins([]float64{3, 3, 3}, 0); len(got) != 5 || got[0].Y != 3 {
		t.Errorf("Bins of one value = %v", got)
	}
}

func charts(t *testing.T) map[string]*Chart {
	t.Helper()
	out := map[string]*Chart{}
	for name, args := range map[string][4]string{
		"bar":       {"bar", "month", "revenue", "region"},
		"line":      {"line", "month", "revenue", "region"},
		"scatter":   {"scatter", "day", "revenue", ""},
		"histogram": {"histogram", "revenue", "", ""},
	} {
		c, err := FromRows(Kind(args[0]), cols, rows, args[1], args[2], args[3])
		if err != nil {
			t.Fatal(err)
		}
		c.Title = "Revenue"
		out[name] = c
	}
	return out
}

func TestText(t *testing.T) {
	for name, c := range charts(t) {
		t.Run(name, func(t *testing.T) { golden(t, name+".txt", c.Text(60)) })
	}
}

func TestSVG(t *testing.T) {
	for name, c := range charts(t) {
		t.Run(name, func(t *testing.T) {
			svg := c.SVG()
			dec := xml.NewDecoder(strings.NewReader(svg))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("SVG is not well-formed XML: %v\n%s", err, svg)
				}
			}
			golden(t, name+".svg", svg)
		})
	}
}
