package kernel

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/floehq/floe/notebooks"
)

const depsNotebook = `# deps

~~~sql parameters
SET VARIABLE region = 'US';
~~~

~~~sql name=orders
SELECT * FROM lake.samples.daily_sales WHERE region = getvariable('region')
~~~

~~~sql name=customers
SELECT * FROM lake.samples.customers
~~~

~~~sql name=top_customers
SELECT customer_id FROM customers ORDER BY total_charges DESC LIMIT 5
~~~

~~~go
scores := floe.Result("top_customers")
~~~

~~~go
type Row struct{ N int }
floe.Register("scored", []Row{{scores.Len()}})
~~~

~~~sql
CREATE TEMP TABLE summary AS SELECT count(*) AS n FROM orders;
SET VARIABLE cutoff = 3;
~~~

~~~sql
SELECT * FROM scored, summary WHERE n > getvariable('cutoff')
~~~

~~~sql depends=customers
SELECT 1
~~~
`

func parseDeps(t *testing.T) *notebooks.Notebook {
	t.Helper()
	nb, err := notebooks.Parse("deps.md", []byte(strings.ReplaceAll(depsNotebook, "~~~", "```")))
	if err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestDependencies(t *testing.T) {
	nb := parseDeps(t)
	g := Dependencies(nb)
	// Cell indexes: 0 markdown, 1 parameters, 2 orders, 3 customers,
	// 4 top_customers, 5 go scores, 6 go register, 7 summary, 8 final
	// query, 9 depends=customers.
	want := [][]int{
		0: nil,
		1: nil,
		2: {1},
		3: {1},
		4: {1, 3},
		5: {1, 4},
		6: {1, 5},
		7: {1, 2},
		8: {1, 6, 7},
		9: {1, 3},
	}
	if diff := cmp.Diff(want, g.Needs); diff != "" {
		t.Errorf("Needs (-want +got):\n%s", diff)
	}

	sel, err := g.Select(nb, []string{"top_customers"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]bool{false, true, false, true, true, false, false, false, false, false}, sel); diff != "" {
		t.Errorf("Select(top_customers) (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{4, 5, 6, 8, 9}, g.Dependents(3)); diff != "" {
		t.Errorf("Dependents(customers) (-want +got):\n%s", diff)
	}
	if _, err := g.Select(nb, []string{"nope"}); err == nil || !strings.Contains(err.Error(), `no such cell "nope"`) {
		t.Errorf("Select(nope) = %v, want a no such cell error", err)
	}
}
