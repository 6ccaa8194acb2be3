// Package notebooks reads and writes floe notebooks: Markdown source files
// whose fenced sql, go and ask blocks are cells, and Jupyter .ipynb files.
package notebooks
