package cli

import (
	"os"
	"path/filepath"
)

// historyFile is where the workbench keeps the SQL run in every session:
// history.jsonl in $FLOE_HOME, else in ~/.floe. It is "" when neither can
// be found, and the workbench then keeps no history file.
func historyFile() string {
	if d := os.Getenv("FLOE_HOME"); d != "" {
		return filepath.Join(d, "history.jsonl")
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	return filepath.Join(home, ".floe", "history.jsonl")
}
