package antom

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// Every row of CodeTable is what classify does with the answers the row describes, and the rows cover
// the table.
func TestCodeTableAgreesWithClassify(t *testing.T) {
	type answer struct{ code, status string }
	// The answers each catch-all row describes, written out independently of unlistedCases.
	unlisted := map[string][]answer{
		"resultStatus S, whatever the code":                           {{"ORDER_NOT_EXIST", "S"}, {"UNKNOWN_EXCEPTION", "S"}, {"NOT_LISTED", "S"}},
		"resultStatus F, a code not listed":                           {{"NOT_LISTED", "F"}, {"", "F"}},
		"resultStatus U (or anything but S and F), a code not listed": {{"NOT_LISTED", "U"}, {"NOT_LISTED", ""}, {"NOT_LISTED", "s"}},
	}
	rows := CodeTable()
	require.Len(t, rows, len(codeTable)+len(unlisted))
	for _, row := range rows {
		t.Run(row.ProviderCode+" "+row.Condition, func(t *testing.T) {
			var answers []answer
			switch {
			case row.ProviderCode == "*":
				answers = unlisted[row.Condition]
				require.NotEmpty(t, answers, "no answers for the condition %q: add them to this test", row.Condition)
			case row.Condition == "resultStatus U or F":
				answers = []answer{{row.ProviderCode, "U"}, {row.ProviderCode, "F"}}
			default:
				require.Contains(t, []string{"resultStatus S", "resultStatus F"}, row.Condition)
				answers = []answer{{row.ProviderCode, row.Condition[len(row.Condition)-1:]}}
			}
			for _, a := range answers {
				outcome, code := classify(a.code, a.status)
				assert.Equal(t, row.Outcome, outcome, a)
				assert.Equal(t, row.Code, code, a)
			}
			if row.ProviderCode != "*" {
				assert.Equal(t, codeTable[row.ProviderCode].code, row.Code)
			}
			assert.Equal(t, row.Outcome == status.Success, row.Advice == "", "advice for every row but S")
			assert.Zero(t, row.HTTPStatus)
		})
	}
}

func TestPaymentStatusTableView(t *testing.T) {
	rows := PaymentStatusTable()
	seen := map[string]bool{}
	for _, row := range rows {
		seen[row.ProviderStatus] = true
		assert.True(t, row.Status.Valid(), row.Status)
		if row.Condition == "" {
			assert.Equal(t, paymentStatusTable[row.ProviderStatus], row.Status)
		}
	}
	assert.Len(t, seen, len(paymentStatusTable))
	assert.Len(t, rows, len(paymentStatusTable)+1+3, "FAIL has two rows, SUCCESS four")
	for _, r := range []provider.PaymentStatusMapping{
		statusRow("SUCCESS", "no authExpiryTime and no capture: automatic capture", status.PaymentSucceeded),
		statusRow("SUCCESS", "authExpiryTime and no capture: manual capture, authorized", status.PaymentAuthorized),
		statusRow("SUCCESS", "a CAPTURE transaction in PROCESSING", status.PaymentPending),
		statusRow("SUCCESS", "a CAPTURE transaction in SUCCESS", status.PaymentSucceeded),
	} {
		assert.Contains(t, rows, r)
	}
	assert.Contains(t, rows, statusRow("FAIL", "paymentResultCode ORDER_IS_CLOSED", status.PaymentExpired))
	assert.Contains(t, rows, statusRow("FAIL", "paymentResultCode other than ORDER_IS_CLOSED", status.PaymentFailed))
}

func TestRefundStatusTableView(t *testing.T) {
	rows := RefundStatusTable()
	require.Len(t, rows, len(refundStatusTable))
	for _, row := range rows {
		assert.Equal(t, refundStatusTable[row.ProviderStatus], row.Status, row.ProviderStatus)
	}
}

func statusRow(s, condition string, st status.Payment) provider.PaymentStatusMapping {
	return provider.PaymentStatusMapping{ProviderStatus: s, Condition: condition, Status: st}
}

// The capture part of inquiryPayment, row by row: what a SUCCESS payment's transactions and
// authExpiryTime make of its status and Captured.
func TestCapturedState(t *testing.T) {
	usd := func(v string) *wireAmount { return &wireAmount{Currency: "USD", Value: v} }
	capture := func(st, v string) transaction {
		return transaction{TransactionType: "CAPTURE", TransactionStatus: st, TransactionAmount: usd(v), TransactionRequestID: "c1"}
	}
	for _, c := range []struct {
		name     string
		resp     inquiryResponse
		want     status.Payment
		captured string // "" for zero
	}{
		{"automatic", inquiryResponse{}, status.PaymentSucceeded, "19.99"},
		{"authorized", inquiryResponse{AuthExpiryTime: "2026-11-28T10:00:00Z"}, status.PaymentAuthorized, ""},
		{"captured", inquiryResponse{AuthExpiryTime: "x", Transactions: []transaction{capture("SUCCESS", "1999")}}, status.PaymentSucceeded, "19.99"},
		{"partially captured", inquiryResponse{AuthExpiryTime: "x", Transactions: []transaction{capture("SUCCESS", "501")}}, status.PaymentSucceeded, "5.01"},
		{"capture processing", inquiryResponse{AuthExpiryTime: "x", Transactions: []transaction{capture("PROCESSING", "1999")}}, status.PaymentPending, "19.99"},
		{"capture failed", inquiryResponse{AuthExpiryTime: "x", Transactions: []transaction{capture("FAIL", "1999")}}, status.PaymentAuthorized, ""},
		{"refund only", inquiryResponse{Transactions: []transaction{{TransactionType: "REFUND", TransactionStatus: "SUCCESS", TransactionAmount: usd("100")}}}, status.PaymentSucceeded, "19.99"},
		{"captured without authExpiryTime", inquiryResponse{Transactions: []transaction{capture("SUCCESS", "1000")}}, status.PaymentSucceeded, "10.00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &paygate.Payment{Amount: money.MustParse("19.99", "USD"), Status: status.PaymentSucceeded}
			require.NoError(t, capturedState(p, &c.resp))
			assert.Equal(t, c.want, p.Status)
			if c.captured == "" {
				assert.True(t, p.Captured.IsZero(), p.Captured.String())
			} else {
				assert.True(t, p.Captured.Equal(money.MustParse(c.captured, "USD")), p.Captured.String())
			}
		})
	}
	bad := inquiryResponse{Transactions: []transaction{{TransactionType: "CAPTURE", TransactionStatus: "SUCCESS", TransactionAmount: &wireAmount{Currency: "USD", Value: "1.5"}}}}
	assert.Error(t, capturedState(&paygate.Payment{Amount: money.MustParse("19.99", "USD")}, &bad), "a capture amount that does not read")
}
