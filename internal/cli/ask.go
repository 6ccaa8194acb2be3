package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/kernel"
)

func newAskCmd(g *globals) *cobra.Command {
	var (
		format      string
		explain     bool
		allowWrites bool
	)
	cmd := &cobra.Command{
		Use:   "ask [flags] \"QUESTION\"",
		Short: "Answer a question in plain words with SQL",
		Long: `Answer a question about the warehouse's tables: the data agent writes one
read-only SQL query, runs it and prints the result like floe sql. The plan,
the SQL and an explanation go to standard error, or to standard output with
--explain. With "-" or no argument the question is read from standard input.

The agent asks a language model chosen by FLOE_LLM (openai, ollama,
anthropic or offline; default offline) and FLOE_LLM_MODEL, with
OPENAI_BASE_URL and OPENAI_API_KEY, OLLAMA_HOST, or ANTHROPIC_API_KEY. With
no model, or when the model is unreachable or fails, the offline planner
answers and says so. Statements that write are refused unless
--allow-writes is given; queries that read files, settings or anything
else outside the lake's tables are always refused, and the agent's queries
run where DuckDB itself can open no file outside the warehouse.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := parseFormat(format)
			if err != nil {
				return err
			}
			question := ""
			if len(args) == 1 && args[0] != "-" {
				question = args[0]
			} else {
				b, err := io.ReadAll(g.stdin)
				if err != nil {
					return fmt.Errorf("read the question from standard input: %w", err)
				}
				question = string(b)
			}
			if strings.TrimSpace(question) == "" {
				return errors.New("no question given: floe ask \"how many customers churned?\"")
			}
			ctx := cmd.Context()
			// The agent's queries, and the answer's when it only reads,
			// run on the kernel's confined session: DuckDB there can open
			// no file outside the warehouse, whatever SQL gets past the
			// agent's guard.
			sess, closeAll, err := g.openKernel(ctx, kernel.Options{})
			if err != nil {
				return err
			}
			defer closeAll()
			ans, err := sess.AskOnce(ctx, question, allowWrites)
			if err != nil {
				return err
			}
			info := g.stderr
			if explain {
				info = g.stdout
			}
			writeAnswer(info, ans)
			// The agent ran the query to check it (or, when it writes, left
			// it to us); run it here to print it exactly as floe sql does.
			// A write the user allowed runs on the session's own connection.
			rows, err := sess.AnswerRows(ctx, ans)
			if err != nil {
				return err
			}
			defer rows.Close()
			return writeRows(g.stdout, rows.Rows, f)
		},
	}
	cmd.Flags().StringVar(&format, "format", "table", "output format: table, csv or json")
	cmd.Flags().BoolVar(&explain, "explain", false, "print the plan, SQL and explanation on standard output")
	cmd.Flags().BoolVar(&allowWrites, "allow-writes", false, "let the answer's SQL change data (refused otherwise)")
	return cmd
}

// writeAnswer prints who answered, the plan, the SQL and the explanation as
// SQL comments around the query.
func writeAnswer(w io.Writer, a *agent.Answer) {
	var b strings.Builder
	attempts := "1 attempt"
	if a.Attempts != 1 {
		attempts = fmt.Sprintf("%d attempts", a.Attempts)
	}
	fmt.Fprintf(&b, "-- answered by %s (%s)\n", a.Provider, attempts)
	for _, n := range a.Notes {
		fmt.Fprintf(&b, "-- note: %s\n", oneLine(n))
	}
	if len(a.Plan) > 0 {
		b.WriteString("-- plan:\n")
		for i, s := range a.Plan {
			fmt.Fprintf(&b, "--   %d. %s\n", i+1, oneLine(s))
		}
	}
	if a.Explanation != "" {
		fmt.Fprintf(&b, "-- %s\n", oneLine(a.Explanation))
	}
	b.WriteString(strings.TrimSpace(a.SQL) + ";\n")
	if a.Usage.Calls > 0 {
		fmt.Fprintf(&b, "-- usage: %s\n", a.Usage)
	}
	io.WriteString(w, b.String())
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
