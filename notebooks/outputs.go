package notebooks

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The last outputs of a Markdown notebook are kept beside it, so that the
// .md file stays clean prose and code (diff-friendly) and a reopened
// notebook still shows what its cells last produced, as Jupyter and marimo
// do. The file is .NAME.floe/outputs.json: hidden, one directory per
// notebook (room for more state later without littering the folder), JSON
// so any tool can read it. Each cell's entry is keyed by its id and by the
// hash of the source that produced it, so a cell edited since is shown as
// stale; an unnamed cell edited outside the workbench gets a new id, and is
// then found by its position among the code cells.

// ErrCorruptOutputs is wrapped when a notebook's outputs file cannot be
// read. The notebook opens without its outputs; the next save rewrites
// the file.
var ErrCorruptOutputs = errors.New("outputs file is corrupt")

// outputsVersion is the version of the outputs file's format.
const outputsVersion = 1

// maxOutputText bounds each text kept in the outputs file. Tables are
// already kept as their rendered first rows (the kernel's text/plain).
const maxOutputText = 64 << 10

// OutputsPath returns where the last outputs of the notebook at path are
// kept: .churn.floe/outputs.json for churn.md.
func OutputsPath(path string) string {
	dir, base := filepath.Split(path)
	return filepath.Join(dir, "."+strings.TrimSuffix(base, filepath.Ext(base))+".floe", "outputs.json")
}

// SourceHash identifies a cell's source: the first 16 hex digits of its
// SHA-256.
func SourceHash(src string) string {
	sum := sha256.Sum256([]byte(src))
	return hex.EncodeToString(sum[:8])
}

// Stale reports whether the cell's outputs came from another source than
// the one it has now.
func (c *Cell) Stale() bool {
	return c.Execution.Hash != "" && c.Execution.Hash != SourceHash(c.Source)
}

type outputsFile struct {
	Version  int           `json:"floe_outputs"`
	Notebook string        `json:"notebook"`
	Cells    []outputsCell `json:"cells"`
}

type outputsCell struct {
	ID         string       `json:"id"`
	Index      int          `json:"index"` // among the code cells, from 0
	Lang       string       `json:"lang"`
	SourceHash string       `json:"source_hash"`
	Count      int          `json:"execution_count,omitempty"`
	Start      time.Time    `json:"started"`
	DurationNS int64        `json:"duration_ns"`
	Outputs    []outputJSON `json:"outputs"`
}

type outputJSON struct {
	Type      OutputType        `json:"output_type"`
	Name      string            `json:"name,omitempty"`
	Text      string            `json:"text,omitempty"`
	Data      map[string]string `json:"data,omitempty"`
	EName     string            `json:"ename,omitempty"`
	EValue    string            `json:"evalue,omitempty"`
	Traceback []string          `json:"traceback,omitempty"`
}

// SaveOutputs writes the last outputs of nb's code cells, those that ran
// (Execution.Start set), to OutputsPath(path), atomically; cells no longer
// in nb lose theirs. Only what a terminal shows is kept: text and markdown,
// each cut at 64 KiB; HTML tables and SVG charts are in the executed
// .ipynb that floe run writes. With nothing to keep, the file is removed.
func SaveOutputs(path string, nb *Notebook) error {
	f := outputsFile{Version: outputsVersion, Notebook: filepath.Base(path)}
	index := 0
	for _, c := range nb.Cells {
		if c.Kind != Code {
			continue
		}
		i := index
		index++
		if c.Execution.Start.IsZero() {
			continue
		}
		hash := c.Execution.Hash
		if hash == "" {
			hash = SourceHash(c.Source)
		}
		oc := outputsCell{ID: c.ID, Index: i, Lang: c.Lang, SourceHash: hash, Count: c.Execution.Count,
			Start: c.Execution.Start.UTC(), DurationNS: int64(c.Execution.Duration), Outputs: []outputJSON{}}
		for _, o := range c.Outputs {
			oc.Outputs = append(oc.Outputs, keptOutput(o))
		}
		f.Cells = append(f.Cells, oc)
	}
	file := OutputsPath(path)
	if len(f.Cells) == 0 {
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove outputs %s: %w", file, err)
		}
		os.Remove(filepath.Dir(file)) // only if empty
		return nil
	}
	data, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return fmt.Errorf("write outputs %s: %w", file, err)
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("write outputs %s: %w", file, err)
	}
	if err := writeFileAtomic(file, append(data, '\n')); err != nil {
		return fmt.Errorf("write outputs %s: %w", file, err)
	}
	return nil
}

// keptOutput is what the outputs file keeps of o.
func keptOutput(o Output) outputJSON {
	j := outputJSON{Type: o.Type, Name: o.Name, Text: cut(o.Text), EName: o.EName, EValue: cut(o.EValue)}
	for _, t := range o.Traceback {
		j.Traceback = append(j.Traceback, cut(t))
	}
	for _, mime := range []string{MIMEText, MIMEMarkdown} {
		if v, ok := o.Data[mime]; ok {
			if j.Data == nil {
				j.Data = map[string]string{}
			}
			j.Data[mime] = cut(v)
		}
	}
	return j
}

func cut(s string) string {
	if len(s) <= maxOutputText {
		return s
	}
	i := maxOutputText
	for i > 0 && s[i]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		i--
	}
	return s[:i] + fmt.Sprintf("\n… (cut at %d KiB)\n", maxOutputText>>10)
}

// LoadOutputs gives nb's code cells the outputs and executions kept for
// the notebook at path: by cell id, and for a cell whose id is not found
// (an unnamed cell edited elsewhere), by its position among the code cells
// when the language matches. A cell whose source differs from the one that
// ran is Stale. No file is no error; a file that cannot be read is an error
// wrapping ErrCorruptOutputs and naming the file, and nb is left as it was.
func LoadOutputs(path string, nb *Notebook) error {
	file := OutputsPath(path)
	data, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read outputs %s: %w", file, err)
	}
	var f outputsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorruptOutputs, file, err)
	}
	if f.Version != outputsVersion {
		return fmt.Errorf("%w: %s: format version %d, this floe reads %d", ErrCorruptOutputs, file, f.Version, outputsVersion)
	}
	for i, oc := range f.Cells {
		if oc.ID == "" || oc.Start.IsZero() {
			return fmt.Errorf("%w: %s: cell entry %d has no id or no run time", ErrCorruptOutputs, file, i+1)
		}
		for _, o := range oc.Outputs {
			switch o.Type {
			case OutputStream, OutputResult, OutputDisplay, OutputError:
			default:
				return fmt.Errorf("%w: %s: cell %s has an output of unknown type %q", ErrCorruptOutputs, file, oc.ID, o.Type)
			}
		}
	}
	code := []int{} // nb.Cells index of each code cell
	byID := map[string]int{}
	for i, c := range nb.Cells {
		if c.Kind == Code {
			byID[c.ID] = i
			code = append(code, i)
		}
	}
	given := map[int]bool{}
	give := func(i int, oc outputsCell) {
		c := &nb.Cells[i]
		c.Outputs = nil
		for _, o := range oc.Outputs {
			c.Outputs = append(c.Outputs, Output(o))
		}
		c.Execution = Execution{Count: oc.Count, Start: oc.Start, Duration: time.Duration(oc.DurationNS), Hash: oc.SourceHash}
		given[i] = true
	}
	var rest []outputsCell
	for _, oc := range f.Cells {
		if i, ok := byID[oc.ID]; ok && nb.Cells[i].Lang == oc.Lang && !given[i] {
			give(i, oc)
			continue
		}
		rest = append(rest, oc)
	}
	for _, oc := range rest {
		if oc.Index < 0 || oc.Index >= len(code) {
			continue
		}
		if i := code[oc.Index]; !given[i] && nb.Cells[i].Lang == oc.Lang {
			give(i, oc)
		}
	}
	return nil
}
