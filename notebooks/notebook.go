package notebooks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/floehq/floe/notebooks/ipynb"
)

// Kind says whether a cell is prose or runs.
type Kind int

// The cell kinds.
const (
	Markdown Kind = iota // prose, rendered and never run
	Code                 // a sql, go or ask cell the kernel runs
)

func (k Kind) String() string {
	switch k {
	case Markdown:
		return "markdown"
	case Code:
		return "code"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// The languages of code cells.
const (
	LangSQL = "sql" // SQL run by DuckDB
	LangGo  = "go"  // Go run by the yaegi interpreter
	LangAsk = "ask" // a question in plain words, answered by the agent
)

var languages = []string{LangSQL, LangGo, LangAsk}

// Languages returns the languages a code cell can have.
func Languages() []string { return slices.Clone(languages) }

// Notebook is a sequence of cells read from a Markdown (.md) or Jupyter
// (.ipynb) file, or built in memory. The zero value is an empty notebook that
// writes as an empty Markdown file.
//
// Cells can be edited in place or with the editing methods. Writing keeps the
// original bytes of every cell that was not changed, so reading and writing
// an unmodified Markdown notebook gives back the same bytes. In Markdown,
// markdown cells next to each other are written, and read back, as one.
type Notebook struct {
	// Path is the file the notebook was read from; it names the notebook in
	// errors.
	Path  string
	Cells []Cell

	eol  string    // line ending of rewritten lines: that of the file's first line
	tail string    // blank lines after the last cell
	doc  *document // the parse the cells' origins must belong to
	meta map[string]json.RawMessage
}

// document identifies one parse of one file; a cell whose origin belongs to
// another document (copied from another notebook) is treated as new.
type document struct{ _ byte }

// Cell is one cell of a notebook.
type Cell struct {
	// ID identifies the cell within its notebook: the cell's name if it has
	// one, otherwise derived from its kind and content (md-1a2b3c4d,
	// sql-5e6f7a8b, with -2, -3 ... for repeated content), so it is the same
	// every time the same file is read. It is a valid nbformat cell id,
	// unique in the notebook, and kept while the cell is edited in memory
	// (an edited unnamed cell gets a new id when its file is read again).
	ID     string
	Kind   Kind
	Lang   string // LangSQL, LangGo or LangAsk for code cells; "" for markdown
	Source string // the cell's text, lines ending in "\n", without a final newline
	// Options are the code cell's options; markdown cells have none.
	Options Options
	// Line is the 1-based line of the opening fence or the first prose line
	// in a Markdown file; 0 for cells not read from Markdown.
	Line int

	// Outputs and Execution are filled by the kernel when the cell runs and
	// written to .ipynb files; Markdown files never hold them.
	Outputs   []Output
	Execution Execution

	orig *origin
}

// origin is what a cell was when it was read, so that writing can tell
// untouched cells (written back byte for byte) from edited ones.
type origin struct {
	doc   *document
	index int // position in the file: cell order in Markdown, cells[i] in .ipynb

	markdown    bool
	lead        string // Markdown: the blank lines before the cell
	raw         string // Markdown: the cell's bytes
	open, close string // Markdown code cells: the fence lines, line endings included

	kind    Kind
	lang    string
	source  string
	options Options

	meta        map[string]json.RawMessage // .ipynb cell metadata
	attachments json.RawMessage            // .ipynb markdown cell attachments
}

// unchanged reports whether c still has the content it was read with.
func (c *Cell) unchanged() bool {
	o := c.orig
	return o != nil && c.Kind == o.kind && c.Lang == o.lang && c.Source == o.source && c.Options.Equal(o.options)
}

// from returns c's origin if it was read into the notebook's current document.
func (nb *Notebook) from(c *Cell) *origin {
	if c.orig == nil || nb.doc == nil || c.orig.doc != nb.doc {
		return nil
	}
	return c.orig
}

// Index returns the index of the cell with the given id, or -1.
func (nb *Notebook) Index(id string) int {
	return slices.IndexFunc(nb.Cells, func(c Cell) bool { return c.ID == id })
}

// Insert inserts c before the cell at index i (len(nb.Cells) appends). If c
// has no id, or one another cell has, it gets a derived one. Its source is
// normalized to "\n" line endings.
func (nb *Notebook) Insert(i int, c Cell) error {
	if i < 0 || i > len(nb.Cells) {
		return fmt.Errorf("insert at %d of %d cells: %w", i, len(nb.Cells), ErrNoSuchCell)
	}
	c.Source = normalizeEOL(c.Source)
	taken := map[string]bool{}
	for _, o := range nb.Cells {
		taken[o.ID] = true
	}
	if !ipynb.ValidID(c.ID) || taken[c.ID] {
		c.ID = uniqueID(derivedID(&c), taken)
	}
	nb.Cells = slices.Insert(nb.Cells, i, c)
	return nil
}

// Delete removes the cell at index i.
func (nb *Notebook) Delete(i int) error {
	if i < 0 || i >= len(nb.Cells) {
		return fmt.Errorf("delete cell %d of %d: %w", i, len(nb.Cells), ErrNoSuchCell)
	}
	nb.Cells = slices.Delete(nb.Cells, i, i+1)
	return nil
}

// Move moves the cell at index from so that it ends up at index to.
func (nb *Notebook) Move(from, to int) error {
	n := len(nb.Cells)
	if from < 0 || from >= n || to < 0 || to >= n {
		return fmt.Errorf("move cell %d to %d of %d: %w", from, to, n, ErrNoSuchCell)
	}
	c := nb.Cells[from]
	nb.Cells = slices.Insert(slices.Delete(nb.Cells, from, from+1), to, c)
	return nil
}

// SetSource replaces the text of the cell at index i, normalizing line
// endings to "\n". The cell keeps its id.
func (nb *Notebook) SetSource(i int, src string) error {
	if i < 0 || i >= len(nb.Cells) {
		return fmt.Errorf("set source of cell %d of %d: %w", i, len(nb.Cells), ErrNoSuchCell)
	}
	nb.Cells[i].Source = normalizeEOL(src)
	return nil
}

func normalizeEOL(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// Validate checks what writing and running rely on: code cells in a known
// language with valid options, markdown cells without options, unique cell
// names, at most one parameters cell, and depends naming cells that exist.
// Problems are *Error values wrapping ErrSyntax, joined.
func (nb *Notebook) Validate() error {
	var errs []error
	for i := range nb.Cells {
		c := &nb.Cells[i]
		var err error
		switch c.Kind {
		case Markdown:
			if !c.Options.Equal(Options{}) {
				err = errorf("markdown cell has options %q; only code cells have options", c.Options.String())
			}
		case Code:
			err = c.Options.Validate()
		default:
			err = errorf("unknown cell kind %v", c.Kind)
		}
		if err != nil {
			errs = append(errs, nb.errorAt(i, err))
		}
	}
	errs = append(errs, nb.crossCheck(true)...)
	return errors.Join(errs...)
}

// crossCheck applies the rules between cells. Parse skips the depends check
// when options failed to parse, as a lost name would make it report cells
// as unknown that are not.
func (nb *Notebook) crossCheck(depends bool) []error {
	var errs []error
	names := map[string]int{}
	params := -1
	for i := range nb.Cells {
		c := &nb.Cells[i]
		if c.Kind != Code {
			continue
		}
		if !slices.Contains(languages, c.Lang) {
			errs = append(errs, nb.errorAt(i, errorf("unknown cell language %q (known: %s)", c.Lang, strings.Join(languages, ", "))))
		}
		if n := c.Options.Name; n != "" {
			if first, dup := names[n]; dup {
				errs = append(errs, nb.errorAt(i, errorf("duplicate cell name %q (first used %s)", n, nb.where(first))))
			} else {
				names[n] = i
			}
		}
		if c.Options.Parameters {
			switch {
			case c.Lang == LangAsk:
				errs = append(errs, nb.errorAt(i, errorf("an ask cell cannot be the parameters cell; use sql or go")))
			case params >= 0:
				errs = append(errs, nb.errorAt(i, errorf("second parameters cell (the first is %s); a notebook has one", nb.where(params))))
			default:
				params = i
			}
		}
	}
	for i := range nb.Cells {
		c := &nb.Cells[i]
		if c.Kind != Code || !depends {
			continue
		}
		for _, d := range c.Options.Depends {
			if _, ok := names[d]; !ok || d == c.Options.Name {
				msg := fmt.Sprintf("depends on unknown cell %q", d)
				if d == c.Options.Name {
					msg = fmt.Sprintf("cell %q depends on itself", d)
				}
				errs = append(errs, nb.errorAt(i, errorf("%s", msg)))
			}
		}
	}
	return errs
}

// errorAt locates err at cell i: its line in a Markdown file, else its
// position in the cells list.
func (nb *Notebook) errorAt(i int, err error) error {
	c := &nb.Cells[i]
	if c.Line > 0 {
		return &Error{Path: nb.Path, Line: c.Line, Err: err}
	}
	return &Error{Path: nb.Path, Err: fmt.Errorf("%s: %w", nb.cellRef(i), err)}
}

func (nb *Notebook) cellRef(i int) string {
	if o := nb.from(&nb.Cells[i]); o != nil && !o.markdown {
		i = o.index
	}
	return fmt.Sprintf("cells[%d]", i)
}

func (nb *Notebook) where(i int) string {
	if l := nb.Cells[i].Line; l > 0 {
		return fmt.Sprintf("on line %d", l)
	}
	return "by " + nb.cellRef(i)
}

// derivedID is a cell's id when nothing else gives one: its name, or its kind
// and language with a short hash of its source, so the id does not depend on
// where the cell is.
func derivedID(c *Cell) string {
	if c.Kind == Code && validName(c.Options.Name) {
		return c.Options.Name
	}
	prefix := "md"
	if c.Kind == Code {
		prefix = c.Lang
		if !ipynb.ValidID(prefix) || len(prefix) > 16 {
			prefix = "code"
		}
	}
	sum := sha256.Sum256([]byte(c.Kind.String() + "\x00" + c.Lang + "\x00" + normalizeEOL(c.Source)))
	return prefix + "-" + hex.EncodeToString(sum[:4])
}

// uniqueID returns id, or id-2, id-3 ... if taken, and marks the result taken.
// Names cannot contain '-', so suffixed ids never collide with names.
func uniqueID(id string, taken map[string]bool) string {
	u := id
	for n := 2; taken[u]; n++ {
		u = id + "-" + strconv.Itoa(n)
	}
	taken[u] = true
	return u
}

// assignIDs gives every cell an id: its own if valid and not already used
// by an earlier cell, else a derived one.
func assignIDs(cells []Cell) {
	taken := map[string]bool{}
	for i := range cells {
		if id := cells[i].ID; ipynb.ValidID(id) && !taken[id] {
			taken[id] = true
			continue
		}
		cells[i].ID = ""
	}
	for i := range cells {
		if cells[i].ID == "" {
			cells[i].ID = uniqueID(derivedID(&cells[i]), taken)
		}
	}
}
