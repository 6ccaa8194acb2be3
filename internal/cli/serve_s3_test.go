package cli

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog/rest"
	_ "github.com/apache/iceberg-go/io/gocloud/s3" // iceberg-go's S3 FileIO, as a REST client uses it
	"github.com/apache/iceberg-go/table"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/floehq/floe/internal/s3test"
)

// TestServeS3: floe serve over a warehouse in an S3 bucket (versitygw on
// loopback). iceberg-go's REST client loads a table floe wrote and scans it
// with iceberg-go's own S3 FileIO, configured by the vended config plus
// the client's keys; the vended config names the endpoint, region and
// path style and no key unless --vend-credentials; a table iceberg-go
// creates and appends to through the catalog is in the bucket and reads in
// floe sql; floe as the catalog's client (FLOE_CATALOG), reaching S3
// only through the config the catalog vends, reads, time travels, inserts,
// creates tables and changes their rows (position deletes, deletion
// vectors, compaction, CTAS), which floe on the warehouse reads the same,
// and with wrong keys gets access denied naming the object; a table that
// is gone is a 404 naming it.
func TestServeS3(t *testing.T) {
	srv := s3test.Start(t)
	for k, v := range srv.Env() {
		t.Setenv(k, v)
	}
	t.Setenv("FLOE_HOME", t.TempDir())
	wh := "s3://" + srv.Bucket + "/served"
	if out, err := runFloe(t, wh, `CREATE SCHEMA lake.s; CREATE TABLE lake.s.t (id BIGINT, name VARCHAR);
		INSERT INTO lake.s.t SELECT i, 'n' || i FROM range(1, 6) r(i)`); err != nil {
		t.Fatalf("floe sql: %v\n%s", err, out)
	}
	url, _ := startServe(t, wh)
	ctx := context.Background()

	// The vended config, as the client receives it.
	for _, tc := range []struct {
		name string
		args []string
		keys bool
	}{
		{name: "default: no keys"},
		{name: "--vend-credentials", args: []string{"--vend-credentials"}, keys: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := url
			if tc.args != nil {
				u, _ = startServe(t, wh, tc.args...)
			}
			resp, err := http.Get(u + "/v1/namespaces/s/tables/t")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Config map[string]string `json:"config"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("load table: %d, %v", resp.StatusCode, err)
			}
			want := map[string]string{"s3.endpoint": srv.Endpoint, "s3.path-style-access": "true",
				"client.region": s3test.Region, "s3.region": s3test.Region}
			if tc.keys {
				want["s3.access-key-id"], want["s3.secret-access-key"] = s3test.AccessKey, s3test.SecretKey
			}
			for k, v := range want {
				if body.Config[k] != v {
					t.Errorf("config[%s] = %q, want %q", k, body.Config[k], v)
				}
			}
			if !tc.keys {
				for k, v := range body.Config {
					if strings.Contains(k, "key") || strings.Contains(k, "token") || v == s3test.SecretKey {
						t.Errorf("config vends %s", k)
					}
				}
			}
		})
	}

	// iceberg-go reads floe's table through the REST catalog with the vended
	// config (in this process the s3 scheme's file IO is floe's, configured
	// from the same s3.* properties iceberg-go's own S3 FileIO takes).
	keys := iceberg.Properties{"s3.access-key-id": s3test.AccessKey, "s3.secret-access-key": s3test.SecretKey}
	cat, err := rest.NewCatalog(ctx, "floe", url, rest.WithAdditionalProps(keys))
	if err != nil {
		t.Fatal(err)
	}
	tbl, err := cat.LoadTable(ctx, table.Identifier{"s", "t"})
	if err != nil {
		t.Fatal(err)
	}
	if loc := tbl.Location(); !strings.HasPrefix(loc, wh+"/") {
		t.Errorf("lake.s.t is at %s, not in %s", loc, wh)
	}
	data, err := tbl.Scan().ToArrowTable(ctx)
	if err != nil {
		t.Fatalf("iceberg-go scan of lake.s.t: %v", err)
	}
	defer data.Release()
	if got := columnInts(t, data, "id"); !slices.Equal(got, []int64{1, 2, 3, 4, 5}) {
		t.Errorf("iceberg-go reads ids %v, want 1..5", got)
	}

	// iceberg-go creates and appends; floe reads.
	schema := iceberg.NewSchema(0,
		iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64, Required: true},
		iceberg.NestedField{ID: 2, Name: "name", Type: iceberg.PrimitiveTypes.String})
	ext, err := cat.CreateTable(ctx, table.Identifier{"s", "ext"}, schema)
	if err != nil {
		t.Fatal(err)
	}
	if loc := ext.Location(); !strings.HasPrefix(loc, wh+"/s.db/ext") {
		t.Errorf("the table iceberg-go created is at %s, want %s/s.db/ext", loc, wh)
	}
	rows, err := array.TableFromJSON(memory.DefaultAllocator, arrow.NewSchema([]arrow.Field{
		{Name: "id", Type: arrow.PrimitiveTypes.Int64},
		{Name: "name", Type: arrow.BinaryTypes.String, Nullable: true},
	}, nil), []string{`[{"id": 10, "name": "ten"}, {"id": 11, "name": null}]`})
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Release()
	tx := ext.NewTransaction()
	if err := tx.AppendTable(ctx, rows, 2, nil); err != nil {
		t.Fatalf("iceberg-go append: %v", err)
	}
	if _, err := tx.Commit(ctx); err != nil {
		t.Fatalf("iceberg-go commit: %v", err)
	}
	out, err := runFloe(t, wh, "--format", "csv", "SELECT id, coalesce(name, '-') FROM lake.s.ext ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(out, "\n10,ten\n11,-\n") {
		t.Errorf("floe reads %q, want the rows 10,ten and 11,-", out)
	}

	// floe as the REST catalog's client (FLOE_CATALOG), with a home of its
	// own (a cold read cache) and the S3 keys from the environment, but an
	// endpoint and region there that lead nowhere: the tables' objects are
	// reached only through the config the catalog vends. Reads, time travel
	// and INSERT work with the same SQL as on the warehouse itself, and the
	// rows the client inserts are in the bucket for floe on the warehouse.
	remote := []string{"FLOE_CATALOG=rest:" + url, "FLOE_HOME=" + t.TempDir(),
		"AWS_ENDPOINT_URL=http://127.0.0.1:1", "AWS_REGION=nowhere-1"}
	client := func(stmt string) string {
		t.Helper()
		out, stderr, err := floeWith(t, remote, "sql", "--format", "csv", stmt)
		if err != nil {
			t.Fatalf("floe with FLOE_CATALOG=rest:%s: %s: %v\n%s", url, stmt, err, stderr)
		}
		return out
	}
	for _, tc := range []struct{ stmt, want string }{
		{`SELECT count(*) FROM lake.s."ext$snapshots"`, "\n1\n"},
		{"SELECT id, name FROM lake.s.t WHERE id >= 4 ORDER BY id", "\n4,n4\n5,n5\n"},
		{"SELECT id, coalesce(name, '-') FROM lake.s.ext ORDER BY id", "\n10,ten\n11,-\n"},
		{"INSERT INTO lake.s.ext VALUES (12, 'twelve')", ""},
		{"SELECT id, coalesce(name, '-') FROM lake.s.ext ORDER BY id", "\n10,ten\n11,-\n12,twelve\n"},
		{`SELECT count(*) FROM lake.s."ext$snapshots"`, "\n2\n"},
	} {
		if out := client(tc.stmt); !strings.HasSuffix(out, tc.want) {
			t.Errorf("floe with FLOE_CATALOG=rest:%s: %s reads %q, want %q at the end", url, tc.stmt, out, tc.want)
		}
	}
	first := strings.TrimSpace(finalLine(client(`SELECT snapshot_id FROM lake.s."ext$snapshots" ORDER BY committed_at LIMIT 1`)))
	if out := client("SELECT count(*), max(id) FROM lake.s.ext AT (VERSION => " + first + ")"); !strings.HasSuffix(out, "\n2,11\n") {
		t.Errorf("time travel to snapshot %s over the REST catalog reads %q, want 2 rows up to id 11", first, out)
	}
	if out, err := runFloe(t, wh, "--format", "csv", "SELECT id FROM lake.s.ext ORDER BY id"); err != nil || !strings.HasSuffix(out, "\n10\n11\n12\n") {
		t.Errorf("floe on %s reads %q (%v) after the client's INSERT, want ids 10, 11, 12", wh, out, err)
	}

	// Wrong keys on the client: a clear error naming the object and saying
	// what is wrong, not rows.
	wrong := append(slices.Clone(remote), "AWS_SECRET_ACCESS_KEY=wrong")
	if out, stderr, err := floeWith(t, wrong, "sql", "SELECT count(*) FROM lake.s.t"); err == nil ||
		!strings.Contains(stderr, wh+"/s.db/t/") || !strings.Contains(stderr, "access denied") {
		t.Errorf("floe over the REST catalog with a wrong secret key: %v, %q, stderr %q; want access denied, naming the object", err, out, stderr)
	}

	// Tables the client creates through the catalog (in the bucket, where
	// the server puts them), changed row by row: position deletes (v2) and
	// deletion vectors (v3), each read back by the client and by floe on
	// the warehouse itself.
	for _, v := range []string{"2", "3"} {
		name := "lake.s.rows_v" + v
		client(strings.Join([]string{
			"CREATE TABLE " + name + " (id BIGINT, amount INT) TBLPROPERTIES ('format-version'='" + v + "', " +
				"'write.delete.mode'='merge-on-read', 'write.update.mode'='merge-on-read', 'write.merge.mode'='merge-on-read')",
			"INSERT INTO " + name + " SELECT i, i * 10 FROM range(1, 7) r(i)",
			"DELETE FROM " + name + " WHERE id IN (2, 5)",
			"UPDATE " + name + " SET amount = amount + 1 WHERE id = 3",
			"MERGE INTO " + name + " AS t USING (SELECT * FROM (VALUES (1, 0), (7, 70)) v(id, amount)) AS s ON t.id = s.id " +
				"WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.id, s.amount)",
		}, ";\n"))
		const want = "\n3,31\n4,40\n6,60\n7,70\n"
		q := "SELECT id, amount FROM " + name + " ORDER BY id"
		if out := client(q); !strings.HasSuffix(out, want) {
			t.Errorf("v%s: the client reads %q, want %q at the end", v, out, want)
		}
		if out, err := runFloe(t, wh, "--format", "csv", q); err != nil || !strings.HasSuffix(out, want) {
			t.Errorf("v%s: floe on %s reads %q (%v), want %q at the end", v, wh, out, err, want)
		}
		if out := client(`SELECT count(*) FROM lake.s."rows_v` + v + `$delete_files"`); strings.HasSuffix(out, "\n0\n") {
			t.Errorf("v%s: no delete files (%q): the changes were not merge-on-read", v, out)
		}
		// CTAS and compaction (deletes applied) through the catalog.
		copyName := name + "_copy"
		out := client("CREATE TABLE " + copyName + " AS SELECT * FROM " + name + "; " +
			"CALL rewrite_data_files('s.rows_v" + v + "', options => map(['min-input-files'], ['1']))")
		if n, _, _ := strings.Cut(finalLine(out), ","); n == "0" || n == "" {
			t.Errorf("v%s: rewrite_data_files over the REST catalog rewrote nothing: %q", v, out)
		}
		both := "SELECT id, amount FROM " + name + " UNION ALL SELECT id, amount FROM " + copyName + " ORDER BY id, amount"
		if out := client(both); !strings.HasSuffix(out, "\n3,31\n3,31\n4,40\n4,40\n6,60\n6,60\n7,70\n7,70\n") {
			t.Errorf("v%s: after compaction and CTAS the client reads %q, want each of %q twice", v, out, want)
		}
	}

	// A CTAS whose query fails leaves no table and no object behind: the
	// client has the catalog purge the table it made.
	if _, stderr, err := floeWith(t, remote, "sql", "CREATE TABLE lake.s.bad AS SELECT i FROM range(3) r(i) WHERE error('boom') IS NULL"); err == nil || !strings.Contains(stderr, "boom") {
		t.Errorf("failing CTAS over the REST catalog: %v, stderr %q; want the query's error", err, stderr)
	}
	if _, stderr, err := floeWith(t, remote, "sql", "SELECT * FROM lake.s.bad"); err == nil {
		t.Errorf("the failed CTAS left lake.s.bad readable (%s)", stderr)
	}
	objs, err := srv.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String(srv.Bucket), Prefix: aws.String("served/s.db/bad")})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs.Contents {
		if !strings.HasSuffix(aws.ToString(o.Key), "/") {
			t.Errorf("the failed CTAS left object %s", aws.ToString(o.Key))
		}
	}

	// A table that is gone: dropped by floe behind the client's back.
	if out, err := runFloe(t, wh, "DROP TABLE lake.s.t PURGE"); err != nil {
		t.Fatalf("drop: %v\n%s", err, out)
	}
	for _, tc := range []struct{ method, path string }{
		{"GET", "/v1/namespaces/s/tables/t"},
		{"HEAD", "/v1/namespaces/s/tables/t"},
		{"POST", "/v1/namespaces/s/tables/t"},
		{"DELETE", "/v1/namespaces/s/tables/t"},
	} {
		req, _ := http.NewRequest(tc.method, url+tc.path, strings.NewReader(`{"requirements": [], "updates": []}`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Error struct {
				Message string `json:"message"`
				Type    string `json:"type"`
				Code    int    `json:"code"`
			} `json:"error"`
		}
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s %s: %d, want 404", tc.method, tc.path, resp.StatusCode)
		}
		if tc.method != "HEAD" && (body.Error.Type != "NoSuchTableException" || !strings.Contains(body.Error.Message, "s.t")) {
			t.Errorf("%s %s: %+v, want NoSuchTableException naming s.t", tc.method, tc.path, body.Error)
		}
	}
	if _, err := tbl.Scan().ToArrowTable(ctx); err == nil {
		t.Error("iceberg-go scanned the purged table's files")
	} else if !strings.Contains(err.Error(), wh) {
		t.Errorf("scan of the purged table: %v, want the missing object named", err)
	}
}

// finalLine returns the last line of out.
func finalLine(out string) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return lines[len(lines)-1]
}

// columnInts returns an int64 column of an Arrow table, sorted.
func columnInts(t *testing.T, tbl arrow.Table, name string) []int64 {
	t.Helper()
	idx := tbl.Schema().FieldIndices(name)
	if len(idx) != 1 {
		t.Fatalf("no column %s in %s", name, tbl.Schema())
	}
	var out []int64
	for _, c := range tbl.Column(idx[0]).Data().Chunks() {
		a, ok := c.(*array.Int64)
		if !ok {
			t.Fatalf("column %s is %s, not int64", name, c.DataType())
		}
		out = append(out, a.Int64Values()...)
	}
	slices.Sort(out)
	return out
}
