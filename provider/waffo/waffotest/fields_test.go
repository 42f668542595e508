package waffotest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
)

// Sources of the fields below. "SDK" is Waffo's official Go SDK, github.com/waffo-com/waffo-go v1.4.0
// (types/order, types/refund, core/webhook_handler.go); "API" is the OpenAPI document behind Waffo's
// API reference (waffo.com/docs/api-reference, components/schemas); "events page" is
// waffo.com/docs/en/developer-docs/webhook/event-types.
const (
	srcEnvelope      = "API Response* schemas: code, msg, data; SDK core.ApiResponse"
	srcCreate        = "SDK order.CreateOrderData; API AcqOrderCreatedResponse"
	srcInquiry       = "SDK order.InquiryOrderData; API AcqOrderInquiry"
	srcCancel        = "SDK order.CancelOrderData; API AcqOrderCancelResponse"
	srcCapture       = "SDK order.CaptureOrderData (v1.3.0+, aligned with openapi.json per its CHANGELOG)"
	srcRefund        = "SDK order.RefundOrderData; API AcqOrderRefundResponse"
	srcRefundInquiry = "SDK refund.InquiryRefundData; API AcqOrderRefundInquiry"
	srcPaymentNote   = "SDK core.PaymentNotification / PaymentNotificationResult; events page PAYMENT_NOTIFICATION"
	srcRefundNote    = "SDK core.RefundNotification / RefundNotificationResult; events page REFUND_NOTIFICATION"
	srcFailedReason  = "API AcqOrderInquiry.orderFailedReason: Json format {orderFailedCode, orderFailedDescription}"
)

// replyFields is, per reply and notification, every key path Waffo documents for it and where. A path
// the simulator sends outside its table fails TestRepliesCarryOnlyDocumentedFields.
var replyFields = map[string]map[string]string{
	"create": withEnvelope(srcCreate, "paymentRequestId", "merchantOrderId", "acquiringOrderId", "orderStatus", "orderAction"),
	"inquiry": withEnvelope(srcInquiry, "paymentRequestId", "merchantOrderId", "acquiringOrderId", "orderStatus", "orderAction",
		"orderCurrency", "orderAmount", "finalDealAmount", "orderDescription", "merchantInfo", "userInfo", "goodsInfo", "paymentInfo",
		"addressInfo", "orderRequestedAt", "orderExpiredAt", "orderUpdatedAt", "orderCompletedAt", "refundExpiryAt", "cancelRedirectUrl",
		"orderFailedReason", "extendInfo", "userCurrency", "subscriptionInfo"),
	"cancel":  withEnvelope(srcCancel, "paymentRequestId", "merchantOrderId", "acquiringOrderId", "orderStatus"),
	"capture": withEnvelope(srcCapture, "paymentRequestId", "merchantOrderId", "acquiringOrderId", "orderStatus"),
	"refund": withEnvelope(srcRefund, "refundRequestId", "merchantRefundOrderId", "acquiringOrderId", "acquiringRefundOrderId",
		"refundAmount", "refundStatus", "remainingRefundAmount", "refundSource"),
	"refund inquiry": withEnvelope(srcRefundInquiry, "refundRequestId", "merchantRefundOrderId", "acquiringOrderId",
		"acquiringRefundOrderId", "origPaymentRequestId", "refundAmount", "refundStatus", "refundReason", "refundRequestedAt",
		"refundUpdatedAt", "refundFailedReason", "extendInfo", "userCurrency", "finalDealAmount", "merchantUserId", "subscriptionInfo",
		"remainingRefundAmount", "userInfo", "refundCompletedAt", "refundSource"),
	"error": {"code": srcEnvelope, "msg": srcEnvelope},
	"payment notification": withPrefix("eventType", "result", srcPaymentNote, map[string]string{
		"result.orderFailedReason.orderFailedCode": srcFailedReason, "result.orderFailedReason.orderFailedDescription": srcFailedReason,
	}, "paymentRequestId", "merchantOrderId", "acquiringOrderId", "orderStatus", "orderAction", "orderCurrency", "orderAmount",
		"userCurrency", "finalDealAmount", "orderDescription", "merchantInfo", "userInfo", "goodsInfo", "addressInfo", "paymentInfo",
		"orderRequestedAt", "orderExpiredAt", "orderUpdatedAt", "orderCompletedAt", "orderFailedReason", "extendInfo", "subscriptionInfo",
		"refundExpiryAt", "cancelRedirectUrl"),
	"refund notification": withPrefix("eventType", "result", srcRefundNote, nil,
		"refundRequestId", "merchantRefundOrderId", "acquiringOrderId", "acquiringRefundOrderId", "origPaymentRequestId", "refundAmount",
		"refundStatus", "remainingRefundAmount", "userCurrency", "finalDealAmount", "refundReason", "refundRequestedAt", "refundUpdatedAt",
		"refundCompletedAt", "refundFailedReason", "userInfo", "refundSource", "extendInfo"),
}

func withEnvelope(src string, fields ...string) map[string]string {
	m := map[string]string{"code": srcEnvelope, "msg": srcEnvelope, "data": srcEnvelope}
	for _, f := range fields {
		m["data."+f] = src
	}
	return m
}

func withPrefix(top, prefix, src string, extra map[string]string, fields ...string) map[string]string {
	m := map[string]string{top: src, prefix: src}
	for _, f := range fields {
		m[prefix+"."+f] = src
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

// keyPaths lists every key path in a JSON object, dotted ("data.orderStatus").
func keyPaths(t *testing.T, raw []byte) []string {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(raw, &v), string(raw))
	var out []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for k, v := range m {
			p := prefix + k
			out = append(out, p)
			if sub, ok := v.(map[string]any); ok {
				walk(p+".", sub)
			}
		}
	}
	walk("", v)
	sort.Strings(out)
	return out
}

// rawPost is client.post returning the raw reply body.
func (c *client) rawPost(path string, body map[string]any) []byte {
	c.t.Helper()
	a := c.post(path, body, nil)
	raw, err := json.Marshal(map[string]any{"code": a.Code, "msg": a.Msg, "data": a.Data})
	require.NoError(c.t, err)
	if a.Data == nil {
		raw, err = json.Marshal(map[string]any{"code": a.Code, "msg": a.Msg})
		require.NoError(c.t, err)
	}
	return raw
}

// TestRepliesCarryOnlyDocumentedFields drives the simulator through every reply and notification and
// checks each key path it sends against replyFields.
func TestRepliesCarryOnlyDocumentedFields(t *testing.T) {
	for _, flat := range []bool{false, true} {
		t.Run(map[bool]string{false: "notifications with result", true: "flat notifications"}[flat], func(t *testing.T) {
			var c *client
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				body := []byte(`{"message":"success"}`)
				w.Header().Set("X-SIGNATURE", sign(c.key, body))
				_, _ = w.Write(body)
			}))
			defer hook.Close()
			c = newClient(t, waffotest.Config{FlatWebhooks: flat, WebhookSchedule: sim.Compress(waffotest.WebhookSchedule(), 100_000)})
			seen := map[string][][]byte{}
			send := func(kind, path string, body map[string]any) map[string]any {
				raw := c.rawPost(path, body)
				seen[kind] = append(seen[kind], raw)
				var a struct {
					Data map[string]any `json:"data"`
				}
				require.NoError(t, json.Unmarshal(raw, &a))
				return a.Data
			}

			// Orders: open, with a QR action, paid, failed, cancelled.
			for _, id := range []string{"f-paid", "f-qr", "f-fail", "f-cancel"} {
				body := c.createBody(id, "10.00", "USD")
				body["notifyUrl"] = hook.URL
				if id == "f-qr" {
					body["paymentInfo"] = map[string]any{"productName": "ONE_TIME_PAYMENT", "payMethodType": "QR", "payMethodName": "QRIS"}
				}
				send("create", "/order/create", body)
			}
			ctx := context.Background()
			require.NoError(t, c.srv.Settle(ctx, "f-paid", sim.Pay))
			require.NoError(t, c.srv.Settle(ctx, "f-fail", sim.Fail))
			for _, id := range []string{"f-paid", "f-qr", "f-fail", "f-cancel"} {
				send("inquiry", "/order/inquiry", map[string]any{"paymentRequestId": id})
			}
			send("cancel", "/order/cancel", map[string]any{"paymentRequestId": "f-cancel", "merchantId": c.srv.MerchantID, "orderRequestedAt": "2026-11-21T08:00:00.000Z"})
			// A manual-capture order: authorized (notified), inquired, captured, settled (notified).
			manual := c.createBody("f-manual", "10.00", "USD")
			manual["notifyUrl"] = hook.URL
			manual["paymentInfo"] = map[string]any{"productName": "ONE_TIME_PAYMENT", "payMethodType": "CREDITCARD", "captureMode": "manualCapture"}
			acq := send("create", "/order/create", manual)["acquiringOrderId"]
			require.NoError(t, c.srv.Settle(ctx, "f-manual", sim.Pay))
			send("inquiry", "/order/inquiry", map[string]any{"paymentRequestId": "f-manual"})
			send("capture", "/order/capture", map[string]any{"acquiringOrderId": acq, "merchantId": c.srv.MerchantID,
				"captureRequestedAt": "2026-11-21T08:00:00.000Z", "captureAmount": "10.00"})
			send("inquiry", "/order/inquiry", map[string]any{"paymentRequestId": "f-manual"})
			send("inquiry", "/order/inquiry", map[string]any{"paymentRequestId": "f-manual"})
			order := send("inquiry", "/order/inquiry", map[string]any{"paymentRequestId": "f-paid"})
			refundBody := map[string]any{"refundRequestId": "f-r1", "acquiringOrderId": order["acquiringOrderId"], "merchantId": c.srv.MerchantID,
				"requestedAt": "2026-11-21T08:00:00.000Z", "refundAmount": "4.00", "refundReason": "test", "refundNotifyUrl": hook.URL,
				"merchantRefundOrderId": "mr-1"}
			send("refund", "/order/refund", refundBody)
			send("refund", "/order/refund", refundBody) // the idempotent resend
			send("refund inquiry", "/refund/inquiry", map[string]any{"refundRequestId": "f-r1"})
			send("error", "/order/inquiry", map[string]any{"paymentRequestId": "nope"})
			send("error", "/order/create", map[string]any{"paymentRequestId": "x"})

			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			require.NoError(t, c.srv.Webhooks().Wait(wctx))
			for _, d := range c.srv.Webhooks().Deliveries() {
				kind := "payment notification"
				if strings.Contains(string(d.Body), "REFUND_NOTIFICATION") {
					kind = "refund notification"
				}
				seen[kind] = append(seen[kind], d.Body)
			}

			for kind, table := range replyFields {
				require.NotEmpty(t, seen[kind], "the test drives %s", kind)
				for _, raw := range seen[kind] {
					for _, p := range keyPaths(t, raw) {
						key := p
						if flat && strings.HasSuffix(kind, "notification") && p != "eventType" {
							key = "result." + p // the flat shape puts the result's fields at the top
						}
						_, ok := table[key]
						assert.True(t, ok, "%s carries %q, which no source documents for it: %s", kind, p, raw)
					}
				}
			}
		})
	}
}

// TestReplyFieldsNameTheirSources keeps the table honest: every field has a source.
func TestReplyFieldsNameTheirSources(t *testing.T) {
	for kind, table := range replyFields {
		for f, src := range table {
			assert.NotEmpty(t, src, "%s: %s", kind, f)
			assert.False(t, slices.Contains([]string{"refundCurrency"}, f[strings.LastIndex(f, ".")+1:]), "%s: %s is in no Waffo source", kind, f)
		}
	}
}

// The simulator notices request fields Waffo does not document, without refusing them (Waffo
// documents no such refusal).
func TestUndocumentedRequestFieldsAreNoticed(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	body := c.createBody("u1", "10.00", "USD")
	body["userInfo"].(map[string]any)["userCountryCode"] = "IDN"
	body["brandInfo"] = map[string]any{"cashierDisplayName": "Shop"}
	require.Equal(t, "0", c.post("/order/create", body, nil).Code)
	assert.Empty(t, c.srv.Undocumented(), "documented fields only")

	inquiry := map[string]any{"paymentRequestId": "u1", "merchantInfo": map[string]any{"merchantId": c.srv.MerchantID}}
	assert.Equal(t, "0", c.post("/order/inquiry", inquiry, nil).Code, "not refused")
	assert.Equal(t, "A0009", c.post("/refund/inquiry", map[string]any{"refundRequestId": "x", "refundCurrency": "USD"}, nil).Code)
	body = c.createBody("u2", "10.00", "USD")
	body["userInfo"].(map[string]any)["userNickname"] = "n"
	c.post("/order/create", body, nil)
	assert.Equal(t, []string{"/order/inquiry merchantInfo", "/refund/inquiry refundCurrency", "/order/create userInfo.userNickname"}, c.srv.Undocumented())

	for _, ep := range []string{"/order/create", "/order/inquiry", "/order/cancel", "/order/capture", "/order/refund", "/refund/inquiry"} {
		assert.NotEmpty(t, waffotest.RequestFields(ep), ep)
	}
}

// Waffo's error-code reference answers A0004 (permission denied, e.g. a merchantId that does not
// match the API key) with HTTP 401.
func TestPermissionDeniedIsHTTP401(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	a := c.post("/order/cancel", map[string]any{"paymentRequestId": "x", "merchantId": "1000000999", "orderRequestedAt": "2026-11-21T08:00:00.000Z"}, nil)
	assert.Equal(t, "A0004", a.Code)
	assert.Equal(t, http.StatusUnauthorized, a.status)
}
