package stripe

import (
	"fmt"
	"strings"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Stripe's amounts are integers in the currency's smallest unit by Stripe's rules, which differ from
// ISO 4217 in places (docs.stripe.com/currencies, "Zero-decimal currencies", "Three-decimal
// currencies", "Special cases"):
//   - zero-decimal currencies are sent as whole units (MGA too, which ISO gives 2 digits);
//   - three-decimal currencies are sent in thousandths whose last digit must be 0;
//   - ISK is zero-decimal in practice but sent with two decimals, a multiple of 100 (ISO gives it
//     0 digits, so every ISK amount is one);
//   - HUF and TWD are zero-decimal for payouts only: charges keep two decimals;
//   - every other currency is sent with two decimals.
var zeroDecimal = map[string]bool{
	"BIF": true, "CLP": true, "DJF": true, "GNF": true, "JPY": true, "KMF": true, "KRW": true, "MGA": true,
	"PYG": true, "RWF": true, "UGX": true, "VND": true, "VUV": true, "XAF": true, "XOF": true, "XPF": true,
}

var threeDecimal = map[string]bool{"BHD": true, "JOD": true, "KWD": true, "OMR": true, "TND": true}

// Digits returns how many decimal places Stripe's integer amounts carry for currency (upper case).
func Digits(currency string) int {
	switch {
	case zeroDecimal[currency]:
		return 0
	case threeDecimal[currency]:
		return 3
	}
	return 2
}

// toWire returns a's value as Stripe's integer amount, refusing (F INVALID_REQUEST, nothing sent)
// what Stripe's digits cannot carry exactly: it never rounds.
func toWire(op paygate.Op, field string, a money.Amount) (int64, error) {
	d := Digits(a.Currency())
	n, err := a.MinorAt(d)
	if err != nil {
		return 0, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: field,
			Message: fmt.Sprintf("%s cannot be sent: Stripe takes %s with %d decimal places; round it yourself, nothing was sent", a, a.Currency(), d), Err: err}
	}
	if d == 3 && n%10 != 0 {
		return 0, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: field,
			Message: fmt.Sprintf("%s cannot be sent: Stripe requires three-decimal amounts to end in 0 (round to the nearest 0.010 %s yourself); nothing was sent", a, a.Currency())}
	}
	return n, nil
}

// wireCurrency is the currency as Stripe writes it: lower case.
func wireCurrency(a money.Amount) string { return strings.ToLower(a.Currency()) }

// fromWire reads Stripe's integer amount n of currency (lower or upper case) exactly; a value that
// the currency's ISO digits cannot hold (MGA with fractional ariary, a negative amount) is refused.
func fromWire(n int64, currency string) (money.Amount, error) {
	cur := strings.ToUpper(currency)
	if n < 0 {
		return money.Amount{}, fmt.Errorf("amount %d is negative", n)
	}
	a, err := money.FromMinorAt(n, cur, Digits(cur))
	if err != nil {
		return money.Amount{}, fmt.Errorf("amount %d %s cannot be read exactly: %w", n, cur, err)
	}
	return a, nil
}
