package paygate

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

func validCreate() *CreateRequest {
	return &CreateRequest{
		PaymentRequestID: "pay_01JD3Y7Q:2026.11-21",
		MerchantOrderID:  "INV/2026/11/0042",
		Amount:           money.MustParse("10.50", "USD"),
		Description:      "Two coffees ☕",
		NotifyURL:        "https://shop.example/paygate/notify",
		ReturnURL:        "http://localhost:8080/return",
		Customer: Customer{
			ID: "cust#7", Email: "ana@example.com", Phone: "+1.555.555.0100", Country: "ID",
			Terminal: "WEB", IP: "2001:db8::1", UserAgent: "Mozilla/5.0",
		},
		ExpiresAt: time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC),
		Method:    Method{Type: "EWALLET", Name: "DANA", Country: "ID"},
		Metadata:  map[string]string{"cart": "c-1", "note": "gift wrap"},
	}
}

// requireInvalid asserts err is the F / CodeInvalidRequest *Error naming field, with a message that
// contains hint.
func requireInvalid(t *testing.T, err error, op Op, field, hint string) {
	t.Helper()
	require.Error(t, err)
	var e *Error
	require.True(t, errors.As(err, &e), "want *paygate.Error, got %T", err)
	assert.Equal(t, op, e.Op)
	assert.Equal(t, status.Failure, e.Outcome)
	assert.Equal(t, status.CodeInvalidRequest, e.Code)
	assert.Equal(t, field, e.Field)
	assert.Contains(t, e.Message, hint)
	assert.Equal(t, status.Failure, OutcomeOf(err))
	assert.Equal(t, status.CodeInvalidRequest, CodeOf(err))
}

func TestCreateRequestValidate(t *testing.T) {
	require.NoError(t, validCreate().Validate())
	require.NoError(t, (&CreateRequest{PaymentRequestID: "p1", Amount: money.MustParse("1", "JPY")}).Validate(),
		"only the request id and the amount are required")

	tests := []struct {
		name   string
		mutate func(*CreateRequest)
		field  string
		hint   string
	}{
		{"missing request id", func(r *CreateRequest) { r.PaymentRequestID = "" }, "PaymentRequestID", "is empty"},
		{"request id too long", func(r *CreateRequest) { r.PaymentRequestID = strings.Repeat("a", 65) }, "PaymentRequestID", "limit is 64"},
		{"request id with newline", func(r *CreateRequest) { r.PaymentRequestID = "pay\n1" }, "PaymentRequestID", `'\n' at byte 3`},
		{"request id with NUL", func(r *CreateRequest) { r.PaymentRequestID = "pay\x001" }, "PaymentRequestID", `'\x00' at byte 3`},
		{"request id with DEL", func(r *CreateRequest) { r.PaymentRequestID = "pay\x7f" }, "PaymentRequestID", "use only letters, digits"},
		{"request id with space", func(r *CreateRequest) { r.PaymentRequestID = "pay 1" }, "PaymentRequestID", "' ' at byte 3"},
		{"request id non-ASCII", func(r *CreateRequest) { r.PaymentRequestID = strings.Repeat("é", 40) }, "PaymentRequestID", "non-ASCII byte 0xc3 at byte 0"},
		{"request id path traversal", func(r *CreateRequest) { r.PaymentRequestID = "../../refunds" }, "PaymentRequestID", "'/' at byte 2"},
		{"request id query injection", func(r *CreateRequest) { r.PaymentRequestID = "a&amount=1#x" }, "PaymentRequestID", "'&' at byte 1"},
		{"request id JSON injection", func(r *CreateRequest) { r.PaymentRequestID = `"},"amount":"9` }, "PaymentRequestID", `'"' at byte 0`},
		{"request id percent", func(r *CreateRequest) { r.PaymentRequestID = "a%0d%0aSet-Cookie:x" }, "PaymentRequestID", "'%' at byte 1"},
		{"order id with tab", func(r *CreateRequest) { r.MerchantOrderID = "o\t1" }, "MerchantOrderID", "printable ASCII without spaces"},
		{"order id too long", func(r *CreateRequest) { r.MerchantOrderID = strings.Repeat("9", 65) }, "MerchantOrderID", "limit is 64"},
		{"missing amount", func(r *CreateRequest) { r.Amount = money.Amount{} }, "Amount", "money.Parse"},
		{"zero amount", func(r *CreateRequest) { r.Amount = money.MustParse("0", "USD") }, "Amount", "greater than zero"},
		{"negative amount", func(r *CreateRequest) { r.Amount = money.MustParse("-1", "USD") }, "Amount", "greater than zero"},
		{"withdrawn currency", func(r *CreateRequest) { r.Amount = money.MustParse("10", "BGN") }, "Amount", "is in BGN, which new payments cannot use: withdrawn from ISO 4217 on 2026-01-01 when Bulgaria adopted the euro; use EUR"},
		{"description with control", func(r *CreateRequest) { r.Description = "a\x1bb" }, "Description", "U+001B"},
		{"description line separator", func(r *CreateRequest) { r.Description = "a\u2028b" }, "Description", "U+2028"},
		{"description bidi override", func(r *CreateRequest) { r.Description = "a\u202eb" }, "Description", "U+202E"},
		{"description bidi isolate", func(r *CreateRequest) { r.Description = "a\u2066b" }, "Description", "U+2066"},
		{"description not UTF-8", func(r *CreateRequest) { r.Description = "a\xffb" }, "Description", "UTF-8"},
		{"description too long", func(r *CreateRequest) { r.Description = strings.Repeat("x", MaxTextLen+1) }, "Description", "1025 bytes long; the limit is 1024"},
		{"notify url relative", func(r *CreateRequest) { r.NotifyURL = "/notify" }, "NotifyURL", "absolute http or https"},
		{"notify url scheme", func(r *CreateRequest) { r.NotifyURL = "javascript:alert(1)" }, "NotifyURL", "absolute http or https"},
		{"notify url no host", func(r *CreateRequest) { r.NotifyURL = "https:///x" }, "NotifyURL", "no host"},
		{"notify url port only", func(r *CreateRequest) { r.NotifyURL = "https://:443/notify" }, "NotifyURL", "no host"},
		{"notify url credentials", func(r *CreateRequest) { r.NotifyURL = "https://u:p@shop.example/n" }, "NotifyURL", "credentials"},
		{"notify url control", func(r *CreateRequest) { r.NotifyURL = "https://shop.example/\n" }, "NotifyURL", `'\n' at byte 21`},
		{"notify url invalid UTF-8", func(r *CreateRequest) { r.NotifyURL = "https://shop.example/\xff" }, "NotifyURL", "percent-encode"},
		{"notify url space", func(r *CreateRequest) { r.NotifyURL = "https://shop.example/a b" }, "NotifyURL", "percent-encode"},
		{"notify url malformed", func(r *CreateRequest) { r.NotifyURL = "https://shop.example:port/" }, "NotifyURL", "not a URL"},
		{"return url scheme", func(r *CreateRequest) { r.ReturnURL = "ftp://shop.example" }, "ReturnURL", "absolute http or https"},
		{"expiry year 10000", func(r *CreateRequest) { r.ExpiresAt = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "ExpiresAt", "near future"},
		{"expiry year 1", func(r *CreateRequest) { r.ExpiresAt = time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC) }, "ExpiresAt", "near future"},
		{"email with name", func(r *CreateRequest) { r.Customer.Email = "Ana <ana@example.com>" }, "Customer.Email", "bare email"},
		{"email garbage", func(r *CreateRequest) { r.Customer.Email = "ana" }, "Customer.Email", "bare email"},
		{"email too long", func(r *CreateRequest) { r.Customer.Email = strings.Repeat("a", 250) + "@b.co" }, "Customer.Email", "bare email"},
		{"phone letters", func(r *CreateRequest) { r.Customer.Phone = "call me" }, "Customer.Phone", "only digits"},
		{"phone plus only", func(r *CreateRequest) { r.Customer.Phone = "+" }, "Customer.Phone", "at least 4 digits"},
		{"phone too long", func(r *CreateRequest) { r.Customer.Phone = strings.Repeat("1", 33) }, "Customer.Phone", "at most 32"},
		{"country lower", func(r *CreateRequest) { r.Customer.Country = "id" }, "Customer.Country", "alpha-2"},
		{"country alpha-3", func(r *CreateRequest) { r.Customer.Country = "IDN" }, "Customer.Country", "alpha-2"},
		{"ip", func(r *CreateRequest) { r.Customer.IP = "999.1.1.1" }, "Customer.IP", "plain IPv4 or IPv6"},
		{"ip with zone", func(r *CreateRequest) { r.Customer.IP = "fe80::1%eth0" }, "Customer.IP", "plain IPv4 or IPv6"},
		{"ip with zone smuggling a line", func(r *CreateRequest) { r.Customer.IP = "fe80::1%eth0\nFAKE LOG LINE" }, "Customer.IP", "plain IPv4 or IPv6"},
		{"customer id control", func(r *CreateRequest) { r.Customer.ID = "c\r" }, "Customer.ID", "printable ASCII"},
		{"terminal space", func(r *CreateRequest) { r.Customer.Terminal = "IN APP" }, "Customer.Terminal", "' ' at byte 2"},
		{"user agent control", func(r *CreateRequest) { r.Customer.UserAgent = "x\ny" }, "Customer.UserAgent", "control character"},
		{"method country", func(r *CreateRequest) { r.Method.Country = "Indonesia" }, "Method.Country", "alpha-2"},
		{"method name space", func(r *CreateRequest) { r.Method.Name = "GO PAY" }, "Method.Name", "' ' at byte 2"},
		{"metadata empty key", func(r *CreateRequest) { r.Metadata = map[string]string{"": "x"} }, "Metadata", "empty key"},
		{"metadata key with space", func(r *CreateRequest) { r.Metadata = map[string]string{"a b": "x"} }, `Metadata["a b"]`, "' ' at byte 1"},
		{"metadata control value", func(r *CreateRequest) { r.Metadata = map[string]string{"a": "ok", "b": "x\x00"} }, `Metadata["b"]`, "control character"},
		{"metadata too many", func(r *CreateRequest) {
			r.Metadata = map[string]string{}
			for i := range MaxMetadata + 1 {
				r.Metadata[strings.Repeat("k", i+1)] = "v"
			}
		}, "Metadata", "limit is 50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := validCreate()
			tt.mutate(r)
			requireInvalid(t, r.Validate(), OpCreate, tt.field, tt.hint)
		})
	}
}

func TestValidateReportsTheFirstProblemDeterministically(t *testing.T) {
	r := validCreate()
	r.PaymentRequestID = ""
	r.Amount = money.Amount{}
	r.Metadata = map[string]string{"a": "\x01", "b": "\x02", "c": "\x03"}
	for range 20 {
		requireInvalid(t, r.Validate(), OpCreate, "PaymentRequestID", "is empty")
	}
	r.PaymentRequestID, r.Amount = "p", money.MustParse("1", "USD")
	for range 20 {
		requireInvalid(t, r.Validate(), OpCreate, `Metadata["a"]`, "control character")
	}
}

func TestFollowUpRequestsValidate(t *testing.T) {
	ten := money.MustParse("10", "USD")
	tests := []struct {
		name  string
		req   interface{ Validate() error }
		op    Op
		field string // "" means valid
		hint  string
	}{
		{"inquire by request id", &InquireRequest{PaymentRequestID: "p1"}, OpInquire, "", ""},
		{"inquire by provider id", &InquireRequest{ProviderPaymentID: "2026112100001"}, OpInquire, "", ""},
		{"inquire by neither", &InquireRequest{}, OpInquire, "PaymentRequestID", "name the payment by either one"},
		{"inquire bad provider id", &InquireRequest{ProviderPaymentID: "x\ny"}, OpInquire, "ProviderPaymentID", `'\n' at byte 1`},
		{"inquire provider id long", &InquireRequest{ProviderPaymentID: strings.Repeat("9", MaxProviderIDLen+1)}, OpInquire, "ProviderPaymentID", "limit is 128"},
		{"inquire nil", (*InquireRequest)(nil), OpInquire, "", "nil"},

		{"cancel", &CancelRequest{PaymentRequestID: "p1", Reason: "customer changed mind"}, OpCancel, "", ""},
		{"cancel by neither", &CancelRequest{Reason: "x"}, OpCancel, "PaymentRequestID", "either one"},
		{"cancel reason control", &CancelRequest{PaymentRequestID: "p1", Reason: "a\x07"}, OpCancel, "Reason", "control character"},

		{"refund", &RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1", Amount: ten}, OpRefund, "", ""},
		{"refund by provider id", &RefundRequest{RefundRequestID: "r1", ProviderPaymentID: "A1", Amount: ten, NotifyURL: "https://shop.example/r"}, OpRefund, "", ""},
		{"refund without payment", &RefundRequest{RefundRequestID: "r1", Amount: ten}, OpRefund, "PaymentRequestID", "name the payment"},
		{"refund without id", &RefundRequest{PaymentRequestID: "p1", Amount: ten}, OpRefund, "RefundRequestID", "is empty"},
		{"refund zero", &RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1", Amount: money.MustParse("0", "USD")}, OpRefund, "Amount", "greater than zero"},
		{"refund no amount", &RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1"}, OpRefund, "Amount", "missing"},
		{"refund bad notify", &RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1", Amount: ten, NotifyURL: "notify"}, OpRefund, "NotifyURL", "absolute"},
		{"refund nil", (*RefundRequest)(nil), OpRefund, "", "nil"},
		{"refund of a payment in a withdrawn currency", &RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1", Amount: money.MustParse("5", "BGN")}, OpRefund, "", ""},

		{"inquire refund", &InquireRefundRequest{RefundRequestID: "r1"}, OpInquireRefund, "", ""},
		{"inquire refund by provider id", &InquireRefundRequest{ProviderRefundID: "R9"}, OpInquireRefund, "", ""},
		{"inquire refund by neither", &InquireRefundRequest{}, OpInquireRefund, "RefundRequestID", "either one"},
		{"inquire refund bad id", &InquireRefundRequest{RefundRequestID: "r 1"}, OpInquireRefund, "RefundRequestID", "' ' at byte 1"},
		{"create nil", (*CreateRequest)(nil), OpCreate, "", "nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.Validate()
			if tt.field == "" && tt.hint == "" {
				assert.NoError(t, err)
				return
			}
			requireInvalid(t, err, tt.op, tt.field, tt.hint)
		})
	}
}

func TestValidReturnsUntypedNil(t *testing.T) {
	var err error = validCreate().Validate()
	assert.True(t, err == nil, "a valid request must return a nil interface, not a typed nil *Error")
}
