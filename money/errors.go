package money

import (
	"errors"
	"strconv"
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

// Error formats the kind, the refused input and the detail on one line.
func (e *Error) Error() string {
	if e == nil {
		return "money: <nil *Error>"
	}
	kind := "invalid amount"
	if e.Kind != nil {
		kind = e.Kind.Error()
	}
	s := "money: " + kind
	switch {
	case e.Value != "" && e.Currency != "":
		s += ": " + strconv.Quote(e.Value) + " " + e.Currency
	case e.Value != "":
		s += ": " + strconv.Quote(e.Value)
	case e.Currency != "":
		s += ": " + strconv.Quote(e.Currency)
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
