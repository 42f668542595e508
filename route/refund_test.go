package route_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// noRefundDedupe is the memory provider declaring that it does not dedupe refunds, as some
// providers do not: a refund sent twice may be paid out twice.
type noRefundDedupe struct{ *memory.Gateway }

func (g noRefundDedupe) Idempotency(op paygate.Op) retry.Idempotency {
	if op == paygate.OpRefund {
		return retry.Idempotency{}
	}
	return g.Gateway.Idempotency(op)
}

// paidAt creates pay-1 through r (at a, the only provider) and pays it.
func paidAt(t *testing.T, r *route.Router, a *memory.Gateway) {
	t.Helper()
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	require.NoError(t, a.Pay("pay-1"))
}

// A refund whose outcome is unknown at a provider that does not dedupe refunds is never sent a
// second time while it may have landed: the router inquires instead.
func TestRefundUnknownAtNonDedupingProviderInquires(t *testing.T) {
	a := newMem(t, "a")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": noRefundDedupe{a}}, Rules: catchAll("a"), Store: store})
	paidAt(t, r, a)
	ctx := t.Context()

	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.LoseReply})
	_, err := r.Refund(ctx, refundReq("ref-1", "pay-1", "4.00"))
	requireOutcome(t, err, status.Unknown, "")
	assert.Equal(t, paygate.OpRefund, getEntry(t, store, route.KindRefund, "ref-1").Open)

	f, err := r.Refund(ctx, refundReq("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)
	assert.Equal(t, "a", f.Provider)
	assert.Equal(t, status.RefundSucceeded, f.Status)
	assert.Equal(t, 1, a.Ledger().Requests(paygate.OpRefund, "ref-1"), "no second refund was sent")
	assert.Equal(t, 1, a.Ledger().Requests(paygate.OpInquireRefund, "ref-1"))
	assert.Len(t, a.Ledger().Refunds("ref-1"), 1)
	e := getEntry(t, store, route.KindRefund, "ref-1")
	assert.Empty(t, e.Open)
	assert.Equal(t, f.ProviderRefundID, e.ProviderID)

	// Once known, asking again reads it; it is still never sent again.
	_, err = r.Refund(ctx, refundReq("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)
	assert.Equal(t, 1, a.Ledger().Requests(paygate.OpRefund, "ref-1"))
	assert.Len(t, a.Ledger().Refunds("ref-1"), 1)
}

// When the inquiry shows the unknown refund did not land, it is sent again, with the same id.
func TestRefundUnknownNotLandedIsSentAgain(t *testing.T) {
	a := newMem(t, "a")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": noRefundDedupe{a}}, Rules: catchAll("a")})
	paidAt(t, r, a)

	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.DropBeforeProcessing})
	_, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
	requireOutcome(t, err, status.Unknown, "")
	f, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)
	assert.Equal(t, "ref-1", f.RefundRequestID)
	assert.Equal(t, 2, a.Ledger().Requests(paygate.OpRefund, "ref-1"))
	assert.Equal(t, 1, a.Ledger().Requests(paygate.OpInquireRefund, "ref-1"))
	assert.Len(t, a.Ledger().Refunds("ref-1"), 1)
}

// When the inquiry cannot tell (it fails, or the provider has no refund inquiry), the answer stays
// U and nothing is sent again.
func TestRefundUnknownUnsettledStaysUnknown(t *testing.T) {
	t.Run("inquiry U", func(t *testing.T) {
		a := newMem(t, "a")
		r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": noRefundDedupe{a}}, Rules: catchAll("a")})
		paidAt(t, r, a)
		a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.DropBeforeProcessing})
		_, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
		requireOutcome(t, err, status.Unknown, "")
		a.Inject(sim.Fault{Op: paygate.OpInquireRefund, Kind: sim.ReplyStatus, Status: 500})
		_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
		requireOutcome(t, err, status.Unknown, "")
		assert.Equal(t, 1, a.Ledger().Requests(paygate.OpRefund, "ref-1"))
	})
	t.Run("no refund inquiry", func(t *testing.T) {
		a := newFake("a")
		a.onRefund = func(context.Context, int, *paygate.RefundRequest) error { return unknownErr("a", paygate.OpRefund) }
		a.onInquireRefund = func(context.Context, int, *paygate.InquireRefundRequest) error {
			return fail("a", paygate.OpInquireRefund, status.CodeNotSupported)
		}
		r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a")})
		_, err := r.Create(t.Context(), createReq("pay-1"))
		require.NoError(t, err)
		a.setPaid("pay-1")
		_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
		requireOutcome(t, err, status.Unknown, "")
		_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
		requireOutcome(t, err, status.Unknown, "")
		assert.Equal(t, 1, a.Calls(paygate.OpRefund))
	})
}

// At a provider that dedupes refunds, the unknown refund is simply sent again with the same id, and
// the provider answers with the original.
func TestRefundUnknownAtDedupingProviderIsResent(t *testing.T) {
	a := newMem(t, "a")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	paidAt(t, r, a)

	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.LoseReply})
	_, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
	requireOutcome(t, err, status.Unknown, "")
	f, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)
	assert.Equal(t, "a", f.Provider)
	assert.Equal(t, 2, a.Ledger().Requests(paygate.OpRefund, "ref-1"), "resent with the same id")
	assert.Zero(t, a.Ledger().Requests(paygate.OpInquireRefund, "ref-1"))
	assert.Len(t, a.Ledger().Refunds("ref-1"), 1)
	assert.Empty(t, getEntry(t, store, route.KindRefund, "ref-1").Open)

	// An F to a resend after U is checked by inquiry before it is believed: here the first
	// refund landed, so the F (about the refundable amount it used up) does not stand.
	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.LoseReply})
	_, err = r.Refund(t.Context(), refundReq("ref-2", "pay-1", "6.50"))
	requireOutcome(t, err, status.Unknown, "")
	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.ReplyCode, Code: "REFUND_NOT_ALLOWED"})
	f, err = r.Refund(t.Context(), refundReq("ref-2", "pay-1", "6.50"))
	require.NoError(t, err)
	assert.Equal(t, "ref-2", f.RefundRequestID)
	assert.Len(t, a.Ledger().Refunds("ref-2"), 1)
}

// A refund's definite F is final: the same id again sends nothing.
func TestRefundFailureIsFinal(t *testing.T) {
	a := newMem(t, "a")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a")})
	paidAt(t, r, a)
	_, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "99.00"))
	requireOutcome(t, err, status.Failure, status.CodeRefundNotAllowed)
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "99.00"))
	requireOutcome(t, err, status.Failure, status.CodeRefundNotAllowed)
	assert.Equal(t, 1, a.Ledger().Requests(paygate.OpRefund, "ref-1"))
}

// Cancel: an unknown cancel is resent to a provider that dedupes it, and settles the journal.
func TestCancelUnknownThenAgain(t *testing.T) {
	a := newMem(t, "a")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	a.Inject(sim.Fault{Op: paygate.OpCancel, Kind: sim.LoseReply})
	_, err = r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	requireOutcome(t, err, status.Unknown, "")
	assert.Equal(t, paygate.OpCancel, getEntry(t, store, route.KindPayment, "pay-1").Open)

	p, err := r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status)
	e := getEntry(t, store, route.KindPayment, "pay-1")
	assert.Empty(t, e.Open)
	assert.Equal(t, string(status.PaymentCanceled), e.Status)
}

// A refund F the journal cannot record leaves the entry open, which Reconcile may complete later at a
// provider with no refund inquiry: the caller must get U, never that F.
func TestRefundRefusalUnrecordedIsUnknown(t *testing.T) {
	store := newFlakyStore()
	a := newFake("a").dedupes()
	a.onRefund = func(context.Context, int, *paygate.RefundRequest) error {
		store.set(false, true) // the journal goes down while the provider answers
		return fail("a", paygate.OpRefund, status.CodeRefundNotAllowed)
	}
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
	store.set(false, false)
	requireOutcome(t, err, status.Unknown, status.CodeUnavailable)
	assert.Equal(t, paygate.OpRefund, getEntry(t, store, route.KindRefund, "ref-1").Open)
}
