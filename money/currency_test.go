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
		{"ANG", "use XCG"},
		{"BGN", "use EUR"},
		{"HRK", "use EUR"},
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
