package lakesql

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/floehq/floe/engine"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// s3KillChildEnv carries "endpoint|warehouse|home|rows" to the child of
// TestS3KillDuringInsert.
const s3KillChildEnv = "FLOE_TEST_S3_KILL_CHILD"

// A killPoint picks the request of an INSERT's upload-then-commit at which
// the child is killed; after means the request reaches the server first.
type killPoint struct {
	name  string
	rows  int // rows the child inserts: enough for a multipart upload or one
	match func(r *http.Request) bool
	after bool
}

var s3KillPoints = []killPoint{
	{name: "mid multipart upload", rows: 300000, match: func(r *http.Request) bool {
		return r.Method == http.MethodPut && r.URL.Query().Get("partNumber") == "2"
	}},
	{name: "before completing the multipart upload", rows: 300000, match: func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Query().Has("uploadId")
	}},
	{name: "data uploaded, writing manifests", rows: 10, match: func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, ".avro")
	}},
	{name: "before the metadata file", rows: 10, match: func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, ".metadata.json")
	}},
	{name: "everything uploaded, before the pointer swap", rows: 10, match: func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/_catalog/tables/")
	}},
	{name: "after the pointer swap", rows: 10, after: true, match: func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.Contains(r.URL.Path, "/_catalog/tables/")
	}},
}

// TestS3KillDuringInsert kills (SIGKILL) a floe process in the middle of
// an INSERT into an S3 table, many times, at each step of its
// upload-then-commit: in the middle of a multipart upload, before it
// completes, while manifests are written, before the metadata file,
// before the pointer swap, and just after it. The process talks to the
// server through a loopback proxy that kills it when it sees the step's
// request. After every kill the table reads its last commit (the insert
// only when its swap reached the server) and every object it references
// is in the bucket; remove_orphan_files then removes exactly what the
// killed runs uploaded (and aborts the multipart uploads they left), leaving the bucket holding what the table reaches,
// and the files they left in their spool are swept a day later.
func TestS3KillDuringInsert(t *testing.T) {
	if env := os.Getenv(s3KillChildEnv); env != "" {
		s3KillChild(t, env)
		return
	}
	srv := s3Server(t)
	f := openS3Lake(t, t.TempDir())
	f.exec(`CREATE SCHEMA lake.k; CREATE TABLE lake.k.t (id BIGINT, s VARCHAR); INSERT INTO lake.k.t VALUES (-1, 'seed')`)
	loc := f.table("k", "t").Location()

	target, _ := url.Parse(srv.Endpoint)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	var child *exec.Cmd
	var point killPoint
	var hit bool
	kill := func() {
		mu.Lock()
		defer mu.Unlock()
		if child != nil && !hit {
			hit = true
			child.Process.Signal(syscall.SIGKILL)
		}
	}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		p, armed := point, !hit
		mu.Unlock()
		if !armed || !p.match(r) {
			proxy.ServeHTTP(w, r)
			return
		}
		if p.after {
			proxy.ServeHTTP(w, r)
			kill()
			return
		}
		kill()
		http.Error(w, "killed", http.StatusBadGateway)
	}))
	defer front.Close()

	childHome := t.TempDir()
	count, maxID := 1, -1 // the table's rows and largest id, as committed
	const kills = 10
	for i := range kills {
		p := s3KillPoints[i%len(s3KillPoints)]
		cmd := exec.Command(os.Args[0], "-test.run=^TestS3KillDuringInsert$", "-test.count=1")
		cmd.Env = append(os.Environ(), s3KillChildEnv+"="+strings.Join([]string{front.URL, f.dir, childHome, fmt.Sprint(p.rows)}, "|"))
		mu.Lock()
		child, point, hit = cmd, p, false
		mu.Unlock()
		out, err := cmd.CombinedOutput()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() {
			t.Fatalf("kill %d (%s): the child was not killed (%v)\n%s", i, p.name, err, out)
		}
		if p.after {
			count, maxID = count+p.rows, max(maxID, p.rows-1)
		}
		want := [][]string{{fmt.Sprint(count), fmt.Sprint(maxID)}}
		diffRows(t, fmt.Sprintf("kill %d (%s): the table", i, p.name), want, f.strings(`SELECT count(*), max(id) FROM lake.k.t`))
		objs := bucketObjects(t, srv, loc)
		for o := range f.reachable("k", "t") {
			if !slices.Contains(objs, o) {
				t.Errorf("kill %d (%s): referenced object %s is missing", i, p.name, o)
			}
		}
	}
	reached := f.reachable("k", "t")
	var orphans []string
	for _, o := range bucketObjects(t, srv, loc) {
		if !reached[o] {
			orphans = append(orphans, o)
		}
	}
	if len(orphans) == 0 {
		t.Fatal("the killed runs left no object behind; the kill points are not reached")
	}
	// The runs killed mid multipart upload left incomplete uploads (parts
	// stored, no object): remove_orphan_files lists and aborts them too.
	ufs, err := s3fs.New(f.ctx, s3fs.Options{Endpoint: srv.Endpoint, Region: s3test.Region,
		AccessKeyID: s3test.AccessKey, SecretAccessKey: s3test.SecretKey, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	uploads := func() []s3fs.Upload {
		ups, err := ufs.IncompleteUploads(loc, time.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return ups
	}
	incomplete := uploads()
	if len(incomplete) == 0 {
		t.Error("the runs killed mid multipart upload left no incomplete upload")
	}
	var removed, removedUploads []string
	for _, r := range f.strings(`CALL remove_orphan_files('k.t', older_than => now()::TIMESTAMP + INTERVAL 1 MINUTE)`) {
		if strings.Contains(r[0], " (incomplete multipart upload ") {
			removedUploads = append(removedUploads, r[0])
			continue
		}
		removed = append(removed, r[0])
	}
	slices.Sort(removed)
	if !slices.Equal(removed, orphans) {
		t.Errorf("remove_orphan_files removed %v, want what the killed runs left: %v", removed, orphans)
	}
	if len(removedUploads) != len(incomplete) {
		t.Errorf("remove_orphan_files aborted %v, want the %d incomplete uploads %v", removedUploads, len(incomplete), incomplete)
	}
	if ups := uploads(); len(ups) > 0 {
		t.Errorf("incomplete uploads after remove_orphan_files: %v", ups)
	}
	var left []string
	for _, o := range bucketObjects(t, srv, loc) {
		if !reached[o] {
			left = append(left, o)
		}
	}
	if len(left) > 0 {
		t.Errorf("after remove_orphan_files the bucket still holds unreferenced %v", left)
	}
	diffRows(t, "the table at the end", [][]string{{fmt.Sprint(count), fmt.Sprint(maxID)}}, f.strings(`SELECT count(*), max(id) FROM lake.k.t`))
	f.exec(`INSERT INTO lake.k.t VALUES (-2, 'after')`)
	diffRows(t, "an insert after the kills", [][]string{{"1"}}, f.strings(`SELECT count(*) FROM lake.k.t WHERE id = -2`))

	// The killed children left spooled files on their machine; a warehouse
	// opened there a day later sweeps them.
	spooled := func() int {
		n := 0
		filepath.WalkDir(filepath.Join(childHome, "objectstores"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.Contains(p, string(filepath.Separator)+"spool"+string(filepath.Separator)) {
				n++
			}
			return nil
		})
		return n
	}
	if spooled() == 0 {
		t.Fatal("the killed children left nothing in their spool")
	}
	openSpool := func() {
		wh, err := engine.Open(f.ctx, f.dir, engine.WithHome(childHome), engine.WithS3(s3Options(srv)))
		if err != nil {
			t.Fatal(err)
		}
		wh.Close()
	}
	openSpool()
	if spooled() == 0 {
		t.Error("opening the warehouse swept young spool files another process may be writing")
	}
	laterBy(t, 25*time.Hour)
	openSpool()
	if n := spooled(); n != 0 {
		t.Errorf("%d files left in the spool a day after the kills", n)
	}
}

// s3KillChild is the process TestS3KillDuringInsert kills: it inserts
// rows into lake.k.t of the warehouse, through the proxy, with a multipart
// threshold of 5 MiB.
func s3KillChild(t *testing.T, env string) {
	parts := strings.Split(env, "|")
	if len(parts) != 4 {
		t.Fatalf("%s=%q", s3KillChildEnv, env)
	}
	ctx := context.Background()
	wh, err := engine.Open(ctx, parts[1], engine.WithHome(parts[2]), engine.WithS3(s3fs.Options{
		Endpoint: parts[0], Region: s3test.Region, AccessKeyID: s3test.AccessKey, SecretAccessKey: s3test.SecretKey,
		MaxAttempts: 1, MultipartThreshold: 5 << 20}))
	if err != nil {
		t.Fatal(err)
	}
	defer wh.Close()
	s, err := Open(ctx, wh)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// md5 text barely compresses: 300000 rows make a data file of
	// several parts.
	if err := s.Exec(ctx, `INSERT INTO lake.k.t SELECT i, md5(i::VARCHAR) || md5((i + 7)::VARCHAR) FROM range(`+parts[3]+`) r(i)`); err != nil {
		t.Fatal(err)
	}
}
