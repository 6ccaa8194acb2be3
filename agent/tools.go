package agent

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tmc/langchaingo/llms"

	"github.com/floehq/floe/agent/schema"
)

// Tool output limits: what a tool shows the model.
const (
	toolRows  = 20
	toolChars = 4000
)

func objectSchema(props map[string]any, required ...string) map[string]any {
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

func integer(desc string) map[string]any {
	return map[string]any{"type": "integer", "description": desc}
}

// toolDefs are the tools the model may call. All of them only read.
var toolDefs = []llms.Tool{
	{Type: "function", Function: &llms.FunctionDefinition{
		Name:        "list_tables",
		Description: "List the catalog's tables with row counts, best matches for the words in filter first.",
		Parameters:  objectSchema(map[string]any{"filter": str("words to rank tables by (optional)")}),
	}},
	{Type: "function", Function: &llms.FunctionDefinition{
		Name:        "describe_table",
		Description: "Show a table's columns with their types, comments, and values or ranges.",
		Parameters:  objectSchema(map[string]any{"table": str("full table name, such as lake.samples.customers")}, "table"),
	}},
	{Type: "function", Function: &llms.FunctionDefinition{
		Name:        "sample_rows",
		Description: "Show a few rows of a table.",
		Parameters: objectSchema(map[string]any{"table": str("full table name"),
			"limit": integer("rows to show, at most 20")}, "table"),
	}},
	{Type: "function", Function: &llms.FunctionDefinition{
		Name:        "distinct_values",
		Description: "Show the most frequent distinct values of a column with their counts.",
		Parameters: objectSchema(map[string]any{"table": str("full table name"), "column": str("column name"),
			"limit": integer("values to show, at most 50")}, "table", "column"),
	}},
	{Type: "function", Function: &llms.FunctionDefinition{
		Name:        "run_query",
		Description: "Run a read-only DuckDB SELECT query and show the first 20 rows, or the error.",
		Parameters:  objectSchema(map[string]any{"sql": str("one SELECT statement")}, "sql"),
	}},
}

// runTool runs one tool call and returns its output for the model. Errors
// are output too: the model reads them and tries again.
func (s *conversation) runTool(ctx context.Context, call llms.ToolCall) string {
	var args struct {
		Filter string `json:"filter"`
		Table  string `json:"table"`
		Column string `json:"column"`
		Limit  int    `json:"limit"`
		SQL    string `json:"sql"`
	}
	if a := strings.TrimSpace(call.FunctionCall.Arguments); a != "" {
		if err := json.Unmarshal([]byte(a), &args); err != nil {
			return "error: the arguments are not a JSON object: " + err.Error()
		}
	}
	out := s.tool(ctx, call.FunctionCall.Name, args.Filter, args.Table, args.Column, args.Limit, args.SQL)
	if len(out) > toolChars {
		out = out[:toolChars] + "\n... (cut)"
	}
	// Tool output is data; a value that reads like an instruction is still
	// only a value.
	return out
}

func (s *conversation) tool(ctx context.Context, name, filter, table, column string, limit int, sql string) string {
	a := s.a
	findTable := func() (Table, string) {
		for _, t := range s.tables {
			if strings.EqualFold(t.Name, table) || strings.EqualFold(t.ShortName(), table) ||
				strings.EqualFold(strings.TrimPrefix(t.Name, "lake."), table) {
				return t, ""
			}
		}
		return Table{}, fmt.Sprintf("error: no table %q; list_tables shows the tables", table)
	}
	switch name {
	case "list_tables":
		ranked := schema.Rank(filter, s.tables, a.cachedProfiles(s.tables))
		var b strings.Builder
		for i, m := range ranked {
			if i == 100 {
				fmt.Fprintf(&b, "... %d more\n", len(ranked)-i)
				break
			}
			b.WriteString(m.Table.Name)
			if m.Table.Rows >= 0 {
				fmt.Fprintf(&b, " (%d rows)", m.Table.Rows)
			}
			if m.Table.Comment != "" {
				b.WriteString(": " + m.Table.Comment)
			}
			b.WriteString("\n")
		}
		return b.String()
	case "describe_table":
		t, msg := findTable()
		if msg != "" {
			return msg
		}
		p, err := a.profile(ctx, t)
		if err != nil {
			p = nil
		}
		var b strings.Builder
		schema.Describe(&b, t, p, nil)
		return b.String()
	case "sample_rows":
		t, msg := findTable()
		if msg != "" {
			return msg
		}
		limit = clamp(limit, 5, toolRows)
		return s.query(ctx, fmt.Sprintf("SELECT * FROM %s LIMIT %d", schema.QuoteName(t.Name), limit), limit)
	case "distinct_values":
		t, msg := findTable()
		if msg != "" {
			return msg
		}
		c, ok := t.Column(column)
		if !ok {
			return fmt.Sprintf("error: %s has no column %q", t.Name, column)
		}
		limit = clamp(limit, 20, 50)
		return s.query(ctx, fmt.Sprintf("SELECT %[1]s, count(*) AS n FROM %[2]s GROUP BY %[1]s ORDER BY n DESC, %[1]s LIMIT %[3]d",
			schema.QuoteIdent(c.Name), schema.QuoteName(t.Name), limit), limit)
	case "run_query":
		if err := CheckReadOnly(ctx, sql); err != nil {
			return "error: " + err.Error()
		}
		return s.query(ctx, sql, toolRows)
	}
	return fmt.Sprintf("error: no tool %q; the tools are list_tables, describe_table, sample_rows, distinct_values and run_query", name)
}

func clamp(n, def, hi int) int {
	if n <= 0 {
		return def
	}
	return min(n, hi)
}

// query runs read-only SQL for a tool and renders the rows as CSV.
func (s *conversation) query(ctx context.Context, sql string, limit int) string {
	t0 := time.Now()
	res, err := s.a.cat.Query(ctx, sql, limit)
	s.tm.Query += time.Since(t0)
	if err != nil {
		return "error: " + err.Error()
	}
	return renderResult(res)
}

// renderResult renders rows as CSV for the model.
func renderResult(res *Result) string {
	var b strings.Builder
	b.WriteString(strings.Join(res.Columns, ",") + "\n")
	for _, r := range res.Rows {
		for i, v := range r {
			if i > 0 {
				b.WriteString(",")
			}
			s := schema.Render(v)
			if strings.ContainsAny(s, ",\"\n") {
				s = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
			}
			b.WriteString(s)
		}
		b.WriteString("\n")
	}
	switch {
	case res.Truncated:
		b.WriteString("(more rows not shown)\n")
	case len(res.Rows) == 0:
		b.WriteString("(no rows)\n")
	}
	return b.String()
}
