package samples

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func writeCSV(t testing.TB, d Dataset, seed uint64) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := d.WriteCSV(&buf, seed); err != nil {
		t.Fatalf("WriteCSV(%s, %d): %v", d.Name, seed, err)
	}
	return buf.Bytes()
}

func TestAllNames(t *testing.T) {
	var got []string
	for _, d := range All() {
		got = append(got, d.Name)
		if d.Comment == "" {
			t.Errorf("dataset %s has no comment", d.Name)
		}
		for _, c := range d.Columns {
			if c.Comment == "" {
				t.Errorf("column %s.%s has no comment", d.Name, c.Name)
			}
		}
	}
	if diff := cmp.Diff([]string{"customers", "daily_sales"}, got); diff != "" {
		t.Errorf("All() names (-want +got):\n%s", diff)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name   string
		wantOK bool
	}{
		{"customers", true},
		{"daily_sales", true},
		{"Customers", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := Lookup(tt.name)
			if ok != tt.wantOK {
				t.Fatalf("Lookup(%q) ok = %v, want %v", tt.name, ok, tt.wantOK)
			}
			if ok && d.Name != tt.name {
				t.Errorf("Lookup(%q).Name = %q", tt.name, d.Name)
			}
		})
	}
}

func TestWriteCSVZeroDataset(t *testing.T) {
	var buf bytes.Buffer
	if err := (Dataset{Name: "empty"}).WriteCSV(&buf, 1); err == nil {
		t.Error("WriteCSV on a Dataset without generator succeeded, want error")
	}
}

func TestWriteCSVDeterministic(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			a := writeCSV(t, d, DefaultSeed)
			b := writeCSV(t, d, DefaultSeed)
			if !bytes.Equal(a, b) {
				t.Error("two runs with the same seed differ")
			}
			if c := writeCSV(t, d, DefaultSeed+1); bytes.Equal(a, c) {
				t.Error("different seeds give identical output")
			}
		})
	}
}

// TestWriteCSVGolden pins the output for DefaultSeed, which is what floe
// installs in every new warehouse: notebooks and docs quote its numbers, so a
// change to a generator must be deliberate (go test -update). The golden file
// holds the SHA-256 of the whole CSV and its first rows for a readable diff.
func TestWriteCSVGolden(t *testing.T) {
	for _, d := range All() {
		t.Run(d.Name, func(t *testing.T) {
			out := writeCSV(t, d, DefaultSeed)
			lines := bytes.SplitAfterN(out, []byte("\n"), 7)
			got := fmt.Sprintf("sha256 %x\n%s", sha256.Sum256(out), bytes.Join(lines[:6], nil))
			path := filepath.Join("testdata", d.Name+".golden")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden file (run go test -update to create it): %v", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s output changed (-want +got); run go test -update if intended:\n%s", d.Name, diff)
			}
		})
	}
}

// TestWriteCSVTypes reads the CSV back and checks every field parses as its
// declared DuckDB type, the way read_csv with explicit column types would.
func TestWriteCSVTypes(t *testing.T) {
	tests := []struct {
		name     string
		wantRows int
		nullable map[string]bool
	}{
		{"customers", NumCustomers, map[string]bool{"total_charges": true}},
		{"daily_sales", NumStores * NumProducts * NumSalesDays, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := Lookup(tt.name)
			if !ok {
				t.Fatalf("Lookup(%q) failed", tt.name)
			}
			recs, err := csv.NewReader(bytes.NewReader(writeCSV(t, d, DefaultSeed))).ReadAll()
			if err != nil {
				t.Fatalf("read back CSV: %v", err)
			}
			if diff := cmp.Diff(d.ColumnNames(), recs[0]); diff != "" {
				t.Errorf("header (-want +got):\n%s", diff)
			}
			if got := len(recs) - 1; got != tt.wantRows {
				t.Errorf("got %d rows, want %d", got, tt.wantRows)
			}
			nulls := map[string]int{}
			for i, rec := range recs[1:] {
				for j, c := range d.Columns {
					v := rec[j]
					if v == "" {
						nulls[c.Name]++
						if !tt.nullable[c.Name] {
							t.Fatalf("row %d: %s is NULL", i, c.Name)
						}
						continue
					}
					if err := checkType(c.Type, v); err != nil {
						t.Fatalf("row %d: %s: %v", i, c.Name, err)
					}
				}
			}
			for name := range tt.nullable {
				if nulls[name] == 0 {
					t.Errorf("nullable column %s has no NULLs", name)
				}
			}
		})
	}
}

var (
	decimalType = regexp.MustCompile(`^DECIMAL\((\d+),(\d+)\)$`)
	decimalRE   = map[string]*regexp.Regexp{}
)

// checkType reports whether v is a valid CSV field of DuckDB type typ.
func checkType(typ, v string) error {
	switch {
	case typ == "VARCHAR":
		return nil
	case typ == "INTEGER":
		_, err := strconv.ParseInt(v, 10, 32)
		return err
	case typ == "BOOLEAN":
		if v != "true" && v != "false" {
			return fmt.Errorf("boolean %q", v)
		}
		return nil
	case typ == "DATE":
		_, err := time.Parse("2006-01-02", v)
		return err
	case decimalType.MatchString(typ):
		re, ok := decimalRE[typ]
		if !ok {
			m := decimalType.FindStringSubmatch(typ)
			width, _ := strconv.Atoi(m[1])
			scale, _ := strconv.Atoi(m[2])
			re = regexp.MustCompile(fmt.Sprintf(`^-?\d{1,%d}\.\d{%d}$`, width-scale, scale))
			decimalRE[typ] = re
		}
		if !re.MatchString(v) {
			return fmt.Errorf("%q is not %s", v, typ)
		}
		return nil
	}
	return fmt.Errorf("unknown type %s", typ)
}

func TestCentsString(t *testing.T) {
	tests := []struct {
		c    Cents
		want string
	}{
		{0, "0.00"},
		{5, "0.05"},
		{1234, "12.34"},
		{-1205, "-12.05"},
		{centsOf(29.845), "29.85"},
		{centsOf(-0.004), "0.00"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("Cents(%d).String() = %q, want %q", int64(tt.c), got, tt.want)
		}
	}
}

func TestCustomersDomains(t *testing.T) {
	idRE := regexp.MustCompile(`^\d{4}-[A-Z]{5}$`)
	domains := map[string]map[string]bool{
		"gender":   {"Female": true, "Male": true},
		"contract": {MonthToMonth: true, OneYear: true, TwoYear: true},
		"internet": {DSL: true, FiberOptic: true, NoInternet: true},
		"payment":  {ElectronicCheck: true, MailedCheck: true, BankTransfer: true, CreditCard: true},
		"region":   {"US": true, "EU": true, "APAC": true, "LATAM": true, "MEA": true},
	}
	seen := map[string]map[string]bool{}
	ids := map[string]bool{}
	cs := Customers(DefaultSeed)
	if len(cs) != NumCustomers {
		t.Fatalf("got %d customers, want %d", len(cs), NumCustomers)
	}
	for _, c := range cs {
		if !idRE.MatchString(c.ID) {
			t.Errorf("customer id %q does not look like 0001-ABCDE", c.ID)
		}
		if ids[c.ID] {
			t.Errorf("duplicate customer id %q", c.ID)
		}
		ids[c.ID] = true
		for k, v := range map[string]string{
			"gender": c.Gender, "contract": c.Contract, "internet": c.InternetService,
			"payment": c.PaymentMethod, "region": c.Region,
		} {
			if seen[k] == nil {
				seen[k] = map[string]bool{}
			}
			seen[k][v] = true
		}
		if c.TenureMonths < 0 || c.TenureMonths > 72 {
			t.Errorf("%s: tenure %d outside 0..72", c.ID, c.TenureMonths)
		}
		if c.MonthlyCharges < 1825 || c.MonthlyCharges > 11875 {
			t.Errorf("%s: monthly charges %v outside 18.25..118.75", c.ID, c.MonthlyCharges)
		}
		if c.TenureMonths == 0 && c.TotalCharges != 0 {
			t.Errorf("%s: tenure 0 but total charges %v", c.ID, c.TotalCharges)
		}
		if c.TenureMonths > 0 {
			ratio := c.TotalCharges.Float64() / (c.MonthlyCharges.Float64() * float64(c.TenureMonths))
			if c.TotalCharges < c.MonthlyCharges || ratio < 0.75 || ratio > 1.25 {
				t.Errorf("%s: total %v far from %d months of %v", c.ID, c.TotalCharges, c.TenureMonths, c.MonthlyCharges)
			}
		}
		earliest := CustomersAsOf.AddDate(0, -c.TenureMonths-1, 0)
		latest := CustomersAsOf.AddDate(0, -c.TenureMonths, 0)
		if c.SignupDate.Before(earliest) || c.SignupDate.After(latest) {
			t.Errorf("%s: signup %s does not match tenure %d", c.ID, c.SignupDate.Format(dateLayout), c.TenureMonths)
		}
	}
	if diff := cmp.Diff(domains, seen); diff != "" {
		t.Errorf("value domains (-want +got):\n%s", diff)
	}
}

// churnRate returns the churn rate of the customers for which in holds.
func churnRate(cs []Customer, in func(Customer) bool) float64 {
	n, churned := 0, 0
	for _, c := range cs {
		if in(c) {
			n++
			if c.Churned {
				churned++
			}
		}
	}
	return float64(churned) / float64(n)
}

func TestCustomersChurn(t *testing.T) {
	for _, seed := range []uint64{1, DefaultSeed, 2025} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			cs := Customers(seed)
			all := churnRate(cs, func(Customer) bool { return true })
			if all < 0.24 || all > 0.30 {
				t.Errorf("overall churn %.3f, want 0.24..0.30", all)
			}
			contract := func(k string) float64 {
				return churnRate(cs, func(c Customer) bool { return c.Contract == k })
			}
			m2m, one, two := contract(MonthToMonth), contract(OneYear), contract(TwoYear)
			if !(m2m > 2*one && one > two) {
				t.Errorf("churn by contract: month-to-month %.3f, one year %.3f, two year %.3f; want m2m > 2x one year > two year", m2m, one, two)
			}
			early := churnRate(cs, func(c Customer) bool { return c.TenureMonths <= 12 })
			late := churnRate(cs, func(c Customer) bool { return c.TenureMonths >= 49 })
			if early < 2*late {
				t.Errorf("churn tenure 0-12 %.3f, 49-72 %.3f; want early > 2x late", early, late)
			}
			fiber := churnRate(cs, func(c Customer) bool { return c.InternetService == FiberOptic })
			dsl := churnRate(cs, func(c Customer) bool { return c.InternetService == DSL })
			if fiber <= dsl {
				t.Errorf("churn fiber %.3f <= DSL %.3f", fiber, dsl)
			}
		})
	}
}

func TestCustomersChargesByService(t *testing.T) {
	sum := map[string]float64{}
	n := map[string]int{}
	for _, c := range Customers(DefaultSeed) {
		sum[c.InternetService] += c.MonthlyCharges.Float64()
		n[c.InternetService]++
	}
	mean := func(k string) float64 { return sum[k] / float64(n[k]) }
	if !(mean(FiberOptic) > mean(DSL)+20 && mean(DSL) > mean(NoInternet)+20) {
		t.Errorf("mean monthly charges fiber %.2f, DSL %.2f, none %.2f; want fiber > DSL > none by 20 each",
			mean(FiberOptic), mean(DSL), mean(NoInternet))
	}
}

// features encodes a customer for the churn classifiers below.
func features(c Customer) []float64 {
	b := func(v bool) float64 {
		if v {
			return 1
		}
		return 0
	}
	return []float64{
		1,
		b(c.Contract == MonthToMonth),
		b(c.Contract == TwoYear),
		float64(c.TenureMonths) / 72,
		b(c.InternetService == FiberOptic),
		b(c.InternetService == NoInternet),
		b(c.PaymentMethod == ElectronicCheck),
		c.MonthlyCharges.Float64() / 100,
		b(c.PaperlessBilling),
		b(c.SeniorCitizen),
	}
}

// fitLogistic fits a logistic regression by batch gradient descent.
func fitLogistic(cs []Customer) []float64 {
	x := make([][]float64, len(cs))
	for i, c := range cs {
		x[i] = features(c)
	}
	w := make([]float64, len(x[0]))
	grad := make([]float64, len(w))
	for range 500 {
		clear(grad)
		for i, xi := range x {
			z := 0.0
			for j := range w {
				z += w[j] * xi[j]
			}
			y := 0.0
			if cs[i].Churned {
				y = 1
			}
			e := 1/(1+math.Exp(-z)) - y
			for j := range w {
				grad[j] += e * xi[j]
			}
		}
		for j := range w {
			w[j] -= 2 * grad[j] / float64(len(x))
		}
	}
	return w
}

// TestCustomersChurnPredictable checks that churn carries signal a simple
// model learns: classifiers fitted or written for one seed beat the
// majority-class baseline on customers generated from another seed.
func TestCustomersChurnPredictable(t *testing.T) {
	train, test := Customers(1), Customers(2)
	w := fitLogistic(train)
	tests := []struct {
		name    string
		predict func(Customer) bool
		margin  float64 // accuracy over the baseline at least
	}{
		{"month-to-month fiber in first two years", func(c Customer) bool {
			return c.Contract == MonthToMonth && c.InternetService == FiberOptic && c.TenureMonths <= 24
		}, 0.05},
		{"logistic regression", func(c Customer) bool {
			z := 0.0
			for j, f := range features(c) {
				z += w[j] * f
			}
			return z > 0
		}, 0.06},
	}
	churned := 0
	for _, c := range test {
		if c.Churned {
			churned++
		}
	}
	baseline := 1 - float64(churned)/float64(len(test))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			correct := 0
			for _, c := range test {
				if tt.predict(c) == c.Churned {
					correct++
				}
			}
			acc := float64(correct) / float64(len(test))
			t.Logf("accuracy %.3f, majority baseline %.3f", acc, baseline)
			if acc < baseline+tt.margin {
				t.Errorf("accuracy %.3f, want at least baseline %.3f + %.2f", acc, baseline, tt.margin)
			}
		})
	}
}

func TestDailySalesShape(t *testing.T) {
	ss := DailySales(DefaultSeed)
	if got, want := len(ss), NumStores*NumProducts*NumSalesDays; got != want {
		t.Fatalf("got %d sales, want %d", got, want)
	}
	type key struct{ store, product int }
	got := map[key]int{}
	want := map[key]int{}
	for s := 1; s <= NumStores; s++ {
		for p := 1; p <= NumProducts; p++ {
			want[key{s, p}] = NumSalesDays
		}
	}
	last := SalesStart.AddDate(0, 0, NumSalesDays-1)
	for _, s := range ss {
		got[key{s.StoreID, s.ProductID}]++
		if s.Date.Before(SalesStart) || s.Date.After(last) {
			t.Fatalf("sale on %s outside %s..%s", s.Date.Format(dateLayout), SalesStart.Format(dateLayout), last.Format(dateLayout))
		}
		if s.Units < 0 || s.UnitPrice <= 0 {
			t.Fatalf("sale %+v: negative units or non-positive price", s)
		}
		if s.Revenue != Cents(s.Units)*s.UnitPrice {
			t.Fatalf("sale %+v: revenue is not units times unit price", s)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rows per store and product (-want +got):\n%s", diff)
	}
}

func TestDailySalesSeasonality(t *testing.T) {
	for _, seed := range []uint64{1, DefaultSeed, 2025} {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			var weekend, weekday [NumStores + 1]struct{ units, days float64 }
			var month [13]struct{ units, days float64 }
			var total float64
			ss := DailySales(seed)
			for _, s := range ss {
				u := float64(s.Units)
				total += u
				if wd := s.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
					weekend[s.StoreID].units += u
					weekend[s.StoreID].days++
				} else {
					weekday[s.StoreID].units += u
					weekday[s.StoreID].days++
				}
				month[s.Date.Month()].units += u
				month[s.Date.Month()].days++
			}
			ratio := 0.0
			for s := 1; s <= NumStores; s++ {
				ratio += (weekend[s].units / weekend[s].days) / (weekday[s].units / weekday[s].days)
			}
			ratio /= NumStores
			if ratio <= 1.1 {
				t.Errorf("weekend/weekday units of the average store %.3f, want > 1.1", ratio)
			}
			dec := (month[time.December].units / month[time.December].days) / (total / float64(len(ss)))
			if dec <= 1.1 {
				t.Errorf("December/average daily units %.3f, want > 1.1", dec)
			}
		})
	}
}

func TestPoissonMean(t *testing.T) {
	for _, lambda := range []float64{0.5, 4, 9.9, 10, 35, 200} {
		t.Run(fmt.Sprint(lambda), func(t *testing.T) {
			r := newRand(7, 7)
			const n = 20000
			var sum, sq float64
			for range n {
				k := float64(poisson(r, lambda))
				sum += k
				sq += k * k
			}
			mean := sum / n
			variance := sq/n - mean*mean
			if math.Abs(mean-lambda) > 4*math.Sqrt(lambda/n) {
				t.Errorf("mean %.3f, want %.3f", mean, lambda)
			}
			if math.Abs(variance/lambda-1) > 0.06 {
				t.Errorf("variance %.3f, want about %.3f", variance, lambda)
			}
		})
	}
}

func BenchmarkWriteCSV(b *testing.B) {
	for _, d := range All() {
		b.Run(d.Name, func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := d.WriteCSV(&buf, DefaultSeed); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
