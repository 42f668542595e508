package route_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

func TestLeaseConfig(t *testing.T) {
	providers := map[string]paygate.Gateway{"a": newFake("a")}
	_, err := route.New(route.Config{Providers: providers, Rules: catchAll("a"), Lease: 500 * time.Millisecond})
	require.ErrorContains(t, err, "Config.Lease")
	_, err = route.New(route.Config{Providers: providers, Rules: catchAll("a"), Lease: -time.Minute})
	require.ErrorContains(t, err, "Config.Lease")
	_, err = route.New(route.Config{Providers: providers, Rules: catchAll("a")})
	require.NoError(t, err, "zero is DefaultLease")
}

// A provider call made under a lease ends before the lease does: its context has a deadline no later
// than 90% of the lease from now, whatever the caller's context says.
func TestLeaseBoundsTheProviderCall(t *testing.T) {
	a := newFake("a")
	var deadlines []time.Time
	var mu sync.Mutex
	record := func(ctx context.Context) {
		d, ok := ctx.Deadline()
		require.True(t, ok, "a write under a lease must have a deadline")
		mu.Lock()
		deadlines = append(deadlines, d)
		mu.Unlock()
	}
	a.onCreate = func(ctx context.Context, _ int, _ *paygate.CreateRequest) error { record(ctx); return nil }
	a.onCancel = func(ctx context.Context, _ int, _ *paygate.CancelRequest) error { record(ctx); return nil }
	a.onRefund = func(ctx context.Context, _ int, _ *paygate.RefundRequest) error { record(ctx); return nil }
	const lease = 10 * time.Second
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Lease: lease})
	start := time.Now()
	_, err := r.Create(context.Background(), createReq("pay-1"))
	require.NoError(t, err)
	a.setPaid("pay-1")
	_, err = r.Refund(context.Background(), refundReq("ref-1", "pay-1", "1.00"))
	require.NoError(t, err)
	_, err = r.Cancel(context.Background(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	require.Len(t, deadlines, 3)
	for _, d := range deadlines {
		assert.False(t, d.After(time.Now().Add(lease*9/10)), "deadline %s is past 90%% of the lease", d.Sub(start))
	}
}

// Every way a call ends gives its lease back, so the id is not blocked until the lease expires.
func TestLeaseGivenBackWithEveryAnswer(t *testing.T) {
	for name, tc := range map[string]struct {
		setup func(a *fake)
		call  func(t *testing.T, r *route.Router)
		kind  route.Kind
		id    string
	}{
		"create S": {call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
		}, kind: route.KindPayment, id: "pay-1"},
		"create U": {setup: func(a *fake) {
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error { return unknownErr("a", paygate.OpCreate) }
		}, call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")
		}, kind: route.KindPayment, id: "pay-1"},
		"create F": {setup: func(a *fake) {
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
				return fail("a", paygate.OpCreate, status.CodeInvalidRequest)
			}
		}, call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Failure, status.CodeInvalidRequest)
		}, kind: route.KindPayment, id: "pay-1"},
		"create refused everywhere": {setup: func(a *fake) {
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error {
				return fail("a", paygate.OpCreate, status.CodeUnavailable)
			}
		}, call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Failure, status.CodeUnavailable)
		}, kind: route.KindPayment, id: "pay-1"},
		"create resent after U, then S": {setup: func(a *fake) {
			a.dedupes()
			a.onCreate = func(_ context.Context, n int, _ *paygate.CreateRequest) error {
				if n == 1 {
					return unknownErr("a", paygate.OpCreate)
				}
				return nil
			}
		}, call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")
			_, err = r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
		}, kind: route.KindPayment, id: "pay-1"},
		"cancel U": {setup: func(a *fake) {
			a.onCancel = func(context.Context, int, *paygate.CancelRequest) error { return unknownErr("a", paygate.OpCancel) }
		}, call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			_, err = r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
			requireOutcome(t, err, status.Unknown, "")
			// Not deduped: settled by inquiry, which shows the cancel did not take.
			_, err = r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
			requireOutcome(t, err, status.Failure, status.CodeInvalidState)
		}, kind: route.KindPayment, id: "pay-1"},
		"refund U, then settled by inquiry": {setup: func(a *fake) {
			a.onRefund = func(context.Context, int, *paygate.RefundRequest) error { return unknownErr("a", paygate.OpRefund) }
		}, call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
			requireOutcome(t, err, status.Unknown, "")
			_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00"))
			require.Error(t, err)
		}, kind: route.KindRefund, id: "ref-1"},
		"reconcile": {setup: func(a *fake) {
			a.onCreate = func(context.Context, int, *paygate.CreateRequest) error { return unknownErr("a", paygate.OpCreate) }
		}, call: func(t *testing.T, r *route.Router) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")
			_, err = r.Reconcile(t.Context())
			require.NoError(t, err)
		}, kind: route.KindPayment, id: "pay-1"},
	} {
		t.Run(name, func(t *testing.T) {
			a := newFake("a")
			if tc.setup != nil {
				tc.setup(a)
			}
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
			tc.call(t, r)
			e := getEntry(t, store, tc.kind, tc.id)
			assert.Empty(t, e.LeaseOwner, "lease owner left behind")
			assert.True(t, e.LeaseUntil.IsZero(), "lease time left behind")
		})
	}
}

// The U of a call that meets another call's lease says who holds it, until when, and what to do.
func TestLeasedErrorSaysWhatToDo(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	a := newFake("a")
	started, release := a.holdFirstCreate()
	store := route.NewMemoryStore()
	cfg := route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store, Now: clock.Now, Lease: time.Minute}
	cfg.Instance = "checkout-1"
	one := newRouter(t, cfg)
	cfg.Instance = "checkout-2"
	two := newRouter(t, cfg)
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = one.Create(context.Background(), createReq("pay-1")) })
	defer wg.Wait()
	defer close(release)
	waitClosed(t, started)

	_, err := two.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, status.CodeInProgress)
	require.ErrorIs(t, err, route.ErrLeased)
	msg := err.Error()
	assert.Contains(t, msg, "checkout-1#", "names the holder")
	assert.Contains(t, msg, "2026-03-01T12:01:00Z", "says until when")
	assert.Contains(t, msg, "call again with the same id")
	assert.Contains(t, msg, "sent nothing")
}
