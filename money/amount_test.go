package money

import (
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		value, currency string
		minor           int64
		str             string
		err             error
	}{
		{"10.50", "USD", 1050, "10.50 USD", nil},
		{"10.5", "USD", 1050, "10.50 USD", nil},
		{"10", "USD", 1000, "10.00 USD", nil},
		{"0.01", "USD", 1, "0.01 USD", nil},
		{"0", "USD", 0, "0.00 USD", nil},
		{"-0", "USD", 0, "0.00 USD", nil},
		{"-3.25", "USD", -325, "-3.25 USD", nil},
		{"007.10", "USD", 710, "7.10 USD", nil},
		{"1050", "JPY", 1050, "1050 JPY", nil},
		{"149000", "IDR", 14900000, "149000.00 IDR", nil},
		{"1.250", "KWD", 1250, "1.250 KWD", nil},
		{"0.001", "BHD", 1, "0.001 BHD", nil},
		{"1.2345", "CLF", 12345, "1.2345 CLF", nil},
		{"92233720368547758.07", "USD", math.MaxInt64, "92233720368547758.07 USD", nil},
		{"-92233720368547758.07", "USD", -math.MaxInt64, "-92233720368547758.07 USD", nil},
		{"9223372036854775807", "JPY", math.MaxInt64, "9223372036854775807 JPY", nil},

		// more decimals than the currency has, even when they are zeros: "1.000" USD may be a European 1000
		{"10.505", "USD", 0, "", ErrPrecision},
		{"10.500", "USD", 0, "", ErrPrecision},
		{"1.000", "USD", 0, "", ErrPrecision},
		{"1000.0", "JPY", 0, "", ErrPrecision},
		{"1.2345", "KWD", 0, "", ErrPrecision},

		// beyond int64 minor units
		{"92233720368547758.08", "USD", 0, "", ErrRange},
		{"-92233720368547758.08", "USD", 0, "", ErrRange},
		{"9223372036854775808", "JPY", 0, "", ErrRange},
		{"99999999999999999999999999999999999", "USD", 0, "", ErrRange},

		// not a plain decimal
		{"", "USD", 0, "", ErrSyntax},
		{"-", "USD", 0, "", ErrSyntax},
		{"+1", "USD", 0, "", ErrSyntax},
		{" 1", "USD", 0, "", ErrSyntax},
		{"1 ", "USD", 0, "", ErrSyntax},
		{"1.", "USD", 0, "", ErrSyntax},
		{".5", "USD", 0, "", ErrSyntax},
		{"1..5", "USD", 0, "", ErrSyntax},
		{"1.2.3", "USD", 0, "", ErrSyntax},
		{"1e3", "USD", 0, "", ErrSyntax},
		{"1E-2", "USD", 0, "", ErrSyntax},
		{"1,000.00", "USD", 0, "", ErrSyntax},
		{"1_000", "USD", 0, "", ErrSyntax},
		{"0x10", "USD", 0, "", ErrSyntax},
		{"NaN", "USD", 0, "", ErrSyntax},
		{"Inf", "USD", 0, "", ErrSyntax},
		{"$10", "USD", 0, "", ErrSyntax},
		{"−1", "USD", 0, "", ErrSyntax}, // U+2212 MINUS SIGN, which decimal itself would accept
		{"١٢", "USD", 0, "", ErrSyntax}, // Arabic-Indic digits
		{"--1", "USD", 0, "", ErrSyntax},
		{"1\x00", "USD", 0, "", ErrSyntax},
		{strings.Repeat("0", 41), "USD", 0, "", ErrSyntax},

		{"1", "usd", 0, "", ErrCurrency},
		{"1", "XAU", 0, "", ErrCurrency},
	}
	for _, tt := range tests {
		t.Run(tt.currency+"/"+strconv.Quote(tt.value), func(t *testing.T) {
			a, err := Parse(tt.value, tt.currency)
			if tt.err != nil {
				require.Error(t, err)
				assert.True(t, errors.Is(err, tt.err), "want %v, got %v", tt.err, err)
				var me *Error
				require.True(t, errors.As(err, &me))
				assert.Equal(t, tt.value, me.Value)
				assert.Equal(t, Amount{}, a)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.minor, a.Minor())
			assert.Equal(t, tt.currency, a.Currency())
			assert.Equal(t, tt.str, a.String())
		})
	}
}

func TestErrorMessagesSayWhatToDo(t *testing.T) {
	_, err := Parse("10.505", "USD")
	assert.EqualError(t, err, `money: too many decimal places: "10.505" USD: USD has 2 decimal places; send the value with at most 2`)
	_, err = Parse("1", "HRK")
	assert.EqualError(t, err, `money: unusable currency: "1" HRK: withdrawn from ISO 4217 in 2023 when Croatia adopted the euro; use EUR`)
	_, err = FromMinorAt(105, "JPY", 2)
	assert.EqualError(t, err, `money: too many decimal places: "1.05" JPY: JPY has 0 decimal places; the value would have to be rounded`)
	_, err = FromMinor(math.MinInt64, "USD")
	assert.EqualError(t, err, `money: amount out of range: "-92233720368547758.08" USD: minor units must be within ±9223372036854775807`)
	minUSD, _ := FromMinor(-math.MaxInt64, "USD")
	_, err = minUSD.Sub(MustParse("0.01", "USD"))
	assert.EqualError(t, err, `money: amount out of range: "USD": -92233720368547758.07 USD - 0.01 USD does not fit an int64 of minor units`)
	assert.Equal(t, "money: <nil *Error>", (*Error)(nil).Error())
	assert.Equal(t, "money: invalid amount", (&Error{}).Error())
	_, err = Parse("1,5", "EUR")
	assert.ErrorContains(t, err, `want digits with an optional leading "-" and at most one ".", such as "10.50"`)
	// A refused input may come from anyone, at any length: the message quotes at most 64 bytes of it.
	_, err = Parse(strings.Repeat("1", 8192), "USD")
	assert.EqualError(t, err, `money: malformed amount: "`+strings.Repeat("1", 64)+`"… (cut; 8192 bytes) USD: longer than 40 characters`)
	_, err = Parse("1", strings.Repeat("X", 100))
	assert.ErrorContains(t, err, `"1" `+strings.Repeat("X", 64)+`… (cut; 100 bytes): `)
}

// Provider wire formats that differ from ISO 4217, both directions.
func TestProviderDigits(t *testing.T) {
	tests := []struct {
		name     string
		amount   Amount
		digits   int
		value    string // ValueAt(digits)
		minor    int64  // MinorAt(digits)
		valueErr error
	}{
		{"Waffo IDR 0", MustParse("149000", "IDR"), 0, "149000", 149000, nil},
		{"Antom IDR 2", MustParse("149000", "IDR"), 2, "149000.00", 14900000, nil},
		{"IDR with cents at 0", MustParse("149000.50", "IDR"), 0, "", 0, ErrPrecision},
		{"USD 2", MustParse("10.5", "USD"), 2, "10.50", 1050, nil},
		{"USD 0 exact", MustParse("10", "USD"), 0, "10", 10, nil},
		{"USD 0 with cents", MustParse("10.01", "USD"), 0, "", 0, ErrPrecision},
		{"JPY at 2", MustParse("1000", "JPY"), 2, "1000.00", 100000, nil},
		{"KWD 3", MustParse("1.250", "KWD"), 3, "1.250", 1250, nil},
		{"KWD at 2 refused", MustParse("1.255", "KWD"), 2, "", 0, ErrPrecision},
		{"KWD at 2 exact", MustParse("1.250", "KWD"), 2, "1.25", 125, nil},
		{"KHR 0", MustParse("400", "KHR"), 0, "400", 400, nil},
		{"negative", MustParse("-3.25", "USD"), 2, "-3.25", -325, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := tt.amount.ValueAt(tt.digits)
			m, merr := tt.amount.MinorAt(tt.digits)
			if tt.valueErr != nil {
				assert.True(t, errors.Is(err, tt.valueErr), "ValueAt: %v", err)
				assert.True(t, errors.Is(merr, tt.valueErr), "MinorAt: %v", merr)
				return
			}
			require.NoError(t, err)
			require.NoError(t, merr)
			assert.Equal(t, tt.value, v)
			assert.Equal(t, tt.minor, m)

			// and back again, as an adapter reads the provider's answer
			back, err := ParseAt(v, tt.amount.Currency(), tt.digits)
			require.NoError(t, err)
			assert.Equal(t, tt.amount, back)
			back, err = FromMinorAt(m, tt.amount.Currency(), tt.digits)
			require.NoError(t, err)
			assert.Equal(t, tt.amount, back)
		})
	}
}

func TestParseAtAndFromMinorAtRefuseRounding(t *testing.T) {
	_, err := ParseAt("1000.50", "JPY", 2)
	assert.True(t, errors.Is(err, ErrPrecision), "%v", err)
	_, err = ParseAt("10.505", "USD", 2)
	assert.True(t, errors.Is(err, ErrPrecision), "%v", err)
	_, err = ParseAt("149000.00", "IDR", 0) // the provider said 0 places
	assert.True(t, errors.Is(err, ErrPrecision), "%v", err)
	_, err = FromMinorAt(105, "JPY", 2)
	assert.True(t, errors.Is(err, ErrPrecision), "%v", err)
	_, err = FromMinorAt(math.MaxInt64, "USD", 0) // ×100 overflows
	assert.True(t, errors.Is(err, ErrRange), "%v", err)
	_, err = FromMinor(math.MinInt64, "USD")
	assert.True(t, errors.Is(err, ErrRange), "%v", err)
	_, err = MustParse("10", "JPY").MinorAt(18) // 10^19
	assert.True(t, errors.Is(err, ErrRange), "%v", err)
	for _, digits := range []int{-1, 19} {
		_, err = ParseAt("1", "USD", digits)
		assert.True(t, errors.Is(err, ErrRange), "%v", err)
		_, err = FromMinorAt(1, "USD", digits)
		assert.True(t, errors.Is(err, ErrRange), "%v", err)
		_, err = MustParse("1", "USD").ValueAt(digits)
		assert.True(t, errors.Is(err, ErrRange), "%v", err)
	}
	ok, err := ParseAt("1000.00", "JPY", 2)
	require.NoError(t, err)
	assert.Equal(t, MustParse("1000", "JPY"), ok)
}

func TestArithmetic(t *testing.T) {
	a, b := MustParse("10.50", "USD"), MustParse("0.75", "USD")
	sum, err := a.Add(b)
	require.NoError(t, err)
	assert.Equal(t, "11.25 USD", sum.String())
	diff, err := b.Sub(a)
	require.NoError(t, err)
	assert.Equal(t, "-9.75 USD", diff.String())
	assert.False(t, diff.IsPositive())
	assert.True(t, a.IsPositive())
	assert.False(t, MustParse("0", "USD").IsPositive())
	assert.False(t, Amount{}.IsPositive())

	c, err := a.Cmp(b)
	require.NoError(t, err)
	assert.Equal(t, 1, c)
	c, err = b.Cmp(a)
	require.NoError(t, err)
	assert.Equal(t, -1, c)
	c, err = a.Cmp(MustParse("10.5", "USD"))
	require.NoError(t, err)
	assert.Equal(t, 0, c)

	assert.True(t, a.Equal(MustParse("10.5", "USD")))
	assert.True(t, a == MustParse("10.50", "USD"), "== must agree with Equal")
	assert.False(t, a.Equal(MustParse("1050", "JPY")), "same minor units, other currency")

	for _, op := range []func(Amount, Amount) error{
		func(x, y Amount) error { _, err := x.Add(y); return err },
		func(x, y Amount) error { _, err := x.Sub(y); return err },
		func(x, y Amount) error { _, err := x.Cmp(y); return err },
	} {
		assert.True(t, errors.Is(op(a, MustParse("1", "EUR")), ErrCurrencyMismatch))
		assert.True(t, errors.Is(op(a, Amount{}), ErrCurrencyMismatch))
		assert.True(t, errors.Is(op(Amount{}, Amount{}), ErrCurrencyMismatch))
	}

	maxUSD, _ := FromMinor(math.MaxInt64, "USD")
	cent := MustParse("0.01", "USD")
	_, err = maxUSD.Add(cent)
	assert.True(t, errors.Is(err, ErrRange), "%v", err)
	minUSD, _ := FromMinor(-math.MaxInt64, "USD")
	_, err = minUSD.Sub(cent)
	assert.True(t, errors.Is(err, ErrRange), "%v", err)
	_, err = minUSD.Add(MustParse("-0.01", "USD"))
	assert.True(t, errors.Is(err, ErrRange), "%v", err)
	back, err := maxUSD.Sub(maxUSD)
	require.NoError(t, err)
	assert.Equal(t, MustParse("0", "USD"), back)
}

func TestZeroAmount(t *testing.T) {
	var z Amount
	assert.Equal(t, "", z.Currency())
	assert.Equal(t, int64(0), z.Minor())
	assert.True(t, z.Decimal().IsZero())
	assert.Equal(t, "(no amount)", z.String())
	_, err := z.ValueAt(2)
	assert.True(t, errors.Is(err, ErrCurrency))
	_, err = z.MinorAt(2)
	assert.True(t, errors.Is(err, ErrCurrency))
	b, err := json.Marshal(z)
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
}

func TestJSON(t *testing.T) {
	type order struct {
		Total  Amount `json:"total"`
		Refund Amount `json:"refund,omitzero"`
	}
	b, err := json.Marshal(order{Total: MustParse("10.5", "USD")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"total":{"value":"10.50","currency":"USD"}}`, string(b))
	assert.Contains(t, string(b), `"value":"10.50"`, "the value is written as a string, with ISO digits")

	b, err = json.Marshal(MustParse("1.250", "KWD"))
	require.NoError(t, err)
	assert.Equal(t, `{"value":"1.250","currency":"KWD"}`, string(b))

	for _, invalid := range []string{`{"value":"1.00","currency":"USD"} {"value":"9"}`, `{"value":"1","currency":"USD"`, `{"value":"1",`} {
		var a Amount
		assert.Error(t, json.Unmarshal([]byte(invalid), &a), invalid) // refused by encoding/json itself
		assert.Error(t, a.UnmarshalJSON([]byte(invalid)), invalid)    // and by Amount when called directly
		assert.Equal(t, Amount{}, a)
	}

	var escaped Amount
	require.NoError(t, json.Unmarshal([]byte(`{"currency":"USD", "value":"\u0031\u0030.5"}`), &escaped), "JSON escapes and member order are fine")
	assert.Equal(t, MustParse("10.5", "USD"), escaped)
	var direct Amount
	assert.Error(t, direct.UnmarshalJSON([]byte(`{"value":"1","currency":"USD"} garbage`)), "trailing data when called directly")

	var got order
	require.NoError(t, json.Unmarshal([]byte(`{"total":{"value":"1050","currency":"JPY"},"refund":null}`), &got))
	assert.Equal(t, MustParse("1050", "JPY"), got.Total)
	assert.Equal(t, Amount{}, got.Refund)

	bad := []struct {
		in   string
		kind error
	}{
		{`{"value":10.50,"currency":"USD"}`, ErrSyntax},
		{`{"value":1e2,"currency":"USD"}`, ErrSyntax},
		{`{"value":"10.505","currency":"USD"}`, ErrPrecision},
		{`{"value":"10.50"}`, ErrSyntax},
		{`{"currency":"USD"}`, ErrSyntax},
		{`{"value":"1.00","value":"1000.00","currency":"USD"}`, ErrSyntax},
		{`{"value":"1.00","VALUE":"1000.00","currency":"USD"}`, ErrSyntax},
		{`{"Value":"5","CURRENCY":"USD"}`, ErrSyntax},
		{`{"value":"1.00","currency":"USD","currency":"JPY"}`, ErrSyntax},
		{`{"value":{"v":"1"},"currency":"USD"}`, ErrSyntax},
		{`{"value":["1"],"currency":"USD"}`, ErrSyntax},
		{`{"value":true,"currency":"USD"}`, ErrSyntax},
		{`{"value":"1","currency":840}`, ErrSyntax},
		{`["1","USD"]`, ErrSyntax},
		{`{"value":"10.50","currency":"usd"}`, ErrCurrency},
		{`{"value":"10.50","currency":"USD","fx":"1.1"}`, ErrSyntax},
		{`"10.50 USD"`, ErrSyntax},
		{`{"value":null,"currency":"USD"}`, ErrSyntax},
		{`{"value":"1e3","currency":"USD"}`, ErrSyntax},
	}
	for _, tt := range bad {
		t.Run(tt.in, func(t *testing.T) {
			var a Amount
			err := json.Unmarshal([]byte(tt.in), &a)
			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.kind), "want %v, got %v", tt.kind, err)
			assert.Equal(t, Amount{}, a, "a refused amount leaves the target untouched")
		})
	}
}

// Every currency in the table, and the withdrawn ones still accepted, round-trips exactly between
// string, minor units, provider formats and JSON.
func TestRoundTripEveryCurrency(t *testing.T) {
	for _, code := range append(Currencies(), "ANG", "BGN") {
		t.Run(code, func(t *testing.T) {
			digits, _ := Digits(code)
			for _, minor := range []int64{0, 1, -1, 7, 1050, 999999, -123456789, math.MaxInt64, -math.MaxInt64} {
				a, err := FromMinor(minor, code)
				require.NoError(t, err)
				assert.Equal(t, minor, a.Minor())

				value, cur, ok := strings.Cut(a.String(), " ")
				require.True(t, ok)
				assert.Equal(t, code, cur)
				if digits > 0 {
					require.Contains(t, value, ".")
					assert.Len(t, value[strings.IndexByte(value, '.')+1:], digits)
				}
				back, err := Parse(value, code)
				require.NoError(t, err)
				assert.Equal(t, a, back, "string")

				wire, err := a.ValueAt(digits)
				require.NoError(t, err)
				assert.Equal(t, value, wire)
				m, err := a.MinorAt(digits)
				require.NoError(t, err)
				assert.Equal(t, minor, m)
				assert.True(t, a.Decimal().Equal(back.Decimal()))

				js, err := json.Marshal(a)
				require.NoError(t, err)
				assert.Equal(t, `{"value":"`+value+`","currency":"`+code+`"}`, string(js))
				var fromJSON Amount
				require.NoError(t, json.Unmarshal(js, &fromJSON))
				assert.Equal(t, a, fromJSON, "json")
			}
		})
	}
}
