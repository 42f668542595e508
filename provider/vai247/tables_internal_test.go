package vai247

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

func TestWireAmountEveryBoundary(t *testing.T) {
	tests := []struct {
		value, currency string
		checkRange      bool
		wire            string      // "" when refused
		code            status.Code // when refused
	}{
		{"0.10", "USD", true, "0.10", ""},
		{"0.09", "USD", true, "", status.CodeInvalidRequest},
		{"10000.00", "USD", true, "10000.00", ""},
		{"10000.01", "USD", true, "", status.CodeInvalidRequest},
		{"19.99", "USD", true, "19.99", ""},
		{"1.005", "USD", true, "", status.CodeInvalidRequest}, // not a USD amount at all (money refuses); see below
		{"0.01", "USD", false, "0.01", ""},                    // refunds: no payment range
		{"400", "KHR", true, "400", ""},
		{"399", "KHR", true, "", status.CodeInvalidRequest},
		{"40000000", "KHR", true, "40000000", ""},
		{"40000001", "KHR", true, "", status.CodeInvalidRequest},
		{"4000.50", "KHR", true, "", status.CodeInvalidRequest}, // KHR goes in whole riel
		{"1", "KHR", false, "1", ""},
		{"19.99", "EUR", true, "", status.CodeUnsupportedCurrency},
		{"1234", "JPY", true, "", status.CodeUnsupportedCurrency},
		{"1.005", "KWD", true, "", status.CodeUnsupportedCurrency},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s range=%v", tt.value, tt.currency, tt.checkRange), func(t *testing.T) {
			a, err := money.Parse(tt.value, tt.currency)
			if err != nil {
				require.Equal(t, "1.005", tt.value, "only the USD sub-cent sample is refused by money itself: %v", err)
				return
			}
			got, err := wireAmount(paygate.OpCreate, "Amount", a, tt.checkRange)
			if tt.wire != "" {
				require.NoError(t, err)
				assert.Equal(t, tt.wire, string(got))
				assert.True(t, json.Valid(got), "a JSON number")
				return
			}
			assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, tt.code, paygate.CodeOf(err))
			var pe *paygate.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "Amount", pe.Field)
			assert.NotEmpty(t, pe.Message)
		})
	}
}

func TestParseAmountBothWays(t *testing.T) {
	tests := []struct {
		raw, currency string
		want          string // "" when refused
	}{
		{`19.99`, "USD", "19.99"},
		{`"19.99"`, "USD", "19.99"}, // a string holding a number is read too
		{`19.9`, "USD", "19.90"},
		{`19.990`, "USD", "19.99"}, // trailing zeros are exact
		{`0.10`, "USD", "0.10"},
		{`10000`, "USD", "10000.00"},
		{`1.5e1`, "USD", "15.00"},
		{`1.005`, "USD", ""}, // would need rounding
		{`-1`, "USD", ""},
		{`"abc"`, "USD", ""},
		{`true`, "USD", ""},
		{`null`, "USD", ""},
		{`12abc`, "USD", ""}, // not JSON: refused, never read as far as it goes
		{`01`, "USD", ""},
		{`1.`, "USD", ""},
		{`-`, "USD", ""},
		{`4000`, "KHR", "4000"},
		{`40000000`, "KHR", "40000000"},
		{`4000.0`, "KHR", "4000"},
		{`4000.5`, "KHR", ""}, // KHR is whole riel at VAI247
		{`10`, "EUR", ""},
	}
	for _, tt := range tests {
		t.Run(tt.raw+" "+tt.currency, func(t *testing.T) {
			got, err := parseAmount(json.RawMessage(tt.raw), tt.currency)
			if tt.want == "" {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.True(t, money.MustParse(tt.want, tt.currency).Equal(got), "got %s", got)
		})
	}
	// A huge amount is refused with a short message that quotes it as VAI247 wrote it (before the
	// fix, money.Parse's error carried "1e300" expanded to 300 digits).
	for _, tt := range []struct{ raw, currency, want string }{
		{`1e300`, "USD", `amount "1e300" is too large: a USD amount is at most 92233720368547758.07`},
		{`"1e300"`, "USD", `amount "1e300" is too large: a USD amount is at most 92233720368547758.07`},
		{`1E+30`, "KHR", `amount "1E+30" is too large: a KHR amount is at most 9223372036854775807`},
		{`92233720368547758.08`, "USD", `amount "92233720368547758.08" is too large: a USD amount is at most 92233720368547758.07`},
	} {
		_, err := parseAmount(json.RawMessage(tt.raw), tt.currency)
		require.Error(t, err, tt.raw)
		assert.Equal(t, tt.want, err.Error(), tt.raw)
	}
	// Round trip: what we write reads back equal.
	for _, v := range []money.Amount{money.MustParse("19.99", "USD"), money.MustParse("0.10", "USD"), money.MustParse("10000", "USD"),
		money.MustParse("400", "KHR"), money.MustParse("40000000", "KHR")} {
		w, err := wireAmount(paygate.OpRefund, "Amount", v, true)
		require.NoError(t, err)
		back, err := parseAmount(w, v.Currency())
		require.NoError(t, err)
		assert.True(t, v.Equal(back), "%s → %s → %s", v, w, back)
	}
}

func TestCurrencies(t *testing.T) {
	assert.Equal(t, []string{"USD", "KHR"}, Currencies())
	assert.Len(t, currencies, 2)
	for _, c := range Currencies() {
		_, ok := currencies[c]
		assert.True(t, ok, c)
	}
}

func TestErrorTableEveryRow(t *testing.T) {
	tests := []struct {
		status  int
		code    string
		outcome status.Outcome
		want    status.Code
	}{
		{400, "", status.Failure, status.CodeInvalidRequest},
		{400, "invalid_amount", status.Failure, status.CodeInvalidRequest},
		{400, "unsupported_currency", status.Failure, status.CodeUnsupportedCurrency},
		{401, "", status.Failure, status.CodeAuthentication},
		{401, "invalid_signature", status.Failure, status.CodeAuthentication},
		{403, "account_suspended", status.Failure, status.CodePermissionDenied},
		{404, "order_not_found", status.Failure, status.CodeNotFound},
		{409, "", status.Failure, status.CodeInvalidState},
		{409, "invalid_order_state", status.Failure, status.CodeInvalidState},
		{409, "idempotency_conflict", status.Failure, status.CodeIdempotencyConflict},
		{422, "", status.Failure, status.CodeInvalidRequest},
		{422, "refund_amount_exceeded", status.Failure, status.CodeRefundNotAllowed},
		{422, "insufficient_funds", status.Failure, status.CodeInsufficientFunds},
		{429, "rate_limit_exceeded", status.Unknown, status.CodeRateLimited},
		{500, "internal_error", status.Unknown, status.CodeProviderError},
		{503, "service_unavailable", status.Unknown, status.CodeUnavailable},
		{502, "", status.Unknown, status.CodeUnavailable},
		{504, "", status.Unknown, status.CodeUnavailable},
		{418, "", status.Unknown, status.CodeUnknown},
		{302, "", status.Unknown, status.CodeUnknown},
		{405, "", status.Unknown, status.CodeUnknown},
		// A known code at an unexpected status follows the status, never the code.
		{500, "insufficient_funds", status.Unknown, status.CodeProviderError},
	}
	covered := map[errKey]bool{}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d %s", tt.status, tt.code), func(t *testing.T) {
			row := classify(tt.status, tt.code)
			assert.Equal(t, tt.outcome, row.outcome)
			assert.Equal(t, tt.want, row.code)
			assert.NotEmpty(t, row.advice)
		})
		if _, exact := errorTable[errKey{tt.status, tt.code}]; exact {
			covered[errKey{tt.status, tt.code}] = true
		} else {
			covered[errKey{tt.status, ""}] = true
		}
	}
	for k := range errorTable {
		assert.True(t, covered[k], "row %v has a test", k)
	}
	for _, st := range []int{http.StatusBadRequest, 401, 403, 404, 409, 422, 429, 500, 503} {
		_, ok := errorTable[errKey{st, ""}]
		assert.True(t, ok, "HTTP %d has a row", st)
	}
}

func TestOrderStatesEveryRow(t *testing.T) {
	tests := []struct {
		provider string
		want     status.Payment
		refunded string
	}{
		{"pending", status.PaymentRequiresAction, ""},
		{"processing", status.PaymentPending, ""},
		{"paid", status.PaymentSucceeded, ""},
		{"completed", status.PaymentSucceeded, ""},
		{"failed", status.PaymentPending, ""}, // not final at VAI247
		{"cancelled", status.PaymentCanceled, ""},
		{"expired", status.PaymentExpired, ""},
		{"refunded", status.PaymentSucceeded, "all"},
		{"partially_refunded", status.PaymentSucceeded, "part"},
	}
	require.Len(t, orderStates, len(tests), "nine VAI247 order statuses")
	for _, tt := range tests {
		got, ok := orderStates[tt.provider]
		require.True(t, ok, tt.provider)
		assert.Equal(t, tt.want, got.status, tt.provider)
		assert.Equal(t, tt.refunded, got.refunded, tt.provider)
	}
	_, ok := orderStates["PAID"]
	assert.False(t, ok, "statuses are lower case")
}

func TestRefundStatesEveryRow(t *testing.T) {
	want := map[string]status.Refund{"completed": status.RefundSucceeded, "pending": status.RefundPending,
		"processing": status.RefundPending, "failed": status.RefundFailed}
	assert.Equal(t, want, refundStates)
}

func TestIdempotentKeyIsAStableUUID(t *testing.T) {
	k := idempotentKey("store1", "r1")
	assert.Regexp(t, `^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, k)
	assert.Equal(t, k, idempotentKey("store1", "r1"), "the same on every resend")
	assert.NotEqual(t, k, idempotentKey("store1", "r2"))
	assert.NotEqual(t, k, idempotentKey("store2", "r1"))
}
