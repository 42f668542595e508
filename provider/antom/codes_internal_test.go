package antom

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// Each row of the result table, written out again: the documented status and the normalized code.
func TestCodeTable(t *testing.T) {
	want := map[string]struct {
		status string
		code   status.Code
	}{
		"SUCCESS":                      {"S", status.CodeOK},
		"ACCESS_DENIED":                {"F", status.CodePermissionDenied},
		"INVALID_API":                  {"F", status.CodeNotSupported},
		"CANCEL_WINDOW_EXCEED":         {"F", status.CodeCancelWindowExceeded},
		"KEY_NOT_FOUND":                {"F", status.CodeAuthentication},
		"MERCHANT_BALANCE_NOT_ENOUGH":  {"F", status.CodeInsufficientFunds},
		"NO_INTERFACE_DEF":             {"F", status.CodeNotSupported},
		"ORDER_NOT_EXIST":              {"F", status.CodeNotFound},
		"ORDER_STATUS_INVALID":         {"F", status.CodeInvalidState},
		"ORDER_IS_CLOSED":              {"F", status.CodeInvalidState},
		"PARAM_ILLEGAL":                {"F", status.CodeInvalidRequest},
		"MEDIA_TYPE_NOT_ACCEPTABLE":    {"F", status.CodeInvalidRequest},
		"PROCESS_FAIL":                 {"F", status.CodeProviderError},
		"SYSTEM_ERROR":                 {"F", status.CodeProviderError},
		"PAYMENT_METHOD_NOT_SUPPORTED": {"F", status.CodeNotSupported},
		"USER_NOT_EXIST":               {"F", status.CodeDeclined},
		"USER_STATUS_ABNORMAL":         {"F", status.CodeDeclined},
		"USER_BALANCE_NOT_ENOUGH":      {"F", status.CodeInsufficientFunds},
		"CLIENT_INVALID":               {"F", status.CodeAuthentication},
		"INVALID_SIGNATURE":            {"F", status.CodeAuthentication},
		"RISK_REJECT":                  {"F", status.CodeRiskRejected},
		"REPEAT_REQ_INCONSISTENT":      {"F", status.CodeIdempotencyConflict},
		"CURRENCY_NOT_SUPPORT":         {"F", status.CodeUnsupportedCurrency},
		"REFUND_AMOUNT_EXCEED":         {"F", status.CodeRefundNotAllowed},
		"REFUND_WINDOW_EXCEED":         {"F", status.CodeRefundNotAllowed},
		"REQUEST_TRAFFIC_EXCEED_LIMIT": {"U", status.CodeRateLimited},
		"UNKNOWN_EXCEPTION":            {"U", status.CodeUnknown},
		"PAYMENT_IN_PROCESS":           {"U", status.CodeInProgress},
		"REFUND_IN_PROCESS":            {"U", status.CodeInProgress},
		// capture's own codes
		"CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT": {"F", status.CodeLimitExceeded},
		"AUTH_CANCELLED":                   {"F", status.CodeInvalidState},
		"AUTH_EXPIRED":                     {"F", status.CodeInvalidState},
		"AUTH_NOT_FOUND":                   {"F", status.CodeNotFound},
		"CAPTURE_IN_PROCESS":               {"U", status.CodeInProgress},
	}
	assert.Len(t, codeTable, len(want), "every row of codeTable is listed here")
	for code, w := range want {
		t.Run(code, func(t *testing.T) {
			outcome, got := classify(code, w.status)
			assert.Equal(t, status.Outcome(w.status), outcome)
			assert.Equal(t, w.code, got)
			if w.status == "U" {
				// A U code sent with F is still U: never report an unknown as a failure.
				outcome, got = classify(code, "F")
				assert.Equal(t, status.Unknown, outcome)
				assert.Equal(t, w.code, got)
			}
			if w.status == "F" {
				outcome, got = classify(code, "U")
				assert.Equal(t, status.Unknown, outcome, "Antom's U wins over the table")
				assert.Equal(t, w.code, got)
			}
		})
	}
}

func TestClassifyOutsideTheTable(t *testing.T) {
	for _, c := range []struct {
		code, st string
		outcome  status.Outcome
		norm     status.Code
	}{
		{"SOMETHING_NEW", "F", status.Failure, status.CodeProviderError},
		{"SOMETHING_NEW", "U", status.Unknown, status.CodeUnknown},
		{"SOMETHING_NEW", "", status.Unknown, status.CodeUnknown},
		{"SOMETHING_NEW", "X", status.Unknown, status.CodeUnknown},
		{"SUCCESS", "U", status.Unknown, status.CodeUnknown},
		{"SUCCESS", "F", status.Failure, status.CodeProviderError},
		{"", "S", status.Success, status.CodeOK},
		{"ORDER_NOT_EXIST", "", status.Unknown, status.CodeNotFound},
	} {
		outcome, norm := classify(c.code, c.st)
		assert.Equal(t, c.outcome, outcome, "%s/%s", c.code, c.st)
		assert.Equal(t, c.norm, norm, "%s/%s", c.code, c.st)
	}
}

func TestPaymentStatusTable(t *testing.T) {
	for _, c := range []struct {
		antom, code string
		want        status.Payment
		ok          bool
	}{
		{"PROCESSING", "PAYMENT_IN_PROCESS", status.PaymentRequiresAction, true},
		{"PENDING", "", status.PaymentPending, true},
		{"SUCCESS", "SUCCESS", status.PaymentSucceeded, true},
		{"FAIL", "USER_BALANCE_NOT_ENOUGH", status.PaymentFailed, true},
		{"FAIL", "ORDER_IS_CLOSED", status.PaymentExpired, true},
		{"CANCELLED", "", status.PaymentCanceled, true},
		{"SUCCESS", "ORDER_IS_CLOSED", status.PaymentSucceeded, true},
		{"UNKNOWN", "", "", false},
		{"", "", "", false},
	} {
		got, ok := paymentStatus(c.antom, c.code)
		assert.Equal(t, c.ok, ok, c.antom)
		assert.Equal(t, c.want, got, "%s/%s", c.antom, c.code)
	}
	assert.Len(t, paymentStatusTable, 5)
}

func TestRefundStatusTable(t *testing.T) {
	want := map[string]status.Refund{"SUCCESS": status.RefundSucceeded, "PROCESSING": status.RefundPending, "FAIL": status.RefundFailed}
	assert.Equal(t, want, refundStatusTable)
}

func TestAdviceNamesWhatToDo(t *testing.T) {
	for _, c := range status.Codes() {
		assert.NotEmpty(t, advice(c, status.Failure))
		assert.NotEmpty(t, advice(c, status.Unknown))
	}
}

// TestAdviceAgreesWithAntom: where Antom documents a precise cause and action for a code, the advice
// says that, naming the settings to check by Config field and environment variable, and never sends
// the merchant to fix something else.
func TestAdviceAgreesWithAntom(t *testing.T) {
	for _, c := range []struct {
		op        paygate.Op
		code      string
		want, not []string
	}{
		{paygate.OpCancel, "PROCESS_FAIL", []string{"already refunded", "inquire"}, []string{"persists"}},
		{paygate.OpRefund, "PROCESS_FAIL", []string{"do not resend"}, nil},
		{paygate.OpCreate, "ACCESS_DENIED", []string{"Config.MerchantAccountID (ANTOM_MERCHANT_ACCOUNT_ID)", "Antom Technical Support"}, []string{"enable"}},
		{paygate.OpCreate, "NO_INTERFACE_DEF", []string{"Config.BaseURL (ANTOM_BASE_URL)"}, []string{"does not offer"}},
		{paygate.OpCreate, "INVALID_API", []string{"not active"}, nil},
		{paygate.OpCreate, "KEY_NOT_FOUND", []string{"Config.KeyVersion (ANTOM_KEY_VERSION)", "Config.PrivateKey (ANTOM_PRIVATE_KEY)"}, nil},
		{paygate.OpCreate, "CLIENT_INVALID", []string{"Config.ClientID (ANTOM_CLIENT_ID)"}, nil},
		{paygate.OpCreate, "INVALID_SIGNATURE", []string{"Config.PrivateKey (ANTOM_PRIVATE_KEY)", "Config.ClientID (ANTOM_CLIENT_ID)"}, nil},
		{paygate.OpRefund, "MERCHANT_BALANCE_NOT_ENOUGH", []string{"merchant balance"}, []string{"customer"}},
		{paygate.OpCreate, "USER_BALANCE_NOT_ENOUGH", []string{"customer"}, nil},
	} {
		t.Run(string(c.op)+" "+c.code, func(t *testing.T) {
			o, code := classify(c.code, "F")
			got := adviceFor(c.op, c.code, code, o)
			for _, w := range c.want {
				assert.Contains(t, got, w)
			}
			for _, n := range c.not {
				assert.NotContains(t, got, n)
			}
		})
	}
}
