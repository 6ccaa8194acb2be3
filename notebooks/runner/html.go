package runner

import (
	"fmt"
	"html"
	"io"
	"regexp"
	"strings"

	"github.com/floehq/floe/kernel"
	"github.com/floehq/floe/notebooks"
)

const style = `body{font-family:-apple-system,system-ui,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#222}
pre{background:#f6f8fa;padding:.6em;overflow:auto;font-size:12px}
.cell{border-left:4px solid #ddd;margin:1.2em 0;padding:.2em .8em}
.cell.passed{border-color:#59a14f}.cell.failed{border-color:#e15759}.cell.skipped{border-color:#edc948}
.status{font-size:12px;color:#666}.status b{text-transform:uppercase}
.error{background:#fdecea;color:#8a1f11}.stderr{background:#fff8e1}
table.floe-table{border-collapse:collapse;font-size:12px;margin:.4em 0}
table.floe-table th,table.floe-table td{border:1px solid #ddd;padding:2px 6px}
table.floe-table td.num{text-align:right;font-variant-numeric:tabular-nums}
table.floe-table small{color:#888;font-weight:normal}
.output{overflow:auto;max-height:480px}
.summary span{margin-right:1em}`

// HTML writes a self-contained HTML page of an executed notebook: its
// prose, each code cell's source with its status, and the outputs (tables,
// SVG charts, text, errors).
func HTML(w io.Writer, rep *Report) error {
	nb := rep.Notebook
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title><style>%s</style></head><body>\n", esc(nb.Path), style)
	fmt.Fprintf(&b, "<h1>%s</h1>\n<p class=\"summary\"><span>%d passed</span><span>%d failed</span><span>%d skipped</span><span>%.2fs</span></p>\n",
		esc(nb.Path), rep.Passed, rep.Failed, rep.Skipped, rep.Duration.Seconds())
	for i := range nb.Cells {
		c := &nb.Cells[i]
		if c.Kind == notebooks.Markdown {
			b.WriteString(`<div class="prose">` + markdownHTML(c.Source) + "</div>\n")
			continue
		}
		res := rep.Results[i]
		status := "not run"
		if res != nil {
			status = res.Status.String()
		}
		fmt.Fprintf(&b, "<div class=\"cell %s\" id=\"%s\">\n", strings.ReplaceAll(status, " ", "-"), esc(c.ID))
		head := c.Lang
		if opts := c.Options.String(); opts != "" {
			head += " " + opts
		}
		fmt.Fprintf(&b, "<div class=\"status\"><b>%s</b> %s", esc(status), esc(head))
		if res != nil && res.Status != kernel.NotRun && res.Status != kernel.Skipped {
			fmt.Fprintf(&b, " · %s", res.Duration.Round(100000))
		}
		if res != nil && res.Reason != "" {
			fmt.Fprintf(&b, " · %s", esc(res.Reason))
		}
		b.WriteString("</div>\n")
		fmt.Fprintf(&b, "<pre><code>%s</code></pre>\n", esc(c.Source))
		for _, o := range c.Outputs {
			b.WriteString(outputHTML(o))
		}
		b.WriteString("</div>\n")
	}
	b.WriteString("</body></html>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// outputHTML renders one output, choosing the richest MIME type.
func outputHTML(o notebooks.Output) string {
	switch o.Type {
	case notebooks.OutputStream:
		return fmt.Sprintf("<pre class=\"%s\">%s</pre>\n", esc(o.Name), esc(o.Text))
	case notebooks.OutputError:
		return fmt.Sprintf("<pre class=\"error\">%s</pre>\n", esc(strings.Join(o.Traceback, "\n")))
	}
	d := o.Data
	switch {
	case d[notebooks.MIMESVG] != "":
		return `<div class="output">` + d[notebooks.MIMESVG] + "</div>\n"
	case d[notebooks.MIMEHTML] != "":
		return `<div class="output">` + d[notebooks.MIMEHTML] + "</div>\n"
	case d[notebooks.MIMEMarkdown] != "":
		return `<div class="output">` + markdownHTML(d[notebooks.MIMEMarkdown]) + "</div>\n"
	case d[notebooks.MIMEPNG] != "":
		return fmt.Sprintf(`<div class="output"><img src="data:image/png;base64,%s"></div>`+"\n", d[notebooks.MIMEPNG])
	}
	return fmt.Sprintf("<pre>%s</pre>\n", esc(d[notebooks.MIMEText]))
}

func esc(s string) string { return html.EscapeString(s) }

var (
	mdCode   = regexp.MustCompile("`([^`]+)`")
	mdBold   = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	mdItalic = regexp.MustCompile(`(^|[^*])\*([^*\s][^*]*)\*`)
	mdLink   = regexp.MustCompile(`\[([^\]]+)\]\(([^)\s]+)\)`)
	mdNumber = regexp.MustCompile(`^\d+[.)] `)
)

// markdownHTML renders the Markdown notebooks use most: headings,
// paragraphs, lists, fenced code, and inline code, bold, italics and links.
// Everything else is shown as text; raw HTML is escaped.
func markdownHTML(src string) string {
	var b strings.Builder
	var para []string
	list := ""
	fence := ""
	flushPara := func() {
		if len(para) > 0 {
			b.WriteString("<p>" + inline(strings.Join(para, " ")) + "</p>\n")
			para = nil
		}
	}
	closeList := func() {
		if list != "" {
			b.WriteString("</" + list + ">\n")
			list = ""
		}
	}
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(t, fence) {
				b.WriteString("</code></pre>\n")
				fence = ""
				continue
			}
			b.WriteString(esc(line) + "\n")
			continue
		}
		switch {
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			flushPara()
			closeList()
			fence = t[:3]
			b.WriteString("<pre><code>")
		case t == "":
			flushPara()
			closeList()
		case strings.HasPrefix(t, "#"):
			flushPara()
			closeList()
			n := len(t) - len(strings.TrimLeft(t, "#"))
			if n > 6 || len(t) == n || t[n] != ' ' {
				para = append(para, t)
				continue
			}
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", n+1, inline(strings.TrimSpace(t[n:])), n+1)
		case strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* "):
			flushPara()
			if list != "ul" {
				closeList()
				list = "ul"
				b.WriteString("<ul>\n")
			}
			b.WriteString("<li>" + inline(t[2:]) + "</li>\n")
		case mdNumber.MatchString(t):
			flushPara()
			if list != "ol" {
				closeList()
				list = "ol"
				b.WriteString("<ol>\n")
			}
			b.WriteString("<li>" + inline(mdNumber.ReplaceAllString(t, "")) + "</li>\n")
		default:
			if list != "" {
				closeList()
			}
			para = append(para, t)
		}
	}
	if fence != "" {
		b.WriteString("</code></pre>\n")
	}
	flushPara()
	closeList()
	return b.String()
}

// inline renders inline Markdown in escaped text; code spans are kept as
// they are.
func inline(s string) string {
	var codes []string
	s = mdCode.ReplaceAllStringFunc(s, func(m string) string {
		codes = append(codes, "<code>"+esc(m[1:len(m)-1])+"</code>")
		return fmt.Sprintf("\x00%d\x00", len(codes)-1)
	})
	s = esc(s)
	s = mdBold.ReplaceAllString(s, "<b>$1</b>")
	s = mdItalic.ReplaceAllString(s, "$1<i>$2</i>")
	s = mdLink.ReplaceAllStringFunc(s, func(m string) string {
		p := mdLink.FindStringSubmatch(m)
		href := p[2]
		if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "#") {
			return p[1]
		}
		return fmt.Sprintf(`<a href="%s">%s</a>`, href, p[1])
	})
	for i, c := range codes {
		s = strings.Replace(s, fmt.Sprintf("\x00%d\x00", i), c, 1)
	}
	return s
}
