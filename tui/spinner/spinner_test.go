package spinner

import (
	"testing"
	"time"
)

func TestFrame(t *testing.T) {
	for _, tc := range []struct {
		el   time.Duration
		want string
	}{
		{0, "⠋"},
		{Every - time.Millisecond, "⠋"},
		{Every, "⠙"},
		{9 * Every, "⠏"},
		{10 * Every, "⠋"},
		{25*Every + Every/2, "⠴"},
	} {
		if got := Frame(tc.el); got != tc.want {
			t.Errorf("Frame(%s) = %s, want %s", tc.el, got, tc.want)
		}
	}
}
