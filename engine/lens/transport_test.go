package lens

import (
	"net/http"
	"testing"
)

// TestRequestTable maps S3 requests to the table whose object they
// address, in both addressing styles.
func TestRequestTable(t *testing.T) {
	c := Count(nil, "s3://bkt/wh")
	cases := []struct {
		name, url string
		want      [2]string // zero: no table's
	}{
		{"path style", "http://127.0.0.1:9000/bkt/wh/s.db/t/data/x.parquet", [2]string{"s", "t"}},
		{"path style, escaped", "http://127.0.0.1:9000/bkt/wh/s.db/t%20u/metadata/v1.metadata.json", [2]string{"s", "t u"}},
		{"virtual-hosted", "https://bkt.s3.us-east-1.amazonaws.com/wh/s.db/t/data/x.parquet", [2]string{"s", "t"}},
		{"another bucket", "http://127.0.0.1:9000/other/wh/s.db/t/data/x.parquet", [2]string{}},
		{"another prefix", "http://127.0.0.1:9000/bkt/wh2/s.db/t/data/x.parquet", [2]string{}},
		{"the catalog", "http://127.0.0.1:9000/bkt/wh/_catalog/tables/s/t.json", [2]string{}},
		{"the lens's own tables", "http://127.0.0.1:9000/bkt/wh/floe_lens.db/storage_daily/data/x.parquet", [2]string{}},
		{"a bucket listing", "http://127.0.0.1:9000/bkt?list-type=2&prefix=wh/", [2]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, tc.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			k := c.requestTable(req)
			var got [2]string
			c.mu.Lock()
			for key, v := range c.by {
				if v == k && k != nil {
					got = key
				}
			}
			c.mu.Unlock()
			if got != tc.want || (k == nil) != (tc.want == [2]string{}) {
				t.Errorf("%s: table %v (counters %p), want %v", tc.url, got, k, tc.want)
			}
		})
	}
}
