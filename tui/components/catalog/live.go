package catalog

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/floehq/floe/kernel"
)

// Watcher is a Source that can say cheaply what the catalog holds now:
// its namespaces and each table's metadata file, read in one query of the
// catalog database. The tree polls it to refresh what another process
// committed; *kernel.Session has it.
type Watcher interface {
	LakeState(ctx context.Context) (kernel.LakeState, error)
}

// DefaultPollEvery is how often the tree polls a Watcher while idle.
const DefaultPollEvery = 2 * time.Second

// pollMsg is the poll timer's tick.
type pollMsg struct{ m *Model }

// stateMsg carries a state read by a poll.
type stateMsg struct {
	m   *Model
	st  kernel.LakeState
	err error
}

// pollTick schedules the next poll; nothing for a source that cannot be
// watched.
func (m *Model) pollTick() tea.Cmd {
	if _, ok := m.src.(Watcher); !ok {
		return nil
	}
	every := m.PollEvery
	if every <= 0 {
		every = DefaultPollEvery
	}
	return tea.Tick(every, func(time.Time) tea.Msg { return pollMsg{m} })
}

// Poll reads the catalog's state now and refreshes what moved since the
// last read, as after an edit the tree was not told about. The read runs in
// the command, never in Update.
func (m *Model) Poll() tea.Cmd {
	w, ok := m.src.(Watcher)
	if !ok || m.polling {
		return nil
	}
	m.polling = true
	ctx := m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		st, err := w.LakeState(ctx)
		return stateMsg{m, st, err}
	}
}

// Changed refreshes what changes name, as a cell's result reports them
// (kernel.Result.Changed), and remembers them so the next poll does not
// find them again.
func (m *Model) Changed(changes []kernel.LakeChange) tea.Cmd {
	if len(changes) == 0 {
		return nil
	}
	m.state = m.state.Apply(changes)
	return m.refresh(changes)
}

// live handles the poll's messages; ok is false for other messages.
func (m *Model) live(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case pollMsg:
		if msg.m != m {
			return nil, true
		}
		next := m.pollTick()
		if m.Idle != nil && !m.Idle() {
			// A running cell reports its own changes when it ends.
			return next, true
		}
		return tea.Batch(next, m.Poll()), true
	case stateMsg:
		if msg.m != m {
			return nil, true
		}
		m.polling = false
		if msg.err != nil {
			return nil, true // the next poll tries again
		}
		old := m.state
		m.state = msg.st
		return m.refresh(msg.st.Diff(old)), true
	}
	return nil, false
}

// refresh reloads the parts of the tree that changes touch: the namespace
// list when a namespace came or went, a namespace's tables when one of its
// tables came or went, a table's columns and figures when it committed.
// Parts never loaded are left for when they are expanded.
func (m *Model) refresh(changes []kernel.LakeChange) tea.Cmd {
	if len(changes) == 0 {
		return nil
	}
	nodes := map[string]*namespace{}
	for _, n := range m.nss {
		nodes[n.name] = n
	}
	var cmds []tea.Cmd
	listNamespaces := false
	tablesOf := map[string]bool{}
	for _, c := range changes {
		n := nodes[c.Namespace]
		switch {
		case c.Name == "" || n == nil:
			listNamespaces = true
		case c.Kind == kernel.Created || c.Kind == kernel.Dropped:
			if n.loaded {
				tablesOf[c.Namespace] = true
			}
		}
		if c.Name == "" || n == nil || c.Kind == kernel.Dropped {
			continue
		}
		for _, t := range n.tables {
			if t.name == c.Name && t.loaded {
				cmds = append(cmds, m.loadColumns(c.Namespace, c.Name))
			}
		}
	}
	if listNamespaces {
		// The new listing reloads the tables of every expanded namespace.
		cmds = append(cmds, m.loadNamespaces())
	} else {
		for ns := range tablesOf {
			cmds = append(cmds, m.loadTables(ns))
		}
	}
	return tea.Batch(cmds...)
}
