package cost

// PricesChecked is the date on which every figure of the price table was
// last read from its source. Each figure carries its own source in a
// comment beside it; docs/cost.md lists which figures were found and which
// were not.
const PricesChecked = "2026-12-01"

// HoursPerMonth is the month the estimate prices: 730 hours, the average
// month (8,760 hours a year / 12) that AWS's and Google's calculators use.
const HoursPerMonth = 730

// secondsPerMonth is HoursPerMonth in seconds, for per-second prices.
const secondsPerMonth = HoursPerMonth * 3600

// regional holds one price in USD per region. A region missing from it has
// no price in berth's table: the estimate shows a line that says so and
// marks the total incomplete, never a zero.
type regional map[string]float64

// at returns the price in region and whether the table has one.
func (r regional) at(region string) (float64, bool) {
	usd, ok := r[region]
	return usd, ok
}

// everywhere returns a regional table with the same price in each region.
// It is used for figures whose source states one price without a region;
// regions outside the list still have no price.
func everywhere(usd float64, regions []string) regional {
	r := make(regional, len(regions))
	for _, region := range regions {
		r[region] = usd
	}
	return r
}
