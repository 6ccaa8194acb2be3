// Package history is the workbench's query history: every SQL cell run,
// from every session, appended to one JSON-lines file under FLOE_HOME and
// capped to the newest entries. Sessions in other processes append to the
// same file; an advisory lock keeps their lines whole and their trims safe.
package history
