package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

var lifecycleCases = []testCase{
	{"create-action-pay-inquire", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		req := s.createRequest()
		p := s.create(s.Gateway, req)
		if s.Caps.RequiresAction {
			require.Equal(t, status.PaymentRequiresAction, p.Status, "a new payment waits for the user")
			require.NotNil(t, p.Action, "RequiresAction comes with an Action")
			switch p.Action.Kind {
			case paygate.ActionRedirect, paygate.ActionDeeplink:
				assert.NotEmpty(t, p.Action.URL, "redirect/deeplink Action.URL")
			case paygate.ActionQRCode:
				assert.NotEmpty(t, p.Action.QRCode, "Action.QRCode")
			case paygate.ActionClientConfirm:
				assert.NotEmpty(t, p.Action.ClientSecret, "Action.ClientSecret")
			default:
				t.Errorf("Action.Kind %q is not a paygate ActionKind", p.Action.Kind)
			}
		}
		assert.False(t, p.Status.Final(), "a payment the user has not paid is not final")
		order := s.oneOrder(req.PaymentRequestID)
		assert.Equal(t, p.ProviderPaymentID, order.ProviderID, "the payment returned is the order created")

		require.NoError(t, s.Sim.Settle(s.ctx, req.PaymentRequestID, sim.Pay))
		got := s.inquire(req, p)
		assert.Equal(t, status.PaymentSucceeded, got.Status)
		assert.True(t, got.Status.Final())
		assert.Equal(t, p.ProviderPaymentID, got.ProviderPaymentID)
		// Automatic capture: the money is taken when the customer pays.
		assert.True(t, got.Captured.Equal(req.Amount), "a SUCCEEDED automatic payment has Captured = Amount: Captured %s, Amount %s", got.Captured, req.Amount)

		byProvider, err := s.Gateway.Inquire(s.ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
		require.NoError(t, err, "inquire by ProviderPaymentID")
		assert.Equal(t, status.PaymentSucceeded, byProvider.Status)
		assert.True(t, byProvider.Captured.Equal(req.Amount), "inquired by ProviderPaymentID: Captured %s, Amount %s", byProvider.Captured, req.Amount)
		assert.Equal(t, status.PaymentSucceeded, s.oneOrder(req.PaymentRequestID).Status, "ledger agrees")
	}},
	{"settlements", func(t *testing.T, h Harness) {
		for _, c := range []struct {
			settle sim.Settlement
			want   status.Payment
		}{
			{sim.Fail, status.PaymentFailed},
			{sim.Expire, status.PaymentExpired},
			{sim.RequireAction, status.PaymentRequiresAction},
		} {
			t.Run(c.settle.String(), func(t *testing.T) {
				s := newSuite(t, h)
				s.need(slices.Contains(s.Caps.Settlements, c.settle), "settlement "+c.settle.String())
				req := s.createRequest()
				p := s.create(s.Gateway, req)
				require.NoError(t, s.Sim.Settle(s.ctx, req.PaymentRequestID, c.settle))
				got := s.inquire(req, p)
				assert.Equal(t, c.want, got.Status)
				if c.want == status.PaymentFailed {
					assert.NotEmpty(t, got.ProviderStatus, "a failed payment shows the provider's status")
				}
			})
		}
	}},
	{"inquire-unknown-is-not-found", func(t *testing.T, h Harness) {
		// retry.Wrap relies on this: NOT_FOUND after an unknown create proves it did not land.
		s := newSuite(t, h)
		q := &paygate.InquireRequest{ProviderPaymentID: s.id("missing")}
		if s.Caps.InquireByRequestID && !s.Caps.RequestIDLookupLags {
			q = &paygate.InquireRequest{PaymentRequestID: s.id("missing")}
		}
		_, err := s.Gateway.Inquire(s.ctx, q)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
		assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err))
		if s.Caps.InquireByRequestID && s.Caps.RequestIDLookupLags {
			// A lagging index proves nothing: not finding a request id there is U, never F.
			_, err := s.Gateway.Inquire(s.ctx, &paygate.InquireRequest{PaymentRequestID: s.id("missing")})
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "not found by request id in a lagging index: %v", err)
			assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err))
		}
	}},
	{"request-id-lookup-catches-up", func(t *testing.T, h Harness) {
		// Where the lookup by request id lags, a new payment is found by it once the index caught up
		// (the simulator's clock moves), and meanwhile the answer is S or U, never F.
		s := newSuite(t, h)
		s.need(s.Caps.InquireByRequestID && s.Caps.RequestIDLookupLags, "a lagging lookup by PaymentRequestID")
		adv, ok := s.Sim.(ClockAdvancer)
		s.need(ok, "a simulator clock the suite can move (ClockAdvancer)")
		req := s.createRequest()
		p := s.create(s.Gateway, req)
		q := &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID}
		if _, err := s.Gateway.Inquire(s.ctx, q); err != nil {
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "before the index caught up: %v", err)
		}
		adv.AdvanceClock(10 * time.Minute)
		got, err := s.Gateway.Inquire(s.ctx, q)
		require.NoError(t, err, "after the index caught up")
		assert.Equal(t, p.ProviderPaymentID, got.ProviderPaymentID)
		assert.Equal(t, req.PaymentRequestID, got.PaymentRequestID)
	}},
	{"cancel-pending", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		req := s.createRequest()
		p := s.create(s.Gateway, req)
		got, err := s.Gateway.Cancel(s.ctx, &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID, Reason: "customer asked"})
		require.NoError(t, err)
		assert.Equal(t, status.PaymentCanceled, got.Status)
		assert.Equal(t, status.PaymentCanceled, s.inquire(req, p).Status)
		assert.Equal(t, status.PaymentCanceled, s.oneOrder(req.PaymentRequestID).Status, "ledger agrees")
		assert.Error(t, s.Sim.Settle(s.ctx, req.PaymentRequestID, sim.Pay), "a cancelled payment cannot be paid")
	}},
	{"cancel-after-payment", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		req, p := s.paid()
		got, err := s.Gateway.Cancel(s.ctx, &paygate.CancelRequest{PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID})
		if s.Caps.CancelAfterPayment {
			require.NoError(t, err)
			assert.Equal(t, status.PaymentCanceled, got.Status)
			return
		}
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "cancelling a paid payment is refused, not unknown: %v", err)
		assert.Contains(t, []status.Code{status.CodeInvalidState, status.CodeCancelWindowExceeded}, paygate.CodeOf(err))
		assert.Equal(t, status.PaymentSucceeded, s.inquire(req, p).Status, "still paid")
	}},
}

var refundCases = []testCase{
	{"full", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		_, p := s.paid()
		rreq := s.refundRequest(p, p.Amount)
		r, err := s.Gateway.Refund(s.ctx, rreq)
		require.NoError(t, err)
		s.checkRefund(r, rreq)
		refunds := s.Sim.Ledger().Refunds(rreq.RefundRequestID)
		require.Len(t, refunds, 1)
		assert.True(t, refunds[0].Amount.Equal(p.Amount), "ledger refund %s, sent %s", refunds[0].Amount, p.Amount)
		if s.Caps.RefundInquiry {
			got, err := s.Gateway.InquireRefund(s.ctx, &paygate.InquireRefundRequest{RefundRequestID: rreq.RefundRequestID, ProviderRefundID: r.ProviderRefundID})
			require.NoError(t, err)
			assert.Equal(t, r.ProviderRefundID, got.ProviderRefundID)
			assert.True(t, got.Status.Valid())
			// By the merchant's id, with the payment named (as retry.Wrap and the router ask): some
			// providers find a refund by the merchant's id only through its payment.
			got, err = s.Gateway.InquireRefund(s.ctx, &paygate.InquireRefundRequest{RefundRequestID: rreq.RefundRequestID,
				PaymentRequestID: rreq.PaymentRequestID, ProviderPaymentID: rreq.ProviderPaymentID})
			require.NoError(t, err, "the refund by its request id")
			assert.Equal(t, r.ProviderRefundID, got.ProviderRefundID)
		}
		over := s.refundRequest(p, minor(p.Amount, 1))
		_, err = s.Gateway.Refund(s.ctx, over)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "refunding past a full refund: %v", err)
		assert.Empty(t, s.Sim.Ledger().Refunds(over.RefundRequestID))
	}},
	{"partial-and-multiple", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(s.Caps.PartialRefund, "partial refunds")
		_, p := s.paid()
		third, err := p.Amount.Sub(minor(p.Amount, p.Amount.Minor()*2/3))
		require.NoError(t, err)
		first := s.refundRequest(p, third)
		r, err := s.Gateway.Refund(s.ctx, first)
		require.NoError(t, err)
		s.checkRefund(r, first)
		if !s.Caps.MultipleRefunds {
			return
		}
		second := s.refundRequest(p, third)
		_, err = s.Gateway.Refund(s.ctx, second)
		require.NoError(t, err, "a second partial refund")
		refunded, err := third.Add(third)
		require.NoError(t, err)
		left, err := p.Amount.Sub(refunded)
		require.NoError(t, err)
		over, err := left.Add(minor(p.Amount, 1))
		require.NoError(t, err)
		third3 := s.refundRequest(p, over)
		_, err = s.Gateway.Refund(s.ctx, third3)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "over-refund by one minor unit: %v", err)
		assert.Empty(t, s.Sim.Ledger().Refunds(third3.RefundRequestID), "an over-refund creates nothing")
		last := s.refundRequest(p, left)
		_, err = s.Gateway.Refund(s.ctx, last)
		assert.NoError(t, err, "the exact remainder can be refunded")
	}},
	{"over-refund", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		_, p := s.paid()
		over, err := p.Amount.Add(minor(p.Amount, 1))
		require.NoError(t, err)
		rreq := s.refundRequest(p, over)
		_, err = s.Gateway.Refund(s.ctx, rreq)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
		assert.Empty(t, s.Sim.Ledger().Refunds(rreq.RefundRequestID))
	}},
	{"unpaid", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		req := s.createRequest()
		p := s.create(s.Gateway, req)
		rreq := s.refundRequest(p, req.Amount)
		_, err := s.Gateway.Refund(s.ctx, rreq)
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "refund before payment: %v", err)
		assert.Empty(t, s.Sim.Ledger().Refunds(rreq.RefundRequestID))
	}},
	{"inquire-unknown-is-not-found", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		s.need(s.Caps.RefundInquiry, "refund inquiry")
		// Of a real payment, named as retry.Wrap and the router name it.
		req, p := s.paid()
		_, err := s.Gateway.InquireRefund(s.ctx, &paygate.InquireRefundRequest{RefundRequestID: s.id("missing"),
			PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID})
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
		assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err))
	}},
	{"inquiry-not-offered", func(t *testing.T, h Harness) {
		s := newSuite(t, h)
		if s.Caps.RefundInquiry {
			t.Skip("skipped: the provider offers refund inquiry")
		}
		_, err := s.Gateway.InquireRefund(s.ctx, &paygate.InquireRefundRequest{RefundRequestID: s.id("r")})
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
		assert.Equal(t, status.CodeNotSupported, paygate.CodeOf(err))
		assert.Zero(t, s.Sim.Ledger().TotalRequests(), "answered without a call")
	}},
}

func (s *suite) checkRefund(r *paygate.Refund, req *paygate.RefundRequest) {
	s.t.Helper()
	require.NotNil(s.t, r, "an S refund answer carries the refund")
	assert.NotEmpty(s.t, r.Provider)
	assert.True(s.t, r.Status.Valid(), "Refund.Status %q", r.Status)
	assert.NotEqual(s.t, status.RefundFailed, r.Status)
	if !r.Amount.IsZero() {
		assert.True(s.t, r.Amount.Equal(req.Amount), "Refund.Amount %s, sent %s", r.Amount, req.Amount)
	}
	if r.RefundRequestID != "" {
		assert.Equal(s.t, req.RefundRequestID, r.RefundRequestID)
	}
}
