package offline_test

import (
	"strings"
	"testing"
)

// heldOut6Schemas are asked about only by the sixth held-out set
// (testdata/eval/heldout6.txt: written 2026-12-03 and kept locked until it
// is measured once), written apart from the planner and from the other
// parts: a generated esports league (singular tables, PascalCase columns),
// restaurant group (plural tables, abbreviated snake_case, a numeric
// status code), charity (tbl_-prefixed tables, entity-prefixed columns,
// letter codes, NULL end dates meaning still active) and community
// pharmacy (camelCase with ID keys, a status lookup table, timestamps)
// schema. That set also asks about census and telco.
var heldOut6Schemas = []string{"esports", "restaurant", "charity", "pharmacy"}

func init() {
	evalSchemas = append(evalSchemas, heldOut6Schemas...)
}

// heldOut6Min is the sixth set's size by schema, as written: 15 questions
// over each shared table and 24 over each generated schema.
var heldOut6Min = map[string]int{"census": 15, "telco": 15, "esports": 24, "restaurant": 24, "charity": 24, "pharmacy": 24}

// TestEvalReferencesHeldOut6 checks the sixth held-out set the way its
// author checked it: every reference runs on its schema and returns rows,
// a ranking has no tie at its cut-off, and the planner is not asked. No
// question may repeat one of the tuned part or of the fifth held-out set,
// or one of its own (compared as TestEvalSplit compares them); only the
// sixth set's line is named.
func TestEvalReferencesHeldOut6(t *testing.T) {
	const file = "testdata/eval/heldout6.txt"
	key := func(q string) string { return strings.TrimRight(strings.ToLower(q), "?.") }
	seen := map[string]bool{}
	for _, other := range []string{"testdata/eval/tuned.txt", "testdata/eval/heldout.txt"} {
		for _, qs := range evalQuestions(t, other) {
			for _, q := range qs {
				seen[key(q.Q)] = true
			}
		}
	}
	own := map[string]int{}
	set := evalQuestions(t, file)
	for name, want := range heldOut6Min {
		if len(set[name]) < want {
			t.Errorf("%s: %d questions over %s, want at least %d", file, len(set[name]), name, want)
		}
	}
	for _, qs := range set {
		for _, q := range qs {
			k := key(q.Q)
			if seen[k] {
				t.Errorf("%s:%d: %q is asked in another part too", file, q.Line, q.Q)
			}
			if first, ok := own[k]; ok {
				t.Errorf("%s:%d: %q is asked twice (first at line %d)", file, q.Line, q.Q, first)
			}
			own[k] = q.Line
		}
	}
	checkReferences(t, file)
}
