package tui

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// heldKernel is the fake kernel with held results: a cell whose source
// says "-- held" returns its first heldRows rows, and the pager pages,
// sorts, exports and edits the rest through the methods below, which
// record what they were asked.
type heldKernel struct {
	*fakeKernel

	mu       sync.Mutex
	full     map[string]*kernel.Table // by handle
	seq      int
	pages    []string // "offset limit order" of each Page call
	gate     chan struct{}
	evicted  bool
	exported []string // "path order"
	proposed []string // "row column=value order"
	applied  []string // statements
	refuse   error    // CheckEdit's answer
	matches  int64    // rows a proposal changes
}

const heldRows = 100

func newHeldKernel() *heldKernel {
	return &heldKernel{fakeKernel: &fakeKernel{}, full: map[string]*kernel.Table{}, matches: 1}
}

func (k *heldKernel) Run(ctx context.Context, c *notebooks.Cell) *kernel.Result {
	if !strings.Contains(c.Source, "-- held") {
		return k.fakeKernel.Run(ctx, c)
	}
	var r *kernel.Result
	if big := k.fakeKernel.big; big != nil && strings.Contains(c.Source, "-- big") {
		// Not through the fake's Run, which renders the notebook outputs
		// of every row.
		r = &kernel.Result{Cell: c.ID, Status: kernel.Passed, Duration: fakeDuration, Outputs: []kernel.Output{{Kind: kernel.OutputTable, Table: big}}}
	} else {
		r = k.fakeKernel.Run(ctx, c)
	}
	for i, o := range r.Outputs {
		if o.Table == nil {
			continue
		}
		k.mu.Lock()
		k.seq++
		handle := fmt.Sprintf("%s@%d", c.ID, k.seq)
		k.full[handle] = o.Table
		k.mu.Unlock()
		shown := *o.Table
		shown.Rows = shown.Rows[:min(heldRows, len(shown.Rows))]
		shown.Result = handle
		r.Outputs[i].Table = &shown
	}
	return r
}

func orderText(order []kernel.Order) string {
	var parts []string
	for _, o := range order {
		d := "asc"
		if o.Desc {
			d = "desc"
		}
		parts = append(parts, o.Column+" "+d)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func (k *heldKernel) Page(ctx context.Context, handle string, offset, limit int64, order []kernel.Order) (*kernel.Table, error) {
	k.mu.Lock()
	k.pages = append(k.pages, fmt.Sprintf("%d %d %s", offset, limit, orderText(order)))
	gate, evicted, full := k.gate, k.evicted, k.full[handle]
	k.mu.Unlock()
	if gate != nil {
		<-gate
	}
	if evicted || full == nil {
		return nil, fmt.Errorf("result %s: %w", handle, kernel.ErrResultEvicted)
	}
	rows := slices.Clone(full.Rows)
	for _, o := range slices.Backward(order) {
		c := full.Index(o.Column)
		slices.SortStableFunc(rows, func(a, b []any) int {
			x, y := a[c].(int64), b[c].(int64)
			if o.Desc {
				return cmp.Compare(y, x)
			}
			return cmp.Compare(x, y)
		})
	}
	end := min(offset+limit, int64(len(rows)))
	page := *full
	page.Rows = nil
	if offset < end {
		page.Rows = rows[offset:end]
	}
	return &page, nil
}

func (k *heldKernel) Export(ctx context.Context, handle, path string, order []kernel.Order) (*kernel.Exported, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.exported = append(k.exported, path+" "+orderText(order))
	if strings.HasPrefix(path, "/nope/") {
		return nil, fmt.Errorf("export %s: open: no such file or directory", path)
	}
	return &kernel.Exported{Path: path, Format: "csv", Rows: k.full[handle].Total}, nil
}

func (k *heldKernel) CheckEdit(ctx context.Context, handle, column string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.refuse
}

func (k *heldKernel) ProposeUpdate(ctx context.Context, handle string, row int64, order []kernel.Order, column, value string) (*kernel.UpdateProposal, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.proposed = append(k.proposed, fmt.Sprintf("%d %s=%s %s", row, column, value, orderText(order)))
	return &kernel.UpdateProposal{
		Table: "lake.crm.customers", Column: column, Value: value, Rows: k.matches, Identity: []string{"id", "customer", "segment", "revenue", "note", "signup_date"},
		Statement: fmt.Sprintf("UPDATE lake.crm.customers SET %s = '%s' WHERE id = %d AND customer = 'Grace Hopper' AND segment = 'smb' AND revenue = 123.4 AND note IS NOT DISTINCT FROM NULL AND signup_date = '2024-02-02'::DATE", column, value, row+1),
		Set:       fmt.Sprintf("%s = '%s'", column, value),
		Where:     []string{fmt.Sprintf("id = %d", row+1), "customer = 'Grace Hopper'", "segment = 'smb'", "revenue = 123.4", "note IS NOT DISTINCT FROM NULL", "signup_date = '2024-02-02'::DATE"},
	}, nil
}

func (k *heldKernel) ApplyUpdate(ctx context.Context, p *kernel.UpdateProposal) (int64, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.applied = append(k.applied, p.Statement)
	return p.Rows, nil
}

func (k *heldKernel) record(f func()) {
	k.mu.Lock()
	defer k.mu.Unlock()
	f()
}

// heldNotebook has one cell of 5,000 rows, of which the output holds 100.
const heldNotebook = "```sql name=customers\nSELECT * FROM lake.crm.customers -- rows 5000 -- held\n```\n"

// openHeld runs the held cell and opens its result in the pager.
func openHeld(t testing.TB, k *heldKernel, w, h int) *harness {
	t.Helper()
	nb, err := notebooks.Parse("held.md", []byte(heldNotebook))
	if err != nil {
		t.Fatal(err)
	}
	hs := newHarness(t, w, h, Options{Notebook: nb, Path: "held.md", Warehouse: "/data/warehouse", Kernel: k})
	hs.keys("ctrl+j")
	hs.waitFor("the run", func() bool { return hs.m.notebook.LastRun() != nil })
	hs.keys("o")
	if hs.m.focus != focusResults {
		t.Fatal("the pager did not open")
	}
	return hs
}

func TestPagerPagesFromKernel(t *testing.T) {
	k := newHeldKernel()
	h := openHeld(t, k, 120, 30)
	if s := h.screen(); !strings.Contains(s, "row 1 of 5,000 · col 1 of 6") || strings.Contains(s, "held)") {
		t.Errorf("footer should count the whole result, not the held rows:\n%s", s)
	}
	k.record(func() { k.gate = make(chan struct{}) })
	h.keys("G")
	s := h.screen()
	if !strings.Contains(s, "loading…") || !strings.Contains(s, "·") {
		t.Errorf("rows not fetched yet should show the loading mark:\n%s", s)
	}
	k.record(func() { close(k.gate); k.gate = nil })
	h.waitFor("the last page", func() bool { return strings.Contains(h.screen(), "  5000 │") })
	s = h.screen()
	if !strings.Contains(s, "row 5,000 of 5,000") || strings.Contains(s, "loading…") {
		t.Errorf("after the page arrived:\n%s", s)
	}
	k.record(func() {
		if !slices.Contains(k.pages, "4500 500 []") {
			t.Errorf("pages asked for: %v; want the last (4500 500)", k.pages)
		}
		if len(k.pages) > 3 {
			t.Errorf("%d pages fetched for one jump: %v", len(k.pages), k.pages)
		}
	})
}

func TestPagerSortsInKernel(t *testing.T) {
	k := newHeldKernel()
	h := openHeld(t, k, 120, 30)
	h.keys("s", "s") // id: ascending, then descending
	h.waitFor("the sorted page", func() bool { return strings.Contains(h.screen(), "  5000 │") })
	s := h.screen()
	if !strings.Contains(s, "sorted by id ↓") {
		t.Errorf("footer does not say the sort:\n%s", s)
	}
	k.record(func() {
		if got := k.pages[len(k.pages)-1]; got != "0 500 [id desc]" {
			t.Errorf("last page asked for %q, want the first page sorted by id desc", got)
		}
	})
	h.keys("e")
	h.send(keyMsg("enter"))
	h.settle(quiet)
	k.record(func() {
		if len(k.exported) != 1 || k.exported[0] != "customers.csv [id desc]" {
			t.Errorf("exported %v, want customers.csv in the pager's sort", k.exported)
		}
	})
}

func TestPagerEvicted(t *testing.T) {
	k := newHeldKernel()
	h := openHeld(t, k, 120, 30)
	k.record(func() { k.evicted = true })
	h.keys("G")
	h.waitFor("the eviction message", func() bool { return strings.Contains(h.m.message, "result no longer held, re-run the cell") })
	if !h.m.isError {
		t.Error("the eviction is not shown as an error")
	}
}

func TestPagerExport(t *testing.T) {
	cases := []struct {
		name   string
		typed  string
		status string
		isErr  bool
		calls  int
	}{
		{"default name", "", "exported 5,000 rows to ", false, 1},
		{"parquet", "out.parquet", "out.parquet", false, 1},
		{"unknown format keeps the prompt", "out.xlsx", `unknown export format ".xlsx"`, true, 0},
		{"error names the file", "/nope/out.csv", "export /nope/out.csv:", true, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newHeldKernel()
			h := openHeld(t, k, 120, 30)
			h.keys("e")
			if tc.typed != "" {
				h.keys("ctrl+a", "ctrl+k")
				h.typeText(tc.typed)
			}
			h.keys("enter")
			h.waitFor("the export's status", func() bool { return strings.Contains(h.m.message, tc.status) })
			if h.m.isError != tc.isErr {
				t.Errorf("status %q error=%v, want %v", h.m.message, h.m.isError, tc.isErr)
			}
			k.record(func() {
				if len(k.exported) != tc.calls {
					t.Errorf("%d exports, want %d: %v", len(k.exported), tc.calls, k.exported)
				}
			})
			if open := h.m.pager.Capturing(); open != (tc.calls == 0) {
				t.Errorf("prompt open = %v after enter", open)
			}
		})
	}
}

func TestPagerEdit(t *testing.T) {
	cases := []struct {
		name    string
		matches int64
		refuse  error
		keys    []string
		applied int
		reruns  int
		status  string
	}{
		{"one row", 1, nil, []string{"y"}, 1, 1, ""},
		{"cancel", 1, nil, []string{"n"}, 0, 0, "edit cancelled"},
		{"many rows need a second yes", 2, nil, []string{"y", "y"}, 1, 1, ""},
		{"many rows, one yes is not enough", 2, nil, []string{"y", "esc"}, 0, 0, "edit cancelled"},
		{"not editable", 1, fmt.Errorf("%w: the cell's query has a WITH clause", kernel.ErrNotEditable), nil, 0, 0, "cannot edit: the cell's query has a WITH clause"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := newHeldKernel()
			k.matches, k.refuse = tc.matches, tc.refuse
			h := openHeld(t, k, 120, 30)
			before := len(k.fakeKernel.ran)
			h.keys("down", "right", "enter")
			if tc.refuse != nil {
				h.waitFor("the refusal", func() bool { return strings.Contains(h.m.message, tc.status) })
				if h.m.pager.Capturing() || !h.m.isError {
					t.Errorf("refused edit: editor open %v, status error %v", h.m.pager.Capturing(), h.m.isError)
				}
				return
			}
			h.keys("ctrl+a", "ctrl+k")
			h.typeText("Ada")
			h.keys("enter")
			h.waitFor("the confirm dialog", func() bool { return strings.Contains(h.screen(), "Run this UPDATE") })
			k.record(func() {
				if diff := slices.Compare(k.proposed, []string{"1 customer=Ada []"}); diff != 0 {
					t.Errorf("proposed %v, want row 1's customer set to Ada", k.proposed)
				}
			})
			h.keys(tc.keys...)
			h.settle(quiet)
			time.Sleep(10 * time.Millisecond)
			h.settle(quiet)
			k.record(func() {
				if len(k.applied) != tc.applied {
					t.Errorf("%d updates applied, want %d", len(k.applied), tc.applied)
				}
			})
			h.waitFor("the re-run", func() bool {
				k.fakeKernel.mu.Lock()
				defer k.fakeKernel.mu.Unlock()
				return len(k.fakeKernel.ran)-before == tc.reruns
			})
			if tc.status != "" && !strings.Contains(h.m.message, tc.status) {
				t.Errorf("status %q, want %q", h.m.message, tc.status)
			}
		})
	}
}

func TestPagerNotHeld(t *testing.T) {
	h := newHarness(t, 120, 30, sampleOpts(t)) // the plain fake kernel holds nothing
	h.keys("down", "ctrl+j", "o", "e")
	if !strings.Contains(h.m.message, "not held by the kernel") || h.m.pager.Capturing() {
		t.Errorf("export of a result not held: status %q, prompt open %v", h.m.message, h.m.pager.Capturing())
	}
	h.keys("enter")
	if !strings.Contains(h.m.message, "cannot become an UPDATE") {
		t.Errorf("edit of a result not held: status %q", h.m.message)
	}
}

// TestPagerScreens compares the export prompt and the UPDATE confirm
// dialog with golden files at 80x24 and 160x48.
func TestPagerScreens(t *testing.T) {
	screens := []struct {
		name    string
		matches int64
		do      func(h *harness)
	}{
		{"export", 1, func(h *harness) { h.keys("e") }},
		{"confirm", 1, func(h *harness) {
			h.keys("down", "right", "enter", "ctrl+a", "ctrl+k")
			h.typeText("Ada")
			h.keys("enter")
			h.waitFor("the dialog", func() bool { return h.m.pager.Capturing() })
		}},
		{"confirm_many", 3, func(h *harness) {
			h.keys("down", "right", "enter", "ctrl+a", "ctrl+k")
			h.typeText("Ada")
			h.keys("enter")
			h.waitFor("the dialog", func() bool { return h.m.pager.Capturing() })
			h.keys("y")
		}},
	}
	for _, s := range screens {
		for _, size := range [][2]int{{80, 24}, {160, 48}} {
			t.Run(fmt.Sprintf("%s_%dx%d", s.name, size[0], size[1]), func(t *testing.T) {
				t.Parallel()
				k := newHeldKernel()
				k.matches = s.matches
				h := openHeld(t, k, size[0], size[1])
				s.do(h)
				golden.RequireEqual(t, h.screen())
			})
		}
	}
}

// BenchmarkViewPaged renders the pager at 160x48 over a result of a
// million rows the kernel holds, of which the output holds 100: at the
// end of the rows, drawn from fetched pages, against the start, drawn
// from the held rows, in the same run. The target: median < 16 ms.
func BenchmarkViewPaged(b *testing.B) {
	k := newHeldKernel()
	k.fakeKernel.big = million()
	nb, err := notebooks.Parse("held.md", []byte(strings.Replace(heldNotebook, "rows 5000", "big", 1)))
	if err != nil {
		b.Fatal(err)
	}
	var start time.Duration
	for _, end := range []bool{false, true} {
		name := "held-rows"
		if end {
			name = "fetched-pages"
		}
		b.Run(name, func(b *testing.B) {
			h := newHarness(b, 160, 48, Options{Notebook: nb, Path: "held.md", Kernel: k})
			h.keys("ctrl+j")
			h.waitFor("the run", func() bool { return h.m.notebook.LastRun() != nil })
			h.keys("o")
			if end {
				h.keys("G")
				h.waitFor("the last page", func() bool { return !h.m.pager.Loading() })
			}
			med := benchFrames(b, h, func(n int) { h.m.pager.Update(keyMsg([]string{"up", "down"}[n%2])) })
			if end && start > 0 {
				b.ReportMetric(float64(med)/float64(start), "x-held-rows")
			} else {
				start = med
			}
		})
	}
}
