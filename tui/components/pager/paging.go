package pager

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
)

// Source serves pages of the whole results a kernel holds (a Table's
// Result); *kernel.Session is one. Its calls run in commands, never in
// Update.
type Source interface {
	Page(ctx context.Context, handle string, offset, limit int64, order []kernel.Order) (*kernel.Table, error)
}

// StatusMsg is a message from the pager for the status bar.
type StatusMsg struct {
	Text  string
	Error bool
}

func status(err bool, format string, args ...any) tea.Cmd {
	return func() tea.Msg { return StatusMsg{Text: fmt.Sprintf(format, args...), Error: err} }
}

// pageRows is how many rows one fetch brings; maxPages bounds the pages
// kept, so scrolling through millions of rows holds a few thousand.
const (
	pageRows = 500
	maxPages = 32
)

// pageMsg carries a fetched page back to Update.
type pageMsg struct {
	t     *kernel.Table // the table the page belongs to
	gen   int           // the order it was fetched in
	index int
	rows  [][]any
	err   error
}

// page is a fetched page and when it was last drawn, for eviction.
type page struct {
	rows [][]any
	used int
}

// paging is the state of a result paged in from the kernel.
type paging struct {
	ctx context.Context
	src Source

	// order is the kernel-side sort; gen counts order changes so that
	// late pages of an earlier order are dropped.
	order   []kernel.Order
	gen     int
	pages   map[int]*page
	pending map[int]bool
	clock   int
	err     error // the last fetch's error
}

// SetKernel gives the pager the kernel to fetch pages from, export with and
// edit through; k may implement any of Source, Exporter and Editor.
func (m *Model) SetKernel(ctx context.Context, k any) {
	m.kernel = k
	m.paging.ctx = ctx
	m.paging.src, _ = k.(Source)
}

// paged reports whether rows come from the kernel: the table is a held
// result larger than its held rows, or sorted in the kernel.
func (m *Model) paged() bool {
	return m.t != nil && m.t.Result != "" && m.paging.src != nil && (m.t.Truncated() || len(m.paging.order) > 0)
}

// count is how many rows can be shown.
func (m *Model) count() int {
	if m.paged() {
		return int(m.t.Total)
	}
	return len(m.t.Rows)
}

// resetPaging drops fetched pages, for a new table or a new order.
func (m *Model) resetPaging() {
	p := &m.paging
	p.gen++
	p.pages, p.pending, p.err = map[int]*page{}, map[int]bool{}, nil
}

// pagedRow returns row r, or nil while it is being fetched.
func (m *Model) pagedRow(r int) []any {
	p := &m.paging
	if len(p.order) == 0 && r < len(m.t.Rows) {
		return m.t.Rows[r]
	}
	pg := p.pages[r/pageRows]
	if pg == nil || r%pageRows >= len(pg.rows) {
		return nil
	}
	pg.used = p.clock
	return pg.rows[r%pageRows]
}

// fetch asks for the pages around the window that are neither held nor
// on their way: the window's own first, then one page either side.
func (m *Model) fetch() tea.Cmd {
	if !m.paged() {
		return nil
	}
	p := &m.paging
	p.clock++
	n := m.count()
	first := max(m.top-pageRows/2, 0) / pageRows
	last := min(m.top+m.bodyRows()+pageRows/2, n-1) / pageRows
	var cmds []tea.Cmd
	for i := first; i <= last; i++ {
		if p.pending[i] || p.pages[i] != nil {
			continue
		}
		if len(p.order) == 0 && (i+1)*pageRows <= len(m.t.Rows) {
			continue // held in the output
		}
		p.pending[i] = true
		cmds = append(cmds, pageCmd(p.ctx, p.src, m.t, p.gen, i, p.order))
	}
	return tea.Batch(cmds...)
}

func pageCmd(ctx context.Context, src Source, t *kernel.Table, gen, index int, order []kernel.Order) tea.Cmd {
	return func() tea.Msg {
		pg, err := src.Page(ctx, t.Result, int64(index)*pageRows, pageRows, order)
		msg := pageMsg{t: t, gen: gen, index: index, err: err}
		if err == nil {
			msg.rows = pg.Rows
		}
		return msg
	}
}

// gotPage stores a fetched page, evicting the least recently drawn pages
// beyond maxPages.
func (m *Model) gotPage(msg pageMsg) tea.Cmd {
	p := &m.paging
	if msg.t != m.t || msg.gen != p.gen {
		return nil
	}
	delete(p.pending, msg.index)
	if msg.err != nil {
		first := p.err == nil
		p.err = msg.err
		if first {
			if errors.Is(msg.err, kernel.ErrResultEvicted) {
				return status(true, "result no longer held, re-run the cell (ctrl+enter) to page through it")
			}
			return status(true, "fetch rows: %v", msg.err)
		}
		return nil
	}
	p.err = nil
	p.clock++
	p.pages[msg.index] = &page{rows: msg.rows, used: p.clock}
	for len(p.pages) > maxPages {
		oldest, at := -1, 0
		for i, pg := range p.pages {
			if oldest < 0 || pg.used < at {
				oldest, at = i, pg.used
			}
		}
		delete(p.pages, oldest)
	}
	return nil
}

// loading reports whether a row in the window is still being fetched.
func (m *Model) loading() bool {
	if !m.paged() {
		return false
	}
	end := min(m.top+m.bodyRows(), m.count())
	for r := m.top; r < end; r++ {
		if m.pagedRow(r) == nil {
			return true
		}
	}
	return false
}

// Loading reports whether rows on screen are still being fetched.
func (m *Model) Loading() bool { return m.loading() }
