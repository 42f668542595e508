package conformance

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// capturePoll bounds how long the suite inquires a capture the provider still processes (PENDING)
// before it must show SUCCEEDED.
const capturePoll = 5 * time.Second

// captureFaultDeadline bounds a capture struck by a fault under retry.Wrap.
const captureFaultDeadline = 10 * time.Second

// needCapture skips a case when the provider offers no manual capture.
func (s *suite) needCapture() {
	s.t.Helper()
	s.need(s.Caps.ManualCapture, "manual capture")
}

// manualRequest is a new create request asking for manual capture.
func (s *suite) manualRequest() *paygate.CreateRequest {
	req := s.createRequest()
	req.CaptureMode = paygate.CaptureManual
	return req
}

// authorized creates a manual-capture payment, plays the customer paying it, and checks that it is
// AUTHORIZED with nothing captured, at the adapter and in the simulator's ledger.
func (s *suite) authorized() (*paygate.CreateRequest, *paygate.Payment) {
	s.t.Helper()
	req := s.manualRequest()
	p := s.create(s.Gateway, req)
	assert.False(s.t, p.Status.Final(), "a new manual-capture payment is not final: %s", p.Status)
	assert.False(s.t, p.Captured.IsPositive(), "nothing is captured before the customer pays: %s", p.Captured)
	require.NoError(s.t, s.Sim.Settle(s.ctx, req.PaymentRequestID, sim.Pay))
	got := s.inquire(req, p)
	require.Equal(s.t, status.PaymentAuthorized, got.Status, "a manual-capture payment the customer paid is AUTHORIZED")
	assert.False(s.t, got.Captured.IsPositive(), "nothing is captured while AUTHORIZED: %s", got.Captured)
	order := s.oneOrder(req.PaymentRequestID)
	assert.Equal(s.t, status.PaymentAuthorized, order.Status, "ledger agrees")
	assert.Empty(s.t, s.Sim.Ledger().Captures(p.ProviderPaymentID), "no capture yet")
	return req, got
}

// captureRequest captures amount (the zero Amount: all of it) of p.
func (s *suite) captureRequest(p *paygate.Payment, amount money.Amount) *paygate.CaptureRequest {
	return &paygate.CaptureRequest{
		CaptureRequestID: s.id("pk"), PaymentRequestID: p.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID, Amount: amount,
	}
}

// checkCaptureAnswer checks an S answer to a capture: the provider accepted it, so the payment is
// SUCCEEDED, or PENDING while the provider still processes it, and Captured is what was asked.
func (s *suite) checkCaptureAnswer(got *paygate.Payment, req *paygate.CreateRequest, want money.Amount) {
	s.t.Helper()
	s.checkPayment(got, req)
	assert.Contains(s.t, []status.Payment{status.PaymentSucceeded, status.PaymentPending}, got.Status,
		"an accepted capture leaves the payment SUCCEEDED (or PENDING while the provider processes it)")
	assert.True(s.t, got.Captured.Equal(want), "Payment.Captured %s after capturing %s", got.Captured, want)
}

// settled inquires a captured payment until it is no longer PENDING (within capturePoll) and checks it
// SUCCEEDED with Captured exactly want, and the ledger holds exactly that one capture.
func (s *suite) settled(req *paygate.CreateRequest, p *paygate.Payment, got *paygate.Payment, want money.Amount) *paygate.Payment {
	s.t.Helper()
	deadline := time.Now().Add(capturePoll)
	for got.Status == status.PaymentPending && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		got = s.inquire(req, p)
	}
	assert.Equal(s.t, status.PaymentSucceeded, got.Status, "a captured payment ends SUCCEEDED")
	assert.True(s.t, got.Captured.Equal(want), "Payment.Captured %s, captured %s", got.Captured, want)
	s.oneCapture(p, want)
	return got
}

// oneCapture checks the simulator captured the payment exactly once, for want, and nothing twice.
func (s *suite) oneCapture(p *paygate.Payment, want money.Amount) {
	s.t.Helper()
	caps := s.Sim.Ledger().Captures(p.ProviderPaymentID)
	if assert.Len(s.t, caps, 1, "captures in the simulator's ledger for %s", p.ProviderPaymentID) {
		assert.True(s.t, caps[0].Amount.Equal(want), "the simulator captured %s, asked %s", caps[0].Amount, want)
	}
	assert.Empty(s.t, s.Sim.Ledger().OverCaptured(), "double or over captures")
}

// noCapture checks the simulator captured nothing of p and p is still AUTHORIZED.
func (s *suite) noCapture(req *paygate.CreateRequest, p *paygate.Payment) {
	s.t.Helper()
	assert.Empty(s.t, s.Sim.Ledger().Captures(p.ProviderPaymentID), "nothing was captured")
	assert.Equal(s.t, status.PaymentAuthorized, s.inquire(req, p).Status, "the payment still holds the money")
}

// refused checks err is F with code.
func refused(t *testing.T, err error, code status.Code, what string) {
	t.Helper()
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%s: %v", what, err)
	assert.Equal(t, code, paygate.CodeOf(err), "%s: %v", what, err)
}

// captureFaults are the faults the capture fault cases strike with: each wire fault kind the
// simulator can inject, and ReplyCode with each U code Env.FaultCodes lists for capture.
func (s *suite) captureFaults() []sim.Fault {
	var fs []sim.Fault
	for _, k := range wireFaults {
		if slices.Contains(s.Caps.Faults, k) {
			fs = append(fs, fault(paygate.OpCapture, k, 1))
		}
	}
	if slices.Contains(s.Caps.Faults, sim.ReplyCode) {
		for _, fc := range s.FaultCodes {
			if fc.Op == paygate.OpCapture && fc.Outcome == status.Unknown {
				fs = append(fs, sim.Fault{Op: paygate.OpCapture, Kind: sim.ReplyCode, Code: fc.ProviderCode, Times: 1})
			}
		}
	}
	return fs
}

// replayed reports whether f answers a code the harness marks FaultCode.Replayed.
func (s *suite) replayed(f sim.Fault) bool {
	if f.Kind != sim.ReplyCode {
		return false
	}
	for _, fc := range s.FaultCodes {
		if fc.Op == f.Op && fc.ProviderCode == f.Code && fc.Replayed {
			return true
		}
	}
	return false
}

// eachCaptureFault runs check per capture fault on a fresh Env with an AUTHORIZED payment.
func eachCaptureFault(t *testing.T, h Harness, check func(t *testing.T, s *suite, f sim.Fault, req *paygate.CreateRequest, p *paygate.Payment)) {
	probe := newSuite(t, h)
	probe.needCapture()
	faults := probe.captureFaults()
	if len(faults) == 0 {
		t.Skip("skipped: the simulator injects no fault the capture cases use")
	}
	for _, f := range faults {
		name := f.Kind.String()
		if f.Kind == sim.ReplyCode {
			name += "/" + f.Code
		}
		t.Run(name, func(t *testing.T) {
			s := newSuite(t, h)
			req, p := s.authorized()
			check(t, s, f, req, p)
		})
	}
}

var captureCases = []testCase{
	{"authorize-then-capture", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		req, p := s.authorized()
		got, err := s.Gateway.Capture(s.ctx, s.captureRequest(p, money.Amount{}))
		require.NoError(t, err, "capture all of an AUTHORIZED payment")
		s.checkCaptureAnswer(got, req, p.Amount)
		assert.Equal(t, p.ProviderPaymentID, got.ProviderPaymentID, "the payment captured is the one asked")
		s.settled(req, p, got, p.Amount)
		byProvider, err := s.Gateway.Inquire(s.ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
		require.NoError(t, err)
		assert.True(t, byProvider.Captured.Equal(p.Amount), "inquired by ProviderPaymentID: Captured %s", byProvider.Captured)
	}},
	{"partial", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		s.need(s.Caps.PartialCapture, "partial capture")
		req, p := s.authorized()
		part := minor(p.Amount, p.Amount.Minor()/2) // 9.99 of 19.99, 617 of 1234 JPY, 0.502 of 1.005 KWD
		got, err := s.Gateway.Capture(s.ctx, s.captureRequest(p, part))
		require.NoError(t, err, "capture %s of %s", part, p.Amount)
		s.checkCaptureAnswer(got, req, part)
		got = s.settled(req, p, got, part)
		assert.True(t, got.Amount.Equal(req.Amount), "Amount stays what was authorized: %s", got.Amount)

		// Refunds are of captured money only.
		over := s.refundRequest(got, minor(part, part.Minor()+1))
		_, err = s.Gateway.Refund(s.ctx, over)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "refunding more than was captured: %v", err)
		assert.Empty(t, s.Sim.Ledger().Refunds(over.RefundRequestID), "nothing refunded")
	}},
	{"partial-not-offered", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		if s.Caps.PartialCapture {
			t.Skip("skipped: the provider offers partial capture")
		}
		req, p := s.authorized()
		before := s.Sim.Ledger().RequestsOf(paygate.OpCapture)
		_, err := s.Gateway.Capture(s.ctx, s.captureRequest(p, minor(p.Amount, p.Amount.Minor()/2)))
		refused(t, err, status.CodeNotSupported, "a partial capture where none is offered")
		assert.Equal(t, before, s.Sim.Ledger().RequestsOf(paygate.OpCapture), "no capture was sent")
		s.noCapture(req, p)
	}},
	{"same-capture-twice", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		s.need(retry.IdempotencyOf(s.Gateway, paygate.OpCapture).Dedupes, "capture deduped by CaptureRequestID")
		req, p := s.authorized()
		creq := s.captureRequest(p, money.Amount{})
		first, err := s.Gateway.Capture(s.ctx, creq)
		require.NoError(t, err)
		again := *creq
		second, err := s.Gateway.Capture(s.ctx, &again)
		require.NoError(t, err, "the identical capture is answered, not refused")
		assert.Equal(t, first.ProviderPaymentID, second.ProviderPaymentID)
		s.checkCaptureAnswer(second, req, p.Amount)
		s.settled(req, p, second, p.Amount)
	}},
	{"second-capture-new-id", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		req, p := s.authorized()
		got, err := s.Gateway.Capture(s.ctx, s.captureRequest(p, money.Amount{}))
		require.NoError(t, err)
		s.settled(req, p, got, p.Amount)
		second := s.captureRequest(p, money.Amount{})
		_, err = s.Gateway.Capture(s.ctx, second)
		refused(t, err, status.CodeInvalidState, "a second capture of a captured payment")
		s.oneCapture(p, p.Amount)
	}},
	{"over-capture", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		req, p := s.authorized()
		over, err := p.Amount.Add(minor(p.Amount, 1))
		require.NoError(t, err)
		_, err = s.Gateway.Capture(s.ctx, s.captureRequest(p, over))
		refused(t, err, status.CodeLimitExceeded, "capturing one minor unit more than authorized")
		s.noCapture(req, p)
	}},
	{"automatic-payment", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		_, p := s.paid()
		_, err := s.Gateway.Capture(s.ctx, s.captureRequest(p, money.Amount{}))
		refused(t, err, status.CodeInvalidState, "capture of an automatically captured payment")
		assert.Empty(t, s.Sim.Ledger().AllCaptures(), "nothing was captured")
	}},
	{"unauthorized", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		req := s.manualRequest()
		p := s.create(s.Gateway, req)
		_, err := s.Gateway.Capture(s.ctx, s.captureRequest(p, money.Amount{}))
		refused(t, err, status.CodeInvalidState, "capture before the customer authorized the payment")
		assert.Empty(t, s.Sim.Ledger().AllCaptures(), "nothing was captured")
		assert.False(t, s.inquire(req, p).Captured.IsPositive())
	}},
	{"refund-before-capture", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		req, p := s.authorized()
		rreq := s.refundRequest(p, p.Amount)
		_, err := s.Gateway.Refund(s.ctx, rreq)
		refused(t, err, status.CodeInvalidState, "refund of an AUTHORIZED payment, nothing captured")
		assert.Empty(t, s.Sim.Ledger().Refunds(rreq.RefundRequestID), "nothing refunded")
		s.noCapture(req, p)
	}},
	{"void", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		s.need(s.Caps.Void, "void (Cancel of an AUTHORIZED payment)")
		req, p := s.authorized()
		got, err := s.Gateway.Cancel(s.ctx, &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID, Reason: "out of stock"})
		require.NoError(t, err, "void an AUTHORIZED payment")
		assert.Equal(t, status.PaymentCanceled, got.Status)
		inq := s.inquire(req, p)
		assert.Equal(t, status.PaymentCanceled, inq.Status)
		assert.False(t, inq.Captured.IsPositive(), "a voided payment captured nothing: %s", inq.Captured)
		assert.Equal(t, status.PaymentCanceled, s.oneOrder(req.PaymentRequestID).Status, "ledger agrees")
		assert.Empty(t, s.Sim.Ledger().Captures(p.ProviderPaymentID))
	}},
	{"capture-after-void", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.needCapture()
		s.need(s.Caps.Void, "void (Cancel of an AUTHORIZED payment)")
		req, p := s.authorized()
		_, err := s.Gateway.Cancel(s.ctx, &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID})
		require.NoError(t, err)
		_, err = s.Gateway.Capture(s.ctx, s.captureRequest(p, money.Amount{}))
		refused(t, err, status.CodeInvalidState, "capture of a voided payment")
		assert.Empty(t, s.Sim.Ledger().Captures(p.ProviderPaymentID), "nothing was captured")
		assert.Equal(t, status.PaymentCanceled, s.inquire(req, p).Status)
	}},
	{"faults", func(t *testing.T, h Harness) {
		// Each fault once, through retry.Wrap: never F; S only with exactly the one capture; U only
		// where the capture may not be resent or the deadline passed; and then the merchant's inquiry
		// (and, if it shows nothing captured, the same capture again) converges on one capture.
		eachCaptureFault(t, h, func(t *testing.T, s *suite, f sim.Fault, req *paygate.CreateRequest, p *paygate.Payment) {
			creq := s.captureRequest(p, money.Amount{})
			s.Sim.Inject(f)
			ctx, cancel := context.WithTimeout(s.ctx, captureFaultDeadline)
			if f.Kind == sim.DelayReply {
				ctx, cancel = context.WithTimeout(s.ctx, delayTimeout)
			}
			got, err := s.wrapped(fastPolicy()).Capture(ctx, creq)
			deadlinePassed := ctx.Err() != nil
			cancel()
			out := paygate.OutcomeOf(err)
			require.NotEqual(t, status.Failure, out, "a capture struck by %s is never F: it may have been processed: %v", f, err)
			assert.LessOrEqual(t, len(s.Sim.Ledger().Captures(p.ProviderPaymentID)), 1, "never a second capture")
			assert.Empty(t, s.Sim.Ledger().OverCaptured(), "double or over captures")
			if out == status.Success {
				s.checkCaptureAnswer(got, req, p.Amount)
				s.settled(req, p, got, p.Amount)
				return
			}
			resendable := retry.IdempotencyOf(s.Gateway, paygate.OpCapture).Resendable()
			replayed := s.replayed(f)
			assert.True(t, !resendable || deadlinePassed || replayed,
				"U after %s although the capture may be resent and the deadline had not passed: %v", f, err)
			// The merchant resolves it later: inquire, and capture again only if the payment shows
			// nothing captured: with the same id, or with a new one where the provider replays the
			// answer it saved under the first (a resend would only get it again).
			now := s.inquire(req, p)
			if !retry.CaptureLanded(now) {
				if replayed {
					creq = s.captureRequest(p, money.Amount{})
				}
				now, err = s.wrapped(fastPolicy()).Capture(s.ctx, creq)
				require.NoError(t, err, "the capture again, after an inquiry showed it had not landed")
			}
			s.settled(req, p, now, p.Amount)
		})
	}},
	{"faults-persistent", func(t *testing.T, h Harness) {
		// The fault strikes every capture: through retry.Wrap the outcome is never F, a fault that
		// processes the capture is resolved by inquiry, and nothing is ever captured twice.
		eachCaptureFault(t, h, func(t *testing.T, s *suite, f sim.Fault, req *paygate.CreateRequest, p *paygate.Payment) {
			if f.Kind == sim.DelayReply {
				t.Skip("skipped: a persistent delay (the caller's deadline ends it; covered by faults)")
			}
			f.Times = 1000
			s.Sim.Inject(f)
			pol := fastPolicy()
			pol.ResolveFor = 500 * time.Millisecond
			got, err := s.wrapped(pol).Capture(s.ctx, s.captureRequest(p, money.Amount{}))
			out := paygate.OutcomeOf(err)
			require.NotEqual(t, status.Failure, out, "a capture struck by %s on every try is never F: %v", f, err)
			caps := s.Sim.Ledger().Captures(p.ProviderPaymentID)
			assert.LessOrEqual(t, len(caps), 1, "never a second capture")
			assert.Empty(t, s.Sim.Ledger().OverCaptured(), "double or over captures")
			switch {
			case out == status.Success:
				s.checkCaptureAnswer(got, req, p.Amount)
				s.settled(req, p, got, p.Amount)
			case len(caps) == 1:
				t.Errorf("U although the simulator captured and the inquiry could show it: %v", err)
			case f.Kind.Processes():
				t.Errorf("%s processes the capture, yet nothing was captured: %v", f, err)
			}
		})
	}},
	{"unsupported", func(t *testing.T, h Harness) {
		// The promise checked here is the declaration's: an operation or capture mode an adapter does
		// not declare is refused before anything is sent. A harness may leave manual capture out of
		// Caps for an adapter that offers it, so the case runs only where the declaration lacks it.
		s := newSuite(t, h)
		if s.Caps.ManualCapture {
			t.Skip("skipped: the provider offers manual capture")
		}
		decl, ok := provider.CapabilitiesOf(s.Gateway)
		switch {
		case !ok:
			t.Skip("skipped: Env.Gateway declares no capabilities (provider.Capable), so an unsupported capture cannot be told from one this harness does not test")
		case decl.Offers(paygate.OpCapture) || decl.Captures(paygate.CaptureManual):
			t.Skip("skipped: the adapter declares manual capture, but this harness does not test it")
		}
		before := s.Sim.Ledger().TotalRequests()
		_, err := s.Gateway.Capture(s.ctx, &paygate.CaptureRequest{
			CaptureRequestID: s.id("pk"), PaymentRequestID: s.id("pc"), ProviderPaymentID: s.id("pp"),
		})
		refused(t, err, status.CodeNotSupported, "Capture where the provider offers none")
		req := s.manualRequest()
		_, err = s.Gateway.Create(s.ctx, req)
		refused(t, err, status.CodeNotSupported, "a manual-capture create where the provider offers none")
		_, err = s.wrapped(fastPolicy()).Create(s.ctx, req)
		refused(t, err, status.CodeNotSupported, "the same through retry.Wrap")
		assert.Equal(t, before, s.Sim.Ledger().TotalRequests(), "nothing was sent")
		assert.Empty(t, s.orders(req.PaymentRequestID))
	}},
}
