package offline_test

import (
	"testing"

	"github.com/floehq/floe/agent/offline"
	"github.com/floehq/floe/agent/schema"
)

// The rules of the planner's fifth pass (issue 13), found on the library,
// logistics and stream schemas.

// TestOpenRanges checks that a period followed by "or later", "onwards" or
// "or earlier" opens a range from it instead of being the range.
func TestOpenRanges(t *testing.T) {
	checkRules(t, offline.New([]*schema.Profile{shipments()}), []ruleCase{
		{q: "How many shipments in 2024 or later?", ok: []string{"shp_dt >= DATE '2024-01-01'"}, absent: []string{"shp_dt < DATE '2025-01-01'"}},
		{q: "shipments from March 2024 onwards", ok: []string{"shp_dt >= DATE '2024-03-01'"}, absent: []string{"shp_dt < DATE '2024-04-01'"}},
		{q: "How many shipments in 2023 or earlier?", ok: []string{"shp_dt < DATE '2024-01-01'"}, absent: []string{"shp_dt >= DATE '2023-01-01'"}},
		{q: "How many shipments in 2024?", ok: []string{"shp_dt >= DATE '2024-01-01' AND shp_dt < DATE '2025-01-01'"}},
	})
}
