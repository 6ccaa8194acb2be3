package s3fs_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/floehq/floe/engine/vfs"
	"github.com/floehq/floe/engine/vfs/s3fs"
	"github.com/floehq/floe/internal/s3test"
)

// TestStandardConfig: with no keys or endpoint in Options, the FS takes
// them from the standard AWS configuration: the environment
// (AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL), the shared config and credentials
// files (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, endpoint_url in a
// profile) and a profile chosen by AWS_PROFILE or Options.Profile; an
// S3-compatible endpoint so configured is addressed path-style. A profile
// with wrong keys is refused naming the object and the endpoint, and a
// profile that is not there fails New naming it.
func TestStandardConfig(t *testing.T) {
	s := server(t)
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	credFile := filepath.Join(dir, "credentials")
	if err := os.WriteFile(cfgFile, []byte(strings.Join([]string{
		"[profile floe]", "region = " + s3test.Region, "endpoint_url = " + s.Endpoint,
		"[profile wrongkeys]", "region = " + s3test.Region, "endpoint_url = " + s.Endpoint,
		"[profile keysonly]", "region = " + s3test.Region, ""}, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(credFile, []byte(strings.Join([]string{
		"[floe]", "aws_access_key_id = " + s3test.AccessKey, "aws_secret_access_key = " + s3test.SecretKey,
		"[wrongkeys]", "aws_access_key_id = " + s3test.AccessKey, "aws_secret_access_key = not-the-secret",
		"[keysonly]", "aws_access_key_id = " + s3test.AccessKey, "aws_secret_access_key = " + s3test.SecretKey, ""}, "\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	name := base(t, s) + "/f"
	for _, tc := range []struct {
		name    string
		env     map[string]string
		opts    s3fs.Options
		newErr  string   // New fails naming this
		wantIs  error    // the write fails with this
		wantMsg []string // and names these
	}{
		{name: "environment", env: map[string]string{"AWS_ACCESS_KEY_ID": s3test.AccessKey,
			"AWS_SECRET_ACCESS_KEY": s3test.SecretKey, "AWS_ENDPOINT_URL": s.Endpoint, "AWS_REGION": s3test.Region}},
		{name: "AWS_PROFILE", env: map[string]string{"AWS_PROFILE": "floe"}},
		{name: "Options.Profile", opts: s3fs.Options{Profile: "floe"}},
		{name: "profile keys, endpoint from the environment", opts: s3fs.Options{Profile: "keysonly"},
			env: map[string]string{"AWS_ENDPOINT_URL": s.Endpoint}},
		{name: "profile keys, Options.Endpoint", opts: s3fs.Options{Profile: "keysonly", Endpoint: s.Endpoint}},
		{name: "profile with wrong keys", opts: s3fs.Options{Profile: "wrongkeys", MaxAttempts: 1},
			wantIs: s3fs.ErrAccessDenied, wantMsg: []string{name, s.Endpoint}},
		{name: "missing profile", opts: s3fs.Options{Profile: "nope"}, newErr: "nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
				"AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_REGION", "AWS_DEFAULT_REGION"} {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			t.Setenv("AWS_CONFIG_FILE", cfgFile)
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", credFile)
			t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			o := tc.opts
			o.SpoolDir = t.TempDir()
			fsys, err := s3fs.New(context.Background(), o)
			if tc.newErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.newErr) {
					t.Fatalf("New: %v, want an error naming %q", err, tc.newErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fsys.Endpoint() != s.Endpoint {
				t.Errorf("endpoint %q, want %q from the configuration", fsys.Endpoint(), s.Endpoint)
			}
			obj := name + "-" + strings.ReplaceAll(tc.name, " ", "-")
			err = vfs.WriteFile(fsys, obj, []byte(tc.name))
			if tc.wantIs != nil {
				if !errors.Is(err, tc.wantIs) {
					t.Fatalf("write: %v, want %v", err, tc.wantIs)
				}
				for _, m := range tc.wantMsg {
					if !strings.Contains(err.Error(), m) {
						t.Errorf("err %q does not name %q", err, m)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := readAll(fsys, obj)
			if err != nil || got != tc.name {
				t.Fatalf("read back %q, %v; want %q", got, err, tc.name)
			}
		})
	}
}
