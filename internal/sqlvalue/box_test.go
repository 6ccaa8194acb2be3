package sqlvalue

import "testing"

func TestBox(t *testing.T) {
	tests := []struct {
		name           string
		columns, types []string
		rows           [][]string
		footer, want   string
	}{
		{"numbers right, text left", []string{"n", "name"}, []string{"INTEGER", "VARCHAR"},
			[][]string{{"7", "ab"}, {"123", "é"}}, "2 rows",
			"┌─────────┬─────────┐\n" +
				"│ n       │ name    │\n" +
				"│ integer │ varchar │\n" +
				"├─────────┼─────────┤\n" +
				"│       7 │ ab      │\n" +
				"│     123 │ é       │\n" +
				"└─────────┴─────────┘\n" +
				"2 rows\n"},
		{"decimal and unsigned align right", []string{"d", "u"}, []string{"DECIMAL(4,1)", "UTINYINT"},
			[][]string{{"1.5", "2"}}, "1 row",
			"┌──────────────┬──────────┐\n" +
				"│ d            │ u        │\n" +
				"│ decimal(4,1) │ utinyint │\n" +
				"├──────────────┼──────────┤\n" +
				"│          1.5 │        2 │\n" +
				"└──────────────┴──────────┘\n" +
				"1 row\n"},
		{"no types, no rows", []string{"x"}, nil, nil, "0 rows",
			"┌───┐\n│ x │\n│   │\n├───┤\n└───┘\n0 rows\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Box(tc.columns, tc.types, tc.rows, tc.footer); got != tc.want {
				t.Errorf("Box =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestNumericType: number types by their exact names (a width or precision
// aside), so that INTERVAL, INTEGER[] or a STRUCT holding an INT are not
// taken for numbers and right-aligned.
func TestNumericType(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		want bool
	}{
		{"INTEGER", true}, {"BIGINT", true}, {"HUGEINT", true}, {"UTINYINT", true}, {"UHUGEINT", true},
		{"DOUBLE", true}, {"FLOAT", true}, {"DECIMAL(18,3)", true}, {"decimal(4,1)", true}, {" REAL ", true},
		{"INTERVAL", false}, {"INTEGER[]", false}, {"STRUCT(a INTEGER)", false}, {"MAP(VARCHAR, INTEGER)", false},
		{"VARCHAR", false}, {"DATE", false}, {"", false},
	} {
		if got := NumericType(tc.typ); got != tc.want {
			t.Errorf("NumericType(%q) = %v, want %v", tc.typ, got, tc.want)
		}
	}
}
