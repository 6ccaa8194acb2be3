package agent

import (
	"encoding/json"
	"regexp"
	"strings"
)

// fence matches a fenced code block: its info string and its body.
var fence = regexp.MustCompile("(?s)```([^\\n`]*)\\n(.*?)```")

// final is what the agent reads from a model's final text answer. The text
// is data: the SQL in it goes through the read-only guard, the chart is a
// spec, and nothing else is acted on.
type final struct {
	sql         string
	blocks      int // fenced SQL blocks found
	plan        []string
	explanation string
	chart       *Chart
}

// parseFinal reads a plain answer: one fenced sql block (or an unlabelled
// block that reads as SQL), an optional ```chart block with a JSON spec,
// and prose: list items before the SQL are the plan, the rest the
// explanation.
func parseFinal(text string) final {
	var f final
	matches := fence.FindAllStringSubmatchIndex(text, -1)
	var prose []string
	pos := 0
	for _, m := range matches {
		prose = append(prose, text[pos:m[0]])
		pos = m[1]
		info := strings.ToLower(strings.TrimSpace(text[m[2]:m[3]]))
		body := strings.TrimSpace(text[m[4]:m[5]])
		lang := strings.Fields(info + " x")[0]
		switch {
		case lang == "sql" || lang == "duckdb" || lang == "postgresql" || lang == "x" && looksLikeSQL(body):
			f.blocks++
			f.sql = strings.TrimSpace(strings.TrimSuffix(body, ";"))
		case lang == "chart" || lang == "json" && strings.Contains(body, `"kind"`):
			var c Chart
			if json.Unmarshal([]byte(body), &c) == nil && c.Kind != "" && c.X != "" {
				f.chart = &c
			}
		}
	}
	prose = append(prose, text[pos:])
	var expl []string
	for _, p := range prose {
		for _, line := range strings.Split(p, "\n") {
			l := strings.TrimSpace(line)
			if l == "" {
				continue
			}
			if item, ok := listItem(l); ok {
				f.plan = append(f.plan, item)
				continue
			}
			low := strings.ToLower(strings.TrimSuffix(l, ":"))
			if low == "plan" || low == "sql" || low == "query" || low == "explanation" {
				continue
			}
			expl = append(expl, strings.TrimPrefix(strings.TrimPrefix(l, "Explanation:"), "explanation:"))
		}
	}
	f.explanation = strings.TrimSpace(strings.Join(expl, " "))
	return f
}

func looksLikeSQL(s string) bool {
	w := strings.ToUpper(strings.Fields(s + " x")[0])
	return readVerbs[w] || writeVerbs[w] || otherVerbs[w] != ""
}

// readVerbs start the statements a query can begin with.
var readVerbs = wordSet(`SELECT WITH FROM VALUES TABLE DESCRIBE SHOW SUMMARIZE`)

// listItem strips a list marker: "- x", "* x", "1. x", "2) x".
func listItem(l string) (string, bool) {
	switch {
	case strings.HasPrefix(l, "- "), strings.HasPrefix(l, "* "), strings.HasPrefix(l, "• "):
		return strings.TrimSpace(l[2:]), true
	}
	i := 0
	for i < len(l) && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i > 0 && i+1 < len(l) && (l[i] == '.' || l[i] == ')') && l[i+1] == ' ' {
		return strings.TrimSpace(l[i+2:]), true
	}
	return "", false
}
