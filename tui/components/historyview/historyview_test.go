package historyview

import (
	"testing"
	"time"
)

func TestAgo(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		ago  time.Duration
		want string
	}{
		{0, "now"}, {59 * time.Second, "now"}, {time.Minute, "1m ago"}, {59 * time.Minute, "59m ago"},
		{time.Hour, "1h ago"}, {23 * time.Hour, "23h ago"}, {24 * time.Hour, "1d ago"},
		{59 * 24 * time.Hour, "59d ago"}, {90 * 24 * time.Hour, "3mo ago"}, {800 * 24 * time.Hour, "2y ago"},
		{-time.Hour, "now"}, // a clock that went back
	} {
		if got := Ago(now, now.Add(-tc.ago)); got != tc.want {
			t.Errorf("Ago(%v) = %q, want %q", tc.ago, got, tc.want)
		}
	}
}
