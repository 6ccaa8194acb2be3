package chat

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
	"github.com/floehq/floe/tui/component"
	"github.com/floehq/floe/tui/spinner"
)

// Asker answers questions in plain words; *kernel.Session is one. It keeps
// the conversation, so follow-ups have the earlier questions as context,
// and passes the model's text to onToken as it streams in.
type Asker interface {
	Ask(ctx context.Context, question string, onToken func(string)) (*agent.Answer, error)
}

// InsertMsg asks the workbench to insert cells below the notebook's
// current cell, without running them.
type InsertMsg struct{ Cells []notebooks.Cell }

// BlurMsg asks the workbench to give the keyboard back to the notebook.
type BlurMsg struct{}

// tokenMsg carries streamed text of a request.
type tokenMsg struct {
	req  *request
	text string
}

// answerMsg carries a request's answer or error.
type answerMsg struct {
	req *request
	ans *agent.Answer
	err error
}

// tickMsg redraws the spinner of a request.
type tickMsg struct{ req *request }

// IsMsg reports whether msg is one of the chat's own messages, which the
// workbench passes to Update.
func IsMsg(msg tea.Msg) bool {
	switch msg.(type) {
	case tokenMsg, answerMsg, tickMsg:
		return true
	}
	return false
}

// request is a question being answered.
type request struct {
	entry  *entry
	cancel context.CancelFunc

	mu     sync.Mutex // guards closed; held while sending a token
	closed bool
	tokens chan string
}

// entry is one question of the conversation and what became of it.
type entry struct {
	question  string
	start     time.Time
	stream    strings.Builder
	ans       *agent.Answer
	err       error
	cancelled bool // the user cancelled it
	done      bool
}

// The compiler checks that Model is a screen component.
var _ component.Component = (*Model)(nil)

// Model is the chat pane.
type Model struct {
	common        component.Common
	ctx           context.Context
	asker         Asker
	width, height int
	focused       bool
	input         textinput.Model
	entries       []*entry
	req           *request // the request being answered, or nil
	// review is set after an answer: the input is blurred and i inserts
	// the answer's cells; enter or typing goes back to the input.
	review bool
	scroll int // lines scrolled up from the bottom
	// anchor asks the next View to scroll to the top of the latest entry,
	// so that a long answer shows from its question down.
	anchor bool
}

// New returns the chat pane; questions go to a under ctx.
func New(ctx context.Context, c component.Common, a Asker) *Model {
	in := textinput.New()
	in.Prompt = "› "
	in.Placeholder = "ask about the data, e.g. churn rate by contract"
	return &Model{common: c, ctx: ctx, asker: a, input: in}
}

// Init does nothing: the chat waits for a question.
func (m *Model) Init() tea.Cmd { return nil }

// SetSize sets the size of the pane.
func (m *Model) SetSize(width, height int) {
	m.width, m.height = width, height
	m.input.SetWidth(max(width-3, 4))
}

// Focus gives the chat the keyboard.
func (m *Model) Focus() tea.Cmd {
	m.focused = true
	if m.review {
		return nil
	}
	return m.input.Focus()
}

// Blur takes the keyboard away.
func (m *Model) Blur() {
	m.focused = false
	m.input.Blur()
}

// Focused reports whether the chat has the keyboard.
func (m *Model) Focused() bool { return m.focused }

// Busy reports whether a question is being answered.
func (m *Model) Busy() bool { return m.req != nil }

// Cancel cancels the question being answered; it reports whether one was.
func (m *Model) Cancel() bool {
	if m.req == nil {
		return false
	}
	m.req.entry.cancelled = true
	m.req.cancel()
	return true
}

// Last returns the latest answer, or nil.
func (m *Model) Last() *agent.Answer {
	for i := len(m.entries) - 1; i >= 0; i-- {
		if a := m.entries[i].ans; a != nil {
			return a
		}
	}
	return nil
}

// Ask puts a question to the agent in a command; the answer and the
// streamed text come back as messages.
func (m *Model) Ask(question string) tea.Cmd {
	question = strings.TrimSpace(question)
	if question == "" {
		return nil
	}
	if m.req != nil {
		return nil
	}
	ctx, cancel := context.WithCancel(m.ctx)
	e := &entry{question: question, start: m.now()}
	r := &request{entry: e, cancel: cancel, tokens: make(chan string, 64)}
	m.entries = append(m.entries, e)
	m.req, m.scroll = r, 0
	asker := m.asker
	ask := func() tea.Msg {
		defer cancel()
		ans, err := asker.Ask(ctx, question, r.send(ctx))
		r.mu.Lock()
		r.closed = true
		close(r.tokens)
		r.mu.Unlock()
		return answerMsg{req: r, ans: ans, err: err}
	}
	return tea.Batch(ask, r.next, m.tick(r))
}

// send returns the token callback of r: it hands each chunk to the UI,
// waiting while the UI catches up, until the request ends.
func (r *request) send(ctx context.Context) func(string) {
	return func(s string) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.closed {
			return
		}
		select {
		case r.tokens <- s:
		case <-ctx.Done():
		}
	}
}

// next waits for streamed text and returns all that has arrived as one
// message; nil once the request is over.
func (r *request) next() tea.Msg {
	s, ok := <-r.tokens
	if !ok {
		return nil
	}
	var b strings.Builder
	b.WriteString(s)
	for {
		select {
		case more, ok := <-r.tokens:
			if !ok {
				return tokenMsg{req: r, text: b.String()}
			}
			b.WriteString(more)
		default:
			return tokenMsg{req: r, text: b.String()}
		}
	}
}

func (m *Model) tick(r *request) tea.Cmd {
	return tea.Tick(spinner.Every, func(time.Time) tea.Msg { return tickMsg{r} })
}

// Update handles keys while the chat has the keyboard, and its requests'
// messages.
func (m *Model) Update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tokenMsg:
		msg.req.entry.stream.WriteString(msg.text)
		return msg.req.next
	case tickMsg:
		if msg.req == m.req {
			return m.tick(msg.req)
		}
		return nil
	case answerMsg:
		e := msg.req.entry
		e.done, e.ans = true, msg.ans
		if msg.err != nil {
			e.ans = nil
			if !e.cancelled || !errors.Is(msg.err, context.Canceled) {
				e.cancelled = false
				e.err = msg.err
			}
		}
		if msg.req == m.req {
			m.req = nil
		}
		m.anchor = e == m.entries[len(m.entries)-1]
		if e.ans != nil && m.input.Value() == "" {
			m.review = true
			m.input.Blur()
		}
		return nil
	case tea.PasteMsg:
		if !m.focused {
			return nil
		}
		m.review = false
		cmd := m.input.Focus()
		var c2 tea.Cmd
		m.input, c2 = m.input.Update(msg)
		return tea.Batch(cmd, c2)
	case tea.KeyPressMsg:
		if !m.focused {
			return nil
		}
		return m.key(msg)
	}
	if m.focused && !m.review {
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return cmd
	}
	return nil
}

func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	km := m.common.KeyMap
	switch {
	case key.Matches(msg, km.Back):
		return func() tea.Msg { return BlurMsg{} }
	case msg.String() == "pgup":
		m.scroll += max(m.bodyRows()-1, 1)
		return nil
	case msg.String() == "pgdown":
		m.scroll = max(m.scroll-max(m.bodyRows()-1, 1), 0)
		return nil
	case msg.String() == "up":
		m.scroll++
		return nil
	case msg.String() == "down":
		m.scroll = max(m.scroll-1, 0)
		return nil
	}
	if m.review {
		switch {
		case key.Matches(msg, km.InsertAnswer):
			a := m.Last()
			if a == nil {
				return nil
			}
			cells := kernel.AnswerCells(a)
			return func() tea.Msg { return InsertMsg{Cells: cells} }
		case msg.String() == "enter":
			m.review = false
			return m.input.Focus()
		case msg.Text == "":
			return nil
		}
		// Typing starts a follow-up.
		m.review = false
		cmd := m.input.Focus()
		var c2 tea.Cmd
		m.input, c2 = m.input.Update(msg)
		return tea.Batch(cmd, c2)
	}
	if msg.String() == "enter" {
		if m.req != nil {
			return nil // one question at a time; ctrl+c cancels
		}
		q := m.input.Value()
		if strings.TrimSpace(q) == "" {
			return nil
		}
		m.input.SetValue("")
		return m.Ask(q)
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return cmd
}

// ShortHelp lists the chat's main keys.
func (m *Model) ShortHelp() []key.Binding {
	km := m.common.KeyMap
	return []key.Binding{km.InsertAnswer, km.Back, km.Chat}
}

// FullHelp lists every chat key.
func (m *Model) FullHelp() [][]key.Binding {
	km := m.common.KeyMap
	return [][]key.Binding{{km.Chat, km.InsertAnswer, km.Cancel, km.Back}}
}

func (m *Model) now() time.Time {
	if m.common.Now != nil {
		return m.common.Now()
	}
	return time.Now()
}

// Reset starts a new conversation: the pane forgets the questions it shows
// and the assistant, if it keeps one, its context. It does nothing while a
// question is being answered.
func (m *Model) Reset() tea.Cmd {
	if m.req != nil {
		return nil
	}
	m.entries, m.review, m.scroll = nil, false, 0
	if r, ok := m.asker.(interface{ ResetChat() }); ok {
		// ResetChat waits for a running cell: not in Update.
		return func() tea.Msg { r.ResetChat(); return nil }
	}
	return nil
}
