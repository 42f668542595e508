package antom

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/money"
)

// Each currency's digits, both directions: the amount as paygate holds it and the value on the wire.
func TestAmountsOnTheWire(t *testing.T) {
	cases := []struct {
		currency, amount, wire string
	}{
		{"CLP", "15000", "15000"}, {"JPY", "1234", "1234"}, {"KRW", "15000", "15000"}, {"VND", "250000", "250000"},
		{"AUD", "19.99", "1999"}, {"BDT", "19.99", "1999"}, {"BRL", "19.99", "1999"}, {"CAD", "19.99", "1999"},
		{"CNY", "19.99", "1999"}, {"EUR", "0.01", "1"}, {"GBP", "19.99", "1999"}, {"HKD", "19.99", "1999"},
		{"IDR", "15000", "1500000"}, {"MXN", "19.99", "1999"}, {"MYR", "19.99", "1999"}, {"NZD", "19.99", "1999"},
		{"PEN", "19.99", "1999"}, {"PHP", "19.99", "1999"}, {"PKR", "19.99", "1999"}, {"PLN", "19.99", "1999"},
		{"SGD", "19.99", "1999"}, {"THB", "19.99", "1999"}, {"TWD", "100", "10000"}, {"USD", "92233720368547758.07", "9223372036854775807"},
	}
	require.Len(t, cases, len(currencyDigits), "a case per currency Antom takes")
	for _, c := range cases {
		t.Run(c.currency, func(t *testing.T) {
			a := money.MustParse(c.amount, c.currency)
			w, err := toWire(a)
			require.NoError(t, err)
			assert.Equal(t, &wireAmount{Currency: c.currency, Value: c.wire}, w)
			back, err := fromWire(w)
			require.NoError(t, err)
			assert.True(t, back.Equal(a), "read back %s, sent %s", back, a)
			d, ok := Digits(c.currency)
			assert.True(t, ok)
			assert.Equal(t, currencyDigits[c.currency], d)
		})
	}
}

func TestAmountsAntomDoesNotTake(t *testing.T) {
	_, err := toWire(money.MustParse("1.005", "KWD"))
	assert.ErrorContains(t, err, "KWD")
	_, ok := Digits("KWD")
	assert.False(t, ok)
	for _, w := range []*wireAmount{
		nil,
		{Currency: "KWD", Value: "1005"},
		{Currency: "USD", Value: ""},
		{Currency: "USD", Value: "19.99"},
		{Currency: "USD", Value: "-1"},
		{Currency: "USD", Value: "+1"},
		{Currency: "USD", Value: "1e3"},
		{Currency: "USD", Value: "99999999999999999999"},
		{Currency: "usd", Value: "1"},
	} {
		_, err := fromWire(w)
		assert.Error(t, err, "%+v", w)
	}
}

func TestEncodeJSONKeepsURLsAsSent(t *testing.T) {
	b, err := encodeJSON(map[string]string{"paymentRedirectUrl": "https://shop.example/r?a=1&b=<2>"})
	require.NoError(t, err)
	assert.Equal(t, `{"paymentRedirectUrl":"https://shop.example/r?a=1&b=<2>"}`, string(b))
}
