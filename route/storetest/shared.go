package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// RunShared checks that two routers sharing one journal, as two instances of a checkout service on
// different machines do, never send the same write twice: while one router's call holds an entry's
// lease, the other sends nothing for that id and answers U; Reconcile leaves live leases alone and
// takes over expired ones. newJournal returns two handles on one new, empty journal (for a database:
// two Stores with separate connection pools on one table); each case gets its own journal. The
// provider behind the routers does not dedupe creates or refunds and cannot look payments up by the
// merchant's id, like VAI247, so any second write would show as a second order or refund.
func RunShared(t *testing.T, newJournal func(t *testing.T) (route.Store, route.Store)) {
	t.Helper()
	for _, c := range sharedCases() {
		t.Run(c.name, func(t *testing.T) {
			s1, s2 := newJournal(t)
			require.NotNil(t, s1, "newJournal returned no first store")
			require.NotNil(t, s2, "newJournal returned no second store")
			c.run(t, s1, s2)
		})
	}
}

type sharedCase struct {
	name string
	run  func(t *testing.T, s1, s2 route.Store)
}

// pair is two routers, as on two machines, over the same providers and one journal.
type pair struct {
	a, b  *route.Router
	clock *sim.ManualClock
}

// sharedLease is the routers' lease in these cases: long enough for any call here, and the manual
// clock jumps past it where a case needs it to expire.
const sharedLease = 30 * time.Second

func newPair(t *testing.T, s1, s2 route.Store, providers map[string]paygate.Gateway, order ...string) *pair {
	t.Helper()
	clock := sim.NewManualClock(base)
	targets := make([]route.Target, len(order))
	for i, n := range order {
		targets[i] = route.Target{Provider: n, Priority: i}
	}
	mk := func(name string, s route.Store) *route.Router {
		r, err := route.New(route.Config{
			Providers: providers, Rules: []route.Rule{{Name: "all", Targets: targets}}, Store: s,
			Retry: retry.Policy{MaxAttempts: 1, ResolveFor: -1}, Breaker: route.BreakerSettings{Failures: 1 << 20},
			Lease: sharedLease, Instance: name, Now: clock.Now,
		})
		require.NoError(t, err)
		return r
	}
	return &pair{a: mk("machine-a", s1), b: mk("machine-b", s2), clock: clock}
}

func sharedCreate(id string) *paygate.CreateRequest {
	return &paygate.CreateRequest{PaymentRequestID: id, Amount: money.MustParse("12.50", "USD"),
		NotifyURL: "https://shop.example/notify"}
}

// requireInProgress checks that err is the U of a call that met another call's lease.
func requireInProgress(t *testing.T, err error, what string) {
	t.Helper()
	require.Error(t, err, "%s: want U IN_PROGRESS (another machine holds the lease), got success", what)
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "%s: %v", what, err)
	assert.Equal(t, status.CodeInProgress, paygate.CodeOf(err), "%s: %v", what, err)
	assert.ErrorIs(t, err, route.ErrLeased, what)
}

// await waits for the provider to perform a write of op.
func await(t *testing.T, arrived <-chan paygate.Op, op paygate.Op) {
	t.Helper()
	select {
	case got := <-arrived:
		require.Equal(t, op, got, "the provider performed another write than expected")
	case <-time.After(10 * time.Second):
		t.Fatalf("the provider never performed the %s", op)
	}
}

func sharedCases() []sharedCase {
	return []sharedCase{
		{"a create in flight on one machine is not sent by the other", func(t *testing.T, s1, s2 route.Store) {
			acq := newAcquirer("acq")
			p := newPair(t, s1, s2, map[string]paygate.Gateway{"acq": acq}, "acq")
			arrived, release := acq.holdWrites()
			defer release()
			var wg sync.WaitGroup
			var first *paygate.Payment
			var firstErr error
			wg.Go(func() { first, firstErr = p.a.Create(context.Background(), sharedCreate("pay-1")) })
			await(t, arrived, paygate.OpCreate)

			_, err := p.b.Create(t.Context(), sharedCreate("pay-1"))
			requireInProgress(t, err, "machine B's create while machine A's waits for the provider")
			_, err = p.b.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
			requireInProgress(t, err, "machine B's cancel while machine A's create waits for the provider")
			_, err = p.b.Reconcile(t.Context())
			require.NoError(t, err)
			assert.Equal(t, 1, acq.Calls(paygate.OpCreate), "machine B sent a create")
			assert.Zero(t, acq.Calls(paygate.OpCancel), "machine B sent a cancel")
			assert.Zero(t, acq.Calls(paygate.OpInquire), "machine B's Reconcile inquired about an entry in flight")

			release()
			wg.Wait()
			require.NoError(t, firstErr)
			again, err := p.b.Create(t.Context(), sharedCreate("pay-1"))
			require.NoError(t, err, "once machine A has its answer, machine B answers from it")
			assert.Equal(t, first.ProviderPaymentID, again.ProviderPaymentID)
			assert.Equal(t, 1, acq.Orders("pay-1"), "orders for one payment id")
		}},
		{"a failover in flight on one machine is not sent by the other", func(t *testing.T, s1, s2 route.Store) {
			down, acq := newAcquirer("down"), newAcquirer("acq")
			down.refuseCreates(status.CodeUnavailable)
			p := newPair(t, s1, s2, map[string]paygate.Gateway{"down": down, "acq": acq}, "down", "acq")
			arrived, release := acq.holdWrites()
			defer release()
			var wg sync.WaitGroup
			var firstErr error
			wg.Go(func() { _, firstErr = p.a.Create(context.Background(), sharedCreate("pay-1")) })
			await(t, arrived, paygate.OpCreate)

			_, err := p.b.Create(t.Context(), sharedCreate("pay-1"))
			requireInProgress(t, err, "machine B's create while machine A's failover waits for the provider")
			release()
			wg.Wait()
			require.NoError(t, firstErr)
			_, err = p.b.Create(t.Context(), sharedCreate("pay-1"))
			require.NoError(t, err)
			assert.Equal(t, 1, down.Calls(paygate.OpCreate), "the refusing provider was asked once")
			assert.Equal(t, 1, acq.Orders("pay-1"), "orders for one payment id")
		}},
		{"a refund in flight on one machine is not sent by the other", func(t *testing.T, s1, s2 route.Store) {
			acq := newAcquirer("acq")
			p := newPair(t, s1, s2, map[string]paygate.Gateway{"acq": acq}, "acq")
			_, err := p.a.Create(t.Context(), sharedCreate("pay-1"))
			require.NoError(t, err)
			arrived, release := acq.holdWrites()
			defer release()
			refund := func() *paygate.RefundRequest {
				return &paygate.RefundRequest{RefundRequestID: "ref-1", PaymentRequestID: "pay-1", Amount: money.MustParse("2.50", "USD")}
			}
			var wg sync.WaitGroup
			var firstErr error
			wg.Go(func() { _, firstErr = p.a.Refund(context.Background(), refund()) })
			await(t, arrived, paygate.OpRefund)

			_, err = p.b.Refund(t.Context(), refund())
			requireInProgress(t, err, "machine B's refund while machine A's waits for the provider")
			release()
			wg.Wait()
			require.NoError(t, firstErr)
			_, err = p.b.Refund(t.Context(), refund())
			require.NoError(t, err, "once machine A has its answer, machine B answers from it")
			assert.Equal(t, 1, acq.Refunds("ref-1"), "refunds for one refund id")
		}},
		{"creates of the same ids racing on two machines make one order each", func(t *testing.T, s1, s2 route.Store) {
			acq := newAcquirer("acq")
			p := newPair(t, s1, s2, map[string]paygate.Gateway{"acq": acq}, "acq")
			const ids = 40
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := range ids {
				id := fmt.Sprintf("pay-%d", i)
				for _, r := range []*route.Router{p.a, p.b} {
					wg.Go(func() {
						<-start
						_, err := r.Create(context.Background(), sharedCreate(id))
						if err != nil && paygate.CodeOf(err) != status.CodeInProgress {
							t.Errorf("create %s: %v", id, err)
						}
					})
				}
			}
			close(start)
			wg.Wait()
			for i := range ids {
				id := fmt.Sprintf("pay-%d", i)
				assert.Equal(t, 1, acq.Orders(id), "orders for %s", id)
			}
		}},
		{"Reconcile leaves a live lease alone and takes over an expired one", func(t *testing.T, s1, s2 route.Store) {
			acq := newAcquirer("acq")
			acq.byOurs = true
			dying := &killable{Store: s1}
			p := newPair(t, dying, s2, map[string]paygate.Gateway{"acq": acq}, "acq")
			arrived, release := acq.holdWrites()
			ctx, crash := context.WithCancel(context.Background())
			var wg sync.WaitGroup
			wg.Go(func() { _, _ = p.a.Create(ctx, sharedCreate("pay-1")) })
			await(t, arrived, paygate.OpCreate)
			dying.dead.Store(true) // machine A crashes with its create performed and unanswered
			crash()
			wg.Wait()
			release()

			rep, err := p.b.Reconcile(t.Context())
			require.NoError(t, err)
			assert.Equal(t, route.ReconcileReport{Skipped: 1}, rep, "an entry under a live lease is left alone")
			_, err = p.b.Create(t.Context(), sharedCreate("pay-1"))
			requireInProgress(t, err, "a create under the crashed machine's live lease")
			assert.Zero(t, acq.Calls(paygate.OpInquire))
			assert.Equal(t, 1, acq.Calls(paygate.OpCreate))

			p.clock.Advance(sharedLease + time.Second)
			rep, err = p.b.Reconcile(t.Context())
			require.NoError(t, err)
			assert.Equal(t, route.ReconcileReport{Checked: 1, Resolved: 1}, rep, "the expired lease is taken over")
			got, err := p.b.Create(t.Context(), sharedCreate("pay-1"))
			require.NoError(t, err)
			assert.Equal(t, "acq-1", got.ProviderPaymentID)
			assert.Equal(t, 1, acq.Orders("pay-1"), "orders for one payment id")
		}},
		{"one of two Reconciles settles an expired entry", func(t *testing.T, s1, s2 route.Store) {
			acq := newAcquirer("acq")
			acq.byOurs = true
			dying := &killable{Store: s1}
			p := newPair(t, dying, s2, map[string]paygate.Gateway{"acq": acq}, "acq")
			dying.failAfterCall.Store(true) // the answer is never recorded
			_, _ = p.a.Create(t.Context(), sharedCreate("pay-1"))
			p.clock.Advance(sharedLease + time.Second)
			dying.failAfterCall.Store(false)
			dying.dead.Store(false)

			var wg sync.WaitGroup
			reps := make([]route.ReconcileReport, 2)
			for i, r := range []*route.Router{p.a, p.b} {
				wg.Go(func() {
					var err error
					reps[i], err = r.Reconcile(context.Background())
					assert.NoError(t, err)
				})
			}
			wg.Wait()
			assert.Equal(t, 1, reps[0].Resolved+reps[1].Resolved, "settled once: %+v", reps)
			open, err := s2.Unresolved(t.Context())
			require.NoError(t, err)
			assert.Empty(t, open)
		}},
	}
}

// killable is one machine's handle on the journal: once dead, that machine can no longer read or
// write it (it crashed). With failAfterCall, it dies at the first write after the one that opened a
// call, so the call's answer is never recorded.
type killable struct {
	route.Store
	dead          atomic.Bool
	failAfterCall atomic.Bool
	writes        atomic.Int32
}

var errCrashed = errors.New("storetest: this machine crashed")

func (k *killable) Get(ctx context.Context, kind route.Kind, id string) (*route.Entry, error) {
	if k.dead.Load() {
		return nil, errCrashed
	}
	return k.Store.Get(ctx, kind, id)
}

func (k *killable) Put(ctx context.Context, e *route.Entry) error {
	if k.failAfterCall.Load() && k.writes.Add(1) > 1 {
		k.dead.Store(true)
	}
	if k.dead.Load() {
		return errCrashed
	}
	return k.Store.Put(ctx, e)
}
