package antom_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
)

// requestFields are the fields Antom documents for each request the adapter sends, each with its
// source in Antom's official Go SDK (github.com/alipay/global-open-sdk-go v1.3.5, com/alipay/api/…).
var requestFields = map[string]map[string]string{
	"pay": {
		"productCode":                           "request/pay.AlipayPayRequest.ProductCode",
		"paymentRequestId":                      "request/pay.AlipayPayRequest.PaymentRequestId",
		"order":                                 "request/pay.AlipayPayRequest.Order",
		"order.referenceOrderId":                "model.Order.ReferenceOrderId",
		"order.orderDescription":                "model.Order.OrderDescription",
		"order.orderAmount":                     "model.Order.OrderAmount",
		"order.orderAmount.currency":            "model.Amount.Currency",
		"order.orderAmount.value":               "model.Amount.Value",
		"order.buyer":                           "model.Order.Buyer",
		"order.buyer.referenceBuyerId":          "model.Buyer.ReferenceBuyerId",
		"order.buyer.buyerEmail":                "model.Buyer.BuyerEmail",
		"order.buyer.buyerPhoneNo":              "model.Buyer.BuyerPhoneNo",
		"order.env":                             "model.Order.Env",
		"order.env.terminalType":                "model.Env.TerminalType",
		"order.env.osType":                      "model.Env.OsType",
		"order.env.clientIp":                    "model.Env.ClientIp",
		"order.env.userAgent":                   "model.Env.UserAgent",
		"paymentAmount":                         "request/pay.AlipayPayRequest.PaymentAmount",
		"paymentAmount.currency":                "model.Amount.Currency",
		"paymentAmount.value":                   "model.Amount.Value",
		"paymentMethod":                         "request/pay.AlipayPayRequest.PaymentMethod",
		"paymentMethod.paymentMethodType":       "model.PaymentMethod.PaymentMethodType",
		"paymentRedirectUrl":                    "request/pay.AlipayPayRequest.PaymentRedirectUrl",
		"paymentNotifyUrl":                      "request/pay.AlipayPayRequest.PaymentNotifyUrl",
		"paymentExpiryTime":                     "request/pay.AlipayPayRequest.PaymentExpiryTime",
		"settlementStrategy":                    "request/pay.AlipayPayRequest.SettlementStrategy",
		"settlementStrategy.settlementCurrency": "model.SettlementStrategy.SettlementCurrency",
		"merchantAccountId":                     "request/pay.AlipayPayRequest.MerchantAccountId",
		"paymentFactor":                         "request/pay.AlipayPayRequest.PaymentFactor",
		"paymentFactor.captureMode":             "model.PaymentFactor.CaptureMode; docs cashierpay/capture: MANUAL",
	},
	"inquiryPayment": {
		"paymentRequestId":  "request/pay.AlipayPayQueryRequest.PaymentRequestId",
		"paymentId":         "request/pay.AlipayPayQueryRequest.PaymentId",
		"merchantAccountId": "request/pay.AlipayPayQueryRequest.MerchantAccountId",
	},
	"cancel": {
		"paymentRequestId":  "request/pay.AlipayPayCancelRequest.PaymentRequestId; seed 003",
		"paymentId":         "request/pay.AlipayPayCancelRequest.PaymentId; seed 003",
		"merchantAccountId": "request/pay.AlipayPayCancelRequest.MerchantAccountId; seed 003",
	},
	"refund": {
		"refundRequestId":       "request/pay.AlipayRefundRequest.RefundRequestId",
		"paymentId":             "request/pay.AlipayRefundRequest.PaymentId",
		"refundAmount":          "request/pay.AlipayRefundRequest.RefundAmount",
		"refundAmount.currency": "model.Amount.Currency",
		"refundAmount.value":    "model.Amount.Value",
		"refundReason":          "request/pay.AlipayRefundRequest.RefundReason",
		"refundNotifyUrl":       "request/pay.AlipayRefundRequest.RefundNotifyUrl",
		"metadata":              "request/pay.AlipayRefundRequest.Metadata; notifyRefund docs: returned when set",
	},
	"capture": {
		"captureRequestId":       "request/pay.AlipayCaptureRequest.CaptureRequestId; docs ams/capture: the idempotency field",
		"paymentId":              "request/pay.AlipayCaptureRequest.PaymentId",
		"captureAmount":          "request/pay.AlipayCaptureRequest.CaptureAmount",
		"captureAmount.currency": "model.Amount.Currency",
		"captureAmount.value":    "model.Amount.Value",
		"isLastCapture":          "request/pay.AlipayCaptureRequest.IsLastCapture; docs: where multiple captures are allowed",
	},
	"inquiryRefund": {
		"refundRequestId":   "request/pay.AlipayInquiryRefundRequest.RefundRequestId",
		"refundId":          "request/pay.AlipayInquiryRefundRequest.RefundId",
		"merchantAccountId": "request/pay.AlipayInquiryRefundRequest.MerchantAccountId",
	},
}

// bodyRecorder is a reverse proxy in front of the simulator that keeps every request body by endpoint.
type bodyRecorder struct {
	mu     sync.Mutex
	bodies map[string][][]byte
}

func (b *bodyRecorder) front(t *testing.T, target string) string {
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		b.mu.Lock()
		b.bodies[path.Base(r.URL.Path)] = append(b.bodies[path.Base(r.URL.Path)], body)
		b.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// The adapter sends only fields Antom documents, every optional one included here (buyer, osType,
// expiry, settlement currency, merchant account, refund reason and notify URL, manual capture and a
// partial capture's isLastCapture).
func TestRequestFieldsAreDocumented(t *testing.T) {
	rec := &bodyRecorder{bodies: map[string][][]byte{}}
	srv, gw := newEnv(t, antomtest.Config{MerchantAccountID: "m-1"}, func(c *antom.Config) {
		c.MerchantAccountID = "m-1"
		c.BaseURL = rec.front(t, c.BaseURL)
	})
	// Notifications go to a loopback receiver that acknowledges them.
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(antom.AckBody) }))
	t.Cleanup(hook.Close)
	t.Cleanup(srv.Close) // before hook.Close: stops pending deliveries first
	req := createRequest("19.99", "USD")
	req.Customer = paygate.Customer{ID: "c-1", Email: "c@example.com", Phone: "+6500000000", Terminal: "APP", IP: "192.0.2.1", UserAgent: "Android"}
	req.ExpiresAt = time.Now().Add(time.Hour)
	req.NotifyURL = hook.URL + "/notify"
	req.ProviderOptions = append(req.ProviderOptions, antom.CreateOptions{SettlementCurrency: "USD"})
	p, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	_, err = gw.Inquire(ctx(t), &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	require.NoError(t, err)
	r, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: id("r"), PaymentRequestID: req.PaymentRequestID,
		Amount: money.MustParse("1.00", "USD"), Reason: "returned", NotifyURL: hook.URL + "/refunds"})
	require.NoError(t, err)
	_, err = gw.InquireRefund(ctx(t), &paygate.InquireRefundRequest{ProviderRefundID: r.ProviderRefundID})
	require.NoError(t, err)
	other := createRequest("5.00", "USD")
	_, err = gw.Create(ctx(t), other)
	require.NoError(t, err)
	_, err = gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: other.PaymentRequestID})
	require.NoError(t, err)
	manual := createRequest("5.00", "USD")
	manual.CaptureMode = paygate.CaptureManual
	_, err = gw.Create(ctx(t), manual)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), manual.PaymentRequestID, sim.Pay))
	_, err = gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: id("c"), PaymentRequestID: manual.PaymentRequestID, Amount: money.MustParse("4.00", "USD")})
	require.NoError(t, err)

	rec.mu.Lock()
	defer rec.mu.Unlock()
	for endpoint, table := range requestFields {
		require.NotEmpty(t, rec.bodies[endpoint], "the test sent no %s", endpoint)
		for _, body := range rec.bodies[endpoint] {
			for _, p := range keyPaths(t, body) {
				_, ok := table[p]
				assert.True(t, ok, "%s sends %q, which Antom does not document for it: %s", endpoint, p, body)
			}
		}
	}
	assert.Len(t, rec.bodies, len(requestFields), "every endpoint the adapter calls has a table")
	require.Len(t, rec.bodies["capture"], 1)
	assert.Contains(t, string(rec.bodies["capture"][0]), `"isLastCapture":"true"`, "a partial capture releases the rest")
	assert.Contains(t, string(rec.bodies["capture"][0]), `"captureAmount":{"currency":"USD","value":"400"}`)
}

// keyPaths is antomtest.KeyPaths, failing the test on a body that is not JSON.
func keyPaths(t *testing.T, body []byte) []string {
	t.Helper()
	paths, err := antomtest.KeyPaths(body)
	require.NoError(t, err, string(body))
	return paths
}
