package waffo

import (
	"fmt"

	"github.com/paygate-go/paygate/money"
)

// zeroDigitCurrencies are written without decimals by Waffo. IDR is among them although ISO 4217 gives
// it 2: Waffo shows "149000", never "149000.00".
var zeroDigitCurrencies = map[string]bool{"JPY": true, "KRW": true, "VND": true, "CLP": true, "IDR": true}

// Digits returns the number of decimal places Waffo writes for currency: 0 for JPY, KRW, VND, CLP and
// IDR, 2 for every other currency (Waffo refuses "100" and "100.0" where it expects "100.00").
func Digits(currency string) int {
	if zeroDigitCurrencies[currency] {
		return 0
	}
	return 2
}

// FormatAmount writes a as Waffo expects it on the wire: a string in major units with exactly
// Digits(currency) decimals. It refuses, rather than rounds, an amount Waffo cannot express (149000.50 IDR,
// 1.005 KWD).
func FormatAmount(a money.Amount) (string, error) {
	v, err := a.ValueAt(Digits(a.Currency()))
	if err != nil {
		return "", fmt.Errorf("waffo writes %s with %d decimals, so %s cannot be sent exactly: %w",
			a.Currency(), Digits(a.Currency()), a, err)
	}
	return v, nil
}

// ParseAmount reads an amount Waffo wrote for currency. It accepts at most Digits(currency) decimals
// and refuses anything that would need rounding.
func ParseAmount(value, currency string) (money.Amount, error) {
	return money.ParseAt(value, currency, Digits(currency))
}
