package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/components/chat"
	"github.com/floehq/floe/tui/components/diffview"
	"github.com/floehq/floe/tui/components/statusbar"
	"github.com/floehq/floe/tui/notebook"
	"github.com/floehq/floe/tui/spinner"
)

// Assistant is the data agent behind the kernel, as the workbench uses it:
// fixes for failed cells and a chat that keeps its conversation.
// *kernel.Session is one; a kernel without it has neither.
type Assistant interface {
	Fix(ctx context.Context, c *notebooks.Cell) (*kernel.Fix, error)
	Ask(ctx context.Context, question string, onToken func(string)) (*agent.Answer, error)
}

var _ Assistant = (*kernel.Session)(nil)

// assistUI is the workbench's side of the assistant: the fix overlay and
// the chat pane. Model output only ever becomes cell text the user
// accepts or inserts; nothing here runs a cell.
type assistUI struct {
	ctx    context.Context
	common component.Common
	a      Assistant // nil: the kernel has no assistant

	diff   *diffview.Model
	fixing *fixRequest // a fix being asked for

	chat        *chat.Model
	chatOpen    bool
	chatFocused bool
	chatRight   bool // the chat is right of the notebook, else below it
	chatW       int  // the chat's size, set by layout
	chatH       int
}

// fixRequest is a fix being asked for.
type fixRequest struct {
	cell   string
	start  time.Time
	cancel context.CancelFunc
}

// fixDoneMsg carries a fix, or why there is none.
type fixDoneMsg struct {
	req *fixRequest
	fix *kernel.Fix
	err error
}

// fixTickMsg redraws the spinner while a fix is asked for.
type fixTickMsg struct{ req *fixRequest }

func newAssistUI(ctx context.Context, c component.Common, k notebook.Kernel) *assistUI {
	u := &assistUI{ctx: ctx, common: c, diff: diffview.New(c)}
	if a, ok := k.(Assistant); ok {
		u.a = a
		u.chat = chat.New(ctx, c, a)
	}
	return u
}

// assistMsg handles the assistant's messages, and keys while the fix
// overlay or the chat has them. It reports whether msg was handled.
func (m *Model) assistMsg(msg tea.Msg) (tea.Cmd, bool) {
	u := m.assist
	if u == nil || u.a == nil {
		return nil, false
	}
	switch msg := msg.(type) {
	case fixDoneMsg:
		return m.fixDone(msg), true
	case fixTickMsg:
		if msg.req == u.fixing {
			return fixTick(msg.req), true
		}
		return nil, true
	case chat.InsertMsg:
		return m.insertAnswer(msg.Cells), true
	case chat.BlurMsg:
		m.focusChat(false)
		return nil, true
	case tea.PasteMsg:
		if u.chatFocused && m.dialog == dialogNone {
			return u.chat.Update(msg), true
		}
	case tea.KeyPressMsg:
		if m.dialog != dialogNone || m.showHelp {
			return nil, false
		}
		return m.assistKey(msg)
	}
	if chat.IsMsg(msg) {
		return u.chat.Update(msg), true
	}
	return nil, false
}

func (m *Model) assistKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	u, km := m.assist, m.common.KeyMap
	switch {
	case u.fixing != nil:
		// The pending box takes the keys: esc or ctrl+c cancels.
		if key.Matches(msg, km.Back) || key.Matches(msg, km.Cancel) {
			u.fixing.cancel()
			u.fixing = nil
			m.message, m.isError = "fix cancelled; the cell is unchanged", false
		}
		return nil, !key.Matches(msg, km.Quit)
	case u.diff.Fix() != nil:
		switch {
		case key.Matches(msg, km.Yes):
			return m.acceptFix(), true
		case key.Matches(msg, km.No), key.Matches(msg, km.Back):
			u.diff = diffview.New(m.common)
			m.message, m.isError = "fix rejected; the cell is unchanged", false
		case key.Matches(msg, km.Up):
			u.diff.Scroll(-1)
		case key.Matches(msg, km.Down):
			u.diff.Scroll(1)
		case key.Matches(msg, km.Quit):
			return nil, false
		}
		return nil, true
	case key.Matches(msg, km.Chat):
		m.message, m.isError = "", false
		return m.toggleChat(), true
	case u.chatFocused:
		switch {
		case key.Matches(msg, km.Cancel):
			if u.chat.Cancel() {
				m.message, m.isError = "cancelling the question…", false
				return nil, true
			}
		case key.Matches(msg, km.Quit), key.Matches(msg, km.Save), msg.String() == "f1":
		default:
			m.message, m.isError = "", false
			return u.chat.Update(msg), true
		}
		return nil, false
	case key.Matches(msg, km.FixWithAI) && m.focus == focusNotebook && !m.notebook.Editing():
		m.message, m.isError = "", false
		return m.startFix(), true
	}
	return nil, false
}

// startFix asks the assistant, in a command, to fix the cell under the
// cursor.
func (m *Model) startFix() tea.Cmd {
	u := m.assist
	c, ok := m.notebook.CurrentCell()
	if !ok {
		return nil
	}
	if c.Kind != notebooks.Code || c.Lang != notebooks.LangSQL && c.Lang != notebooks.LangGo {
		m.message, m.isError = "fix with AI works on SQL and Go cells", true
		return nil
	}
	if !failed(c) {
		m.message, m.isError = "this cell has not failed; F proposes a fix for a failed cell", true
		return nil
	}
	ctx, cancel := context.WithCancel(u.ctx)
	req := &fixRequest{cell: c.ID, start: m.common.Now(), cancel: cancel}
	u.fixing = req
	a := u.a
	return tea.Batch(func() tea.Msg {
		defer cancel()
		fx, err := a.Fix(ctx, &c)
		return fixDoneMsg{req: req, fix: fx, err: err}
	}, fixTick(req))
}

func fixTick(r *fixRequest) tea.Cmd {
	return tea.Tick(spinner.Every, func(time.Time) tea.Msg { return fixTickMsg{r} })
}

// failed reports whether a cell's outputs hold an error.
func failed(c notebooks.Cell) bool {
	for _, o := range c.Outputs {
		if o.Type == notebooks.OutputError {
			return true
		}
	}
	return false
}

func (m *Model) fixDone(msg fixDoneMsg) tea.Cmd {
	u := m.assist
	if msg.req != u.fixing {
		return nil // cancelled
	}
	u.fixing = nil
	switch {
	case errors.Is(msg.err, context.Canceled):
		m.message, m.isError = "fix cancelled; the cell is unchanged", false
	case msg.err != nil:
		m.message, m.isError = "fix with AI: "+strings.Join(strings.Fields(msg.err.Error()), " "), true
	case msg.fix.Source == msg.fix.Old:
		m.message, m.isError = "the agent proposes no change to the cell", true
	default:
		u.diff.SetFix(msg.fix, m.cellLabel(msg.fix.Cell))
		u.diff.SetSize(m.width, m.height)
	}
	return nil
}

// acceptFix replaces the cell's source with the fix, unless the cell
// changed while the fix was made. The cell does not run.
func (m *Model) acceptFix() tea.Cmd {
	u := m.assist
	fx := u.diff.Fix()
	u.diff = diffview.New(m.common)
	nb := m.notebook.Notebook()
	i := nb.Index(fx.Cell)
	switch {
	case i < 0:
		m.message, m.isError = "the fixed cell is gone; the fix was not applied", true
	case nb.Cells[i].Source != fx.Old:
		m.message, m.isError = m.cellLabel(fx.Cell)+" changed while the fix was made; press F again", true
	default:
		if err := m.notebook.ReplaceSource(fx.Cell, fx.Source); err != nil {
			m.message, m.isError = "fix: "+err.Error(), true
			return nil
		}
		m.message, m.isError = m.cellLabel(fx.Cell)+" replaced by the fix; ctrl+enter runs it", false
	}
	return nil
}

// toggleChat opens the chat and gives it the keyboard, gives it the
// keyboard if it is open, or closes it if it has it.
func (m *Model) toggleChat() tea.Cmd {
	u := m.assist
	switch {
	case !u.chatOpen:
		u.chatOpen = true
		m.layout()
		return m.focusChat(true)
	case !u.chatFocused:
		return m.focusChat(true)
	}
	u.chatOpen = false
	m.focusChat(false)
	m.layout()
	return nil
}

func (m *Model) focusChat(on bool) tea.Cmd {
	u := m.assist
	u.chatFocused = on && u.chatOpen
	if !u.chatFocused {
		u.chat.Blur()
		m.setFocus(m.focus)
		return nil
	}
	m.notebook.SetFocused(false)
	if m.catalog != nil {
		m.catalog.SetFocused(false)
	}
	return u.chat.Focus()
}

// insertAnswer inserts an answer's cells below the current cell and gives
// the notebook the keyboard; nothing runs.
func (m *Model) insertAnswer(cells []notebooks.Cell) tea.Cmd {
	if m.focus != focusNotebook {
		m.setFocus(focusNotebook)
	}
	if err := m.notebook.InsertCells(cells); err != nil {
		m.message, m.isError = "insert: "+err.Error(), true
		return nil
	}
	m.focusChat(false)
	m.message, m.isError = fmt.Sprintf("inserted %d cells below; ctrl+enter runs the SQL", len(cells)), false
	return nil
}

// layoutChat takes the chat's part of the area left of the catalog, w by
// h, and returns what is left for the notebook: the right side when the
// area is wide, else the bottom.
func (m *Model) layoutChat(w, h int) (int, int) {
	u := m.assist
	if u == nil || u.a == nil {
		return w, h
	}
	u.diff.SetSize(m.width, m.height)
	if !u.chatOpen {
		return w, h
	}
	if w >= 110 {
		u.chatRight = true
		u.chatW, u.chatH = min(max(w*2/5, 44), 64), h
		u.chat.SetSize(u.chatW, u.chatH)
		return w - u.chatW - 1, h
	}
	u.chatRight = false
	nbH := max(h*2/5, 3)
	u.chatW, u.chatH = w, max(h-nbH, 1)
	u.chat.SetSize(u.chatW, u.chatH)
	return w, h - u.chatH
}

// withChat adds the chat beside or below main, the notebook's view.
func (m *Model) withChat(main string, nbW int) string {
	u := m.assist
	if u == nil || u.a == nil || !u.chatOpen {
		return main
	}
	chatView := u.chat.View()
	if !u.chatRight {
		return main + "\n" + chatView
	}
	return sideBySide(main, chatView, nbW, 0, m.common.Styles.PanelRule.Render("│"))
}

// withFix draws the fix overlay, or the box of a fix being asked for.
func (m *Model) withFix(screen string) string {
	u := m.assist
	if u == nil || u.a == nil {
		return screen
	}
	switch {
	case u.fixing != nil:
		el := m.common.Now().Sub(u.fixing.start)
		spin := spinner.Frame(el)
		return overlay(screen, diffview.Pending(m.common, m.cellLabel(u.fixing.cell), notebook.Duration(el), spin), m.width, m.height)
	case u.diff.Fix() != nil:
		return overlay(screen, u.diff.View(), m.width, m.height)
	}
	return screen
}

// assistStatus shows in the status bar that the chat has the keyboard.
func (m *Model) assistStatus(s *statusbar.State) {
	if u := m.assist; u != nil && u.chatFocused {
		s.Mode = "CHAT"
	}
}

// cellLabel is what users call the cell with the given id: "cell 3", or
// its name.
func (m *Model) cellLabel(id string) string {
	nb := m.notebook.Notebook()
	if l := kernel.CellLabel(nb, nb.Index(id)); l != "" {
		return l
	}
	return "the cell"
}

// notebookWidth is the width the notebook draws at: the screen less the
// catalog and the chat when shown beside it.
func (m *Model) notebookWidth() int {
	w := m.width
	if m.catalogShown() {
		w -= m.catalogWidth() + 1
	}
	if u := m.assist; u != nil && u.a != nil && u.chatOpen && u.chatRight {
		w -= u.chatW + 1
	}
	return w
}
