package vai247_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

var fast = retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: 200 * time.Millisecond}

// The DECISION the adapter declares to retry.Wrap: after a lost create reply, re-creating is safe
// because the orphan cannot be paid and expires. Exactly one order the merchant holds is payable.
func TestLostCreateReplyLeavesOneOrphanThatExpires(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	req := &paygate.CreateRequest{PaymentRequestID: "p-orphan", Amount: usd("19.99")}
	p, err := retry.Wrap(gw, fast).Create(ctx, req)
	require.NoError(t, err)

	orders := srv.Ledger().Orders(req.PaymentRequestID)
	require.Len(t, orders, 2, "the lost create made an order; the resend made the one returned")
	orphan := orders[0].ProviderID
	assert.Equal(t, p.ProviderPaymentID, orders[1].ProviderID)
	assert.NotEqual(t, orphan, p.ProviderPaymentID)

	assert.ErrorIs(t, srv.SettleOrder(ctx, orphan, sim.Pay), vai247test.ErrOrphan, "nobody saw the orphan's QR code")
	require.NoError(t, srv.Settle(ctx, req.PaymentRequestID, sim.Pay), "the order the merchant holds is payable")
	got, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentSucceeded, got.Status)

	o, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: orphan})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentRequiresAction, o.Status, "the orphan waits, unpaid")

	srv.AdvanceClock(29 * time.Minute)
	o, err = gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: orphan})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentRequiresAction, o.Status, "not yet expired at 29 minutes")
	srv.AdvanceClock(time.Minute)
	o, err = gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: orphan})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentExpired, o.Status, "expired after 30 minutes")
	assert.Equal(t, "expired", o.ProviderStatus)
	assert.Error(t, srv.SettleOrder(ctx, orphan, sim.Pay))

	paid := 0
	for _, o := range srv.Ledger().Orders(req.PaymentRequestID) {
		if o.Status == status.PaymentSucceeded {
			paid++
		}
	}
	assert.Equal(t, 1, paid, "exactly one paid order for the request")
}

// Every way a create reply can go missing leaves an orphan that refuses payment.
func TestEveryLostReplyMakesAnOrphan(t *testing.T) {
	for _, kind := range []sim.FaultKind{sim.LoseReply, sim.CorruptBody, sim.DelayReply} {
		t.Run(kind.String(), func(t *testing.T) {
			srv, gw := newPair(t, vai247.Config{Retry: retry.Policy{MaxAttempts: 1}}, vai247test.Config{})
			srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: kind, Delay: 300 * time.Millisecond})
			c, cancel := contextWithTimeout(80 * time.Millisecond)
			defer cancel()
			_, err := gw.Create(c, &paygate.CreateRequest{PaymentRequestID: "p-" + kind.String(), Amount: usd("1.00")})
			assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "%v", err)
			orders := srv.Ledger().Orders("p-" + kind.String())
			require.Len(t, orders, 1)
			assert.ErrorIs(t, srv.SettleOrder(ctx, orders[0].ProviderID, sim.Pay), vai247test.ErrOrphan)
			assert.Error(t, srv.Settle(ctx, "p-"+kind.String(), sim.Pay), "no order was given to the merchant")
		})
	}
}

// Without the later refund signing, refunds carry no idempotency key: a lost refund reply is never
// resent (that could refund twice) and, with no refund inquiry, stays U.
func TestRefundWithoutSigningIsNeverResent(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-r", Amount: usd("10.00")})
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx, "p-r", sim.Pay))
	srv.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.LoseReply})
	rreq := &paygate.RefundRequest{RefundRequestID: "r-1", ProviderPaymentID: p.ProviderPaymentID, Amount: usd("4.00")}
	_, err = retry.Wrap(gw, fast).Refund(ctx, rreq)
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "%v", err)
	assert.Equal(t, 1, srv.Ledger().Requests(paygate.OpRefund, "r-1"), "sent once")
	assert.Len(t, srv.Ledger().Refunds("r-1"), 1, "one refund")

	// A refund that simply works.
	r, err := gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r-2", ProviderPaymentID: p.ProviderPaymentID, Amount: usd("6.00")})
	require.NoError(t, err)
	assert.Equal(t, status.RefundSucceeded, r.Status)
	got, err := gw.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	require.NoError(t, err)
	assert.Equal(t, "refunded", got.ProviderStatus)
	assert.True(t, got.Refunded.Equal(usd("10.00")))
}

// With signing, the same key with other parameters is IDEMPOTENCY_CONFLICT, and a bad signature
// is AUTHENTICATION.
func TestRefundSigningSimulator(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{RefundSigning: true}, vai247test.Config{RefundSigning: true})
	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-s", Amount: usd("10.00")})
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx, "p-s", sim.Pay))
	_, err = gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r-1", ProviderPaymentID: p.ProviderPaymentID, Amount: usd("1.00")})
	require.NoError(t, err)
	_, err = gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r-1", ProviderPaymentID: p.ProviderPaymentID, Amount: usd("2.00")})
	assert.Equal(t, status.CodeIdempotencyConflict, paygate.CodeOf(err))
	assert.Equal(t, status.Failure, paygate.OutcomeOf(err))

	bad, err := vai247.New(vai247.Config{BaseURL: srv.URL, AppID: srv.AppID, APIKey: srv.APIKey, StoreID: srv.StoreID,
		APISecret: "wrong", RefundSigning: true})
	require.NoError(t, err)
	_, err = bad.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r-3", ProviderPaymentID: p.ProviderPaymentID, Amount: usd("1.00")})
	assert.Equal(t, status.CodeAuthentication, paygate.CodeOf(err))
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "invalid_signature", pe.ProviderCode)

	unsigned, err := vai247.New(vai247.Config{BaseURL: srv.URL, AppID: srv.AppID, APIKey: srv.APIKey, StoreID: srv.StoreID})
	require.NoError(t, err)
	_, err = unsigned.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r-4", ProviderPaymentID: p.ProviderPaymentID, Amount: usd("1.00")})
	assert.Equal(t, status.CodeAuthentication, paygate.CodeOf(err), "the later version requires the signature")
	assert.Empty(t, srv.Ledger().Refunds("r-3"))
	assert.Empty(t, srv.Ledger().Refunds("r-4"))
}

// VAI247's refund body has no currency: a refund in another currency than the order's would move the
// wrong money, so it is refused before anything is sent.
func TestRefundInAnotherCurrencyIsRefused(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-cur", Amount: usd("10.00")})
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx, "p-cur", sim.Pay))
	_, err = gw.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r-cur", ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("5000", "KHR")})
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, status.Failure, pe.Outcome)
	assert.Equal(t, status.CodeInvalidRequest, pe.Code)
	assert.Equal(t, "Amount", pe.Field)
	assert.Zero(t, srv.Ledger().Requests(paygate.OpRefund, "r-cur"), "nothing was sent")
	assert.Empty(t, srv.Ledger().AllRefunds())
}
