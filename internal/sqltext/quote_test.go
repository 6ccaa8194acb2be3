package sqltext

import "testing"

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, ident, always string }{
		{"orders", "orders", `"orders"`},
		{"a_1", "a_1", `"a_1"`},
		{"_x", "_x", `"_x"`},
		{"Orders", `"Orders"`, `"Orders"`},
		{"Order Date", `"Order Date"`, `"Order Date"`},
		{"2024_sales", `"2024_sales"`, `"2024_sales"`},
		{`a"b`, `"a""b"`, `"a""b"`},
		{"t$snapshots", `"t$snapshots"`, `"t$snapshots"`},
		{"", `""`, `""`},
		{"select", `"select"`, `"select"`},  // reserved
		{"lambda", `"lambda"`, `"lambda"`},  // reserved
		{"left", `"left"`, `"left"`},        // type_function
		{"at", `"at"`, `"at"`},              // type_function
		{"integer", "integer", `"integer"`}, // column_name
		{"year", "year", `"year"`},          // unreserved
		{"naïve", `"naïve"`, `"naïve"`},
	} {
		if got := QuoteIdent(tc.in); got != tc.ident {
			t.Errorf("QuoteIdent(%q) = %s, want %s", tc.in, got, tc.ident)
		}
		if got := Quote(tc.in); got != tc.always {
			t.Errorf("Quote(%q) = %s, want %s", tc.in, got, tc.always)
		}
	}
	if got, want := QuoteName("lake.Sales.order"), `lake."Sales"."order"`; got != want {
		t.Errorf("QuoteName = %s, want %s", got, want)
	}
	if got, want := QuoteString("it's"), `'it''s'`; got != want {
		t.Errorf("QuoteString = %s, want %s", got, want)
	}
	for w, want := range map[string]Category{"SELECT": Reserved, "Join": TypeFunction, "values": ColumnName, "year": Unreserved, "orders": NotKeyword} {
		if got := KeywordCategory(w); got != want {
			t.Errorf("KeywordCategory(%s) = %v, want %v", w, got, want)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`"My ""T"""`: `My "T"`, ` "a" `: "a", "plain": "plain", "  Mixed ": "Mixed",
		`"a" "b"`: `"a" "b"`, `"open`: `"open`, `""`: "",
	} {
		if got := Unquote(in); got != want {
			t.Errorf("Unquote(%q) = %q, want %q", in, got, want)
		}
	}
}
