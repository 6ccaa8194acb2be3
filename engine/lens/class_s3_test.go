package lens

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// classKeeper sits on loopback in front of a versitygw server and keeps
// objects' storage classes as S3 does, which versitygw v1.8.0 does not:
// its posix backend ignores x-amz-storage-class on PutObject and
// CopyObject and answers STANDARD in every HeadObject and listing
// (backend/posix/posix.go). Everything else, the objects and signatures
// included, is versitygw's. It remembers the class a successful PUT (a
// copy onto itself, as S3 documents for changing a class, or an upload)
// gave a key, forgets it on DELETE or on a PUT without one, and reports it
// where S3 does: x-amz-storage-class on HEAD and GET (absent for
// STANDARD), <StorageClass> in ListObjectsV2.
type classKeeper struct {
	mu      sync.Mutex
	classes map[string]string // "/bucket/key" -> class
	srv     *httptest.Server
}

func startClassKeeper(t *testing.T, upstream string) *classKeeper {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	k := &classKeeper{classes: map[string]string{}}
	rp := httputil.NewSingleHostReverseProxy(u) // the Host header stays the one the client signed
	rp.ModifyResponse = k.modify
	k.srv = httptest.NewServer(rp)
	t.Cleanup(k.srv.Close)
	return k
}

var listedObject = regexp.MustCompile(`(?s)<Contents>.*?</Contents>`)
var listedKey = regexp.MustCompile(`<Key>([^<]*)</Key>`)
var listedClass = regexp.MustCompile(`<StorageClass>[^<]*</StorageClass>`)

func (k *classKeeper) modify(resp *http.Response) error {
	req := resp.Request
	key := req.URL.Path
	ok := resp.StatusCode/100 == 2
	k.mu.Lock()
	defer k.mu.Unlock()
	switch req.Method {
	case http.MethodPut:
		if !ok || req.URL.Query().Has("partNumber") {
			return nil
		}
		if c := req.Header.Get("X-Amz-Storage-Class"); c != "" && c != "STANDARD" {
			k.classes[key] = c
		} else {
			delete(k.classes, key)
		}
	case http.MethodDelete:
		if ok {
			delete(k.classes, key)
		}
	case http.MethodHead, http.MethodGet:
		if !ok {
			return nil
		}
		if req.URL.Query().Get("list-type") != "2" {
			if c := k.classes[key]; c != "" {
				resp.Header.Set("X-Amz-Storage-Class", c)
			}
			return nil
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		bucket := "/" + strings.Trim(req.URL.Path, "/") + "/"
		body = listedObject.ReplaceAllFunc(body, func(obj []byte) []byte {
			m := listedKey.FindSubmatch(obj)
			if m == nil {
				return obj
			}
			c := k.classes[bucket+string(m[1])]
			if c == "" {
				return obj
			}
			return listedClass.ReplaceAll(obj, []byte("<StorageClass>"+c+"</StorageClass>"))
		})
		resp.Body = io.NopCloser(bytes.NewReader(body))
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	}
	return nil
}

// TestCollectS3ListedClasses runs tiering's class changes on S3-compatible
// storage that keeps classes, and checks that the lens takes each object's
// class from the bucket listing: the table's INFREQUENT and ARCHIVE_INSTANT
// files are STANDARD_IA and GLACIER_IR in storage_daily and cost_daily
// (with their class's request prices), everything else STANDARD.
func TestCollectS3ListedClasses(t *testing.T) {
	srv := s3test.Start(t)
	keeper := startClassKeeper(t, srv.Endpoint)
	l := openLake(t, "s3://"+srv.Bucket+"/wh", engine.WithHome(t.TempDir()), engine.WithS3(s3fs.Options{
		Endpoint: keeper.srv.URL, Region: s3test.Region, AccessKeyID: s3test.AccessKey,
		SecretAccessKey: s3test.SecretKey}))
	now := threeTiers(t, l)
	l.exec("CALL apply_tiering('s.t')")

	// What HEAD says of each tiered file: the classes tiering gave them.
	sfs := l.wh.FS().(*s3fs.FS)
	headClass := map[string]string{}
	for _, r := range l.rows(`SELECT file, tier FROM lake.s."t$tiers"`) {
		c, err := sfs.StorageClass(r[0].(string))
		if err != nil {
			t.Fatal(err)
		}
		headClass[r[1].(string)] = c
	}
	wantClass := map[string]string{engine.TierFrequent: "STANDARD", engine.TierInfrequent: "STANDARD_IA", engine.TierArchiveInstant: "GLACIER_IR"}
	for tier, c := range wantClass {
		if headClass[tier] != c {
			t.Fatalf("HEAD of the %s file answers %q, want %s: apply_tiering did not set the class, or the server does not keep it", tier, headClass[tier], c)
		}
	}

	if _, err := Collect(l.ctx, l.wh, Options{Now: now}); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range l.rows(`SELECT tier, storage_class FROM lake.floe_lens.storage_daily
		WHERE level = 'table' AND namespace = 's' AND table_name = 't'`) {
		if prev, dup := got[r[0].(string)]; dup {
			t.Errorf("storage_daily: tier %s in two classes, %s and %s", r[0], prev, r[1])
		}
		got[r[0].(string)] = r[1].(string)
	}
	for tier, c := range wantClass {
		if got[tier] != c {
			t.Errorf("storage_daily: tier %s is in class %q, want %s as the listing reports it (all: %v)", tier, got[tier], c, got)
		}
	}
	// cost_daily carries the listed class too, and the prefix rows of the
	// data directory split the same bytes by it.
	checkTierCosts(t, l, func(tier string) string { return wantClass[tier] })
	byClass := map[string]int64{}
	for _, r := range l.rows(`SELECT storage_class, sum(bytes)::BIGINT FROM lake.floe_lens.storage_daily
		WHERE level = 'prefix' AND prefix LIKE '%s.db/t/data/' GROUP BY 1`) {
		byClass[r[0].(string)] = i64(r[1])
	}
	for _, c := range []string{"STANDARD_IA", "GLACIER_IR"} {
		if byClass[c] == 0 {
			t.Errorf("the data prefix has no bytes in %s: %v", c, byClass)
		}
	}
	// Objects of the STANDARD table stay STANDARD.
	if n := l.rows(`SELECT count(*) FROM lake.floe_lens.storage_daily WHERE table_name = 'plain' AND storage_class <> 'STANDARD'`); i64(n[0][0]) != 0 {
		t.Errorf("lake.s.plain has %d storage_daily rows in a class other than STANDARD", i64(n[0][0]))
	}
}
