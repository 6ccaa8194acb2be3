package lens

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Price is what requests to objects of a storage class cost, in US
// dollars. Storage itself is priced by the tiering prices of each table
// (floe.tiering.price.*, engine.Tiering.Prices), the prices t$tier_costs
// and floe storage-class report use: one source of storage prices.
type Price struct {
	// Per1000Writes and Per1000Reads are request prices (PUT/COPY/POST/LIST
	// and GET/SELECT, per 1,000).
	Per1000Writes float64 `json:"per_1000_writes"`
	Per1000Reads  float64 `json:"per_1000_reads"`
}

// Prices are request prices by storage class.
type Prices map[string]Price

// DefaultPrices are S3's request list prices (us-east-1) of the classes
// floe's objects are in: the table classes (STANDARD,
// INTELLIGENT_TIERING) and the S3 classes tiering puts objects in.
func DefaultPrices() Prices {
	return Prices{
		ClassStandard:         {Per1000Writes: 0.005, Per1000Reads: 0.0004},
		"INTELLIGENT_TIERING": {Per1000Writes: 0.005, Per1000Reads: 0.0004},
		"STANDARD_IA":         {Per1000Writes: 0.01, Per1000Reads: 0.001},
		"GLACIER_IR":          {Per1000Writes: 0.02, Per1000Reads: 0.01},
	}
}

// LoadPrices reads request prices from a JSON file, an object of storage
// classes: {"STANDARD": {"per_1000_writes": 0.005, "per_1000_reads":
// 0.0004}}. Classes it does not name keep the defaults. Storage prices
// (gb_month) are refused: they are the tiering properties.
func LoadPrices(name string) (Prices, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read prices: %w", err)
	}
	var in map[string]json.RawMessage
	if err := json.Unmarshal(b, &in); err != nil {
		return nil, fmt.Errorf("prices %s: %w (want {\"STANDARD\": {\"per_1000_writes\": 0.005, \"per_1000_reads\": 0.0004}})", name, err)
	}
	p := DefaultPrices()
	for class, raw := range in {
		var probe map[string]any
		if err := json.Unmarshal(raw, &probe); err == nil {
			if _, ok := probe["gb_month"]; ok {
				return nil, fmt.Errorf("prices %s: class %s: gb_month is not read here: storage is priced by the tiering prices "+
					"floe.tiering.price.frequent, .infrequent and .archive-instant of each table or the warehouse (see floe storage-class), "+
					"the prices t$tier_costs uses", name, class)
			}
		}
		var price Price
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&price); err != nil {
			return nil, fmt.Errorf("prices %s: class %s: %w (want per_1000_writes and per_1000_reads)", name, class, err)
		}
		if price.Per1000Reads < 0 || price.Per1000Writes < 0 {
			return nil, fmt.Errorf("prices %s: class %s: a price cannot be negative", name, class)
		}
		p[class] = price
	}
	return p, nil
}

// price returns the class's request prices; a class with no price is an
// error, so a new class never shows up as free.
func (p Prices) price(class string) (Price, error) {
	pr, ok := p[class]
	if !ok {
		return Price{}, fmt.Errorf("no request price for storage class %s: add it to the prices", class)
	}
	return pr, nil
}
