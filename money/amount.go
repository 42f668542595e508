package money

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/shopspring/decimal"
)

// Amount is an exact amount of money in one ISO 4217 currency. It is immutable.
//
// An Amount holds the value as a whole number of the currency's ISO minor units (cents for USD, yen for
// JPY, fils for KWD). Every constructor refuses input that would need rounding or does not fit an int64,
// so the representation is exact, and it is canonical: two Amounts are equal exactly when == says so,
// and an Amount works as a map key. All conversion to and from text goes through shopspring/decimal;
// nothing ever passes through a float.
//
// The zero Amount has no currency. It is "no amount": constructors never return it without an error,
// it marshals to JSON null, and combining it with a real amount fails with ErrCurrencyMismatch.
type Amount struct {
	minor    int64  // the value in ISO minor units of currency
	currency string // ISO 4217 alphabetic code; "" only in the zero Amount
}

const (
	// maxLiteral bounds the text Parse will look at: a sign, 19 digits of int64 minor units, a point,
	// and generous room for leading zeros. Longer input is refused before any arithmetic.
	maxLiteral = 40
	// maxDigits bounds the digits argument of the *At functions: 10^18 is the largest power of ten in an int64.
	maxDigits = 18
)

var (
	maxMinor = decimal.NewFromInt(math.MaxInt64)
	minMinor = decimal.NewFromInt(-math.MaxInt64) // symmetric: every Amount can be negated
)

// Parse reads value, a plain decimal number such as "10.50", "-3" or "0.125", as an amount of currency.
//
// It refuses, with an *Error: a currency Digits does not accept (malformed, unknown, withdrawn before
// 2025, or without a minor unit); a value
// that is not digits with an optional leading '-' and at most one '.' with digits on both sides (no '+',
// exponents, spaces, separators or symbols); more decimal places than the currency has (USD "10.505" and
// USD "10.500" alike — write "10.50"); and values whose minor units do not fit an int64.
func Parse(value, currency string) (Amount, error) {
	iso, err := lookupDigits(currency)
	if err != nil {
		return Amount{}, withValue(err, value)
	}
	return parse(value, currency, iso, iso)
}

// ParseAt reads value as written by a provider that uses digits decimal places for currency, which may
// differ from ISO 4217 (Waffo writes IDR with 0, some providers write JPY with 2). The value may have at
// most digits decimal places, and it must be exact in the currency's ISO digits: JPY "1000.00" at 2 is
// 1000 JPY, JPY "1000.50" at 2 is refused rather than rounded.
func ParseAt(value, currency string, digits int) (Amount, error) {
	iso, err := lookupDigits(currency)
	if err != nil {
		return Amount{}, withValue(err, value)
	}
	if err := checkDigits(digits); err != nil {
		return Amount{}, err
	}
	return parse(value, currency, iso, digits)
}

// MustParse is Parse for values known to be valid, such as constants in tests and examples. It panics on error.
func MustParse(value, currency string) Amount {
	a, err := Parse(value, currency)
	if err != nil {
		panic(err)
	}
	return a
}

// FromMinor returns minor units of currency in its ISO 4217 digits: FromMinor(1050, "USD") is 10.50 USD,
// FromMinor(1050, "JPY") is 1050 JPY. It fails for unusable currencies and for math.MinInt64.
func FromMinor(minor int64, currency string) (Amount, error) {
	iso, err := lookupDigits(currency)
	if err != nil {
		return Amount{}, err
	}
	return fromMinor(minor, currency, iso, iso)
}

// FromMinorAt returns minor units of currency counted with digits decimal places, as a provider that
// differs from ISO 4217 writes them: FromMinorAt(14900000, "IDR", 2) and FromMinorAt(149000, "IDR", 0)
// are both 149000.00 IDR. It fails rather than rounds: FromMinorAt(105, "JPY", 2) (1.05 JPY) is an error.
func FromMinorAt(minor int64, currency string, digits int) (Amount, error) {
	iso, err := lookupDigits(currency)
	if err != nil {
		return Amount{}, err
	}
	if err := checkDigits(digits); err != nil {
		return Amount{}, err
	}
	return fromMinor(minor, currency, iso, digits)
}

// Currency returns the ISO 4217 code, or "" for the zero Amount.
func (a Amount) Currency() string { return a.currency }

// Decimal returns the value in major units, exactly: 10.50 USD is decimal 10.50.
func (a Amount) Decimal() decimal.Decimal {
	return decimal.New(a.minor, -int32(a.isoDigits()))
}

// Minor returns the value in the currency's ISO 4217 minor units: 1050 for 10.50 USD, 1050 for 1050 JPY.
func (a Amount) Minor() int64 { return a.minor }

// String formats the amount with the currency's ISO digits and code: "10.50 USD", "1050 JPY", "1.250 KWD".
func (a Amount) String() string {
	if a.currency == "" {
		return "(no amount)"
	}
	return a.Decimal().StringFixed(int32(a.isoDigits())) + " " + a.currency
}

// ValueAt formats the value in major units with exactly digits decimal places, for providers whose
// wire format differs from ISO 4217: 149000 IDR at 0 is "149000", 10.5 USD at 2 is "10.50". It fails
// rather than rounds: 149000.50 IDR at 0 is an error.
func (a Amount) ValueAt(digits int) (string, error) {
	if _, err := a.shifted(digits); err != nil {
		return "", err
	}
	return a.Decimal().StringFixed(int32(digits)), nil
}

// MinorAt returns the value in units of 10^-digits, for providers whose minor units differ from ISO
// 4217: 149000 IDR at 2 is 14900000 (Antom), at 0 is 149000. It fails rather than rounds, and fails if
// the result does not fit an int64.
func (a Amount) MinorAt(digits int) (int64, error) {
	d, err := a.shifted(digits)
	if err != nil {
		return 0, err
	}
	if d.GreaterThan(maxMinor) || d.LessThan(minMinor) {
		return 0, &Error{Kind: ErrRange, Value: a.valueString(), Currency: a.currency,
			Detail: fmt.Sprintf("in units of 10^-%d it does not fit an int64", digits)}
	}
	return d.IntPart(), nil
}

// shifted returns the value times 10^digits, or an error if that is not a whole number.
func (a Amount) shifted(digits int) (decimal.Decimal, error) {
	if a.currency == "" {
		return decimal.Decimal{}, &Error{Kind: ErrCurrency, Detail: "the zero Amount has no currency; build amounts with Parse or FromMinor"}
	}
	if err := checkDigits(digits); err != nil {
		return decimal.Decimal{}, err
	}
	d := a.Decimal().Shift(int32(digits))
	if !d.IsInteger() {
		return decimal.Decimal{}, &Error{Kind: ErrPrecision, Value: a.valueString(), Currency: a.currency,
			Detail: fmt.Sprintf("it cannot be written with %d decimal places without rounding", digits)}
	}
	return d, nil
}

// Equal reports whether a and b are the same amount in the same currency. It is the same as a == b.
func (a Amount) Equal(b Amount) bool { return a == b }

// Cmp compares a and b: -1 if a < b, 0 if equal, +1 if a > b. Amounts in different currencies do not
// compare: the error wraps ErrCurrencyMismatch.
func (a Amount) Cmp(b Amount) (int, error) {
	if err := a.sameCurrency(b); err != nil {
		return 0, err
	}
	switch {
	case a.minor < b.minor:
		return -1, nil
	case a.minor > b.minor:
		return 1, nil
	}
	return 0, nil
}

// Add returns a + b. It fails if the currencies differ or the sum leaves the int64 range.
func (a Amount) Add(b Amount) (Amount, error) {
	return a.combine(b, "+", b.minor)
}

// Sub returns a - b. It fails if the currencies differ or the difference leaves the int64 range.
// The result may be negative.
func (a Amount) Sub(b Amount) (Amount, error) {
	// b.minor is never MinInt64 (constructors refuse it), so negating it is safe.
	return a.combine(b, "-", -b.minor)
}

// combine returns a plus delta minor units, where delta is b's value or its negation.
func (a Amount) combine(b Amount, op string, delta int64) (Amount, error) {
	if err := a.sameCurrency(b); err != nil {
		return Amount{}, err
	}
	sum := a.minor + delta
	if (delta > 0 && sum < a.minor) || (delta < 0 && sum > a.minor) || sum == math.MinInt64 {
		return Amount{}, &Error{Kind: ErrRange, Currency: a.currency,
			Detail: a.String() + " " + op + " " + b.String() + " does not fit an int64 of minor units"}
	}
	return Amount{minor: sum, currency: a.currency}, nil
}

// IsZero reports whether a is the zero Amount, which carries no currency ("no amount"). An amount of
// 0.00 USD is not zero in this sense.
func (a Amount) IsZero() bool { return a == Amount{} }

// IsPositive reports whether the amount is greater than zero. The zero Amount is not positive.
func (a Amount) IsPositive() bool { return a.minor > 0 }

// MarshalJSON writes {"value":"10.50","currency":"USD"}: the value is a string with the currency's ISO
// digits, so no JSON parser can turn it into a float. The zero Amount is null.
func (a Amount) MarshalJSON() ([]byte, error) {
	if a.currency == "" {
		return []byte("null"), nil
	}
	return json.Marshal(amountJSON{Value: a.valueString(), Currency: a.currency})
}

// UnmarshalJSON reads {"value":"10.50","currency":"USD"} with the rules of Parse. The object must have
// exactly these two keys, spelled exactly so, each once: a duplicate or case-variant key could make
// another JSON parser read a different amount. The value must be a JSON string; a JSON number is
// refused because many JSON parsers turn numbers into floats. null leaves the Amount unchanged, as
// encoding/json does for other types.
func (a *Amount) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	value, currency, err := decodeAmountObject(data)
	if err != nil {
		return &Error{Kind: ErrSyntax, Detail: err.Error() + `; want {"value":"10.50","currency":"USD"}`}
	}
	parsed, err := Parse(value, currency)
	if err != nil {
		return err
	}
	*a = parsed
	return nil
}

// decodeAmountObject reads a JSON object that has exactly the string members "value" and "currency".
func decodeAmountObject(data []byte) (value, currency string, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber() // a number token must never become a float64, even on the way to being refused
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return "", "", errors.New("not a JSON object")
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return "", "", err
		}
		key, _ := tok.(string)
		if key != "value" && key != "currency" {
			return "", "", fmt.Errorf("unexpected member %q", key)
		}
		if seen[key] {
			return "", "", fmt.Errorf("member %q appears twice", key)
		}
		seen[key] = true
		tok, err = dec.Token()
		if err != nil {
			return "", "", err
		}
		str, ok := tok.(string)
		if !ok {
			if key == "value" {
				return "", "", errors.New(`"value" must be a JSON string such as "10.50"; JSON numbers are refused because parsers read them as floats`)
			}
			return "", "", errors.New(`"currency" must be a JSON string such as "USD"`)
		}
		if key == "value" {
			value = str
		} else {
			currency = str
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return "", "", err
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", "", errors.New("data after the JSON object")
	}
	for _, key := range []string{"value", "currency"} {
		if !seen[key] {
			return "", "", fmt.Errorf("member %q is missing", key)
		}
	}
	return value, currency, nil
}

type amountJSON struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// isoDigits is the number of decimal places of a's currency; 0 for the zero Amount.
func (a Amount) isoDigits() int {
	d, _ := Digits(a.currency)
	return d
}

// valueString is the value without the currency, in ISO digits.
func (a Amount) valueString() string {
	return a.Decimal().StringFixed(int32(a.isoDigits()))
}

func (a Amount) sameCurrency(b Amount) error {
	if a.currency == b.currency && a.currency != "" {
		return nil
	}
	return &Error{Kind: ErrCurrencyMismatch, Detail: a.String() + " and " + b.String() + " are not in the same currency"}
}

// parse reads value with at most allowed decimal places and converts it to ISO minor units (iso digits).
func parse(value, currency string, iso, allowed int) (Amount, error) {
	fail := func(kind error, detail string) (Amount, error) {
		return Amount{}, &Error{Kind: kind, Value: value, Currency: currency, Detail: detail}
	}
	if len(value) > maxLiteral {
		return fail(ErrSyntax, "longer than "+strconv.Itoa(maxLiteral)+" characters")
	}
	places, ok := scanDecimal(value)
	if !ok {
		return fail(ErrSyntax, `want digits with an optional leading "-" and at most one ".", such as "10.50"`)
	}
	if places > allowed {
		if allowed == iso {
			return fail(ErrPrecision, fmt.Sprintf("%s has %d decimal places; send the value with at most %d", currency, iso, iso))
		}
		return fail(ErrPrecision, fmt.Sprintf("at most %d decimal places are allowed here", allowed))
	}
	d, err := decimal.NewFromString(value)
	if err != nil { // unreachable after scanDecimal; kept so a decimal change cannot slip through
		return fail(ErrSyntax, err.Error())
	}
	m := d.Shift(int32(iso))
	if !m.IsInteger() {
		return fail(ErrPrecision, fmt.Sprintf("%s has %d decimal places; the value would have to be rounded", currency, iso))
	}
	if m.GreaterThan(maxMinor) || m.LessThan(minMinor) {
		return fail(ErrRange, "its minor units do not fit an int64")
	}
	return Amount{minor: m.IntPart(), currency: currency}, nil
}

// scanDecimal checks value against -?[0-9]+(\.[0-9]+)? and returns the number of decimal places.
func scanDecimal(value string) (places int, ok bool) {
	i := 0
	if i < len(value) && value[i] == '-' {
		i++
	}
	start := i
	for i < len(value) && value[i] >= '0' && value[i] <= '9' {
		i++
	}
	if i == start {
		return 0, false
	}
	if i == len(value) {
		return 0, true
	}
	if value[i] != '.' {
		return 0, false
	}
	i++
	start = i
	for i < len(value) && value[i] >= '0' && value[i] <= '9' {
		i++
	}
	if i == start || i != len(value) {
		return 0, false
	}
	return i - start, true
}

// fromMinor converts minor units counted with digits decimal places to ISO minor units (iso digits).
func fromMinor(minor int64, currency string, iso, digits int) (Amount, error) {
	major := decimal.New(minor, -int32(digits))
	fail := func(kind error, detail string) (Amount, error) {
		return Amount{}, &Error{Kind: kind, Value: major.StringFixed(int32(digits)), Currency: currency, Detail: detail}
	}
	if minor == math.MinInt64 {
		return fail(ErrRange, "minor units must be within ±9223372036854775807")
	}
	m := major.Shift(int32(iso))
	if !m.IsInteger() {
		return fail(ErrPrecision, fmt.Sprintf("%s has %d decimal places; the value would have to be rounded", currency, iso))
	}
	if m.GreaterThan(maxMinor) || m.LessThan(minMinor) {
		return fail(ErrRange, fmt.Sprintf("in %s minor units it does not fit an int64", currency))
	}
	return Amount{minor: m.IntPart(), currency: currency}, nil
}

func checkDigits(digits int) error {
	if digits < 0 || digits > maxDigits {
		return &Error{Kind: ErrRange, Detail: fmt.Sprintf("digits must be between 0 and %d, got %d", maxDigits, digits)}
	}
	return nil
}

// withValue adds the refused value to a currency error from lookupDigits.
func withValue(err error, value string) error {
	if e, ok := err.(*Error); ok {
		e.Value = value
	}
	return err
}
