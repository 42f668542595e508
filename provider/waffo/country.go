package waffo

import (
	"fmt"

	"github.com/biter777/countries"
)

// Waffo's country fields are ISO 3166-1 alpha-3: its API reference shows payMethodCountry "IDN" and
// addressCountryCode "IDN", says cardIssueCountryCode follows alpha-3, and gives userCountryCode and
// payMethodCountry a maximum length of 3. paygate's requests carry alpha-2, so the adapter converts,
// from the ISO 3166 table kept by github.com/biter777/countries rather than one typed here.

// alpha3 returns the alpha-3 code of an ISO 3166-1 alpha-2 code; false when the code names no country
// (the library also reads names and aliases such as "UK", so the round trip must give the code back).
func alpha3(alpha2 string) (string, bool) {
	c := countries.ByName(alpha2)
	if c == countries.Unknown || c.Alpha2() != alpha2 {
		return "", false
	}
	a3 := c.Alpha3()
	return a3, len(a3) == 3
}

// country converts an alpha-2 code for Waffo, refusing one without an alpha-3 form before anything is
// sent; "" stays "".
func (l *limits) country(field, alpha2 string) string {
	if alpha2 == "" {
		return ""
	}
	a3, ok := alpha3(alpha2)
	if !ok {
		l.fail(field, fmt.Sprintf("is %q, which names no country in ISO 3166-1, so it has no alpha-3 form for Waffo: use an assigned alpha-2 code such as \"ID\"", alpha2))
	}
	return a3
}
