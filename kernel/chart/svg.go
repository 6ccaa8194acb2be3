package chart

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// palette holds the series colours (Tableau 10).
var palette = []string{"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// SVG geometry.
const (
	svgW, svgH                    = 720, 400
	padL, padR, padTop, padBottom = 72, 36, 56, 72
)

// maxLabel is the most runes of a category label an SVG shows.
const maxLabel = 16

// SVG draws the chart as a standalone SVG document.
func (c *Chart) SVG() string {
	categorical := c.Kind == Bar || c.Kind == Line
	rotate := categorical && len(c.Categories) > 8
	// Rotated labels hang below the axis: make room for the longest.
	bottom := padBottom
	if rotate {
		longest := 0
		for _, cat := range c.Categories {
			longest = max(longest, len([]rune(shorten(cat, maxLabel))))
		}
		bottom = max(padBottom, 44+int(float64(longest)*6.2*0.64))
	}
	height := svgH - padBottom + bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`, svgW, height, svgW, height)
	b.WriteString("\n")
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", svgW, height)
	if c.Title != "" {
		fmt.Fprintf(&b, `<text x="%d" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", padL, esc(c.Title))
	}
	x0, x1 := float64(padL), float64(svgW-padR)
	y0, y1 := float64(height-bottom), float64(padTop)

	xlo, xhi, ylo, yhi := c.bounds()
	yt := ticks(ylo, yhi, 6)
	ylo, yhi = min(ylo, yt[0]), max(yhi, yt[len(yt)-1])
	ymap := func(v float64) float64 { return y0 - (v-ylo)/(yhi-ylo)*(y0-y1) }

	// Horizontal grid lines and y labels.
	for _, t := range yt {
		y := ymap(t)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", x0, y, x1, y)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="#555">%s</text>`+"\n", x0-6, y+4, esc(formatNum(t)))
	}

	var xmap func(v float64) float64
	if categorical {
		n := max(1, len(c.Categories))
		slot := (x1 - x0) / float64(n)
		xmap = func(v float64) float64 { return x0 + slot*(v+0.5) }
		every := max(1, int(math.Ceil(float64(n)/16)))
		for i, cat := range c.Categories {
			if i%every != 0 {
				continue
			}
			x := xmap(float64(i))
			if rotate {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="#555" transform="rotate(-40 %.1f %.1f)">%s</text>`+"\n", x, y0+14, x, y0+14, esc(shorten(cat, maxLabel)))
			} else {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#555">%s</text>`+"\n", x, y0+16, esc(shorten(cat, maxLabel)))
			}
		}
	} else {
		xt := ticks(xlo, xhi, 8)
		xlo, xhi = min(xlo, xt[0]), max(xhi, xt[len(xt)-1])
		xmap = func(v float64) float64 { return x0 + (v-xlo)/(xhi-xlo)*(x1-x0) }
		for _, t := range xt {
			x := xmap(t)
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#999"/>`+"\n", x, y0, x, y0+4)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle" fill="#555">%s</text>`+"\n", x, y0+16, esc(c.xLabel(t)))
		}
	}

	switch c.Kind {
	case Bar:
		n := max(1, len(c.Categories))
		slot := (x1 - x0) / float64(n)
		bw := slot * 0.8 / float64(len(c.Series))
		for k, s := range c.Series {
			for _, p := range s.Points {
				x := x0 + slot*p.X + slot*0.1 + bw*float64(k)
				ya, yb := ymap(max(p.Y, 0)), ymap(min(p.Y, 0))
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s</title></rect>`+"\n",
					x, ya, math.Max(bw-1, 1), math.Max(yb-ya, 0.5), color(k), esc(c.pointTitle(s, p)))
			}
		}
	case Histogram:
		for k, s := range c.Series {
			for _, p := range s.Points {
				xa, xb := xmap(p.X), xmap(p.X2)
				ya := ymap(p.Y)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" stroke="white"><title>%s</title></rect>`+"\n",
					xa, ya, math.Max(xb-xa, 0.5), math.Max(y0-ya, 0), color(k), esc(c.pointTitle(s, p)))
			}
		}
	case Line:
		for k, s := range c.Series {
			pts := make([]string, len(s.Points))
			for i, p := range s.Points {
				pts[i] = fmt.Sprintf("%.1f,%.1f", xmap(p.X), ymap(p.Y))
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", color(k), strings.Join(pts, " "))
			if len(s.Points) <= 60 {
				for _, p := range s.Points {
					fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="2.5" fill="%s"><title>%s</title></circle>`+"\n", xmap(p.X), ymap(p.Y), color(k), esc(c.pointTitle(s, p)))
				}
			}
		}
	case Scatter:
		for k, s := range c.Series {
			for _, p := range s.Points {
				fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s" fill-opacity="0.6"/>`+"\n", xmap(p.X), ymap(p.Y), color(k))
			}
		}
	}

	// Axes and their titles.
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n", x0, y0, x1, y0)
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#333"/>`+"\n", x0, y0, x0, y1)
	if c.X != "" {
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle" fill="#333">%s</text>`+"\n", (x0+x1)/2, height-8, esc(c.X))
	}
	if c.Y != "" {
		fmt.Fprintf(&b, `<text x="14" y="%.1f" text-anchor="middle" fill="#333" transform="rotate(-90 14 %.1f)">%s</text>`+"\n", (y0+y1)/2, (y0+y1)/2, esc(c.Y))
	}
	// The legend is a row under the title; the note sits bottom right.
	if len(c.Series) > 1 {
		lx := x0
		for k, s := range c.Series {
			name := shorten(s.Name, 22)
			fmt.Fprintf(&b, `<rect x="%.1f" y="33" width="10" height="10" fill="%s"/><text x="%.1f" y="42">%s</text>`+"\n", lx, color(k), lx+14, esc(name))
			lx += 14 + 6.5*float64(len([]rune(name))) + 14
		}
	}
	if c.Note != "" {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end" fill="#888" font-size="10">%s</text>`+"\n", svgW-8, height-8, esc(c.Note))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// pointTitle is the tooltip of a bar, bin or point.
func (c *Chart) pointTitle(s Series, p Point) string {
	var x string
	switch c.Kind {
	case Histogram:
		x = fmt.Sprintf("%s to %s", c.xLabel(p.X), c.xLabel(p.X2))
	case Bar, Line:
		if i := int(p.X); i >= 0 && i < len(c.Categories) {
			x = c.Categories[i]
		}
	default:
		x = c.xLabel(p.X)
	}
	if s.Name != "" {
		x = s.Name + ", " + x
	}
	return x + ": " + formatNum(p.Y)
}

func color(k int) string { return palette[k%len(palette)] }

func esc(s string) string { return html.EscapeString(s) }

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
