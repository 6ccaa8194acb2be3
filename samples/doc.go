// Package samples generates floe's deterministic sample datasets: the same seed always yields byte-identical rows.
package samples
