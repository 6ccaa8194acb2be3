// Package s3fs is the warehouse's filesystem (vfs.FS) on S3 and
// S3-compatible object storage, over aws-sdk-go-v2: names are
// s3://bucket/key URIs, reads are ranged GETs, every new file is a PUT
// with If-None-Match: * (exclusive and atomic, as vfs.FS.Create asks), and
// the conditional writes of vfs.Swapper are PUTs with If-Match: <etag>.
//
// Configuration is the standard AWS one (config.LoadDefaultConfig: the
// environment, the shared config and credentials files, profiles), with
// AWS_ENDPOINT_URL or Options.Endpoint (Iceberg's s3.endpoint) for
// S3-compatible servers, which are then addressed path-style.
package s3fs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/floehq/floe/engine/vfs"
)

// DefaultRegion is the region used when the configuration names none
// (S3-compatible servers mostly ignore it, but SigV4 signs with it).
const DefaultRegion = "us-east-1"

// DefaultMultipartThreshold is the size above which Create uploads a file
// in parts.
const DefaultMultipartThreshold = 64 << 20

// minPartSize is S3's smallest part but the last.
const minPartSize = 5 << 20

// Options configure New. The zero value uses the standard AWS
// configuration alone.
type Options struct {
	// Endpoint is the URL of an S3-compatible server (Iceberg's
	// s3.endpoint); empty uses AWS_ENDPOINT_URL or AWS's own.
	Endpoint string
	// Region overrides the configured region; with none configured it is
	// DefaultRegion.
	Region string
	// Profile selects a shared-config profile (AWS_PROFILE otherwise).
	Profile string
	// AccessKeyID and SecretAccessKey, when both set, are static keys used
	// instead of the credential chain.
	AccessKeyID, SecretAccessKey, SessionToken string
	// VirtualHosted addresses buckets as bucket.host instead of
	// host/bucket. Path style is the default whenever an endpoint is
	// configured, since S3-compatible servers mostly need it.
	VirtualHosted bool
	// MultipartThreshold is the size above which Create uploads in parts
	// (DefaultMultipartThreshold when 0); PartSize is the part size (the
	// threshold, at least 5 MiB, when 0).
	MultipartThreshold, PartSize int64
	// SpoolDir holds the local files Create writes before uploading them
	// (os.TempDir when empty).
	SpoolDir string
	// MaxAttempts bounds the SDK's retries of one request (its default
	// when 0).
	MaxAttempts int
	// HTTPClient replaces the SDK's HTTP client.
	HTTPClient *http.Client
	// Immutable, when set, names objects that are never rewritten in
	// place (Iceberg's manifests and manifest lists: unique names, written
	// once). Open reads such an object once, with one GET, and keeps it in
	// memory (up to ImmutableBytes in all, DefaultImmutableBytes when 0;
	// least recently opened first out), so opening it again asks the
	// server nothing.
	Immutable      func(name string) bool
	ImmutableBytes int64
}

// FS is a vfs.FS and vfs.Swapper over S3. It serves any bucket the
// credentials reach; names carry the bucket. It is safe for concurrent use.
type FS struct {
	client    *s3.Client
	endpoint  string // for errors: the server's URL or "AWS S3 (region)"
	server    string // the configured endpoint URL; "" for AWS's own
	region    string
	pathStyle bool
	creds     aws.CredentialsProvider
	threshold int64
	partSize  int64
	spool     string
	uploads   uploadContexts // the contexts of uploads under way (UploadContext)
	immutable *immutables    // Options.Immutable's objects; nil without
}

var (
	_ vfs.FS      = (*FS)(nil)
	_ vfs.Swapper = (*FS)(nil)
)

// New loads the AWS configuration and returns an FS over it. It does not
// contact the server.
func New(ctx context.Context, o Options) (*FS, error) {
	var load []func(*config.LoadOptions) error
	if o.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(o.Profile))
	}
	if o.AccessKeyID != "" && o.SecretAccessKey != "" {
		load = append(load, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(o.AccessKeyID, o.SecretAccessKey, o.SessionToken)))
	}
	if o.MaxAttempts > 0 {
		load = append(load, config.WithRetryMaxAttempts(o.MaxAttempts))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("s3: load the AWS configuration: %w", err)
	}
	if o.Region != "" {
		cfg.Region = o.Region
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	endpoint := o.Endpoint
	if endpoint == "" && cfg.BaseEndpoint != nil {
		endpoint = *cfg.BaseEndpoint
	}
	if endpoint == "" {
		// AWS_ENDPOINT_URL_S3 is the service-specific form the SDK also
		// honours; name it in errors too.
		endpoint = os.Getenv("AWS_ENDPOINT_URL_S3")
	}
	client := s3.NewFromConfig(cfg, func(so *s3.Options) {
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		so.UsePathStyle = endpoint != "" && !o.VirtualHosted
		if o.HTTPClient != nil {
			so.HTTPClient = o.HTTPClient
		}
		// S3-compatible servers differ in which checksums they take; ask
		// for them only where the operation needs one.
		so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	f := &FS{client: client, endpoint: endpoint, server: endpoint, region: cfg.Region, pathStyle: endpoint != "" && !o.VirtualHosted,
		creds: cfg.Credentials, threshold: o.MultipartThreshold, partSize: o.PartSize, spool: o.SpoolDir,
		immutable: newImmutables(o.Immutable, o.ImmutableBytes)}
	if f.endpoint == "" {
		f.endpoint = "AWS S3 (" + cfg.Region + ")"
	}
	if f.threshold <= 0 {
		f.threshold = DefaultMultipartThreshold
	}
	if f.partSize <= 0 {
		f.partSize = max(f.threshold, minPartSize)
	}
	if f.partSize < minPartSize {
		return nil, fmt.Errorf("s3: part size %d is below S3's minimum of 5 MiB", f.partSize)
	}
	return f, nil
}

// Endpoint returns the server the FS talks to, as errors name it.
func (f *FS) Endpoint() string { return f.endpoint }

// IcebergProperties returns the Iceberg FileIO properties another engine
// needs to reach the same storage: s3.endpoint (when a server is
// configured), s3.region and client.region, s3.path-style-access. With
// secrets it adds the keys this FS signs with (s3.access-key-id,
// s3.secret-access-key, and s3.session-token when there is one).
func (f *FS) IcebergProperties(ctx context.Context, secrets bool) (map[string]string, error) {
	out := map[string]string{"s3.region": f.region, "client.region": f.region,
		"s3.path-style-access": strconv.FormatBool(f.pathStyle)}
	if f.server != "" {
		out["s3.endpoint"] = f.server
	}
	if secrets {
		if f.creds == nil {
			return nil, errors.New("s3: no credentials are configured")
		}
		c, err := f.creds.Retrieve(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3: credentials: %w", err)
		}
		out["s3.access-key-id"], out["s3.secret-access-key"] = c.AccessKeyID, c.SecretAccessKey
		if c.SessionToken != "" {
			out["s3.session-token"] = c.SessionToken
		}
	}
	return out, nil
}

// Client returns the underlying S3 client.
func (f *FS) Client() *s3.Client { return f.client }

// Split parses an s3:// (or s3a://) URI into its bucket and key; the key
// has no leading or trailing slash.
func Split(name string) (bucket, key string, err error) {
	rest, ok := strings.CutPrefix(name, "s3://")
	if !ok {
		rest, ok = strings.CutPrefix(name, "s3a://")
	}
	if !ok {
		return "", "", fmt.Errorf("s3: %q is not an s3:// URI", name)
	}
	bucket, key, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("s3: %q names no bucket", name)
	}
	key = strings.Trim(key, "/")
	if strings.Contains(key, "//") {
		return "", "", fmt.Errorf("s3: %q has an empty path element", name)
	}
	return bucket, key, nil
}

// ErrNoSuchBucket reports a bucket the server does not have.
var ErrNoSuchBucket = errors.New("the bucket does not exist")

// ErrAccessDenied reports credentials the server refused: wrong or
// missing keys, or a policy that forbids the operation.
var ErrAccessDenied = errors.New("access denied (check the access key, secret key and region)")

// ErrReplaced reports a read of an object that was replaced after it was
// opened: data files are immutable, so something else wrote over it.
var ErrReplaced = errors.New("object replaced")

// ErrInvalidRange reports a ranged read beyond an object's end.
var ErrInvalidRange = errors.New("range not satisfiable")

// fail turns an SDK error into one that names the operation, the object
// and the endpoint, matching fs.ErrNotExist, fs.ErrExist, vfs.ErrConflict,
// ErrNoSuchBucket or ErrAccessDenied where it is one of those.
func (f *FS) fail(op, bucket, key string, err error) error {
	if err == nil {
		return nil
	}
	name := "s3://" + bucket + "/" + key
	var kind error
	var ae smithy.APIError
	var re *smithyhttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	switch {
	case code == "NoSuchBucket":
		kind = ErrNoSuchBucket
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" || code == "AccessDenied" ||
		code == "XAdminUserNotFound" || status == http.StatusForbidden:
		kind = ErrAccessDenied
	case code == "InvalidRange" || status == http.StatusRequestedRangeNotSatisfiable:
		kind = ErrInvalidRange
	case code == "NoSuchKey" || code == "NotFound" || status == http.StatusNotFound:
		kind = fs.ErrNotExist
	case status == http.StatusPreconditionFailed || code == "PreconditionFailed" ||
		code == "ConditionalRequestConflict" || status == http.StatusConflict && op == "swap":
		if op == "swap" {
			kind = vfs.ErrConflict
		} else {
			kind = fs.ErrExist
		}
	}
	var detail error = err
	if kind != nil {
		detail = fmt.Errorf("%w (%v)", kind, err)
	} else if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		detail = err
	} else if status == 0 {
		// No HTTP response at all: the server is not there.
		detail = fmt.Errorf("endpoint unreachable: %w", err)
	}
	return &fs.PathError{Op: op, Path: name, Err: fmt.Errorf("at %s: %w", f.endpoint, detail)}
}

func (f *FS) split(op, name string) (string, string, error) {
	b, k, err := Split(name)
	if err != nil {
		return "", "", &fs.PathError{Op: op, Path: name, Err: err}
	}
	return b, k, nil
}

// ctx is the context of the FS's calls: vfs.FS takes none. Requests are
// bounded by the SDK's own timeouts and retries.
func ctx() context.Context { return context.Background() }

// head describes an object.
func (f *FS) head(op, bucket, key string) (*s3.HeadObjectOutput, error) {
	out, err := f.client.HeadObject(ctx(), &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err == nil {
		return out, nil
	}
	err = f.fail(op, bucket, key, err)
	if errors.Is(err, fs.ErrNotExist) {
		// A HEAD's 404 has no body to say why: a missing object, a missing
		// bucket and (on some servers) an unknown access key look alike.
		// A GET's error says which.
		g, gerr := f.client.GetObject(ctx(), &s3.GetObjectInput{Bucket: &bucket, Key: &key, Range: aws.String("bytes=0-0")})
		if gerr == nil {
			g.Body.Close()
			return nil, err // it exists now: report the HEAD's answer
		}
		if gerr = f.fail(op, bucket, key, gerr); !errors.Is(gerr, ErrInvalidRange) {
			return nil, gerr
		}
	}
	return nil, err
}

// Open opens an object for reading: a HEAD for its size and ETag, then
// ranged GETs that must still match that ETag.
func (f *FS) Open(name string) (vfs.File, error) {
	bucket, key, err := f.split("open", name)
	if err != nil {
		return nil, err
	}
	if key == "" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errors.New("is a bucket, not an object")}
	}
	if f.immutable != nil && f.immutable.match("s3://"+bucket+"/"+key) {
		if m, ok, err := f.openImmutable("s3://"+bucket+"/"+key, bucket, key); err != nil || ok {
			return m, err
		}
	}
	h, err := f.head("open", bucket, key)
	if err != nil {
		return nil, err
	}
	return &file{fs: f, bucket: bucket, key: key, size: aws.ToInt64(h.ContentLength),
		etag: aws.ToString(h.ETag), mtime: aws.ToTime(h.LastModified)}, nil
}

// Stat describes an object, or a "directory": a prefix other objects are
// under.
func (f *FS) Stat(name string) (fs.FileInfo, error) {
	bucket, key, err := f.split("stat", name)
	if err != nil {
		return nil, err
	}
	if key != "" {
		h, err := f.head("stat", bucket, key)
		if err == nil {
			return fileInfo{name: path.Base(key), size: aws.ToInt64(h.ContentLength), mtime: aws.ToTime(h.LastModified)}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	out, err := f.client.ListObjectsV2(ctx(), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String(dirPrefix(key)), MaxKeys: aws.Int32(1)})
	if err != nil {
		return nil, f.fail("stat", bucket, key, err)
	}
	if len(out.Contents) == 0 && len(out.CommonPrefixes) == 0 && key != "" {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	base := path.Base(key)
	if key == "" {
		base = bucket
	}
	return fileInfo{name: base, dir: true}, nil
}

func dirPrefix(key string) string {
	if key == "" {
		return ""
	}
	return key + "/"
}

// ReadDir lists the objects and prefixes directly under name, sorted. A
// prefix nothing is under does not exist.
func (f *FS) ReadDir(name string) ([]fs.DirEntry, error) {
	bucket, key, err := f.split("readdir", name)
	if err != nil {
		return nil, err
	}
	prefix := dirPrefix(key)
	var out []fs.DirEntry
	p := s3.NewListObjectsV2Paginator(f.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix, Delimiter: aws.String("/")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx())
		if err != nil {
			return nil, f.fail("readdir", bucket, key, err)
		}
		for _, cp := range page.CommonPrefixes {
			n := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/")
			if n != "" {
				out = append(out, fileInfo{name: n, dir: true})
			}
		}
		for _, o := range page.Contents {
			n := strings.TrimPrefix(aws.ToString(o.Key), prefix)
			if n == "" { // a directory marker object
				continue
			}
			out = append(out, fileInfo{name: n, size: aws.ToInt64(o.Size), mtime: aws.ToTime(o.LastModified), class: string(o.StorageClass)})
		}
	}
	if len(out) == 0 && key != "" {
		if _, err := f.head("readdir", bucket, key); err == nil {
			return nil, &fs.PathError{Op: "readdir", Path: name, Err: errors.New("not a directory")}
		}
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	slices.SortFunc(out, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return out, nil
}

// list returns every object under prefix (recursively).
func (f *FS) list(op, bucket, key string) ([]types.Object, error) {
	prefix := dirPrefix(key)
	var out []types.Object
	p := s3.NewListObjectsV2Paginator(f.client, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &prefix})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx())
		if err != nil {
			return nil, f.fail(op, bucket, key, err)
		}
		out = append(out, page.Contents...)
	}
	return out, nil
}

// Walk calls fn for root and everything under it in lexical order, as
// filepath.WalkDir does, from one recursive listing; the directories are
// the prefixes the objects' keys imply.
func (f *FS) Walk(root string, fn fs.WalkDirFunc) error {
	bucket, key, err := f.split("walk", root)
	if err != nil {
		return err
	}
	objs, err := f.list("walk", bucket, key)
	if err != nil {
		return fn(root, nil, err)
	}
	if len(objs) == 0 {
		info, err := f.Stat(root)
		if err != nil {
			return fn(root, nil, err)
		}
		err = fn(root, fs.FileInfoToDirEntry(info), nil)
		if errors.Is(err, fs.SkipDir) || errors.Is(err, fs.SkipAll) {
			return nil
		}
		return err
	}
	// Build the tree the keys imply, then walk it depth first.
	t := &node{dir: true, kids: map[string]*node{}}
	prefix := dirPrefix(key)
	for _, o := range objs {
		rel := strings.TrimPrefix(aws.ToString(o.Key), prefix)
		if rel == "" || strings.HasSuffix(rel, "/") {
			continue // directory markers
		}
		n := t
		parts := strings.Split(rel, "/")
		for i, part := range parts {
			c := n.kids[part]
			if c == nil {
				c = &node{name: part, kids: map[string]*node{}}
				n.kids[part] = c
			}
			if i < len(parts)-1 {
				c.dir = true
			} else {
				c.info = fileInfo{name: part, size: aws.ToInt64(o.Size), mtime: aws.ToTime(o.LastModified), class: string(o.StorageClass)}
			}
			n = c
		}
	}
	rootName := strings.TrimSuffix(root, "/")
	err = walkNode(rootName, t, path.Base(key), fn)
	if errors.Is(err, fs.SkipDir) || errors.Is(err, fs.SkipAll) {
		return nil
	}
	return err
}

type node struct {
	name string
	dir  bool
	info fileInfo
	kids map[string]*node
}

func walkNode(name string, n *node, base string, fn fs.WalkDirFunc) error {
	var d fs.DirEntry
	if n.dir {
		d = fileInfo{name: base, dir: true}
	} else {
		d = n.info
	}
	if err := fn(name, d, nil); err != nil {
		if errors.Is(err, fs.SkipDir) && n.dir {
			return nil
		}
		return err
	}
	if !n.dir {
		return nil
	}
	names := make([]string, 0, len(n.kids))
	for k := range n.kids {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		c := n.kids[k]
		if err := walkNode(name+"/"+k, c, k, fn); err != nil {
			if errors.Is(err, fs.SkipDir) && !c.dir {
				return nil // SkipDir on a file skips the rest of its directory
			}
			return err
		}
	}
	return nil
}

// Remove removes an object. A "directory" with objects under it is not
// empty; one without any does not exist.
func (f *FS) Remove(name string) error {
	bucket, key, err := f.split("remove", name)
	if err != nil {
		return err
	}
	if key == "" {
		return &fs.PathError{Op: "remove", Path: name, Err: errors.New("floe does not remove buckets")}
	}
	if _, err := f.head("remove", bucket, key); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		out, lerr := f.client.ListObjectsV2(ctx(), &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: aws.String(key + "/"), MaxKeys: aws.Int32(1)})
		if lerr != nil {
			return f.fail("remove", bucket, key, lerr)
		}
		if len(out.Contents) > 0 {
			return &fs.PathError{Op: "remove", Path: name, Err: errors.New("directory not empty")}
		}
		return err
	}
	_, err = f.client.DeleteObject(ctx(), &s3.DeleteObjectInput{Bucket: &bucket, Key: &key})
	f.immutable.forget("s3://"+bucket+"/"+key, false)
	return f.fail("remove", bucket, key, err)
}

// RemoveAll removes the object name and every object under it.
func (f *FS) RemoveAll(name string) error {
	bucket, key, err := f.split("removeall", name)
	if err != nil {
		return err
	}
	if key == "" {
		return &fs.PathError{Op: "removeall", Path: name, Err: errors.New("floe does not empty whole buckets")}
	}
	f.immutable.forget("s3://"+bucket+"/"+key, true)
	objs, err := f.list("removeall", bucket, key)
	if err != nil {
		return err
	}
	ids := []types.ObjectIdentifier{{Key: aws.String(key)}}
	for _, o := range objs {
		ids = append(ids, types.ObjectIdentifier{Key: o.Key})
	}
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		out, err := f.client.DeleteObjects(ctx(), &s3.DeleteObjectsInput{Bucket: &bucket,
			Delete: &types.Delete{Objects: ids[:n], Quiet: aws.Bool(true)}})
		if err != nil {
			return f.fail("removeall", bucket, key, err)
		}
		for _, e := range out.Errors {
			if aws.ToString(e.Code) == "NoSuchKey" {
				continue
			}
			return &fs.PathError{Op: "removeall", Path: "s3://" + bucket + "/" + aws.ToString(e.Key),
				Err: fmt.Errorf("at %s: %s: %s", f.endpoint, aws.ToString(e.Code), aws.ToString(e.Message))}
		}
		ids = ids[n:]
	}
	return nil
}

// MkdirAll does nothing: object storage has no directories.
func (f *FS) MkdirAll(string) error { return nil }

// ReadVersion reads a whole object and its ETag.
func (f *FS) ReadVersion(name string) ([]byte, string, error) {
	bucket, key, err := f.split("read", name)
	if err != nil {
		return nil, "", err
	}
	out, err := f.client.GetObject(ctx(), &s3.GetObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, "", f.fail("read", bucket, key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err == nil && out.ContentLength != nil && int64(len(b)) != *out.ContentLength {
		err = fmt.Errorf("truncated object: read %d of %d bytes", len(b), *out.ContentLength)
	}
	if err != nil {
		return nil, "", f.fail("read", bucket, key, err)
	}
	return b, aws.ToString(out.ETag), nil
}

// Swap writes b to name only if its ETag is still version (If-Match), or
// only if it does not exist for version "" (If-None-Match: *).
func (f *FS) Swap(name string, b []byte, version string) (string, error) {
	bucket, key, err := f.split("swap", name)
	if err != nil {
		return "", err
	}
	in := &s3.PutObjectInput{Bucket: &bucket, Key: &key, Body: bytes.NewReader(b), ContentLength: aws.Int64(int64(len(b)))}
	if version == "" {
		in.IfNoneMatch = aws.String("*")
	} else {
		in.IfMatch = aws.String(version)
	}
	out, err := f.client.PutObject(ctx(), in)
	if err != nil {
		err = f.fail("swap", bucket, key, err)
		if version != "" && errors.Is(err, fs.ErrNotExist) {
			// If-Match on an object that is gone: it changed.
			err = fmt.Errorf("%w: %w", vfs.ErrConflict, err)
		}
		return "", err
	}
	return aws.ToString(out.ETag), nil
}

// fileInfo is both fs.FileInfo and fs.DirEntry.
type fileInfo struct {
	name  string
	size  int64
	mtime time.Time
	dir   bool
	class string // the storage class the listing reported, if any
}

func (i fileInfo) Name() string { return i.name }
func (i fileInfo) Size() int64  { return i.size }
func (i fileInfo) Mode() fs.FileMode {
	if i.dir {
		return fs.ModeDir | 0o755
	}
	return 0o644
}
func (i fileInfo) ModTime() time.Time         { return i.mtime }
func (i fileInfo) IsDir() bool                { return i.dir }
func (i fileInfo) Sys() any                   { return nil }
func (i fileInfo) Type() fs.FileMode          { return i.Mode().Type() }
func (i fileInfo) Info() (fs.FileInfo, error) { return i, nil }

// StorageClass is the object's storage class as the listing reported it
// (STANDARD, STANDARD_IA, GLACIER_IR ...); "" when it did not report one.
func (i fileInfo) StorageClass() string { return i.class }
