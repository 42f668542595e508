package vai247_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/status"
)

// TestAnswerValuesAreQuotedShort: VAI247 does not sign its answers, so a value the adapter cannot read
// (a status, an order id, an amount, a currency) is quoted short in the error, whatever its length.
func TestAnswerValuesAreQuotedShort(t *testing.T) {
	long := strings.Repeat("1 ", 4096)
	answer := func(orderID, amount, currency, st string) string {
		return `{"transaction_id":"t1","order_id":"` + orderID + `","amount":` + amount + `,"currency":"` + currency + `","status":"` + st + `",` +
			`"created_at":"2027-01-15T08:00:00Z","updated_at":"2027-01-15T08:10:00Z"}`
	}
	for name, body := range map[string]string{
		"status":          answer("ord_1", "4000", "KHR", long),
		"order id":        answer(long, "4000", "KHR", "paid"),
		"amount":          answer("ord_1", `"`+strings.Repeat("1", 8192)+`"`, "KHR", "paid"),
		"negative amount": answer("ord_1", `"-`+strings.Repeat("1", 8192)+`"`, "KHR", "paid"),
		"currency":        answer("ord_1", "4000", strings.Repeat("X", 8192), "paid"),
	} {
		t.Run(name, func(t *testing.T) {
			_, gw := newStub(t, 200, body, vai247.Config{})
			_, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: "ord_1"})
			require.Error(t, err)
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
			assert.Contains(t, err.Error(), "… (cut; ")
			assert.Less(t, len(err.Error()), 1000+provider.ExcerptLen, "at most a bounded prefix: %s", err)
		})
	}
}
