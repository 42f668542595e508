package route_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// crashed is a journal left by a router that died with writes open, and the providers it used.
type crashed struct {
	a, b      *memory.Gateway
	store     *route.MemoryStore
	providers map[string]paygate.Gateway
}

// newCrashed runs fn against a first router over a and b (rules a then b), then forgets that router.
func newCrashed(t *testing.T, fn func(r *route.Router, c *crashed)) *crashed {
	t.Helper()
	c := &crashed{a: newMem(t, "a"), b: newMem(t, "b"), store: route.NewMemoryStore()}
	c.providers = map[string]paygate.Gateway{"a": c.a, "b": c.b}
	fn(newRouter(t, route.Config{Providers: c.providers, Rules: catchAll("a", "b"), Store: c.store}), c)
	return c
}

// restart is a new router on the crashed journal; its rules put b first, so anything that goes to
// a does so because the journal says a owns it.
func (c *crashed) restart(t *testing.T) *route.Router {
	t.Helper()
	return newRouter(t, route.Config{Providers: c.providers, Rules: catchAll("b", "a"), Store: c.store})
}

func TestReconcileCreateThatLanded(t *testing.T) {
	c := newCrashed(t, func(r *route.Router, c *crashed) {
		c.a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
		_, err := r.Create(t.Context(), createReq("pay-1"))
		requireOutcome(t, err, status.Unknown, "")
	})
	r := c.restart(t)
	rep, err := r.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)

	e := getEntry(t, c.store, route.KindPayment, "pay-1")
	assert.Empty(t, e.Open)
	assert.Equal(t, "a", e.Provider)
	assert.Equal(t, string(status.PaymentRequiresAction), e.Status)
	require.Len(t, c.a.Ledger().Orders("pay-1"), 1)
	assert.Equal(t, c.a.Ledger().Orders("pay-1")[0].ProviderID, e.ProviderID)
	assert.Equal(t, status.Success, e.Outcome, "the create is known to have succeeded")
	assert.Equal(t, 1, c.a.Ledger().Requests(paygate.OpCreate, "pay-1"), "Reconcile sends no create")
	assert.Zero(t, totalRequests(c.b))

	// A second run finds nothing to do; the payment is answered from a.
	rep, err = r.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{}, rep)
	p, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider)
	assert.Len(t, c.a.Ledger().Orders("pay-1"), 1)
	assert.Zero(t, totalRequests(c.b))
}

// A create that never reached the provider (dropped, or journaled just before a crash) is recorded
// as not created; a later create with the same id goes again to its owner, never elsewhere.
func TestReconcileCreateThatNeverLanded(t *testing.T) {
	for name, setup := range map[string]func(t *testing.T, r *route.Router, c *crashed){
		"dropped before processing": func(t *testing.T, r *route.Router, c *crashed) {
			c.a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.DropBeforeProcessing})
			_, err := r.Create(t.Context(), createReq("pay-1"))
			requireOutcome(t, err, status.Unknown, "")
		},
		"journaled, never sent": func(t *testing.T, _ *route.Router, c *crashed) {
			require.NoError(t, c.store.Put(t.Context(), &route.Entry{Kind: route.KindPayment, RequestID: "pay-1", Provider: "a",
				Amount: usd("10.50"), Open: paygate.OpCreate, CreatedAt: time.Now(), UpdatedAt: time.Now()}))
		},
	} {
		t.Run(name, func(t *testing.T) {
			c := newCrashed(t, func(r *route.Router, c *crashed) { setup(t, r, c) })
			r := c.restart(t)
			rep, err := r.Reconcile(t.Context())
			require.NoError(t, err)
			assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
			e := getEntry(t, c.store, route.KindPayment, "pay-1")
			assert.Empty(t, e.Open)
			assert.Equal(t, status.Failure, e.Outcome)
			assert.Equal(t, status.CodeNotFound, e.Code)
			assert.Empty(t, c.a.Ledger().Orders("pay-1"))
			assert.Equal(t, 1, c.a.Ledger().Requests(paygate.OpInquire, "pay-1"))

			// Inquire says so without asking anyone.
			_, err = r.Inquire(t.Context(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
			requireOutcome(t, err, status.Failure, status.CodeNotFound)
			assert.Equal(t, 1, c.a.Ledger().Requests(paygate.OpInquire, "pay-1"))

			p, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			assert.Equal(t, "a", p.Provider, "sent again to the owner")
			assert.Len(t, c.a.Ledger().Orders("pay-1"), 1)
			assert.Zero(t, totalRequests(c.b))
		})
	}
}

// A create Reconcile found not created, whose provider is no longer configured, goes to the
// candidates of the rules.
func TestCreateAfterNotFoundAtRemovedProvider(t *testing.T) {
	store := route.NewMemoryStore()
	require.NoError(t, store.Put(t.Context(), &route.Entry{Kind: route.KindPayment, RequestID: "pay-1", Provider: "gone",
		Amount: usd("10.50"), Outcome: status.Failure, Code: status.CodeNotFound}))
	b := newMem(t, "b")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"b": b}, Rules: catchAll("b"), Store: store})
	p, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "b", p.Provider)
}

func TestReconcileRefunds(t *testing.T) {
	setup := func(t *testing.T, fault sim.FaultKind) *crashed {
		return newCrashed(t, func(r *route.Router, c *crashed) {
			_, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			require.NoError(t, c.a.Pay("pay-1"))
			c.a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: fault})
			_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "2.00"))
			requireOutcome(t, err, status.Unknown, "")
		})
	}
	t.Run("landed", func(t *testing.T) {
		c := setup(t, sim.LoseReply)
		r := c.restart(t)
		rep, err := r.Reconcile(t.Context())
		require.NoError(t, err)
		assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
		e := getEntry(t, c.store, route.KindRefund, "ref-1")
		assert.Empty(t, e.Open)
		assert.Equal(t, string(status.RefundSucceeded), e.Status)
		assert.Equal(t, c.a.Ledger().Refunds("ref-1")[0].ProviderID, e.ProviderID)
		assert.Equal(t, 1, c.a.Ledger().Requests(paygate.OpInquireRefund, "ref-1"), "settled by InquireRefund")
		assert.Equal(t, 1, c.a.Ledger().Requests(paygate.OpRefund, "ref-1"), "not sent again")
	})
	t.Run("never landed", func(t *testing.T) {
		c := setup(t, sim.DropBeforeProcessing)
		r := c.restart(t)
		rep, err := r.Reconcile(t.Context())
		require.NoError(t, err)
		assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
		e := getEntry(t, c.store, route.KindRefund, "ref-1")
		assert.Empty(t, e.Open)
		assert.Equal(t, status.Failure, e.Outcome)
		assert.Equal(t, status.CodeNotFound, e.Code)
		assert.Empty(t, c.a.Ledger().Refunds("ref-1"))

		// The same refund later is sent again, once.
		f, err := r.Refund(t.Context(), refundReq("ref-1", "pay-1", "2.00"))
		require.NoError(t, err)
		assert.Equal(t, "a", f.Provider)
		assert.Len(t, c.a.Ledger().Refunds("ref-1"), 1)
	})
}

// A refund at a provider with no refund inquiry but deduped refunds is settled by sending the
// identical refund again, which only returns the original.
func TestReconcileRefundWithoutInquiry(t *testing.T) {
	a := newFake("a").dedupes()
	a.onInquireRefund = func(context.Context, int, *paygate.InquireRefundRequest) error {
		return fail("a", paygate.OpInquireRefund, status.CodeNotSupported)
	}
	lose := true
	store := route.NewMemoryStore()
	providers := map[string]paygate.Gateway{"a": &losingReply{fake: a, lose: &lose}}
	r1 := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a"), Store: store})
	_, err := r1.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	a.setPaid("pay-1")
	_, err = r1.Refund(t.Context(), refundReq("ref-1", "pay-1", "2.00"))
	requireOutcome(t, err, status.Unknown, "")
	require.Equal(t, 1, a.Refunded("ref-1"))

	lose = false
	r2 := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a"), Store: store})
	rep, err := r2.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
	assert.Equal(t, 2, a.Calls(paygate.OpRefund))
	assert.Equal(t, 1, a.Refunded("ref-1"), "the resend returned the original")
	e := getEntry(t, store, route.KindRefund, "ref-1")
	assert.Empty(t, e.Open)
	assert.Equal(t, string(status.RefundSucceeded), e.Status)
}

// losingReply performs a refund and then loses the reply while *lose is true.
type losingReply struct {
	*fake
	lose *bool
}

func (g *losingReply) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	f, err := g.fake.Refund(ctx, req)
	if err == nil && *g.lose {
		return nil, unknownErr(g.name, paygate.OpRefund)
	}
	return f, err
}

func TestReconcileCancel(t *testing.T) {
	c := newCrashed(t, func(r *route.Router, c *crashed) {
		_, err := r.Create(t.Context(), createReq("pay-1"))
		require.NoError(t, err)
		c.a.Inject(sim.Fault{Op: paygate.OpCancel, Kind: sim.LoseReply})
		_, err = r.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
		requireOutcome(t, err, status.Unknown, "")
	})
	rep, err := c.restart(t).Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
	e := getEntry(t, c.store, route.KindPayment, "pay-1")
	assert.Empty(t, e.Open)
	assert.Equal(t, string(status.PaymentCanceled), e.Status)
	assert.Equal(t, 1, c.a.Ledger().Requests(paygate.OpCancel, "pay-1"))
}

// Entries the provider cannot settle now stay open and are listed; a later run settles them.
func TestReconcileUnresolvedStayOpen(t *testing.T) {
	c := newCrashed(t, func(r *route.Router, c *crashed) {
		c.a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
		_, err := r.Create(t.Context(), createReq("pay-1"))
		requireOutcome(t, err, status.Unknown, "")
		_, err = r.Create(t.Context(), createReq("pay-2"))
		require.NoError(t, err)
		require.NoError(t, c.a.Pay("pay-2"))
		c.a.Inject(sim.Fault{Op: paygate.OpRefund, Kind: sim.LoseReply})
		_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-2", "1.00"))
		requireOutcome(t, err, status.Unknown, "")
	})
	// Also an entry whose provider is no longer configured.
	require.NoError(t, c.store.Put(t.Context(), &route.Entry{Kind: route.KindPayment, RequestID: "pay-gone", Provider: "gone",
		Amount: usd("1"), Open: paygate.OpCreate}))

	c.a.Inject(sim.Fault{Op: paygate.OpInquire, Kind: sim.ReplyStatus, Status: 503})
	c.a.Inject(sim.Fault{Op: paygate.OpInquireRefund, Kind: sim.DropBeforeProcessing})
	r := c.restart(t)
	rep, err := r.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Checked)
	assert.Zero(t, rep.Resolved)
	require.Len(t, rep.Unresolved, 3)
	joined := rep.Unresolved[0] + "\n" + rep.Unresolved[1] + "\n" + rep.Unresolved[2]
	assert.Contains(t, joined, "payment/pay-1: inquiry ended U UNAVAILABLE")
	assert.Contains(t, joined, "refund/ref-1: inquiry ended U UNAVAILABLE")
	assert.Contains(t, joined, `payment/pay-gone: provider "gone" is not configured`)
	assert.Equal(t, paygate.OpCreate, getEntry(t, c.store, route.KindPayment, "pay-1").Open)
	assert.Equal(t, paygate.OpRefund, getEntry(t, c.store, route.KindRefund, "ref-1").Open)

	rep, err = r.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 3, rep.Checked)
	assert.Equal(t, 2, rep.Resolved)
	assert.Len(t, rep.Unresolved, 1)
	assert.Empty(t, getEntry(t, c.store, route.KindPayment, "pay-1").Open)
	assert.Empty(t, getEntry(t, c.store, route.KindRefund, "ref-1").Open)
	assert.Len(t, c.a.Ledger().Refunds("ref-1"), 1)
}

// ReconcileAfter leaves entries younger than it alone.
func TestReconcileAfterSkipsYoungEntries(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	a := newMem(t, "a")
	store := route.NewMemoryStore()
	cfg := route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store,
		Now: clock.Now, ReconcileAfter: time.Minute}
	r1 := newRouter(t, cfg)
	a.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
	_, err := r1.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")

	r2 := newRouter(t, cfg)
	clock.Advance(59 * time.Second)
	rep, err := r2.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{Skipped: 1}, rep)
	assert.Zero(t, a.Ledger().RequestsOf(paygate.OpInquire))
	assert.Equal(t, paygate.OpCreate, getEntry(t, store, route.KindPayment, "pay-1").Open)

	clock.Advance(2 * time.Second)
	rep, err = r2.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
	assert.Empty(t, getEntry(t, store, route.KindPayment, "pay-1").Open)
}

// An entry this router is working on right now is skipped, even with ReconcileAfter zero: its
// create is in flight, and an inquiry now could wrongly find nothing.
func TestReconcileSkipsEntriesInFlight(t *testing.T) {
	a := newFake("a")
	started, release := a.holdFirstCreate()
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, err := r.Create(context.Background(), createReq("pay-1"))
		assert.NoError(t, err)
	}()
	waitClosed(t, started)
	require.Equal(t, paygate.OpCreate, getEntry(t, store, route.KindPayment, "pay-1").Open)
	rep, err := r.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{Skipped: 1}, rep)
	assert.Zero(t, a.Calls(paygate.OpInquire))
	close(release)
	wg.Wait()
	assert.Empty(t, getEntry(t, store, route.KindPayment, "pay-1").Open)
	assert.Equal(t, 1, a.Orders("pay-1"))
}

func TestReconcileStoreFailure(t *testing.T) {
	store := newFlakyStore()
	store.failUnres = true
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": newFake("a")}, Rules: catchAll("a"), Store: store})
	_, err := r.Reconcile(t.Context())
	require.ErrorIs(t, err, errStoreDown)
}

// When the identical refund sent again by Reconcile (no refund inquiry) is refused without being
// processed (never sent, or refused before processing), that says nothing about the first refund:
// the entry stays open, never F.
func TestReconcileRefundResendNotProcessedStaysOpen(t *testing.T) {
	for name, refusal := range map[string]error{
		"not sent": &paygate.Error{Provider: "a", Op: paygate.OpRefund, Outcome: status.Failure, Code: status.CodeUnavailable,
			Message: "dial failed", Err: retry.ErrNotSent},
		"rate limited": fail("a", paygate.OpRefund, status.CodeRateLimited),
		"unavailable":  fail("a", paygate.OpRefund, status.CodeUnavailable),
	} {
		t.Run(name, func(t *testing.T) {
			a := newFake("a").dedupes()
			a.onInquireRefund = func(context.Context, int, *paygate.InquireRefundRequest) error {
				return fail("a", paygate.OpInquireRefund, status.CodeNotSupported)
			}
			lose := true
			store := route.NewMemoryStore()
			providers := map[string]paygate.Gateway{"a": &losingReply{fake: a, lose: &lose}}
			r := newRouter(t, route.Config{Providers: providers, Rules: catchAll("a"), Store: store})
			_, err := r.Create(t.Context(), createReq("pay-1"))
			require.NoError(t, err)
			a.setPaid("pay-1")
			_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "2.00"))
			requireOutcome(t, err, status.Unknown, "")
			require.Equal(t, 1, a.Refunded("ref-1"), "the first refund landed")

			a.onRefund = func(context.Context, int, *paygate.RefundRequest) error { return refusal }
			rep, err := r.Reconcile(t.Context())
			require.NoError(t, err)
			assert.Zero(t, rep.Resolved)
			assert.Len(t, rep.Unresolved, 1)
			e := getEntry(t, store, route.KindRefund, "ref-1")
			assert.Equal(t, paygate.OpRefund, e.Open, "still unknown")
			assert.NotEqual(t, status.Failure, e.Outcome)

			// And the caller asking again is not told F either.
			_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "2.00"))
			assert.NotEqual(t, status.Failure, paygate.OutcomeOf(err), "%v", err)
		})
	}
}

// A processed refusal of the identical refund (the provider dedupes, so a landed refund would have
// been answered with itself) settles it as not performed.
func TestReconcileRefundResendRefusedSettlesF(t *testing.T) {
	a := newFake("a").dedupes()
	a.onInquireRefund = func(context.Context, int, *paygate.InquireRefundRequest) error {
		return fail("a", paygate.OpInquireRefund, status.CodeNotSupported)
	}
	a.onRefund = func(_ context.Context, n int, _ *paygate.RefundRequest) error {
		if n == 1 {
			return unknownErr("a", paygate.OpRefund) // not performed, outcome unknown
		}
		return fail("a", paygate.OpRefund, status.CodeRefundNotAllowed)
	}
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	a.setPaid("pay-1")
	_, err = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "2.00"))
	requireOutcome(t, err, status.Unknown, "")

	rep, err := r.Reconcile(t.Context())
	require.NoError(t, err)
	assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep)
	e := getEntry(t, store, route.KindRefund, "ref-1")
	assert.Empty(t, e.Open)
	assert.Equal(t, status.Failure, e.Outcome)
	assert.Equal(t, status.CodeRefundNotAllowed, e.Code)
	assert.Zero(t, a.Refunded("ref-1"))
}

// With ReconcileAfter set (routers on several machines), a second machine does not take "not found"
// as proof while the open create is younger than it: the first machine may still be sending it.
func TestReconcileAfterGuardsResendsAcrossMachines(t *testing.T) {
	clock := sim.NewManualClock(time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC))
	a := newFake("a") // does not dedupe creates
	a.onCreate = func(_ context.Context, n int, _ *paygate.CreateRequest) error {
		if n == 1 {
			return unknownErr("a", paygate.OpCreate) // the first machine's try: unknown, did not land
		}
		return nil
	}
	store := route.NewMemoryStore()
	cfg := route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store,
		Now: clock.Now, ReconcileAfter: time.Minute}
	machine1, machine2 := newRouter(t, cfg), newRouter(t, cfg)
	_, err := machine1.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")

	clock.Advance(30 * time.Second)
	_, err = machine2.Create(t.Context(), createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, "")
	assert.Equal(t, 1, a.Calls(paygate.OpCreate), "no second create while the first may be in flight")

	clock.Advance(31 * time.Second)
	p, err := machine2.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, "a", p.Provider)
	assert.Equal(t, 2, a.Calls(paygate.OpCreate))
}
