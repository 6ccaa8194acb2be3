package kernel

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// unitKind classifies a top-level piece of a Go cell. yaegi evaluates
// either declarations (as a file) or statements (as a function body), never
// both at once, so a cell is split into runs of each.
type unitKind int

const (
	unitStmt   unitKind = iota // statements
	unitDecl                   // func, type, var and const declarations
	unitImport                 // an import declaration
)

// goUnit is one top-level declaration or statement of a Go cell.
type goUnit struct {
	kind       unitKind
	start, end int // byte offsets in the cell
	line       int // 1-based line of its first token
	decls      []string
}

// splitGo cuts a Go cell into its top-level declarations and statements
// and finds the names each declares at top level. The error, if any, is a
// scanner.ErrorList with positions in the cell; the units up to it are
// still returned.
func splitGo(src string) ([]goUnit, error) {
	fset := token.NewFileSet()
	file := fset.AddFile("cell.go", -1, len(src))
	var errs scanner.ErrorList
	var s scanner.Scanner
	s.Init(file, []byte(src), func(pos token.Position, msg string) { errs.Add(pos, msg) }, 0)

	type tok struct {
		pos token.Pos
		tok token.Token
		lit string
	}
	var units []goUnit
	var cur []tok
	depth := 0
	// The semicolons in the header of a for, if or switch statement do
	// not end it; the header ends at its block's brace.
	header := false
	flush := func(end int) {
		if len(cur) == 0 {
			return
		}
		start := file.Offset(cur[0].pos)
		u := goUnit{start: start, end: end, line: file.Line(cur[0].pos)}
		toks := make([]token.Token, len(cur))
		lits := make([]string, len(cur))
		for i, t := range cur {
			toks[i], lits[i] = t.tok, t.lit
		}
		u.kind, u.decls = classify(toks, lits)
		units = append(units, u)
		cur = cur[:0]
	}
	for {
		pos, t, lit := s.Scan()
		if t == token.EOF {
			flush(len(src))
			break
		}
		switch t {
		case token.FOR, token.IF, token.SWITCH:
			if depth == 0 {
				header = true
			}
		case token.LBRACE:
			if depth == 0 {
				header = false
			}
			depth++
		case token.LPAREN, token.LBRACK:
			depth++
		case token.RPAREN, token.RBRACE, token.RBRACK:
			depth--
		}
		if t == token.SEMICOLON && depth == 0 && !header {
			end := file.Offset(pos)
			if lit == "\n" {
				// An automatic semicolon stands where the newline is.
			} else {
				end++
			}
			flush(end)
			continue
		}
		cur = append(cur, tok{pos, t, lit})
	}
	if len(errs) > 0 {
		return units, errs
	}
	return units, nil
}

// classify says what a unit is from its tokens and which top-level names
// it declares.
func classify(toks []token.Token, lits []string) (unitKind, []string) {
	var names []string
	// idents collects the identifiers of a declaration list: after the
	// keyword, or after each ';' or '(' inside a group.
	groupNames := func(from int) {
		if from < len(toks) && toks[from] == token.LPAREN {
			depth := 0
			expect := true
			for i := from; i < len(toks); i++ {
				switch toks[i] {
				case token.LPAREN, token.LBRACE, token.LBRACK:
					depth++
					if depth == 1 {
						expect = true
						continue
					}
				case token.RPAREN, token.RBRACE, token.RBRACK:
					depth--
				case token.SEMICOLON:
					if depth == 1 {
						expect = true
						continue
					}
				}
				if depth == 1 && expect && toks[i] == token.IDENT {
					names = append(names, lits[i])
					// var a, b int: keep the names of the list.
					for j := i + 1; j+1 < len(toks) && toks[j] == token.COMMA && toks[j+1] == token.IDENT; j += 2 {
						names = append(names, lits[j+1])
					}
				}
				expect = false
			}
			return
		}
		for i := from; i < len(toks) && toks[i] == token.IDENT; i += 2 {
			names = append(names, lits[i])
			if i+1 >= len(toks) || toks[i+1] != token.COMMA {
				break
			}
		}
	}
	switch toks[0] {
	case token.IMPORT:
		return unitImport, nil
	case token.TYPE:
		groupNames(1)
		return unitDecl, names
	case token.VAR, token.CONST:
		// yaegi reads a source that starts with var as declarations.
		groupNames(1)
		return unitDecl, names
	case token.FUNC:
		if len(toks) > 1 && toks[1] == token.IDENT {
			return unitDecl, []string{lits[1]}
		}
		if len(toks) > 1 && toks[1] == token.LPAREN {
			// A method (func (r T) Name(...)) or a function literal called
			// at once (func() {...}()).
			depth := 0
			for i := 1; i < len(toks); i++ {
				switch toks[i] {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if i+1 < len(toks) && toks[i+1] == token.IDENT {
						return unitDecl, nil
					}
					break
				}
			}
		}
		return unitStmt, nil
	}
	// a, b := ...
	for i, t := range toks {
		if t == token.DEFINE {
			for j := 0; j < i; j += 2 {
				if toks[j] == token.IDENT {
					names = append(names, lits[j])
				}
			}
			break
		}
		if t != token.IDENT && t != token.COMMA {
			break
		}
	}
	return unitStmt, names
}

// displayable reports whether a statement is an expression whose value a
// cell shows when it is the cell's last statement. Calls of functions run
// for their effect (fmt.Println, floe.Display ...) show nothing.
func displayable(stmt string) bool {
	e, err := parser.ParseExpr(stmt)
	if err != nil {
		return false
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return true
	}
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return f.Name != "print" && f.Name != "println" && f.Name != "panic" && f.Name != "delete" && f.Name != "clear"
	case *ast.SelectorExpr:
		if x, ok := f.X.(*ast.Ident); ok {
			switch x.Name {
			case "fmt", "log":
				return false
			case "floe":
				return f.Sel.Name == "SQL" || f.Sel.Name == "Result" || f.Sel.Name == "Param"
			}
		}
	}
	return true
}

// importSpec is one package a cell imports.
type importSpec struct {
	name, path string
	line       int
}

// parseImports reads an import declaration.
func parseImports(decl string, line int) ([]importSpec, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p;"+strings.Repeat("\n", line-1)+decl, parser.ImportsOnly)
	if err != nil {
		return nil, err
	}
	var out []importSpec
	for _, im := range f.Imports {
		p := strings.Trim(im.Path.Value, "\"`")
		name := p[strings.LastIndex(p, "/")+1:]
		if im.Name != nil {
			name = im.Name.Name
		}
		out = append(out, importSpec{name: name, path: p, line: fset.Position(im.Pos()).Line})
	}
	return out, nil
}
