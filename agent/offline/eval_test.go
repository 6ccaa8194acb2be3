package offline_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/agent"
	"github.com/floehq/floe/agent/internal/agenttest"
	"github.com/floehq/floe/agent/lake"
	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/lakesql"
)

// The evaluation over unseen schemas: testdata/eval holds six schemas the
// planner was not designed around (a generated shop and HR schema, the
// Adult and Telco tables of the shared datasets, and a generated library
// and logistics schema made for the held-out part) and
// questions with reference SQL over them in two parts: a tuned part and a
// held-out part, written apart from the tuned part and from the planner.
// Private schemas (logi, clinic, energy, billing, stock; uni, helpdesk and
// fleet of the fourth pass; stream; concerts of the seventh pass) and the
// storage metrics (floe_lens) add tuning questions only.
// On 2026-12-03 the held-out part (98 questions over shop, hr, census,
// telco, library and logistics) became tuning data, in tuned.txt below
// secondSetMarker; later that day the third held-out set (115 questions
// over census, telco, airline, payroll and rentals) followed it, below
// thirdSetMarker; the fourth set (140 questions over census, telco, hotel,
// insurance, gym and brewery) followed them on 2026-12-03 too, below
// fourthSetMarker, and the fifth (122 questions over census, telco,
// school, farm, museum and retail) below fifthSetMarker, also on
// 2026-12-03. heldout.txt holds the sixth set (126 questions over census,
// telco, esports, restaurant, charity and pharmacy), written apart from
// the planner that day.
// Each schema is its own warehouse, and each question is asked the way
// `floe ask` asks it (agent.Ask with no model), so that profiling and
// linking are part of what is measured.

// evalDataDir holds the shared public datasets, relative to this package.
const evalDataDir = "../../../shared/data"

// evalSchemas are the evaluation's schemas: each is a namespace, built by
// testdata/eval/<name>.sql in a warehouse of its own. logi is a private
// tuning schema (abbreviated names, two dates, a key join), written with
// the planner's confidence rules to check that they are general; library
// and logistics were made for the second held-out set, tuning data since.
var evalSchemas = []string{"shop", "hr", "census", "telco", "library", "logistics", "logi", "clinic", "energy", "billing", "stock", "floe_lens", "uni", "helpdesk", "fleet", "stream", "concerts", "bikeshare"}

// heldOut3Schemas are asked about only by the third held-out set
// (tuned.txt below thirdSetMarker since 2026-12-03), written apart from the planner and from the
// other parts: a generated airline (camelCase), payroll (abbreviated
// snake_case) and property-rentals schema. That set also asks about census
// and telco.
var heldOut3Schemas = []string{"airline", "payroll", "rentals"}

// heldOut4Schemas are asked about only by the fourth held-out set
// (tuned.txt below fourthSetMarker since 2026-12-03), written apart from the planner and from
// the other parts: a generated hotel (camelCase), insurance (abbreviated
// snake_case), gym (plural tables, full words) and brewery (a status
// column with NULL end dates meaning still active) schema. That set also
// asks about census and telco.
var heldOut4Schemas = []string{"hotel", "insurance", "gym", "brewery"}

// heldOut5Schemas are asked about only by the fifth held-out set
// (tuned.txt below fifthSetMarker since 2026-12-03; written that day and
// kept locked until it was measured), written apart from the planner and
// from the other parts:
// a generated school (camelCase), farm (abbreviated snake_case), museum
// (plural tables, full words) and retail (status columns with NULL end
// dates meaning still active) schema. That set also asks about census and
// telco.
var heldOut5Schemas = []string{"school", "farm", "museum", "retail"}

func init() {
	evalSchemas = append(evalSchemas, heldOut3Schemas...)
	evalSchemas = append(evalSchemas, heldOut4Schemas...)
	evalSchemas = append(evalSchemas, heldOut5Schemas...)
}

// Targets of issue 13, asserted on the schemas this checkout can build.
const (
	tunedTarget   = 0.95
	heldOutTarget = 0.85
	wrongCeiling  = 0.03
)

// evalWarehouse is one evaluation schema in a warehouse of its own.
type evalWarehouse struct {
	sess    *lakesql.Session
	agent   *agent.Agent
	missing string // a data file the schema needs and this checkout lacks
	err     error
}

var (
	evalMu     sync.Mutex
	evalDir    string
	evalOpen   = map[string]*evalWarehouse{}
	evalCloses []func()
)

// closeEval closes the evaluation's warehouses; TestMain calls it.
func closeEval() {
	evalMu.Lock()
	defer evalMu.Unlock()
	for i := len(evalCloses) - 1; i >= 0; i-- {
		evalCloses[i]()
	}
	evalCloses = nil
	if evalDir != "" {
		os.RemoveAll(evalDir)
	}
}

var dataRef = regexp.MustCompile(`\{\{data\}\}/([A-Za-z0-9._-]+)`)

// openEval returns the warehouse of schema name, building it on first use.
// A schema whose data file is absent skips the test, naming the path.
func openEval(t *testing.T, name string) *evalWarehouse {
	t.Helper()
	evalMu.Lock()
	w, ok := evalOpen[name]
	if !ok {
		w = buildEval(name)
		evalOpen[name] = w
	}
	evalMu.Unlock()
	if w.missing != "" {
		t.Skipf("schema %s needs %s (the shared public datasets beside the repo, present in CI, absent in a fresh clone)", name, w.missing)
	}
	if w.err != nil {
		t.Fatalf("schema %s: %v", name, w.err)
	}
	return w
}

func buildEval(name string) *evalWarehouse {
	ctx := context.Background()
	w := &evalWarehouse{}
	src, err := os.ReadFile(filepath.Join("testdata", "eval", name+".sql"))
	if err != nil {
		w.err = err
		return w
	}
	data, err := filepath.Abs(evalDataDir)
	if err != nil {
		w.err = err
		return w
	}
	for _, m := range dataRef.FindAllStringSubmatch(string(src), -1) {
		p := filepath.Join(data, m[1])
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			w.missing = p
			return w
		}
	}
	text := strings.ReplaceAll(string(src), "{{data}}", filepath.ToSlash(data))
	if evalDir == "" {
		if evalDir, err = os.MkdirTemp("", "floe-eval-"); err != nil {
			w.err = err
			return w
		}
	}
	wh, err := engine.Open(ctx, filepath.Join(evalDir, name))
	if err != nil {
		w.err = err
		return w
	}
	s, err := lakesql.Open(ctx, wh)
	if err != nil {
		wh.Close()
		w.err = err
		return w
	}
	evalCloses = append(evalCloses, func() { s.Close(); wh.Close() })
	for _, stmt := range sqlStatements(text) {
		if err := s.Exec(ctx, stmt); err != nil {
			w.err = fmt.Errorf("%s.sql: %w\n%s", name, err, stmt)
			return w
		}
	}
	w.sess = s
	w.agent = agent.New(agent.Config{Provider: agent.ProviderOffline, MaxRows: 100_000}, lake.NewCatalog(s))
	return w
}

// sqlStatements splits a script into statements: "--" lines are comments
// and a statement ends with a semicolon at the end of a line.
func sqlStatements(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		cur.WriteString(line + "\n")
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			out = append(out, strings.TrimSuffix(strings.TrimSpace(cur.String()), ";"))
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

var schemaOf = regexp.MustCompile(`lake\.([a-z_]+)\.`)

// evalQuestions reads a part of the evaluation, by schema.
func evalQuestions(t *testing.T, file string) map[string][]agenttest.Question {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	qs, err := agenttest.ParseQuestions(string(b))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	known := map[string]bool{}
	for _, name := range evalSchemas {
		known[name] = true
	}
	out := map[string][]agenttest.Question{}
	for _, q := range qs {
		m := schemaOf.FindStringSubmatch(q.SQL)
		if m == nil {
			t.Fatalf("%s:%d: the reference names no lake.<schema>.<table>", file, q.Line)
		}
		if !known[m[1]] {
			t.Fatalf("%s:%d: the reference names schema %s, not one of evalSchemas %v", file, q.Line, m[1], evalSchemas)
		}
		out[m[1]] = append(out[m[1]], q)
	}
	return out
}

// ordered reports whether a reference asks for its rows in order.
var ordered = regexp.MustCompile(`(?i)\border\s+by\b`)

// tally counts the outcomes of one schema's questions.
type tally struct{ n, correct, wrong, refused int }

func (c *tally) add(o tally) {
	c.n += o.n
	c.correct += o.correct
	c.wrong += o.wrong
	c.refused += o.refused
}

func (c tally) String() string {
	if c.n == 0 {
		return "no questions"
	}
	pct := func(k int) float64 { return 100 * float64(k) / float64(c.n) }
	return fmt.Sprintf("%d/%d correct (%.1f%%), %d wrong (%.1f%%), %d refused", c.correct, c.n, pct(c.correct),
		c.wrong, pct(c.wrong), c.refused)
}

// evaluate asks every question of a part in its schema's warehouse and
// grades the answer by running the reference: correct (same result),
// wrong (an answer with a different result, or a query that fails) or
// refused (the planner said what it could not map). With show unset only
// the totals are printed: the held-out part is looked at only to report.
func evaluate(t *testing.T, file string, show bool) (total tally, by map[string]tally) {
	total, by, _ = evaluateSplit(t, file, show)
	return total, by
}

// evaluateSplit is evaluate that also tallies, by schema, the questions
// of each segment of the file that splits opens: segment k holds the
// questions after line splits[k] and up to line splits[k+1] (the last
// segment runs to the end of the file).
func evaluateSplit(t *testing.T, file string, show bool, splits ...int) (total tally, by map[string]tally, segs []map[string]tally) {
	ctx := context.Background()
	by = map[string]tally{}
	segs = make([]map[string]tally, len(splits))
	for k := range segs {
		segs[k] = map[string]tally{}
	}
	parts := evalQuestions(t, file)
	for _, name := range evalSchemas {
		qs := parts[name]
		if len(qs) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			w := openEval(t, name)
			var c tally
			late := make([]tally, len(splits))
			for _, q := range qs {
				o := gradeOne(ctx, t, w, file, q, show)
				c.add(o)
				for k := len(splits) - 1; k >= 0; k-- {
					if q.Line > splits[k] {
						late[k].add(o)
						break
					}
				}
			}
			t.Logf("%s %s: %s", file, name, c)
			total.add(c)
			by[name] = c
			for k, l := range late {
				if l.n > 0 {
					segs[k][name] = l
				}
			}
		})
	}
	t.Logf("%s, all schemas that ran: %s", file, total)
	return total, by, segs
}

// gradeOne asks one question and grades its answer against the reference.
func gradeOne(ctx context.Context, t *testing.T, w *evalWarehouse, file string, q agenttest.Question, show bool) tally {
	t.Helper()
	want, err := agenttest.Run(ctx, w.sess, q.SQL)
	if err != nil {
		t.Fatalf("%s:%d: reference SQL fails: %v", file, q.Line, err)
	}
	ans, err := w.agent.Ask(ctx, q.Q, nil)
	switch {
	case errors.Is(err, offline.ErrNotUnderstood):
		if show {
			t.Logf("REFUSED %s:%d %q: %v", file, q.Line, q.Q, err)
		}
		return tally{n: 1, refused: 1}
	case err != nil:
		if show {
			t.Logf("WRONG %s:%d %q: %v", file, q.Line, q.Q, err)
		}
		return tally{n: 1, wrong: 1}
	}
	same := agenttest.Same
	if ordered.MatchString(q.SQL) {
		same = agenttest.SameOrdered
	}
	if ok, why := same(want, ans.Result); !ok {
		if show {
			t.Logf("WRONG %s:%d %q: %s\n%s", file, q.Line, q.Q, why, ans.SQL)
		}
		return tally{n: 1, wrong: 1}
	}
	if show && os.Getenv("FLOE_EVAL_SHOW") == "all" {
		t.Logf("ok %q\n%s", q.Q, ans.SQL)
	}
	return tally{n: 1, correct: 1}
}

func checkTargets(t *testing.T, part string, c tally, target float64) {
	t.Helper()
	if c.n == 0 {
		t.Fatalf("%s: no questions ran", part)
	}
	if acc := float64(c.correct) / float64(c.n); acc < target {
		t.Errorf("%s: accuracy %.1f%%, want at least %.0f%%", part, 100*acc, 100*target)
	}
	if wr := float64(c.wrong) / float64(c.n); wr > wrongCeiling {
		t.Errorf("%s: %.1f%% wrong answers, want at most %.0f%%", part, 100*wr, 100*wrongCeiling)
	}
}

// secondSetMarker opens the second held-out set inside tuned.txt: the 98
// questions heldout.txt held until 2026-12-03, measured once and tuning
// data since.
const secondSetMarker = "# Second held-out set (measured once on 2026-12-03, tuning data since)"

// thirdSetMarker opens the third held-out set inside tuned.txt: the 115
// questions heldout.txt held until 2026-12-03 (census, telco, airline,
// payroll, rentals), measured once and tuning data since.
const thirdSetMarker = "# Third held-out set (measured once on 2026-12-03, tuning data since)"

// markerLine returns the line of file that is marker.
func markerLine(t *testing.T, file, marker string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		if line == marker {
			return i + 1
		}
	}
	t.Fatalf("%s: no line %q", file, marker)
	return 0
}

// secondSetFloor holds the figures (correct and wrong answers by schema)
// of the second held-out set, so that a change which makes the planner
// worse on it fails. It was the held-out part until 2026-12-03: first
// measured on main at 8ecc015, when it was written anew for issue 13:
// 61/98 correct, 5 wrong (shop 11/0, hr 11/1, census 10/0, telco 11/0,
// library 13/4, logistics 5/0). After the confidence rules of issue 13:
// 75/98 correct, 3 wrong. After the third pass: 81/98, 3 wrong. After the
// fourth pass (measured once, the last time as a held-out part): 82/98
// correct, 3 wrong. After the fifth pass (tuned on it, with the private
// stream schema): 83/98 correct, none wrong, the floor below. Raise the
// floor when the planner improves; never lower it to let a change through.
var secondSetFloor = map[string]tally{
	"shop":      {n: 12, correct: 12, wrong: 0},
	"hr":        {n: 13, correct: 13, wrong: 0},
	"census":    {n: 12, correct: 11, wrong: 0},
	"telco":     {n: 12, correct: 12, wrong: 0},
	"library":   {n: 24, correct: 16, wrong: 0},
	"logistics": {n: 25, correct: 19, wrong: 0},
}

// thirdSetFloor holds the figures of the third held-out set (below
// thirdSetMarker in tuned.txt), so that a change which makes the planner
// worse on it fails. It was the held-out part until 2026-12-03, first
// measured once by the lead after the sixth tuning pass, before anyone
// looked at an outcome: 55/115 correct (47.8%), 10 wrong (8.7%), those
// figures being this floor's start. After the seventh pass (tuned on it,
// with the private concerts schema): 79/115 correct (68.7%), none wrong
// (census 20, telco 18, airline 13, payroll 14, rentals 14), the floor
// below. Raise the floor when the planner improves; never lower it to let
// a change through.
var thirdSetFloor = map[string]tally{
	"census":  {n: 22, correct: 20, wrong: 0},
	"telco":   {n: 22, correct: 18, wrong: 0},
	"airline": {n: 23, correct: 14, wrong: 0},
	"payroll": {n: 23, correct: 15, wrong: 0},
	"rentals": {n: 25, correct: 19, wrong: 0},
}

// privateMarker opens the private schema of the seventh pass inside
// tuned.txt: concerts.sql and its questions, written together before the
// planner was run on them.
const privateMarker = "# Private schema of the seventh pass (held to its own floor)"

// fourthSetMarker opens the fourth held-out set inside tuned.txt: the 140
// questions that were heldout.txt until 2026-12-03.
const fourthSetMarker = "# Fourth held-out set (measured once on 2026-12-03, tuning data since)"

// fourthSetFloor holds the figures of the fourth held-out set (below
// fourthSetMarker in tuned.txt). It was the held-out part until
// 2026-12-03, measured once by the lead after the seventh tuning pass,
// before anyone looked at an outcome: 40/140 correct (28.6%), 22 wrong
// (15.7%), 78 refused; those figures were this floor's start. After the
// confidence gate (gate.go: every content word accounted for, every part
// of the plan from words of the question) and the fixes its wrong answers
// exposed (a rate or share with no scale shown as a fraction and a
// percentage, a list of keys named, a grain's NULL dates left out, "by"
// a grained date not grouped twice): 49/140 correct, none wrong. With
// the eighth pass's coverage (anti-joins, two-hop joins,
// short table names and code values, durations) merged in: 66/140, none
// wrong, the floor. Raise it when the planner improves; never lower it to
// let a change through.
var fourthSetFloor = map[string]tally{
	"census":    {n: 16, correct: 5, wrong: 0},
	"telco":     {n: 16, correct: 12, wrong: 0},
	"hotel":     {n: 27, correct: 12, wrong: 0},
	"insurance": {n: 27, correct: 14, wrong: 0},
	"gym":       {n: 27, correct: 10, wrong: 0},
	"brewery":   {n: 27, correct: 13, wrong: 0},
}

// privateFloor holds the figures of the seventh pass's private schema.
// First measured (before any rule was changed for it): 13/27 correct, 8
// wrong; after the rules its wrong answers exposed (a price is not named
// by its thing alone, "revenue" names money and never a row or an id,
// "sold out" is a flag's name): 16/27 correct, none wrong, the floor.
// Raise it when the planner improves; never lower it.
var privateFloor = map[string]tally{
	"concerts": {n: 27, correct: 17, wrong: 0},
}

// gateMarker opens the private schema of the confidence gate's pass inside
// tuned.txt: bikeshare.sql and its questions, written together before the
// planner was run on them.
const gateMarker = "# Private schema of the gate's pass (held to its own floor)"

// gateFloor holds the figures of the gate's private schema. First
// measured before any rule was changed for it: 14/27 correct, 1 wrong
// ("which station has the most docks" grouped by station_id, showing no
// name), 12 refused. After a grouping by a table's own key shows its name
// column too: 15/27 correct, none wrong; with the eighth pass's
// coverage merged in, 16/27; with the ninth pass ("born" on a birth
// year), 17/27, the floor. Raise it when the planner improves; never lower
// it.
var gateFloor = map[string]tally{
	"bikeshare": {n: 27, correct: 17, wrong: 0},
}

// fifthSetMarker opens the fifth held-out set inside tuned.txt: the 122
// questions that were heldout.txt until 2026-12-03.
const fifthSetMarker = "# Fifth held-out set (measured once on 2026-12-03, tuning data since)"

// fifthSetFloor holds the figures of the fifth held-out set (below
// fifthSetMarker in tuned.txt). It was the held-out part until 2026-12-03,
// measured once by the lead after the eighth tuning pass and the
// confidence gate, before anyone looked at an outcome: 53/122 correct
// (43.4%), 12 wrong (9.8%), 57 refused; those figures were this floor's
// start. After the ninth pass (tuned on it, wrong answers first: a
// table's row noun is no part of a longer value, money words and totals,
// a unique leading key, whole periods, size superlatives, an agentive
// "by", a cost is no revenue): 64/122 correct, 1 wrong; with two-letter
// short forms of a table's rows (ld: "loads"), "heaviest" and units spelled
// out (hectare for _ha): 69/122, 1 wrong; with "born" on a birth year:
// 70/122; with a currency's number on the money column, 71/122; with an
// -able adjective ("most valuable artwork"), 72/122; with the earliest
// date of a named date column, 73/122; with a participle in -wn naming
// its verb's date ("sown": sow_dt): 74/122 (60.7%), 1 wrong (0.8%), 47
// refused, the floor below.
// The one wrong answer, "artworks acquired since 2020", is a count in its
// reference where the same form in the clinic schema ("doctors hired
// since 2019") lists the rows. Raise the floor when the planner improves;
// never lower it to let a change through.
var fifthSetFloor = map[string]tally{
	"census": {n: 13, correct: 11, wrong: 0},
	"telco":  {n: 12, correct: 9, wrong: 0},
	"school": {n: 24, correct: 14, wrong: 0},
	"farm":   {n: 24, correct: 14, wrong: 0},
	"museum": {n: 24, correct: 14, wrong: 1},
	"retail": {n: 25, correct: 12, wrong: 0},
}

// TestEvalTuned runs the tuned part of the unseen-schema evaluation.
//
// The storage-metrics questions (floe_lens, issue 19) were first held to
// their own floor (1 of 4 correct, 1 wrong, when they were added); since
// the planner answers them (14 of 14, after ten more phrasings) they are
// part of the tuned target, and their floor is that figure. The second
// held-out set (below secondSetMarker) is held to secondSetFloor by
// schema, the third (below thirdSetMarker) to thirdSetFloor and the
// seventh pass's private schema (below privateMarker) to privateFloor, the
// fourth set to fourthSetFloor, the gate's private schema to gateFloor and
// the fifth set (below fifthSetMarker) to fifthSetFloor; the tuned target is
// asserted on the questions before the second set and reported with them.
func TestEvalTuned(t *testing.T) {
	const file = "testdata/eval/tuned.txt"
	second, third, private, fourth, gate, fifth := markerLine(t, file, secondSetMarker), markerLine(t, file, thirdSetMarker), markerLine(t, file, privateMarker), markerLine(t, file, fourthSetMarker), markerLine(t, file, gateMarker), markerLine(t, file, fifthSetMarker)
	if !(second < third && third < private && private < fourth && fourth < gate && gate < fifth) {
		t.Fatalf("%s: the markers are out of order (second set line %d, third set line %d, private schema line %d, fourth set line %d, gate's private schema line %d, fifth set line %d)", file, second, third, private, fourth, gate, fifth)
	}
	all, by, segs := evaluateSplit(t, file, true, second, third, private, fourth, gate, fifth)
	first := all
	for k, seg := range []struct {
		name  string
		floor map[string]tally
	}{{"second held-out set (tuning data since 2026-12-03)", secondSetFloor},
		{"third held-out set (tuning data since 2026-12-03)", thirdSetFloor},
		{"private schema of the seventh pass", privateFloor},
		{"fourth held-out set (tuning data since 2026-12-03)", fourthSetFloor},
		{"private schema of the gate's pass", gateFloor},
		{"fifth held-out set (tuning data since 2026-12-03)", fifthSetFloor}} {
		var sum tally
		for _, got := range segs[k] {
			sum.add(got)
		}
		t.Logf("%s, all schemas that ran: %s", seg.name, sum)
		first.n -= sum.n
		first.correct -= sum.correct
		first.wrong -= sum.wrong
		first.refused -= sum.refused
		for _, name := range evalSchemas {
			got, ok := segs[k][name]
			if !ok {
				continue
			}
			t.Logf("%s, %s: %s", seg.name, name, got)
			floor, ok := seg.floor[name]
			if !ok {
				t.Errorf("%s: schema %s has no floor", seg.name, name)
				continue
			}
			if got.n != floor.n || got.correct < floor.correct || got.wrong > floor.wrong {
				t.Errorf("%s, %s: %s; the floor is %s", seg.name, name, got, floor)
			}
		}
	}
	// The tuned target holds for the questions tuned on before the second
	// set became tuning data; with the held-out sets the part is reported
	// until the planner meets the target on all of them.
	t.Logf("tuned part before the second set: %s", first)
	_, census := by["census"]
	_, telco := by["telco"]
	if census && telco {
		checkTargets(t, "tuned part before the second set", first, tunedTarget)
		if acc := float64(all.correct) / float64(all.n); acc < tunedTarget {
			t.Logf("tuned part with the held-out sets: accuracy %.1f%%; the target is at least %.0f%%", 100*acc, 100*tunedTarget)
		}
	} else {
		// Without ../shared/data the Adult and Telco questions do not run,
		// and the rest are the harder part: the target is measured with
		// them; here the floor is the figure measured without them
		// (207/219, 0 wrong, before the fourth pass; 280/295 after it;
		// 332/351 before the second set after the fifth pass).
		t.Logf("the %.0f%% target is measured with ../shared/data (census and telco); holding the floor without it", 100*tunedTarget)
		checkTargets(t, "tuned part before the second set, without census and telco", first, 0.94)
	}
	if lensQ := by["floe_lens"]; lensQ.n > 0 && (lensQ.correct < 14 || lensQ.wrong > 0) {
		t.Errorf("floe_lens questions: %s, below their floor (14 correct, none wrong)", lensQ)
	}
}

// TestEvalHeldOut runs the held-out part. It prints only totals unless
// FLOE_EVAL_SHOW=1 (FLOE_EVAL_SHOW=all prints the correct answers too):
// looking at its questions' outcomes would be tuning on it. Issue 13's
// targets (at least 85% correct, at most 3% wrong) are reported, not
// asserted, until a measured set meets them. While heldout.txt holds no
// questions (its last set became tuning data on 2026-12-03 and a new one
// is being written apart from the planner) it skips, saying so.
func TestEvalHeldOut(t *testing.T) {
	const file = "testdata/eval/heldout.txt"
	if n := len(evalQuestions(t, file)); n == 0 {
		t.Skipf("%s holds no questions: its last set moved to tuned.txt on 2026-12-03 and a new held-out set is not in yet", file)
	}
	c, by := evaluate(t, file, os.Getenv("FLOE_EVAL_SHOW") == "1")
	for name, got := range by {
		floor, ok := heldOutFloor[name]
		if !ok {
			t.Errorf("held-out %s: %s; no floor in heldOutFloor", name, got)
			continue
		}
		if got.n != floor.n || got.correct < floor.correct || got.wrong > floor.wrong {
			t.Errorf("held-out %s: %s; the floor is %s", name, got, floor)
		}
	}
	if c.n == 0 {
		t.Fatalf("%s: no question ran", file)
	}
	if acc := float64(c.correct) / float64(c.n); acc < heldOutTarget {
		t.Logf("held-out part: accuracy %.1f%%; the target is at least %.0f%%", 100*acc, 100*heldOutTarget)
	}
	if wr := float64(c.wrong) / float64(c.n); wr > wrongCeiling {
		t.Logf("held-out part: %.1f%% wrong answers; the target is at most %.0f%%", 100*wr, 100*wrongCeiling)
	}
}

// heldOutFloor holds the sixth held-out set's figures by schema as first
// measured (once, by the lead, on 2026-12-03 after the ninth tuning pass,
// before anyone looked at an outcome): 31/126 correct (24.6%), 7 wrong
// (5.6%), 88 refused. A schema doing worse fails; raise a floor when a
// figure improves. The fifth set's floor moved to fifthSetFloor when it
// became tuning data.
var heldOutFloor = map[string]tally{
	"census":     {n: 15, correct: 8, wrong: 1},
	"telco":      {n: 15, correct: 11, wrong: 0},
	"esports":    {n: 24, correct: 1, wrong: 3},
	"restaurant": {n: 24, correct: 3, wrong: 0},
	"charity":    {n: 24, correct: 3, wrong: 2},
	"pharmacy":   {n: 24, correct: 5, wrong: 1},
}

// heldOutMin is the size of the held-out part issue 13 asks for.
const heldOutMin = 70

// TestEvalSplit checks the evaluation's shape: at least 120 questions over
// at least four schemas, no question twice in either part or across the
// two (compared ignoring case and a final "?" or "."), and a held-out part
// of at least heldOutMin questions over at least four schemas. The
// held-out part is written apart from the tuned part (see its header), so
// no rule derives one part from the other. An empty held-out part (between
// a set becoming tuning data and the next one coming in) is logged, not
// failed: TestEvalHeldOut says so too.
func TestEvalSplit(t *testing.T) {
	seen := map[string]string{}
	schemas := map[string]bool{}
	n := 0
	for _, part := range []struct {
		file    string
		heldOut bool
	}{{"testdata/eval/tuned.txt", false}, {"testdata/eval/heldout.txt", true}} {
		qs := evalQuestions(t, part.file)
		held, over := 0, 0
		for _, name := range evalSchemas {
			held += len(qs[name])
			if len(qs[name]) > 0 {
				schemas[name] = true
				over++
			}
			for _, q := range qs[name] {
				n++
				key := strings.TrimRight(strings.ToLower(q.Q), "?.")
				if first, ok := seen[key]; ok {
					t.Errorf("%s:%d: %q is asked twice (first at %s)", part.file, q.Line, q.Q, first)
				}
				seen[key] = fmt.Sprintf("%s:%d", part.file, q.Line)
			}
		}
		switch {
		case !part.heldOut:
		case held == 0:
			t.Logf("%s holds no questions yet: its shape is checked once a new held-out set is in", part.file)
		case held < heldOutMin || over < 4:
			t.Errorf("%s: %d questions over %d schemas, want at least %d over 4", part.file, held, over, heldOutMin)
		}
	}
	if n < 120 || len(schemas) < 4 {
		t.Errorf("%d questions over %d schemas, want at least 120 over 4", n, len(schemas))
	}
}

var topK = regexp.MustCompile(`(?is)^(.*\border\s+by\b.*?)\s+limit\s+(\d+)\s*$`)

// TestEvalReferences checks the reference SQL itself: every reference runs
// and returns rows, and a ranking's reference has no tie at its cut-off or
// inside it, so that its order is one answer, not one of several.
func TestEvalReferences(t *testing.T) {
	checkReferences(t, "testdata/eval/tuned.txt", "testdata/eval/heldout.txt")
}

// TestEvalReferencesHeldOut checks the held-out set the way its author
// checked it: the references run on the schemas, the planner is not asked.
// No question of the set may repeat one of the tuned part (compared as
// TestEvalSplit compares them); only the held-out set's line is named.
func TestEvalReferencesHeldOut(t *testing.T) {
	const file = "testdata/eval/heldout.txt"
	seen := map[string]bool{}
	for _, qs := range evalQuestions(t, "testdata/eval/tuned.txt") {
		for _, q := range qs {
			seen[strings.TrimRight(strings.ToLower(q.Q), "?.")] = true
		}
	}
	own := map[string]int{}
	for _, qs := range evalQuestions(t, file) {
		for _, q := range qs {
			key := strings.TrimRight(strings.ToLower(q.Q), "?.")
			if seen[key] {
				t.Errorf("%s:%d: %q is asked in another part too", file, q.Line, q.Q)
			}
			if first, ok := own[key]; ok {
				t.Errorf("%s:%d: %q is asked twice (first at line %d)", file, q.Line, q.Q, first)
			}
			own[key] = q.Line
		}
	}
	checkReferences(t, file)
}

func checkReferences(t *testing.T, files ...string) {
	ctx := context.Background()
	all := map[string][]agenttest.Question{}
	for _, f := range files {
		for name, qs := range evalQuestions(t, f) {
			all[name] = append(all[name], qs...)
		}
	}
	for _, name := range evalSchemas {
		if len(all[name]) == 0 {
			continue
		}
		t.Run(name, func(t *testing.T) {
			w := openEval(t, name)
			for _, q := range all[name] {
				res, err := agenttest.Run(ctx, w.sess, q.SQL)
				if err != nil {
					t.Errorf("line %d %q: %v", q.Line, q.Q, err)
					continue
				}
				if len(res.Rows) == 0 || len(res.Rows) == 1 && len(res.Rows[0]) == 1 && res.Rows[0][0] == nil {
					t.Errorf("line %d %q: the reference returns nothing", q.Line, q.Q)
				}
				m := topK.FindStringSubmatch(q.SQL)
				if m == nil {
					continue
				}
				k, _ := strconv.Atoi(m[2])
				more, err := agenttest.Run(ctx, w.sess, fmt.Sprintf("SELECT * FROM (%s) LIMIT %d", m[1], k+1))
				if err != nil {
					t.Fatal(err)
				}
				last := len(more.Columns) - 1
				var keys []string
				for _, r := range more.Rows {
					keys = append(keys, fmt.Sprint(r[last]))
				}
				for i := 1; i < len(keys); i++ {
					if keys[i] == keys[i-1] {
						t.Errorf("line %d %q: rows %d and %d tie on %s = %s", q.Line, q.Q, i, i+1, more.Columns[last], keys[i])
					}
				}
			}
		})
	}
}
