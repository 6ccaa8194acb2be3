package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

// fakeAssistant is a fakeKernel with a data agent that answers by the
// text it is given:
//
//	Fix: a cell reading from nope gets lake.crm.customers instead; a cell
//	     with "-- slow" waits until cancelled; others have no fix.
//	Ask: the reply streams in chunks (each waiting for release, if set),
//	     then "wait" waits until cancelled, "fail" fails, and anything else
//	     gets an answer counting customers by segment (a follow-up keeps to
//	     2024).
type fakeAssistant struct {
	*fakeKernel
	release chan struct{}

	mu        sync.Mutex
	asked     []string
	fixes     int
	cancelled int
	resets    int
}

// ResetChat starts a new conversation, as the kernel's does.
func (f *fakeAssistant) ResetChat() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked, f.resets = nil, f.resets+1
}

// fakeChunks is the reply the fake model streams.
var fakeChunks = []string{"1. Read lake.crm.customers.\n", "2. Count the customers ", "of each segment.\n", "```sql\nSELECT segment, count(*) …"}

func newFakeAssistant() *fakeAssistant { return &fakeAssistant{fakeKernel: &fakeKernel{}} }

func (f *fakeAssistant) Fix(ctx context.Context, c *notebooks.Cell) (*kernel.Fix, error) {
	f.mu.Lock()
	f.fixes++
	f.mu.Unlock()
	if strings.Contains(c.Source, "-- slow") {
		<-ctx.Done()
		f.mu.Lock()
		f.cancelled++
		f.mu.Unlock()
		return nil, ctx.Err()
	}
	if !strings.Contains(c.Source, "nope") {
		return nil, fmt.Errorf("fix cell %s: no fix found: the error carries no suggestion to apply", c.ID)
	}
	return &kernel.Fix{Cell: c.ID, Lang: c.Lang, Old: c.Source, Source: strings.ReplaceAll(c.Source, "nope -- fail", "lake.crm.customers"),
		Explanation: "Replaced the table nope with lake.crm.customers, the closest name in the catalog.",
		Provider:    "offline", Verified: true}, nil
}

func (f *fakeAssistant) Ask(ctx context.Context, q string, onToken func(string)) (*agent.Answer, error) {
	f.mu.Lock()
	f.asked = append(f.asked, q)
	followUp := len(f.asked) > 1
	f.mu.Unlock()
	for _, c := range fakeChunks {
		if f.release != nil {
			select {
			case <-f.release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		onToken(c)
	}
	switch {
	case strings.Contains(q, "wait"):
		<-ctx.Done()
		return nil, ctx.Err()
	case strings.Contains(q, "fail"):
		return nil, errors.New("no answer: offline: no table has a column like \"frobnication\"")
	}
	sql := "SELECT segment, count(*) AS customers\nFROM lake.crm.customers\nGROUP BY segment\nORDER BY customers DESC"
	if followUp {
		sql = "SELECT segment, count(*) AS customers\nFROM lake.crm.customers\nWHERE year(signup_date) = 2024\nGROUP BY segment\nORDER BY customers DESC"
	}
	res := &agent.Result{Columns: []string{"segment", "customers"}, Types: []string{"VARCHAR", "BIGINT"},
		Rows: [][]any{{"enterprise", int64(412)}, {"smb", int64(377)}, {"consumer", int64(211)}}}
	return &agent.Answer{Question: q, Plan: []string{"Read lake.crm.customers.", "Count the customers of each segment."},
		SQL: sql, Explanation: "Counts the customers of each segment, largest first.", Provider: "openai:test-model", Attempts: 1,
		Usage: agent.Usage{Calls: 1, PromptTokens: 812, CompletionTokens: 64}, Result: res}, nil
}

// failedCell runs the sample notebook up to its failing cell and puts the
// cursor on it.
func failedCell(t *testing.T, w, h int, fa *fakeAssistant) *harness {
	t.Helper()
	hs := newHarness(t, w, h, Options{Kernel: fa, Notebook: parseSample(t), Path: "churn.md", Warehouse: "/data/warehouse"})
	hs.keys("ctrl+r")
	hs.waitFor("the run to stop at the failing cell", func() bool {
		r := hs.m.notebook.LastRun()
		return r != nil && r.Status == kernel.Failed
	})
	hs.keys("down", "down", "down")
	if c, _ := hs.m.notebook.CurrentCell(); !strings.Contains(c.Source, "-- fail") {
		t.Fatalf("the cursor is on %q, not the failed cell", c.Source)
	}
	return hs
}

// TestFixWithAIAcceptOrReject proposes a fix for the failed cell and shows
// its diff; y replaces the cell's source without running it and makes the
// notebook dirty, n and esc keep the cell.
func TestFixWithAIAcceptOrReject(t *testing.T) {
	const failing = "SELECT * FROM nope -- fail"
	for _, tc := range []struct {
		key  string
		want string
	}{
		{"y", "SELECT * FROM lake.crm.customers"},
		{"n", failing},
		{"esc", failing},
	} {
		t.Run(tc.key, func(t *testing.T) {
			t.Parallel()
			fa := newFakeAssistant()
			h := failedCell(t, 80, 24, fa)
			ran := len(fa.ran)
			h.keys("F")
			h.waitFor("the fix", func() bool { return h.m.assist.diff.Fix() != nil })
			s := h.screen()
			for _, want := range []string{"Fix with AI", "-" + failing, "+SELECT * FROM lake.crm.customers", "closest name", "offline", "y replace the cell"} {
				if !strings.Contains(s, want) {
					t.Errorf("the overlay lacks %q:\n%s", want, s)
				}
			}
			h.keys(tc.key)
			c, _ := h.m.notebook.CurrentCell()
			if c.Source != tc.want {
				t.Errorf("after %s the cell is %q, want %q", tc.key, c.Source, tc.want)
			}
			if h.m.assist.diff.Fix() != nil {
				t.Errorf("the overlay is still shown after %s", tc.key)
			}
			if got := h.m.notebook.Dirty(); got != (tc.key == "y") {
				t.Errorf("dirty = %v after %s", got, tc.key)
			}
			h.settle(quiet)
			if len(fa.ran) != ran {
				t.Errorf("%s ran %d cells; a fix never runs", tc.key, len(fa.ran)-ran)
			}
		})
	}
}

// TestFixWithAIRefusesAndCancels: F on a cell that passed says so, a fix
// the agent cannot make says why, and esc cancels a fix being made.
func TestFixWithAIRefusesAndCancels(t *testing.T) {
	fa := newFakeAssistant()
	h := failedCell(t, 80, 24, fa)
	h.keys("up", "F")
	if !strings.Contains(h.m.message, "has not failed") || fa.fixes != 0 {
		t.Errorf("F on a passed cell: %q", h.m.message)
	}
	// The failing cell, waiting: esc cancels the fix.
	h.keys("down", "enter", "end")
	h.typeText(" -- slow")
	h.keys("esc", "ctrl+j")
	h.waitFor("the run", func() bool { r := h.m.notebook.LastRun(); return r != nil && r.Cell == h.m.notebook.CurrentID() })
	h.keys("F")
	if s := h.screen(); !strings.Contains(s, "asking the data agent") {
		t.Errorf("no pending box while the fix is made:\n%s", s)
	}
	h.keys("esc")
	h.waitFor("the fix to be cancelled", func() bool { fa.mu.Lock(); defer fa.mu.Unlock(); return fa.cancelled == 1 })
	if s := h.screen(); !strings.Contains(s, "fix cancelled") || strings.Contains(s, "asking the data agent") {
		t.Errorf("after esc:\n%s", s)
	}
	if c, _ := h.m.notebook.CurrentCell(); !strings.HasSuffix(c.Source, "-- slow") {
		t.Errorf("cancelling changed the cell to %q", c.Source)
	}
	// A Go cell that did not fail has no fix.
	h.keys("down", "F")
	if !strings.Contains(h.m.message, "has not failed") {
		t.Errorf("F on the Go cell: %q", h.m.message)
	}
}

// TestChatStreamsAndInserts asks in the chat: the model's text appears
// chunk by chunk as it streams in, then the answer's plan, SQL, rows,
// provider and tokens; i inserts a markdown and a SQL cell below the
// current cell without running them; esc gives the notebook the keys.
func TestChatStreamsAndInserts(t *testing.T) {
	fa := newFakeAssistant()
	fa.release = make(chan struct{})
	h := newHarness(t, 160, 48, Options{Kernel: fa, Notebook: parseSample(t), Path: "churn.md"})
	h.keys("down", "ctrl+l")
	if !h.m.assist.chatFocused || !strings.Contains(h.screen(), "Chat with the data agent") {
		t.Fatalf("ctrl+l did not open the chat:\n%s", h.screen())
	}
	h.typeText("customers by segment")
	h.keys("enter")
	if s := h.screen(); !strings.Contains(s, "answering…") {
		t.Errorf("no progress while the model answers:\n%s", s)
	}
	streamed := ""
	for i, c := range fakeChunks {
		fa.release <- struct{}{}
		streamed += c
		if i == len(fakeChunks)-1 {
			break // the answer follows at once and takes the draft's place
		}
		last := strings.TrimSpace(streamed[strings.LastIndex(strings.TrimRight(streamed, "\n"), "\n")+1:])
		h.waitFor("chunk "+c, func() bool { return strings.Contains(h.screen(), last) })
	}
	h.waitFor("the answer", func() bool { return h.m.assist.chat.Last() != nil })
	s := h.screen()
	for _, want := range []string{"› customers by segment", "Plan", "1. Read lake.crm.customers.", "FROM lake.crm.customers", "Result · 3 rows",
		"enterprise", "412", "largest first", "openai:test-model", "812 prompt + 64", "i insert cells", "CHAT"} {
		if !strings.Contains(s, want) {
			t.Errorf("the chat lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "```sql") {
		t.Errorf("the streamed draft is still shown after the answer:\n%s", s)
	}

	// A follow-up; then insert its cells.
	h.typeText("now only for 2024")
	h.keys("enter")
	for range fakeChunks {
		fa.release <- struct{}{}
	}
	h.waitFor("the follow-up", func() bool { a := h.m.assist.chat.Last(); return a != nil && a.Question == "now only for 2024" })
	before := len(h.m.notebook.Notebook().Cells)
	ran := len(fa.ran)
	h.keys("i")
	nb := h.m.notebook.Notebook()
	if len(nb.Cells) != before+2 {
		t.Fatalf("%d cells after insert, want %d", len(nb.Cells), before+2)
	}
	md, sql := nb.Cells[2], nb.Cells[3]
	if md.Kind != notebooks.Markdown || !strings.Contains(md.Source, "now only for 2024") || !strings.Contains(md.Source, "2. Count the customers") {
		t.Errorf("inserted markdown cell %+v", md)
	}
	if sql.Lang != notebooks.LangSQL || !strings.Contains(sql.Source, "year(signup_date) = 2024") {
		t.Errorf("inserted SQL cell %+v", sql)
	}
	if h.m.notebook.Cursor() != 3 || h.m.assist.chatFocused || !h.m.notebook.Dirty() {
		t.Errorf("after insert: cursor %d, chat focused %v, dirty %v", h.m.notebook.Cursor(), h.m.assist.chatFocused, h.m.notebook.Dirty())
	}
	h.settle(quiet)
	if len(fa.ran) != ran {
		t.Errorf("inserting ran %d cells", len(fa.ran)-ran)
	}
	if got := fa.asked; len(got) != 2 {
		t.Errorf("asked %q", got)
	}
	// Back in the chat, esc returns to the notebook, whose keys work.
	h.keys("ctrl+l", "esc", "k")
	if h.m.assist.chatFocused || h.m.notebook.Cursor() != 2 {
		t.Errorf("esc left the chat focused (%v) or k did not reach the notebook (cursor %d)", h.m.assist.chatFocused, h.m.notebook.Cursor())
	}
	// ctrl+l twice closes the chat.
	h.keys("ctrl+l", "ctrl+l")
	if h.m.assist.chatOpen || strings.Contains(h.screen(), "Chat with the data agent") {
		t.Error("the chat did not close")
	}
	// "New chat" from the palette forgets the conversation, on both sides.
	h.keys("ctrl+x")
	h.typeText("new chat")
	h.keys("enter")
	h.waitFor("the reset", func() bool { fa.mu.Lock(); defer fa.mu.Unlock(); return fa.resets == 1 })
	if h.m.assist.chat.Last() != nil || len(fa.asked) != 0 {
		t.Errorf("after New chat: last answer %v, kernel history %q", h.m.assist.chat.Last(), fa.asked)
	}
}

// TestChatCancelledOrFailed: a cancelled question says so, a failed one
// says why; neither hangs the chat.
func TestChatCancelledOrFailed(t *testing.T) {
	fa := newFakeAssistant()
	h := newHarness(t, 80, 24, Options{Kernel: fa, Notebook: parseSample(t), Path: "churn.md"})
	h.keys("f3")
	h.typeText("wait for it")
	h.keys("enter")
	h.waitFor("the streamed text", func() bool { return strings.Contains(h.screen(), "of each segment") })
	h.keys("ctrl+c")
	h.waitFor("the cancel", func() bool { return !h.m.assist.chat.Busy() })
	if s := h.screen(); !strings.Contains(s, "cancelled; nothing ran") {
		t.Errorf("no word of the cancel:\n%s", s)
	}
	h.typeText("fail please")
	h.keys("enter")
	h.waitFor("the failure", func() bool { return !h.m.assist.chat.Busy() })
	if s := h.screen(); !strings.Contains(s, "✗ no answer") || h.quit {
		t.Errorf("no word of the failure:\n%s", s)
	}
	if h.m.assist.chat.Last() != nil {
		t.Error("a failed question left an answer to insert")
	}
}
