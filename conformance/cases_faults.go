package conformance

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// wireFaults are the fault kinds checked one by one; ReplyCode is checked per code by the codes group.
var wireFaults = []sim.FaultKind{
	sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus, sim.CorruptBody, sim.CorruptSignature,
}

const (
	delayHeld    = 600 * time.Millisecond // how long DelayReply holds the reply
	delayTimeout = 150 * time.Millisecond // the caller's deadline in DelayReply cases
)

func fault(op paygate.Op, kind sim.FaultKind, times int) sim.Fault {
	f := sim.Fault{Op: op, Kind: kind, Times: times}
	switch kind {
	case sim.ReplyStatus:
		f.Status = 503
	case sim.DelayReply:
		f.Delay = delayHeld
	}
	return f
}

// callCtx is the context for a call struck by kind: DelayReply needs a deadline shorter than the delay.
func (s *suite) callCtx(kind sim.FaultKind) (context.Context, context.CancelFunc) {
	if kind == sim.DelayReply {
		return context.WithTimeout(s.ctx, delayTimeout)
	}
	return context.WithCancel(s.ctx)
}

// eachWireFault runs check as a subtest per wire fault kind the simulator supports, on a fresh Env.
func eachWireFault(t *testing.T, h Harness, check func(t *testing.T, s *suite, kind sim.FaultKind)) {
	for _, kind := range wireFaults {
		t.Run(kind.String(), func(t *testing.T) {
			s := newSuite(t, h)
			s.need(slices.Contains(s.Caps.Faults, kind), "fault "+kind.String())
			check(t, s, kind)
		})
	}
}

// strike injects one fault of kind into the next op, makes the call, and checks it is not F: a
// faulted call may have been processed. It returns the call's outcome.
func (s *suite) strike(op paygate.Op, kind sim.FaultKind, call func(context.Context) error) status.Outcome {
	s.t.Helper()
	s.Sim.Inject(fault(op, kind, 1))
	ctx, cancel := s.callCtx(kind)
	err := call(ctx)
	cancel()
	out := paygate.OutcomeOf(err)
	require.NotEqual(s.t, status.Failure, out, "a %s is never F: the request may have been processed: %v", kind, err)
	return out
}

var faultCases = []testCase{
	{"create", func(t *testing.T, h Harness) {
		eachWireFault(t, h, func(t *testing.T, s *suite, kind sim.FaultKind) {
			req := s.createRequest()
			var p *paygate.Payment
			out := s.strike(paygate.OpCreate, kind, func(ctx context.Context) (err error) {
				p, err = s.Gateway.Create(ctx, req)
				return err
			})
			if out == status.Success {
				s.checkPayment(p, req)
			} else if !kind.Processes() {
				assert.Empty(t, s.orders(req.PaymentRequestID), "%s: nothing was processed", kind)
			}
			if !s.Caps.IdempotentCreate {
				s.onePayable(req.PaymentRequestID)
				return
			}
			if out == status.Unknown {
				p = s.create(s.Gateway, req) // the identical request again
			}
			assert.Equal(t, p.ProviderPaymentID, s.oneOrder(req.PaymentRequestID).ProviderID, "one order, and it is the one returned")
		})
	}},
	{"refund", func(t *testing.T, h Harness) {
		eachWireFault(t, h, func(t *testing.T, s *suite, kind sim.FaultKind) {
			_, p := s.paid()
			rreq := s.refundRequest(p, p.Amount)
			out := s.strike(paygate.OpRefund, kind, func(ctx context.Context) error {
				_, err := s.Gateway.Refund(ctx, rreq)
				return err
			})
			if out == status.Unknown {
				r, err := s.Gateway.Refund(s.ctx, rreq)
				require.NoError(t, err, "the identical refund again")
				s.checkRefund(r, rreq)
			}
			assert.Len(t, s.Sim.Ledger().Refunds(rreq.RefundRequestID), 1, "exactly one refund")
			assert.Len(t, s.Sim.Ledger().AllRefunds(), 1, "and no other")
		})
	}},
	{"persistent-never-f", func(t *testing.T, h Harness) {
		// A fault on every try: the raw adapter must say U (never F, never S), and create no duplicate.
		for _, kind := range wireFaults {
			t.Run(kind.String(), func(t *testing.T) {
				s := newSuite(t, h)
				s.need(slices.Contains(s.Caps.Faults, kind), "fault "+kind.String())
				s.need(kind != sim.DelayReply, "a persistent delay (the caller's deadline ends it; covered above)")
				req := s.createRequest()
				s.Sim.Inject(fault(paygate.OpCreate, kind, 1000))
				_, err := s.Gateway.Create(s.ctx, req)
				assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "%v", err)
				var pe *paygate.Error
				if assert.True(t, errors.As(err, &pe), "errors are *paygate.Error: %T", err) {
					assert.NotEmpty(t, pe.Error())
				}
				if s.Caps.IdempotentCreate {
					assert.LessOrEqual(t, len(s.orders(req.PaymentRequestID)), 1, "no duplicate order")
				}
				if !kind.Processes() {
					assert.Empty(t, s.orders(req.PaymentRequestID))
				}
			})
		}
	}},
}

// onePayable is the check for a provider without idempotent create: however many orders a request id
// produced, the user tries to pay every one of them, and at most one payment goes through.
func (s *suite) onePayable(requestID string) {
	s.t.Helper()
	for _, o := range s.orders(requestID) {
		if err := s.Sim.SettleOrder(s.ctx, o.ProviderID, sim.Pay); err != nil {
			s.t.Logf("paying order %s refused: %v", o.ProviderID, err)
		}
	}
	paid := 0
	for _, o := range s.orders(requestID) {
		if o.Status == status.PaymentSucceeded {
			paid++
		}
	}
	assert.LessOrEqual(s.t, paid, 1, "at most one paid order per request id (orders: %+v)", s.orders(requestID))
}

// orphansUnpaidAndExpiring is the promise a provider without idempotent create keeps after a lost
// create reply resolved by retry.Wrap: the payment returned is the one payable order, and every other
// order the request id produced (the orphan the lost reply left) refuses payment and, when the
// simulator's clock can move (ClockAdvancer), expires unpaid.
func (s *suite) orphansUnpaidAndExpiring(requestID, returned string) {
	s.t.Helper()
	orders := s.orders(requestID)
	require.GreaterOrEqual(s.t, len(orders), 2, "the create whose reply was lost was processed, so an orphan order sits next to the one returned: %+v", orders)
	for _, o := range orders {
		err := s.Sim.SettleOrder(s.ctx, o.ProviderID, sim.Pay)
		if o.ProviderID == returned {
			assert.NoError(s.t, err, "the order returned to the merchant is payable")
		} else {
			assert.Error(s.t, err, "orphan order %s refuses payment", o.ProviderID)
		}
	}
	for _, o := range s.orders(requestID) {
		if o.ProviderID == returned {
			assert.Equal(s.t, status.PaymentSucceeded, o.Status, "the order returned was paid")
		} else {
			assert.NotEqual(s.t, status.PaymentSucceeded, o.Status, "orphan order %s stays unpaid", o.ProviderID)
		}
	}
	adv, ok := s.Sim.(ClockAdvancer)
	if !ok {
		s.t.Log("the simulator cannot move its clock (ClockAdvancer): orphan expiry not checked")
		return
	}
	adv.AdvanceClock(24 * time.Hour)
	for _, o := range s.orders(requestID) {
		if o.ProviderID != returned {
			assert.Equal(s.t, status.PaymentExpired, o.Status, "orphan order %s expires unpaid", o.ProviderID)
		}
	}
}

// setup prepares the state an operation needs and returns the call to strike.
func (s *suite) setup(op paygate.Op) func(context.Context, paygate.Gateway) error {
	switch op {
	case paygate.OpCreate:
		req := s.createRequest()
		return func(ctx context.Context, gw paygate.Gateway) error { _, err := gw.Create(ctx, req); return err }
	case paygate.OpInquire:
		req := s.createRequest()
		p := s.create(s.Gateway, req)
		q := &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID}
		return func(ctx context.Context, gw paygate.Gateway) error { _, err := gw.Inquire(ctx, q); return err }
	case paygate.OpCancel:
		req := s.createRequest()
		p := s.create(s.Gateway, req)
		q := &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID}
		return func(ctx context.Context, gw paygate.Gateway) error { _, err := gw.Cancel(ctx, q); return err }
	case paygate.OpRefund:
		_, p := s.paid()
		q := s.refundRequest(p, p.Amount)
		return func(ctx context.Context, gw paygate.Gateway) error { _, err := gw.Refund(ctx, q); return err }
	case paygate.OpCapture:
		s.needCapture()
		_, p := s.authorized()
		q := s.captureRequest(p, money.Amount{})
		return func(ctx context.Context, gw paygate.Gateway) error { _, err := gw.Capture(ctx, q); return err }
	case paygate.OpInquireRefund:
		_, p := s.paid()
		rreq := s.refundRequest(p, p.Amount)
		_, err := s.Gateway.Refund(s.ctx, rreq)
		require.NoError(s.t, err)
		q := &paygate.InquireRefundRequest{RefundRequestID: rreq.RefundRequestID, PaymentRequestID: rreq.PaymentRequestID, ProviderPaymentID: rreq.ProviderPaymentID}
		return func(ctx context.Context, gw paygate.Gateway) error { _, err := gw.InquireRefund(ctx, q); return err }
	}
	s.t.Fatalf("FaultCode.Op %q is not a paygate operation", op)
	return nil
}

// eachFaultCode runs check as a subtest per Env.FaultCodes entry, on a fresh Env with the state the
// code's operation needs.
func eachFaultCode(t *testing.T, h Harness, check func(t *testing.T, s *suite, fc FaultCode, call func(context.Context, paygate.Gateway) error)) {
	probe := newSuite(t, h)
	if len(probe.FaultCodes) == 0 {
		t.Skip("skipped: Env.FaultCodes is empty")
	}
	for _, fc := range probe.FaultCodes {
		t.Run(fmt.Sprintf("%s/%s", fc.Op, fc.ProviderCode), func(t *testing.T) {
			s := newSuite(t, h)
			check(t, s, fc, s.setup(fc.Op))
		})
	}
}

var codeCases = []testCase{
	{"raw", func(t *testing.T, h Harness) {
		eachFaultCode(t, h, func(t *testing.T, s *suite, fc FaultCode, call func(context.Context, paygate.Gateway) error) {
			// A U may be resent by the transport and must stay U; an F struck twice shows a resend
			// as a second request rather than hiding it behind a success.
			times := 2
			if fc.Outcome == status.Unknown {
				times = 1000
			}
			s.Sim.Inject(sim.Fault{Op: fc.Op, Kind: sim.ReplyCode, Code: fc.ProviderCode, Times: times})
			before := s.Sim.Ledger().RequestsOf(fc.Op) // an adapter may read (inquire) first
			err := call(s.ctx, s.Gateway)
			assert.Equal(t, fc.Outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, fc.Code, paygate.CodeOf(err))
			var pe *paygate.Error
			require.True(t, errors.As(err, &pe), "errors are *paygate.Error: %T %v", err, err)
			assert.Equal(t, fc.ProviderCode, pe.ProviderCode, "the provider's raw code is kept")
			if fc.Outcome == status.Failure {
				assert.Equal(t, 1, s.Sim.Ledger().RequestsOf(fc.Op)-before, "an F is never resent")
			}
		})
	}},
	{"wrapped", func(t *testing.T, h Harness) {
		eachFaultCode(t, h, func(t *testing.T, s *suite, fc FaultCode, call func(context.Context, paygate.Gateway) error) {
			s.Sim.Inject(sim.Fault{Op: fc.Op, Kind: sim.ReplyCode, Code: fc.ProviderCode, Times: 1})
			before := s.Sim.Ledger().RequestsOf(fc.Op)
			err := call(s.ctx, s.wrapped(fastPolicy()))
			if fc.Outcome == status.Failure {
				assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
				assert.Equal(t, fc.Code, paygate.CodeOf(err))
				assert.Equal(t, 1, s.Sim.Ledger().RequestsOf(fc.Op)-before, "retry.Wrap never resends an F")
				return
			}
			if fc.Replayed {
				// Every resend gets the same answer: only an inquiry can settle it, and until then
				// it is unknown, never F.
				assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "a %s the provider replays to every resend stays U: %v", fc.ProviderCode, err)
				return
			}
			if fc.Op.Write() && !retry.IdempotencyOf(s.Gateway, fc.Op).Resendable() {
				// The code was answered without processing, and the write may not be resent: inquiry
				// shows it did not land, which leaves it unknown to Wrap (never F).
				assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "a %s on a write that may not be resent stays U: %v", fc.ProviderCode, err)
				return
			}
			assert.NoError(t, err, "a single %s is resolved by retry.Wrap", fc.ProviderCode)
		})
	}},
}

var concurrencyCases = []testCase{
	{"200-creates", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		const n = 200
		reqs := make([]*paygate.CreateRequest, n)
		for i := range reqs {
			reqs[i] = s.createRequest()
		}
		pays := make([]*paygate.Payment, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range reqs {
			wg.Go(func() { pays[i], errs[i] = s.Gateway.Create(s.ctx, reqs[i]) })
		}
		wg.Wait()
		seen := map[string]bool{}
		for i := range reqs {
			require.NoError(t, errs[i], "create %d", i)
			assert.False(t, seen[pays[i].ProviderPaymentID], "provider ids are distinct")
			seen[pays[i].ProviderPaymentID] = true
			s.oneOrder(reqs[i].PaymentRequestID)
		}
		assert.Len(t, s.Sim.Ledger().AllOrders(), n)
	}},
	{"same-request-at-once", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(s.Caps.IdempotentCreate, "idempotent create")
		req := s.createRequest()
		const n = 20
		pays := make([]*paygate.Payment, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { pays[i], errs[i] = s.Gateway.Create(s.ctx, req) })
		}
		wg.Wait()
		order := s.oneOrder(req.PaymentRequestID)
		for i := range n {
			if paygate.OutcomeOf(errs[i]) == status.Success {
				assert.Equal(t, order.ProviderID, pays[i].ProviderPaymentID)
			} else {
				// A provider may answer "in progress" to a duplicate in flight; never a definite F.
				assert.Equal(t, status.Unknown, paygate.OutcomeOf(errs[i]), "concurrent duplicate: %v", errs[i])
			}
		}
	}},
}

var retryCases = []testCase{
	{"lost-reply-resolved", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(slices.Contains(s.Caps.Faults, sim.LoseReply), "fault lose-reply")
		req := s.createRequest()
		s.Sim.Inject(fault(paygate.OpCreate, sim.LoseReply, 1))
		p := s.create(s.wrapped(fastPolicy()), req)
		if s.Caps.IdempotentCreate {
			assert.Equal(t, p.ProviderPaymentID, s.oneOrder(req.PaymentRequestID).ProviderID)
		} else {
			s.orphansUnpaidAndExpiring(req.PaymentRequestID, p.ProviderPaymentID)
		}
	}},
	{"resolved-by-inquiry", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(slices.Contains(s.Caps.Faults, sim.LoseReply), "fault lose-reply")
		s.need(s.Caps.InquireByRequestID && !s.Caps.RequestIDLookupLags, "inquiry by PaymentRequestID that does not lag")
		req := s.createRequest()
		s.Sim.Inject(fault(paygate.OpCreate, sim.LoseReply, 1000))
		var rep retry.Report
		p, err := s.wrapped(fastPolicy()).Create(retry.WithReport(s.ctx, &rep), req)
		require.NoError(t, err, "every create reply is lost, but the inquiry finds the payment")
		assert.True(t, rep.Resolved, "resolved by inquiry")
		assert.GreaterOrEqual(t, rep.Inquiries, 1)
		if s.Caps.IdempotentCreate {
			assert.Equal(t, p.ProviderPaymentID, s.oneOrder(req.PaymentRequestID).ProviderID)
		}
	}},
	{"unknown-until-deadline-never-f", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(slices.Contains(s.Caps.Faults, sim.DropBeforeProcessing), "fault drop-before-processing")
		req := s.createRequest()
		s.Sim.Inject(fault(paygate.OpCreate, sim.DropBeforeProcessing, 100000))
		p := fastPolicy()
		p.ResolveFor = 300 * time.Millisecond
		_, err := s.wrapped(p).Create(s.ctx, req)
		assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "%v", err)
		assert.Empty(t, s.orders(req.PaymentRequestID))
	}},
	{"refund-lost-reply", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(slices.Contains(s.Caps.Faults, sim.LoseReply), "fault lose-reply")
		_, p := s.paid()
		rreq := s.refundRequest(p, p.Amount)
		s.Sim.Inject(fault(paygate.OpRefund, sim.LoseReply, 1))
		r, err := s.wrapped(fastPolicy()).Refund(s.ctx, rreq)
		require.NoError(t, err)
		s.checkRefund(r, rreq)
		assert.Len(t, s.Sim.Ledger().Refunds(rreq.RefundRequestID), 1)
	}},
	{"refund-resolved-by-inquiry", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(slices.Contains(s.Caps.Faults, sim.LoseReply), "fault lose-reply")
		_, p := s.paid()
		rreq := s.refundRequest(p, p.Amount)
		s.Sim.Inject(fault(paygate.OpRefund, sim.LoseReply, 1000))
		pol := fastPolicy()
		pol.ResolveFor = 500 * time.Millisecond
		_, err := s.wrapped(pol).Refund(s.ctx, rreq)
		if s.Caps.RefundInquiry {
			assert.NoError(t, err, "the refund inquiry finds the refund")
		} else {
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "without refund inquiry it stays U: %v", err)
		}
		assert.Len(t, s.Sim.Ledger().Refunds(rreq.RefundRequestID), 1, "exactly one refund")
	}},
	{"cancel-lost-reply", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(slices.Contains(s.Caps.Faults, sim.LoseReply), "fault lose-reply")
		req := s.createRequest()
		p := s.create(s.Gateway, req)
		s.Sim.Inject(fault(paygate.OpCancel, sim.LoseReply, 1))
		got, err := s.wrapped(fastPolicy()).Cancel(s.ctx, &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID})
		require.NoError(t, err)
		assert.Equal(t, status.PaymentCanceled, got.Status)
	}},
	{"u-then-s", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		var fc *FaultCode
		for i := range s.FaultCodes {
			if s.FaultCodes[i].Op == paygate.OpCreate && s.FaultCodes[i].Outcome == status.Unknown {
				fc = &s.FaultCodes[i]
				break
			}
		}
		s.need(fc != nil, "a U result code on create (Env.FaultCodes)")
		req := s.createRequest()
		s.Sim.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: fc.ProviderCode, Times: 2})
		s.create(s.wrapped(fastPolicy()), req)
		if s.Caps.IdempotentCreate {
			s.oneOrder(req.PaymentRequestID)
		}
	}},
}
