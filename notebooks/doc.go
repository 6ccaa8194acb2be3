// Package notebooks reads and writes floe notebooks: Markdown source files
// whose fenced sql, go and ask blocks are cells, and Jupyter .ipynb files.
// A Markdown notebook's last outputs are kept beside it, in
// .NAME.floe/outputs.json (OutputsPath, SaveOutputs, LoadOutputs), so the
// .md file stays clean prose and code.
package notebooks
