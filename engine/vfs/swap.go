package vfs

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

var _ Swapper = Local{}

// swapLock is the lock file Local's Swap takes in the directory of the
// name it swaps; dot-prefixed, like Create's temporary files, so catalogs
// listing the directory skip it.
const swapLock = ".swap.lock"

// ReadVersion returns name's contents and their version: the hex SHA-256
// of the contents. A version made from the contents rather than a counter
// means two swaps that leave the same bytes are indistinguishable, the
// same as S3, whose ETag of a single-part object is its MD5. A catalog's
// pointers never return to earlier contents (every commit names a new
// metadata file), so this loses nothing.
func (Local) ReadVersion(name string) ([]byte, string, error) {
	p, err := Path(name)
	if err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, "", err
	}
	return b, contentVersion(b), nil
}

func contentVersion(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// Swap replaces name with b when its contents still have version (or, for
// version "", when it does not exist). Safe between processes of one
// machine: the compare and the replace happen under an exclusive flock of
// the directory's .swap.lock, which every Swap of that directory takes, and
// the replace is a rename of a complete, synced temporary file, so a reader
// (ReadVersion takes no lock) sees the old contents or the new, never part,
// and a crash leaves one or the other. The kernel drops the lock when the
// process dies, even by SIGKILL. Only swaps exclude each other: a Remove of
// the name does not take the lock, so callers that delete swapped objects
// first swap them to a tombstone.
func (Local) Swap(name string, b []byte, version string) (string, error) {
	p, err := Path(name)
	if err != nil {
		return "", err
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	unlock, err := flockDir(dir)
	if err != nil {
		return "", pathErr("swap", name, err)
	}
	defer unlock()

	cur, err := os.ReadFile(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if version != "" {
			return "", pathErr("swap", name, fmt.Errorf("%w: it no longer exists", ErrConflict))
		}
	case err != nil:
		return "", pathErr("swap", name, err)
	case version == "":
		return "", pathErr("swap", name, fmt.Errorf("%w: it exists already", ErrConflict))
	case contentVersion(cur) != version:
		return "", pathErr("swap", name, ErrConflict)
	}

	tmp := filepath.Join(dir, ".tmp-"+filepath.Base(p)+"-"+strconv.FormatUint(rand.Uint64(), 36))
	if err := writeSynced(tmp, b); err != nil {
		os.Remove(tmp)
		return "", pathErr("swap", name, err)
	}
	if err := os.Rename(tmp, p); err != nil {
		os.Remove(tmp)
		return "", pathErr("swap", name, err)
	}
	return contentVersion(b), nil
}

func writeSynced(p string, b []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// flockDir takes the exclusive flock of dir's swap lock file, waiting for
// it. Each call opens the file anew, so goroutines of one process exclude
// each other as processes do.
func flockDir(dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, swapLock), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
