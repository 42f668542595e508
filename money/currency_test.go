package money

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The expected digits are ISO 4217's, typed in from the standard as the test oracle. Several of them are
// where CLDR (and so golang.org/x/text/currency) disagrees with ISO, or codes CLDR-based tables lack.
func TestDigitsMatchISO4217(t *testing.T) {
	want := map[string]int{
		"JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "ISK": 0, "UGX": 0, "PYG": 0, "XAF": 0, "XOF": 0,
		"IDR": 2, "KHR": 2, "USD": 2, "EUR": 2, "COP": 2, "PKR": 2, "MMK": 2, "TWD": 2, "HUF": 2,
		"MRU": 2, "SLE": 2, "VES": 2, "VED": 2, "ZWG": 2, "XCG": 2, "MGA": 2,
		"BHD": 3, "KWD": 3, "JOD": 3, "TND": 3, "OMR": 3, "IQD": 3, "LYD": 3,
		"CLF": 4, "UYW": 4,
	}
	for code, digits := range want {
		t.Run(code, func(t *testing.T) {
			got, ok := Digits(code)
			require.True(t, ok, "%s must be an active ISO 4217 code", code)
			assert.Equal(t, digits, got)
		})
	}
}

func TestCurrencyTable(t *testing.T) {
	codes := Currencies()
	// ISO 4217 List One (2026-01-01) has 178 alphabetic codes; 13 of them have no minor unit.
	assert.Len(t, codes, 165)
	assert.Len(t, isoNoMinorUnit, 13)
	assert.True(t, slices.IsSorted(codes))
	for _, code := range codes {
		assert.True(t, wellFormedCode(code), code)
		d, _ := Digits(code)
		assert.Contains(t, []int{0, 2, 3, 4}, d, code)
	}
	codes[0] = "mutated"
	assert.NotEqual(t, "mutated", Currencies()[0], "Currencies must return a copy")
}

func TestUnusableCurrencies(t *testing.T) {
	tests := []struct {
		code, detail string
	}{
		{"", "three upper-case letters"},
		{"usd", "three upper-case letters"},
		{"US", "three upper-case letters"},
		{"USDT", "three upper-case letters"},
		{"U$D", "three upper-case letters"},
		{"ZZZ", "not an active ISO 4217 currency"},
		{"XAU", "no minor unit"},
		{"XXX", "no minor unit"},
		{"XTS", "no minor unit"},
		{"HRK", "use EUR"},
		{"MRO", "use MRU"},
		{"ZWL", "use ZWG"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			_, ok := Digits(tt.code)
			assert.False(t, ok)
			_, err := Parse("1", tt.code)
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrCurrency), "%v", err)
			assert.Contains(t, err.Error(), tt.detail)
			_, err = FromMinor(1, tt.code)
			assert.True(t, errors.Is(err, ErrCurrency), "%v", err)
		})
	}
}

// Recently withdrawn codes stay usable for amounts (old payments get refunded), are reported by
// Withdrawn so new payments can be refused, and are not listed as current.
func TestWithdrawnCurrencies(t *testing.T) {
	for code, successor := range map[string]string{"ANG": "XCG", "BGN": "EUR"} {
		t.Run(code, func(t *testing.T) {
			note, withdrawn := Withdrawn(code)
			assert.True(t, withdrawn)
			assert.Contains(t, note, "use "+successor)
			d, ok := Digits(code)
			assert.True(t, ok)
			assert.Equal(t, 2, d)
			a, err := Parse("10.50", code)
			require.NoError(t, err)
			assert.Equal(t, int64(1050), a.Minor())
			assert.Equal(t, "10.50 "+code, a.String())
			assert.True(t, a.Decimal().Equal(MustParse("10.5", "EUR").Decimal()), "10.50 %s is 10.50, not 1050", code)
			v, err := a.ValueAt(2)
			require.NoError(t, err)
			assert.Equal(t, "10.50", v)
			assert.NotContains(t, Currencies(), code)
		})
	}
	note, withdrawn := Withdrawn("HRK")
	assert.True(t, withdrawn)
	assert.Contains(t, note, "use EUR")
	_, withdrawn = Withdrawn("USD")
	assert.False(t, withdrawn)
	_, withdrawn = Withdrawn("XCG")
	assert.False(t, withdrawn)
}
