package money

import (
	"errors"
	"strconv"
	"unicode/utf8"
)

// The kinds of Error. Test for them with errors.Is.
var (
	// ErrCurrency: the currency code is malformed, unknown, withdrawn, or has no minor unit.
	ErrCurrency = errors.New("unusable currency")
	// ErrSyntax: the value is not a plain decimal number such as "10.50".
	ErrSyntax = errors.New("malformed amount")
	// ErrPrecision: the value has more decimal places than allowed; it would have to be rounded.
	ErrPrecision = errors.New("too many decimal places")
	// ErrRange: the value does not fit in int64 minor units, or a digits argument is out of range.
	ErrRange = errors.New("amount out of range")
	// ErrCurrencyMismatch: two amounts in different currencies were combined or compared.
	ErrCurrencyMismatch = errors.New("currency mismatch")
)

// Error says which input was refused and why. Kind is one of the Err* values above, so
// errors.Is(err, money.ErrPrecision) works.
type Error struct {
	Kind     error  // ErrCurrency, ErrSyntax, ErrPrecision, ErrRange or ErrCurrencyMismatch
	Value    string // the refused value, when there is one
	Currency string // the currency involved
	Detail   string // what exactly is wrong and what to send instead
}

// maxQuoted is the most of a refused value or currency Error quotes: the input may come from anyone
// (an unsigned webhook), at any length, and the message lands in logs.
const maxQuoted = 64

// clip returns s cut to maxQuoted bytes (on a UTF-8 boundary), and a note of its length when it was.
func clip(s string) (string, string) {
	if len(s) <= maxQuoted {
		return s, ""
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut], "… (cut; " + strconv.Itoa(len(s)) + " bytes)"
}

// Error formats the kind, the refused input (quoted, at most 64 bytes of it) and the detail on one
// line.
func (e *Error) Error() string {
	if e == nil {
		return "money: <nil *Error>"
	}
	kind := "invalid amount"
	if e.Kind != nil {
		kind = e.Kind.Error()
	}
	s := "money: " + kind
	value, valueCut := clip(e.Value)
	currency, currencyCut := clip(e.Currency)
	switch {
	case e.Value != "" && e.Currency != "":
		s += ": " + strconv.Quote(value) + valueCut + " " + currency + currencyCut
	case e.Value != "":
		s += ": " + strconv.Quote(value) + valueCut
	case e.Currency != "":
		s += ": " + strconv.Quote(currency) + currencyCut
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns Kind.
func (e *Error) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Kind
}
