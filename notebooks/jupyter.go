package notebooks

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/floehq/floe/notebooks/ipynb"
)

// What floe writes in .ipynb files (nbformat 4.5):
//
// The notebook's metadata.kernelspec is {"name": "floe", "display_name":
// "floe", "language": "sql"} and metadata.language_info is SQL's, the
// language most cells are in, so Jupyter, VS Code and GitHub highlight cells
// as SQL. Other notebook metadata read from an .ipynb file is kept.
//
// A code cell's metadata.floe holds what the Markdown fence's info string
// holds: {"lang": "sql", "options": {"name": "top", "timeout": "30s",
// "rows": 10, "skip": true ...}}, with flags as true, rows as a number and
// the other values as in the info string, plus "duration_ms" for a cell that
// ran. metadata.vscode.languageId gives VS Code each cell's language,
// metadata.execution records Jupyter's iopub.execute_input and
// shell.execute_reply timestamps, and the parameters cell is tagged
// "parameters" as papermill expects. Cell ids are the cells' ids.

// kernelspec and languageInfo are the notebook metadata floe writes.
var (
	kernelspec   = map[string]string{"name": "floe", "display_name": "floe", "language": LangSQL}
	languageInfo = map[string]string{
		"name":            LangSQL,
		"codemirror_mode": "sql",
		"file_extension":  ".sql",
		"mimetype":        "application/sql",
		"pygments_lexer":  "sql",
	}
)

// floeMeta is a code cell's metadata.floe, its fields in the sorted order
// Jupyter writes keys in.
type floeMeta struct {
	DurationMS *float64        `json:"duration_ms,omitempty"`
	Lang       string          `json:"lang"`
	Options    json.RawMessage `json:"options,omitempty"`
}

// vscodeLanguage is the VS Code language id of each cell language.
var vscodeLanguage = map[string]string{LangSQL: "sql", LangGo: "go", LangAsk: "plaintext"}

// Jupyter's metadata.execution keys for a run's start and end.
const (
	executeInput = "iopub.execute_input"
	executeReply = "shell.execute_reply"
)

// timestampLayout is how Jupyter writes execution timestamps.
const timestampLayout = "2006-01-02T15:04:05.000000Z07:00"

// MarshalIPYNB writes the notebook, with its outputs, as an nbformat 4.5
// .ipynb document (see the package's notes on metadata above). The notebook
// must pass Validate.
func (nb *Notebook) MarshalIPYNB() ([]byte, error) {
	if err := nb.Validate(); err != nil {
		return nil, err
	}
	ids := make([]Cell, len(nb.Cells))
	for i, c := range nb.Cells {
		ids[i] = Cell{ID: c.ID, Kind: c.Kind, Lang: c.Lang, Source: c.Source, Options: c.Options}
	}
	assignIDs(ids)
	doc := &ipynb.Notebook{NBFormat: ipynb.Major, NBFormatMinor: ipynb.Minor, Metadata: maps.Clone(nb.meta)}
	if doc.Metadata == nil {
		doc.Metadata = map[string]json.RawMessage{}
	}
	doc.Metadata["kernelspec"] = mustJSON(kernelspec)
	doc.Metadata["language_info"] = mustJSON(languageInfo)
	for i := range nb.Cells {
		jc, err := nb.jupyterCell(&nb.Cells[i], ids[i].ID)
		if err != nil {
			return nil, nb.errorAt(i, err)
		}
		doc.Cells = append(doc.Cells, jc)
	}
	// Metadata read from another tool's notebook must not make ours invalid.
	ipynb.Sanitize(doc)
	return ipynb.Marshal(doc)
}

func (nb *Notebook) jupyterCell(c *Cell, id string) (ipynb.Cell, error) {
	jc := ipynb.Cell{ID: id, Source: normalizeEOL(c.Source), Metadata: map[string]json.RawMessage{}}
	o := nb.from(c)
	if o != nil {
		maps.Copy(jc.Metadata, o.meta)
		delete(jc.Metadata, "execution") // floe's own, from c.Execution
	}
	if c.Kind == Markdown {
		jc.Type = ipynb.Markdown
		if o != nil {
			jc.Attachments = o.attachments
		}
		return jc, nil
	}
	jc.Type = ipynb.Code
	fm := floeMeta{Lang: c.Lang}
	if opts := c.Options.jsonObject(); len(opts) > 0 {
		fm.Options = mustJSON(opts)
	}
	ex := c.Execution
	if ex.Count > 0 {
		n := ex.Count
		jc.ExecutionCount = &n
		ms := math.Round(float64(ex.Duration)/float64(time.Microsecond)) / 1000
		fm.DurationMS = &ms
	}
	jc.Metadata["floe"] = mustJSON(fm)
	jc.Metadata["vscode"] = mustJSON(map[string]string{"languageId": vscodeLanguage[c.Lang]})
	if !ex.Start.IsZero() {
		jc.Metadata["execution"] = mustJSON(map[string]string{
			executeInput: ex.Start.UTC().Format(timestampLayout),
			executeReply: ex.Start.Add(ex.Duration).UTC().Format(timestampLayout),
		})
	}
	if c.Options.Parameters {
		var tags []string
		_ = json.Unmarshal(jc.Metadata["tags"], &tags) // tags that are not a list are replaced
		if !slices.Contains(tags, "parameters") {
			tags = append(tags, "parameters")
		}
		jc.Metadata["tags"] = mustJSON(tags)
	}
	for _, out := range c.Outputs {
		jo := ipynb.Output{Type: ipynb.OutputType(out.Type), Name: out.Name, Text: out.Text, Data: out.Data,
			EName: out.EName, EValue: out.EValue, Traceback: out.Traceback}
		switch out.Type {
		case OutputResult:
			jo.ExecutionCount = jc.ExecutionCount
		case OutputStream, OutputDisplay, OutputError:
		default:
			return jc, fmt.Errorf("output of unknown type %q", out.Type)
		}
		for mime, v := range out.Data {
			if ipynb.IsJSONMIME(mime) && !json.Valid([]byte(v)) {
				return jc, fmt.Errorf("output data %s is not valid JSON", mime)
			}
		}
		jc.Outputs = append(jc.Outputs, jo)
	}
	return jc, nil
}

// mustJSON marshals values that cannot fail to marshal.
func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// ParseIPYNB reads an nbformat 4 .ipynb document, from floe or from Jupyter.
// path names the notebook in errors and becomes its Path.
//
// A code cell with metadata.floe keeps its language and options. A Jupyter
// code cell without it is a sql cell if its source starts with %%sql (the
// magic line is dropped) or the notebook's kernel language is SQL, a go
// cell if the kernel language is Go, and an error wrapping
// ErrUnsupportedLanguage otherwise, except that blank cells are dropped. A
// cell tagged "parameters" is the parameters cell. Raw cells become markdown
// cells. Cell ids, outputs, execution counts and timings are kept.
func ParseIPYNB(path string, data []byte) (*Notebook, error) {
	doc, err := ipynb.Unmarshal(data)
	if err != nil {
		var de *ipynb.DecodeError
		if errors.As(err, &de) && de.Line > 0 {
			return nil, &Error{Path: path, Line: de.Line, Column: de.Column, Err: de.Err}
		}
		return nil, &Error{Path: path, Err: err}
	}
	nb := &Notebook{Path: path, eol: "\n", doc: &document{}, meta: doc.Metadata}
	kernelLang := kernelLanguage(doc.Metadata)
	var errs []error
	for i, jc := range doc.Cells {
		c, keep, err := cellFromJupyter(jc, kernelLang)
		if err != nil {
			errs = append(errs, &Error{Path: path, Err: fmt.Errorf("cells[%d]: %w", i, err)})
			continue
		}
		if !keep {
			continue
		}
		c.orig = &origin{
			doc: nb.doc, index: i, kind: c.Kind, lang: c.Lang, source: c.Source, options: c.Options,
			meta: jc.Metadata, attachments: jc.Attachments,
		}
		nb.Cells = append(nb.Cells, c)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	assignIDs(nb.Cells)
	if errs := nb.crossCheck(true); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return nb, nil
}

// kernelLanguage is the notebook's language, lower case: the kernelspec's,
// else language_info's.
func kernelLanguage(meta map[string]json.RawMessage) string {
	var ks struct{ Language string }
	var li struct{ Name string }
	_ = json.Unmarshal(meta["kernelspec"], &ks) // absent or odd metadata leaves ""
	_ = json.Unmarshal(meta["language_info"], &li)
	if ks.Language != "" {
		return strings.ToLower(ks.Language)
	}
	return strings.ToLower(li.Name)
}

// cellFromJupyter converts one cell; keep is false for a blank code cell
// floe has no language for.
func cellFromJupyter(jc ipynb.Cell, kernelLang string) (c Cell, keep bool, err error) {
	c = Cell{ID: jc.ID, Source: normalizeEOL(jc.Source)}
	if jc.Type != ipynb.Code {
		return c, true, nil // markdown, and raw as markdown
	}
	c.Kind = Code
	if raw, ok := jc.Metadata["floe"]; ok {
		var fm floeMeta
		if err := json.Unmarshal(raw, &fm); err != nil {
			return c, false, errorf("metadata.floe: %v", err)
		}
		if !slices.Contains(languages, fm.Lang) {
			return c, false, fmt.Errorf("metadata.floe.lang: %w %q (known: %s)", ErrUnsupportedLanguage, fm.Lang, strings.Join(languages, ", "))
		}
		c.Lang = fm.Lang
		if len(fm.Options) > 0 {
			if c.Options, err = optionsFromJSON(fm.Options); err != nil {
				return c, false, fmt.Errorf("metadata.floe.options: %w", err)
			}
		}
		if fm.DurationMS != nil {
			c.Execution.Duration = time.Duration(*fm.DurationMS * float64(time.Millisecond))
		}
	} else {
		first, rest, _ := strings.Cut(c.Source, "\n")
		switch {
		case strings.HasPrefix(strings.TrimSpace(first), "%%sql"):
			c.Lang, c.Source = LangSQL, rest
		case kernelLang == "sql" || kernelLang == "go":
			c.Lang = kernelLang
		case strings.TrimSpace(c.Source) == "":
			return c, false, nil
		default:
			lang := kernelLang
			if lang == "" {
				lang = "none given"
			}
			return c, false, fmt.Errorf("%w: the notebook's kernel language is %q and floe runs only sql, go and ask cells (start a SQL cell with %%%%sql)", ErrUnsupportedLanguage, lang)
		}
		var tags []string
		_ = json.Unmarshal(jc.Metadata["tags"], &tags) // tags that are not a list of strings are ignored
		c.Options.Parameters = slices.Contains(tags, "parameters")
	}
	if jc.ExecutionCount != nil {
		c.Execution.Count = *jc.ExecutionCount
	}
	var ex map[string]string
	_ = json.Unmarshal(jc.Metadata["execution"], &ex) // timestamps are optional
	if t, err := time.Parse(time.RFC3339Nano, ex[executeInput]); err == nil {
		c.Execution.Start = t
		if end, err := time.Parse(time.RFC3339Nano, ex[executeReply]); err == nil && c.Execution.Duration == 0 {
			c.Execution.Duration = end.Sub(t)
		}
	}
	for _, jo := range jc.Outputs {
		c.Outputs = append(c.Outputs, Output{Type: OutputType(jo.Type), Name: jo.Name, Text: jo.Text, Data: jo.Data,
			EName: jo.EName, EValue: jo.EValue, Traceback: jo.Traceback})
	}
	return c, true, nil
}
