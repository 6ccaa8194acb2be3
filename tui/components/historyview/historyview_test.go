package historyview

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/history"
)

func TestAgo(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "now"}, {59 * time.Second, "now"}, {time.Minute, "1m ago"}, {59 * time.Minute, "59m ago"},
		{time.Hour, "1h ago"}, {23 * time.Hour, "23h ago"}, {24 * time.Hour, "1d ago"},
		{59 * 24 * time.Hour, "59d ago"}, {90 * 24 * time.Hour, "3mo ago"}, {800 * 24 * time.Hour, "2y ago"},
		{-time.Hour, "now"}, // a clock that went back
	} {
		if got := Ago(now, now.Add(-tc.ago)); got != tc.want {
			t.Errorf("Ago(%v) = %q, want %q", tc.ago, got, tc.want)
		}
	}
}

// TestRankingInCommand filters a large history: the keystroke returns at
// once with a command that ranks, the list says it is filtering, and a
// ranking overtaken by a later keystroke is dropped.
func TestRankingInCommand(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	var entries []history.Entry
	for i := range 2000 {
		entries = append(entries, history.Entry{Time: now, Source: fmt.Sprintf("SELECT %d AS n FROM lake.s.orders_%d", i, i%7)})
	}
	entries = append(entries, history.Entry{Time: now, Source: "SELECT revenue FROM lake.s.sales"})
	m := New(component.NewCommon())
	m.SetSize(100, 30)
	m.Open(entries, "", now)
	if got := len(m.Shown()); got != 2001 {
		t.Fatalf("an empty filter shows %d statements, want 2001", got)
	}
	typeKey := func(r rune) tea.Cmd { return m.Update(tea.KeyPressMsg{Code: r, Text: string(r)}) }
	first := typeKey('r')
	if !strings.Contains(ansi.Strip(m.View()), "filtering…") {
		t.Errorf("a pending ranking is not shown:\n%s", ansi.Strip(m.View()))
	}
	second := typeKey('v')
	apply := func(cmd tea.Cmd) {
		for _, msg := range flatten(cmd) {
			if r, ok := msg.(rankedMsg); ok {
				m.Update(r)
			}
		}
	}
	apply(second)
	apply(first) // late: its filter is older
	got := m.Shown()
	if len(got) != 1 || got[0] != "SELECT revenue FROM lake.s.sales" {
		t.Errorf("filter rv shows %d statements (%.60q…), want the one with revenue", len(got), got)
	}
	if strings.Contains(ansi.Strip(m.View()), "filtering…") {
		t.Error("still filtering after the ranking arrived")
	}
}

// flatten runs cmd and the batches it returns, collecting their messages.
func flatten(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		var out []tea.Msg
		for _, c := range b {
			out = append(out, flatten(c)...)
		}
		return out
	}
	return []tea.Msg{msg}
}
