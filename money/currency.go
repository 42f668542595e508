package money

import (
	"fmt"
	"slices"
	"sync"
)

//go:generate go run ./internal/iso4217gen -xml internal/iso4217gen/list-one.xml -out iso4217_table.go

// Digits reports the number of decimal digits (the ISO 4217 minor unit) of currency, and whether an
// Amount can be in that currency: an active ISO 4217 code with a minor unit, or a code withdrawn so
// recently that payments in it may still be refunded (see Withdrawn). Codes such as XAU or XXX, which
// ISO lists with no minor unit, report false: they cannot be charged.
func Digits(currency string) (int, bool) {
	if d, ok := isoDigits[currency]; ok {
		return d, true
	}
	if w, ok := isoWithdrawn[currency]; ok && w.digits >= 0 {
		return w.digits, true
	}
	return 0, false
}

// Withdrawn reports whether currency has left ISO 4217, with a note naming its successor. Amounts in a
// recently withdrawn currency (ANG, BGN) can still be built, so that payments taken in it can be
// refunded and inquired; a new payment in it is refused by paygate's request validation.
func Withdrawn(currency string) (note string, ok bool) {
	w, ok := isoWithdrawn[currency]
	return w.note, ok
}

// withdrawal is a code that left ISO 4217; digits is -1 when amounts in it are refused altogether.
type withdrawal struct {
	digits int
	note   string
}

// Currencies returns every active ISO 4217 code that has a minor unit, sorted. Withdrawn codes are not
// listed. The caller owns the slice.
func Currencies() []string {
	return slices.Clone(sortedCurrencies())
}

var sortedCurrencies = sync.OnceValue(func() []string {
	codes := make([]string, 0, len(isoDigits))
	for c := range isoDigits {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
})

// lookupDigits returns the ISO digits of currency or an error that says what is wrong with the code
// and what to send instead.
func lookupDigits(currency string) (int, error) {
	if d, ok := Digits(currency); ok {
		return d, nil
	}
	if !wellFormedCode(currency) {
		return 0, &Error{Kind: ErrCurrency, Currency: currency,
			Detail: "a currency must be an ISO 4217 alphabetic code: three upper-case letters such as USD"}
	}
	if w, ok := isoWithdrawn[currency]; ok {
		return 0, &Error{Kind: ErrCurrency, Currency: currency, Detail: w.note}
	}
	if name, ok := isoNoMinorUnit[currency]; ok {
		return 0, &Error{Kind: ErrCurrency, Currency: currency,
			Detail: fmt.Sprintf("%s (%s) has no minor unit in ISO 4217 and cannot be used for payments", currency, name)}
	}
	return 0, &Error{Kind: ErrCurrency, Currency: currency, Detail: "not an active ISO 4217 currency code"}
}

func wellFormedCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := range 3 {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
