// Package highlight turns a cell's text into styled terminal lines: SQL and
// Go through chroma's lexers, Markdown through a small renderer of its
// common forms (headings, lists, emphasis, code).
package highlight
