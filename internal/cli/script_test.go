package cli

import (
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the end-to-end CLI scripts in testdata/script: each runs
// floe commands and compares their output.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("FLOE_HOME", env.WorkDir+"/home")
			return nil
		},
	})
}
