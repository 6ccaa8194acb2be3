// Package agent turns questions in plain words into a plan and read-only
// SQL over the lake catalog, answered by a language model through
// langchaingo (OpenAI-compatible servers, Ollama, Anthropic) or, with no
// model or none reachable, by the deterministic offline planner
// (package agent/offline). It also proposes fixes for failing notebook
// cells. The agent talks to the SQL layer only through the Catalog
// interface, which package agent/lake implements over a lakesql session; it
// does not import the engine. Model output is data, never code the agent
// runs: SQL goes through a read-only guard first (CheckReadOnly, decided on
// DuckDB's parse tree against the reviewed function list in allowfuncs.txt),
// charts are declarative specs and Go source is only handed back as a proposed cell.
// Give the agent a session opened with lakesql.Confined, where DuckDB
// itself cannot open a file outside the warehouse.
//
// Use:
//
//	sess, err := lakesql.Open(ctx, wh, lakesql.Confined())
//	a := agent.New(agent.ConfigFromEnv(), lake.NewCatalog(sess))
//	ans, err := a.Ask(ctx, "churn rate by contract", nil)
//	// ans.SQL, ans.Plan, ans.Explanation, ans.Result, ans.Provider, ans.Usage
//	next, err := a.Ask(ctx, "now only for fiber optic customers", []agent.Turn{ans.Turn()})
//	fix, err := a.FixCell(ctx, cellSource, "sql", errText) // fix.Source is a proposal
package agent
