package money

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
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
