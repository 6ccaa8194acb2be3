package samples

import (
	"encoding/csv"
	"math"
	"strconv"
	"time"
)

// Sizes of the daily_sales dataset: one row per store, product and day.
const (
	NumStores    = 10
	NumProducts  = 10
	NumSalesDays = 1000
)

// SalesStart is the first day of the daily_sales dataset.
var SalesStart = date(2023, time.January, 1)

// Sale is one row of the daily_sales dataset: what one store sold of one
// product on one day.
type Sale struct {
	Date        time.Time
	StoreID     int
	StoreName   string
	City        string
	Region      string
	ProductID   int
	ProductName string
	Category    string
	Units       int
	UnitPrice   Cents
	Revenue     Cents // Units times UnitPrice
}

type store struct {
	name, city, region string
	size               float64 // relative footfall
	// weekend is the extra share of a weekday's sales sold on Saturday and
	// Sunday; negative for the office-district store that is quiet then.
	weekend float64
}

var stores = [NumStores]store{
	{"Union Square", "New York", "Northeast", 1.7, -0.2},
	{"Beacon Hill", "Boston", "Northeast", 1.0, 0.3},
	{"Lakeside", "Chicago", "Midwest", 1.3, 0.35},
	{"Riverfront", "St. Louis", "Midwest", 0.7, 0.5},
	{"Peachtree", "Atlanta", "South", 1.1, 0.45},
	{"Congress Avenue", "Austin", "South", 0.9, 0.4},
	{"Pike Place", "Seattle", "West", 1.2, 0.3},
	{"Harbor Point", "San Diego", "West", 0.9, 0.55},
	{"Mile High", "Denver", "West", 0.8, 0.5},
	{"Desert Ridge", "Phoenix", "West", 0.6, 0.6},
}

type product struct {
	name, category string
	price          float64 // list price on SalesStart
	perDay         float64 // units a typical store sells on a typical day
}

var products = [NumProducts]product{
	{"Cold Brew Coffee", "Beverages", 4.49, 28},
	{"Sparkling Water 12-Pack", "Beverages", 6.99, 18},
	{"Sea Salt Potato Chips", "Snacks", 3.29, 32},
	{"Dark Chocolate Bar", "Snacks", 2.99, 36},
	{"Sunscreen SPF 50", "Outdoor", 12.99, 7},
	{"Insulated Water Bottle", "Outdoor", 24.99, 4},
	{"Wool Beanie", "Apparel", 18.99, 4},
	{"Merino Socks", "Apparel", 14.99, 7},
	{"Scented Candle", "Home", 16.99, 6},
	{"Ceramic Mug", "Home", 9.99, 5},
}

// season describes a category's yearly cycle: sales swing by a factor of
// exp(±amplitude) around a peak on day peak of the year; holiday scales the
// December gift-buying lift.
type season struct {
	amplitude float64
	peak      int
	holiday   float64
}

var seasons = map[string]season{
	"Beverages": {0.25, 196, 0.35},
	"Snacks":    {0.08, 196, 0.6},
	"Outdoor":   {0.55, 171, 0.5},
	"Apparel":   {0.4, 15, 0.9},
	"Home":      {0.15, 349, 1.2},
}

// weekdayFactor scales sales by day of the week before the store's own
// weekend effect; Friday evenings are busier everywhere.
var weekdayFactor = [7]float64{
	time.Monday: 0.92, time.Tuesday: 0.9, time.Wednesday: 0.95,
	time.Thursday: 1.0, time.Friday: 1.1, time.Saturday: 1, time.Sunday: 1,
}

// DailySales generates the daily_sales dataset from seed: NumStores stores
// times NumProducts products times NumSalesDays days from SalesStart, ordered
// by date, store and product. Units follow a store×product base level with
// weekly seasonality (weekends busier, by a store-specific amount), yearly
// seasonality per category with a December peak, a per-store trend, promotions
// and Poisson noise.
func DailySales(seed uint64) []Sale {
	r := newRand(seed, 0x6461696c7973616c) // "dailysal"

	// Fixed per store×product traits first, so they do not depend on
	// how many days are generated.
	var level, promoRate [NumStores][NumProducts]float64
	var growth [NumStores]float64
	for s := range stores {
		growth[s] = -0.02 + 0.1*r.Float64()
		for p := range products {
			level[s][p] = stores[s].size * products[p].perDay * math.Exp(0.25*r.NormFloat64())
			promoRate[s][p] = 0.04 + 0.08*r.Float64()
		}
	}

	out := make([]Sale, 0, NumStores*NumProducts*NumSalesDays)
	var promo [NumStores][NumProducts]bool
	var price [NumProducts]Cents
	for d := range NumSalesDays {
		day := SalesStart.AddDate(0, 0, d)
		years := float64(d) / 365.25
		if d == 0 || (day.Month() == time.January && day.Day() == 1) {
			// List prices rise once a year with inflation.
			for p := range products {
				price[p] = charmPrice(products[p].price * math.Pow(1.035, float64(day.Year()-SalesStart.Year())))
			}
		}
		if day.Weekday() == time.Monday || d == 0 {
			// Promotions run for a week, Monday to Sunday.
			for s := range stores {
				for p := range products {
					promo[s][p] = bernoulli(r, promoRate[s][p])
				}
			}
		}
		wd := day.Weekday()
		for s, st := range stores {
			week := weekdayFactor[wd]
			if wd == time.Saturday || wd == time.Sunday {
				week *= 1 + st.weekend
			}
			trend := math.Pow(1+growth[s], years)
			// Weather and local events move all of a store's products
			// together on a day.
			storeDay := math.Exp(0.1 * r.NormFloat64())
			for p, pr := range products {
				unitPrice := price[p]
				lambda := level[s][p] * week * trend * storeDay * yearly(day, seasons[pr.category])
				if promo[s][p] {
					unitPrice = charmPrice(unitPrice.Float64() * 0.85)
					lambda *= 1.35
				}
				lambda *= math.Exp(0.08 * r.NormFloat64())
				units := poisson(r, lambda)
				out = append(out, Sale{
					Date:        day,
					StoreID:     s + 1,
					StoreName:   st.name,
					City:        st.city,
					Region:      st.region,
					ProductID:   p + 1,
					ProductName: pr.name,
					Category:    pr.category,
					Units:       units,
					UnitPrice:   unitPrice,
					Revenue:     Cents(units) * unitPrice,
				})
			}
		}
	}
	return out
}

// yearly is the seasonal factor of a category on day: its smooth yearly
// cycle times the holiday lift from Black Friday to New Year's Eve.
func yearly(day time.Time, se season) float64 {
	doy := float64(day.YearDay())
	f := math.Exp(se.amplitude * math.Cos(2*math.Pi*(doy-float64(se.peak))/365.25))
	bf := blackFriday(day.Year())
	switch {
	case day.Equal(bf):
		f *= 1 + 2*se.holiday
	case day.Month() == time.December && day.Day() <= 24:
		// Gift buying builds up towards Christmas Eve.
		f *= 1 + se.holiday*(0.4+0.6*float64(day.Day())/24)
	case day.Month() == time.December:
		f *= 1 + 0.3*se.holiday
	case day.After(bf) && day.Month() == time.November:
		f *= 1 + 0.3*se.holiday
	}
	return f
}

// blackFriday returns the day after the fourth Thursday of November.
func blackFriday(year int) time.Time {
	first := date(year, time.November, 1)
	offset := (int(time.Thursday) - int(first.Weekday()) + 7) % 7
	return first.AddDate(0, 0, offset+21+1)
}

// charmPrice rounds x to a price ending in 9 cents, as shelf prices do.
func charmPrice(x float64) Cents {
	c := centsOf(x)
	return c - c%10 + 9
}

func dailySalesDataset() Dataset {
	return Dataset{
		Name:    "daily_sales",
		Comment: "Daily unit sales of 10 products in 10 retail stores from 2023-01-01, 100,000 rows.",
		Columns: []Column{
			{"sale_date", "DATE", "Day of the sales."},
			{"store_id", "INTEGER", "Store identifier, 1 to 10."},
			{"store_name", "VARCHAR", "Store name."},
			{"city", "VARCHAR", "City the store is in."},
			{"region", "VARCHAR", "Sales region of the store."},
			{"product_id", "INTEGER", "Product identifier, 1 to 10."},
			{"product_name", "VARCHAR", "Product name."},
			{"category", "VARCHAR", "Product category."},
			{"units", "INTEGER", "Units sold that day."},
			{"unit_price", "DECIMAL(8,2)", "Shelf price that day, after any promotion."},
			{"revenue", "DECIMAL(12,2)", "Units times unit price."},
		},
		writeRows: writeSales,
	}
}

func writeSales(cw *csv.Writer, seed uint64) error {
	rec := make([]string, 11)
	var day time.Time
	var dayText string
	ids := make([]string, max(NumStores, NumProducts)+1)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	for _, s := range DailySales(seed) {
		if !s.Date.Equal(day) {
			// Rows come ordered by date: format each day once.
			day, dayText = s.Date, formatDate(s.Date)
		}
		rec = append(rec[:0],
			dayText,
			ids[s.StoreID],
			s.StoreName,
			s.City,
			s.Region,
			ids[s.ProductID],
			s.ProductName,
			s.Category,
			strconv.Itoa(s.Units),
			s.UnitPrice.String(),
			s.Revenue.String(),
		)
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	return nil
}
