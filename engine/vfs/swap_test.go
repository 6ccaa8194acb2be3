package vfs_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/floehq/floe/engine/vfs"
)

// TestMain lets the test binary act as one of the processes of
// TestLocalSwapProcesses.
func TestMain(m *testing.M) {
	if name := os.Getenv("FLOE_SWAP_CHILD"); name != "" {
		n, _ := strconv.Atoi(os.Getenv("FLOE_SWAP_N"))
		if err := increment(vfs.Local{}, name, n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// increment adds 1 to the decimal counter in name n times, each by a
// read, a swap, and a retry when the swap loses.
func increment(sw vfs.Swapper, name string, n int) error {
	for range n {
		for {
			b, v, err := sw.ReadVersion(name)
			if err != nil {
				return err
			}
			c, err := strconv.Atoi(string(b))
			if err != nil {
				return fmt.Errorf("counter %s holds %q: %w", name, b, err)
			}
			_, err = sw.Swap(name, []byte(strconv.Itoa(c+1)), v)
			if err == nil {
				break
			}
			if !errors.Is(err, vfs.ErrConflict) {
				return err
			}
		}
	}
	return nil
}

// TestLocalSwap: a swap succeeds only against the version read, "" only
// for a missing name, and a lost swap changes nothing.
func TestLocalSwap(t *testing.T) {
	fsys := vfs.Local{}
	for _, tc := range []struct {
		name     string
		existing string // "" for none
		version  func(cur string) string
		wantErr  error
		want     string // contents afterwards; "" for absent
	}{
		{name: "create", version: func(string) string { return "" }, want: "new"},
		{name: "create over existing", existing: "old", version: func(string) string { return "" }, wantErr: vfs.ErrConflict, want: "old"},
		{name: "swap current", existing: "old", version: func(v string) string { return v }, want: "new"},
		{name: "swap stale", existing: "old", version: func(string) string { return "0123" }, wantErr: vfs.ErrConflict, want: "old"},
		{name: "swap missing", version: func(string) string { return "0123" }, wantErr: vfs.ErrConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "ptr", "t.json")
			name := p
			var cur string
			if tc.existing != "" {
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, []byte(tc.existing), 0o644)
				b, v, err := fsys.ReadVersion(fileURI(p))
				if err != nil || string(b) != tc.existing {
					t.Fatalf("ReadVersion = %q, %v", b, err)
				}
				cur = v
				name = fileURI(p) // both name forms work
			}
			nv, err := fsys.Swap(name, []byte("new"), tc.version(cur))
			if !errors.Is(err, tc.wantErr) || (err != nil) != (tc.wantErr != nil) {
				t.Fatalf("Swap err = %v, want %v", err, tc.wantErr)
			}
			b, v, rerr := fsys.ReadVersion(p)
			switch {
			case tc.want == "":
				if !errors.Is(rerr, fs.ErrNotExist) {
					t.Fatalf("after Swap the name holds %q (%v), want nothing", b, rerr)
				}
			case rerr != nil || string(b) != tc.want:
				t.Fatalf("after Swap the name holds %q (%v), want %q", b, rerr, tc.want)
			case err == nil && v != nv:
				t.Fatalf("Swap returned version %q, ReadVersion %q", nv, v)
			}
		})
	}
}

// TestLocalSwapProcesses: goroutines and two processes increment one
// counter by read-and-swap; no increment is lost, so every swap decided
// against the contents it replaced.
func TestLocalSwapProcesses(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "counter")
	if _, err := (vfs.Local{}).Swap(name, []byte("0"), ""); err != nil {
		t.Fatal(err)
	}
	const procs, goroutines, n = 2, 2, 150
	var wg sync.WaitGroup
	errs := make(chan error, procs+goroutines)
	for range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(exe, "-test.run=^$")
			cmd.Env = append(os.Environ(), "FLOE_SWAP_CHILD="+name, "FLOE_SWAP_N="+strconv.Itoa(n))
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("child: %v: %s", err, out)
			}
		}()
	}
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := increment(vfs.Local{}, name, n); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if want := strconv.Itoa((procs + goroutines) * n); string(b) != want {
		t.Fatalf("counter = %s, want %s: increments were lost", b, want)
	}
}
