package chart

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// maxTextBars bounds the bars a text bar chart or histogram draws.
const maxTextBars = 40

// markers are the point symbols of the series of a text line or scatter chart.
var markers = []rune{'●', '○', '▲', '■', '◆', '✚', '✖', '▼'}

// Text draws the chart with Unicode characters in about width columns:
// horizontal bars for bar charts and histograms, a grid of points for line
// and scatter charts.
func (c *Chart) Text(width int) string { return c.TextFit(width, 0) }

// minTextHeight is the fewest lines TextFit draws a chart in.
const minTextHeight = 8

// TextFit draws the chart as Text does in at most height lines (at least
// minTextHeight; 0 means Text's own size): the plot shrinks, or fewer bars
// show with a line saying how many more, so that the title, the axes,
// their labels, the legend and the note always show.
func (c *Chart) TextFit(width, height int) string {
	width = max(width, 40)
	if height > 0 {
		height = max(height, minTextHeight)
	}
	var b strings.Builder
	fixed := 0
	if c.Title != "" {
		b.WriteString(c.Title + "\n")
		fixed++
	}
	if c.Note != "" {
		fixed++
	}
	switch c.Kind {
	case Bar, Histogram:
		n := maxTextBars
		if height > 0 {
			n = max(height-fixed-1, 1) // a line for "… n more bars"
		}
		c.textBars(&b, width, n)
	default:
		h := gridHeight
		if height > 0 {
			// The x axis, its labels, the axis names and the legend.
			fixed += 3
			if len(c.Series) > 1 {
				fixed++
			}
			h = min(max(height-fixed, 2), gridHeight)
		}
		c.textGrid(&b, width, h)
	}
	if c.Note != "" {
		b.WriteString(c.Note + "\n")
	}
	return b.String()
}

// gridHeight is the rows of a line or scatter chart's plot at full size.
const gridHeight = 14

type textBar struct {
	label, series string
	v             float64
}

func (c *Chart) textBars(b *strings.Builder, width, maxBars int) {
	var bars []textBar
	for _, s := range c.Series {
		for _, p := range s.Points {
			var lbl string
			if c.Kind == Histogram {
				lbl = c.xLabel(p.X) + " – " + c.xLabel(p.X2)
			} else if i := int(p.X); i >= 0 && i < len(c.Categories) {
				lbl = c.Categories[i]
			}
			bars = append(bars, textBar{lbl, s.Name, p.Y})
		}
	}
	if c.Kind == Bar && len(c.Series) > 1 {
		// Group the bars of one category together.
		byCat := make([][]textBar, len(c.Categories))
		for k, s := range c.Series {
			for _, p := range s.Points {
				if i := int(p.X); i >= 0 && i < len(byCat) {
					byCat[i] = append(byCat[i], textBar{c.Categories[i], c.Series[k].Name, p.Y})
				}
			}
		}
		bars = bars[:0]
		for _, g := range byCat {
			bars = append(bars, g...)
		}
	}
	more := 0
	if len(bars) > maxBars {
		more = len(bars) - maxBars
		bars = bars[:maxBars]
	}
	lw, vw := 0, 0
	lo, hi := 0.0, 0.0
	for _, t := range bars {
		l := shorten(t.label, 24)
		if t.series != "" {
			l += " · " + shorten(t.series, 16)
		}
		lw = max(lw, utf8.RuneCountInString(l))
		vw = max(vw, len(formatNum(t.v)))
		lo, hi = min(lo, t.v), max(hi, t.v)
	}
	barW := max(10, width-lw-vw-4)
	scale := hi - lo
	if scale == 0 {
		scale = 1
	}
	for _, t := range bars {
		l := shorten(t.label, 24)
		if t.series != "" {
			l += " · " + shorten(t.series, 16)
		}
		n := math.Abs(t.v) / scale * float64(barW)
		fmt.Fprintf(b, "%s%s │%s %s\n", l, strings.Repeat(" ", lw-utf8.RuneCountInString(l)), blocks(n), formatNum(t.v))
	}
	if more > 0 {
		fmt.Fprintf(b, "… %d more bars\n", more)
	}
}

// blocks draws a bar n cells long with eighth-cell precision.
func blocks(n float64) string {
	full := int(n)
	frac := int((n - float64(full)) * 8)
	s := strings.Repeat("█", full)
	if frac > 0 {
		s += string([]rune("▏▎▍▌▋▊▉")[frac-1])
	}
	return s
}

// textGrid plots line and scatter charts on a character grid.
func (c *Chart) textGrid(b *strings.Builder, width, h int) {
	xlo, xhi, ylo, yhi := c.bounds()
	if c.Kind == Line {
		xlo, xhi = 0, float64(max(1, len(c.Categories)-1))
	}
	ylbl := []string{formatNum(yhi), formatNum((ylo + yhi) / 2), formatNum(ylo)}
	lw := 0
	for _, l := range ylbl {
		lw = max(lw, len(l))
	}
	w := max(10, width-lw-2)
	grid := make([][]rune, h)
	for i := range grid {
		grid[i] = []rune(strings.Repeat(" ", w))
	}
	col := func(x float64) int { return min(w-1, max(0, int(math.Round((x-xlo)/(xhi-xlo)*float64(w-1))))) }
	row := func(y float64) int { return min(h-1, max(0, h-1-int(math.Round((y-ylo)/(yhi-ylo)*float64(h-1))))) }
	for k, s := range c.Series {
		m := markers[k%len(markers)]
		if c.Kind == Line {
			for i := 1; i < len(s.Points); i++ {
				p, q := s.Points[i-1], s.Points[i]
				c0, c1 := col(p.X), col(q.X)
				for x := c0 + 1; x < c1; x++ {
					t := float64(x-c0) / float64(c1-c0)
					r := row(p.Y + t*(q.Y-p.Y))
					if grid[r][x] == ' ' {
						grid[r][x] = '·'
					}
				}
			}
		}
		for _, p := range s.Points {
			grid[row(p.Y)][col(p.X)] = m
		}
	}
	for i, line := range grid {
		l := ""
		switch i {
		case 0:
			l = ylbl[0]
		case h - 1:
			l = ylbl[2]
		case h / 2:
			l = ylbl[1]
		}
		fmt.Fprintf(b, "%*s ┤%s\n", lw, l, strings.TrimRight(string(line), " "))
	}
	fmt.Fprintf(b, "%*s └%s\n", lw, "", strings.Repeat("─", w))
	first, last := c.xLabel(xlo), c.xLabel(xhi)
	if c.Kind == Line && len(c.Categories) > 0 {
		first, last = c.Categories[0], c.Categories[len(c.Categories)-1]
	}
	gap := max(1, w-utf8.RuneCountInString(first)-utf8.RuneCountInString(last))
	fmt.Fprintf(b, "%*s  %s%s%s\n", lw, "", first, strings.Repeat(" ", gap), last)
	if len(c.Series) > 1 {
		var parts []string
		for k, s := range c.Series {
			parts = append(parts, string(markers[k%len(markers)])+" "+s.Name)
		}
		fmt.Fprintf(b, "%*s  %s\n", lw, "", strings.Join(parts, "  "))
	}
	axis := c.X
	if c.Y != "" {
		axis = c.Y + " by " + c.X
	}
	fmt.Fprintf(b, "%*s  %s\n", lw, "", axis)
}
