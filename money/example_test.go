package money_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paygate-go/paygate/money"
)

func ExampleParse() {
	price, err := money.Parse("10.50", "USD")
	if err != nil {
		panic(err)
	}
	fmt.Println(price, price.Minor())

	_, err = money.Parse("10.505", "USD")
	fmt.Println(errors.Is(err, money.ErrPrecision), err)
	// Output:
	// 10.50 USD 1050
	// true money: too many decimal places: "10.505" USD: USD has 2 decimal places; send the value with at most 2
}

// Providers disagree with ISO 4217 about digits: Waffo writes IDR with 0 decimals, Antom counts IDR in
// hundredths. The conversions fail rather than round.
func ExampleAmount_ValueAt() {
	rupiah := money.MustParse("149000", "IDR")
	waffo, _ := rupiah.ValueAt(0)
	antom, _ := rupiah.MinorAt(2)
	fmt.Println(waffo, antom)

	_, err := money.MustParse("149000.50", "IDR").ValueAt(0)
	fmt.Println(err)
	// Output:
	// 149000 14900000
	// money: too many decimal places: "149000.50" IDR: it cannot be written with 0 decimal places without rounding
}

func ExampleAmount_MarshalJSON() {
	b, _ := json.Marshal(money.MustParse("1.25", "KWD"))
	fmt.Println(string(b))
	// Output: {"value":"1.250","currency":"KWD"}
}
