package antom_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// authorized creates a manual-capture payment and has the customer authorize it.
func authorized(t *testing.T, srv *antomtest.Server, gw paygate.Gateway, amount, currency string) *paygate.CreateRequest {
	t.Helper()
	req := createRequest(amount, currency)
	req.CaptureMode = paygate.CaptureManual
	p, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.Equal(t, status.PaymentRequiresAction, p.Status)
	info, ok := srv.Payment(req.PaymentRequestID)
	require.True(t, ok)
	require.Equal(t, "MANUAL", info.CaptureMode, "pay carried paymentFactor.captureMode MANUAL")
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
	require.NoError(t, err)
	require.Equal(t, status.PaymentAuthorized, got.Status, "authorized, not captured")
	require.True(t, got.Captured.IsZero())
	return req
}

func errCode(t *testing.T, err error) (status.Outcome, status.Code) {
	t.Helper()
	require.Error(t, err)
	return paygate.OutcomeOf(err), paygate.CodeOf(err)
}

// Manual create → authorize → capture of the whole amount (zero Amount, by request id) → SUCCEEDED
// with Captured exact, in currencies of 2 and 0 digits; the same capture id again answers the same and
// captures nothing more; another capture id is F INVALID_STATE, unsent.
func TestCaptureFull(t *testing.T) {
	for _, c := range []struct{ amount, currency, wire string }{{"19.99", "USD", "1999"}, {"1999", "JPY", "1999"}} {
		t.Run(c.currency, func(t *testing.T) {
			srv, gw := newEnv(t, antomtest.Config{})
			req := authorized(t, srv, gw, c.amount, c.currency)
			want := money.MustParse(c.amount, c.currency)
			orders := srv.Ledger().Orders(req.PaymentRequestID)
			require.Len(t, orders, 1)
			assert.Equal(t, paygate.CaptureManual, orders[0].CaptureMode)
			assert.Equal(t, status.PaymentAuthorized, orders[0].Status)

			capReq := &paygate.CaptureRequest{CaptureRequestID: id("cap"), PaymentRequestID: req.PaymentRequestID}
			p, err := gw.Capture(ctx(t), capReq)
			require.NoError(t, err)
			assert.Equal(t, status.PaymentSucceeded, p.Status)
			assert.True(t, p.Captured.Equal(want), "captured %s", p.Captured)
			assert.True(t, p.Amount.Equal(want))
			assert.Equal(t, req.PaymentRequestID, p.PaymentRequestID)
			caps := srv.Ledger().Captures(p.ProviderPaymentID)
			require.Len(t, caps, 1)
			assert.Equal(t, c.wire, caps[0].WireAmount)
			assert.Equal(t, capReq.CaptureRequestID, caps[0].RequestID)

			got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
			require.NoError(t, err)
			assert.Equal(t, status.PaymentSucceeded, got.Status)
			assert.True(t, got.Captured.Equal(want), "inquiry shows %s captured", got.Captured)

			again, err := gw.Capture(ctx(t), capReq)
			require.NoError(t, err, "the same capture id answers the same")
			assert.Equal(t, status.PaymentSucceeded, again.Status)
			assert.True(t, again.Captured.Equal(want))

			sent := srv.Ledger().RequestsOf(paygate.OpCapture)
			_, err = gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: id("cap"), ProviderPaymentID: p.ProviderPaymentID})
			o, code := errCode(t, err)
			assert.Equal(t, status.Failure, o)
			assert.Equal(t, status.CodeInvalidState, code)
			assert.Equal(t, sent, srv.Ledger().RequestsOf(paygate.OpCapture), "refused before sending")
			assert.Len(t, srv.Ledger().Captures(p.ProviderPaymentID), 1)
			assert.Empty(t, srv.Ledger().OverCaptured())
		})
	}
}

// A partial capture takes exactly the amount asked, marked as the last capture; refunds are of the
// captured money only.
func TestCapturePartial(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{})
	req := authorized(t, srv, gw, "19.99", "USD")
	p, err := gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: id("cap"), PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("5.01", "USD")})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, p.Status)
	assert.True(t, p.Captured.Equal(money.MustParse("5.01", "USD")), p.Captured.String())
	caps := srv.Ledger().Captures(p.ProviderPaymentID)
	require.Len(t, caps, 1)
	assert.Equal(t, "501", caps[0].WireAmount)
	got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
	require.NoError(t, err)
	assert.True(t, got.Captured.Equal(money.MustParse("5.01", "USD")))
	_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: id("r"), PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("5.02", "USD")})
	o, code := errCode(t, err)
	assert.Equal(t, status.Failure, o)
	assert.Equal(t, status.CodeRefundNotAllowed, code, "more than was captured")
	r, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: id("r"), PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("5.01", "USD")})
	require.NoError(t, err)
	assert.Equal(t, status.RefundSucceeded, r.Status)
}

// The refusals, each F with its normalized code and nothing sent to capture or refund: an automatic
// payment, an unpaid one, over the authorized amount, another currency, a voided one, a refund before
// capture.
func TestCaptureRefused(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{})
	auto := createRequest("10.00", "USD")
	_, err := gw.Create(ctx(t), auto)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), auto.PaymentRequestID, sim.Pay))
	paid, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: auto.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, paid.Status)
	assert.True(t, paid.Captured.Equal(paid.Amount), "an automatic payment is captured when paid")

	unpaid := createRequest("10.00", "USD")
	unpaid.CaptureMode = paygate.CaptureManual
	_, err = gw.Create(ctx(t), unpaid)
	require.NoError(t, err)
	held := authorized(t, srv, gw, "10.00", "USD")
	voided := authorized(t, srv, gw, "10.00", "USD")
	v, err := gw.Cancel(ctx(t), &paygate.CancelRequest{PaymentRequestID: voided.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, v.Status, "the void")
	got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: voided.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, got.Status)

	for _, c := range []struct {
		name string
		req  *paygate.CaptureRequest
		code status.Code
	}{
		{"automatic", &paygate.CaptureRequest{PaymentRequestID: auto.PaymentRequestID}, status.CodeInvalidState},
		{"unpaid", &paygate.CaptureRequest{PaymentRequestID: unpaid.PaymentRequestID}, status.CodeInvalidState},
		{"voided", &paygate.CaptureRequest{PaymentRequestID: voided.PaymentRequestID}, status.CodeInvalidState},
		{"over", &paygate.CaptureRequest{PaymentRequestID: held.PaymentRequestID, Amount: money.MustParse("10.01", "USD")}, status.CodeLimitExceeded},
		{"currency", &paygate.CaptureRequest{PaymentRequestID: held.PaymentRequestID, Amount: money.MustParse("10", "JPY")}, status.CodeInvalidRequest},
		{"no such payment", &paygate.CaptureRequest{PaymentRequestID: "nope"}, status.CodeNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.req.CaptureRequestID = id("cap")
			_, err := gw.Capture(ctx(t), c.req)
			o, code := errCode(t, err)
			assert.Equal(t, status.Failure, o, err.Error())
			assert.Equal(t, c.code, code, err.Error())
		})
	}
	_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: id("r"), PaymentRequestID: held.PaymentRequestID, Amount: money.MustParse("1.00", "USD")})
	o, code := errCode(t, err)
	assert.Equal(t, status.Failure, o)
	assert.Equal(t, status.CodeInvalidState, code, "refund before capture")
	assert.Zero(t, srv.Ledger().RequestsOf(paygate.OpCapture), "no capture was sent")
	assert.Zero(t, srv.Ledger().RequestsOf(paygate.OpRefund), "no refund was sent")
	assert.Empty(t, srv.Ledger().AllCaptures())
}

// Antom's over-amount answer, had the adapter sent it, is F LIMIT_EXCEEDED; the simulator answers it.
func TestCaptureOverAmountAtAntom(t *testing.T) {
	srv, gw := newEnv(t, antomtest.Config{})
	held := authorized(t, srv, gw, "10.00", "USD")
	srv.Inject(sim.Fault{Op: paygate.OpCapture, Kind: sim.ReplyCode, Code: "CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT"})
	_, err := gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: id("cap"), PaymentRequestID: held.PaymentRequestID})
	o, code := errCode(t, err)
	assert.Equal(t, status.Failure, o)
	assert.Equal(t, status.CodeLimitExceeded, code)
	assert.Empty(t, srv.Ledger().AllCaptures())
}

// An authorization not captured within 7 days lapses: the payment is CANCELED and cannot be captured.
func TestCaptureAfterTheHoldLapsed(t *testing.T) {
	clock := sim.NewManualClock(time.Now())
	srv, gw := newEnv(t, antomtest.Config{Clock: clock}, func(c *antom.Config) { c.Now = clock.Now })
	held := authorized(t, srv, gw, "10.00", "USD")
	srv.AdvanceClock(7*24*time.Hour - time.Minute)
	got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: held.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentAuthorized, got.Status)
	srv.AdvanceClock(time.Minute)
	got, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: held.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, got.Status)
	assert.Equal(t, status.PaymentCanceled, srv.Ledger().Orders(held.PaymentRequestID)[0].Status)
	_, err = gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: id("cap"), PaymentRequestID: held.PaymentRequestID})
	o, code := errCode(t, err)
	assert.Equal(t, status.Failure, o)
	assert.Equal(t, status.CodeInvalidState, code)
}

// Every fault kind on capture, through retry.Wrap: never F, at most one capture in the ledger, and a
// capture that landed shows Captured exact.
func TestCaptureFaults(t *testing.T) {
	for _, f := range []sim.Fault{
		{Kind: sim.DropBeforeProcessing}, {Kind: sim.LoseReply}, {Kind: sim.DelayReply, Delay: 300 * time.Millisecond},
		{Kind: sim.ReplyStatus, Status: http.StatusBadGateway}, {Kind: sim.ReplyCode, Code: "UNKNOWN_EXCEPTION"},
		{Kind: sim.ReplyCode, Code: "CAPTURE_IN_PROCESS"}, {Kind: sim.CorruptBody}, {Kind: sim.CorruptSignature},
	} {
		t.Run(f.Kind.String()+f.Code, func(t *testing.T) {
			srv, gw := newEnv(t, antomtest.Config{}, func(c *antom.Config) {
				c.HTTPClient = &http.Client{Timeout: 150 * time.Millisecond}
				c.Retry = retry.Policy{MaxAttempts: 1}
			})
			held := authorized(t, srv, gw, "19.99", "USD")
			f.Op, f.Times = paygate.OpCapture, 1
			srv.Inject(f)
			w := retry.Wrap(gw, retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: 3 * time.Second})
			p, err := w.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: id("cap"), PaymentRequestID: held.PaymentRequestID})
			assert.NotEqual(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
			caps := srv.Ledger().AllCaptures()
			assert.LessOrEqual(t, len(caps), 1)
			if err == nil {
				assert.True(t, p.Captured.Equal(money.MustParse("19.99", "USD")), p.Captured.String())
				assert.Len(t, caps, 1)
			}
			assert.Empty(t, srv.Ledger().OverCaptured())
		})
	}
}

// The notifications of a manual payment: the authorization (PAYMENT_RESULT S) reaches the merchant as
// AUTHORIZED — the inquiry tells it from a capture — and the capture (CAPTURE_RESULT S) as SUCCEEDED
// with Captured, both verified and acknowledged.
func TestCaptureNotifications(t *testing.T) {
	srv, gw, ev, base := receiverEnv(t, antomtest.Config{})
	req := createRequest("19.99", "USD")
	req.CaptureMode = paygate.CaptureManual
	req.NotifyURL = base + "/antom/notify"
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	require.NoError(t, srv.Webhooks().Wait(ctx(t)))
	p, err := gw.Capture(ctx(t), &paygate.CaptureRequest{CaptureRequestID: id("cap"), PaymentRequestID: req.PaymentRequestID, Amount: money.MustParse("9.99", "USD")})
	require.NoError(t, err)
	require.NoError(t, srv.Webhooks().Wait(ctx(t)))
	got := ev.all()
	require.Len(t, got, 2)
	assert.Equal(t, status.PaymentAuthorized, got[0].Payment.Status)
	assert.True(t, got[0].Payment.Captured.IsZero())
	assert.Equal(t, paygate.EventPaymentUpdated, got[1].Type)
	assert.Equal(t, status.PaymentSucceeded, got[1].Payment.Status)
	assert.Equal(t, p.ProviderPaymentID, got[1].Payment.ProviderPaymentID)
	assert.Equal(t, req.PaymentRequestID, got[1].Payment.PaymentRequestID, "completed from the inquiry")
	assert.True(t, got[1].Payment.Captured.Equal(money.MustParse("9.99", "USD")))
	assert.True(t, got[1].Payment.Amount.Equal(money.MustParse("19.99", "USD")))
	for _, d := range srv.Webhooks().Deliveries() {
		assert.True(t, d.Acked, "acknowledged")
	}
}

// A PAYMENT_RESULT S whose payment cannot be inquired is refused, so Antom sends it again: it may be
// an authorization only.
func TestPaymentNotificationNeedsTheInquiry(t *testing.T) {
	srv, _, ev, base := receiverEnv(t, antomtest.Config{})
	body := `{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"x","paymentId":"unknown","paymentAmount":{"currency":"USD","value":"100"}}`
	code, reply, err := srv.Deliver(context.Background(), base+"/antom/notify", []byte(body), antomtest.DeliverOptions{})
	require.NoError(t, err)
	assert.Equal(t, http.StatusInternalServerError, code)
	assert.False(t, antom.WebhookAcked(code, reply))
	assert.Empty(t, ev.all())
}

// A capture Antom accepts but still processes: the capture answers U; retry.Wrap resends the same
// capture id, and the adapter's inquiry finds the capture in PROCESSING: PENDING with Captured counted,
// one capture in the ledger. When Antom finishes, notifyCapture and the inquiry say SUCCEEDED.
func TestCaptureInProcess(t *testing.T) {
	srv, gw, ev, base := receiverEnv(t, antomtest.Config{})
	req := createRequest("19.99", "USD")
	req.CaptureMode = paygate.CaptureManual
	req.NotifyURL = base + "/antom/notify"
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	srv.DeferCaptures(true)
	capReq := &paygate.CaptureRequest{CaptureRequestID: id("cap"), PaymentRequestID: req.PaymentRequestID}
	_, err = gw.Capture(ctx(t), capReq)
	o, code := errCode(t, err)
	assert.Equal(t, status.Unknown, o)
	assert.Equal(t, status.CodeUnknown, code)

	w := retry.Wrap(gw, retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: 2 * time.Second})
	p, err := w.Capture(ctx(t), capReq)
	require.NoError(t, err)
	assert.Equal(t, status.PaymentPending, p.Status)
	assert.True(t, p.Captured.Equal(money.MustParse("19.99", "USD")), p.Captured.String())
	assert.Len(t, srv.Ledger().Captures(p.ProviderPaymentID), 1)
	assert.Equal(t, status.PaymentPending, srv.Ledger().Orders(req.PaymentRequestID)[0].Status)

	srv.CompleteCaptures()
	require.NoError(t, srv.Webhooks().Wait(ctx(t)))
	got, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, got.Status)
	assert.True(t, got.Captured.Equal(money.MustParse("19.99", "USD")))
	events := ev.all()
	require.NotEmpty(t, events)
	last := events[len(events)-1]
	assert.Equal(t, status.PaymentSucceeded, last.Payment.Status)
	assert.True(t, last.Payment.Captured.Equal(money.MustParse("19.99", "USD")))
	assert.Len(t, srv.Ledger().Captures(p.ProviderPaymentID), 1)
}
