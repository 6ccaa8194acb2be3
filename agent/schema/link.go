package schema

import (
	"fmt"
	"sort"
	"strings"
)

// weak words in a column name say little about what the column holds:
// "store_name" is about stores, "tenure_months" about tenure.
var weak = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`id name code key num no nr number flag is has value date month day year
		count type amount at ts time dt`) {
		weak[Root(w)] = true
	}
}

// IsWeak reports whether the root of a column-name word is weak.
func IsWeak(root string) bool { return weak[root] }

// synonyms maps a root to roots that mean about the same in analytics
// questions. The list is small and generic on purpose: domain words come
// from the catalog itself (names, comments, values).
var synonyms = map[string][]string{}

func init() {
	groups := [][]string{
		{"customer", "client", "subscriber"},
		{"store", "shop", "outlet", "branch"},
		{"product", "item", "sku"},
		{"revenue", "sales", "turnover", "income", "earnings"},
		{"units", "quantity", "qty", "volume"},
		{"churn", "attrition"},
		{"gender", "sex"},
		{"charges", "spend"},
		{"price", "cost"},
		{"region", "territory", "area"},
	}
	for _, g := range groups {
		for _, a := range g {
			for _, b := range g {
				if a != b {
					synonyms[Root(a)] = append(synonyms[Root(a)], Root(b))
				}
			}
		}
	}
}

// Synonyms returns the roots that mean about the same as root.
func Synonyms(root string) []string { return synonyms[root] }

// Match is how well a table matches a question.
type Match struct {
	Table   Table
	Profile *Profile // nil when not profiled
	Score   float64
	// Columns are the columns the question mentions, by name, with how
	// strongly they matched.
	Columns map[string]float64
	// Values are the profiled values the question mentions, by column.
	Values map[string][]string
}

// Rank scores every table against the question by lexical match on table
// and column names, comments and profiled values, best first. profiles
// maps table names to profiles; tables without one are scored on names
// and comments only.
func Rank(question string, tables []Table, profiles map[string]*Profile) []Match {
	toks := Tokens(question)
	var qroots []string
	seen := map[string]bool{}
	for _, t := range toks {
		if !t.Num && !IsStop(t.Lower) && !seen[t.Root] {
			seen[t.Root] = true
			qroots = append(qroots, t.Root)
		}
	}
	out := make([]Match, 0, len(tables))
	for _, t := range tables {
		m := Match{Table: t, Profile: profiles[t.Name], Columns: map[string]float64{}, Values: map[string][]string{}}
		m.Score = score(&m, toks, qroots)
		out = append(out, m)
	}
	// Ties go to the table with more rows: an empty table rarely answers.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Table.Rows > out[j].Table.Rows
	})
	return out
}

func score(m *Match, toks []Token, qroots []string) float64 {
	t := m.Table
	total := 0.0
	if len(qroots) > 0 {
		name := rootSet(SplitName(t.ShortName()))
		ns := map[string]bool{}
		if parts := strings.Split(t.Name, "."); len(parts) >= 2 {
			ns = rootSet(parts[len(parts)-2])
		}
		comment := rootSet(t.Comment)
		cols := make([]map[string]bool, len(t.Columns))
		notes := make([]map[string]bool, len(t.Columns))
		for i, c := range t.Columns {
			cols[i] = rootSet(SplitName(c.Name))
			if c.Comment != "" {
				notes[i] = rootSet(c.Comment)
			}
		}
		for _, r := range qroots {
			best := 0.0
			for k, cand := range append([]string{r}, Synonyms(r)...) {
				f := 1.0
				if k > 0 {
					f = 0.8
				}
				if !weak[cand] {
					if name[cand] {
						best = max(best, 3*f)
					}
					if ns[cand] {
						best = max(best, 2*f)
					}
				}
				for i, c := range t.Columns {
					s := 0.0
					switch {
					case cols[i][cand] && !weak[cand]:
						s = 2 * f
					case cols[i][cand]:
						s = f
					case notes[i][cand]:
						s = 0.5 * f
					}
					if s > 0 {
						best = max(best, s)
						m.Columns[c.Name] = max(m.Columns[c.Name], s)
					}
				}
				if comment[cand] {
					best = max(best, 0.5*f)
				}
			}
			total += best
		}
	}
	// Values: a question that names a value of a column is about its table.
	if m.Profile != nil {
		for _, c := range m.Profile.Columns {
			for _, v := range c.Values {
				n, full := valueIn(toks, v)
				if n == 0 {
					continue
				}
				s := 1.5
				if full {
					s = 2 + float64(n)
				}
				total += s
				m.Columns[c.Name] = max(m.Columns[c.Name], s)
				m.Values[c.Name] = append(m.Values[c.Name], v)
			}
		}
	}
	return total
}

// valueIn reports whether the question's tokens contain value: all its
// words in order (full), or a distinctive run of them. It returns the
// number of words matched.
func valueIn(toks []Token, value string) (int, bool) {
	vw := Tokens(value)
	if len(vw) == 0 {
		return 0, false
	}
	for i := range toks {
		j := 0
		for j < len(vw) && i+j < len(toks) && toks[i+j].Root == vw[j].Root {
			j++
		}
		if j == len(vw) {
			if len(vw) == 1 && (IsStop(vw[0].Lower) || len(vw[0].Lower) <= 2) && toks[i].Text != value {
				return 0, false // "no", "us": only as spelled in the data
			}
			return j, true
		}
	}
	return 0, false
}

func rootSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, t := range Tokens(s) {
		if !IsStop(t.Lower) {
			out[t.Root] = true
		}
	}
	return out
}

// Describe writes a compact description of a table for a prompt: its name,
// row count and comment, then one line per column with its type, comment
// and, from the profile, its values or range. With columns non-nil only
// those columns are listed, and a note counts the rest.
func Describe(b *strings.Builder, t Table, p *Profile, columns map[string]bool) {
	b.WriteString("table " + t.Name)
	rows := t.Rows
	if p != nil && p.Rows >= 0 {
		rows = p.Rows
	}
	if rows >= 0 {
		fmt.Fprintf(b, " (%d rows)", rows)
	}
	if t.Comment != "" {
		b.WriteString(": " + oneLine(t.Comment))
	}
	b.WriteString("\n")
	hidden := 0
	for i, c := range t.Columns {
		if columns != nil && !columns[c.Name] {
			hidden++
			continue
		}
		b.WriteString("  " + c.Name + " " + c.Type)
		if c.Comment != "" {
			b.WriteString(" -- " + oneLine(c.Comment))
		}
		if p != nil && i < len(p.Columns) {
			cp := p.Columns[i]
			switch {
			case len(cp.Values) > 0:
				b.WriteString("; values: ")
				for k, v := range cp.Values {
					if k == 12 {
						fmt.Fprintf(b, ", ... (%d in all)", len(cp.Values))
						break
					}
					if k > 0 {
						b.WriteString(", ")
					}
					b.WriteString(QuoteString(v))
				}
			case cp.Distinct >= 0:
				fmt.Fprintf(b, "; %d distinct", cp.Distinct)
			case cp.Min != nil:
				fmt.Fprintf(b, "; %s .. %s", Render(cp.Min), Render(cp.Max))
			}
		}
		b.WriteString("\n")
	}
	if hidden > 0 {
		fmt.Fprintf(b, "  ... %d more columns (describe_table lists them)\n", hidden)
	}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// EstimateTokens estimates how many tokens a model's tokenizer makes of s,
// with the usual rule of thumb of four bytes of English or SQL per token.
func EstimateTokens(s string) int { return (len(s) + 3) / 4 }
