package notebooks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// isIPYNB reports whether path names a Jupyter notebook rather than a
// Markdown one.
func isIPYNB(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".ipynb")
}

// ReadFile reads a notebook: an .ipynb file with ParseIPYNB, anything else
// with Parse.
func ReadFile(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read notebook: %w", err)
	}
	if isIPYNB(path) {
		return ParseIPYNB(path, data)
	}
	return Parse(path, data)
}

// WriteFile writes the notebook to path, as .ipynb (with outputs) if path ends
// in .ipynb and as Markdown otherwise. It writes a temporary file in the same
// directory and renames it into place, so path holds either the old notebook
// or the new one, never part of one. An existing file keeps its permissions.
func (nb *Notebook) WriteFile(path string) error {
	var (
		data []byte
		err  error
	)
	if isIPYNB(path) {
		data, err = nb.MarshalIPYNB()
	} else {
		data, err = nb.MarshalMarkdown()
	}
	if err != nil {
		return err
	}
	return writeFileAtomic(path, data)
}

func writeFileAtomic(path string, data []byte) (err error) {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("write notebook: %w", err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("write notebook %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("write notebook %s: %w", path, err)
	}
	if err = f.Chmod(mode); err != nil {
		return fmt.Errorf("write notebook %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("write notebook %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("write notebook %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write notebook %s: %w", path, err)
	}
	return nil
}
