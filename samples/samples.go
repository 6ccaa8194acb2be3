package samples

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"
)

// DefaultSeed is the seed floe uses for the sample datasets it installs in a new warehouse.
const DefaultSeed = 42

// dateLayout is the ISO 8601 date form that DuckDB's read_csv parses as DATE.
const dateLayout = "2006-01-02"

// Column describes one column of a sample dataset.
type Column struct {
	// Name is the snake_case column name used in the CSV header.
	Name string
	// Type is the DuckDB SQL type of the column, for example "DECIMAL(8,2)".
	Type string
	// Comment says what the column holds, in one sentence.
	Comment string
}

// Dataset describes one sample dataset and knows how to generate it.
type Dataset struct {
	// Name is the table name, for example "customers".
	Name string
	// Comment says what the table holds, in one sentence.
	Comment string
	// Columns lists the columns in the order WriteCSV writes them.
	Columns []Column

	// writeRows generates the rows from seed and writes them to cw, one
	// record per row with fields in the order of Columns.
	writeRows func(cw *csv.Writer, seed uint64) error
}

// All returns the sample datasets in a fixed order.
func All() []Dataset {
	return []Dataset{customersDataset(), dailySalesDataset()}
}

// Lookup returns the sample dataset called name.
func Lookup(name string) (Dataset, bool) {
	for _, d := range All() {
		if d.Name == name {
			return d, true
		}
	}
	return Dataset{}, false
}

// ColumnNames returns the names of d's columns in order.
func (d Dataset) ColumnNames() []string {
	names := make([]string, len(d.Columns))
	for i, c := range d.Columns {
		names[i] = c.Name
	}
	return names
}

// WriteCSV writes d generated from seed to w as CSV: a header row with the
// column names, then one record per row. Dates are written as YYYY-MM-DD,
// booleans as true/false, decimals with two fractional digits and NULL as
// an empty field, so DuckDB's read_csv loads the file with the declared types.
func (d Dataset) WriteCSV(w io.Writer, seed uint64) error {
	if d.writeRows == nil {
		return fmt.Errorf("write sample %q: dataset has no generator", d.Name)
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(d.ColumnNames()); err != nil {
		return fmt.Errorf("write sample %s header: %w", d.Name, err)
	}
	if err := d.writeRows(cw, seed); err != nil {
		return fmt.Errorf("write sample %s rows: %w", d.Name, err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write sample %s rows: %w", d.Name, err)
	}
	return nil
}

// Cents is an amount of money in hundredths of a currency unit. Sample
// amounts are kept as integers so that derived columns such as revenue equal
// units times price exactly, as they would in a DECIMAL column.
type Cents int64

// String formats c with two fractional digits, for example "-12.05".
func (c Cents) String() string {
	b := make([]byte, 0, 24)
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	b = strconv.AppendInt(b, int64(c/100), 10)
	frac := c % 100
	b = append(b, '.', byte('0'+frac/10), byte('0'+frac%10))
	return string(b)
}

// Float64 returns c in currency units.
func (c Cents) Float64() float64 {
	return float64(c) / 100
}

// centsOf rounds x currency units to the nearest cent.
func centsOf(x float64) Cents {
	if x < 0 {
		return -Cents(-x*100 + 0.5)
	}
	return Cents(x*100 + 0.5)
}

func formatBool(b bool) string {
	return strconv.FormatBool(b)
}

func formatDate(t time.Time) string {
	return t.Format(dateLayout)
}

// date returns midnight UTC on the given day.
func date(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, time.UTC)
}
