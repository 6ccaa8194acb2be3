package runner

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      int           `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
	SystemErr string        `xml:"system-err,omitempty"`
}

type junitFailure struct {
	Type    string `xml:"type,attr"`
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// JUnit writes the runs as JUnit XML: a test suite per notebook and a test
// case per code cell that ran or was skipped, named by the cell's id, with
// the cell's error as the failure and its stdout and stderr.
func JUnit(w io.Writer, runs ...*Report) error {
	all := junitSuites{Name: "floe run"}
	var total float64
	for _, rep := range runs {
		nb := rep.Notebook
		suite := junitSuite{Name: nb.Path, Time: seconds(rep.Duration.Seconds())}
		class := strings.TrimSuffix(filepath.Base(nb.Path), filepath.Ext(nb.Path))
		for i, res := range rep.Results {
			c := &nb.Cells[i]
			if c.Kind != notebooks.Code || res.Status == kernel.NotRun {
				continue
			}
			tc := junitCase{Name: c.ID, Classname: class, File: nb.Path, Line: c.Line, Time: seconds(res.Duration.Seconds())}
			for _, o := range res.Outputs {
				if o.Kind != kernel.OutputStream {
					continue
				}
				if o.Stream == "stdout" {
					tc.SystemOut += o.Text
				} else {
					tc.SystemErr += o.Text
				}
			}
			switch res.Status {
			case kernel.Failed:
				tc.Failure = &junitFailure{Type: res.Err.Kind, Message: res.Err.Error(), Text: res.Err.Report()}
				suite.Failures++
			case kernel.Skipped:
				tc.Skipped = &junitSkipped{Message: res.Reason}
				suite.Skipped++
			}
			suite.Tests++
			suite.Cases = append(suite.Cases, tc)
		}
		all.Tests += suite.Tests
		all.Failures += suite.Failures
		all.Skipped += suite.Skipped
		total += rep.Duration.Seconds()
		all.Suites = append(all.Suites, suite)
	}
	all.Time = seconds(total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(s float64) string { return fmt.Sprintf("%.3f", s) }
