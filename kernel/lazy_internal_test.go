package kernel

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/notebooks"
)

// TestGoStartsWithTheFirstGoCell checks that a session starts the Go
// interpreter only when a Go cell runs: SQL front ends never pay for it.
func TestGoStartsWithTheFirstGoCell(t *testing.T) {
	ctx := context.Background()
	wh, err := engine.Open(ctx, filepath.Join(t.TempDir(), "warehouse"))
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	s, err := Open(ctx, wh, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	steps := []struct {
		lang, src string
		started   bool
	}{
		{notebooks.LangSQL, "SELECT 1", false},
		{notebooks.LangGo, "x := 41", true},
		{notebooks.LangGo, "x + 1", true},
	}
	for i, st := range steps {
		r := s.Run(ctx, &notebooks.Cell{ID: "c", Kind: notebooks.Code, Lang: st.lang, Source: st.src})
		if r.Status != Passed {
			t.Fatalf("step %d %q: %s %v", i, st.src, r.Status, r.Err)
		}
		if got := s.gorun != nil; got != st.started {
			t.Errorf("after step %d %q: interpreter started = %v, want %v", i, st.src, got, st.started)
		}
	}
}
