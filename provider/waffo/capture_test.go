package waffo

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// manualRequest is a manual-capture create.
func manualRequest(id, amount, currency string) *paygate.CreateRequest {
	req := createRequest(id, amount, currency)
	req.CaptureMode = paygate.CaptureManual
	req.Method = paygate.Method{Type: "CREDITCARD"}
	return req
}

// authorized creates a manual-capture payment and has the customer authorize it.
func authorized(t *testing.T, gw *Gateway, srv *waffotest.Server, id, amount, currency string) *paygate.Payment {
	t.Helper()
	p, err := gw.Create(ctx(t), manualRequest(id, amount, currency))
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), id, sim.Pay))
	return p
}

func requireCode(t *testing.T, err error, outcome status.Outcome, code status.Code) *paygate.Error {
	t.Helper()
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, outcome, pe.Outcome, "%v", err)
	assert.Equal(t, code, pe.Code, "%v", err)
	assert.NotEmpty(t, pe.Message)
	return pe
}

// TestManualCaptureFlow: manual create → the customer authorizes → AUTHORIZED with nothing captured
// → Capture → PENDING (CAPTURE_IN_PROGRESS) with the whole amount captured → SUCCEEDED, Captured
// exact, in currencies with 2 and 0 digits, by a zero Amount and by the exact amount.
func TestManualCaptureFlow(t *testing.T) {
	tests := []struct {
		name, amount, currency string
		explicit               bool
	}{
		{"USD, whole amount by zero Amount", "12.34", "USD", false},
		{"IDR, whole amount by zero Amount", "149000", "IDR", false},
		{"JPY, the exact amount", "1500", "JPY", true},
		{"EUR, the exact amount", "0.99", "EUR", true},
	}
	gw, srv := setup(t, waffotest.Config{})
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "cap-flow-" + string(rune('a'+i))
			want := money.MustParse(tt.amount, tt.currency)
			created := authorized(t, gw, srv, id, tt.amount, tt.currency)
			orders := srv.Ledger().Orders(id)
			require.Len(t, orders, 1)
			assert.Equal(t, paygate.CaptureManual, orders[0].CaptureMode, "captureMode manualCapture reached Waffo")

			p, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: id})
			require.NoError(t, err)
			assert.Equal(t, status.PaymentAuthorized, p.Status)
			assert.Equal(t, "AUTHED_WAITING_CAPTURE", p.ProviderStatus)
			assert.True(t, p.Captured.IsZero(), "nothing captured while authorized")

			req := &paygate.CaptureRequest{CaptureRequestID: "c-" + id, PaymentRequestID: id}
			if tt.explicit {
				req.Amount = want
			}
			p, err = gw.Capture(ctx(t), req)
			require.NoError(t, err)
			assert.Equal(t, status.PaymentPending, p.Status)
			assert.Equal(t, "CAPTURE_IN_PROGRESS", p.ProviderStatus)
			assert.True(t, p.Captured.Equal(want), "captured %s", p.Captured)
			assert.True(t, p.Amount.Equal(want))
			assert.Equal(t, created.ProviderPaymentID, p.ProviderPaymentID)
			assert.Equal(t, id, p.PaymentRequestID)

			caps := srv.Ledger().Captures(created.ProviderPaymentID)
			require.Len(t, caps, 1, "one capture")
			assert.True(t, caps[0].Amount.Equal(want))
			assert.Equal(t, tt.amount, caps[0].WireAmount, "Waffo's digits for %s", tt.currency)

			p, err = gw.Inquire(ctx(t), &paygate.InquireRequest{ProviderPaymentID: created.ProviderPaymentID})
			require.NoError(t, err)
			assert.Equal(t, status.PaymentSucceeded, p.Status)
			assert.True(t, p.Captured.Equal(want), "captured %s", p.Captured)
			assert.Equal(t, want.Currency(), p.Captured.Currency())
			assert.Equal(t, status.PaymentSucceeded, srv.Ledger().Orders(id)[0].Status)
		})
	}
	assert.Empty(t, srv.Ledger().OverCaptured())
	assert.Empty(t, srv.Undocumented())
}

// TestCaptureSettlesOnTheSimulatorsClock: a capture stays CAPTURE_IN_PROGRESS (PENDING, captured)
// until CaptureSettleAfter has passed, then PAY_SUCCESS arrives by inquiry and by a signed
// notification the adapter reads as SUCCEEDED with the amount captured.
func TestCaptureSettlesOnTheSimulatorsClock(t *testing.T) {
	clock := sim.NewManualClock(time.Now())
	gw, srv := setup(t, waffotest.Config{Clock: clock, CaptureSettleAfter: time.Minute}, func(c *Config) { c.Now = clock.Now })
	var mu sync.Mutex
	var events []*paygate.Event
	hook := httptest.NewServer(gw.WebhookHandler(func(_ context.Context, ev *paygate.Event) error {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, ev)
		return nil
	}))
	defer hook.Close()
	want := money.MustParse("25.00", "USD")
	req := manualRequest("cap-clock", "25.00", "USD")
	req.NotifyURL = hook.URL
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), "cap-clock", sim.Pay))
	_, err = gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: "c1", PaymentRequestID: "cap-clock"})
	require.NoError(t, err)

	p, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "cap-clock"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentPending, p.Status, "still capturing")
	assert.True(t, p.Captured.Equal(want))
	assert.True(t, retry.CaptureLanded(p), "a capture in progress has landed")

	clock.Advance(time.Minute)
	p, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "cap-clock"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, p.Status)
	assert.True(t, p.Captured.Equal(want))

	wctx, cancel := context.WithTimeout(ctx(t), 10*time.Second)
	defer cancel()
	require.NoError(t, srv.Webhooks().Wait(wctx))
	mu.Lock()
	defer mu.Unlock()
	var seen []string
	for _, ev := range events {
		require.Equal(t, paygate.EventPaymentUpdated, ev.Type)
		seen = append(seen, ev.Payment.ProviderStatus)
		switch ev.Payment.ProviderStatus {
		case "AUTHED_WAITING_CAPTURE":
			assert.Equal(t, status.PaymentAuthorized, ev.Payment.Status)
			assert.True(t, ev.Payment.Captured.IsZero())
		case "PAY_SUCCESS":
			assert.Equal(t, status.PaymentSucceeded, ev.Payment.Status)
			assert.True(t, ev.Payment.Captured.Equal(want), "captured %s", ev.Payment.Captured)
		}
	}
	assert.ElementsMatch(t, []string{"AUTHED_WAITING_CAPTURE", "PAY_SUCCESS"}, seen, "a signed notification when authorized and when paid")
}

// TestCaptureRefusals: every capture Waffo cannot take is F with the contract's code, and no capture
// reaches the ledger.
func TestCaptureRefusals(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	capture := func(id string, amount money.Amount) error {
		_, err := gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: "c-" + id, PaymentRequestID: id, Amount: amount})
		return err
	}
	var zero money.Amount
	tests := []struct {
		name    string
		prepare func(t *testing.T, id string)
		amount  money.Amount
		code    status.Code
		sent    bool // whether the capture reached Waffo (it refused it)
	}{
		{"automatic payment, paid", func(t *testing.T, id string) {
			_, err := gw.Create(ctx(t), createRequest(id, "10.00", "USD"))
			require.NoError(t, err)
			require.NoError(t, srv.Settle(ctx(t), id, sim.Pay))
		}, zero, status.CodeInvalidState, false},
		{"manual payment not authorized yet", func(t *testing.T, id string) {
			_, err := gw.Create(ctx(t), manualRequest(id, "10.00", "USD"))
			require.NoError(t, err)
		}, zero, status.CodeInvalidState, false},
		{"manual payment that expired", func(t *testing.T, id string) {
			_, err := gw.Create(ctx(t), manualRequest(id, "10.00", "USD"))
			require.NoError(t, err)
			require.NoError(t, srv.Settle(ctx(t), id, sim.Expire))
		}, zero, status.CodeInvalidState, false},
		{"manual payment cancelled before authorization", func(t *testing.T, id string) {
			_, err := gw.Create(ctx(t), manualRequest(id, "10.00", "USD"))
			require.NoError(t, err)
			_, err = gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: id})
			require.NoError(t, err)
		}, zero, status.CodeInvalidState, false},
		{"over the authorized amount", func(t *testing.T, id string) {
			authorized(t, gw, srv, id, "10.00", "USD")
		}, money.MustParse("10.01", "USD"), status.CodeLimitExceeded, false},
		{"partial: Waffo captures whole orders only", func(t *testing.T, id string) {
			authorized(t, gw, srv, id, "10.00", "USD")
		}, money.MustParse("4.00", "USD"), status.CodeNotSupported, false},
		{"another currency", func(t *testing.T, id string) {
			authorized(t, gw, srv, id, "10.00", "USD")
		}, money.MustParse("10.00", "EUR"), status.CodeInvalidRequest, false},
		{"no such payment", func(*testing.T, string) {}, zero, status.CodeNotFound, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id := "cap-ref-" + string(rune('a'+i))
			tt.prepare(t, id)
			before := srv.Ledger().RequestsOf(paygate.OpCapture)
			pe := requireCode(t, capture(id, tt.amount), status.Failure, tt.code)
			assert.Equal(t, paygate.OpCapture, pe.Op)
			assert.Equal(t, Name, pe.Provider)
			assert.Equal(t, before, srv.Ledger().RequestsOf(paygate.OpCapture), "refused before sending")
		})
	}
	assert.Empty(t, srv.Ledger().AllCaptures())
}

// TestCaptureTwice: a second capture of one order is F INVALID_STATE, whether the first is still in
// progress or settled, and the ledger holds one capture.
func TestCaptureTwice(t *testing.T) {
	for _, settleAfter := range []time.Duration{0, time.Hour} {
		t.Run(settleAfter.String(), func(t *testing.T) {
			gw, srv := setup(t, waffotest.Config{CaptureSettleAfter: settleAfter})
			p := authorized(t, gw, srv, "twice", "10.00", "USD")
			req := &paygate.CaptureRequest{CaptureRequestID: "c1", PaymentRequestID: "twice"}
			_, err := gw.Capture(ctx(t), req)
			require.NoError(t, err)
			pe := requireCode(t, func() error { _, err := gw.Capture(ctx(t), req); return err }(), status.Failure, status.CodeInvalidState)
			assert.Contains(t, pe.Message, "already")
			assert.Len(t, srv.Ledger().Captures(p.ProviderPaymentID), 1)
			assert.Empty(t, srv.Ledger().OverCaptured())
		})
	}
}

// TestCancelOfAnAuthorizedPayment: Waffo has no void (Capabilities.Void is false): the cancel is F
// INVALID_STATE (A0013), the payment stays AUTHORIZED and can still be captured. Capture after a
// cancel of an unpaid manual payment is covered in TestCaptureRefusals.
func TestCancelOfAnAuthorizedPayment(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	p := authorized(t, gw, srv, "novoid", "10.00", "USD")
	_, err := gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: "novoid"})
	pe := requireCode(t, err, status.Failure, status.CodeInvalidState)
	assert.Equal(t, "A0013", pe.ProviderCode)
	q, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "novoid"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentAuthorized, q.Status)
	_, err = gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: "c1", ProviderPaymentID: p.ProviderPaymentID})
	require.NoError(t, err)
	assert.Len(t, srv.Ledger().Captures(p.ProviderPaymentID), 1)
}

// TestRefundBeforeCapture: refunding an authorized payment is F INVALID_STATE, unsent; once captured
// and settled it can be refunded.
func TestRefundBeforeCapture(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	authorized(t, gw, srv, "refauth", "10.00", "USD")
	rreq := &paygate.RefundRequest{RefundRequestID: "r1", PaymentRequestID: "refauth", Amount: money.MustParse("10.00", "USD")}
	_, err := gw.Refund(ctx(t), rreq)
	requireCode(t, err, status.Failure, status.CodeInvalidState)
	assert.Zero(t, srv.Ledger().RequestsOf(paygate.OpRefund), "nothing sent")

	_, err = gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: "c1", PaymentRequestID: "refauth"})
	require.NoError(t, err)
	_, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "refauth"}) // settles the capture
	require.NoError(t, err)
	r, err := gw.Refund(ctx(t), rreq)
	require.NoError(t, err)
	assert.Equal(t, status.RefundSucceeded, r.Status)
}

// TestCaptureFaultsThroughRetry: each fault kind on /order/capture, through retry.Wrap, is never F;
// the ledger holds at most one capture; S only when the capture really happened, and then the payment
// shows the whole amount captured. A U capture is resolved by inquiry, never resent (Waffo's capture
// has no request id).
func TestCaptureFaultsThroughRetry(t *testing.T) {
	faults := []sim.Fault{
		{Kind: sim.DropBeforeProcessing},
		{Kind: sim.LoseReply},
		{Kind: sim.DelayReply, Delay: 600 * time.Millisecond},
		{Kind: sim.ReplyStatus, Status: 503},
		{Kind: sim.ReplyStatus, Status: 429},
		{Kind: sim.ReplyCode, Code: "E0001"},
		{Kind: sim.CorruptBody},
		{Kind: sim.CorruptSignature},
	}
	require.ElementsMatch(t, waffotest.Faults(), func() []sim.FaultKind {
		var ks []sim.FaultKind
		for _, f := range faults {
			if len(ks) == 0 || ks[len(ks)-1] != f.Kind {
				ks = append(ks, f.Kind)
			}
		}
		return ks
	}(), "every fault kind the simulator has")
	want := money.MustParse("149000", "IDR")
	for _, f := range faults {
		f.Op = paygate.OpCapture
		t.Run(f.String(), func(t *testing.T) {
			gw, srv := setup(t, waffotest.Config{})
			p := authorized(t, gw, srv, "capf", "149000", "IDR")
			wrapped := retry.Wrap(gw, retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: 2 * time.Second})
			srv.Inject(f)
			c, cancel := context.WithTimeout(ctx(t), 5*time.Second)
			if f.Kind == sim.DelayReply {
				c, cancel = context.WithTimeout(ctx(t), 150*time.Millisecond)
			}
			got, err := wrapped.Capture(c, &paygate.CaptureRequest{CaptureRequestID: "c1", PaymentRequestID: "capf"})
			cancel()
			out := paygate.OutcomeOf(err)
			t.Logf("%s: %s %v", f, out, err)
			require.NotEqual(t, status.Failure, out, "a fault on capture is never F: %v", err)
			caps := srv.Ledger().Captures(p.ProviderPaymentID)
			assert.LessOrEqual(t, len(caps), 1, "never two captures")
			assert.LessOrEqual(t, srv.Ledger().RequestsOf(paygate.OpCapture), 1, "a capture is never resent")
			if out == status.Success {
				assert.Len(t, caps, 1, "S only when it really captured")
				assert.True(t, got.Captured.Equal(want), "captured %s", got.Captured)
			}
			if !f.Kind.Processes() {
				assert.Empty(t, caps, "%s: nothing was processed", f.Kind)
			}
			// Whatever the answer, the payment tells the truth afterwards.
			if f.Kind == sim.DelayReply {
				time.Sleep(f.Delay) // the held reply's request was processed at once; let the reply go
			}
			q, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "capf"})
			require.NoError(t, err)
			if len(srv.Ledger().Captures(p.ProviderPaymentID)) == 1 {
				assert.True(t, retry.CaptureLanded(q))
				assert.True(t, q.Captured.Equal(want))
			} else {
				assert.Equal(t, status.PaymentAuthorized, q.Status)
				assert.True(t, q.Captured.IsZero())
			}
		})
	}
}

// TestCaptureReplies: what the adapter makes of each /order/capture answer, from a fake Waffo whose
// inquiry shows an authorized USD 10.00 order.
func TestCaptureReplies(t *testing.T) {
	keys, err := waffotest.GenerateKeys()
	require.NoError(t, err)
	wkey, err := provider.ParsePrivateKey(keys.WaffoPrivateKey)
	require.NoError(t, err)
	inquiry := `{"code":"0","msg":"Success","data":{"paymentRequestId":"p1","merchantOrderId":"m1","acquiringOrderId":"W1","orderStatus":"AUTHED_WAITING_CAPTURE","orderCurrency":"USD","orderAmount":"10.00"}}`
	ok := func(st string) string {
		return `{"code":"0","msg":"Success","data":{"paymentRequestId":"p1","merchantOrderId":"m1","acquiringOrderId":"W1","orderStatus":"` + st + `"}}`
	}
	tests := []struct {
		name    string
		status  int
		body    string
		outcome status.Outcome
		code    status.Code
		want    status.Payment
	}{
		{"capture in progress", 200, ok("CAPTURE_IN_PROGRESS"), status.Success, status.CodeOK, status.PaymentPending},
		{"captured at once", 200, ok("PAY_SUCCESS"), status.Success, status.CodeOK, status.PaymentSucceeded},
		{"success, but still authorized", 200, ok("AUTHED_WAITING_CAPTURE"), status.Unknown, status.CodeProviderError, ""},
		{"success, but closed", 200, ok("ORDER_CLOSE"), status.Unknown, status.CodeProviderError, ""},
		{"success with an undocumented status", 200, ok("CAPTURED"), status.Unknown, status.CodeProviderError, ""},
		{"success naming no order", 200, `{"code":"0","msg":"Success","data":{"orderStatus":"CAPTURE_IN_PROGRESS"}}`, status.Unknown, status.CodeProviderError, ""},
		{"data that does not parse", 200, `{"code":"0","msg":"Success","data":"captured"}`, status.Unknown, status.CodeProviderError, ""},
		{"wrong state", 400, `{"code":"A0013","msg":"cannot"}`, status.Failure, status.CodeInvalidState, ""},
		{"amount out of range", 400, `{"code":"A0008","msg":"amount"}`, status.Failure, status.CodeLimitExceeded, ""},
		{"missing parameter", 400, `{"code":"A0003","msg":"captureRequestedAt is required"}`, status.Failure, status.CodeInvalidRequest, ""},
		{"unknown", 500, `{"code":"E0001","msg":"unknown"}`, status.Unknown, status.CodeUnknown, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var captureBody map[string]any
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				status, body := 200, inquiry
				if strings.HasSuffix(r.URL.Path, "/order/capture") {
					status, body = tt.status, tt.body
					_ = json.NewDecoder(r.Body).Decode(&captureBody)
				}
				sig, err := signBody(wkey, []byte(body))
				require.NoError(t, err)
				w.Header().Set("X-SIGNATURE", sig)
				w.WriteHeader(status)
				_, _ = w.Write([]byte(body))
			}))
			defer ts.Close()
			gw, err := New(Config{BaseURL: ts.URL, APIKey: "k", MerchantID: "1000000201", PrivateKey: keys.MerchantPrivateKey,
				WaffoPublicKey: keys.WaffoPublicKey, Retry: retry.Policy{MaxAttempts: 1}})
			require.NoError(t, err)
			defer gw.Close()
			p, err := gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: "c1", PaymentRequestID: "p1"})
			assert.Equal(t, tt.outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, tt.code, paygate.CodeOf(err))
			require.NotNil(t, captureBody, "the capture was sent")
			assert.Equal(t, "10.00", captureBody["captureAmount"], "the whole order amount")
			assert.Equal(t, "W1", captureBody["acquiringOrderId"], "named by Waffo's id, learnt by the inquiry")
			assert.Equal(t, "1000000201", captureBody["merchantId"])
			assert.NotEmpty(t, captureBody["captureRequestedAt"])
			if tt.outcome != status.Success {
				return
			}
			assert.Equal(t, tt.want, p.Status)
			assert.True(t, p.Captured.Equal(money.MustParse("10.00", "USD")), "captured %s", p.Captured)
			assert.Equal(t, "m1", p.MerchantOrderID)
		})
	}
}
