package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/catalog"
	"github.com/floehq/floe/tui/keymap"
	"github.com/floehq/floe/tui/styles"
)

// fakeKernel answers cells by their text, the same way every time, so the
// screens it leads to can be compared with golden files:
//
//	-- fail      the cell fails with an SQL error
//	-- wait      the cell runs until cancelled
//	-- rows N    the cell returns N rows of the sample table
//	otherwise    the cell returns the sample table (5 rows)
type fakeKernel struct {
	mu    sync.Mutex
	count int
	ran   []string // sources, in the order they ran
	big   *kernel.Table

	listed int // calls of Names (fake_names_test.go)
}

const fakeDuration = 12 * time.Millisecond

func (k *fakeKernel) Run(ctx context.Context, c *notebooks.Cell) *kernel.Result {
	k.mu.Lock()
	k.count++
	n := k.count
	k.ran = append(k.ran, c.Source)
	big := k.big
	k.mu.Unlock()
	r := &kernel.Result{Cell: c.ID, Status: kernel.Passed, Duration: fakeDuration}
	switch {
	case c.Kind != notebooks.Code:
		r.Status = kernel.NotRun
		return r
	case c.Lang == notebooks.LangAsk:
		r.Status, r.Reason = kernel.Skipped, "ask cells need the agent, which this version of floe does not have yet"
		r.Outputs = []kernel.Output{{Kind: kernel.OutputStream, Stream: "stderr", Text: "skipped: " + r.Reason + "\n"}}
	case strings.Contains(c.Source, "-- fail"):
		r.Status = kernel.Failed
		r.Err = &kernel.CellError{Kind: kernel.KindSQL, Cell: c.ID, Line: 1, Err: errors.New(`Catalog Error: Table with name nope does not exist!`)}
		r.Outputs = []kernel.Output{{Kind: kernel.OutputError, Err: r.Err}}
	case strings.Contains(c.Source, "-- wait"):
		<-ctx.Done()
		r.Status = kernel.Failed
		r.Err = &kernel.CellError{Kind: kernel.KindInterrupt, Cell: c.ID, Err: fmt.Errorf("interrupted: %w", ctx.Err())}
		r.Outputs = []kernel.Output{{Kind: kernel.OutputError, Err: r.Err}}
	case strings.Contains(c.Source, "-- big") && big != nil:
		r.Outputs = []kernel.Output{{Kind: kernel.OutputTable, Table: big}}
	case c.Lang == notebooks.LangGo:
		r.Outputs = []kernel.Output{{Kind: kernel.OutputValue, Text: "42"}}
	default:
		rows := 5
		fmt.Sscanf(c.Source[max(strings.Index(c.Source, "-- rows "), 0):], "-- rows %d", &rows)
		r.Outputs = []kernel.Output{{Kind: kernel.OutputTable, Table: sampleTable(rows)}}
	}
	c.Outputs = nil
	for _, o := range r.Outputs {
		c.Outputs = append(c.Outputs, o.Notebook())
	}
	c.Execution = notebooks.Execution{Count: n, Duration: r.Duration}
	return r
}

// sampleTable has numbers, text, NULLs and empty strings.
func sampleTable(n int) *kernel.Table {
	t := &kernel.Table{
		Columns: []string{"id", "customer", "segment", "revenue", "note", "signup_date"},
		Types:   []string{"BIGINT", "VARCHAR", "VARCHAR", "DECIMAL(12,2)", "VARCHAR", "DATE"},
		Total:   int64(n),
	}
	names := []string{"Ada Lovelace", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "Ken Thompson"}
	segs := []string{"enterprise", "smb", "consumer"}
	for i := range n {
		var note any = fmt.Sprintf("note %d", i)
		switch i % 4 {
		case 1:
			note = nil
		case 2:
			note = ""
		}
		t.Rows = append(t.Rows, []any{int64(i + 1), names[i%len(names)], segs[i%len(segs)], float64(i*1234%100000) / 10,
			note, time.Date(2024, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)})
	}
	return t
}

// fakeCatalog is a warehouse of two namespaces.
type fakeCatalog struct{}

func (fakeCatalog) Namespaces(context.Context) ([]string, error) {
	return []string{"crm", "sales"}, nil
}

func (fakeCatalog) Tables(_ context.Context, ns string) ([]string, error) {
	if ns == "crm" {
		return []string{"customers", "segments"}, nil
	}
	return []string{"orders"}, nil
}

func (fakeCatalog) Columns(_ context.Context, ns, t string) ([]catalog.Column, error) {
	return []catalog.Column{{Name: "customer_id", Type: "long"}, {Name: "name", Type: "string"}, {Name: "signup_date", Type: "date"}, {Name: "revenue", Type: "decimal(12, 2)"}}, nil
}

// fakeLake is a warehouse of one table with storage metrics, through the
// kernel's description as SessionCatalog reads it.
type fakeLake struct{}

func (fakeLake) LakeNamespaces(context.Context) ([]string, error) { return []string{"sales"}, nil }

func (fakeLake) LakeTables(context.Context, string) ([]string, error) {
	return []string{"orders"}, nil
}

func (fakeLake) DescribeLakeTable(_ context.Context, ns, name string) (*kernel.LakeTableInfo, error) {
	return &kernel.LakeTableInfo{Namespace: ns, Name: name, FormatVersion: 3,
		Columns:   []kernel.LakeColumn{{Name: "order_id", Type: "BIGINT"}, {Name: "amount", Type: "DECIMAL(12,2)"}},
		Snapshots: 4, // no current snapshot's time: the line would age with the clock
		Rows:      90_000, DataFiles: 12, DeleteFiles: 2, Bytes: 5 << 20,
		Health: &kernel.LakeHealth{Day: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Bytes: 6 << 20,
			SmallFileRatio: 0.75, DeletedShare: 0.1,
			Tiers: []kernel.LakeTier{{Class: "STANDARD", Tier: "STANDARD", Bytes: 6 << 20}}},
	}, nil
}

// clock is a settable clock for stable elapsed times.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness drives a Model without a terminal: it runs the commands Update
// returns in goroutines, as Bubble Tea does, and feeds their messages back.
// Timer messages (a running cell's tick, the cursor's blink) are dropped:
// the screens depend on the clock, not on when they were redrawn.
type harness struct {
	t       testing.TB
	m       *Model
	clock   *clock
	k       *fakeKernel
	msgs    chan tea.Msg
	pending atomic.Int32
	quit    bool
}

func newHarness(t testing.TB, w, h int, opts Options) *harness {
	t.Helper()
	clk := &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	c := component.Common{Styles: styles.Plain(), KeyMap: keymap.Default(), Now: clk.Now}
	k, _ := opts.Kernel.(*fakeKernel)
	if opts.Kernel == nil {
		k = &fakeKernel{}
		opts.Kernel = k
	}
	hs := &harness{t: t, clock: clk, k: k, msgs: make(chan tea.Msg, 1024)}
	hs.m = New(context.Background(), c, opts)
	hs.spawn(hs.m.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// quiet is how long settle waits for a command that has not answered yet.
const quiet = 15 * time.Millisecond

// send delivers msg and what it leads to.
func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	h.deliver(msg)
	h.settle(quiet)
}

func (h *harness) spawn(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	h.pending.Add(1)
	go func() {
		defer h.pending.Add(-1)
		if msg := cmd(); msg != nil {
			h.msgs <- msg
		}
	}()
}

func (h *harness) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			h.spawn(c)
		}
		return
	case tea.QuitMsg:
		h.quit = true
		return
	}
	switch fmt.Sprintf("%T", msg) {
	case "notebook.tickMsg", "cursor.BlinkMsg", "cursor.initialBlinkMsg", "cursor.blinkCanceled":
		return
	}
	_, cmd := h.m.Update(msg)
	h.spawn(cmd)
}

// settle delivers messages until every command has answered, or none has
// for the given time (the rest are timers or a cell still running), or a
// second has passed.
func (h *harness) settle(wait time.Duration) {
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if h.pending.Load() == 0 && len(h.msgs) == 0 {
			return
		}
		select {
		case msg := <-h.msgs:
			h.deliver(msg)
		case <-time.After(wait):
			return
		}
	}
}

// waitFor delivers messages until cond holds, failing after 5s.
func (h *harness) waitFor(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting for %s", what)
		}
		h.settle(10 * time.Millisecond)
	}
}

// keys types each key: a name bubbletea uses ("enter", "ctrl+s", "down")
// or, for text, the characters.
func (h *harness) keys(keys ...string) {
	h.t.Helper()
	for _, k := range keys {
		h.send(keyMsg(k))
	}
}

func (h *harness) typeText(s string) {
	h.t.Helper()
	for _, r := range s {
		if r == '\n' {
			h.send(keyMsg("enter"))
			continue
		}
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// keyMsg builds the key press bubbletea reports for a key name.
func keyMsg(name string) tea.KeyPressMsg {
	var mod tea.KeyMod
	rest := name
	for {
		switch {
		case strings.HasPrefix(rest, "ctrl+"):
			mod |= tea.ModCtrl
			rest = rest[5:]
			continue
		case strings.HasPrefix(rest, "shift+"):
			mod |= tea.ModShift
			rest = rest[6:]
			continue
		case strings.HasPrefix(rest, "alt+"):
			mod |= tea.ModAlt
			rest = rest[4:]
			continue
		}
		break
	}
	codes := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
		"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace, "f1": tea.KeyF1, "f4": tea.KeyF4, "f5": tea.KeyF5, "f6": tea.KeyF6,
	}
	if c, ok := codes[rest]; ok {
		k := tea.KeyPressMsg{Code: c, Mod: mod}
		if c == tea.KeySpace && mod == 0 {
			k.Text = " "
		}
		return k
	}
	r := []rune(rest)[0]
	k := tea.KeyPressMsg{Code: r, Mod: mod}
	if mod == 0 || mod == tea.ModShift {
		k.Text = rest
	}
	return k
}

// screen is the frame as plain text, after checking its size.
func (h *harness) screen() string {
	h.t.Helper()
	out := ansi.Strip(h.m.render())
	lines := strings.Split(out, "\n")
	if len(lines) != h.m.height {
		h.t.Errorf("frame has %d lines, want %d", len(lines), h.m.height)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > h.m.width {
			h.t.Errorf("line %d is %d wide, more than %d: %q", i+1, w, h.m.width, l)
		}
	}
	return out
}
