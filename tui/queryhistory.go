package tui

import (
	"fmt"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/history"
	"github.com/floehq/floe/tui/notebook"
)

// queryHistory is the SQL run in every session: loaded from the history
// file at start-up, then every SQL cell this session runs, which is also
// appended to the file.
type queryHistory struct {
	store   *history.Store  // nil: no file, the history is this session's
	entries []history.Entry // oldest first
	loaded  bool
	loadErr error
	warned  bool           // a failed append was reported
	pending sync.WaitGroup // appends still being written
	// written is closed when the last append started has been written:
	// each append waits for the one before, so the file keeps the order
	// of the runs.
	written chan struct{}
}

// historyLoadedMsg carries the history file's entries.
type historyLoadedMsg struct {
	entries []history.Entry
	skipped int
	err     error
}

// historyWrittenMsg reports a failed append.
type historyWrittenMsg struct{ err error }

func newQueryHistory(path string) *queryHistory {
	h := &queryHistory{}
	if path != "" {
		h.store = &history.Store{Path: path}
	}
	return h
}

// load reads the history file in a command.
func (h *queryHistory) load() tea.Cmd {
	if h.store == nil {
		h.loaded = true
		return nil
	}
	s := h.store
	return func() tea.Msg {
		es, skipped, err := s.Load()
		return historyLoadedMsg{es, skipped, err}
	}
}

// note is what the browser shows when there is nothing to list.
func (h *queryHistory) note() string {
	switch {
	case h.loadErr != nil:
		return "the query history could not be read: " + h.loadErr.Error()
	case !h.loaded:
		return "loading the query history…"
	case h.store == nil:
		return "no SQL run yet; this session keeps no history file (FLOE_HOME)"
	}
	return "no SQL run yet: every SQL cell you run is kept here, across sessions"
}

// historyLoaded puts the file's entries before the ones this session ran
// meanwhile (an append may have reached the file before it was read), and
// says once if lines were skipped.
func (m *Model) historyLoaded(msg historyLoadedMsg) tea.Cmd {
	h := m.history
	h.loaded, h.loadErr = true, msg.err
	if msg.err != nil {
		m.message, m.isError = "query history: "+msg.err.Error(), true
		return nil
	}
	type key struct {
		t   int64
		src string
	}
	inFile := map[key]bool{}
	for _, e := range msg.entries {
		inFile[key{e.Time.UnixNano(), e.Source}] = true
	}
	all := msg.entries
	for _, e := range h.entries {
		if !inFile[key{e.Time.UnixNano(), e.Source}] {
			all = append(all, e)
		}
	}
	h.entries = all
	if msg.skipped > 0 {
		lines := "lines"
		if msg.skipped == 1 {
			lines = "line"
		}
		m.message, m.isError = fmt.Sprintf("query history: skipped %d unreadable %s in %s", msg.skipped, lines, displayPath(h.store.Path)), true
	}
	return nil
}

// recordRun adds a finished SQL cell's run to the history and appends it
// to the file in the background; the command only reports a failure.
func (m *Model) recordRun(msg notebook.RunDoneMsg) tea.Cmd {
	c, res := msg.Ran, msg.Result
	if msg.Cell == "" || res == nil || c.Kind != notebooks.Code || c.Lang != notebooks.LangSQL || strings.TrimSpace(c.Source) == "" {
		return nil
	}
	if res.Status != kernel.Passed && res.Status != kernel.Failed {
		return nil
	}
	e := history.Entry{
		Time: m.common.Now(), Warehouse: m.opts.Warehouse, Notebook: m.path,
		Source: c.Source, OK: res.Status == kernel.Passed, Duration: res.Duration,
	}
	if res.Err != nil && !e.OK {
		e.Error = res.Err.Message()
	}
	for i := len(res.Outputs) - 1; i >= 0; i-- {
		if t := res.Outputs[i].Table; t != nil {
			e.Rows = t.Total
			break
		}
	}
	h := m.history
	h.entries = append(h.entries, e)
	if n := len(h.entries) - history.DefaultLimit; n > 0 {
		h.entries = h.entries[n:]
	}
	if h.store == nil {
		return nil
	}
	done := make(chan error, 1)
	prev, written := h.written, make(chan struct{})
	h.written = written
	h.pending.Add(1)
	go func(s *history.Store) {
		defer h.pending.Done()
		defer close(written)
		if prev != nil {
			<-prev
		}
		done <- s.Append(e)
	}(h.store)
	return func() tea.Msg {
		if err := <-done; err != nil {
			return historyWrittenMsg{err}
		}
		return nil
	}
}

// historyWritten reports the first failed append; the rest would only
// repeat it.
func (m *Model) historyWritten(msg historyWrittenMsg) {
	if m.history.warned {
		return
	}
	m.history.warned = true
	m.message, m.isError = "query history not saved: "+msg.err.Error(), true
}

// wait waits for the appends still being written, so none is lost when
// the workbench quits.
func (h *queryHistory) wait() { h.pending.Wait() }
