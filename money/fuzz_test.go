package money

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
)

// FuzzParse: Parse never panics; whatever it accepts round-trips exactly through String, JSON, minor
// units and the provider formats; whatever it refuses is refused with one of the documented kinds.
func FuzzParse(f *testing.F) {
	for _, seed := range []struct{ value, currency string }{
		{"10.50", "USD"}, {"0", "JPY"}, {"-1.250", "KWD"}, {"149000", "IDR"}, {"1.2345", "CLF"},
		{"92233720368547758.07", "USD"}, {"9223372036854775808", "JPY"}, {"1e3", "USD"}, {".5", "EUR"},
		{"00000000000000000000000000000000000001", "BHD"}, {"-0.0001", "UYW"}, {"1", "XAU"}, {"1", "usd"},
	} {
		f.Add(seed.value, seed.currency)
	}
	f.Fuzz(func(t *testing.T, value, currency string) {
		a, err := Parse(value, currency)
		if err != nil {
			if !errors.Is(err, ErrSyntax) && !errors.Is(err, ErrPrecision) && !errors.Is(err, ErrRange) && !errors.Is(err, ErrCurrency) {
				t.Fatalf("Parse(%q, %q): undocumented error %v", value, currency, err)
			}
			if a != (Amount{}) {
				t.Fatalf("Parse(%q, %q) returned %v with an error", value, currency, a)
			}
			return
		}
		if a.Currency() != currency {
			t.Fatalf("currency %q became %q", currency, a.Currency())
		}
		str, cur, _ := strings.Cut(a.String(), " ")
		again, err := Parse(str, cur)
		if err != nil || again != a {
			t.Fatalf("Parse(%q, %q) = %v; String→Parse gave %v, %v", value, currency, a, again, err)
		}
		if !a.Decimal().Equal(again.Decimal()) {
			t.Fatalf("decimal changed: %v vs %v", a.Decimal(), again.Decimal())
		}
		if m, err := FromMinor(a.Minor(), currency); err != nil || m != a {
			t.Fatalf("FromMinor(Minor()) of %v gave %v, %v", a, m, err)
		}
		js, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var fromJSON Amount
		if err := json.Unmarshal(js, &fromJSON); err != nil || fromJSON != a {
			t.Fatalf("JSON %s gave %v, %v", js, fromJSON, err)
		}
		digits, _ := Digits(currency)
		for _, at := range []int{0, digits, digits + 2} {
			v, err := a.ValueAt(at)
			if err != nil {
				if !errors.Is(err, ErrPrecision) {
					t.Fatalf("ValueAt(%d) of %v: %v", at, a, err)
				}
				continue
			}
			if b, err := ParseAt(v, currency, at); err != nil || b != a {
				t.Fatalf("ValueAt(%d) of %v = %q; ParseAt gave %v, %v", at, a, v, b, err)
			}
			if m, err := a.MinorAt(at); err == nil {
				if b, err := FromMinorAt(m, currency, at); err != nil || b != a {
					t.Fatalf("MinorAt(%d) of %v = %d; FromMinorAt gave %v, %v", at, a, m, b, err)
				}
			} else if !errors.Is(err, ErrRange) {
				t.Fatalf("MinorAt(%d) of %v: %v", at, a, err)
			}
		}
	})
}

// documented reports whether err is one of the kinds the money API documents.
func documented(err error) bool {
	return errors.Is(err, ErrSyntax) || errors.Is(err, ErrPrecision) || errors.Is(err, ErrRange) || errors.Is(err, ErrCurrency)
}

// FuzzParseAt: ParseAt keeps the exact value it accepts (never rounds), the value written back at
// the same digits is the canonical wire string (the input itself when the input was canonical), and
// that string parses back to the same amount.
func FuzzParseAt(f *testing.F) {
	for _, seed := range []struct {
		value, currency string
		digits          int
	}{
		{"149000", "IDR", 0}, {"149000.00", "IDR", 2}, {"149000.50", "IDR", 0}, {"10.50", "USD", 2}, {"10.5", "USD", 2},
		{"1000.00", "JPY", 2}, {"1000.50", "JPY", 2}, {"1.250", "KWD", 3}, {"0.10", "USD", 2}, {"-0", "USD", 2},
		{"007.10", "USD", 2}, {"1", "USD", 19}, {"1", "USD", -1}, {"92233720368547758.07", "USD", 2}, {"40000000", "KHR", 0},
	} {
		f.Add(seed.value, seed.currency, seed.digits)
	}
	f.Fuzz(func(t *testing.T, value, currency string, digits int) {
		a, err := ParseAt(value, currency, digits)
		if err != nil {
			if !documented(err) {
				t.Fatalf("ParseAt(%q, %q, %d): undocumented error %v", value, currency, digits, err)
			}
			if a != (Amount{}) {
				t.Fatalf("ParseAt(%q, %q, %d) returned %v with an error", value, currency, digits, a)
			}
			return
		}
		if a.Currency() != currency {
			t.Fatalf("currency %q became %q", currency, a.Currency())
		}
		exact, err := decimal.NewFromString(value)
		if err != nil || !exact.Equal(a.Decimal()) {
			t.Fatalf("ParseAt(%q, %q, %d) = %v: not the value given (%v)", value, currency, digits, a, err)
		}
		wire, err := a.ValueAt(digits)
		if err != nil {
			t.Fatalf("ParseAt(%q, %q, %d) accepted a value it cannot write back: %v", value, currency, digits, err)
		}
		if canonical := exact.StringFixed(int32(digits)); wire != canonical {
			t.Fatalf("ValueAt(%d) of %v = %q, want %q", digits, a, wire, canonical)
		}
		if again, err := ParseAt(wire, currency, digits); err != nil || again != a {
			t.Fatalf("ValueAt(%d) of %v = %q parses to %v, %v", digits, a, wire, again, err)
		}
	})
}

// FuzzAmountJSON: Amount's JSON decoding accepts only {"value":"<decimal>","currency":"<code>"} (and
// null, which leaves the amount alone): a JSON number as the value is refused, so nothing goes
// through a float; a refused document leaves the amount unchanged; an accepted one is Parse of its
// members and survives a Marshal/Unmarshal round trip.
func FuzzAmountJSON(f *testing.F) {
	for _, seed := range []string{
		`{"value":"10.50","currency":"USD"}`, `{"currency":"JPY","value":"1050"}`, `{"value":10.50,"currency":"USD"}`,
		`{"value":"1e3","currency":"USD"}`, `{"value":"10.50","currency":"USD","x":1}`, `{"value":"1","value":"2","currency":"USD"}`,
		`null`, ` null `, `{}`, `[]`, `"10.50 USD"`, `{"value":"10.50","currency":"USD"} {}`, `{"value":"-1.250","currency":"KWD"}`,
		`{"value":"\u0031","currency":"\u0055SD"}`, `{"value":"92233720368547758.07","currency":"USD"}`, `{"value":null,"currency":"USD"}`,
	} {
		f.Add([]byte(seed))
	}
	sentinel := MustParse("7.77", "EUR")
	f.Fuzz(func(t *testing.T, data []byte) {
		a := sentinel
		err := json.Unmarshal(data, &a)

		var generic map[string]any
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		if dec.Decode(&generic) == nil {
			if _, isNumber := generic["value"].(json.Number); isNumber && err == nil {
				t.Fatalf("%s: a JSON number was accepted as the value", data)
			}
		}
		if err != nil {
			if a != sentinel {
				t.Fatalf("%s: refused (%v) but the amount changed to %v", data, err, a)
			}
			return
		}
		if string(bytes.TrimSpace(data)) == "null" {
			if a != sentinel {
				t.Fatalf("null changed the amount to %v", a)
			}
			return
		}
		value, _ := generic["value"].(string)
		currency, _ := generic["currency"].(string)
		if len(generic) != 2 {
			t.Fatalf("%s accepted as %v; members %v", data, a, generic)
		}
		if p, err := Parse(value, currency); err != nil || p != a {
			t.Fatalf("%s decoded to %v; Parse(%q, %q) gives %v, %v", data, a, value, currency, p, err)
		}
		out, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		var back Amount
		if err := json.Unmarshal(out, &back); err != nil || back != a {
			t.Fatalf("%v marshals to %s, which decodes to %v, %v", a, out, back, err)
		}
	})
}

// FuzzFromMinorAt: an amount built from minor units at some digits gives the same minor units back at
// those digits, is exactly minor × 10^-digits, and its value string at those digits parses back to it.
func FuzzFromMinorAt(f *testing.F) {
	for _, seed := range []struct {
		minor    int64
		currency string
		digits   int
	}{
		{1999, "USD", 2}, {14900000, "IDR", 2}, {149000, "IDR", 0}, {105, "JPY", 2}, {100, "JPY", 2}, {1250, "KWD", 3},
		{math.MaxInt64, "USD", 2}, {math.MinInt64, "USD", 2}, {-1, "CLF", 4}, {1, "USD", 18}, {1, "USD", 19}, {7, "XXX", 2},
	} {
		f.Add(seed.minor, seed.currency, seed.digits)
	}
	f.Fuzz(func(t *testing.T, minor int64, currency string, digits int) {
		a, err := FromMinorAt(minor, currency, digits)
		if err != nil {
			if !documented(err) {
				t.Fatalf("FromMinorAt(%d, %q, %d): undocumented error %v", minor, currency, digits, err)
			}
			if a != (Amount{}) {
				t.Fatalf("FromMinorAt(%d, %q, %d) returned %v with an error", minor, currency, digits, a)
			}
			return
		}
		if a.Currency() != currency {
			t.Fatalf("currency %q became %q", currency, a.Currency())
		}
		if !a.Decimal().Equal(decimal.New(minor, -int32(digits))) {
			t.Fatalf("FromMinorAt(%d, %q, %d) = %v: not the value given", minor, currency, digits, a)
		}
		if m, err := a.MinorAt(digits); err != nil || m != minor {
			t.Fatalf("FromMinorAt(%d, %q, %d) = %v; MinorAt gives %d, %v", minor, currency, digits, a, m, err)
		}
		v, err := a.ValueAt(digits)
		if err != nil {
			t.Fatalf("ValueAt(%d) of %v: %v", digits, a, err)
		}
		if b, err := ParseAt(v, currency, digits); err != nil || b != a {
			t.Fatalf("ValueAt(%d) of %v = %q; ParseAt gives %v, %v", digits, a, v, b, err)
		}
	})
}
