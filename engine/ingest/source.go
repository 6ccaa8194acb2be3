package ingest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Line is one input line and the stream position just after it.
type Line struct {
	Text  []byte
	Where string // file:line
	End   Position
	// Partition is the Kafka partition of the record (0 otherwise).
	Partition int32
}

// Source yields input lines in order.
type Source interface {
	// Next returns the next line; io.EOF when a source that does not
	// follow has none left. A following source waits for more.
	Next(ctx context.Context) (Line, error)
	Close() error
}

// pollInterval is how often a following source looks for new data.
const pollInterval = 100 * time.Millisecond

// readerSource reads a stream with no position to resume from (stdin,
// an HTTP body): it counts bytes and lines for error messages.
type readerSource struct {
	r      *bufio.Reader
	name   string
	stream string
	off    int64
	line   int
}

// NewReaderSource reads lines from r; name labels them in errors and
// stream names the input in positions.
func NewReaderSource(r io.Reader, name, stream string) Source {
	return &readerSource{r: bufio.NewReaderSize(r, 1<<16), name: name, stream: stream}
}

func (s *readerSource) Next(ctx context.Context) (Line, error) {
	if err := ctx.Err(); err != nil {
		return Line{}, err
	}
	b, err := s.r.ReadBytes('\n')
	if len(b) == 0 && err != nil {
		return Line{}, err
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return Line{}, err
	}
	s.off += int64(len(b))
	s.line++
	return Line{Text: b, Where: fmt.Sprintf("%s:%d", s.name, s.line),
		End: Position{Stream: s.stream, Offset: s.off, Line: s.line}}, nil
}

func (s *readerSource) Close() error { return nil }

// fileSource reads a file, or the files of a directory in name order,
// from a position; following, it waits for appended lines and new files.
type fileSource struct {
	path   string // the file, or the directory
	dir    bool
	follow bool

	name string // current file (base name in a directory)
	f    *os.File
	r    *bufio.Reader
	off  int64
	line int
	part []byte // a line not yet ended by a newline (following)
}

// OpenFile opens path (a file or a directory of files, taken in name order)
// as a source, resuming after pos when pos is from the same stream.
func OpenFile(path string, follow bool, pos Position, resume bool) (Source, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("ingest from %s: %w", path, err)
	}
	s := &fileSource{path: abs, dir: st.IsDir(), follow: follow}
	if resume && pos.Stream == abs {
		s.name, s.off, s.line = pos.File, pos.Offset, pos.Line
	}
	if !s.dir {
		s.name = filepath.Base(abs)
		if err := s.open(); err != nil {
			return nil, err
		}
		return s, nil
	}
	if s.name != "" {
		if _, err := os.Stat(filepath.Join(abs, s.name)); err == nil {
			if err := s.open(); err != nil {
				return nil, err
			}
			return s, nil
		}
		// The file the position names is gone: go on after it.
	}
	return s, nil
}

func (s *fileSource) filePath() string {
	if s.dir {
		return filepath.Join(s.path, s.name)
	}
	return s.path
}

func (s *fileSource) open() error {
	f, err := os.Open(s.filePath())
	if err != nil {
		return fmt.Errorf("ingest from %s: %w", s.filePath(), err)
	}
	if s.off > 0 {
		if st, err := f.Stat(); err == nil && st.Size() < s.off {
			f.Close()
			return fmt.Errorf("ingest from %s: the table has applied up to byte %d but the file has %d: it was truncated or replaced (ingest into a new table, or give another --from)", s.filePath(), s.off, st.Size())
		}
		if _, err := f.Seek(s.off, io.SeekStart); err != nil {
			f.Close()
			return err
		}
	}
	s.f, s.r = f, bufio.NewReaderSize(f, 1<<16)
	return nil
}

// nextFile returns the first file of the directory after the current one.
func (s *fileSource) nextFile() (string, error) {
	ents, err := os.ReadDir(s.path)
	if err != nil {
		return "", err
	}
	var names []string
	for _, e := range ents {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") && e.Name() > s.name {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	return slices.Min(names), nil
}

func (s *fileSource) Next(ctx context.Context) (Line, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Line{}, err
		}
		if s.r != nil {
			b, err := s.r.ReadBytes('\n')
			if err != nil && !errors.Is(err, io.EOF) {
				return Line{}, err
			}
			if len(b) > 0 && (err == nil || !s.follow) {
				b = append(s.part, b...)
				s.part = nil
				s.off += int64(len(b))
				s.line++
				return Line{Text: b, Where: fmt.Sprintf("%s:%d", s.filePath(), s.line),
					End: Position{Stream: s.path, File: s.name, Offset: s.off, Line: s.line}}, nil
			}
			// At the end of the file; a following source keeps what it
			// has of an unfinished line.
			s.part = append(s.part, b...)
		}
		if s.dir {
			next, err := s.nextFile()
			if err != nil {
				return Line{}, err
			}
			if next != "" && len(s.part) == 0 {
				if s.f != nil {
					s.f.Close()
				}
				s.name, s.off, s.line, s.f, s.r = next, 0, 0, nil, nil
				if err := s.open(); err != nil {
					return Line{}, err
				}
				continue
			}
		}
		if !s.follow {
			return Line{}, io.EOF
		}
		select {
		case <-ctx.Done():
			return Line{}, ctx.Err()
		case <-time.After(pollInterval):
		}
	}
}

func (s *fileSource) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}
