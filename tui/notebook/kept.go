package notebook

import (
	"time"

	"github.com/floehq/floe/notebooks"
)

// keptHeader is the line above outputs shown from an earlier session (kept
// beside a .md notebook, or saved in an .ipynb): "from the last run at
// 15:04", with the day when it was not today, in now's time zone; "" when
// the run time is unknown.
func keptHeader(c *notebooks.Cell, now time.Time) string {
	if c.Execution.Start.IsZero() {
		return ""
	}
	at := c.Execution.Start.In(now.Location())
	layout := "15:04"
	switch {
	case at.Year() != now.Year():
		layout = "2 Jan 2006 15:04"
	case at.YearDay() != now.YearDay():
		layout = "2 Jan 15:04"
	}
	return "from the last run at " + at.Format(layout)
}
