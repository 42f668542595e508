package waffotest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/status"
)

// manualOrder creates a manual-capture order (paymentInfo.captureMode manualCapture) and returns its
// acquiringOrderId; pay has the user authorize it.
func (c *client) manualOrder(id, amount, currency string, pay bool) string {
	c.t.Helper()
	body := c.createBody(id, amount, currency)
	body["paymentInfo"] = map[string]any{"productName": "ONE_TIME_PAYMENT", "payMethodType": "CREDITCARD", "captureMode": "manualCapture"}
	a := c.post("/order/create", body, nil)
	require.Equal(c.t, "0", a.Code, a.Msg)
	if pay {
		require.NoError(c.t, c.srv.Settle(context.Background(), id, sim.Pay))
	}
	return a.Data["acquiringOrderId"].(string)
}

func (c *client) captureBody(acqID, amount string) map[string]any {
	return map[string]any{"acquiringOrderId": acqID, "merchantId": c.srv.MerchantID,
		"captureRequestedAt": "2026-11-21T08:00:00.000Z", "captureAmount": amount}
}

func (c *client) orderStatus(id string) string {
	c.t.Helper()
	a := c.post("/order/inquiry", map[string]any{"paymentRequestId": id}, nil)
	require.Equal(c.t, "0", a.Code, a.Msg)
	return a.Data["orderStatus"].(string)
}

// The manual-capture state machine: Pay authorizes (AUTHED_WAITING_CAPTURE, money held, nothing
// captured), /order/capture moves it to CAPTURE_IN_PROGRESS and records one capture, and it settles
// to PAY_SUCCESS on the next look-up; automatic orders are unchanged.
func TestManualCaptureStateMachine(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	acq := c.manualOrder("m1", "149000", "IDR", true)
	orders := c.srv.Ledger().Orders("m1")
	require.Len(t, orders, 1)
	assert.Equal(t, paygate.CaptureManual, orders[0].CaptureMode)
	assert.Equal(t, status.PaymentAuthorized, orders[0].Status)
	assert.True(t, orders[0].Captured.IsZero())
	assert.Equal(t, "AUTHED_WAITING_CAPTURE", c.orderStatus("m1"))

	a := c.post("/order/capture", c.captureBody(acq, "149000"), nil)
	require.Equal(t, "0", a.Code, a.Msg)
	assert.Equal(t, "CAPTURE_IN_PROGRESS", a.Data["orderStatus"])
	assert.Equal(t, acq, a.Data["acquiringOrderId"])
	assert.Equal(t, "m1", a.Data["paymentRequestId"])
	caps := c.srv.Ledger().Captures(acq)
	require.Len(t, caps, 1)
	assert.True(t, caps[0].Amount.Equal(money.MustParse("149000", "IDR")))
	assert.Equal(t, "149000", caps[0].WireAmount)
	assert.Empty(t, caps[0].RequestID, "Waffo's capture carries no request id")

	assert.Equal(t, "PAY_SUCCESS", c.orderStatus("m1"), "settled on the next look-up")
	o := c.srv.Ledger().Orders("m1")[0]
	assert.Equal(t, status.PaymentSucceeded, o.Status)
	assert.True(t, o.Captured.Equal(money.MustParse("149000", "IDR")))

	// An automatic order is paid at once.
	require.Equal(t, "0", c.post("/order/create", c.createBody("a1", "10.00", "USD"), nil).Code)
	require.NoError(t, c.srv.Settle(context.Background(), "a1", sim.Pay))
	assert.Equal(t, "PAY_SUCCESS", c.orderStatus("a1"))
	assert.Equal(t, paygate.CaptureAutomatic, c.srv.Ledger().Orders("a1")[0].CaptureMode)
	assert.Empty(t, c.srv.Ledger().OverCaptured())
}

// CaptureSettleAfter holds a capture in progress on the simulator's clock; Settle(Pay) settles it.
func TestCaptureSettlesLater(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	c := newClient(t, waffotest.Config{Clock: clock, CaptureSettleAfter: 10 * time.Second})
	acq := c.manualOrder("s1", "5.00", "USD", true)
	require.Equal(t, "0", c.post("/order/capture", c.captureBody(acq, "5.00"), nil).Code)
	assert.Equal(t, "CAPTURE_IN_PROGRESS", c.orderStatus("s1"))
	assert.Equal(t, status.PaymentPending, c.srv.Ledger().Orders("s1")[0].Status)
	clock.Advance(10 * time.Second)
	assert.Equal(t, "PAY_SUCCESS", c.orderStatus("s1"))

	acq = c.manualOrder("s2", "5.00", "USD", true)
	require.Equal(t, "0", c.post("/order/capture", c.captureBody(acq, "5.00"), nil).Code)
	require.NoError(t, c.srv.Settle(context.Background(), "s2", sim.Pay), "Waffo settles the capture now")
	assert.Equal(t, "PAY_SUCCESS", c.orderStatus("s2"))
	assert.Error(t, c.srv.Settle(context.Background(), "s2", sim.Pay), "a paid order cannot be settled again")
}

// Every capture Waffo's rules refuse, with the code, and no capture in the ledger.
func TestCaptureValidation(t *testing.T) {
	c := newClient(t, waffotest.Config{})
	authed := c.manualOrder("v1", "10.00", "USD", true)
	open := c.manualOrder("v2", "10.00", "USD", false)
	require.Equal(t, "0", c.post("/order/create", c.createBody("v3", "10.00", "USD"), nil).Code)
	require.NoError(t, c.srv.Settle(context.Background(), "v3", sim.Pay))
	paid := c.post("/order/inquiry", map[string]any{"paymentRequestId": "v3"}, nil).Data["acquiringOrderId"].(string)
	closed := c.manualOrder("v4", "10.00", "USD", false)
	require.NoError(t, c.srv.Settle(context.Background(), "v4", sim.Expire))
	tests := []struct {
		name string
		body map[string]any
		code string
	}{
		{"no captureRequestedAt (the sandbox's A0003)", without(c.captureBody(authed, "10.00"), "captureRequestedAt"), "A0003"},
		{"captureRequestedAt not a date-time", with(c.captureBody(authed, "10.00"), "captureRequestedAt", "yesterday"), "A0003"},
		{"no merchantId", without(c.captureBody(authed, "10.00"), "merchantId"), "A0003"},
		{"no captureAmount", without(c.captureBody(authed, "10.00"), "captureAmount"), "A0003"},
		{"no order id", without(c.captureBody(authed, "10.00"), "acquiringOrderId"), "A0003"},
		{"another merchant", with(c.captureBody(authed, "10.00"), "merchantId", "1000000999"), "A0004"},
		{"no such order", c.captureBody("W404", "10.00"), "A0009"},
		{"amount with one decimal", c.captureBody(authed, "10.0"), "A0003"},
		{"amount over the order's", c.captureBody(authed, "10.01"), "A0008"},
		{"amount under the order's", c.captureBody(authed, "9.99"), "A0008"},
		{"order not authorized yet", c.captureBody(open, "10.00"), "A0013"},
		{"automatic order, paid", c.captureBody(paid, "10.00"), "A0013"},
		{"expired order", c.captureBody(closed, "10.00"), "A0013"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := c.post("/order/capture", tt.body, nil)
			assert.Equal(t, tt.code, a.Code, a.Msg)
		})
	}
	assert.Empty(t, c.srv.Ledger().AllCaptures())
	assert.Equal(t, "AUTHED_WAITING_CAPTURE", c.orderStatus("v1"), "still capturable")
}

// A second capture of one order is refused (A0013) whether the first is in progress or settled, and
// the ledger holds one capture.
func TestCaptureTwiceIsRefused(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	c := newClient(t, waffotest.Config{Clock: clock, CaptureSettleAfter: time.Minute})
	acq := c.manualOrder("t1", "10.00", "USD", true)
	require.Equal(t, "0", c.post("/order/capture", c.captureBody(acq, "10.00"), nil).Code)
	assert.Equal(t, "A0013", c.post("/order/capture", c.captureBody(acq, "10.00"), nil).Code, "in progress")
	clock.Advance(time.Minute)
	assert.Equal(t, "A0013", c.post("/order/capture", c.captureBody(acq, "10.00"), nil).Code, "settled")
	assert.Len(t, c.srv.Ledger().Captures(acq), 1)
	assert.Empty(t, c.srv.Ledger().OverCaptured())
}

// Waffo has no void: cancelling an authorized or capturing order is A0013 and changes nothing;
// authorized orders never expire on their own (no auto-void is documented).
func TestNoVoid(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC))
	c := newClient(t, waffotest.Config{Clock: clock, CaptureSettleAfter: time.Minute})
	acq := c.manualOrder("n1", "10.00", "USD", true)
	cancel := map[string]any{"acquiringOrderId": acq, "merchantId": c.srv.MerchantID, "orderRequestedAt": "2026-11-21T08:00:00.000Z"}
	assert.Equal(t, "A0013", c.post("/order/cancel", cancel, nil).Code)
	clock.Advance(30 * 24 * time.Hour)
	assert.Equal(t, "AUTHED_WAITING_CAPTURE", c.orderStatus("n1"), "no auto-void")
	require.Equal(t, "0", c.post("/order/capture", c.captureBody(acq, "10.00"), nil).Code)
	assert.Equal(t, "A0013", c.post("/order/cancel", cancel, nil).Code, "capturing")
	refund := map[string]any{"refundRequestId": "r1", "acquiringOrderId": acq, "merchantId": c.srv.MerchantID,
		"requestedAt": "2026-11-21T08:00:00.000Z", "refundAmount": "10.00", "refundReason": "r"}
	assert.Equal(t, "A0014", c.post("/order/refund", refund, nil).Code, "nothing settled to refund yet")
	assert.Empty(t, c.srv.Ledger().AllRefunds())
}

// Every fault kind strikes /order/capture (faults are keyed by paygate.OpCapture): a kind that
// processes records the capture once, the others none.
func TestCaptureFaults(t *testing.T) {
	for _, kind := range waffotest.Faults() {
		t.Run(kind.String(), func(t *testing.T) {
			c := newClient(t, waffotest.Config{})
			acq := c.manualOrder("f1", "10.00", "USD", true)
			f := sim.Fault{Op: paygate.OpCapture, Kind: kind, Code: "E0001", Status: 503, Delay: 50 * time.Millisecond}
			c.srv.Inject(f)
			_ = c.postRaw("/order/capture", c.captureBody(acq, "10.00"))
			assert.Equal(t, 1, c.srv.Ledger().RequestsOf(paygate.OpCapture))
			want := 0
			if kind.Processes() {
				want = 1
			}
			assert.Len(t, c.srv.Ledger().Captures(acq), want)
		})
	}
}

func without(m map[string]any, k string) map[string]any { delete(m, k); return m }

func with(m map[string]any, k string, v any) map[string]any { m[k] = v; return m }

// postRaw sends a signed request and ignores the answer, which a fault may have broken.
func (c *client) postRaw(path string, body map[string]any) error {
	raw, err := json.Marshal(body)
	require.NoError(c.t, err)
	req, err := http.NewRequest(http.MethodPost, c.srv.URL+path, bytes.NewReader(raw))
	require.NoError(c.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-KEY", c.srv.APIKey)
	req.Header.Set("X-SIGNATURE", sign(c.key, raw))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.Body.Close()
}
