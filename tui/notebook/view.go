package notebook

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/pager"
	"github.com/floehq/floe/tui/highlight"
	"github.com/floehq/floe/tui/spinner"
)

// gutterWidth is the bar left of each cell and its space.
const gutterWidth = 2

// maxTextLines bounds one text output under a cell; the pager and the
// saved notebook have all of it.
const maxTextLines = 15

// renderCache keeps what is slow to draw, by cell id: highlighted source
// and rendered outputs, redrawn only when what they show changes.
type renderCache struct {
	code    map[string]codeEntry
	outputs map[string]outputEntry
}

type codeEntry struct {
	src, lang string
	markdown  bool
	width     int
	lines     []string
}

type outputEntry struct {
	res    *kernel.Result
	first  *notebooks.Output
	n      int
	width  int
	rows   int
	height int
	lines  []string
}

// previewRows is how many rows of a table show under its cell.
func (m *Model) previewRows() int { return max(3, min(10, m.height/4)) }

// View draws the cells around the cursor, scrolled so that the cell under
// the cursor (or the editor) is on screen.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	stale := m.stale()
	var lines []string
	start, end := 0, 0
	m.spans = m.spans[:0]
	for i := range m.nb.Cells {
		if i == m.cursor {
			start = len(lines)
		}
		first := len(lines)
		lines = append(lines, m.cell(i, stale[i])...)
		m.spans = append(m.spans, span{first, len(lines)})
		if i == m.cursor {
			end = len(lines)
		}
		lines = append(lines, "")
	}
	// Keep the cursor's cell on screen: all of it when it fits, else its
	// top (and the editor, which is capped to fit).
	want := end
	if end-start > m.height {
		want = start + m.height
	}
	if m.top > start {
		m.top = start
	}
	if want > m.top+m.height {
		m.top = want - m.height
	}
	m.top = component.Clamp(m.top, 0, len(lines)-m.height)
	view := lines[m.top:min(m.top+m.height, len(lines))]
	for len(view) < m.height {
		view = append(view, "")
	}
	if m.editing {
		view = m.drawPopup(view, start+m.ed.caretLine-m.top, m.ed.caretCol)
	}
	return strings.Join(view, "\n")
}

// cell draws one cell: a header, its source (or the editor) and outputs,
// each line behind the gutter bar.
func (m *Model) cell(i int, stale bool) []string {
	st := m.common.Styles
	c := &m.nb.Cells[i]
	w := max(m.width-gutterWidth, 1)
	cur := i == m.cursor
	bar := st.Gutter.Render("│") + " "
	switch {
	case cur && m.editing:
		bar = st.GutterEditing.Render("┃") + " "
	case cur && m.focused:
		bar = st.GutterFocused.Render("┃") + " "
	case cur:
		bar = st.GutterFocused.Render("╎") + " "
	}
	out := []string{bar + m.header(c, w, stale)}
	if cur && m.editing {
		lines, line, col := m.editorLines(c, w)
		m.ed.caretLine, m.ed.caretCol = len(out)+line, gutterWidth+col
		for _, l := range lines {
			out = append(out, bar+l)
		}
	} else {
		for _, l := range m.source(c, w) {
			out = append(out, bar+truncate(l, w))
		}
	}
	for _, l := range m.outputs(c, w) {
		out = append(out, bar+l)
	}
	return out
}

// header is "[3] sql name=x            ✓ 12ms" fitted to w.
func (m *Model) header(c *notebooks.Cell, w int, stale bool) string {
	st := m.common.Styles
	var left, right string
	if c.Kind == notebooks.Markdown {
		left = st.CellLang.Render("markdown")
	} else {
		count := "[ ]"
		if c.Execution.Count > 0 {
			count = fmt.Sprintf("[%d]", c.Execution.Count)
		}
		running := m.running != nil && m.running.id == c.ID
		if running {
			count = "[*]"
		}
		left = st.ExecCount.Render(count) + " " + st.CellLang.Render(c.Lang)
		if o := c.Options.String(); o != "" {
			left += " " + st.CellName.Render(o)
		}
		switch {
		case running:
			el := m.now().Sub(m.running.start)
			frame := spinner.Frame(el)
			label := "running"
			if m.running.cancelled {
				label = "cancelling"
			}
			right = st.OK.Render(frame + " " + label + " " + Duration(el))
		case m.isQueued(c.ID):
			right = st.Muted.Render("queued")
		default:
			right = m.resultMark(c)
		}
		if stale && !running {
			mark := st.Stale.Render("stale")
			if right != "" {
				right = mark + st.Muted.Render(" · ") + right
			} else {
				right = mark
			}
		}
	}
	if mode := m.VimMode(); mode != "" && c.ID == m.CurrentID() {
		left += " " + st.Accent.Render("-- "+mode+" --")
	}
	gap := w - ansi.StringWidth(left) - ansi.StringWidth(right)
	if gap < 1 {
		return truncate(left, w)
	}
	return left + strings.Repeat(" ", gap) + right
}

// resultMark is "✓ 12ms", "✗ 1.20s" or "– skipped" for the cell's last run.
func (m *Model) resultMark(c *notebooks.Cell) string {
	st := m.common.Styles
	r := m.results[c.ID]
	if r == nil {
		if c.Execution.Count > 0 {
			return st.Muted.Render(Duration(c.Execution.Duration))
		}
		return ""
	}
	switch r.Status {
	case kernel.Passed:
		s := "✓ " + Duration(r.Duration)
		if t := resultTable(r); t != nil {
			s += " · " + pager.Rows(t.Total)
		}
		return st.OK.Render(s)
	case kernel.Failed:
		if r.Err != nil && r.Err.Kind == kernel.KindInterrupt {
			return st.Warn.Render("⊘ cancelled after " + Duration(r.Duration))
		}
		return st.Error.Render("✗ " + Duration(r.Duration))
	case kernel.Skipped:
		return st.Warn.Render("– skipped")
	}
	return ""
}

// source returns the cell's text, highlighted or rendered, from the cache.
func (m *Model) source(c *notebooks.Cell, w int) []string {
	st := m.common.Styles
	if c.Source == "" {
		hint := "empty cell: enter edits"
		if c.Kind == notebooks.Markdown {
			hint = "empty markdown cell: enter edits"
		}
		return []string{st.Muted.Render(hint)}
	}
	if m.cache.code == nil {
		m.cache.code = map[string]codeEntry{}
	}
	md := c.Kind == notebooks.Markdown
	e, ok := m.cache.code[c.ID]
	if ok && e.src == c.Source && e.lang == c.Lang && e.markdown == md && (!md || e.width == w) {
		return e.lines
	}
	var lines []string
	if md {
		lines = highlight.Markdown(c.Source, w, st)
	} else {
		lines = highlight.Code(c.Source, c.Lang, st)
		for i, l := range lines {
			lines[i] = expandTabs(l)
		}
	}
	m.cache.code[c.ID] = codeEntry{src: c.Source, lang: c.Lang, markdown: md, width: w, lines: lines}
	return lines
}

// outputs draws what the cell's last run produced: a preview of each table,
// charts, text and errors. A notebook read from .ipynb shows its saved
// outputs until the cell runs.
func (m *Model) outputs(c *notebooks.Cell, w int) []string {
	r := m.results[c.ID]
	var first *notebooks.Output
	if len(c.Outputs) > 0 {
		first = &c.Outputs[0]
	}
	if r == nil && first == nil {
		return nil
	}
	if m.cache.outputs == nil {
		m.cache.outputs = map[string]outputEntry{}
	}
	rows := m.previewRows()
	e, ok := m.cache.outputs[c.ID]
	if ok && e.res == r && e.first == first && e.n == len(c.Outputs) && e.width == w && e.rows == rows && e.height == m.height {
		return e.lines
	}
	var lines []string
	if r != nil {
		lines = m.kernelOutputs(r, w, rows)
	} else {
		lines = m.savedOutputs(c.Outputs, w)
		if h := keptHeader(c, m.now()); h != "" {
			lines = append([]string{m.common.Styles.Muted.Render(truncate(h, w))}, lines...)
		}
	}
	m.cache.outputs[c.ID] = outputEntry{res: r, first: first, n: len(c.Outputs), width: w, rows: rows, height: m.height, lines: lines}
	return lines
}

func (m *Model) kernelOutputs(r *kernel.Result, w, rows int) []string {
	st := m.common.Styles
	var lines []string
	for _, o := range r.Outputs {
		switch o.Kind {
		case kernel.OutputTable:
			t := o.Table
			if t == nil {
				continue
			}
			lines = append(lines, pager.Render(t, pager.NewLayout(t), pager.Window{Rows: rows, Width: w, SelRow: -1, SelCol: -1}, st)...)
			foot := fmt.Sprintf("%s × %s · o opens the pager", pager.Rows(t.Total), columns(len(t.Columns)))
			lines = append(lines, st.GridFooter.Render(truncate(foot, w)))
		case kernel.OutputError:
			// Errors show whole, wrapped: the message is what to fix.
			for _, s := range wrap(strings.TrimRight(o.Err.Report(), "\n"), w) {
				lines = append(lines, st.Error.Render(s))
			}
		case kernel.OutputStatement:
			lines = append(lines, m.statementLines(o.Statement, w, rows)...)
		case kernel.OutputStream:
			style := st.Output
			if o.Stream == "stderr" {
				style = st.Warn
			}
			for _, s := range clip(strings.Split(strings.TrimRight(o.Text, "\n"), "\n"), w) {
				lines = append(lines, style.Render(s))
			}
		case kernel.OutputMarkdown:
			lines = append(lines, clipN(highlight.Markdown(strings.TrimRight(o.Text, "\n"), w, st), w, 2*maxTextLines)...)
		case kernel.OutputChart:
			// The chart fits its height, so that its axes and legend show.
			chart := o.Chart.TextFit(w, m.chartHeight())
			lines = append(lines, clipN(strings.Split(strings.TrimRight(chart, "\n"), "\n"), w, 1<<30)...)
		default:
			lines = append(lines, clip(strings.Split(strings.TrimRight(o.Text, "\n"), "\n"), w)...)
		}
	}
	return lines
}

func (m *Model) savedOutputs(outs []notebooks.Output, w int) []string {
	st := m.common.Styles
	var lines []string
	for _, o := range outs {
		switch o.Type {
		case notebooks.OutputError:
			text := o.EName + ": " + o.EValue
			if len(o.Traceback) > 0 {
				text = strings.Join(o.Traceback, "\n")
			}
			for _, s := range wrap(text, w) {
				lines = append(lines, st.Error.Render(s))
			}
		case notebooks.OutputStream:
			lines = append(lines, clip(strings.Split(strings.TrimRight(o.Text, "\n"), "\n"), w)...)
		default:
			if t, ok := o.Data[notebooks.MIMEText]; ok {
				lines = append(lines, clip(strings.Split(strings.TrimRight(t, "\n"), "\n"), w)...)
			}
		}
	}
	return lines
}

// statementLines draws what one statement of a cell did: a line saying
// so, and under it the first rows of its result, if it returned rows.
func (m *Model) statementLines(stmt *kernel.Statement, w, rows int) []string {
	st := m.common.Styles
	head := "✓ " + stmt.Caption()
	if stmt.Duration > 0 {
		head += " · " + Duration(stmt.Duration)
	}
	lines := []string{st.OK.Render(truncate(head, w))}
	if t := stmt.Result; t != nil {
		lines = append(lines, pager.Render(t, pager.NewLayout(t), pager.Window{Rows: min(rows, 5), Width: w, SelRow: -1, SelCol: -1}, st)...)
		foot := fmt.Sprintf("%s × %s · o opens the pager, [ ] switch results", pager.Rows(t.Total), columns(len(t.Columns)))
		lines = append(lines, st.GridFooter.Render(truncate(foot, w)))
	}
	return lines
}

// chartHeight is how many lines a chart under its cell takes: it fits the
// notebook's height with room for the cell's header.
func (m *Model) chartHeight() int { return component.Clamp(m.height-4, 8, 24) }

// wrap breaks text into lines of at most w columns, at spaces where it
// can, keeping every word.
func wrap(text string, w int) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\t", "    "), "\n") {
		out = append(out, strings.Split(ansi.Wrap(l, w, ""), "\n")...)
	}
	return out
}

func columns(n int) string {
	if n == 1 {
		return "1 column"
	}
	return fmt.Sprintf("%d columns", n)
}

// clip keeps the first maxTextLines lines, each cut to w.
func clip(lines []string, w int) []string { return clipN(lines, w, maxTextLines) }

// clipN keeps the first n lines, each cut to w.
func clipN(lines []string, w, n int) []string {
	var out []string
	for i, l := range lines {
		if i == n {
			out = append(out, fmt.Sprintf("… %d more lines", len(lines)-i))
			break
		}
		out = append(out, truncate(strings.ReplaceAll(l, "\t", "    "), w))
	}
	return out
}

func truncate(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Duration formats a run's time: 12ms, 1.24s, 3m05s.
func Duration(d time.Duration) string {
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
