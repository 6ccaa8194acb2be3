package ipynb

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Validate checks a document against the structural rules of the nbformat
// 4.5 JSON schema (nbformat/v4/nbformat.v4.5.schema.json) that readers rely
// on, plus the cell id uniqueness nbformat's validator adds:
//
//   - top level: exactly cells, metadata, nbformat (4) and nbformat_minor (>= 5);
//   - notebook metadata: kernelspec {name, display_name}, language_info {name}
//     and the types of the other known keys;
//   - cells: cell_type markdown, code or raw; the required keys of each type
//     and no others (the schema sets additionalProperties false on cells);
//     ids of 1-64 characters matching ^[a-zA-Z0-9-_]+$, unique in the
//     document; source a string or a list of strings; metadata an object
//     whose known keys (tags, name, collapsed, scrolled, execution, format)
//     have the schema's types; execution_count a non-negative integer or null;
//   - outputs: output_type stream, execute_result, display_data or error with
//     the keys each requires and no others; MIME bundles whose non-JSON
//     values are strings or lists of strings.
//
// All problems found are returned together, each naming its JSON path.
func Validate(data []byte) error {
	v, err := decodeJSON(data)
	if err != nil {
		return err
	}
	var p problems
	p.notebook(v)
	return p.err()
}

type problems []error

func (p *problems) add(path, format string, args ...any) {
	if path == "" {
		path = "(root)"
	}
	*p = append(*p, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

func (p problems) err() error { return errors.Join(p...) }

// keys checks that obj has every required key and, when allowed is not nil,
// no key outside required and allowed.
func (p *problems) keys(path string, obj map[string]any, required, allowed []string) {
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			p.add(path, "missing required key %q", k)
		}
	}
	if allowed == nil {
		return
	}
	var extra []string
	for k := range obj {
		if !slices.Contains(required, k) && !slices.Contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		p.add(path, "key %q is not allowed", k)
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func (p *problems) object(path string, v any) (map[string]any, bool) {
	obj, ok := v.(map[string]any)
	if !ok {
		p.add(path, "want an object, got %s", kindOf(v))
	}
	return obj, ok
}

func (p *problems) str(path string, v any) {
	if _, ok := v.(string); !ok {
		p.add(path, "want a string, got %s", kindOf(v))
	}
}

func (p *problems) multiline(path string, v any) {
	switch v := v.(type) {
	case string:
	case []any:
		for i, s := range v {
			if _, ok := s.(string); !ok {
				p.add(fmt.Sprintf("%s[%d]", path, i), "want a string, got %s", kindOf(s))
			}
		}
	default:
		p.add(path, "want a string or a list of strings, got %s", kindOf(v))
	}
}

func (p *problems) count(path string, v any) {
	if v == nil {
		return
	}
	if n, ok := intValue(v); !ok || n < 0 {
		p.add(path, "want a non-negative integer or null, got %s", describe(v))
	}
}

func (p *problems) notebook(v any) {
	root, ok := p.object("", v)
	if !ok {
		return
	}
	p.keys("", root, []string{"cells", "metadata", "nbformat", "nbformat_minor"}, []string{})
	if v, ok := root["nbformat"]; ok {
		if n, ok := intValue(v); !ok || n != Major {
			p.add("nbformat", "want 4, got %s", describe(v))
		}
	}
	if v, ok := root["nbformat_minor"]; ok {
		if n, ok := intValue(v); !ok || n < Minor {
			p.add("nbformat_minor", "want an integer >= %d (cell ids need nbformat 4.5), got %s", Minor, describe(v))
		}
	}
	if v, ok := root["metadata"]; ok {
		p.notebookMetadata(v)
	}
	v, ok = root["cells"]
	if !ok {
		return
	}
	cells, ok := v.([]any)
	if !ok {
		p.add("cells", "want a list, got %s", kindOf(v))
		return
	}
	ids := map[string]int{}
	for i, c := range cells {
		p.cell(fmt.Sprintf("cells[%d]", i), c, i, ids)
	}
}

func (p *problems) notebookMetadata(v any) {
	md, ok := p.object("metadata", v)
	if !ok {
		return
	}
	if v, ok := md["kernelspec"]; ok {
		if ks, ok := p.object("metadata.kernelspec", v); ok {
			p.keys("metadata.kernelspec", ks, []string{"name", "display_name"}, nil)
			for _, k := range []string{"name", "display_name"} {
				if v, ok := ks[k]; ok {
					p.str("metadata.kernelspec."+k, v)
				}
			}
		}
	}
	if v, ok := md["language_info"]; ok {
		if li, ok := p.object("metadata.language_info", v); ok {
			p.keys("metadata.language_info", li, []string{"name"}, nil)
			for _, k := range []string{"name", "file_extension", "mimetype", "pygments_lexer"} {
				if v, ok := li[k]; ok {
					p.str("metadata.language_info."+k, v)
				}
			}
			if v, ok := li["codemirror_mode"]; ok {
				switch v.(type) {
				case string, map[string]any:
				default:
					p.add("metadata.language_info.codemirror_mode", "want a string or an object, got %s", kindOf(v))
				}
			}
		}
	}
	if v, ok := md["orig_nbformat"]; ok {
		if n, ok := intValue(v); !ok || n < 1 {
			p.add("metadata.orig_nbformat", "want an integer >= 1, got %s", describe(v))
		}
	}
	if v, ok := md["title"]; ok {
		p.str("metadata.title", v)
	}
	if v, ok := md["authors"]; ok {
		if _, ok := v.([]any); !ok {
			p.add("metadata.authors", "want a list, got %s", kindOf(v))
		}
	}
}

// cellKeys lists, per cell type, the required keys and the other allowed ones.
var cellKeys = map[string][2][]string{
	"markdown": {{"id", "cell_type", "metadata", "source"}, {"attachments"}},
	"raw":      {{"id", "cell_type", "metadata", "source"}, {"attachments"}},
	"code":     {{"id", "cell_type", "metadata", "source", "outputs", "execution_count"}, {}},
}

func (p *problems) cell(path string, v any, index int, ids map[string]int) {
	c, ok := p.object(path, v)
	if !ok {
		return
	}
	t, _ := c["cell_type"].(string)
	keys, ok := cellKeys[t]
	if !ok {
		p.add(join(path, "cell_type"), "want markdown, code or raw, got %s", describe(c["cell_type"]))
		return
	}
	p.keys(path, c, keys[0], keys[1])
	if v, ok := c["id"]; ok {
		id, isStr := v.(string)
		switch {
		case !isStr:
			p.add(join(path, "id"), "want a string, got %s", kindOf(v))
		case !ValidID(id):
			p.add(join(path, "id"), "%q is not a valid cell id (1-64 characters from a-z A-Z 0-9 - _)", id)
		default:
			if first, dup := ids[id]; dup {
				p.add(join(path, "id"), "duplicate cell id %q (also cells[%d])", id, first)
			} else {
				ids[id] = index
			}
		}
	}
	if v, ok := c["source"]; ok {
		p.multiline(join(path, "source"), v)
	}
	if v, ok := c["metadata"]; ok {
		p.cellMetadata(join(path, "metadata"), t, v)
	}
	if v, ok := c["attachments"]; ok {
		if att, ok := p.object(join(path, "attachments"), v); ok {
			for name, b := range att {
				p.mimeBundle(join(join(path, "attachments"), name), b)
			}
		}
	}
	if t != "code" {
		return
	}
	if v, ok := c["execution_count"]; ok {
		p.count(join(path, "execution_count"), v)
	}
	if v, ok := c["outputs"]; ok {
		outs, ok := v.([]any)
		if !ok {
			p.add(join(path, "outputs"), "want a list, got %s", kindOf(v))
			return
		}
		for j, o := range outs {
			p.output(fmt.Sprintf("%s.outputs[%d]", path, j), o)
		}
	}
}

// executionKeys are the timestamps Jupyter records in a code cell's
// metadata.execution; the schema types them as date-time strings.
var executionKeys = []string{"iopub.execute_input", "iopub.status.busy", "shell.execute_reply", "iopub.status.idle"}

func (p *problems) cellMetadata(path, cellType string, v any) {
	md, ok := p.object(path, v)
	if !ok {
		return
	}
	if v, ok := md["name"]; ok {
		p.str(join(path, "name"), v)
	}
	if v, ok := md["tags"]; ok {
		tags, ok := v.([]any)
		if !ok {
			p.add(join(path, "tags"), "want a list of strings, got %s", kindOf(v))
		}
		seen := map[string]bool{}
		for i, t := range tags {
			s, ok := t.(string)
			switch {
			case !ok:
				p.add(fmt.Sprintf("%s.tags[%d]", path, i), "want a string, got %s", kindOf(t))
			case seen[s]:
				p.add(fmt.Sprintf("%s.tags[%d]", path, i), "duplicate tag %q", s)
			}
			seen[s] = true
		}
	}
	if v, ok := md["jupyter"]; ok {
		p.object(join(path, "jupyter"), v)
	}
	switch cellType {
	case "raw":
		if v, ok := md["format"]; ok {
			p.str(join(path, "format"), v)
		}
	case "code":
		if v, ok := md["collapsed"]; ok {
			if _, ok := v.(bool); !ok {
				p.add(join(path, "collapsed"), "want a boolean, got %s", kindOf(v))
			}
		}
		if v, ok := md["scrolled"]; ok {
			if _, ok := v.(bool); !ok && v != "auto" {
				p.add(join(path, "scrolled"), "want true, false or \"auto\", got %s", describe(v))
			}
		}
		if v, ok := md["execution"]; ok {
			if ex, ok := p.object(join(path, "execution"), v); ok {
				for _, k := range executionKeys {
					v, ok := ex[k]
					if !ok {
						continue
					}
					s, isStr := v.(string)
					if _, err := time.Parse(time.RFC3339Nano, s); !isStr || err != nil {
						p.add(join(join(path, "execution"), k), "want an RFC 3339 date-time string, got %s", describe(v))
					}
				}
			}
		}
	}
}

// outputKeys lists, per output type, the required keys and the other allowed
// ones; the schema sets additionalProperties false on every output type.
var outputKeys = map[string][2][]string{
	"stream":         {{"output_type", "name", "text"}, {}},
	"display_data":   {{"output_type", "data", "metadata"}, {}},
	"execute_result": {{"output_type", "data", "metadata", "execution_count"}, {}},
	"error":          {{"output_type", "ename", "evalue", "traceback"}, {}},
}

func (p *problems) output(path string, v any) {
	o, ok := p.object(path, v)
	if !ok {
		return
	}
	t, _ := o["output_type"].(string)
	keys, ok := outputKeys[t]
	if !ok {
		p.add(join(path, "output_type"), "want stream, display_data, execute_result or error, got %s", describe(o["output_type"]))
		return
	}
	p.keys(path, o, keys[0], keys[1])
	switch t {
	case "stream":
		if v, ok := o["name"]; ok {
			p.str(join(path, "name"), v)
		}
		if v, ok := o["text"]; ok {
			p.multiline(join(path, "text"), v)
		}
	case "display_data", "execute_result":
		if v, ok := o["data"]; ok {
			p.mimeBundle(join(path, "data"), v)
		}
		if v, ok := o["metadata"]; ok {
			p.object(join(path, "metadata"), v)
		}
		if v, ok := o["execution_count"]; ok {
			p.count(join(path, "execution_count"), v)
		}
	case "error":
		for _, k := range []string{"ename", "evalue"} {
			if v, ok := o[k]; ok {
				p.str(join(path, k), v)
			}
		}
		if v, ok := o["traceback"]; ok {
			tb, ok := v.([]any)
			if !ok {
				p.add(join(path, "traceback"), "want a list of strings, got %s", kindOf(v))
			}
			for i, l := range tb {
				if _, ok := l.(string); !ok {
					p.add(fmt.Sprintf("%s.traceback[%d]", path, i), "want a string, got %s", kindOf(l))
				}
			}
		}
	}
}

func (p *problems) mimeBundle(path string, v any) {
	b, ok := p.object(path, v)
	if !ok {
		return
	}
	mimes := make([]string, 0, len(b))
	for m := range b {
		mimes = append(mimes, m)
	}
	slices.Sort(mimes)
	for _, m := range mimes {
		if IsJSONMIME(m) {
			continue // any JSON value
		}
		p.multiline(fmt.Sprintf("%s[%q]", path, m), b[m])
	}
}

// Sanitize removes from nb the metadata values and attachments that would
// make Marshal's output fail Validate: keys the schema gives a type whose
// values do not have it (tags that are not a list of strings, say), and
// attachments that are not MIME bundles. Everything else that documents
// from other tools carry is kept.
func Sanitize(nb *Notebook) {
	for k, raw := range nb.Metadata {
		v, err := decodeJSON(raw)
		var p problems
		if err == nil {
			p.notebookMetadata(map[string]any{k: v})
		}
		if err != nil || len(p) > 0 {
			delete(nb.Metadata, k)
		}
	}
	for i := range nb.Cells {
		c := &nb.Cells[i]
		for k, raw := range c.Metadata {
			v, err := decodeJSON(raw)
			var p problems
			if err == nil {
				p.cellMetadata("metadata", string(c.Type), map[string]any{k: v})
			}
			if err != nil || len(p) > 0 {
				delete(c.Metadata, k)
			}
		}
		if len(c.Attachments) == 0 {
			continue
		}
		v, err := decodeJSON(c.Attachments)
		var p problems
		if err == nil {
			if att, ok := p.object("attachments", v); ok {
				for name, b := range att {
					p.mimeBundle("attachments."+name, b)
				}
			}
		}
		if err != nil || len(p) > 0 || c.Type == Code {
			c.Attachments = nil
		}
	}
}
