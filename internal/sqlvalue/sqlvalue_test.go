package sqlvalue

import (
	"math/big"
	"testing"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

func TestFormat(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{nil, "NULL"},
		{"", ""},
		{int64(-3), "-3"},
		{true, "true"},
		{[]byte{0, 255}, `\x00ff`},
		{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), "2024-02-29"},
		{time.Date(2024, 2, 29, 13, 4, 5, 0, time.UTC), "2024-02-29 13:04:05"},
		{time.Date(2024, 2, 29, 13, 4, 5, 120000000, time.UTC), "2024-02-29 13:04:05.12"},
		{1234567.25, "1234567.25"},
		{1e20, "1e+20"},
		{duckdb.Decimal{Width: 8, Scale: 2, Value: big.NewInt(1200)}, "12.00"},
		{duckdb.Decimal{Width: 8, Scale: 3, Value: big.NewInt(-5)}, "-0.005"},
		{[]any{int32(1), nil}, "[1, NULL]"},
		{map[string]any{"b": "x", "a": int64(1)}, "{'a': 1, 'b': x}"},
	}
	for _, tc := range tests {
		if got := Format(tc.in); got != tc.want {
			t.Errorf("Format(%#v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
