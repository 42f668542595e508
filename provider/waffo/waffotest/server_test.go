package waffotest_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
)

// client is a minimal Waffo client written from the docs, independent of the adapter.
type client struct {
	t    *testing.T
	srv  *waffotest.Server
	key  *rsa.PrivateKey
	wpub *rsa.PublicKey
}

func newClient(t *testing.T, cfg waffotest.Config) *client {
	srv := waffotest.NewServer(cfg)
	t.Cleanup(srv.Close)
	b, _ := pem.Decode([]byte(srv.Keys.MerchantPrivateKey))
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	require.NoError(t, err)
	pb, _ := pem.Decode([]byte(srv.Keys.WaffoPublicKey))
	pub, err := x509.ParsePKIXPublicKey(pb.Bytes)
	require.NoError(t, err)
	return &client{t: t, srv: srv, key: k.(*rsa.PrivateKey), wpub: pub.(*rsa.PublicKey)}
}

func sign(k *rsa.PrivateKey, body []byte) string {
	d := sha256.Sum256(body)
	s, _ := rsa.SignPKCS1v15(nil, k, crypto.SHA256, d[:])
	return base64.StdEncoding.EncodeToString(s)
}

type answer struct {
	status int
	Code   string         `json:"code"`
	Msg    string         `json:"msg"`
	Data   map[string]any `json:"data"`
}

// post sends body signed (or with the given signature when sig is not "") and checks the reply's
// signature.
func (c *client) post(path string, body map[string]any, mutate func(*http.Request)) answer {
	c.t.Helper()
	raw, err := json.Marshal(body)
	require.NoError(c.t, err)
	req, err := http.NewRequest(http.MethodPost, c.srv.URL+path, bytes.NewReader(raw))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-KEY", c.srv.APIKey)
	req.Header.Set("X-SIGNATURE", sign(c.key, raw))
	if mutate != nil {
		mutate(req)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	require.NoError(c.t, err)
	sig, err := base64.StdEncoding.DecodeString(resp.Header.Get("X-SIGNATURE"))
	require.NoError(c.t, err)
	d := sha256.Sum256(rb)
	require.NoError(c.t, rsa.VerifyPKCS1v15(c.wpub, crypto.SHA256, d[:], sig), "every reply is signed by Waffo's key")
	var a answer
	require.NoError(c.t, json.Unmarshal(rb, &a), string(rb))
	a.status = resp.StatusCode
	return a
}

func (c *client) createBody(id, amount, currency string) map[string]any {
	return map[string]any{
		"paymentRequestId": id, "merchantOrderId": "mo-" + id, "orderCurrency": currency, "orderAmount": amount,
		"orderDescription": "sim test", "orderRequestedAt": "2026-11-21T08:00:00.000Z", "notifyUrl": "https://m.example/n",
		"merchantInfo": map[string]any{"merchantId": c.srv.MerchantID},
		"userInfo":     map[string]any{"userId": "u1", "userEmail": "a@example.com", "userTerminal": "WEB"},
		"paymentInfo":  map[string]any{"productName": "ONE_TIME_PAYMENT"},
	}
}

func TestAuthentication(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	body := c.createBody("auth1", "10.00", "USD")
	a := c.post("/order/create", body, func(r *http.Request) { r.Header.Set("X-API-KEY", "wrong") })
	assert.Equal(t, "A0001", a.Code)
	assert.Equal(t, http.StatusUnauthorized, a.status)
	a = c.post("/order/create", body, func(r *http.Request) { r.Header.Set("X-SIGNATURE", sign(c.key, []byte("other bytes"))) })
	assert.Equal(t, "A0002", a.Code)
	a = c.post("/order/create", body, func(r *http.Request) { r.Header.Del("X-SIGNATURE") })
	assert.Equal(t, "A0002", a.Code)
	assert.Empty(t, c.srv.Ledger().AllOrders())
}

func TestCreateValidation(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	tests := []struct {
		name string
		edit func(map[string]any)
		code string
	}{
		{"no notifyUrl", func(b map[string]any) { delete(b, "notifyUrl") }, "A0003"},
		{"no userEmail", func(b map[string]any) { delete(b["userInfo"].(map[string]any), "userEmail") }, "A0003"},
		{"no productName", func(b map[string]any) { b["paymentInfo"] = map[string]any{} }, "A0003"},
		{"no merchantInfo", func(b map[string]any) { delete(b, "merchantInfo") }, "A0003"},
		{"id over 32", func(b map[string]any) { b["paymentRequestId"] = strings.Repeat("x", 33) }, "A0003"},
		{"amount without decimals", func(b map[string]any) { b["orderAmount"] = "100" }, "A0003"},
		{"amount with one decimal", func(b map[string]any) { b["orderAmount"] = "100.0" }, "A0003"},
		{"amount as a number", func(b map[string]any) { b["orderAmount"] = 100.00 }, "A0003"},
		{"IDR with decimals", func(b map[string]any) { b["orderCurrency"], b["orderAmount"] = "IDR", "149000.00" }, "A0003"},
		{"bad time", func(b map[string]any) { b["orderRequestedAt"] = "21/11/2026" }, "A0003"},
		{"goods without url or app", func(b map[string]any) { b["goodsInfo"] = map[string]any{"goodsName": "g"} }, "A0003"},
		{"unsupported currency", func(b map[string]any) { b["orderCurrency"], b["orderAmount"] = "XAU", "1.00" }, "A0007"},
		{"another merchant", func(b map[string]any) { b["merchantInfo"] = map[string]any{"merchantId": "999"} }, "A0004"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := c.createBody("val1", "10.00", "USD")
			tt.edit(b)
			a := c.post("/order/create", b, nil)
			assert.Equal(t, tt.code, a.Code, a.Msg)
		})
	}
	assert.Empty(t, c.srv.Ledger().AllOrders())
	a := c.post("/order/create", c.createBody("val2", "149000", "IDR"), nil)
	assert.Equal(t, "0", a.Code, a.Msg)
}

func TestIdempotencyAndStateMachine(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	body := c.createBody("st1", "50.00", "USD")
	first := c.post("/order/create", body, nil)
	require.Equal(t, "0", first.Code)
	assert.Equal(t, "PAY_IN_PROGRESS", first.Data["orderStatus"])
	assert.NotEmpty(t, first.Data["orderAction"])
	body["orderRequestedAt"] = "2026-11-21T08:00:05.000Z"
	again := c.post("/order/create", body, nil)
	assert.Equal(t, first.Data["acquiringOrderId"], again.Data["acquiringOrderId"], "same id and parameters: same order")
	body["orderAmount"] = "51.00"
	assert.Equal(t, "A0011", c.post("/order/create", body, nil).Code)
	assert.Len(t, c.srv.Ledger().Orders("st1"), 1)

	acq := first.Data["acquiringOrderId"].(string)
	refund := map[string]any{"refundRequestId": "rf1", "acquiringOrderId": acq, "merchantId": c.srv.MerchantID,
		"requestedAt": "2026-11-21T08:01:00.000Z", "refundAmount": "10.00", "refundReason": "r"}
	assert.Equal(t, "A0014", c.post("/order/refund", refund, nil).Code, "an unpaid order cannot be refunded")
	require.NoError(t, c.srv.Settle(context.Background(), "st1", sim.Pay))
	cancel := map[string]any{"paymentRequestId": "st1", "merchantId": c.srv.MerchantID, "orderRequestedAt": "2026-11-21T08:02:00.000Z"}
	assert.Equal(t, "A0013", c.post("/order/cancel", cancel, nil).Code)

	r := c.post("/order/refund", refund, nil)
	require.Equal(t, "0", r.Code, r.Msg)
	assert.Equal(t, "ORDER_PARTIALLY_REFUNDED", r.Data["refundStatus"])
	assert.Equal(t, "40.00", r.Data["remainingRefundAmount"])
	refund["requestedAt"] = "2026-11-21T08:03:00.000Z"
	assert.Equal(t, r.Data["acquiringRefundOrderId"], c.post("/order/refund", refund, nil).Data["acquiringRefundOrderId"], "deduped")
	refund["refundAmount"] = "11.00"
	assert.Equal(t, "A0011", c.post("/order/refund", refund, nil).Code)
	over := map[string]any{"refundRequestId": "rf2", "acquiringOrderId": acq, "merchantId": c.srv.MerchantID,
		"requestedAt": "2026-11-21T08:04:00.000Z", "refundAmount": "40.01", "refundReason": "r"}
	assert.Equal(t, "A0014", c.post("/order/refund", over, nil).Code)
	over["refundAmount"] = "40.00"
	assert.Equal(t, "ORDER_FULLY_REFUNDED", c.post("/order/refund", over, nil).Data["refundStatus"])
	assert.Len(t, c.srv.Ledger().AllRefunds(), 2)

	q := c.post("/refund/inquiry", map[string]any{"refundRequestId": "rf2"}, nil)
	assert.Equal(t, "40.00", q.Data["refundAmount"])
	assert.NotContains(t, q.Data, "refundCurrency", "no refund message of Waffo's names a currency")
	assert.NotEmpty(t, q.Data["origPaymentRequestId"], "the refund inquiry names the order's request id")
	assert.Equal(t, acq, q.Data["acquiringOrderId"])
	assert.Equal(t, "A0009", c.post("/refund/inquiry", map[string]any{"refundRequestId": "nope"}, nil).Code)
	assert.Equal(t, "A0009", c.post("/order/inquiry", map[string]any{"paymentRequestId": "nope"}, nil).Code)
}

func TestCancelAndExpiry(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	c := newClient(t, waffotest.Config{Clock: clock, OrderTTL: 15 * time.Minute})
	require.Equal(t, "0", c.post("/order/create", c.createBody("ce1", "10.00", "USD"), nil).Code)
	require.Equal(t, "0", c.post("/order/create", c.createBody("ce2", "10.00", "USD"), nil).Code)
	cancel := map[string]any{"paymentRequestId": "ce1", "merchantId": c.srv.MerchantID, "orderRequestedAt": "2026-11-21T08:02:00.000Z"}
	a := c.post("/order/cancel", cancel, nil)
	assert.Equal(t, "ORDER_CLOSE", a.Data["orderStatus"])
	assert.Equal(t, "ORDER_CLOSE", c.post("/order/cancel", cancel, nil).Data["orderStatus"], "cancelling twice is harmless")
	assert.Error(t, c.srv.Settle(context.Background(), "ce1", sim.Pay), "a closed order cannot be paid")
	clock.Advance(15 * time.Minute)
	q := c.post("/order/inquiry", map[string]any{"paymentRequestId": "ce2"}, nil)
	assert.Equal(t, "ORDER_CLOSE", q.Data["orderStatus"])
	assert.Equal(t, "2026-11-21T08:15:00.000Z", q.Data["orderExpiredAt"])
}

func TestWebhookRepliesMustBeSigned(t *testing.T) {
	var calls atomic.Int32
	var c *client
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		body := []byte(`{"message":"success"}`)
		if n > 1 { // the first reply is unsigned: Waffo must retry
			w.Header().Set("X-SIGNATURE", sign(c.key, body))
		}
		_, _ = w.Write(body)
	}))
	defer hook.Close()
	c = newClient(t, waffotest.Config{WebhookSchedule: sim.Compress(waffotest.WebhookSchedule(), 100_000)})
	body := c.createBody("wh1", "10.00", "USD")
	body["notifyUrl"] = hook.URL
	require.Equal(t, "0", c.post("/order/create", body, nil).Code)
	require.NoError(t, c.srv.Settle(context.Background(), "wh1", sim.Pay))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.srv.Webhooks().Wait(ctx))
	ds := c.srv.Webhooks().Deliveries()
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Acked)
	assert.Len(t, ds[0].Attempts, 2)
	d := sha256.Sum256(ds[0].Body)
	sig, _ := base64.StdEncoding.DecodeString(ds[0].Header.Get("X-SIGNATURE"))
	assert.NoError(t, rsa.VerifyPKCS1v15(c.wpub, crypto.SHA256, d[:], sig), "the notification is signed by Waffo's key")
	var n struct {
		EventType string         `json:"eventType"`
		Result    map[string]any `json:"result"`
	}
	require.NoError(t, json.Unmarshal(ds[0].Body, &n))
	assert.Equal(t, "PAYMENT_NOTIFICATION", n.EventType)
	assert.Equal(t, "PAY_SUCCESS", n.Result["orderStatus"])
}

func TestSchedule(t *testing.T) {
	s := waffotest.WebhookSchedule()
	assert.Len(t, s, 7, "8 tries in all")
	assert.Equal(t, 30*time.Second, s[0])
	assert.Equal(t, 8*time.Hour, s[6])
	assert.Equal(t, s, waffotest.Schedule(), "the deprecated name is the same schedule")
}
