package synth

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestRareCategorySurvives: on a table shaped like Adult's training split
// (22,793 rows, ten categorical columns found under DP), at epsilon 1 with
// no declarations, a category held by 1% of the rows is released, and
// values too rare to release are drawn again among the released ones
// rather than invented as NULL: only the column that holds NULLs has them.
func TestRareCategorySurvives(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	loadSurvey(t, sess, "gen.survey")
	rep, err := Run(ctx, sess, Options{From: "gen.survey", Into: "gen.survey_synth", Target: "high", Epsilon: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep.Summary())

	r := query(t, sess, `SELECT count(*) FILTER (WHERE level = 'L9'), count(DISTINCT level),
		count(*) FILTER (WHERE role IS NULL) / count(*)
		FROM lake.gen.survey_synth`)[0]
	if got := r[0].(int64); got < 100 {
		t.Errorf("level L9 (1%% of rows, %d) has %d synthetic rows: the category did not survive", surveyRows/100, got)
	}
	if r[1].(int64) != 9 {
		t.Errorf("%v levels in the synthetic table, want all 9", r[1])
	}
	if share := r[2].(float64); math.Abs(share-0.15) > 0.05 {
		t.Errorf("role is NULL in %.3f of synthetic rows, 0.15 in the source", share)
	}
	// No other column holds a NULL, in the source or the copy. country
	// loses its rarest values, which must not come back as NULL.
	for _, c := range []string{"age", "sector", "level", "status", "household", "grp", "sex", "country", "member", "hours", "amount", "high"} {
		if n := query(t, sess, "SELECT count(*) FROM lake.gen.survey_synth WHERE "+c+" IS NULL")[0][0].(int64); n != 0 {
			t.Errorf("%d synthetic rows have a NULL %s, a value the source never holds", n, c)
		}
	}
	var country ColumnReport
	for _, c := range rep.Columns {
		if c.Name == "country" {
			country = c
		}
	}
	if country.Categories >= 41 || country.Unexplained == nil || !country.SecondPass {
		t.Errorf("country %+v: want its rarest values left out, after a second discovery pass", country)
	}
	if rep.Fidelity.MaxTVD > 0.05 || rep.Fidelity.MaxTargetTVD > 0.10 {
		t.Errorf("largest TVD 1-way %.3f, with the target %.3f", rep.Fidelity.MaxTVD, rep.Fidelity.MaxTargetTVD)
	}
}

// TestRedrawGivenParents: the "other" code of a categorical column with
// released values is never sampled; its mass goes to the released values
// in proportion, for each configuration of the parents separately.
func TestRedrawGivenParents(t *testing.T) {
	sizes := []int{2, 4} // parent: 2 codes; child: 3 values and "other"
	table := []float64{
		60, 30, 0, 10, // parent 0: other holds 10%
		0, 10, 40, 50, // parent 1: other holds half
	}
	d := newCategoricalDomain([]catValue{{s: "a"}, {s: "b"}, {s: "c"}}, true)
	f := conditional(1, []int{0}, sizes, table, nil, d.excluded())
	m := &model{sizes: sizes, order: []int{0, 1}, factors: []factor{
		{child: 0, cum: [][]float64{{0.5, 1}}},
		f,
	}}
	codes := m.sample(rand.New(rand.NewPCG(1, 2)), 40000)
	counts := countTable(codes, sizes, []int{0, 1})
	for pc, want := range [][]float64{{60.0 / 90, 30.0 / 90, 0}, {0, 0.2, 0.8}} {
		row := counts[pc*4 : pc*4+4]
		if row[3] != 0 {
			t.Errorf("parent %d: other drawn %g times", pc, row[3])
		}
		for k, w := range want {
			if got := row[k] / sumOf(row); math.Abs(got-w) > 0.015 {
				t.Errorf("parent %d, value %d: share %.3f, want %.3f", pc, k, got, w)
			}
		}
	}
	// With nothing released, "other" is all there is: it decodes as NULL.
	if e := newCategoricalDomain(nil, true).excluded(); e != -1 {
		t.Errorf("empty domain excludes code %d", e)
	}
}

// TestPublicDomains: declared domains cost no budget, keep rare values the
// private discovery cannot release, never produce values outside the
// domain (nor NULL for them), and are listed in the report.
func TestPublicDomains(t *testing.T) {
	sess := newSession(t)
	ctx := context.Background()
	// grade: A..E, E held by 50 rows (1%), and Z (2%), outside the
	// declared domain; kind: k5 held by 50 rows; code: 1..5 as integers.
	if err := sess.Exec(ctx, `CREATE SCHEMA lake.pub; CREATE TABLE lake.pub.t AS
		SELECT CASE WHEN i % 100 < 48 THEN 'A' WHEN i % 100 < 78 THEN 'B' WHEN i % 100 < 93 THEN 'C'
		            WHEN i % 100 < 97 THEN 'D' WHEN i % 100 < 98 THEN 'E' ELSE 'Z' END AS grade,
		       CASE WHEN i % 100 = 50 THEN 'k5' ELSE 'k' || (1 + (i // 7) % 4) END AS kind,
		       (1 + (i // 3) % 5)::INTEGER AS code,
		       CASE WHEN (i * 7919) % 100 < 30 + 10 * ((i // 3) % 5) THEN 'yes' ELSE 'no' END AS y,
		       ((i * 104729) % 1000)::DOUBLE / 10 AS x
		FROM range(5000) r(i);
		ALTER TABLE lake.pub.t SET TBLPROPERTIES (
		    'floe.synth.public-domain.grade' = '["A", "B", "C", "D", "E", "F"]',
		    'floe.synth.public-domain.code' = '[1, 2, 3, "4", 5]')`); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, sess, Options{From: "pub.t", Into: "pub.public", Target: "y", Epsilon: 1, Seed: 3, Public: []string{"kind"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep.Summary())
	if want := []string{"grade", "kind", "code"}; !slices.Equal(rep.Budget.PublicDomains, want) {
		t.Errorf("public domains %v, want %v", rep.Budget.PublicDomains, want)
	}
	for _, c := range rep.Columns {
		public := c.Name == "grade" || c.Name == "kind" || c.Name == "code"
		if c.PublicDomain != public || (public && (c.DomainRho != 0 || c.Unexplained != nil)) || (!public && c.DomainRho == 0) {
			t.Errorf("column %+v: public %v", c, public)
		}
	}
	if _, _, row := ResultRow(rep); row[len(row)-1] != "grade, kind, code" {
		t.Errorf("result row public_domains = %v", row[len(row)-1])
	}
	categories := map[string]int{}
	for _, c := range rep.Columns {
		categories[c.Name] = c.Categories
	}
	if categories["grade"] != 6 || categories["kind"] != 5 || categories["code"] != 5 {
		t.Errorf("categories %v: want grade's 6 declared values, kind's 5 and code's 5", categories)
	}
	r := query(t, sess, `SELECT count(*) FILTER (WHERE grade = 'E'), count(*) FILTER (WHERE grade NOT IN ('A', 'B', 'C', 'D', 'E', 'F') OR grade IS NULL),
		count(*) FILTER (WHERE code NOT IN (1, 2, 3, 4, 5) OR code IS NULL), count(*)
		FROM lake.pub.public`)[0]
	if r[0].(int64) == 0 {
		t.Error("grade E (1% of rows, declared public) is missing from the synthetic table")
	}
	if r[1].(int64) != 0 || r[2].(int64) != 0 || r[3].(int64) != 5000 {
		t.Errorf("%v rows with a grade outside its domain (or NULL), %v with a code outside 1..5, of %v", r[1], r[2], r[3])
	}

	// Without the declarations, discovery cannot release E or k5 at this
	// size, and Z, which is in the data, is kept.
	if err := sess.Exec(ctx, `ALTER TABLE lake.pub.t UNSET TBLPROPERTIES ('floe.synth.public-domain.grade', 'floe.synth.public-domain.code')`); err != nil {
		t.Fatal(err)
	}
	rep, err = Run(ctx, sess, Options{From: "pub.t", Into: "pub.private", Target: "y", Epsilon: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Budget.PublicDomains) != 0 {
		t.Errorf("public domains %v without declarations", rep.Budget.PublicDomains)
	}
	categories = map[string]int{}
	for _, c := range rep.Columns {
		categories[c.Name] = c.Categories
	}
	if categories["grade"] != 5 || categories["kind"] != 4 {
		t.Errorf("private categories %v: want grade A-D and Z, kind k1-k4", categories)
	}
	r = query(t, sess, `SELECT count(*) FILTER (WHERE grade = 'E'), count(*) FILTER (WHERE grade = 'Z') FROM lake.pub.private`)[0]
	if r[0].(int64) != 0 || r[1].(int64) == 0 {
		t.Errorf("private discovery: %v rows of E, %v of Z; want none and some", r[0], r[1])
	}

	// Declarations that cannot work are refused, naming what is wrong.
	for _, tc := range []struct {
		prop, value string
		o           Options
		want        string
	}{
		{"floe.synth.public-domain.nope", `["a"]`, Options{}, "floe.synth.public-domain.nope names no column"},
		{"floe.synth.public-domain.code", `["1", "two"]`, Options{}, `public domain of code: "two" is not of type INTEGER`},
		{"floe.synth.public-domain.grade", `[]`, Options{}, "the domain is empty"},
		{"floe.synth.public-domain.grade", `"A"`, Options{}, "want a JSON array"},
		{"floe.synth.public-domain.grade", `[["A"]]`, Options{}, `["A"] is not a value`},
		{"", "", Options{Public: []string{"x"}, Numerical: []string{"x"}}, "column x has a public domain, so it is categorical, but is listed as numerical"},
		{"", "", Options{Public: []string{"nope"}}, `public column "nope" is not in the table`},
	} {
		if tc.prop != "" {
			if err := sess.Exec(ctx, "ALTER TABLE lake.pub.t SET TBLPROPERTIES ('"+tc.prop+"' = '"+tc.value+"')"); err != nil {
				t.Fatal(err)
			}
		}
		o := tc.o
		o.From, o.Epsilon, o.Seed = "pub.t", 1, 1
		_, err := Run(ctx, sess, o)
		if !errors.Is(err, ErrInvalidOptions) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s = %s, %+v: err = %v, want %q", tc.prop, tc.value, tc.o, err, tc.want)
		}
		if tc.prop != "" {
			if err := sess.Exec(ctx, "ALTER TABLE lake.pub.t UNSET TBLPROPERTIES ('"+tc.prop+"')"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestParseDomain(t *testing.T) {
	got, err := parseDomain(`["a", 1.50, true, null, "a", 2]`)
	want := []catValue{{s: "a"}, {s: "1.50"}, {s: "true"}, {null: true}, {s: "2"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("parseDomain = %v, %v; want %v", got, err, want)
	}
	for _, bad := range []string{``, `{}`, `[] []`, `[{"a": 1}]`} {
		if _, err := parseDomain(bad); err == nil {
			t.Errorf("parseDomain(%q) accepted", bad)
		}
	}
}
