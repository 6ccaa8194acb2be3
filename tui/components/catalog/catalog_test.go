package catalog

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
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
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			drive(m, c)
		}
		return nil
	}
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

// local is a describer with a session table and a file beside the lake.
type local struct{ describer }

func (local) Local(context.Context) ([]LocalGroup, error) {
	return []LocalGroup{
		{Name: "session", Items: []LocalItem{{Name: "top", Kind: "table", Insert: "top", Preview: "SELECT * FROM top LIMIT 1000",
			Columns: []Column{{Name: "n", Type: "BIGINT"}}}}},
		{Name: "files", Items: []LocalItem{{Name: "it's.csv", Kind: "csv", Insert: `'it''s.csv'`, Preview: `SELECT * FROM 'it''s.csv' LIMIT 1000`}}},
	}, nil
}

// TestLocalGroups lists the session's tables and the files after the
// namespaces: enter inserts what names them in SQL, preview asks for their
// query, and expanding a table shows its columns without a listing.
func TestLocalGroups(t *testing.T) {
	m := New(context.Background(), component.NewCommon(), local{}, "lake")
	m.SetSize(60, 14)
	m.SetFocused(true)
	drive(m, m.Init())
	view := ansi.Strip(m.View())
	for _, want := range []string{"▸ sales", "▸ session", "▸ files"} {
		if !strings.Contains(view, want) {
			t.Errorf("tree lacks %q:\n%s", want, view)
		}
	}
	m.Update(press("down")) // session
	drive(m, m.Update(press("space")))
	m.Update(press("down")) // top
	drive(m, m.Update(press("space")))
	if view := ansi.Strip(m.View()); !strings.Contains(view, "top table") || !strings.Contains(view, "n bigint") {
		t.Errorf("the session table and its column are not shown:\n%s", view)
	}
	checks := []struct {
		keys []string
		key  string
		want tea.Msg
	}{
		{nil, "enter", InsertMsg{"top"}},
		{nil, "p", PreviewQueryMsg{Title: "top", SQL: "SELECT * FROM top LIMIT 1000"}},
		{[]string{"down", "down", "space", "down"}, "enter", InsertMsg{`'it''s.csv'`}},
		{nil, "p", PreviewQueryMsg{Title: "it's.csv", SQL: `SELECT * FROM 'it''s.csv' LIMIT 1000`}},
	}
	for _, c := range checks {
		for _, k := range c.keys {
			drive(m, m.Update(press(k)))
		}
		cmd := m.Update(press(c.key))
		if cmd == nil {
			t.Fatalf("%s does nothing:\n%s", c.key, m.View())
		}
		if got := cmd(); got != c.want {
			t.Errorf("%s = %#v, want %#v", c.key, got, c.want)
		}
	}
}

// TestQuoteIdent inserts plain names bare and quotes the rest, keywords too.
func TestQuoteIdent(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"orders", "orders"}, {"order", `"order"`}, {"select", `"select"`}, {"Orders", `"Orders"`},
		{"2024_sales", `"2024_sales"`}, {`a"b`, `"a""b"`}, {"t$snapshots", `"t$snapshots"`},
	} {
		if got := QuoteIdent(tt.in); got != tt.want {
			t.Errorf("QuoteIdent(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// mutable is a source whose listing a test changes between polls, as
// another process's commits would.
type mutable struct {
	nss    []string
	tables map[string][]string
	rows   map[string]string // "ns.t" -> the detail line, changed by commits
	st     kernel.LakeState
}

func (s *mutable) Namespaces(context.Context) ([]string, error) { return s.nss, nil }
func (s *mutable) Tables(_ context.Context, ns string) ([]string, error) {
	return s.tables[ns], nil
}
func (s *mutable) Columns(context.Context, string, string) ([]Column, error) { return nil, nil }
func (s *mutable) Describe(_ context.Context, ns, t string) ([]Column, []Detail, error) {
	return []Column{{Name: "id", Type: "BIGINT"}}, []Detail{{Text: s.rows[ns+"."+t]}}, nil
}
func (s *mutable) LakeState(context.Context) (kernel.LakeState, error) { return s.st, nil }

// set replaces the listing and the state the next poll reads.
func (s *mutable) set(tables map[string][]string, versions map[string]string) {
	s.nss, s.tables = nil, tables
	s.st = kernel.LakeState{Namespaces: map[string]bool{}, Tables: map[kernel.LakeName]string{}}
	for ns, ts := range tables {
		s.nss = append(s.nss, ns)
		s.st.Namespaces[ns] = true
		for _, t := range ts {
			s.st.Tables[kernel.LakeName{Namespace: ns, Name: t}] = versions[ns+"."+t]
		}
	}
	slices.Sort(s.nss)
}

// TestPollRefresh polls a source whose catalog changes and checks that
// the tree shows the changes, keeps what was expanded and keeps the cursor
// on the table it was on.
func TestPollRefresh(t *testing.T) {
	src := &mutable{rows: map[string]string{"sales.orders": "≡ 10 rows"}}
	src.set(map[string][]string{"sales": {"orders"}}, map[string]string{"sales.orders": "v1"})
	m := New(context.Background(), component.Common{Styles: styles.Plain(), KeyMap: keymap.Default()}, src, "lake")
	m.SetSize(40, 20)
	m.SetFocused(true)
	drive(m, m.listNamespaces(false))
	drive(m, m.Poll()) // the baseline
	drive(m, m.Update(press("space")))
	drive(m, m.Update(press("down")))
	drive(m, m.Update(press("space")))
	steps := []struct {
		name     string
		tables   map[string][]string
		versions map[string]string
		rows     string
		want     string
	}{
		{"a commit refreshes the open table", map[string][]string{"sales": {"orders"}},
			map[string]string{"sales.orders": "v2"}, "≡ 12 rows",
			"▾ sales\n  ▾ orders\n    id bigint\n    ≡ 12 rows"},
		{"a new table and namespace above keep the cursor on orders", map[string][]string{"crm": {"people"}, "sales": {"audit", "orders"}},
			map[string]string{"sales.orders": "v2", "sales.audit": "v1", "crm.people": "v1"}, "≡ 12 rows",
			"▸ crm\n▾ sales\n  ▸ audit\n  ▾ orders\n    id bigint\n    ≡ 12 rows"},
		{"nothing changed, nothing reloads", map[string][]string{"crm": {"people"}, "sales": {"audit", "orders"}},
			map[string]string{"sales.orders": "v2", "sales.audit": "v1", "crm.people": "v1"}, "≡ 99 rows (not reloaded)",
			"▸ crm\n▾ sales\n  ▸ audit\n  ▾ orders\n    id bigint\n    ≡ 12 rows"},
		{"a dropped table goes", map[string][]string{"crm": {"people"}, "sales": {"orders"}},
			map[string]string{"sales.orders": "v2", "crm.people": "v1"}, "≡ 12 rows",
			"▸ crm\n▾ sales\n  ▾ orders\n    id bigint\n    ≡ 12 rows"},
	}
	for _, st := range steps {
		src.set(st.tables, st.versions)
		src.rows["sales.orders"] = st.rows
		drive(m, m.Poll())
		lines := strings.Split(ansi.Strip(m.View()), "\n")[1:]
		got := strings.TrimRight(strings.Join(lines, "\n"), "\n ")
		var trimmed []string
		for _, l := range strings.Split(got, "\n") {
			trimmed = append(trimmed, strings.TrimRight(l, " "))
		}
		got = strings.TrimRight(strings.Join(trimmed, "\n"), "\n")
		if got != st.want {
			t.Errorf("%s: tree\n%s\nwant\n%s", st.name, got, st.want)
		}
		if k := m.cursorKey(); !slices.Equal(k, []string{"sales", "orders"}) {
			t.Errorf("%s: cursor on %q, want sales/orders", st.name, k)
		}
	}
}
