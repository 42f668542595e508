package memory_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// manualRequest is createRequest with manual capture.
func manualRequest(id string) *paygate.CreateRequest {
	req := createRequest(id)
	req.CaptureMode = paygate.CaptureManual
	return req
}

// authorized creates a USD 10.50 manual-capture payment for id and authorizes it.
func authorized(t *testing.T, g *memory.Gateway, id string) *paygate.Payment {
	t.Helper()
	mustCreate(t, g, manualRequest(id))
	require.NoError(t, g.Pay(id))
	p, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: id})
	require.NoError(t, err)
	require.Equal(t, status.PaymentAuthorized, p.Status)
	return p
}

func captureRequest(id, paymentRequestID, value string) *paygate.CaptureRequest {
	req := &paygate.CaptureRequest{CaptureRequestID: id, PaymentRequestID: paymentRequestID}
	if value != "" {
		req.Amount = amount(value, "USD")
	}
	return req
}

func TestCaptureWhole(t *testing.T) {
	g, clock, rcv := newEnv(t)
	ctx := context.Background()
	req := manualRequest("pay-1")
	req.NotifyURL = rcv.url()
	p := mustCreate(t, g, req)
	assert.Equal(t, status.PaymentRequiresAction, p.Status)
	assert.True(t, p.Captured.IsZero())
	order := g.Ledger().Orders("pay-1")[0]
	assert.Equal(t, paygate.CaptureManual, order.CaptureMode)

	require.NoError(t, g.Pay("pay-1"))
	p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentAuthorized, p.Status)
	assert.Equal(t, "authorized", p.ProviderStatus)
	assert.True(t, p.Captured.IsZero(), "nothing is taken while authorized")
	assert.Nil(t, p.Action, "the customer has nothing left to do")
	assert.Equal(t, status.PaymentAuthorized, g.Ledger().Orders("pay-1")[0].Status)
	require.NoError(t, g.Pay("pay-1"), "paying an authorized payment again changes nothing")

	clock.Advance(time.Hour) // past the payment's 30-minute TTL: an authorized payment does not expire
	got, err := g.Capture(ctx, captureRequest("cap-1", "pay-1", ""))
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, got.Status)
	assert.Equal(t, "succeeded", got.ProviderStatus)
	assert.Equal(t, "10.50 USD", got.Captured.String(), "zero Amount captures all of it")
	assert.Equal(t, start.Add(time.Hour), got.UpdatedAt)

	caps := g.Ledger().Captures("mem_pay_1")
	require.Len(t, caps, 1)
	assert.Equal(t, sim.Capture{RequestID: "cap-1", ProviderID: "mem_cap_1", ProviderPaymentID: "mem_pay_1",
		Amount: amount("10.50", "USD"), WireAmount: "10.50", CreatedAt: start.Add(time.Hour)}, caps[0])
	order = g.Ledger().Orders("pay-1")[0]
	assert.Equal(t, status.PaymentSucceeded, order.Status)
	assert.Equal(t, "10.50 USD", order.Captured.String())

	// the same capture again answers the payment as it is, and captures nothing more
	again, err := g.Capture(ctx, captureRequest("cap-1", "pay-1", ""))
	require.NoError(t, err)
	assert.Equal(t, got, again)
	// a second capture is refused
	_, err = g.Capture(ctx, captureRequest("cap-2", "pay-1", ""))
	pe := requireError(t, err, status.Failure, status.CodeInvalidState)
	assert.Contains(t, pe.Message, "already captured")
	assert.Len(t, g.Ledger().AllCaptures(), 1)
	assert.Empty(t, g.Ledger().OverCaptured())
	assert.Equal(t, 3, g.Ledger().RequestsOf(paygate.OpCapture))

	waitWebhooks(t, g)
	events := rcv.byID()
	require.Len(t, events, 2, "authorized, then captured")
	assert.Equal(t, status.PaymentAuthorized, events["evt_mem_pay_1_1"].Payment.Status)
	assert.Equal(t, got, events["evt_mem_pay_1_2"].Payment, "the capture is notified with what was captured")
}

func TestCapturePartial(t *testing.T) {
	g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
	ctx := context.Background()
	authorized(t, g, "pay-1")
	p, err := g.Capture(ctx, &paygate.CaptureRequest{CaptureRequestID: "cap-1", ProviderPaymentID: "mem_pay_1", Amount: amount("4.01", "USD")})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, p.Status)
	assert.Equal(t, "4.01 USD", p.Captured.String())
	assert.Equal(t, "10.50 USD", p.Amount.String(), "the amount stays what was authorized")
	assert.Equal(t, "4.01", g.Ledger().AllCaptures()[0].WireAmount)

	// refunds are of the captured money only
	_, err = g.Refund(ctx, refundRequest("ref-1", "pay-1", "4.02"))
	pe := requireError(t, err, status.Failure, status.CodeRefundNotAllowed)
	assert.Contains(t, pe.Message, "4.01 USD")
	_, err = g.Refund(ctx, refundRequest("ref-2", "pay-1", "4.01"))
	require.NoError(t, err)
	_, err = g.Refund(ctx, refundRequest("ref-3", "pay-1", "0.01"))
	requireError(t, err, status.Failure, status.CodeRefundNotAllowed)
}

// Exact amounts in currencies with 0 and 3 decimals, captured in part to the last minor unit.
func TestCaptureExactAmounts(t *testing.T) {
	for _, tt := range []struct{ value, currency, capture, wire string }{
		{"1050", "JPY", "1049", "1049"},
		{"1.250", "KWD", "1.249", "1.249"},
		{"149000", "IDR", "0.01", "0.01"},
	} {
		t.Run(tt.currency, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			req := manualRequest("pay-1")
			req.Amount = amount(tt.value, tt.currency)
			mustCreate(t, g, req)
			require.NoError(t, g.Pay("pay-1"))
			p, err := g.Capture(context.Background(), &paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: amount(tt.capture, tt.currency)})
			require.NoError(t, err)
			assert.True(t, amount(tt.capture, tt.currency).Equal(p.Captured), "captured %s", p.Captured)
			assert.Equal(t, tt.wire, g.Ledger().AllCaptures()[0].WireAmount)
		})
	}
}

func TestCaptureRefused(t *testing.T) {
	tests := []struct {
		name     string
		payment  func(t *testing.T, g *memory.Gateway, clock *sim.ManualClock) // prepares pay-1
		req      *paygate.CaptureRequest
		code     status.Code
		field    string
		message  string
		captures int // in the ledger afterwards
	}{
		{"unknown payment", func(*testing.T, *memory.Gateway, *sim.ManualClock) {}, captureRequest("cap-1", "pay-1", ""), status.CodeNotFound, "", "no payment", 0},
		{"ids of two payments", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) {
			authorized(t, g, "pay-1")
			authorized(t, g, "pay-2")
		},
			&paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", ProviderPaymentID: "mem_pay_2"}, status.CodeNotFound, "", "no payment", 0},
		{"automatic, unpaid", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) { mustCreate(t, g, createRequest("pay-1")) },
			captureRequest("cap-1", "pay-1", ""), status.CodeInvalidState, "", "automatic capture", 0},
		{"automatic, paid", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) { paid(t, g, "pay-1") },
			captureRequest("cap-1", "pay-1", ""), status.CodeInvalidState, "", "automatic capture", 0},
		{"manual, not authorized yet", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) { mustCreate(t, g, manualRequest("pay-1")) },
			captureRequest("cap-1", "pay-1", ""), status.CodeInvalidState, "", "not authorized it yet", 0},
		{"manual, failed", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) {
			mustCreate(t, g, manualRequest("pay-1"))
			require.NoError(t, g.Fail("pay-1", ""))
		}, captureRequest("cap-1", "pay-1", ""), status.CodeInvalidState, "", "FAILED", 0},
		{"manual, expired unpaid", func(t *testing.T, g *memory.Gateway, clock *sim.ManualClock) {
			mustCreate(t, g, manualRequest("pay-1"))
			clock.Advance(time.Hour)
		}, captureRequest("cap-1", "pay-1", ""), status.CodeInvalidState, "", "EXPIRED", 0},
		{"voided", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) {
			authorized(t, g, "pay-1")
			_, err := g.Cancel(context.Background(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
			require.NoError(t, err)
		}, captureRequest("cap-1", "pay-1", ""), status.CodeInvalidState, "", "canceled", 0},
		{"hold lapsed", func(t *testing.T, g *memory.Gateway, clock *sim.ManualClock) {
			authorized(t, g, "pay-1")
			clock.Advance(memory.AuthorizationHold)
		}, captureRequest("cap-1", "pay-1", ""), status.CodeInvalidState, "", "canceled", 0},
		{"already captured, new id", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) {
			authorized(t, g, "pay-1")
			_, err := g.Capture(context.Background(), captureRequest("cap-0", "pay-1", "1.00"))
			require.NoError(t, err)
		}, captureRequest("cap-1", "pay-1", "1.00"), status.CodeInvalidState, "", "already captured", 1},
		{"over the authorized amount", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) { authorized(t, g, "pay-1") },
			captureRequest("cap-1", "pay-1", "10.51"), status.CodeLimitExceeded, "Amount", "more than the authorized 10.50 USD", 0},
		{"another currency", func(t *testing.T, g *memory.Gateway, _ *sim.ManualClock) { authorized(t, g, "pay-1") },
			&paygate.CaptureRequest{CaptureRequestID: "cap-1", PaymentRequestID: "pay-1", Amount: amount("1", "EUR")}, status.CodeInvalidRequest, "Amount", "is in EUR", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := sim.NewManualClock(start)
			g := newGateway(t, memory.Config{Clock: clock})
			tt.payment(t, g, clock)
			p, err := g.Capture(context.Background(), tt.req)
			assert.Nil(t, p)
			pe := requireError(t, err, status.Failure, tt.code)
			assert.Equal(t, paygate.OpCapture, pe.Op)
			assert.Equal(t, string(tt.code), pe.ProviderCode)
			assert.Equal(t, tt.field, pe.Field)
			assert.Contains(t, pe.Message, tt.message)
			assert.Len(t, g.Ledger().AllCaptures(), tt.captures)
			assert.Empty(t, g.Ledger().OverCaptured())

			// a refused capture is not remembered: the same id is judged afresh, and refused again
			_, again := g.Capture(context.Background(), tt.req)
			assert.Equal(t, tt.code, paygate.CodeOf(again))
		})
	}
}

func TestCaptureIdempotencyConflict(t *testing.T) {
	tests := []struct {
		field  string
		change func(*paygate.CaptureRequest)
	}{
		{"Amount", func(r *paygate.CaptureRequest) { r.Amount = amount("2.00", "USD") }},
		{"Amount", func(r *paygate.CaptureRequest) { r.Amount = money.Amount{} }},
		{"PaymentRequestID", func(r *paygate.CaptureRequest) { r.PaymentRequestID = "pay-2" }},
		{"ProviderPaymentID", func(r *paygate.CaptureRequest) { r.ProviderPaymentID = "mem_pay_1" }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			authorized(t, g, "pay-1")
			authorized(t, g, "pay-2")
			_, err := g.Capture(context.Background(), captureRequest("cap-1", "pay-1", "1.00"))
			require.NoError(t, err)
			req := captureRequest("cap-1", "pay-1", "1.00")
			tt.change(req)
			_, err = g.Capture(context.Background(), req)
			pe := requireError(t, err, status.Failure, status.CodeIdempotencyConflict)
			assert.Contains(t, pe.Message, tt.field)
			assert.Len(t, g.Ledger().AllCaptures(), 1)
			p, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "pay-2"})
			require.NoError(t, err)
			assert.Equal(t, status.PaymentAuthorized, p.Status, "the other payment is untouched")
		})
	}
}

func TestVoid(t *testing.T) {
	g, clock, rcv := newEnv(t)
	ctx := context.Background()
	req := manualRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	require.NoError(t, g.Pay("pay-1"))
	clock.Advance(time.Minute)

	p, err := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1", Reason: "out of stock"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status)
	assert.Equal(t, "canceled", p.ProviderStatus)
	assert.True(t, p.Captured.IsZero(), "nothing was taken")
	assert.Equal(t, start.Add(time.Minute), p.UpdatedAt)
	assert.Equal(t, status.PaymentCanceled, g.Ledger().Orders("pay-1")[0].Status)
	assert.Empty(t, g.Ledger().AllCaptures())

	again, err := g.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err, "a second void answers the canceled payment")
	assert.Equal(t, p, again)
	require.Error(t, g.Pay("pay-1"), "a voided payment cannot be paid")

	waitWebhooks(t, g)
	events := rcv.byID()
	require.Len(t, events, 2)
	assert.Equal(t, status.PaymentCanceled, events["evt_mem_pay_1_2"].Payment.Status)
}

func TestRefundBeforeCapture(t *testing.T) {
	g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
	authorized(t, g, "pay-1")
	_, err := g.Refund(context.Background(), refundRequest("ref-1", "pay-1", "1.00"))
	pe := requireError(t, err, status.Failure, status.CodeInvalidState)
	assert.Contains(t, pe.Message, "capture it first, or cancel it")
	assert.Empty(t, g.Ledger().AllRefunds())
}

func TestAuthorizationHold(t *testing.T) {
	g, clock, rcv := newEnv(t)
	ctx := context.Background()
	req := manualRequest("pay-1")
	req.NotifyURL = rcv.url()
	mustCreate(t, g, req)
	clock.Advance(time.Minute)
	require.NoError(t, g.Pay("pay-1"))
	authorizedAt := start.Add(time.Minute)

	clock.Advance(memory.AuthorizationHold - time.Nanosecond)
	p, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentAuthorized, p.Status, "not yet")

	clock.Advance(time.Nanosecond)
	p, err = g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status, "the hold lapsed")
	assert.Equal(t, authorizedAt.Add(memory.AuthorizationHold), p.UpdatedAt)
	assert.Equal(t, status.PaymentCanceled, g.Ledger().Orders("pay-1")[0].Status)
	assert.Equal(t, memory.AuthorizationHold, memory.Capabilities().AuthorizationHold, "as declared")

	waitWebhooks(t, g)
	assert.Len(t, rcv.received(), 2, "authorized, then released")
}

// Settlements of an AUTHORIZED payment other than Pay are refused: capture or cancel it instead.
func TestSettleAuthorized(t *testing.T) {
	for _, s := range []sim.Settlement{sim.Fail, sim.Expire, sim.RequireAction} {
		t.Run(s.String(), func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			authorized(t, g, "pay-1")
			err := g.Settle(context.Background(), "pay-1", s)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "capture it, or cancel it")
			assert.Equal(t, status.PaymentAuthorized, g.Ledger().Orders("pay-1")[0].Status)
		})
	}
}

// An automatically captured payment's money is taken when it is paid: Captured is its Amount then,
// and zero before.
func TestAutomaticPaymentIsCaptured(t *testing.T) {
	g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
	p := mustCreate(t, g, createRequest("pay-1"))
	assert.True(t, p.Captured.IsZero())
	p = paid(t, g, "pay-1")
	assert.Equal(t, "10.50 USD", p.Captured.String())
	assert.True(t, g.Ledger().Orders("pay-1")[0].Captured.IsZero(), "the ledger counts captures, and there was none")
	assert.Empty(t, g.Ledger().AllCaptures())
}

// Faults on capture behave as on every write: those that process the request capture, the others do
// not; the identical capture sent again is answered without a second capture.
func TestFaultsOnCapture(t *testing.T) {
	tests := []struct {
		fault     sim.Fault
		outcome   status.Outcome
		code      status.Code
		processed bool
	}{
		{sim.Fault{Kind: sim.DropBeforeProcessing}, status.Unknown, status.CodeUnavailable, false},
		{sim.Fault{Kind: sim.LoseReply}, status.Unknown, status.CodeTimeout, true},
		{sim.Fault{Kind: sim.DelayReply, Delay: time.Millisecond}, status.Success, status.CodeOK, true},
		{sim.Fault{Kind: sim.ReplyStatus, Status: http.StatusTooManyRequests}, status.Unknown, status.CodeRateLimited, false},
		{sim.Fault{Kind: sim.ReplyStatus, Status: 503}, status.Unknown, status.CodeUnavailable, false},
		{sim.Fault{Kind: sim.ReplyCode, Code: "INVALID_STATE"}, status.Failure, status.CodeInvalidState, false},
		{sim.Fault{Kind: sim.ReplyCode, Code: "UNKNOWN"}, status.Unknown, status.CodeUnknown, false},
		{sim.Fault{Kind: sim.CorruptBody}, status.Unknown, status.CodeProviderError, true},
		{sim.Fault{Kind: sim.CorruptSignature}, status.Unknown, status.CodeProviderError, true},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			authorized(t, g, "pay-1")
			tt.fault.Op = paygate.OpCapture
			g.Inject(tt.fault)
			p, err := g.Capture(context.Background(), captureRequest("cap-1", "pay-1", ""))
			if tt.outcome == status.Success {
				require.NoError(t, err)
				assert.Equal(t, status.PaymentSucceeded, p.Status)
			} else {
				assert.Nil(t, p)
				pe := requireError(t, err, tt.outcome, tt.code)
				assert.Equal(t, paygate.OpCapture, pe.Op)
			}
			if tt.processed {
				assert.Len(t, g.Ledger().AllCaptures(), 1, "processed")
			} else {
				assert.Empty(t, g.Ledger().AllCaptures(), "not processed")
			}
			assert.Equal(t, 1, g.Ledger().Requests(paygate.OpCapture, "cap-1"))

			p, err = g.Capture(context.Background(), captureRequest("cap-1", "pay-1", ""))
			require.NoError(t, err, "the identical capture again")
			assert.Equal(t, "10.50 USD", p.Captured.String())
			assert.Len(t, g.Ledger().AllCaptures(), 1)
			assert.Empty(t, g.Ledger().OverCaptured())
		})
	}
}

// Through retry.Wrap a lost capture reply is resent with the same id and answered without a second
// capture; a capture whose every reply is lost is resolved by inquiry.
func TestCaptureThroughWrap(t *testing.T) {
	pol := retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, ResolveFor: time.Second}
	for _, times := range []int{1, 1000} {
		t.Run(fmt.Sprint(times), func(t *testing.T) {
			g := newGateway(t, memory.Config{Clock: sim.NewManualClock(start)})
			authorized(t, g, "pay-1")
			g.Inject(sim.Fault{Op: paygate.OpCapture, Kind: sim.LoseReply, Times: times})
			var rep retry.Report
			p, err := retry.Wrap(g, pol).Capture(retry.WithReport(context.Background(), &rep), captureRequest("cap-1", "pay-1", "5.00"))
			require.NoError(t, err)
			assert.Equal(t, "5.00 USD", p.Captured.String())
			assert.Len(t, g.Ledger().AllCaptures(), 1)
			assert.Empty(t, g.Ledger().OverCaptured())
			assert.Equal(t, times > 1, rep.Resolved, "resolved by inquiry only when every reply was lost")
		})
	}
}

// Concurrent captures of one payment under different ids: exactly one captures, the rest are
// INVALID_STATE.
func TestConcurrentCaptures(t *testing.T) {
	g := newGateway(t, memory.Config{})
	authorized(t, g, "pay-1")
	var wg sync.WaitGroup
	errs := make([]error, 30)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = g.Capture(context.Background(), captureRequest(fmt.Sprintf("cap-%d", i), "pay-1", "1.00"))
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			assert.Equal(t, status.CodeInvalidState, paygate.CodeOf(err))
		}
	}
	assert.Equal(t, 1, ok)
	assert.Len(t, g.Ledger().AllCaptures(), 1)
	assert.Empty(t, g.Ledger().OverCaptured())
}
