package lens

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/floehq/floe/engine"
)

// Price is what a storage class costs, in US dollars.
type Price struct {
	// GBMonth is the price of storing one GiB for a month.
	GBMonth float64 `json:"gb_month"`
	// Per1000Writes and Per1000Reads are request prices (PUT/COPY/POST/LIST
	// and GET/SELECT, per 1,000).
	Per1000Writes float64 `json:"per_1000_writes"`
	Per1000Reads  float64 `json:"per_1000_reads"`
}

// Prices are prices by storage class.
type Prices map[string]Price

// DefaultPrices are S3 Standard's list prices (us-east-1, first 50 TB);
// the storage price is the engine's FREQUENT tier price, so the lens and
// the tiering cost report agree.
func DefaultPrices() Prices {
	return Prices{ClassStandard: {GBMonth: engine.DefaultPriceFrequent, Per1000Writes: 0.005, Per1000Reads: 0.0004}}
}

// LoadPrices reads prices from a JSON file, an object of storage classes:
// {"STANDARD": {"gb_month": 0.023, "per_1000_writes": 0.005,
// "per_1000_reads": 0.0004}}. Classes it does not name keep the defaults.
func LoadPrices(name string) (Prices, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read prices: %w", err)
	}
	var in map[string]Price
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("prices %s: %w (want {\"STANDARD\": {\"gb_month\": 0.023, ...}})", name, err)
	}
	p := DefaultPrices()
	for class, price := range in {
		if price.GBMonth < 0 || price.Per1000Reads < 0 || price.Per1000Writes < 0 {
			return nil, fmt.Errorf("prices %s: class %s: a price cannot be negative", name, class)
		}
		p[class] = price
	}
	return p, nil
}

// price returns the class's price; a class with no price is an error, so
// a new tier never shows up as free.
func (p Prices) price(class string) (Price, error) {
	pr, ok := p[class]
	if !ok {
		return Price{}, fmt.Errorf("no price for storage class %s: add it to the prices", class)
	}
	return pr, nil
}
