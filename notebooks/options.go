package notebooks

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Options are the settings of a code cell, written after the language in the
// fence's info string (```sql name=top timeout=30s) and kept in
// metadata.floe.options in .ipynb files. The zero value is a cell with no
// options. Every option is defined once, in optionSpecs, which gives the
// parser, the validator, the canonical writer and the list of known options.
type Options struct {
	// Name names the cell: other cells and Go code refer to its result by
	// it, and it is the cell's id. An identifier: [A-Za-z_][A-Za-z0-9_]*,
	// at most 64 characters.
	Name string
	// Parameters marks the notebook's one parameters cell; its values are
	// the defaults that -p name=value overrides.
	Parameters bool
	// Skip leaves the cell out of runs.
	Skip bool
	// Depends names cells that must run before this one.
	Depends []string
	// Timeout bounds the cell's run; 0 means the kernel's default.
	Timeout time.Duration
	// ExpectError makes the cell pass when it fails and fail when it succeeds.
	ExpectError bool
	// Rows, when set, is the number of result rows the cell must return.
	Rows *int
	// Assert makes the cell a check: every boolean column of every result row
	// must be true.
	Assert bool
	// Chart draws the cell's result; its zero value draws nothing.
	Chart Chart
}

// ChartKind is a kind of chart a cell's result can be drawn as.
type ChartKind string

// The chart kinds.
const (
	ChartBar       ChartKind = "bar"
	ChartLine      ChartKind = "line"
	ChartScatter   ChartKind = "scatter"
	ChartHistogram ChartKind = "histogram"
)

var chartKinds = []ChartKind{ChartBar, ChartLine, ChartScatter, ChartHistogram}

// Chart is a chart of a cell's result: Kind over the columns X and Y, one
// line, bar group or colour per value of Series. A histogram bins X and has
// no Y.
type Chart struct {
	Kind   ChartKind // "" for no chart
	X, Y   string
	Series string
	Title  string
}

// optionSpec defines one option: flags (skip) take no value, the others
// (timeout=30s) need one. set parses the value into Options; get formats it
// back, ok reporting whether the option is set at all.
type optionSpec struct {
	key  string
	flag bool
	set  func(o *Options, v string) error
	get  func(o *Options) (v string, ok bool)
}

// optionSpecs is every cell option, in the canonical order in which
// Options.String writes them.
var optionSpecs = []optionSpec{
	{key: "name",
		set: func(o *Options, v string) error {
			if !validName(v) {
				return errorf("invalid cell name %q: use letters, digits and _, start with a letter or _, at most 64 characters", v)
			}
			o.Name = v
			return nil
		},
		get: func(o *Options) (string, bool) { return o.Name, o.Name != "" }},
	{key: "parameters", flag: true,
		set: func(o *Options, _ string) error { o.Parameters = true; return nil },
		get: func(o *Options) (string, bool) { return "", o.Parameters }},
	{key: "skip", flag: true,
		set: func(o *Options, _ string) error { o.Skip = true; return nil },
		get: func(o *Options) (string, bool) { return "", o.Skip }},
	{key: "depends",
		set: func(o *Options, v string) error {
			for d := range strings.SplitSeq(v, ",") {
				if !validName(d) {
					return errorf("depends: invalid cell name %q (want depends=name1,name2)", d)
				}
				if slices.Contains(o.Depends, d) {
					return errorf("depends: %q named twice", d)
				}
				o.Depends = append(o.Depends, d)
			}
			return nil
		},
		get: func(o *Options) (string, bool) { return strings.Join(o.Depends, ","), len(o.Depends) > 0 }},
	{key: "timeout",
		set: func(o *Options, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errorf("timeout: %q is not a positive duration (want e.g. timeout=30s or timeout=2m)", v)
			}
			o.Timeout = d
			return nil
		},
		get: func(o *Options) (string, bool) { return formatDuration(o.Timeout), o.Timeout != 0 }},
	{key: "expect",
		set: func(o *Options, v string) error {
			if v != "error" {
				return errorf("expect: unknown value %q (the only one is expect=error)", v)
			}
			o.ExpectError = true
			return nil
		},
		get: func(o *Options) (string, bool) { return "error", o.ExpectError }},
	{key: "rows",
		set: func(o *Options, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return errorf("rows: %q is not a non-negative integer (want e.g. rows=10)", v)
			}
			o.Rows = &n
			return nil
		},
		get: func(o *Options) (string, bool) {
			if o.Rows == nil {
				return "", false
			}
			return strconv.Itoa(*o.Rows), true
		}},
	{key: "assert", flag: true,
		set: func(o *Options, _ string) error { o.Assert = true; return nil },
		get: func(o *Options) (string, bool) { return "", o.Assert }},
	{key: "chart",
		set: func(o *Options, v string) error {
			if !slices.Contains(chartKinds, ChartKind(v)) {
				return errorf("chart: unknown kind %q (known: bar, line, scatter, histogram)", v)
			}
			o.Chart.Kind = ChartKind(v)
			return nil
		},
		get: func(o *Options) (string, bool) { return string(o.Chart.Kind), o.Chart.Kind != "" }},
	{key: "x",
		set: func(o *Options, v string) error { o.Chart.X = v; return nil },
		get: func(o *Options) (string, bool) { return o.Chart.X, o.Chart.X != "" }},
	{key: "y",
		set: func(o *Options, v string) error { o.Chart.Y = v; return nil },
		get: func(o *Options) (string, bool) { return o.Chart.Y, o.Chart.Y != "" }},
	{key: "series",
		set: func(o *Options, v string) error { o.Chart.Series = v; return nil },
		get: func(o *Options) (string, bool) { return o.Chart.Series, o.Chart.Series != "" }},
	{key: "title",
		set: func(o *Options, v string) error { o.Chart.Title = v; return nil },
		get: func(o *Options) (string, bool) { return o.Chart.Title, o.Chart.Title != "" }},
}

// OptionNames returns the names of all cell options in canonical order.
func OptionNames() []string {
	names := make([]string, len(optionSpecs))
	for i, s := range optionSpecs {
		names[i] = s.key
	}
	return names
}

func lookupOption(key string) (optionSpec, bool) {
	for _, s := range optionSpecs {
		if s.key == key {
			return s, true
		}
	}
	return optionSpec{}, false
}

func unknownOption(key string) error {
	return errorf("unknown cell option %q (known: %s)", key, strings.Join(OptionNames(), ", "))
}

var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validName reports whether s can name a cell. Names double as nbformat cell
// ids, hence the 64-character limit.
func validName(s string) bool { return len(s) <= 64 && namePattern.MatchString(s) }

// formatDuration writes d the way people write it: 30s, 2m, 1h30m, not
// time.Duration's 2m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// ParseOptions parses the options part of an info string (what follows the
// language), such as `name=top timeout=30s chart=bar x=region y="total sales"`.
// Values containing spaces or quotes are written as Go double-quoted strings.
func ParseOptions(s string) (Options, error) {
	var o Options
	seen := map[string]bool{}
	for s = strings.TrimLeft(s, " \t"); s != ""; s = strings.TrimLeft(s, " \t") {
		tok, key, val, hasVal, rest, err := nextOption(s)
		if err != nil {
			return Options{}, err
		}
		s = rest
		spec, ok := lookupOption(key)
		if !ok {
			return Options{}, unknownOption(key)
		}
		if seen[key] {
			return Options{}, errorf("option %q given twice", key)
		}
		seen[key] = true
		switch {
		case spec.flag && hasVal:
			return Options{}, errorf("option %q takes no value (write %s, not %s)", key, key, tok)
		case !spec.flag && (!hasVal || val == ""):
			return Options{}, errorf("option %q needs a value (%s=...)", key, key)
		}
		if err := spec.set(&o, val); err != nil {
			return Options{}, err
		}
	}
	if err := o.check(); err != nil {
		return Options{}, err
	}
	return o, nil
}

// nextOption splits the first option off s, which starts with a non-blank.
func nextOption(s string) (tok, key, val string, hasVal bool, rest string, err error) {
	end := strings.IndexAny(s, " \t=")
	if end < 0 {
		return s, s, "", false, "", nil
	}
	key = s[:end]
	if s[end] != '=' {
		return key, key, "", false, s[end:], nil
	}
	if key == "" {
		return "", "", "", false, "", errorf("malformed option %q: missing name before =", firstField(s))
	}
	v := s[end+1:]
	if strings.HasPrefix(v, `"`) {
		q, err := strconv.QuotedPrefix(v)
		if err != nil {
			return "", "", "", false, "", errorf("option %q: unterminated or malformed quoted value %s", key, v)
		}
		if after := v[len(q):]; after != "" && after[0] != ' ' && after[0] != '\t' {
			return "", "", "", false, "", errorf("option %q: want a space after the quoted value %s", key, q)
		}
		val, _ = strconv.Unquote(q)
		return s[:end+1+len(q)], key, val, true, v[len(q):], nil
	}
	n := strings.IndexAny(v, " \t")
	if n < 0 {
		n = len(v)
	}
	if strings.Contains(v[:n], `"`) {
		return "", "", "", false, "", errorf("option %q: stray quote in %s (quote the whole value: %s=\"...\")", key, v[:n], key)
	}
	return s[:end+1+n], key, v[:n], true, v[n:], nil
}

func firstField(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return s
}

// check applies the rules that span options.
func (o *Options) check() error {
	c := o.Chart
	if c.Kind == "" {
		for _, f := range []struct{ key, v string }{{"x", c.X}, {"y", c.Y}, {"series", c.Series}, {"title", c.Title}} {
			if f.v != "" {
				return errorf("option %q needs a chart (add chart=bar, line, scatter or histogram)", f.key)
			}
		}
		return nil
	}
	if c.X == "" {
		return errorf("chart=%s needs x=COLUMN", c.Kind)
	}
	if c.Kind == ChartHistogram {
		if c.Y != "" {
			return errorf("chart=histogram bins x and takes no y")
		}
	} else if c.Y == "" {
		return errorf("chart=%s needs y=COLUMN", c.Kind)
	}
	return nil
}

// Validate reports whether o could have come from ParseOptions: every value
// valid and the chart options consistent.
func (o Options) Validate() error {
	for _, d := range o.Depends {
		if !validName(d) {
			return errorf("depends: invalid cell name %q", d)
		}
	}
	_, err := ParseOptions(o.String())
	return err
}

// String returns the options in canonical order and form, as written in an
// info string after the language; "" for no options.
func (o Options) String() string {
	var parts []string
	for _, s := range optionSpecs {
		v, ok := s.get(&o)
		switch {
		case !ok:
		case s.flag:
			parts = append(parts, s.key)
		default:
			parts = append(parts, s.key+"="+quoteValue(v))
		}
	}
	return strings.Join(parts, " ")
}

// quoteValue quotes v if it would not read back as one bare value.
func quoteValue(v string) string {
	if v == "" || strings.ContainsAny(v, " \t\"\\`\r\n") || !strconv.CanBackquote(v) {
		return strconv.Quote(v)
	}
	return v
}

// Equal reports whether o and p are the same options.
func (o Options) Equal(p Options) bool {
	if (o.Rows == nil) != (p.Rows == nil) || (o.Rows != nil && *o.Rows != *p.Rows) {
		return false
	}
	if !slices.Equal(o.Depends, p.Depends) {
		return false
	}
	return o.Name == p.Name && o.Parameters == p.Parameters && o.Skip == p.Skip &&
		o.Timeout == p.Timeout && o.ExpectError == p.ExpectError && o.Assert == p.Assert &&
		o.Chart == p.Chart
}

// jsonObject returns the options as the object stored in .ipynb cell
// metadata: flags as true, rows as a number, every other value as the string
// the info string would hold.
func (o Options) jsonObject() map[string]any {
	m := map[string]any{}
	for _, s := range optionSpecs {
		v, ok := s.get(&o)
		switch {
		case !ok:
		case s.flag:
			m[s.key] = true
		case s.key == "rows":
			m[s.key] = *o.Rows
		default:
			m[s.key] = v
		}
	}
	return m
}

// optionsFromJSON reads the object jsonObject writes, with the same
// validation as ParseOptions. A flag set to false is absent.
func optionsFromJSON(raw json.RawMessage) (Options, error) {
	var m map[string]any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		return Options{}, errorf("options: want an object: %v", err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var o Options
	for _, k := range keys {
		spec, ok := lookupOption(k)
		if !ok {
			return Options{}, unknownOption(k)
		}
		var v string
		switch x := m[k].(type) {
		case bool:
			if !spec.flag {
				return Options{}, errorf("option %q needs a value, got %v", k, x)
			}
			if !x {
				continue
			}
		case string:
			v = x
		case json.Number:
			v = x.String()
		default:
			return Options{}, errorf("option %q: want a string, number or true, got %v", k, x)
		}
		if spec.flag && v != "" {
			return Options{}, errorf("option %q is a flag: want true, got %q", k, v)
		}
		if !spec.flag && v == "" {
			return Options{}, errorf("option %q needs a value", k)
		}
		if err := spec.set(&o, v); err != nil {
			return Options{}, err
		}
	}
	if err := o.check(); err != nil {
		return Options{}, err
	}
	return o, nil
}
