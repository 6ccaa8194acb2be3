package offline_test

import (
	"context"
	"strings"
	"testing"

	"github.com/floehq/floe/agent/internal/agenttest"
)

// TestShopExamples asks the questions a new user asked of the shop schema
// (orders: order_id, customer, region, product, quantity, amount,
// order_date), which the planner used to refuse or, for "Maximum amount by
// region", answer wrongly. Each is asked as `floe ask` asks it and checked
// against reference SQL by result.
func TestShopExamples(t *testing.T) {
	ctx := context.Background()
	w := openEval(t, "shop")
	tests := []struct {
		q, want string
		ignored string // a word the explanation must say it ignored
	}{
		{"What is the total amount of all orders?", "SELECT sum(amount) FROM lake.shop.orders", ""},
		{"Total amount by region", "SELECT region, sum(amount) FROM lake.shop.orders GROUP BY 1", ""},
		{"Top 5 customers by total amount",
			"SELECT customer, sum(amount) AS s FROM lake.shop.orders GROUP BY 1 ORDER BY s DESC LIMIT 5", ""},
		{"What is the median order amount?", "SELECT median(amount) FROM lake.shop.orders", ""},
		{"Average amount for widgets", "SELECT avg(amount) FROM lake.shop.orders WHERE product = 'Widget'", ""},
		{"Minimum order amount in the West region", "SELECT min(amount) FROM lake.shop.orders WHERE region = 'West'", ""},
		{"How many orders were placed in the south region?",
			"SELECT count(*) FROM lake.shop.orders WHERE region = 'South'", "placed"},
		{"Please show all orders made by Globex in 2024, how many were there",
			"SELECT count(*) FROM lake.shop.orders WHERE customer = 'Globex' AND year(order_date) = 2024", ""},
		{"Maximum amount by region", "SELECT region, max(amount) FROM lake.shop.orders GROUP BY 1", ""},
		{"Which customer spent the most?",
			"SELECT customer, sum(amount) AS s FROM lake.shop.orders GROUP BY 1 ORDER BY s DESC LIMIT 1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			want, err := agenttest.Run(ctx, w.sess, tt.want)
			if err != nil {
				t.Fatal(err)
			}
			ans, err := w.agent.Ask(ctx, tt.q, nil)
			if err != nil {
				t.Fatalf("Ask(%q): %v", tt.q, err)
			}
			same := agenttest.Same
			if ordered.MatchString(tt.want) {
				same = agenttest.SameOrdered
			}
			if ok, why := same(want, ans.Result); !ok {
				t.Errorf("%s\n%s", why, ans.SQL)
			}
			if tt.ignored != "" && !strings.Contains(ans.Explanation, `"`+tt.ignored+`"`) {
				t.Errorf("explanation %q does not say %q was ignored", ans.Explanation, tt.ignored)
			}
		})
	}
}
