package pager

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/component"
)

// Exporter writes a whole held result to a file; *kernel.Session is one.
type Exporter interface {
	Export(ctx context.Context, handle, path string, order []kernel.Order) (*kernel.Exported, error)
}

// Editor turns an edited value of a held result into an UPDATE of the
// lake table it comes from; *kernel.Session is one.
type Editor interface {
	CheckEdit(ctx context.Context, handle, column string) error
	ProposeUpdate(ctx context.Context, handle string, row int64, order []kernel.Order, column, value string) (*kernel.UpdateProposal, error)
	ApplyUpdate(ctx context.Context, p *kernel.UpdateProposal) (int64, error)
}

// RerunMsg asks for the cell whose result the pager shows to run again:
// an edit changed the table it reads.
type RerunMsg struct{ Cell string }

// modalKind is the question the pager asks over the grid.
type modalKind int

const (
	modalNone        modalKind = iota
	modalExport                // a file name to export to
	modalEdit                  // the new value
	modalConfirm               // run the proposed UPDATE?
	modalConfirmMany           // it changes more than one row: really?
	modalValue                 // the value viewer (viewer.go)
)

// modal is the state of the pager's question.
type modal struct {
	kind     modalKind
	input    textinput.Model
	column   string
	row      int64
	order    []kernel.Order
	proposal *kernel.UpdateProposal
	view     viewer
}

// The kernel's replies.
type (
	checkedMsg struct {
		t   *kernel.Table
		err error
	}
	proposedMsg struct {
		t   *kernel.Table
		p   *kernel.UpdateProposal
		err error
	}
	appliedMsg struct {
		p    *kernel.UpdateProposal
		cell string
		rows int64
		err  error
	}
	exportedMsg struct {
		e   *kernel.Exported
		err error
	}
)

// Capturing reports whether the pager asks a question and takes every key.
func (m *Model) Capturing() bool { return m.modal.kind != modalNone }

func (m *Model) newInput(prompt, value string) tea.Cmd {
	in := textinput.New()
	in.Prompt = prompt
	in.SetWidth(component.Clamp(m.width-14, 10, 60))
	in.SetValue(value)
	in.CursorEnd()
	m.modal.input = in
	return m.modal.input.Focus()
}

// startExport asks for the file to export the whole result to.
func (m *Model) startExport() tea.Cmd {
	if _, ok := m.kernel.(Exporter); !ok || m.t.Result == "" {
		return status(true, "export: this result is not held by the kernel (a preview or a chart's table); run it as a cell to export it")
	}
	m.modal = modal{kind: modalExport}
	name := m.name
	if name == "" {
		name = "result"
	}
	return m.newInput("file: ", defaultExportName(name))
}

// defaultExportName is a result's name as a file name, with .csv.
func defaultExportName(cell string) string {
	name := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ':' || r < ' ' {
			return '_'
		}
		return r
	}, cell)
	if name == "" {
		name = "result"
	}
	return name + ".csv"
}

// startEdit opens the editor on the selected value, once the kernel says
// the result can be edited.
func (m *Model) startEdit() tea.Cmd {
	ed, ok := m.kernel.(Editor)
	if !ok || m.t.Result == "" {
		return status(true, "edit: this result is not held by the kernel, so it cannot become an UPDATE; run it as a cell")
	}
	v, ok := m.value()
	if !ok {
		return nil // still loading
	}
	row, order := int64(m.row), m.paging.order
	if m.order != nil {
		row = int64(m.order[m.row]) // a sort of the held rows, which are the whole result
	}
	col := m.t.Columns[m.col]
	m.modal = modal{kind: modalEdit, column: col, row: row, order: order}
	text := kernel.FormatValue(v)
	if v == nil {
		text = "NULL"
	}
	ctx, t, handle := m.paging.ctx, m.t, m.t.Result
	check := func() tea.Msg { return checkedMsg{t: t, err: ed.CheckEdit(ctx, handle, col)} }
	return tea.Batch(m.newInput(col+" = ", text), check)
}

// modalUpdate handles keys while a question is open.
func (m *Model) modalUpdate(msg tea.Msg) tea.Cmd {
	km := m.common.KeyMap
	switch msg := msg.(type) {
	case tea.KeyPressMsg:
		switch m.modal.kind {
		case modalValue:
			return m.viewerKey(msg)
		case modalExport, modalEdit:
			switch msg.String() {
			case "esc", "ctrl+c":
				m.modal = modal{}
				return nil
			case "enter":
				return m.submit()
			}
		case modalConfirm, modalConfirmMany:
			switch {
			case key.Matches(msg, km.Yes):
				p := m.modal.proposal
				if m.modal.kind == modalConfirm && p.Rows > 1 {
					m.modal.kind = modalConfirmMany
					return nil
				}
				m.modal = modal{}
				ed := m.kernel.(Editor)
				ctx, cell := m.paging.ctx, kernel.ResultCell(m.t.Result)
				m.working = "updating " + p.Table + "…"
				return tea.Batch(func() tea.Msg {
					n, err := ed.ApplyUpdate(ctx, p)
					return appliedMsg{p: p, cell: cell, rows: n, err: err}
				})
			case key.Matches(msg, km.No), key.Matches(msg, km.Back), msg.String() == "ctrl+c":
				m.modal = modal{}
				return status(false, "edit cancelled; nothing changed")
			}
			return nil
		}
	case tea.PasteMsg:
	default:
		return nil
	}
	if m.modal.kind == modalValue {
		return nil
	}
	var cmd tea.Cmd
	m.modal.input, cmd = m.modal.input.Update(msg)
	return cmd
}

// submit acts on the typed file name or value.
func (m *Model) submit() tea.Cmd {
	text := m.modal.input.Value()
	ctx, handle := m.paging.ctx, m.t.Result
	switch m.modal.kind {
	case modalExport:
		path := strings.TrimSpace(text)
		if path == "" {
			return nil
		}
		if _, err := kernel.ExportFormat(path); err != nil {
			return status(true, "%v", err) // the prompt stays open
		}
		m.modal = modal{}
		ex, order := m.kernel.(Exporter), m.exportOrder()
		m.working = "exporting to " + path + "…"
		return tea.Batch(func() tea.Msg {
			e, err := ex.Export(ctx, handle, path, order)
			return exportedMsg{e: e, err: err}
		})
	case modalEdit:
		md, t := m.modal, m.t
		ed := m.kernel.(Editor)
		m.modal = modal{}
		m.working = "working out the UPDATE…"
		return tea.Batch(func() tea.Msg {
			p, err := ed.ProposeUpdate(ctx, handle, md.row, md.order, md.column, text)
			return proposedMsg{t: t, p: p, err: err}
		})
	}
	return nil
}

// exportOrder is the pager's current sort, for the kernel.
func (m *Model) exportOrder() []kernel.Order {
	if len(m.paging.order) > 0 {
		return m.paging.order
	}
	if m.order != nil {
		return []kernel.Order{{Column: m.t.Columns[m.sortCol], Desc: m.sortDesc}}
	}
	return nil
}

// kernelReply handles the kernel's answers to exports and edits.
func (m *Model) kernelReply(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(checkedMsg); !ok {
		m.working = ""
	}
	switch msg := msg.(type) {
	case exportedMsg:
		if msg.err != nil {
			return status(true, "%v", msg.err)
		}
		path := msg.e.Path
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		return status(false, "exported %s to %s", Rows(msg.e.Rows), path)
	case checkedMsg:
		if msg.t == m.t && m.modal.kind == modalEdit && msg.err != nil {
			m.modal = modal{}
			return status(true, "cannot edit: %s", editReason(msg.err))
		}
	case proposedMsg:
		switch {
		case msg.t != m.t:
		case msg.err != nil:
			return status(true, "cannot edit: %s", editReason(msg.err))
		case msg.p.Rows == 0:
			return status(true, "no row of %s matches this one any more; re-run the cell", msg.p.Table)
		default:
			m.modal = modal{kind: modalConfirm, proposal: msg.p}
			return status(false, "")
		}
	case appliedMsg:
		if msg.err != nil {
			return status(true, "%v", msg.err)
		}
		cell := msg.cell
		return tea.Batch(status(false, "updated %s of %s in one snapshot; re-running the cell", Rows(msg.rows), msg.p.Table),
			func() tea.Msg { return RerunMsg{Cell: cell} })
	}
	return nil
}

// editReason is why an edit is refused, without the sentinel's words.
func editReason(err error) string {
	s := err.Error()
	if errors.Is(err, kernel.ErrNotEditable) {
		s = strings.TrimPrefix(s, kernel.ErrNotEditable.Error()+": ")
	}
	return s
}

// Dialog draws the pager's open question as a box for the screen's
// middle, or "" when none is open.
func (m *Model) Dialog() string {
	st := m.common.Styles
	w := component.Clamp(m.width-6, 20, 76)
	var title string
	var lines []string
	switch m.modal.kind {
	case modalNone:
		return ""
	case modalValue:
		return m.viewerBox()
	case modalExport:
		title = "Export " + Rows(m.t.Total)
		if o := m.exportOrder(); len(o) > 0 {
			dir := "ascending"
			if o[0].Desc {
				dir = "descending"
			}
			title += ", sorted by " + o[0].Column + " " + dir
		}
		lines = []string{m.modal.input.View(), "", st.Muted.Render(".csv .parquet .json .jsonl picks the format"), "enter  export   esc  cancel"}
	case modalEdit:
		title = "New value (NULL for null)"
		lines = []string{m.modal.input.View(), "", "enter  propose the UPDATE   esc  cancel"}
	case modalConfirm, modalConfirmMany:
		p := m.modal.proposal
		title = "Run this UPDATE on " + p.Table + "?"
		for _, l := range statementLines(p) {
			lines = append(lines, strings.Split(ansi.Wrap(l, w, " "), "\n")...)
		}
		lines = append(lines, "")
		if p.Rows == 1 {
			lines = append(lines, "It changes 1 row, in one snapshot; then the cell runs again.")
		} else {
			lines = append(lines, st.Warn.Render(ansi.Wrap("It changes "+Count(p.Rows)+" rows, all equal in "+strings.Join(p.Identity, ", ")+", in one snapshot.", w, " ")))
		}
		if m.modal.kind == modalConfirmMany {
			lines = append(lines, st.Warn.Render("Really change all "+Count(p.Rows)+" rows? y  yes, all of them   n  cancel"))
		} else {
			lines = append(lines, "y  run it   n/esc  cancel")
		}
	}
	body := st.HelpGroup.Render(title) + "\n\n" + strings.Join(lines, "\n")
	return st.Overlay.Render(body)
}

// statementLines lays an UPDATE out a clause a line, each predicate of the
// WHERE clause on its own line.
func statementLines(p *kernel.UpdateProposal) []string {
	if p.Set == "" || len(p.Where) == 0 {
		return []string{p.Statement}
	}
	lines := []string{"UPDATE " + p.Table, "SET " + p.Set, "WHERE " + p.Where[0]}
	for _, w := range p.Where[1:] {
		lines = append(lines, "  AND "+w)
	}
	return lines
}
