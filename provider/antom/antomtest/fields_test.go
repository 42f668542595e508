package antomtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
)

// The fields Antom documents for each reply and notification the simulator sends, each with its
// source: the type and field in Antom's official Go SDK (github.com/alipay/global-open-sdk-go v1.3.5,
// com/alipay/api/…) and, where one exists, the doc page. Nested fields are "parent.child"; an array
// element is "[]". The simulator may send fewer fields than a table lists, never one it does not.
const (
	sdkResult = "response.AlipayResponse.Result / model.Result (resultCode, resultStatus, resultMessage)"
	sdkAmount = "model.Amount (currency, value)"
)

func resultFields() map[string]string {
	return map[string]string{
		"result": sdkResult, "result.resultCode": sdkResult, "result.resultStatus": sdkResult, "result.resultMessage": sdkResult,
	}
}

func withResult(m map[string]string) map[string]string {
	for k, v := range resultFields() {
		m[k] = v
	}
	return m
}

func amountFields(field, owner string) map[string]string {
	return map[string]string{field: owner, field + ".currency": sdkAmount, field + ".value": sdkAmount}
}

func merge(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// replyFields are the documented fields of each kind of message, by the name the test files them under.
var replyFields = map[string]map[string]string{
	// An answer that is not the endpoint's success (F, U, a fault's code, NO_INTERFACE_DEF): the
	// result alone, as the docs' error examples show (seed 003, cancel: ORDER_NOT_EXIST, PROCESS_FAIL).
	"error": withResult(map[string]string{}),
	// pay (One-time Payments, docs.antom.com/ac/ams/payment_cashier): responsePay.AlipayPayResponse.
	"pay": withResult(merge(map[string]string{
		"paymentRequestId":  "responsePay.AlipayPayResponse.PaymentRequestId",
		"paymentId":         "responsePay.AlipayPayResponse.PaymentId",
		"paymentCreateTime": "responsePay.AlipayPayResponse.PaymentCreateTime",
		"normalUrl":         "responsePay.AlipayPayResponse.NormalUrl",
		"schemeUrl":         "responsePay.AlipayPayResponse.SchemeUrl",
		"applinkUrl":        "responsePay.AlipayPayResponse.ApplinkUrl",
	}, amountFields("paymentAmount", "responsePay.AlipayPayResponse.PaymentAmount"))),
	// inquiryPayment (docs.antom.com/ac/ams/paymentri_online): responsePay.AlipayPayQueryResponse.
	"inquiryPayment": withResult(merge(map[string]string{
		"paymentStatus":        "responsePay.AlipayPayQueryResponse.PaymentStatus",
		"paymentResultCode":    "responsePay.AlipayPayQueryResponse.PaymentResultCode",
		"paymentResultMessage": "responsePay.AlipayPayQueryResponse.PaymentResultMessage",
		"paymentRequestId":     "responsePay.AlipayPayQueryResponse.PaymentRequestId",
		"paymentId":            "responsePay.AlipayPayQueryResponse.PaymentId",
		"paymentCreateTime":    "responsePay.AlipayPayQueryResponse.PaymentCreateTime",
		"paymentTime":          "responsePay.AlipayPayQueryResponse.PaymentTime",
		// a manual-capture payment: when the authorization lapses, and its capture (docs:
		// cashierpay "Capture": the capture result can be inquired with inquiryPayment).
		"authExpiryTime":                                 "responsePay.AlipayPayQueryResponse.AuthExpiryTime",
		"transactions":                                   "responsePay.AlipayPayQueryResponse.Transactions",
		"transactions[].transactionResult":               "model.Transaction.TransactionResult",
		"transactions[].transactionId":                   "model.Transaction.TransactionId",
		"transactions[].transactionType":                 "model.Transaction.TransactionType (model.TransactionType_CAPTURE)",
		"transactions[].transactionStatus":               "model.Transaction.TransactionStatus (model.TransactionStatusType_SUCCESS)",
		"transactions[].transactionRequestId":            "model.Transaction.TransactionRequestId",
		"transactions[].transactionTime":                 "model.Transaction.TransactionTime",
		"transactions[].transactionResult.resultCode":    sdkResult,
		"transactions[].transactionResult.resultStatus":  sdkResult,
		"transactions[].transactionResult.resultMessage": sdkResult,
	}, amountFields("paymentAmount", "responsePay.AlipayPayQueryResponse.PaymentAmount"),
		amountFields("transactions[].transactionAmount", "model.Transaction.TransactionAmount"))),
	// cancel (seed 003, docs.antom.com/ac/ams/cancel): responsePay.AlipayPayCancelResponse.
	"cancel": withResult(map[string]string{
		"paymentId":        "responsePay.AlipayPayCancelResponse.PaymentId; seed 003 response",
		"paymentRequestId": "responsePay.AlipayPayCancelResponse.PaymentRequestId; seed 003 response",
		"cancelTime":       "responsePay.AlipayPayCancelResponse.CancelTime; seed 003 response",
	}),
	// refund (docs.antom.com/ac/ams/refund_online): responsePay.AlipayRefundResponse.
	"refund": withResult(merge(map[string]string{
		"refundRequestId": "responsePay.AlipayRefundResponse.RefundRequestId",
		"refundId":        "responsePay.AlipayRefundResponse.RefundId",
		"paymentId":       "responsePay.AlipayRefundResponse.PaymentId",
		"refundTime":      "responsePay.AlipayRefundResponse.RefundTime",
	}, amountFields("refundAmount", "responsePay.AlipayRefundResponse.RefundAmount"))),
	// inquiryRefund (docs.antom.com/ac/ams/ir_online): responsePay.AlipayInquiryRefundResponse. No
	// paymentId.
	"inquiryRefund": withResult(merge(map[string]string{
		"refundId":        "responsePay.AlipayInquiryRefundResponse.RefundId",
		"refundRequestId": "responsePay.AlipayInquiryRefundResponse.RefundRequestId",
		"refundStatus":    "responsePay.AlipayInquiryRefundResponse.RefundStatus",
		"refundTime":      "responsePay.AlipayInquiryRefundResponse.RefundTime",
		"metadata":        "responsePay.AlipayInquiryRefundResponse.Metadata",
	}, amountFields("refundAmount", "responsePay.AlipayInquiryRefundResponse.RefundAmount"))),
	// capture (docs.antom.com/ac/ams/capture): responsePay.AlipayCaptureResponse.
	"capture": withResult(merge(map[string]string{
		"captureRequestId": "responsePay.AlipayCaptureResponse.CaptureRequestId; docs: returned when the capture succeeds",
		"captureId":        "responsePay.AlipayCaptureResponse.CaptureId; docs: returned when the capture succeeds",
		"paymentId":        "responsePay.AlipayCaptureResponse.PaymentId",
		"captureTime":      "responsePay.AlipayCaptureResponse.CaptureTime",
	}, amountFields("captureAmount", "responsePay.AlipayCaptureResponse.CaptureAmount"))),
	// notifyCapture (docs.antom.com/ac/ams/notify_capture): notify.AlipayCaptureResultNotify.
	"notifyCapture": withResult(merge(map[string]string{
		"notifyType":       "notify.AlipayNotify.NotifyType; docs: CAPTURE_RESULT",
		"captureRequestId": "notify.AlipayCaptureResultNotify.CaptureRequestId",
		"paymentId":        "notify.AlipayCaptureResultNotify.PaymentId",
		"captureId":        "notify.AlipayCaptureResultNotify.CaptureId",
		"captureTime":      "notify.AlipayCaptureResultNotify.CaptureTime",
	}, amountFields("captureAmount", "notify.AlipayCaptureResultNotify.CaptureAmount"))),
	// notifyPayment (docs.antom.com/ac/ams/paymentrn_online): notify.AlipayPayResultNotify.
	"notifyPayment": withResult(merge(map[string]string{
		"notifyType":        "notify.AlipayNotify.NotifyType",
		"paymentRequestId":  "notify.AlipayPayResultNotify.PaymentRequestId",
		"paymentId":         "notify.AlipayPayResultNotify.PaymentId",
		"paymentCreateTime": "notify.AlipayPayResultNotify.PaymentCreateTime",
		"paymentTime":       "notify.AlipayPayResultNotify.PaymentTime",
	}, amountFields("paymentAmount", "notify.AlipayPayResultNotify.PaymentAmount"))),
	// notifyRefund (docs.antom.com/ac/ams/notify_refund): notify.AlipayRefundNotify. No paymentId.
	"notifyRefund": withResult(merge(map[string]string{
		"notifyType":      "notify.AlipayNotify.NotifyType",
		"refundStatus":    "notify.AlipayRefundNotify.RefundStatus",
		"refundRequestId": "notify.AlipayRefundNotify.RefundRequestId",
		"refundId":        "notify.AlipayRefundNotify.RefundId",
		"refundTime":      "notify.AlipayRefundNotify.RefundTime",
		"metadata":        "notify.AlipayRefundNotify.Metadata; docs: returned when the refund request set it",
	}, amountFields("refundAmount", "notify.AlipayRefundNotify.RefundAmount"))),
}

// keyPaths is KeyPaths, failing the test on a body that is not JSON.
func keyPaths(t *testing.T, body []byte) []string {
	t.Helper()
	paths, err := KeyPaths(body)
	require.NoError(t, err, string(body))
	return paths
}

// notifyReceiver records the notifications it gets and acknowledges each as Antom requires.
type notifyReceiver struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (n *notifyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	n.mu.Lock()
	n.bodies = append(n.bodies, b)
	n.mu.Unlock()
	_, _ = w.Write([]byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`))
}

// TestFieldsAreDocumented drives the simulator through every reply (each state of pay and
// inquiryPayment, cancel, refund, inquiryRefund, F and U answers, faults, an unknown path) and every
// notification (notifyPayment PAYMENT_RESULT S and F, PAYMENT_PENDING, notifyRefund), and checks
// every field it sends against replyFields.
func TestFieldsAreDocumented(t *testing.T) {
	s := newServer(t, Config{WebhookSchedule: []time.Duration{}})
	rcv := &notifyReceiver{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	defer s.Close() // before hook.Close: no delivery is left in flight

	type sent struct {
		kind string
		body []byte
	}
	var got []sent
	call := func(endpoint, body string) call {
		t.Helper()
		c := post(t, s, LivePrefix+endpoint, body, nil)
		require.NoError(t, c.err)
		if !json.Valid(c.body) { // ReplyStatus's plain-text HTTP error page: no fields
			return c
		}
		kind := endpoint
		if c.status != http.StatusOK || c.result(t).ResultStatus == "F" || (c.result(t).ResultStatus == "U" && endpoint != "pay") {
			kind = "error"
		}
		got = append(got, sent{kind, c.body})
		return c
	}
	payWith := func(id, terminal string) string {
		b := strings.Replace(pay(id), `"env":{"terminalType":"WEB"}`, fmt.Sprintf(`"env":{"terminalType":%q,"osType":"ANDROID"}`, terminal), 1)
		return strings.Replace(b, `"paymentRedirectUrl"`, `"paymentNotifyUrl":"`+hook.URL+`/notify","paymentRedirectUrl"`, 1)
	}
	byRequest := func(id string) string { return fmt.Sprintf(`{"paymentRequestId":%q}`, id) }

	for _, p := range []struct{ id, terminal string }{{"f-web", "WEB"}, {"f-wap", "WAP"}, {"f-app", "APP"}, {"f-exp", "WEB"}} {
		call("pay", payWith(p.id, p.terminal)) // PAYMENT_IN_PROCESS with the cashier's URLs
		call("inquiryPayment", byRequest(p.id))
	}
	require.NoError(t, s.Pend("f-web")) // PAYMENT_PENDING
	call("pay", payWith("f-web", "WEB"))
	call("inquiryPayment", byRequest("f-web"))
	require.NoError(t, s.Settle(context.Background(), "f-web", sim.Pay)) // PAYMENT_RESULT S
	call("pay", payWith("f-web", "WEB"))
	web := call("inquiryPayment", byRequest("f-web"))
	var inq inquiryResponse
	require.NoError(t, json.Unmarshal(web.body, &inq))
	require.NoError(t, s.Settle(context.Background(), "f-app", sim.Fail)) // PAYMENT_RESULT F
	call("pay", payWith("f-app", "APP"))
	call("inquiryPayment", byRequest("f-app"))
	require.NoError(t, s.Settle(context.Background(), "f-exp", sim.Expire))
	call("inquiryPayment", byRequest("f-exp"))

	refund := fmt.Sprintf(`{"refundRequestId":"f-r1","paymentId":%q,"refundAmount":{"currency":"USD","value":"100"},"refundNotifyUrl":%q,"metadata":"m","isAsyncRefund":false}`, inq.PaymentID, hook.URL+"/notify")
	call("refund", refund) // and notifyRefund
	call("refund", refund)
	call("inquiryRefund", `{"refundRequestId":"f-r1"}`)
	call("inquiryRefund", `{"refundRequestId":"f-none"}`)
	call("cancel", byRequest("f-web")) // refunded: PROCESS_FAIL
	call("cancel", byRequest("f-wap"))
	call("cancel", byRequest("f-wap"))
	call("pay", payWith("f-wap", "WAP"))
	call("inquiryPayment", byRequest("f-wap"))
	call("inquiryPayment", byRequest("f-none"))
	// manual capture: authorize, capture (and notifyCapture), the capture resent, refused captures.
	manual := strings.Replace(payWith("f-man", "WEB"), `"paymentRedirectUrl"`, `"paymentFactor":{"captureMode":"MANUAL"},"paymentRedirectUrl"`, 1)
	call("pay", manual)
	require.NoError(t, s.Settle(context.Background(), "f-man", sim.Pay))
	call("pay", manual)
	man := call("inquiryPayment", byRequest("f-man")) // authorized: authExpiryTime
	var minq inquiryResponse
	require.NoError(t, json.Unmarshal(man.body, &minq))
	capture := fmt.Sprintf(`{"captureRequestId":"f-c1","paymentId":%q,"captureAmount":{"currency":"USD","value":"1999"},"isLastCapture":true}`, minq.PaymentID)
	call("capture", capture)
	call("capture", capture)
	call("capture", strings.Replace(capture, "f-c1", "f-c2", 1)) // captured already: ORDER_STATUS_INVALID
	call("inquiryPayment", byRequest("f-man"))                   // the CAPTURE transaction
	call("capture", fmt.Sprintf(`{"captureRequestId":"f-c3","paymentId":%q,"captureAmount":{"currency":"USD","value":"1999"}}`, inq.PaymentID))
	// a capture in process: U, and the inquiry's PROCESSING transaction
	call("pay", strings.Replace(manual, "f-man", "f-man2", 1))
	require.NoError(t, s.Settle(context.Background(), "f-man2", sim.Pay))
	s.DeferCaptures(true)
	info, _ := s.Payment("f-man2")
	call("capture", fmt.Sprintf(`{"captureRequestId":"f-c4","paymentId":%q,"captureAmount":{"currency":"USD","value":"1999"}}`, info.PaymentID))
	call("inquiryPayment", byRequest("f-man2"))
	s.CompleteCaptures()
	s.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyCode, Code: "UNKNOWN_EXCEPTION"})
	call("inquiryPayment", byRequest("f-web"))
	s.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.ReplyStatus, Status: 503})
	call("refund", refund)
	call("nope", byRequest("f-web")) // NO_INTERFACE_DEF

	require.NoError(t, s.Webhooks().Wait(context.Background()))
	rcv.mu.Lock()
	for _, b := range rcv.bodies {
		var n struct {
			NotifyType string `json:"notifyType"`
		}
		require.NoError(t, json.Unmarshal(b, &n))
		kind := "notifyPayment"
		switch n.NotifyType {
		case "REFUND_RESULT":
			kind = "notifyRefund"
		case "CAPTURE_RESULT":
			kind = "notifyCapture"
		}
		got = append(got, sent{kind, b})
	}
	rcv.mu.Unlock()

	seen := map[string]bool{}
	for _, m := range got {
		seen[m.kind] = true
		table := replyFields[m.kind]
		for _, p := range keyPaths(t, m.body) {
			_, ok := table[p]
			assert.True(t, ok, "%s sends %q, which no SDK type or doc page for %s holds: %s", m.kind, p, m.kind, m.body)
		}
	}
	for kind := range replyFields {
		assert.True(t, seen[kind], "the test drove no %s", kind)
	}
	notifyTypes := map[string]bool{}
	for _, b := range rcv.bodies {
		var n struct {
			NotifyType string `json:"notifyType"`
			Result     result `json:"result"`
		}
		require.NoError(t, json.Unmarshal(b, &n))
		notifyTypes[n.NotifyType+" "+n.Result.ResultStatus] = true
	}
	assert.Equal(t, map[string]bool{"PAYMENT_PENDING S": true, "PAYMENT_RESULT S": true, "PAYMENT_RESULT F": true, "REFUND_RESULT S": true, "CAPTURE_RESULT S": true}, notifyTypes)
}
