// Package ipynb reads, writes and validates Jupyter notebook documents in the
// nbformat 4 JSON format (https://nbformat.readthedocs.io/en/latest/format_description.html).
package ipynb
