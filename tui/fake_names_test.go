package tui

import (
	"context"

	"github.com/floehq/floe/kernel"
)

// Names lists the fake warehouse (the tables of fakeCatalog) and the named
// result of the sample notebook, for completion; it counts its calls.
func (k *fakeKernel) Names(context.Context) (*kernel.Names, error) {
	k.mu.Lock()
	k.listed++
	k.mu.Unlock()
	cols := func(names ...string) []kernel.Column {
		var out []kernel.Column
		for _, n := range names {
			out = append(out, kernel.Column{Name: n})
		}
		return out
	}
	lake := func(ns, name string) kernel.Relation {
		return kernel.Relation{Catalog: "lake", Schema: ns, Name: name,
			Columns: cols("customer_id", "name", "signup_date", "revenue")}
	}
	return &kernel.Names{
		Tables: []kernel.Relation{{Catalog: "temp", Schema: "main", Name: "customers",
			Columns: cols("id", "customer", "segment", "revenue", "note", "signup_date")}},
		Lake:      []kernel.Relation{lake("crm", "customers"), lake("crm", "segments"), lake("sales", "orders")},
		Functions: []string{"count", "date_trunc", "strftime", "string_split", "sum"},
	}, nil
}

// listings returns how many times Names was called.
func (k *fakeKernel) listings() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.listed
}
