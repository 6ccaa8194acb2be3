package chat

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/tui/components/pager"
	"github.com/floehq/floe/tui/highlight"
	"github.com/floehq/floe/tui/spinner"
)

// previewRows is how many rows of an answer's result the chat shows.
const previewRows = 5

// bodyRows is how many lines the conversation gets: the pane less its
// title, key hints and input line.
func (m *Model) bodyRows() int { return max(m.height-3, 1) }

// View draws the pane: a title, the conversation scrolled to its end (or
// where the user scrolled), the keys and the input line.
func (m *Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	st := m.common.Styles
	w := m.width
	title := "Chat with the data agent"
	if a := m.Last(); a != nil {
		title += " · " + a.Provider
	}
	title = ansi.Truncate(title, w-4, "…")
	rule := strings.Repeat("─", max(w-ansi.StringWidth(title)-4, 0))
	ts := st.PanelTitle
	if m.focused {
		ts = st.PanelTitleFocused
	}
	out := []string{st.PanelRule.Render("─ ") + ts.Render(title) + " " + st.PanelRule.Render(rule)}

	var body []string
	lastStart := 0
	for i, e := range m.entries {
		if i > 0 {
			body = append(body, "")
		}
		lastStart = len(body)
		body = append(body, m.entry(e, w)...)
	}
	if len(m.entries) == 0 {
		body = append(body, wrap(st.Muted.Render("Ask a question about the tables in plain words. Follow-ups keep the context (\"now only for 2024\"); i inserts an answer's cells into the notebook."), w)...)
	}
	rows := m.bodyRows()
	if m.anchor {
		m.anchor = false
		m.scroll = max(len(body)-lastStart-rows, 0)
	}
	m.scroll = min(m.scroll, max(len(body)-rows, 0))
	end := len(body) - m.scroll
	start := max(end-rows, 0)
	view := body[start:end]
	for len(view) < rows {
		view = append(view, "")
	}
	out = append(out, view...)
	out = append(out, st.Muted.Render(ansi.Truncate(m.hint(), w, "…")))
	out = append(out, ansi.Truncate(m.input.View(), w, ""))
	return strings.Join(out, "\n")
}

func (m *Model) hint() string {
	switch {
	case m.req != nil:
		return "ctrl+c cancels · esc notebook"
	case m.review:
		return "i insert cells · enter follow-up · esc notebook"
	case m.focused:
		return "enter asks · pgup/pgdn scroll · esc notebook"
	}
	return "ctrl+l or f3 to ask"
}

// entry draws one question and its answer, or its progress.
func (m *Model) entry(e *entry, w int) []string {
	st := m.common.Styles
	lines := wrap(st.Bold.Render("› "+e.question), w)
	switch {
	case e.ans != nil:
		lines = append(lines, m.answer(e.ans, w)...)
	case e.cancelled:
		lines = append(lines, st.Warn.Render("cancelled; nothing ran"))
	case e.err != nil:
		lines = append(lines, wrap(st.Error.Render("✗ "+oneLine(e.err.Error())), w)...)
	default:
		el := m.now().Sub(e.start)
		spin := spinner.Frame(el)
		if text := e.stream.String(); text != "" {
			lines = append(lines, wrap(st.Muted.Render(strings.TrimRight(text, "\n")), w)...)
		}
		lines = append(lines, st.Accent.Render(spin)+st.Muted.Render(" answering… "+seconds(el)))
	}
	return lines
}

// answer draws an answer: plan, SQL, first rows, explanation, provider
// and usage, notes.
func (m *Model) answer(a *agent.Answer, w int) []string {
	st := m.common.Styles
	var lines []string
	if len(a.Plan) > 0 {
		lines = append(lines, st.Heading.Render("Plan"))
		for i, step := range a.Plan {
			lines = append(lines, wrap(fmt.Sprintf("%d. %s", i+1, step), w)...)
		}
	}
	lines = append(lines, st.Heading.Render("SQL"))
	for _, l := range highlight.Code(strings.TrimSpace(a.SQL), "sql", st) {
		lines = append(lines, ansi.Truncate(l, w, "…"))
	}
	switch {
	case a.Writes:
		lines = append(lines, wrap(st.Warn.Render("The query writes; it has not run. i inserts it as a cell for you to check and run."), w)...)
	case a.Result != nil:
		t, truncated := kernel.AnswerTable(a)
		n := pager.Rows(t.Total)
		if truncated {
			n = "more than " + n
		}
		lines = append(lines, st.Heading.Render("Result")+st.Muted.Render(" · "+n))
		grid := pager.Render(t, pager.NewLayout(t), pager.Window{Rows: previewRows, Width: w, SelRow: -1, SelCol: -1}, st)
		lines = append(lines, grid...)
		if t.Len() > previewRows {
			lines = append(lines, st.Muted.Render(fmt.Sprintf("… %d more rows held", t.Len()-previewRows)))
		}
	}
	if a.Explanation != "" {
		lines = append(lines, wrap(a.Explanation, w)...)
	}
	attempts := "1 attempt"
	if a.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", a.Attempts)
	}
	lines = append(lines, wrap(st.Muted.Render(a.Provider+" · "+attempts+" · "+a.Usage.String()), w)...)
	for _, n := range a.Notes {
		lines = append(lines, wrap(st.Warn.Render("note: "+oneLine(n)), w)...)
	}
	return lines
}

// wrap wraps s to w columns, keeping its styles.
func wrap(s string, w int) []string {
	return strings.Split(ansi.Wrap(s, max(w, 1), ""), "\n")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func seconds(d time.Duration) string { return fmt.Sprintf("%.1fs", d.Seconds()) }
