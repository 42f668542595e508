package vai247

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// currencyRule is what VAI247 accepts in one currency: its digits on the wire (not always ISO's:
// KHR has 2 ISO digits, VAI247 uses whole riel) and the amounts a payment may have.
type currencyRule struct {
	digits   int
	min, max decimal.Decimal
}

// currencies is the currency table: VAI247 accepts USD and KHR, nothing else.
var currencies = map[string]currencyRule{
	"USD": {digits: 2, min: decimal.RequireFromString("0.10"), max: decimal.RequireFromString("10000")},
	"KHR": {digits: 0, min: decimal.RequireFromString("400"), max: decimal.RequireFromString("40000000")},
}

// Currencies returns the currencies VAI247 accepts, in the order of the currency table's doc.
func Currencies() []string { return []string{"USD", "KHR"} }

// wireAmount returns a's value as VAI247 reads it, the text of a JSON number in major units written
// from the decimal (never through a float): "19.99" USD, "4000" KHR. An unsupported currency is F
// UNSUPPORTED_CURRENCY, a value VAI247's digits cannot carry F INVALID_REQUEST; with checkRange, a
// value outside the currency's payment range is F INVALID_REQUEST too.
func wireAmount(op paygate.Op, field string, a money.Amount, checkRange bool) (json.RawMessage, error) {
	rule, ok := currencies[a.Currency()]
	if !ok {
		return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeUnsupportedCurrency, Field: field,
			Message: fmt.Sprintf("VAI247 accepts only USD and KHR, not %q; nothing was sent, another provider may be tried", a.Currency())}
	}
	v, err := a.ValueAt(rule.digits)
	if err != nil {
		return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: field,
			Message: fmt.Sprintf("%s cannot be sent: VAI247 takes %s with %d decimal places; round it yourself", a, a.Currency(), rule.digits), Err: err}
	}
	if checkRange {
		d := a.Decimal()
		if d.LessThan(rule.min) || d.GreaterThan(rule.max) {
			return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: field,
				Message: fmt.Sprintf("%s is outside VAI247's range for %s payments, %s to %s", a, a.Currency(),
					rule.min.StringFixed(int32(rule.digits)), rule.max.StringFixed(int32(rule.digits)))}
		}
	}
	return json.RawMessage(v), nil
}

// parseAmount reads a JSON number (or a string holding one) from VAI247 as an amount of currency. It
// goes through the decimal only, and refuses a value that would need rounding at the currency's
// VAI247 digits: an amount we cannot read exactly is never guessed. Its errors quote the amount short
// (provider.Excerpt): VAI247 does not sign its answers.
func parseAmount(raw json.RawMessage, currency string) (money.Amount, error) {
	rule, ok := currencies[currency]
	if !ok {
		return money.Amount{}, fmt.Errorf("currency %s is not one VAI247 uses", provider.Excerpt(currency))
	}
	s, ok := numberLiteral(raw)
	if !ok {
		var n json.Number // a string holding a number
		if err := json.Unmarshal(raw, &n); err != nil || n == "" {
			return money.Amount{}, errors.New("amount is not a number")
		}
		s = n.String()
	}
	if strings.HasPrefix(s, "-") {
		return money.Amount{}, fmt.Errorf("amount %s is not a positive plain number", provider.Excerpt(s))
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return money.Amount{}, fmt.Errorf("amount %s is not a decimal number", provider.Excerpt(s))
	}
	if !d.Shift(int32(rule.digits)).IsInteger() {
		return money.Amount{}, fmt.Errorf("amount %s has more than the %d decimal places of %s", provider.Excerpt(s), rule.digits, currency)
	}
	// Checked before the decimal is written out, which money.Parse's error would quote: "1e300"
	// expanded to 300 digits.
	if largest := decimal.New(math.MaxInt64, -int32(rule.digits)); d.GreaterThan(largest) {
		return money.Amount{}, fmt.Errorf("amount %s is too large: a %s amount is at most %s", provider.Excerpt(s), currency, largest)
	}
	return money.Parse(d.StringFixed(int32(rule.digits)), currency)
}

// numberLiteral returns raw's text when raw is a JSON number, as json.Unmarshal into a json.Number
// would, without decoding.
func numberLiteral(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) || !json.Valid(raw) {
		return "", false
	}
	return string(raw), true
}
