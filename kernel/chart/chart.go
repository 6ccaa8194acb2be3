package chart

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strconv"
	"time"
)

// Kind is a kind of chart.
type Kind string

// The chart kinds.
const (
	Bar       Kind = "bar"
	Line      Kind = "line"
	Scatter   Kind = "scatter"
	Histogram Kind = "histogram"
)

// ErrNoData is returned when a chart has nothing to draw: no rows, or no
// row with a value in the plotted columns.
var ErrNoData = errors.New("nothing to chart")

// Chart is data ready to draw. Bar and line charts place their points on
// Categories (a point's X is the index of its category); scatter charts have
// numeric X; histograms have one series of bins from X to X2 with counts in Y.
type Chart struct {
	Kind       Kind
	Title      string
	X, Y       string // axis titles
	Categories []string
	Series     []Series
	// XTime says that numeric X values are Unix seconds, labelled as dates.
	XTime bool
	// Note is shown under the chart, such as "first 1000 of 7000 rows".
	Note string
}

// Series is one set of points, drawn in one colour. Name is empty for a
// chart's only series.
type Series struct {
	Name   string
	Points []Point
}

// Point is one value: see Chart for what X means per kind.
type Point struct {
	X, X2, Y float64
}

// FromRows builds a chart of rows, each with a value per column: x and y
// name the columns to plot (y is unused by histograms) and series, if not
// empty, the column whose values split the rows into series. Rows with a
// NULL or non-numeric value where a number is needed are left out.
func FromRows(kind Kind, columns []string, rows [][]any, x, y, series string) (*Chart, error) {
	col := func(name, role string) (int, error) {
		if name == "" {
			return -1, nil
		}
		i := slices.Index(columns, name)
		if i < 0 {
			return -1, fmt.Errorf("chart %s=%s: no such column (columns: %v)", role, name, columns)
		}
		return i, nil
	}
	xi, err := col(x, "x")
	if err != nil {
		return nil, err
	}
	if xi < 0 {
		return nil, fmt.Errorf("chart=%s needs x=COLUMN", kind)
	}
	yi, err := col(y, "y")
	if err != nil {
		return nil, err
	}
	si, err := col(series, "series")
	if err != nil {
		return nil, err
	}
	c := &Chart{Kind: kind, X: x, Y: y}
	switch kind {
	case Histogram:
		var vals []float64
		for _, r := range rows {
			if f, ok := Float(r[xi]); ok {
				vals = append(vals, f)
			}
		}
		if len(vals) == 0 {
			return nil, ErrNoData
		}
		c.Y = "count"
		c.Series = []Series{{Points: Bins(vals, 0)}}
		return c, nil
	case Bar, Line, Scatter:
	default:
		return nil, fmt.Errorf("unknown chart kind %q (known: bar, line, scatter, histogram)", kind)
	}
	if yi < 0 {
		return nil, fmt.Errorf("chart=%s needs y=COLUMN", kind)
	}
	seriesAt := map[string]int{}
	catAt := map[string]int{}
	for _, r := range rows {
		yv, ok := Float(r[yi])
		if !ok {
			continue
		}
		var xv float64
		if kind == Scatter {
			if t, isTime := r[xi].(time.Time); isTime {
				c.XTime = true
				xv = float64(t.Unix())
			} else if xv, ok = Float(r[xi]); !ok {
				continue
			}
		}
		name := ""
		if si >= 0 {
			name = Label(r[si])
		}
		k, ok := seriesAt[name]
		if !ok {
			k = len(c.Series)
			seriesAt[name] = k
			c.Series = append(c.Series, Series{Name: name})
		}
		if kind != Scatter {
			lbl := Label(r[xi])
			j, ok := catAt[lbl]
			if !ok {
				j = len(c.Categories)
				catAt[lbl] = j
				c.Categories = append(c.Categories, lbl)
			}
			xv = float64(j)
		}
		c.Series[k].Points = append(c.Series[k].Points, Point{X: xv, Y: yv})
	}
	if len(c.Series) == 0 {
		if kind == Scatter {
			return nil, fmt.Errorf("%w: chart=scatter needs numbers in x=%s and y=%s", ErrNoData, x, y)
		}
		return nil, fmt.Errorf("%w: no row has a number in y=%s", ErrNoData, y)
	}
	return c, nil
}

// Bins groups values into n equal-width bins (n <= 0 picks a count by the
// Freedman–Diaconis-like square-root rule, between 5 and 30).
func Bins(values []float64, n int) []Point {
	if len(values) == 0 {
		return nil
	}
	lo, hi := values[0], values[0]
	for _, v := range values {
		lo, hi = min(lo, v), max(hi, v)
	}
	if n <= 0 {
		n = BinCount(int64(len(values)))
	}
	w := BinWidth(lo, hi, n)
	pts := make([]Point, n)
	for i := range pts {
		pts[i] = Point{X: lo + float64(i)*w, X2: lo + float64(i+1)*w}
	}
	for _, v := range values {
		pts[BinIndex(v, lo, w, n)].Y++
	}
	return pts
}

// BinCount is how many bins a histogram of n values gets.
func BinCount(n int64) int {
	return min(30, max(5, int(math.Ceil(math.Sqrt(float64(n))))))
}

// BinWidth is the width of each of n bins covering lo to hi; a range of one
// value gets bins of width 1.
func BinWidth(lo, hi float64, n int) float64 {
	if hi <= lo {
		return 1
	}
	return (hi - lo) / float64(n)
}

// BinIndex is the bin of v; the maximum falls in the last bin.
func BinIndex(v, lo, w float64, n int) int {
	return min(n-1, max(0, int((v-lo)/w)))
}

// Float converts a number from a query result to float64: Go integers and
// floats, DuckDB decimals and big integers, and booleans as 0 or 1.
func Float(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, !math.IsNaN(x)
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int8:
		return float64(x), true
	case int16:
		return float64(x), true
	case int32:
		return float64(x), true
	case int64:
		return float64(x), true
	case uint8:
		return float64(x), true
	case uint16:
		return float64(x), true
	case uint32:
		return float64(x), true
	case uint64:
		return float64(x), true
	case uint:
		return float64(x), true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case *big.Int:
		f, _ := new(big.Float).SetInt(x).Float64()
		return f, true
	case interface{ Float64() float64 }: // duckdb.Decimal
		return x.Float64(), true
	}
	return 0, false
}

// Label formats a value as an axis or legend label.
func Label(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format("2006-01-02 15:04:05")
	case float64:
		return formatNum(x)
	case float32:
		return formatNum(float64(x))
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// formatNum writes a number compactly: integers without a fraction, others
// with up to four significant decimals, large values with k/M/G suffixes.
func formatNum(f float64) string {
	a := math.Abs(f)
	switch {
	case a >= 1e9:
		return trimZeros(strconv.FormatFloat(f/1e9, 'f', 2, 64)) + "G"
	case a >= 1e6:
		return trimZeros(strconv.FormatFloat(f/1e6, 'f', 2, 64)) + "M"
	case a >= 1e4:
		return trimZeros(strconv.FormatFloat(f/1e3, 'f', 1, 64)) + "k"
	case f == math.Trunc(f):
		return strconv.FormatFloat(f, 'f', 0, 64)
	case a >= 100:
		return trimZeros(strconv.FormatFloat(f, 'f', 1, 64))
	}
	return strconv.FormatFloat(f, 'g', 4, 64)
}

func trimZeros(s string) string {
	for len(s) > 1 && s[len(s)-1] == '0' && slices.Contains([]byte(s), '.') {
		s = s[:len(s)-1]
	}
	if len(s) > 1 && s[len(s)-1] == '.' {
		s = s[:len(s)-1]
	}
	return s
}

// xLabel labels a numeric x value.
func (c *Chart) xLabel(x float64) string {
	if c.XTime {
		return time.Unix(int64(x), 0).UTC().Format("2006-01-02")
	}
	return formatNum(x)
}

// bounds returns the range of the values to draw: y always, x for numeric
// x axes. Bar charts and histograms start y at zero.
func (c *Chart) bounds() (xlo, xhi, ylo, yhi float64) {
	xlo, ylo = math.Inf(1), math.Inf(1)
	xhi, yhi = math.Inf(-1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			xlo, xhi = min(xlo, p.X), max(xhi, p.X, p.X2)
			ylo, yhi = min(ylo, p.Y), max(yhi, p.Y)
		}
	}
	if c.Kind == Histogram {
		xhi = max(xhi, xlo)
	}
	if c.Kind == Bar || c.Kind == Histogram {
		ylo, yhi = min(ylo, 0), max(yhi, 0)
	}
	if math.IsInf(xlo, 0) {
		xlo, xhi, ylo, yhi = 0, 1, 0, 1
	}
	if yhi == ylo {
		yhi, ylo = yhi+1, ylo-1
		if c.Kind == Bar || c.Kind == Histogram {
			ylo = min(0, ylo+1)
		}
	}
	if xhi == xlo {
		xhi, xlo = xhi+1, xlo-1
	}
	return
}

// ticks returns about n round values covering lo to hi, and the range they
// span.
func ticks(lo, hi float64, n int) []float64 {
	span := niceNum(hi-lo, false)
	step := niceNum(span/float64(max(1, n-1)), true)
	start := math.Floor(lo/step) * step
	end := math.Ceil(hi/step) * step
	var out []float64
	for v := start; v <= end+step/2; v += step {
		out = append(out, math.Round(v/step)*step)
	}
	return out
}

func niceNum(x float64, round bool) float64 {
	if x <= 0 {
		return 1
	}
	exp := math.Floor(math.Log10(x))
	f := x / math.Pow(10, exp)
	var nf float64
	switch {
	case round && f < 1.5:
		nf = 1
	case round && f < 3:
		nf = 2
	case round && f < 7:
		nf = 5
	case round:
		nf = 10
	case f <= 1:
		nf = 1
	case f <= 2:
		nf = 2
	case f <= 5:
		nf = 5
	default:
		nf = 10
	}
	return nf * math.Pow(10, exp)
}
