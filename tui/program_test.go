package tui

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
)

// TestProgram runs the workbench in a real Bubble Tea program: type a
// query into a new notebook, run it, save it under a name, quit.
func TestProgram(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "first.md")
	k := &fakeKernel{}
	c := component.Common{Styles: styles.Plain(), KeyMap: keymap.Default(), Now: time.Now}
	m := New(context.Background(), c, Options{Kernel: k, Path: path, Warehouse: "/data/warehouse"})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))

	typeKeys := func(s string) {
		for _, r := range s {
			tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		}
	}
	waitScreen := func(what string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(what)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	typeKeys("SELECT * FROM lake.crm.customers -- rows 3")
	tm.Send(keyMsg("ctrl+j"))
	waitScreen("3 rows × 6 columns")
	tm.Send(keyMsg("ctrl+s"))
	waitScreen("saved")
	tm.Send(keyMsg("ctrl+q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "```sql\nSELECT * FROM lake.crm.customers -- rows 3\n```\n"; string(data) != want {
		t.Errorf("saved %q, want %q", data, want)
	}
	if len(k.ran) != 1 || !strings.Contains(k.ran[0], "rows 3") {
		t.Errorf("kernel ran %q", k.ran)
	}
}
