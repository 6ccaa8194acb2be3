package kernel

import (
	"context"
	"fmt"
	"strings"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/notebooks"
)

// KindAsk is the ename of an ask cell the agent could not answer.
const KindAsk = "AskError"

// runAsk answers an ask cell with the data agent: the plan, the generated
// SQL and the explanation are shown as Markdown, then the SQL runs as if it
// were the cell's own SQL (so a named ask cell is a named result, and assert
// and rows= apply). The model's output is data: only read-only SQL runs.
// Earlier questions in the notebook are the context of follow-ups.
func (s *Session) runAsk(ctx context.Context, c *notebooks.Cell) error {
	ans, err := s.assist.answerCell(ctx, c.Source)
	if err != nil {
		return &CellError{Kind: KindAsk, Err: err}
	}
	var b strings.Builder
	attempts := "1 attempt"
	if ans.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", ans.Attempts)
	}
	fmt.Fprintf(&b, "*Answered by %s (%s).*\n\n", ans.Provider, attempts)
	if len(ans.Plan) > 0 {
		b.WriteString("**Plan**\n\n")
		for i, step := range ans.Plan {
			fmt.Fprintf(&b, "%d. %s\n", i+1, step)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "```sql\n%s\n```\n", strings.TrimSpace(ans.SQL))
	if ans.Explanation != "" {
		b.WriteString("\n" + ans.Explanation + "\n")
	}
	for _, n := range ans.Notes {
		b.WriteString("\n> " + n + "\n")
	}
	s.emit(Output{Kind: OutputMarkdown, Text: b.String()})
	if ans.Writes {
		return &CellError{Kind: KindAsk, Err: fmt.Errorf("the answer writes to the warehouse; copy the SQL into a sql cell to run it")}
	}
	// The agent ran the query on its confined session, where the guard
	// passed it and DuckDB could open no file outside the warehouse. It
	// runs again here as the cell's own SQL, so that names, assert and
	// rows= apply; the guard checks it once more on the way.
	if err := agent.CheckReadOnly(ctx, ans.SQL); err != nil {
		return &CellError{Kind: KindAsk, Err: err}
	}
	sqlCell := *c
	sqlCell.Lang = notebooks.LangSQL
	sqlCell.Source = ans.SQL
	return s.runSQL(ctx, &sqlCell)
}

// answerCell answers an ask cell's question with the agent of ask cells,
// made on first use from the environment (FLOE_LLM ...); the notebook's
// earlier questions are its context. Ask cells run one at a time, as all
// cells do.
func (a *assistant) answerCell(ctx context.Context, question string) (*agent.Answer, error) {
	if a.cells == nil {
		a.cells = agent.New(agent.ConfigFromEnv(), agentCatalog{a})
	}
	ans, err := a.cells.Ask(ctx, question, a.cellHistory)
	if err != nil {
		return nil, err
	}
	a.cellHistory = append(a.cellHistory, ans.Turn())
	return ans, nil
}
