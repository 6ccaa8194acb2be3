package samples

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"time"
)

// NumCustomers is the number of rows in the customers dataset.
const NumCustomers = 7000

// CustomersAsOf is the day the customers snapshot was taken: tenure counts
// whole months up to it and signup dates lie before it.
var CustomersAsOf = date(2025, time.June, 30)

// Contract types, internet services and payment methods, spelled as in the
// IBM Telco churn sample.
const (
	MonthToMonth = "Month-to-month"
	OneYear      = "One year"
	TwoYear      = "Two year"

	DSL        = "DSL"
	FiberOptic = "Fiber optic"
	NoInternet = "No"

	ElectronicCheck = "Electronic check"
	MailedCheck     = "Mailed check"
	BankTransfer    = "Bank transfer (automatic)"
	CreditCard      = "Credit card (automatic)"
)

var (
	contracts        = []string{MonthToMonth, OneYear, TwoYear}
	internetServices = []string{DSL, FiberOptic, NoInternet}
	paymentMethods   = []string{ElectronicCheck, MailedCheck, BankTransfer, CreditCard}
	regions          = []string{"US", "EU", "APAC", "LATAM", "MEA"}
	regionWeights    = []float64{0.48, 0.26, 0.15, 0.07, 0.04}
)

// Customer is one row of the customers dataset.
type Customer struct {
	ID               string // unique, like "0001-ABCDE"
	Gender           string // "Female" or "Male"
	SeniorCitizen    bool
	Partner          bool
	Dependents       bool
	TenureMonths     int    // whole months as a customer, 0 to 72
	Contract         string // MonthToMonth, OneYear or TwoYear
	InternetService  string // DSL, FiberOptic or NoInternet
	PaymentMethod    string // ElectronicCheck, MailedCheck, BankTransfer or CreditCard
	PaperlessBilling bool
	MonthlyCharges   Cents
	// TotalCharges is the amount billed so far. It is zero, and written as
	// NULL, when TenureMonths is 0: the customer has not been billed yet.
	TotalCharges Cents
	SignupDate   time.Time
	Region       string
	Churned      bool
}

// Customers generates the customers dataset from seed: NumCustomers
// telecom subscribers modelled on the IBM Telco churn sample. Churn is drawn
// from a logistic model, so it is predictable from contract, tenure,
// internet service, payment method and charges, and about a quarter of the
// customers churn.
func Customers(seed uint64) []Customer {
	r := newRand(seed, 0x637573746f6d6572) // "customer"
	out := make([]Customer, NumCustomers)
	for i := range out {
		out[i] = customer(r, i)
	}
	return out
}

func customer(r *rand.Rand, i int) Customer {
	c := Customer{
		ID:            fmt.Sprintf("%04d-%s", i+1, letters(r, 5)),
		Gender:        []string{"Female", "Male"}[r.IntN(2)],
		SeniorCitizen: bernoulli(r, 0.16),
		TenureMonths:  tenure(r),
	}
	t := float64(c.TenureMonths)

	// Long-standing customers are more often in a household.
	c.Partner = bernoulli(r, 0.28+0.45*t/72)
	pDependents := 0.08
	if c.Partner {
		pDependents = 0.52
	}
	if c.SeniorCitizen {
		pDependents /= 3
	}
	c.Dependents = bernoulli(r, pDependents)

	// Customers who stay longer have moved to longer contracts.
	c.Contract = contracts[pick(r, []float64{
		1,
		math.Exp(-1.75 + 0.04*t),
		math.Exp(-3.2 + 0.072*t),
	})]

	c.InternetService = internetServices[pick(r, []float64{0.34, 0.44, 0.22})]

	switch c.Contract {
	case MonthToMonth:
		c.PaymentMethod = paymentMethods[pick(r, []float64{0.49, 0.23, 0.14, 0.14})]
	case OneYear:
		c.PaymentMethod = paymentMethods[pick(r, []float64{0.19, 0.22, 0.30, 0.29})]
	default:
		c.PaymentMethod = paymentMethods[pick(r, []float64{0.08, 0.22, 0.35, 0.35})]
	}

	pPaperless := 0.58
	switch c.InternetService {
	case FiberOptic:
		pPaperless = 0.77
	case NoInternet:
		pPaperless = 0.29
	}
	c.PaperlessBilling = bernoulli(r, pPaperless)

	c.MonthlyCharges = monthlyCharges(r, c.InternetService, t)
	if c.TenureMonths > 0 {
		// Price changes and add-ons switched on and off mean the bill
		// history does not equal tenure times today's charge.
		factor := 1 + 0.06*r.NormFloat64()
		factor = max(0.8, min(1.2, factor))
		c.TotalCharges = max(c.MonthlyCharges, centsOf(c.MonthlyCharges.Float64()*t*factor))
	}
	c.SignupDate = CustomersAsOf.AddDate(0, -c.TenureMonths, -r.IntN(28))
	c.Region = regions[pick(r, regionWeights)]
	c.Churned = bernoulli(r, churnProbability(c))
	return c
}

// churnProbability is the logistic churn model. Its coefficients follow the
// effects seen in the IBM Telco sample: short tenure, month-to-month
// contracts, fiber, electronic checks and high bills raise churn; two-year
// contracts and households lower it.
func churnProbability(c Customer) float64 {
	z := -1.05
	switch c.Contract {
	case MonthToMonth:
		z += 0.9
	case OneYear:
		z -= 0.5
	case TwoYear:
		z -= 1.9
	}
	z -= 0.038 * float64(c.TenureMonths)
	switch c.InternetService {
	case FiberOptic:
		z += 0.75
	case NoInternet:
		z -= 0.75
	}
	if c.PaymentMethod == ElectronicCheck {
		z += 0.45
	}
	z += 0.012 * (c.MonthlyCharges.Float64() - 65)
	if c.PaperlessBilling {
		z += 0.3
	}
	if c.SeniorCitizen {
		z += 0.45
	}
	if c.Dependents {
		z -= 0.2
	}
	return logistic(z)
}

// tenure draws whole months as a customer. Like the Telco sample the
// distribution is bimodal: many recent sign-ups who leave early, a plateau,
// and a bump of customers who have stayed since the start of the six-year
// window.
func tenure(r *rand.Rand) int {
	switch u := r.Float64(); {
	case u < 0.003:
		return 0
	case u < 0.34:
		return min(72, 1+int(r.ExpFloat64()*7))
	case u < 0.46:
		return max(1, 72-int(r.ExpFloat64()*3))
	default:
		return 1 + r.IntN(71)
	}
}

// monthlyCharges prices phone, internet and add-on services. Customers add
// services over time, so the bill grows slowly with tenure t.
func monthlyCharges(r *rand.Rand, service string, t float64) Cents {
	pAddon := 0.22 + 0.35*t/72
	addons := 0
	for range 6 {
		if bernoulli(r, pAddon) {
			addons++
		}
	}
	phone := bernoulli(r, 0.9)
	var x float64
	switch service {
	case NoInternet:
		// Phone-only customers; without internet there are no add-ons.
		x = 19.5 + 0.8*r.NormFloat64()
		if bernoulli(r, 0.25) {
			x += 5
		}
		return centsOf(max(18.25, min(26.9, x)))
	case DSL:
		x = 24 + 6*float64(addons)
		if phone {
			x += 20
		}
	case FiberOptic:
		x = 50 + 8.5*float64(addons)
		phone = true // fiber is sold bundled with a line
		x += 19
	}
	if phone && bernoulli(r, 0.45) {
		x += 5 // multiple lines
	}
	x += 2 * r.NormFloat64()
	return centsOf(max(18.25, min(118.75, x)))
}

func letters(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + r.IntN(26))
	}
	return string(b)
}

func customersDataset() Dataset {
	return Dataset{
		Name:    "customers",
		Comment: "Telecom customer churn snapshot of 7,000 subscribers as of 2025-06-30, modelled on the IBM Telco churn sample.",
		Columns: []Column{
			{"customer_id", "VARCHAR", "Unique customer identifier."},
			{"gender", "VARCHAR", "Female or Male."},
			{"senior_citizen", "BOOLEAN", "Whether the customer is 65 or older."},
			{"partner", "BOOLEAN", "Whether the customer has a partner."},
			{"dependents", "BOOLEAN", "Whether the customer has dependents."},
			{"tenure_months", "INTEGER", "Whole months as a customer, 0 to 72."},
			{"contract", "VARCHAR", "Month-to-month, One year or Two year."},
			{"internet_service", "VARCHAR", "DSL, Fiber optic or No."},
			{"payment_method", "VARCHAR", "Electronic check, Mailed check, Bank transfer (automatic) or Credit card (automatic)."},
			{"paperless_billing", "BOOLEAN", "Whether bills are sent electronically."},
			{"monthly_charges", "DECIMAL(8,2)", "Current monthly bill."},
			{"total_charges", "DECIMAL(10,2)", "Amount billed so far; NULL for customers not billed yet."},
			{"signup_date", "DATE", "Day the customer signed up."},
			{"region", "VARCHAR", "Sales region: US, EU, APAC, LATAM or MEA."},
			{"churned", "BOOLEAN", "Whether the customer left; the target to predict."},
		},
		writeRows: writeCustomers,
	}
}

func writeCustomers(cw *csv.Writer, seed uint64) error {
	rec := make([]string, 15)
	for _, c := range Customers(seed) {
		total := ""
		if c.TenureMonths > 0 {
			total = c.TotalCharges.String()
		}
		rec = append(rec[:0],
			c.ID,
			c.Gender,
			formatBool(c.SeniorCitizen),
			formatBool(c.Partner),
			formatBool(c.Dependents),
			strconv.Itoa(c.TenureMonths),
			c.Contract,
			c.InternetService,
			c.PaymentMethod,
			formatBool(c.PaperlessBilling),
			c.MonthlyCharges.String(),
			total,
			formatDate(c.SignupDate),
			c.Region,
			formatBool(c.Churned),
		)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return nil
}
