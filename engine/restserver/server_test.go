package restserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/apache/iceberg-go"
	"github.com/apache/iceberg-go/catalog"
	"github.com/apache/iceberg-go/catalog/catalogtest"
	"github.com/apache/iceberg-go/catalog/rest"
	"github.com/apache/iceberg-go/table"

	"github.com/floehq/floe/engine"
)

// fixture is a fresh warehouse served on a loopback port.
type fixture struct {
	t   testing.TB
	ctx context.Context
	wh  *engine.Warehouse
	srv *httptest.Server
}

func serve(t testing.TB, opts Options) *fixture {
	t.Helper()
	ctx := context.Background()
	wh, err := engine.Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wh.Close() })
	srv := httptest.NewServer(New(wh, opts))
	t.Cleanup(srv.Close)
	return &fixture{t: t, ctx: ctx, wh: wh, srv: srv}
}

// client connects iceberg-go's REST catalog client to the server.
func (f *fixture) client(opts ...rest.Option) *rest.Catalog {
	f.t.Helper()
	cat, err := rest.NewCatalog(f.ctx, "floe", f.srv.URL, opts...)
	if err != nil {
		f.t.Fatalf("connect REST client: %v", err)
	}
	f.t.Cleanup(func() { cat.Close() })
	return cat
}

// do sends a raw request and returns the status and the decoded body.
func (f *fixture) do(method, path, token, body string) (int, map[string]any) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rsp.Body.Close()
	b, _ := io.ReadAll(rsp.Body)
	var out map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &out); err != nil {
			f.t.Fatalf("%s %s: response is not JSON: %q", method, path, b)
		}
	}
	return rsp.StatusCode, out
}

// TestConformance runs iceberg-go's catalog conformance suite against the
// server through iceberg-go's REST client, with and without a prefix.
func TestConformance(t *testing.T) {
	for _, prefix := range []string{"", "lake"} {
		t.Run("prefix="+prefix, func(t *testing.T) {
			f := serve(t, Options{Prefix: prefix})
			catalogtest.RunCatalogTests(t, catalogtest.Config{
				SupportsNamespaceProperties: true,
				NewCatalog: func(t *testing.T) catalog.Catalog {
					return f.client()
				},
			})
		})
	}
}

var testSchema = iceberg.NewSchema(0,
	iceberg.NestedField{ID: 1, Name: "id", Type: iceberg.PrimitiveTypes.Int64},
	iceberg.NestedField{ID: 2, Name: "name", Type: iceberg.PrimitiveTypes.String},
)

// TestErrors checks the status, the ErrorModel type and the message of
// bad requests, sent raw.
func TestErrors(t *testing.T) {
	f := serve(t, Options{})
	cat := f.client()
	if err := cat.CreateNamespace(f.ctx, table.Identifier{"sales"}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := cat.CreateTable(f.ctx, table.Identifier{"sales", "orders"}, testSchema); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		typ, msg                 string
	}{
		{"malformed create namespace", "POST", "/v1/namespaces", `{"namespace": ["x"`, 400, "BadRequestException", "malformed JSON in the create namespace request body: it ends"},
		{"bad JSON token", "POST", "/v1/namespaces", `{"namespace": [x]}`, 400, "BadRequestException", "malformed JSON in the create namespace request body at byte 16"},
		{"empty body", "POST", "/v1/namespaces", ``, 400, "BadRequestException", "needs a JSON body"},
		{"wrong type", "POST", "/v1/namespaces", `{"namespace": "x"}`, 400, "BadRequestException", `field "namespace"`},
		{"malformed commit", "POST", "/v1/namespaces/sales/tables/orders", `{"requirements": [}`, 400, "BadRequestException", "malformed JSON in the commit table request body"},
		{"unknown update action", "POST", "/v1/namespaces/sales/tables/orders", `{"updates": [{"action": "frobnicate"}]}`, 400, "BadRequestException", "frobnicate"},
		{"create table without schema", "POST", "/v1/namespaces/sales/tables", `{"name": "t"}`, 400, "BadRequestException", "has no schema"},
		{"bad table name", "POST", "/v1/namespaces/sales/tables", `{"name": "a/b", "schema": {"type": "struct", "fields": []}}`, 400, "BadRequestException", `cannot contain "/"`},
		{"nested namespace", "POST", "/v1/namespaces", `{"namespace": ["a", "b"]}`, 406, "UnsupportedOperationException", "has 2 levels"},
		{"unknown table", "GET", "/v1/namespaces/sales/tables/nope", ``, 404, "NoSuchTableException", "lake.sales.nope"},
		{"unknown table commit", "POST", "/v1/namespaces/sales/tables/nope", `{"requirements": [], "updates": []}`, 404, "NoSuchTableException", "lake.sales.nope"},
		{"unknown table drop", "DELETE", "/v1/namespaces/sales/tables/nope", ``, 404, "NoSuchTableException", "nope"},
		{"unknown namespace", "GET", "/v1/namespaces/nowhere", ``, 404, "NoSuchNamespaceException", "nowhere"},
		{"unknown namespace tables", "GET", "/v1/namespaces/nowhere/tables", ``, 404, "NoSuchNamespaceException", "nowhere"},
		{"create in unknown namespace", "POST", "/v1/namespaces/nowhere/tables", `{"name": "t", "schema": {"type": "struct", "fields": []}}`, 404, "NoSuchNamespaceException", "nowhere"},
		{"namespace exists", "POST", "/v1/namespaces", `{"namespace": ["sales"]}`, 409, "AlreadyExistsException", "sales"},
		{"table exists", "POST", "/v1/namespaces/sales/tables", `{"name": "orders", "schema": {"type": "struct", "fields": []}}`, 409, "AlreadyExistsException", "orders"},
		{"namespace not empty", "DELETE", "/v1/namespaces/sales", ``, 409, "NamespaceNotEmptyException", "sales"},
		{"failed requirement", "POST", "/v1/namespaces/sales/tables/orders", `{"requirements": [{"type": "assert-table-uuid", "uuid": "00000000-0000-0000-0000-000000000001"}], "updates": []}`, 409, "CommitFailedException", "commit lake.sales.orders: requirement failed (assert-table-uuid): UUID mismatch"},
		{"identifier mismatch", "POST", "/v1/namespaces/sales/tables/orders", `{"identifier": {"namespace": ["sales"], "name": "other"}, "updates": []}`, 400, "BadRequestException", "the body names lake.sales.other"},
		{"property in removals and updates", "POST", "/v1/namespaces/sales/properties", `{"removals": ["a"], "updates": {"a": "1"}}`, 422, "UnprocessableEntityException", `"a"`},
		{"bad purge flag", "DELETE", "/v1/namespaces/sales/tables/orders?purgeRequested=maybe", ``, 400, "BadRequestException", "purgeRequested"},
		{"empty transaction", "POST", "/v1/transactions/commit", `{"table-changes": []}`, 400, "BadRequestException", "empty"},
		{"transaction on unknown table", "POST", "/v1/transactions/commit", `{"table-changes": [{"identifier": {"namespace": ["sales"], "name": "nope"}, "requirements": [], "updates": []}]}`, 404, "NoSuchTableException", "lake.sales.nope"},
		{"register overwrite", "POST", "/v1/namespaces/sales/register", `{"name": "r", "metadata-location": "/x", "overwrite": true}`, 406, "UnsupportedOperationException", "overwrite"},
		{"register missing file", "POST", "/v1/namespaces/sales/register", `{"name": "r", "metadata-location": "/does/not/exist.metadata.json"}`, 400, "BadRequestException", "/does/not/exist.metadata.json"},
		{"unknown endpoint", "GET", "/v1/nothing/here/at/all", ``, 404, "NoSuchEndpointException", "/v1/nothing"},
		{"metrics of unknown table", "POST", "/v1/namespaces/sales/tables/nope/metrics", `{"report-type": "scan-report"}`, 404, "NoSuchTableException", "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.do(tc.method, tc.path, "", tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d; body %v", status, tc.status, body)
			}
			e, _ := body["error"].(map[string]any)
			if e == nil {
				t.Fatalf("no error model in %v", body)
			}
			if e["type"] != tc.typ || e["code"] != float64(tc.status) {
				t.Errorf("type %v code %v, want %s %d", e["type"], e["code"], tc.typ, tc.status)
			}
			if msg, _ := e["message"].(string); !strings.Contains(msg, tc.msg) {
				t.Errorf("message %q does not contain %q", msg, tc.msg)
			}
		})
	}
	// Nothing a bad request touched changed the table.
	if _, err := f.wh.Table(f.ctx, "sales", "orders"); err != nil {
		t.Fatalf("the table is gone after the bad requests: %v", err)
	}
}

// TestAuth checks bearer tokens: none is 401, a read token on a change is
// 403, a write token may do everything, and the OAuth2 client-credentials
// exchange issues a token iceberg-go's client uses.
func TestAuth(t *testing.T) {
	f := serve(t, Options{Tokens: map[string]Access{"r-tok": Read, "w-tok": Write}})
	tests := []struct {
		name, method, path, token, body string
		status                          int
	}{
		{"no token", "GET", "/v1/namespaces", "", "", 401},
		{"unknown token", "GET", "/v1/namespaces", "nope", "", 401},
		{"read token reads", "GET", "/v1/namespaces", "r-tok", "", 200},
		{"read token writes", "POST", "/v1/namespaces", "r-tok", `{"namespace": ["a"]}`, 403},
		{"write token writes", "POST", "/v1/namespaces", "w-tok", `{"namespace": ["a"]}`, 200},
		{"read token drops", "DELETE", "/v1/namespaces/a", "r-tok", "", 403},
		{"config needs a token", "GET", "/v1/config", "", "", 401},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body := f.do(tc.method, tc.path, tc.token, tc.body)
			if status != tc.status {
				t.Fatalf("status %d, want %d; body %v", status, tc.status, body)
			}
		})
	}
	t.Run("client with bearer token", func(t *testing.T) {
		cat := f.client(rest.WithOAuthToken("w-tok"))
		if err := cat.CreateNamespace(f.ctx, table.Identifier{"b"}, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("client with read token", func(t *testing.T) {
		cat := f.client(rest.WithOAuthToken("r-tok"))
		err := cat.CreateNamespace(f.ctx, table.Identifier{"c"}, nil)
		if !errorsIs(err, rest.ErrForbidden) {
			t.Fatalf("got %v, want ErrForbidden", err)
		}
	})
	t.Run("client credentials", func(t *testing.T) {
		cat := f.client(rest.WithCredential("floe:w-tok"))
		if err := cat.CreateNamespace(f.ctx, table.Identifier{"d"}, nil); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("wrong client credentials", func(t *testing.T) {
		_, err := rest.NewCatalog(f.ctx, "floe", f.srv.URL, rest.WithCredential("floe:wrong"))
		if err == nil {
			t.Fatal("connected with a wrong secret")
		}
	})
}

// TestVendedConfig checks that LoadTable hands out the storage settings a
// reader needs and no secret unless the operator allows it.
func TestVendedConfig(t *testing.T) {
	storage := iceberg.Properties{"s3.endpoint": "http://127.0.0.1:9000", "s3.region": "us-east-1",
		"s3.path-style-access": "true", "s3.secret-access-key": "hush", "s3.access-key-id": "AK"}
	for _, allow := range []bool{false, true} {
		f := serve(t, Options{StorageConfig: storage, VendSecrets: allow})
		cat := f.client()
		cat.CreateNamespace(f.ctx, table.Identifier{"s"}, nil)
		if _, err := cat.CreateTable(f.ctx, table.Identifier{"s", "t"}, testSchema); err != nil {
			t.Fatal(err)
		}
		status, body := f.do("GET", "/v1/namespaces/s/tables/t", "", "")
		if status != 200 {
			t.Fatalf("load: %d %v", status, body)
		}
		cfg, _ := body["config"].(map[string]any)
		if cfg["s3.endpoint"] != "http://127.0.0.1:9000" || cfg["s3.path-style-access"] != "true" {
			t.Errorf("VendSecrets=%v: config %v lacks the endpoint settings", allow, cfg)
		}
		if _, has := cfg["s3.secret-access-key"]; has != allow {
			t.Errorf("VendSecrets=%v: secret key vended: %v", allow, has)
		}
	}
}

// TestStatuses checks the success codes the spec gives, parent listings,
// HEAD, and a server-side fault: a table whose metadata file is corrupt
// is a 500 naming the file, and the other tables stay readable.
func TestStatuses(t *testing.T) {
	f := serve(t, Options{Prefix: "lake"})
	cat := f.client()
	cat.CreateNamespace(f.ctx, table.Identifier{"s"}, nil)
	for _, n := range []string{"good", "bad"} {
		if _, err := cat.CreateTable(f.ctx, table.Identifier{"s", n}, testSchema); err != nil {
			t.Fatal(err)
		}
	}
	badLoc, _ := f.wh.MetadataLocation(f.ctx, "s", "bad")
	badPath, _ := engine.LocalPath(badLoc)
	if err := os.WriteFile(badPath, []byte(`{"format-version": 2, "table-uu`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		method, path, body string
		status             int
		want               string // in the body
	}{
		{"GET", "/v1/config", "", 200, `"prefix":"lake"`},
		{"GET", "/v1/lake/namespaces", "", 200, `"namespaces":[["s"]]`},
		{"GET", "/v1/lake/namespaces?parent=s", "", 200, `"namespaces":[]`},
		{"GET", "/v1/lake/namespaces?parent=nowhere", "", 404, "NoSuchNamespaceException"},
		{"HEAD", "/v1/lake/namespaces/s", "", 204, ""},
		{"HEAD", "/v1/lake/namespaces/nowhere", "", 404, ""},
		{"HEAD", "/v1/lake/namespaces/s/tables/good", "", 204, ""},
		{"HEAD", "/v1/lake/namespaces/s/tables/nope", "", 404, ""},
		{"GET", "/v1/lake/namespaces/s/tables", "", 200, `{"namespace":["s"],"name":"bad"},{"namespace":["s"],"name":"good"}`},
		{"POST", "/v1/lake/namespaces/s/tables/good/metrics", `{"report-type": "scan-report", "table-name": "s.good"}`, 204, ""},
		{"GET", "/v1/lake/namespaces/s/tables/good", "", 200, `"metadata-location"`},
		{"GET", "/v1/lake/namespaces/s/tables/bad", "", 500, badPath},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, f.srv.URL+tc.path, strings.NewReader(tc.body))
			rsp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer rsp.Body.Close()
			b, _ := io.ReadAll(rsp.Body)
			if rsp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", rsp.StatusCode, tc.status, b)
			}
			if !strings.Contains(string(b), tc.want) {
				t.Errorf("body %s does not contain %s", b, tc.want)
			}
		})
	}
}

// TestPagination lists namespaces and tables a page at a time through
// iceberg-go's client (pageSize, then next-page-token until it is empty),
// with a table made between two pages.
func TestPagination(t *testing.T) {
	f := serve(t, Options{})
	cat := f.client()
	for _, ns := range []string{"a", "b", "c", "d", "e"} {
		if err := cat.CreateNamespace(f.ctx, table.Identifier{ns}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []string{"t1", "t2", "t3", "t4", "t5", "t6", "t7"} {
		if _, err := cat.CreateTable(f.ctx, table.Identifier{"a", n}, testSchema); err != nil {
			t.Fatal(err)
		}
	}
	ctx := cat.SetPageSize(f.ctx, 2)
	nss, err := cat.ListNamespaces(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(nss) != 5 || nss[0][0] != "a" || nss[4][0] != "e" {
		t.Errorf("paged namespaces %v", nss)
	}
	var names []string
	for id, err := range cat.ListTables(ctx, table.Identifier{"a"}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, id[1])
		if id[1] == "t3" {
			// Made after its page was read: later pages are unaffected.
			cat.CreateTable(f.ctx, table.Identifier{"a", "t0"}, testSchema)
		}
	}
	if want := []string{"t1", "t2", "t3", "t4", "t5", "t6", "t7"}; strings.Join(names, ",") != strings.Join(want, ",") {
		t.Errorf("paged tables %v, want %v", names, want)
	}
	status, body := f.do("GET", "/v1/namespaces?pageSize=0", "", "")
	if status != 400 {
		t.Errorf("pageSize=0: %d %v", status, body)
	}
	status, body = f.do("GET", "/v1/namespaces/a/tables?pageSize=3", "", "")
	if status != 200 || body["next-page-token"] != "t2" {
		t.Errorf("first page of 3: %d %v", status, body)
	}
}
