package route_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

const openFor = 50 * time.Millisecond

// transitions records a router's breaker changes.
type transitions struct {
	mu  sync.Mutex
	log []string
}

func (tr *transitions) record(provider, from, to string) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.log = append(tr.log, fmt.Sprintf("%s: %s→%s", provider, from, to))
}

func (tr *transitions) get() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.log...)
}

func waitHalfOpen(t *testing.T, r *route.Router, provider string) {
	t.Helper()
	require.Eventually(t, func() bool { return r.BreakerState(provider) == "half-open" }, 2*time.Second, 5*time.Millisecond)
}

// Repeated U answers open the breaker; while open, new creates skip the provider and it gets no
// request; after OpenFor one probe reaches it, and a success closes the breaker.
func TestBreakerOpensOnUnknownAndRecovers(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	var tr transitions
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"),
		Breaker: route.BreakerSettings{Failures: 3, OpenFor: openFor, OnStateChange: tr.record}})
	ctx := t.Context()

	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 500, Times: 3})
	for i := range 3 {
		require.Equal(t, "closed", r.BreakerState("a"), "before U number %d", i+1)
		_, err := r.Create(ctx, createReq(fmt.Sprintf("u-%d", i)))
		requireOutcome(t, err, status.Unknown, "")
	}
	require.Equal(t, "open", r.BreakerState("a"))
	assert.Equal(t, []string{"a: closed→open"}, tr.get())
	assert.Zero(t, totalRequests(b), "the U creates never moved")

	sent := totalRequests(a)
	for i := range 3 {
		p, err := r.Create(ctx, createReq(fmt.Sprintf("while-open-%d", i)))
		require.NoError(t, err)
		assert.Equal(t, "b", p.Provider)
	}
	assert.Equal(t, sent, totalRequests(a), "no request reaches a while its breaker is open")

	waitHalfOpen(t, r, "a")
	p, err := r.Create(ctx, createReq("probe"))
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider, "the probe goes to a")
	assert.Equal(t, "closed", r.BreakerState("a"))
	assert.Equal(t, []string{"a: closed→open", "a: open→half-open", "a: half-open→closed"}, tr.get())

	p, err = r.Create(ctx, createReq("after"))
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider)
}

// A probe that fails opens the breaker again, and again nothing is sent while it is open.
func TestBreakerProbeFailureReopens(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"),
		Breaker: route.BreakerSettings{Failures: 2, OpenFor: openFor}})
	ctx := t.Context()
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing, Times: 3})
	for i := range 2 {
		_, err := r.Create(ctx, createReq(fmt.Sprintf("u-%d", i)))
		requireOutcome(t, err, status.Unknown, "")
	}
	require.Equal(t, "open", r.BreakerState("a"))
	waitHalfOpen(t, r, "a")
	_, err := r.Create(ctx, createReq("probe"))
	requireOutcome(t, err, status.Unknown, "")
	assert.Zero(t, totalRequests(b), "a U probe does not move either")
	require.Equal(t, "open", r.BreakerState("a"))

	sent := totalRequests(a)
	p, err := r.Create(ctx, createReq("next"))
	require.NoError(t, err)
	assert.Equal(t, "b", p.Provider)
	assert.Equal(t, sent, totalRequests(a))
}

// F UNAVAILABLE, RATE_LIMITED and TIMEOUT answers count too; once open, a is not even asked.
func TestBreakerOpensOnFailureUnavailable(t *testing.T) {
	for _, code := range []status.Code{status.CodeUnavailable, status.CodeRateLimited, status.CodeTimeout} {
		t.Run(string(code), func(t *testing.T) {
			a, b := newFake("a"), newMem(t, "b")
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error { return fail("a", paygate.OpCreate, code) }
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"),
				Breaker: route.BreakerSettings{Failures: 2, OpenFor: time.Hour}})
			for i := range 4 {
				_, _ = r.Create(t.Context(), createReq(fmt.Sprintf("pay-%d", i)))
			}
			assert.Equal(t, "open", r.BreakerState("a"))
			assert.Equal(t, 2, a.Calls(paygate.OpCreate), "only the two that opened it reached a")
		})
	}
}

// Business answers (a decline) prove the provider works: they never open the breaker, and a
// success between failures resets the count.
func TestBreakerIgnoresBusinessAnswers(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"),
		Breaker: route.BreakerSettings{Failures: 2, OpenFor: time.Hour}})
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED", Times: 5})
	for i := range 5 {
		p, err := r.Create(t.Context(), createReq(fmt.Sprintf("declined-%d", i)))
		require.NoError(t, err)
		assert.Equal(t, "b", p.Provider)
	}
	assert.Equal(t, "closed", r.BreakerState("a"))
	assert.Equal(t, 5, a.Ledger().RequestsOf(paygate.OpCreate))

	// U, decline, U: never two in a row.
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 502})
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED"})
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 502})
	for i := range 3 {
		_, _ = r.Create(t.Context(), createReq(fmt.Sprintf("mixed-%d", i)))
	}
	assert.Equal(t, "closed", r.BreakerState("a"))

	// A caller giving up (context cancelled) says nothing about the provider either.
	for i := range 3 {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, err := r.Create(ctx, createReq(fmt.Sprintf("cancelled-%d", i)))
		require.Error(t, err)
	}
	assert.Equal(t, "closed", r.BreakerState("a"))
}

// While a's breaker is open, calls about a's payments are refused without a request: F UNAVAILABLE,
// or U for a write whose earlier try is still unknown. A known id never moves to b.
func TestBreakerOpenRefusesFollowUps(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b"), Store: store,
		Breaker: route.BreakerSettings{Failures: 3, OpenFor: time.Hour}})
	ctx := t.Context()

	// pay-1 paid with a refund; pay-2 with a cancel that is unknown; pay-3 with an unknown refund.
	for _, id := range []string{"pay-1", "pay-2", "pay-3"} {
		_, err := r.Create(ctx, createReq(id))
		require.NoError(t, err)
	}
	require.NoError(t, a.Pay("pay-1"))
	require.NoError(t, a.Pay("pay-3"))
	_, err := r.Refund(ctx, refundReq("ref-1", "pay-1", "1.00"))
	require.NoError(t, err)
	a.Inject(sim.Fault{Op: paygate.OpCancel, Kind: sim.ReplyCode, Code: "UNKNOWN"})
	_, err = r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-2"})
	requireOutcome(t, err, status.Unknown, "")
	a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.ReplyCode, Code: "UNKNOWN"})
	_, err = r.Refund(ctx, refundReq("ref-3", "pay-3", "1.00"))
	requireOutcome(t, err, status.Unknown, "")

	// The two U answers above count: one more opens it.
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyStatus, Status: 503})
	_, err = r.Create(ctx, createReq("u-0"))
	requireOutcome(t, err, status.Unknown, "")
	require.Equal(t, "open", r.BreakerState("a"))
	sent := totalRequests(a)

	refused := func(t *testing.T, err error) {
		t.Helper()
		requireOutcome(t, err, status.Failure, status.CodeUnavailable)
		assert.ErrorIs(t, err, retry.ErrNotSent)
	}
	_, err = r.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	refused(t, err)
	_, err = r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	refused(t, err)
	assert.Empty(t, getEntry(t, store, route.KindPayment, "pay-1").Open, "a refused call leaves nothing open")
	_, err = r.Refund(ctx, refundReq("ref-2", "pay-1", "1.00"))
	refused(t, err)
	requireNoEntry(t, store, route.KindRefund, "ref-2")
	_, err = r.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
	refused(t, err)

	// Writes already unknown stay unknown.
	_, err = r.Cancel(ctx, &paygate.CancelRequest{PaymentRequestID: "pay-2"})
	requireOutcome(t, err, status.Unknown, "")
	_, err = r.Refund(ctx, refundReq("ref-3", "pay-3", "1.00"))
	requireOutcome(t, err, status.Unknown, "")
	_, err = r.Create(ctx, createReq("u-0"))
	requireOutcome(t, err, status.Unknown, "")
	// A payment a created is not created again elsewhere.
	_, err = r.Create(ctx, createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")

	assert.Equal(t, sent, totalRequests(a), "nothing reached a while open")
	assert.Zero(t, totalRequests(b), "nothing about a's payments went to b")
}

// A lookup in an index that lags (Stripe's search: U NOT_FOUND) and a request still in progress (U
// IN_PROGRESS) are healthy answers, however often they come: the breaker stays closed.
func TestBreakerIgnoresLaggingLookups(t *testing.T) {
	f := newFake("s").dedupes()
	f.onInquire = func(context.Context, int, *paygate.InquireRequest) error {
		return &paygate.Error{Provider: "s", Op: paygate.OpInquire, Outcome: status.Unknown, Code: status.CodeNotFound, Message: "the search lags"}
	}
	f.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
		return &paygate.Error{Provider: "s", Op: paygate.OpCreate, Outcome: status.Unknown, Code: status.CodeInProgress, Message: "key in use"}
	}
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"s": f}, Rules: catchAll("s"),
		Breaker: route.BreakerSettings{Failures: 2, OpenFor: time.Hour}})
	for i := range 4 {
		_, err := r.Inquire(t.Context(), &paygate.InquireRequest{PaymentRequestID: fmt.Sprintf("lag-%d", i)})
		require.Error(t, err)
	}
	for i := range 4 {
		_, err := r.Create(t.Context(), createReq(fmt.Sprintf("busy-%d", i)))
		require.Error(t, err)
	}
	assert.Equal(t, "closed", r.BreakerState("s"))
}
