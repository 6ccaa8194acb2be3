package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"
)

// ProfileCache keeps table profiles by table and version. A lake table's
// version is its metadata location, which names one snapshot and schema
// for ever, so a cached profile is recomputed only when the table changes.
// With Dir set, profiles of versioned tables are also kept on disk, one
// JSON file each, so that a new process (one `floe ask` per question)
// reuses them. The zero value keeps profiles in memory only. A
// ProfileCache is safe for concurrent use.
type ProfileCache struct {
	// Dir is where profiles are kept on disk; empty keeps them in memory.
	Dir string
	// MaxFiles bounds the files in Dir (default 2048); the oldest go first.
	MaxFiles int

	mu  sync.Mutex
	mem map[string]cached
}

type cached struct {
	version string
	p       *Profile
}

// Get returns t's profile if one was kept for t's current version.
func (c *ProfileCache) Get(t Table) (*Profile, bool) {
	c.mu.Lock()
	e, ok := c.mem[t.Name]
	c.mu.Unlock()
	if ok && e.version == t.Version {
		return e.p, true
	}
	if c.Dir == "" || t.Version == "" {
		return nil, false
	}
	b, err := os.ReadFile(c.path(t))
	if err != nil {
		return nil, false
	}
	p, err := decodeProfile(b)
	if err != nil || p.Table.Name != t.Name || p.Table.Version != t.Version {
		return nil, false
	}
	p.Table = t // comments may have changed without a new version
	c.remember(t, p)
	return p, true
}

// Put keeps p as t's profile for t's current version. Writing to Dir is
// best effort: an error is returned, and the profile is kept in memory
// anyway.
func (c *ProfileCache) Put(t Table, p *Profile) error {
	c.remember(t, p)
	if c.Dir == "" || t.Version == "" {
		return nil
	}
	b, err := encodeProfile(p)
	if err != nil {
		return fmt.Errorf("keep profile of %s: %w", t.Name, err)
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return fmt.Errorf("keep profile of %s: %w", t.Name, err)
	}
	tmp, err := os.CreateTemp(c.Dir, ".profile-*")
	if err != nil {
		return fmt.Errorf("keep profile of %s: %w", t.Name, err)
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("keep profile of %s: %w", t.Name, err)
	}
	if err := os.Rename(tmp.Name(), c.path(t)); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("keep profile of %s: %w", t.Name, err)
	}
	c.trim()
	return nil
}

func (c *ProfileCache) remember(t Table, p *Profile) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.mem == nil {
		c.mem = map[string]cached{}
	}
	c.mem[t.Name] = cached{version: t.Version, p: p}
}

// path names t's file by a hash of its name and version.
func (c *ProfileCache) path(t Table) string {
	h := sha256.Sum256([]byte(t.Name + "\x00" + t.Version))
	return filepath.Join(c.Dir, hex.EncodeToString(h[:16])+".json")
}

// trim removes the oldest files beyond MaxFiles.
func (c *ProfileCache) trim() {
	limit := c.MaxFiles
	if limit <= 0 {
		limit = 2048
	}
	entries, err := os.ReadDir(c.Dir)
	if err != nil || len(entries) <= limit {
		return
	}
	type file struct {
		name string
		mod  time.Time
	}
	var files []file
	for _, e := range entries {
		if info, err := e.Info(); err == nil && !e.IsDir() {
			files = append(files, file{e.Name(), info.ModTime()})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	for i := 0; i < len(files)-limit; i++ {
		if err := os.Remove(filepath.Join(c.Dir, files[i].name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return
		}
	}
}

// The on-disk form keeps the types of bounds: JSON alone would turn dates
// into strings and integers into floats.
type diskProfile struct {
	// Format is diskFormat when written; files of an older format are
	// recomputed, since they lack what newer profiles hold.
	Format  int
	Table   Table
	Rows    int64
	Sampled bool
	Columns []diskColumn
}

type diskColumn struct {
	Column
	Kind     Kind
	Distinct int64
	Values   []string
	Min, Max *diskValue
	Numeric  bool
	Nulls    float64
}

// diskFormat is the version of the on-disk form: 2 added Numeric, 3
// Nulls.
const diskFormat = 3

type diskValue struct {
	T string // int, float, time, string
	V string
}

func encodeProfile(p *Profile) ([]byte, error) {
	d := diskProfile{Format: diskFormat, Table: p.Table, Rows: p.Rows, Sampled: p.Sampled}
	for _, c := range p.Columns {
		dc := diskColumn{Column: c.Column, Kind: c.Kind, Distinct: c.Distinct, Values: c.Values, Numeric: c.Numeric, Nulls: c.Nulls}
		var err error
		if dc.Min, err = encodeValue(c.Min); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		if dc.Max, err = encodeValue(c.Max); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
		d.Columns = append(d.Columns, dc)
	}
	return json.Marshal(d)
}

func decodeProfile(b []byte) (*Profile, error) {
	var d diskProfile
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, err
	}
	if d.Format != diskFormat {
		return nil, fmt.Errorf("profile format %d, want %d", d.Format, diskFormat)
	}
	p := &Profile{Table: d.Table, Rows: d.Rows, Sampled: d.Sampled}
	for _, dc := range d.Columns {
		c := ColumnProfile{Column: dc.Column, Kind: dc.Kind, Distinct: dc.Distinct, Values: dc.Values, Numeric: dc.Numeric, Nulls: dc.Nulls}
		var err error
		if c.Min, err = decodeValue(dc.Min); err != nil {
			return nil, err
		}
		if c.Max, err = decodeValue(dc.Max); err != nil {
			return nil, err
		}
		p.Columns = append(p.Columns, c)
	}
	return p, nil
}

func encodeValue(v any) (*diskValue, error) {
	if v == nil {
		return nil, nil
	}
	if n, ok := ToInt(v); ok {
		if _, isFloat := v.(float64); !isFloat {
			return &diskValue{T: "int", V: strconv.FormatInt(n, 10)}, nil
		}
	}
	switch x := v.(type) {
	case time.Time:
		return &diskValue{T: "time", V: x.Format(time.RFC3339Nano)}, nil
	case float64:
		return &diskValue{T: "float", V: strconv.FormatFloat(x, 'g', -1, 64)}, nil
	case float32:
		return &diskValue{T: "float", V: strconv.FormatFloat(float64(x), 'g', -1, 32)}, nil
	case string:
		return &diskValue{T: "string", V: x}, nil
	}
	// Decimals and other numbers keep their rendering, as a float.
	f, err := strconv.ParseFloat(Render(v), 64)
	if err != nil {
		return nil, fmt.Errorf("cannot keep a bound of type %T", v)
	}
	return &diskValue{T: "float", V: strconv.FormatFloat(f, 'g', -1, 64)}, nil
}

func decodeValue(d *diskValue) (any, error) {
	if d == nil {
		return nil, nil
	}
	switch d.T {
	case "int":
		return strconv.ParseInt(d.V, 10, 64)
	case "float":
		return strconv.ParseFloat(d.V, 64)
	case "time":
		return time.Parse(time.RFC3339Nano, d.V)
	case "string":
		return d.V, nil
	}
	return nil, fmt.Errorf("unknown bound type %q", d.T)
}
