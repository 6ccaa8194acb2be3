package notebooks

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"
)

// FrontMatter is what a notebook's front matter says about where and how it
// runs. Front matter is a YAML block between two "---" lines at the very
// top of the notebook, as static site generators and GitHub read it:
//
//	---
//	warehouse: s3://floe-samples/scale-out
//	serve: true
//	---
//
// It is part of the notebook's first markdown cell, so it survives
// reading and writing in either format (.md and .ipynb) unchanged. Keys
// floe does not know (title, author ...) are left to other tools.
type FrontMatter struct {
	// Warehouse names the notebook's warehouse: a directory (relative to
	// the notebook's own), a file:// URI or s3://bucket/prefix. floe run
	// and floe open use it unless the command line names a warehouse or a
	// catalog.
	Warehouse string `yaml:"warehouse"`
	// Serve asks floe run to serve the warehouse over the Iceberg REST
	// catalog protocol, on a free loopback port, while the notebook runs.
	Serve bool `yaml:"serve"`
}

// frontMatterFence opens and closes front matter.
const frontMatterFence = "---"

// FrontMatter returns the notebook's front matter: the zero FrontMatter
// when its first cell is not a markdown cell starting with a "---" line.
// Front matter that is not closed, is not YAML or gives a key floe knows a
// value of the wrong type is an *Error wrapping ErrSyntax, naming the
// notebook and line.
func (nb *Notebook) FrontMatter() (FrontMatter, error) {
	var fm FrontMatter
	if len(nb.Cells) == 0 || nb.Cells[0].Kind != Markdown {
		return fm, nil
	}
	c := &nb.Cells[0]
	lines := strings.Split(normalizeEOL(c.Source), "\n")
	if strings.TrimRight(lines[0], " \t") != frontMatterFence {
		return fm, nil
	}
	// The first line of the cell is the file's first line when the
	// notebook is Markdown (a cell is not preceded by blank lines there,
	// or the fence would not be the top of the file).
	at := func(i int) int {
		if c.Line > 0 {
			return c.Line + i
		}
		return 0
	}
	end := -1
	for i := 1; i < len(lines); i++ {
		if t := strings.TrimRight(lines[i], " \t"); t == frontMatterFence || t == "..." {
			end = i
			break
		}
	}
	if end < 0 {
		return fm, &Error{Path: nb.Path, Line: at(0), Err: errorf("front matter opened with %q is never closed (want a %q line after it)", frontMatterFence, frontMatterFence)}
	}
	text := strings.Join(lines[1:end], "\n")
	dec := yaml.NewDecoder(bytes.NewReader([]byte(text)))
	if err := dec.Decode(&fm); err != nil && !errors.Is(err, io.EOF) {
		return FrontMatter{}, &Error{Path: nb.Path, Line: at(0), Err: errorf("front matter: %s", yamlMessage(err, at(0)))}
	}
	fm.Warehouse = strings.TrimSpace(fm.Warehouse)
	return fm, nil
}

// yamlMessage rewrites the YAML decoder's "line N" (of the front matter
// block) as the notebook's line, when the notebook's lines are known.
func yamlMessage(err error, first int) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if first == 0 {
		return msg
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		var parts []string
		for _, e := range te.Errors {
			parts = append(parts, shiftLine(e, first))
		}
		return strings.Join(parts, "; ")
	}
	return shiftLine(msg, first)
}

// shiftLine turns "line N: ..." into "line N+first: ...".
func shiftLine(msg string, first int) string {
	var n int
	var rest string
	if k, _ := fmt.Sscanf(msg, "line %d:", &n); k == 1 {
		_, rest, _ = strings.Cut(msg, ":")
		return fmt.Sprintf("line %d:%s", n+first, rest)
	}
	return msg
}
