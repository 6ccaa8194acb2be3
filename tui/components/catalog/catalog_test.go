package catalog

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/tui/component"
)

// describer is a one-table source that describes its table.
type describer struct{}

func (describer) Namespaces(context.Context) ([]string, error) { return []string{"sales"}, nil }
func (describer) Tables(context.Context, string) ([]string, error) {
	return []string{"orders"}, nil
}
func (describer) Columns(context.Context, string, string) ([]Column, error) {
	panic("Columns called on a Describer")
}
func (describer) Describe(context.Context, string, string) ([]Column, []Detail, error) {
	return []Column{{Name: "id", Type: "BIGINT", Comment: "order number"}},
		[]Detail{{Text: "≡ 10 rows", Meta: "partitions"}, {Text: "⟲ 2 snapshots", Meta: "snapshots"}}, nil
}

// drive runs a command and feeds its message back, as the program would.
func drive(m *Model, cmd tea.Cmd) tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if next := m.Update(msg); next != nil {
		return drive(m, next)
	}
	return msg
}

func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	return tea.KeyPressMsg{Code: rune(k[0]), Text: k}
}

// TestDetails shows a described table's columns with comments and its
// details, and that enter and preview on a detail line name the metadata
// table behind it.
func TestDetails(t *testing.T) {
	m := New(context.Background(), component.NewCommon(), describer{}, "lake")
	m.SetSize(60, 12)
	m.SetFocused(true)
	drive(m, m.Init())
	drive(m, m.Update(press("space"))) // expand sales
	drive(m, m.Update(press("down")))
	drive(m, m.Update(press("space"))) // expand orders
	view := m.View()
	for _, want := range []string{"id", "bigint", "order number", "≡ 10 rows", "⟲ 2 snapshots"} {
		if !strings.Contains(view, want) {
			t.Errorf("tree lacks %q:\n%s", want, view)
		}
	}
	for range 3 { // id, then the two details
		m.Update(press("down"))
	}
	tests := []struct {
		key  string
		want tea.Msg
	}{
		{"enter", InsertMsg{`lake.sales."orders$snapshots"`}},
		{"p", PreviewMsg{"sales", "orders$snapshots"}},
	}
	for _, tt := range tests {
		cmd := m.Update(press(tt.key))
		if cmd == nil {
			t.Fatalf("%s on a detail line does nothing", tt.key)
		}
		if got := cmd(); got != tt.want {
			t.Errorf("%s on a detail line = %#v, want %#v", tt.key, got, tt.want)
		}
	}
}
