package route_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// declaring is the memory provider declaring that it does not offer some operations (as VAI247 does
// not offer refund inquiry); it would still answer them if asked, so the ledger shows whether the
// router asked.
type declaring struct {
	*memory.Gateway
	without []paygate.Op
}

func (g declaring) Capabilities() provider.Capabilities {
	c := g.Gateway.Capabilities()
	c.Ops = slices.DeleteFunc(slices.Clone(c.Ops), func(op paygate.Op) bool { return slices.Contains(g.without, op) })
	return c
}

// The router reads each provider's declaration: an operation the owner does not offer is F
// NOT_SUPPORTED with nothing sent, even while the owner's breaker is open.
func TestOpNotOfferedIsRefusedWithoutSending(t *testing.T) {
	a := newMem(t, "a")
	r := newRouter(t, route.Config{
		Providers: map[string]paygate.Gateway{"a": declaring{a, []paygate.Op{paygate.OpInquireRefund}}},
		Rules:     catchAll("a"), Breaker: route.BreakerSettings{Failures: 1},
	})
	caps, ok := r.ProviderCapabilities("a")
	require.True(t, ok)
	assert.False(t, caps.Offers(paygate.OpInquireRefund))
	assert.True(t, caps.Offers(paygate.OpRefund))
	_, ok = r.ProviderCapabilities("nobody")
	assert.False(t, ok)

	paidAt(t, r, a)
	_, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "4.00"))
	require.NoError(t, err)

	_, err = r.InquireRefund(t.Context(), &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
	requireOutcome(t, err, status.Failure, status.CodeNotSupported)
	var pe *paygate.Error
	require.True(t, errors.As(err, &pe))
	assert.Equal(t, "a", pe.Provider)
	assert.ErrorIs(t, err, retry.ErrNotSent)
	assert.Zero(t, a.Ledger().Requests(paygate.OpInquireRefund, "ref-1"), "nothing was sent")

	// A U opens the breaker (Failures: 1); the refusal is still NOT_SUPPORTED, not UNAVAILABLE.
	a.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.LoseReply})
	_, err = r.Inquire(t.Context(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	requireOutcome(t, err, status.Unknown, "")
	require.Equal(t, "open", r.BreakerState("a"))
	_, err = r.InquireRefund(t.Context(), &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
	requireOutcome(t, err, status.Failure, status.CodeNotSupported)
	assert.Zero(t, a.Ledger().Requests(paygate.OpInquireRefund, "ref-1"))
}

// A candidate that does not offer create is skipped before the journal names it, like one whose
// breaker is open; the payment goes to the next.
func TestCreateSkipsACandidateThatDoesNotOfferCreate(t *testing.T) {
	x, b := newMem(t, "x"), newMem(t, "b")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{
		Providers: map[string]paygate.Gateway{"x": declaring{x, []paygate.Op{paygate.OpCreate}}, "b": b},
		Rules:     catchAll("x", "b"), Store: store,
	})
	p, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "b", p.Provider)
	assert.Zero(t, totalRequests(x), "nothing was sent to x")
	e := getEntry(t, store, route.KindPayment, "pay-1")
	assert.Equal(t, "b", e.Provider)
	assert.NotContains(t, e.Tried, "x", "x was skipped, not tried")
}

// A provider that declares nothing is sent every operation, as before declarations existed.
func TestUndeclaredProviderIsSentEverything(t *testing.T) {
	f := newFake("f")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"f": f}, Rules: catchAll("f")})
	_, ok := r.ProviderCapabilities("f")
	assert.False(t, ok)
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, 1, f.Calls(paygate.OpCreate))
}
