package kernel

import (
	"errors"
	"fmt"
	"go/scanner"
	"go/token"
	"slices"
	"strconv"
	"strings"

	"github.com/floehq/floe/engine/lakesql"
	"github.com/floehq/floe/internal/sqltext"
	"github.com/floehq/floe/notebooks"
)

// ErrNoSuchCell is returned when a run selects a cell the notebook does not
// have.
var ErrNoSuchCell = errors.New("no such cell")

// Graph says which cells of a notebook read which earlier cells' results.
// It is found by scanning the cells' text, not by running them:
//
//   - a named SQL cell provides its name; a SQL cell provides the tables,
//     views and macros it creates without a schema, and the variables it sets;
//   - a SQL cell reads every unqualified identifier in its text, and the
//     variables it passes to getvariable('...');
//   - a Go cell provides the names it declares at top level and the names
//     it registers with floe.Register("name", ...); a named Go cell also
//     provides its name;
//   - a Go cell reads its identifiers, the names in floe.Result("..."),
//     the identifiers inside its string literals (SQL it passes to
//     floe.SQL) and the parameters in floe.Param("...");
//   - depends=a,b adds explicit edges.
//
// A cell depends on the latest earlier cell that provides something it
// reads. Every cell depends on the parameters cell.
type Graph struct {
	// Needs lists, for each cell, the cells it reads from directly, in
	// order.
	Needs [][]int
}

// Dependencies scans the notebook's code cells into a Graph.
func Dependencies(nb *notebooks.Notebook) *Graph {
	g := &Graph{Needs: make([][]int, len(nb.Cells))}
	provider := map[string]int{} // key -> latest cell providing it
	named := map[string]int{}
	params := -1
	for i := range nb.Cells {
		c := &nb.Cells[i]
		if c.Kind != notebooks.Code {
			continue
		}
		provides, reads := scanCell(c)
		var needs []int
		add := func(j int) {
			if j != i && !slices.Contains(needs, j) {
				needs = append(needs, j)
			}
		}
		if params >= 0 {
			add(params)
		}
		for _, k := range reads {
			if j, ok := provider[k]; ok {
				add(j)
			}
		}
		for _, d := range c.Options.Depends {
			if j, ok := named[d]; ok {
				add(j)
			}
		}
		slices.Sort(needs)
		g.Needs[i] = needs
		for _, k := range provides {
			provider[k] = i
		}
		if c.Options.Name != "" {
			named[c.Options.Name] = i
		}
		if c.Options.Parameters {
			params = i
		}
	}
	return g
}

// Closure returns which cells run when the given ones are wanted: those
// cells and, transitively, every cell they need.
func (g *Graph) Closure(want []int) []bool {
	in := make([]bool, len(g.Needs))
	var visit func(i int)
	visit = func(i int) {
		if in[i] {
			return
		}
		in[i] = true
		for _, j := range g.Needs[i] {
			visit(j)
		}
	}
	for _, i := range want {
		visit(i)
	}
	return in
}

// Dependents returns the cells that need cell i, directly or not, in
// order: the cells that are stale when cell i changes.
func (g *Graph) Dependents(i int) []int {
	hit := make([]bool, len(g.Needs))
	hit[i] = true
	var out []int
	for j := i + 1; j < len(g.Needs); j++ {
		for _, k := range g.Needs[j] {
			if hit[k] {
				hit[j] = true
				out = append(out, j)
				break
			}
		}
	}
	return out
}

// Select returns the cells a run of the named cells (names or ids) covers.
func (g *Graph) Select(nb *notebooks.Notebook, names []string) ([]bool, error) {
	var want []int
	for _, n := range names {
		i := slices.IndexFunc(nb.Cells, func(c notebooks.Cell) bool {
			return c.Kind == notebooks.Code && (c.Options.Name == n || c.ID == n)
		})
		if i < 0 {
			var known []string
			for _, c := range nb.Cells {
				if c.Kind == notebooks.Code && c.Options.Name != "" {
					known = append(known, c.Options.Name)
				}
			}
			return nil, fmt.Errorf("%s: %w %q (named cells: %s)", nb.Path, ErrNoSuchCell, n, strings.Join(known, ", "))
		}
		want = append(want, i)
	}
	return g.Closure(want), nil
}

// Keys of what cells provide and read: a table or view, a DuckDB variable,
// a Go global.
func tableKey(name string) string { return "t:" + strings.ToLower(name) }
func varKey(name string) string   { return "v:" + strings.ToLower(name) }
func goKey(name string) string    { return "g:" + name }

// scanCell finds what a code cell provides and reads.
func scanCell(c *notebooks.Cell) (provides, reads []string) {
	if c.Options.Name != "" {
		provides = append(provides, tableKey(c.Options.Name))
	}
	switch c.Lang {
	case notebooks.LangSQL:
		p, r := scanSQL(c.Source)
		provides = append(provides, p...)
		reads = append(reads, r...)
	case notebooks.LangGo:
		p, r := scanGo(c.Source)
		provides = append(provides, p...)
		reads = append(reads, r...)
	}
	return provides, reads
}

// scanSQL finds the tables and variables a SQL script creates and reads.
func scanSQL(src string) (provides, reads []string) {
	toks := sqltext.Code(src)
	for i, t := range toks {
		switch {
		case t.Is("CREATE"):
			j := i + 1
			for j < len(toks) && (toks[j].Is("OR") || toks[j].Is("REPLACE") || toks[j].Is("TEMP") || toks[j].Is("TEMPORARY")) {
				j++
			}
			if j < len(toks) && (toks[j].Is("TABLE") || toks[j].Is("VIEW") || toks[j].Is("MACRO") || toks[j].Is("FUNCTION")) {
				j++
				if j+2 < len(toks) && toks[j].Is("IF") && toks[j+1].Is("NOT") && toks[j+2].Is("EXISTS") {
					j += 3
				}
				if j < len(toks) && toks[j].IsName() && !(j+1 < len(toks) && toks[j+1].IsPunct(".")) {
					provides = append(provides, tableKey(toks[j].Ident()))
				}
			}
		case t.Is("SET") && i+2 < len(toks) && (toks[i+1].Is("VARIABLE") || toks[i+1].Is("VAR")) && toks[i+2].IsName():
			provides = append(provides, varKey(toks[i+2].Ident()))
		case t.Is("getvariable") && i+2 < len(toks) && toks[i+1].IsPunct("(") && toks[i+2].Kind == sqltext.String:
			reads = append(reads, varKey(toks[i+2].StringValue()))
		case t.IsName() && (i == 0 || !toks[i-1].IsPunct(".")):
			reads = append(reads, tableKey(t.Ident()))
		}
	}
	return provides, reads
}

// scanGo finds the globals, registered tables and parameters a Go cell
// declares and reads. It tolerates code that does not compile.
func scanGo(src string) (provides, reads []string) {
	units, _ := splitGo(src)
	for _, u := range units {
		for _, d := range u.decls {
			provides = append(provides, goKey(d))
		}
	}
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), func(token.Position, string) {}, 0)
	var prev [3]string // the last tokens: floe . Result (
	for {
		_, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		text := lit
		if text == "" {
			text = tok.String()
		}
		switch tok {
		case token.IDENT:
			reads = append(reads, goKey(lit))
		case token.STRING:
			v, err := strconv.Unquote(lit)
			if err != nil {
				break
			}
			if prev[0] == "floe" && prev[1] == "." && prev[2] == "Param" {
				reads = append(reads, varKey(v))
				break
			}
			if prev[0] == "floe" && prev[1] == "." && prev[2] == "Register" {
				provides = append(provides, tableKey(v))
				break
			}
			if prev[0] == "floe" && prev[1] == "." && prev[2] == "Result" {
				reads = append(reads, tableKey(v))
				break
			}
			_, r := scanSQL(v)
			reads = append(reads, r...)
		}
		if tok != token.LPAREN {
			prev = [3]string{prev[1], prev[2], text}
		}
	}
	return provides, reads
}

// isQuery reports whether a statement is a query whose result CREATE TABLE
// ... AS can hold, by the tokens Split found.
func isQuery(st lakesql.Statement) bool {
	toks := st.Tokens
	if len(toks) == 0 {
		return false
	}
	if toks[0].IsPunct("(") {
		return true
	}
	for _, kw := range []string{"SELECT", "WITH", "FROM", "VALUES", "TABLE", "PIVOT", "UNPIVOT"} {
		if toks[0].Is(kw) {
			return true
		}
	}
	return false
}
