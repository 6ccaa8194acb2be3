package synth

import (
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"

	"github.com/floehq/floe/engine"
)

// Options say what to synthesize and the release conditions. The zero value
// of every field but From and Epsilon is a sensible default.
type Options struct {
	// From is the source table, "ns.table" or "lake.ns.table".
	From string
	// Into is the destination table. Empty: evaluate only, write nothing
	// (no table, no ledger row).
	Into string
	// Replace overwrites an existing destination table.
	Replace bool
	// Target is the column a model will predict. It shapes the model (the
	// target's relationships are measured first) and the utility report.
	Target string

	// Epsilon and Delta are the differential-privacy budget of the
	// release. Delta 0 means min(1e-9, 1/n²) for a source of n rows.
	Epsilon float64
	Delta   float64

	// MinFidelity and MinProtection are the release thresholds in [0, 1]
	// on the fidelity and privacy scores.
	MinFidelity   float64
	MinProtection float64

	// Categorical, Numerical and Drop override the column classes chosen
	// from types and cardinality.
	Categorical []string
	Numerical   []string
	Drop        []string
	// Bounds are public knowledge about Numerical columns: two values are
	// the range (bin edges inside it are still chosen under DP), more are
	// the bin edges themselves (no budget spent on them).
	Bounds map[string][]float64
	// Public lists categorical columns whose set of values the data owner
	// declares public knowledge (education levels, countries, enums): the
	// model uses those values as given and spends no budget finding them,
	// so none is lost for being rare. The values are the column's table
	// property floe.synth.public-domain.COLUMN (a JSON array) when it has
	// one (the property alone also makes a column public), else the
	// distinct values the column holds, NULL included if present. Taking
	// them from the data is private only because the owner asserts they
	// are public: do not list a column whose values are themselves
	// sensitive. Rows holding a value outside a declared domain are drawn
	// again among the domain's values, given the rest of the row.
	Public []string
	// Bins is the most bins a Numerical column gets, rounded up to a power
	// of two; default 16.
	Bins int

	// Rows is the number of synthetic rows; default the source's.
	Rows int
	// Seed makes a run deterministic. Zero draws a random seed. A seed is
	// a secret: whoever knows it and the code can recompute the noise, so
	// a seeded release is only private while the seed is.
	Seed uint64
}

// Limits on options.
const (
	minEpsilon  = 0.01
	maxEpsilon  = 1000
	maxDelta    = 1e-3
	defaultBins = 16
	maxBins     = 256
)

// validate checks the options that need no data.
func (o *Options) validate() error {
	if o.From == "" {
		return fmt.Errorf("%w: no source table (from)", ErrInvalidOptions)
	}
	if !(o.Epsilon > 0) || o.Epsilon > maxEpsilon || math.IsInf(o.Epsilon, 0) {
		return fmt.Errorf("%w: epsilon must be in [%g, %d], got %g", ErrInvalidOptions, minEpsilon, maxEpsilon, o.Epsilon)
	}
	if o.Epsilon < minEpsilon {
		return fmt.Errorf("%w: epsilon %g is too small to give a useful table: below %g the noise added to every count the model measures is larger than most tables' row counts, so the synthetic rows would carry no information from the source; use at least %g (0.3 to 10 is the useful range)",
			ErrInvalidOptions, o.Epsilon, minEpsilon, minEpsilon)
	}
	if o.Delta < 0 || o.Delta > maxDelta || math.IsNaN(o.Delta) {
		return fmt.Errorf("%w: delta must be in (0, %g], got %g", ErrInvalidOptions, maxDelta, o.Delta)
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"min_fidelity", o.MinFidelity}, {"min_protection", o.MinProtection}} {
		if t.v < 0 || t.v > 1 || math.IsNaN(t.v) {
			return fmt.Errorf("%w: %s must be in [0, 1], got %g", ErrInvalidOptions, t.name, t.v)
		}
	}
	if o.Bins != 0 && (o.Bins < 2 || o.Bins > maxBins) {
		return fmt.Errorf("%w: bins must be in [2, %d], got %d", ErrInvalidOptions, maxBins, o.Bins)
	}
	if o.Rows < 0 {
		return fmt.Errorf("%w: rows must be positive, got %d", ErrInvalidOptions, o.Rows)
	}
	names := make([]string, 0, len(o.Bounds))
	for k := range o.Bounds {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		b := o.Bounds[k]
		if len(b) < 2 {
			return fmt.Errorf("%w: bounds for %s need at least two values (low, high), got %v", ErrInvalidOptions, k, b)
		}
		for i, v := range b {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%w: bounds for %s: %v is not a number", ErrInvalidOptions, k, v)
			}
			if i > 0 && v <= b[i-1] {
				return fmt.Errorf("%w: bounds for %s must increase: %v", ErrInvalidOptions, k, b)
			}
		}
	}
	if _, _, err := parseTable(o.From); err != nil {
		return err
	}
	if o.Into != "" {
		if _, _, err := parseTable(o.Into); err != nil {
			return err
		}
		if sameTable(o.From, o.Into) {
			return fmt.Errorf("%w: the destination is the source table %s", ErrInvalidOptions, o.From)
		}
	}
	return nil
}

// CheckGiven checks a bins or rows value the user gave explicitly. Options
// reads 0 as "the default", but a user who writes --bins 0 or rows => 0
// asks for a table that cannot be useful: that is refused, not defaulted.
func CheckGiven(option string, v int) error {
	switch {
	case option == "bins" && v < 2:
		return fmt.Errorf("%w: bins must be in [2, %d], got %d: a numerical column needs at least two bins to keep any of its distribution (leave it out for the default %d)", ErrInvalidOptions, maxBins, v, defaultBins)
	case option == "rows" && v < 1:
		return fmt.Errorf("%w: rows must be at least 1, got %d (leave it out for as many rows as the source)", ErrInvalidOptions, v)
	}
	return nil
}

// levels is the number of recursive-median rounds for Bins.
func (o *Options) levels() int {
	b := o.Bins
	if b == 0 {
		b = defaultBins
	}
	return bits.Len(uint(b - 1))
}

// parseTable splits "ns.table" or "lake.ns.table" (parts may be
// double-quoted).
func parseTable(s string) (ns, name string, err error) {
	parts := splitName(strings.TrimSpace(s))
	if len(parts) == 3 && strings.EqualFold(parts[0], "lake") {
		parts = parts[1:]
	}
	if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
		return "", "", fmt.Errorf("%w: table %q: write it as ns.table or lake.ns.table", ErrInvalidOptions, s)
	}
	return parts[0], parts[1], nil
}

func splitName(s string) []string {
	var parts []string
	var cur strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' && quoted && i+1 < len(s) && s[i+1] == '"':
			cur.WriteByte('"')
			i++
		case c == '"':
			quoted = !quoted
		case c == '.' && !quoted:
			parts = append(parts, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	return append(parts, cur.String())
}

func sameTable(a, b string) bool {
	an, at, _ := parseTable(a)
	bn, bt, _ := parseTable(b)
	return an == bn && at == bt
}

// tableIdent is a table's SQL name, lake.ns.table, quoted.
func tableIdent(ns, name string) string {
	return "lake." + engine.QuoteIdent(ns) + "." + engine.QuoteIdent(name)
}

// displayName is a table's name as users write it.
func displayName(ns, name string) string { return "lake." + ns + "." + name }
