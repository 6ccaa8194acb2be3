package replica_test

import (
	"os"
	"testing"
)

// TestMain runs the tests, or stands in for a replicator process when the
// kill test starts the test binary as one (replicatorProcess); it stops
// the versitygw the S3 tests started.
func TestMain(m *testing.M) {
	if os.Getenv(helperEnv) != "" {
		os.Exit(replicatorProcess())
	}
	code := m.Run()
	if s3Srv != nil {
		s3Srv.Close()
	}
	os.Exit(code)
}
