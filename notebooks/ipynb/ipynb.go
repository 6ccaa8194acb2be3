package ipynb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Major and Minor are the nbformat version Marshal writes: 4.5, the first
// minor version with cell ids.
const (
	Major = 4
	Minor = 5
)

// ErrVersion is returned (wrapped in a *DecodeError) for a document whose
// nbformat is not 4.
var ErrVersion = errors.New("unsupported nbformat version")

// Notebook is an nbformat 4 document.
type Notebook struct {
	// Metadata is the notebook-level metadata object, key by key, so keys
	// floe does not know survive a read and write.
	Metadata      map[string]json.RawMessage
	NBFormat      int
	NBFormatMinor int
	Cells         []Cell
}

// CellType is a cell's cell_type.
type CellType string

// The cell types of nbformat 4.
const (
	Markdown CellType = "markdown"
	Code     CellType = "code"
	Raw      CellType = "raw"
)

// Cell is one cell of a notebook. Outputs and ExecutionCount belong to code
// cells only; Attachments to markdown and raw cells only.
type Cell struct {
	ID             string
	Type           CellType
	Metadata       map[string]json.RawMessage
	Source         string
	Attachments    json.RawMessage
	ExecutionCount *int
	Outputs        []Output
}

// OutputType is an output's output_type.
type OutputType string

// The output types of nbformat 4.
const (
	Stream        OutputType = "stream"
	ExecuteResult OutputType = "execute_result"
	DisplayData   OutputType = "display_data"
	Error         OutputType = "error"
)

// Output is one output of a code cell. Which fields are used depends on Type:
// Name and Text for Stream; Data, Metadata (and ExecutionCount for
// ExecuteResult) for ExecuteResult and DisplayData; EName, EValue and
// Traceback for Error.
type Output struct {
	Type OutputType
	Name string
	Text string
	// Data is the MIME bundle. Values of JSON MIME types (see IsJSONMIME)
	// hold JSON text, embedded as JSON in the document; all others are text.
	Data           map[string]string
	Metadata       map[string]json.RawMessage
	ExecutionCount *int
	EName          string
	EValue         string
	Traceback      []string
}

// DecodeError locates a problem in an .ipynb document: by line and column for
// malformed JSON, by JSON path (cells[2].source) for a document of the wrong
// shape.
type DecodeError struct {
	Line, Column int    // 1-based; 0 when the problem is not a syntax error
	Path         string // JSON path of the offending value; "" for the root
	Err          error
}

func (e *DecodeError) Error() string {
	switch {
	case e.Line > 0:
		return fmt.Sprintf("%d:%d: %v", e.Line, e.Column, e.Err)
	case e.Path != "":
		return fmt.Sprintf("%s: %v", e.Path, e.Err)
	}
	return e.Err.Error()
}

func (e *DecodeError) Unwrap() error { return e.Err }

var (
	idPattern   = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	jsonMIMEPat = regexp.MustCompile(`^application/(.*\+)?json$`)
)

// ValidID reports whether id is a valid nbformat 4.5 cell id: 1 to 64
// characters from [a-zA-Z0-9-_].
func ValidID(id string) bool {
	return len(id) >= 1 && len(id) <= 64 && idPattern.MatchString(id)
}

// IsJSONMIME reports whether values of the MIME type are stored as JSON
// rather than as text in a MIME bundle (the schema's
// ^application/(.*\+)?json$ pattern).
func IsJSONMIME(mime string) bool { return jsonMIMEPat.MatchString(mime) }

// decodeJSON parses data into generic values with numbers kept exact, turning
// syntax errors into line and column positions.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		// Decode stops after the first value; anything but space after it
		// is as malformed as a missing brace.
		off := dec.InputOffset()
		if rest := bytes.TrimSpace(data[off:]); len(rest) > 0 {
			line, col := position(data, int(off)+bytes.Index(data[off:], rest[:1]))
			return nil, &DecodeError{Line: line, Column: col, Err: errors.New("invalid character after top-level value")}
		}
		return v, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the offending one included.
		line, col := position(data, int(se.Offset)-1)
		return nil, &DecodeError{Line: line, Column: col, Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		line, col := position(data, len(data))
		return nil, &DecodeError{Line: line, Column: col, Err: errors.New("unexpected end of JSON input")}
	}
	return nil, &DecodeError{Err: err}
}

// position converts the byte index of an offending byte (len(data) for the
// end of input) into a 1-based line and column.
func position(data []byte, at int) (line, col int) {
	at = max(0, min(at, len(data)))
	line = 1 + bytes.Count(data[:at], []byte("\n"))
	col = at - bytes.LastIndexByte(data[:at], '\n')
	return line, col
}

// Unmarshal decodes an nbformat 4 document. It accepts any nbformat 4 minor
// version (cells of documents before 4.5 have no ids) and is lenient about
// keys it does not use, but strict about the shape of those it does.
func Unmarshal(data []byte) (*Notebook, error) {
	v, err := decodeJSON(data)
	if err != nil {
		return nil, err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, &DecodeError{Err: fmt.Errorf("want a JSON object, got %s", kindOf(v))}
	}
	nb := &Notebook{}
	major, ok := intValue(root["nbformat"])
	if !ok {
		return nil, &DecodeError{Path: "nbformat", Err: fmt.Errorf("%w: want the integer 4, got %s", ErrVersion, describe(root["nbformat"]))}
	}
	minor, _ := intValue(root["nbformat_minor"])
	if major != Major {
		return nil, &DecodeError{Path: "nbformat", Err: fmt.Errorf("%w %d.%d: floe reads nbformat 4 (convert with jupyter nbconvert --to notebook)", ErrVersion, major, minor)}
	}
	nb.NBFormat, nb.NBFormatMinor = major, minor
	if nb.Metadata, err = rawObject(root["metadata"], "metadata"); err != nil {
		return nil, err
	}
	cells, ok := root["cells"].([]any)
	if !ok {
		return nil, &DecodeError{Path: "cells", Err: fmt.Errorf("want a list of cells, got %s", describe(root["cells"]))}
	}
	for i, cv := range cells {
		c, err := decodeCell(cv, fmt.Sprintf("cells[%d]", i))
		if err != nil {
			return nil, err
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

func decodeCell(v any, path string) (Cell, error) {
	var c Cell
	obj, ok := v.(map[string]any)
	if !ok {
		return c, &DecodeError{Path: path, Err: fmt.Errorf("want a cell object, got %s", kindOf(v))}
	}
	t, _ := obj["cell_type"].(string)
	switch CellType(t) {
	case Markdown, Code, Raw:
		c.Type = CellType(t)
	default:
		return c, &DecodeError{Path: path + ".cell_type", Err: fmt.Errorf("want markdown, code or raw, got %s", describe(obj["cell_type"]))}
	}
	if id, ok := obj["id"]; ok {
		s, ok := id.(string)
		if !ok {
			return c, &DecodeError{Path: path + ".id", Err: fmt.Errorf("want a string, got %s", kindOf(id))}
		}
		c.ID = s
	}
	var err error
	if c.Metadata, err = rawObject(obj["metadata"], path+".metadata"); err != nil {
		return c, err
	}
	if c.Source, err = multiline(obj["source"], path+".source"); err != nil {
		return c, err
	}
	if a, ok := obj["attachments"]; ok && c.Type != Code {
		if c.Attachments, err = json.Marshal(a); err != nil {
			return c, &DecodeError{Path: path + ".attachments", Err: err}
		}
	}
	if c.Type != Code {
		return c, nil
	}
	if c.ExecutionCount, err = executionCount(obj["execution_count"], path+".execution_count"); err != nil {
		return c, err
	}
	if ov, ok := obj["outputs"]; ok {
		outs, ok := ov.([]any)
		if !ok {
			return c, &DecodeError{Path: path + ".outputs", Err: fmt.Errorf("want a list, got %s", kindOf(ov))}
		}
		for j, o := range outs {
			out, err := decodeOutput(o, fmt.Sprintf("%s.outputs[%d]", path, j))
			if err != nil {
				return c, err
			}
			c.Outputs = append(c.Outputs, out)
		}
	}
	return c, nil
}

func decodeOutput(v any, path string) (Output, error) {
	var o Output
	obj, ok := v.(map[string]any)
	if !ok {
		return o, &DecodeError{Path: path, Err: fmt.Errorf("want an output object, got %s", kindOf(v))}
	}
	t, _ := obj["output_type"].(string)
	o.Type = OutputType(t)
	var err error
	switch o.Type {
	case Stream:
		if o.Name, err = str(obj["name"], path+".name"); err != nil {
			return o, err
		}
		if o.Text, err = multiline(obj["text"], path+".text"); err != nil {
			return o, err
		}
	case ExecuteResult, DisplayData:
		if o.Data, err = mimeBundle(obj["data"], path+".data"); err != nil {
			return o, err
		}
		if o.Metadata, err = rawObject(obj["metadata"], path+".metadata"); err != nil {
			return o, err
		}
		if o.Type == ExecuteResult {
			if o.ExecutionCount, err = executionCount(obj["execution_count"], path+".execution_count"); err != nil {
				return o, err
			}
		}
	case Error:
		if o.EName, err = str(obj["ename"], path+".ename"); err != nil {
			return o, err
		}
		if o.EValue, err = str(obj["evalue"], path+".evalue"); err != nil {
			return o, err
		}
		tb, _ := obj["traceback"].([]any)
		for k, l := range tb {
			s, err := str(l, fmt.Sprintf("%s.traceback[%d]", path, k))
			if err != nil {
				return o, err
			}
			o.Traceback = append(o.Traceback, s)
		}
	default:
		return o, &DecodeError{Path: path + ".output_type", Err: fmt.Errorf("want stream, execute_result, display_data or error, got %s", describe(obj["output_type"]))}
	}
	return o, nil
}

func str(v any, path string) (string, error) {
	if v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &DecodeError{Path: path, Err: fmt.Errorf("want a string, got %s", kindOf(v))}
	}
	return s, nil
}

// multiline decodes the schema's multiline_string: a string or a list of
// strings to be concatenated.
func multiline(v any, path string) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case []any:
		var b strings.Builder
		for i, p := range v {
			s, ok := p.(string)
			if !ok {
				return "", &DecodeError{Path: fmt.Sprintf("%s[%d]", path, i), Err: fmt.Errorf("want a string, got %s", kindOf(p))}
			}
			b.WriteString(s)
		}
		return b.String(), nil
	}
	return "", &DecodeError{Path: path, Err: fmt.Errorf("want a string or a list of strings, got %s", kindOf(v))}
}

func mimeBundle(v any, path string) (map[string]string, error) {
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &DecodeError{Path: path, Err: fmt.Errorf("want a MIME bundle object, got %s", kindOf(v))}
	}
	data := make(map[string]string, len(obj))
	for mime, val := range obj {
		if IsJSONMIME(mime) {
			b, err := json.Marshal(val)
			if err != nil {
				return nil, &DecodeError{Path: fmt.Sprintf("%s[%q]", path, mime), Err: err}
			}
			data[mime] = string(b)
			continue
		}
		s, err := multiline(val, fmt.Sprintf("%s[%q]", path, mime))
		if err != nil {
			return nil, err
		}
		data[mime] = s
	}
	return data, nil
}

func rawObject(v any, path string) (map[string]json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &DecodeError{Path: path, Err: fmt.Errorf("want an object, got %s", kindOf(v))}
	}
	m := make(map[string]json.RawMessage, len(obj))
	for k, val := range obj {
		b, err := json.Marshal(val)
		if err != nil {
			return nil, &DecodeError{Path: path + "." + k, Err: err}
		}
		m[k] = b
	}
	return m, nil
}

func executionCount(v any, path string) (*int, error) {
	if v == nil {
		return nil, nil
	}
	n, ok := intValue(v)
	if !ok || n < 0 {
		return nil, &DecodeError{Path: path, Err: fmt.Errorf("want a non-negative integer or null, got %s", describe(v))}
	}
	return &n, nil
}

func intValue(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	if err != nil || int64(int(i)) != i {
		return 0, false
	}
	return int(i), true
}

// kindOf names the JSON type of a decoded value for error messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// describe is kindOf, with the value itself for scalars.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "nothing"
	case json.Number:
		return v.String()
	case string:
		return fmt.Sprintf("%q", v)
	}
	return kindOf(v)
}

// Marshal encodes nb the way Jupyter writes notebooks (keys sorted, one space
// of indentation, a final newline, text as lists of lines) so that files floe
// writes diff cleanly against files Jupyter writes. It does not validate;
// see Validate.
func Marshal(nb *Notebook) ([]byte, error) {
	cells := make([]any, 0, len(nb.Cells))
	for i, c := range nb.Cells {
		cv, err := encodeCell(c)
		if err != nil {
			return nil, fmt.Errorf("cells[%d]: %w", i, err)
		}
		cells = append(cells, cv)
	}
	root := map[string]any{
		"cells":          cells,
		"metadata":       object(nb.Metadata),
		"nbformat":       nb.NBFormat,
		"nbformat_minor": nb.NBFormatMinor,
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func encodeCell(c Cell) (map[string]any, error) {
	m := map[string]any{
		"cell_type": string(c.Type),
		"id":        c.ID,
		"metadata":  object(c.Metadata),
		"source":    Lines(c.Source),
	}
	if c.Type != Code {
		if len(c.Attachments) > 0 {
			m["attachments"] = c.Attachments
		}
		return m, nil
	}
	m["execution_count"] = c.ExecutionCount
	outs := make([]any, 0, len(c.Outputs))
	for j, o := range c.Outputs {
		ov, err := encodeOutput(o)
		if err != nil {
			return nil, fmt.Errorf("outputs[%d]: %w", j, err)
		}
		outs = append(outs, ov)
	}
	m["outputs"] = outs
	return m, nil
}

func encodeOutput(o Output) (map[string]any, error) {
	m := map[string]any{"output_type": string(o.Type)}
	switch o.Type {
	case Stream:
		m["name"] = o.Name
		m["text"] = Lines(o.Text)
	case ExecuteResult, DisplayData:
		data := make(map[string]any, len(o.Data))
		for mime, v := range o.Data {
			if !IsJSONMIME(mime) {
				data[mime] = Lines(v)
				continue
			}
			if !json.Valid([]byte(v)) {
				return nil, fmt.Errorf("data[%q]: not valid JSON", mime)
			}
			data[mime] = json.RawMessage(v)
		}
		m["data"] = data
		m["metadata"] = object(o.Metadata)
		if o.Type == ExecuteResult {
			m["execution_count"] = o.ExecutionCount
		}
	case Error:
		m["ename"] = o.EName
		m["evalue"] = o.EValue
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["traceback"] = tb
	default:
		return nil, fmt.Errorf("unknown output type %q", o.Type)
	}
	return m, nil
}

// object makes a nil metadata map encode as {} rather than null.
func object(m map[string]json.RawMessage) map[string]json.RawMessage {
	if m == nil {
		return map[string]json.RawMessage{}
	}
	return m
}

// Lines splits s into the list-of-lines form Jupyter writes for multiline
// strings: every line keeps its "\n" except the last; "" is the empty list.
func Lines(s string) []string {
	lines := []string{}
	for s != "" {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}
