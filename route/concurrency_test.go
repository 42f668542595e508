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
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// twoWay is a router over memory providers a and b with one rule drawing them 1:1.
func twoWay(t *testing.T) (*route.Router, *memory.Gateway, *memory.Gateway, *route.MemoryStore) {
	t.Helper()
	a, b := newMem(t, "a"), newMem(t, "b")
	store := route.NewMemoryStore()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Store: store,
		Rules: []route.Rule{{Targets: []route.Target{{Provider: "a"}, {Provider: "b"}}}}})
	return r, a, b, store
}

// Many concurrent creates of one PaymentRequestID make one payment at one provider, and every
// caller gets that payment.
func TestConcurrentCreatesOfOneID(t *testing.T) {
	r, a, b, store := twoWay(t)
	const n = 50
	payments := make([]*paygate.Payment, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			payments[i], errs[i] = r.Create(context.Background(), createReq("pay-1"))
		})
	}
	close(start)
	wg.Wait()

	orders := append(a.Ledger().Orders("pay-1"), b.Ledger().Orders("pay-1")...)
	require.Len(t, orders, 1, "exactly one payment across the providers")
	owner := getEntry(t, store, route.KindPayment, "pay-1").Provider
	for i := range n {
		require.NoError(t, errs[i], "caller %d", i)
		assert.Equal(t, orders[0].ProviderID, payments[i].ProviderPaymentID, "caller %d", i)
		assert.Equal(t, owner, payments[i].Provider, "caller %d", i)
	}
	other := map[string]*memory.Gateway{"a": b, "b": a}[owner]
	assert.Zero(t, totalRequests(other), "nothing went to the other provider")
	assert.Empty(t, getEntry(t, store, route.KindPayment, "pay-1").Open)
}

// Distinct creates in parallel all succeed, each with exactly one payment.
func TestConcurrentDistinctCreates(t *testing.T) {
	r, a, b, store := twoWay(t)
	const n = 200
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = r.Create(context.Background(), createReq(fmt.Sprintf("pay-%d", i)))
		})
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "pay-%d", i)
	}
	assert.Equal(t, n, len(a.Ledger().AllOrders())+len(b.Ledger().AllOrders()))
	assert.Empty(t, a.Ledger().Duplicates())
	assert.Empty(t, b.Ledger().Duplicates())
	assert.NotEmpty(t, a.Ledger().AllOrders(), "the 1:1 draw uses a")
	assert.NotEmpty(t, b.Ledger().AllOrders(), "the 1:1 draw uses b")
	for i := range n {
		id := fmt.Sprintf("pay-%d", i)
		assert.Len(t, append(a.Ledger().Orders(id), b.Ledger().Orders(id)...), 1, id)
	}
	open, err := store.Unresolved(t.Context())
	require.NoError(t, err)
	assert.Empty(t, open)
}

// Concurrent refunds of one RefundRequestID make one refund.
func TestConcurrentRefundsOfOneID(t *testing.T) {
	r, a, b, _ := twoWay(t)
	p, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	owner := map[string]*memory.Gateway{"a": a, "b": b}[p.Provider]
	require.NoError(t, owner.Pay("pay-1"))
	const n = 30
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() { _, errs[i] = r.Refund(context.Background(), refundReq("ref-1", "pay-1", "5.00")) })
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "caller %d", i)
	}
	assert.Len(t, owner.Ledger().Refunds("ref-1"), 1)
}

// At a provider that does not dedupe creates, a second create of an id whose first create is still
// in flight on this router must not be sent: an inquiry cannot see the in-flight create yet, so
// "not found" proves nothing, and a second order would be made. The second call waits for the first
// (they share a router) and answers with its payment; if its context ends first, it answers U.
func TestConcurrentCreateInFlightAtNonDedupingProvider(t *testing.T) {
	a := newFake("a") // declares nothing: creates are not deduped
	started, release := a.holdFirstCreate()
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a")})
	var wg sync.WaitGroup
	var first *paygate.Payment
	var firstErr error
	wg.Go(func() { first, firstErr = r.Create(context.Background(), createReq("pay-1")) })
	waitClosed(t, started)

	impatient, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err := r.Create(impatient, createReq("pay-1"))
	requireOutcome(t, err, status.Unknown, status.CodeInProgress)
	require.ErrorIs(t, err, route.ErrLeased)
	require.Error(t, impatient.Err(), "it waited for the call holding the lease until its own context ended")
	assert.Equal(t, 1, a.Calls(paygate.OpCreate), "and sent nothing")

	var second *paygate.Payment
	var secondErr error
	wg.Go(func() { second, secondErr = r.Create(t.Context(), createReq("pay-1")) })
	close(release)
	wg.Wait()
	require.NoError(t, firstErr)
	require.NoError(t, secondErr, "the waiting call answers once the first has")
	assert.Equal(t, first.ProviderPaymentID, second.ProviderPaymentID)
	assert.Equal(t, 1, a.Orders("pay-1"), "one order")
	assert.Equal(t, 1, a.Calls(paygate.OpCreate))

	// Settled now: the same id again is answered from what exists.
	p, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	assert.Equal(t, first.ProviderPaymentID, p.ProviderPaymentID)
	assert.Equal(t, 1, a.Orders("pay-1"))
}

// At a deduping provider, a failover F to a duplicate of a create (the provider refusing it while
// it processes the first, or after) must not move the payment to another provider.
func TestConcurrentCreateRefusedWhileInFlight(t *testing.T) {
	a := newFake("a").dedupes()
	started, release := make(chan struct{}), make(chan struct{})
	a.onCreate = func(_ context.Context, n int, _ *paygate.CreateRequest) error {
		switch n {
		case 1:
			close(started)
			<-release
			return nil
		default:
			return fail("a", paygate.OpCreate, status.CodeRateLimited)
		}
	}
	b := newMem(t, "b")
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Rules: catchAll("a", "b")})
	var wg sync.WaitGroup
	var first, second *paygate.Payment
	var firstErr, secondErr error
	wg.Go(func() { first, firstErr = r.Create(context.Background(), createReq("pay-1")) })
	waitClosed(t, started)
	wg.Go(func() { second, secondErr = r.Create(t.Context(), createReq("pay-1")) })
	close(release)
	wg.Wait()
	require.NoError(t, firstErr)
	require.NoError(t, secondErr, "the refused duplicate is answered by inquiry")
	assert.Equal(t, first.ProviderPaymentID, second.ProviderPaymentID)
	assert.Equal(t, "a", second.Provider)
	assert.Equal(t, 1, a.Orders("pay-1"))
	assert.Zero(t, totalRequests(b), "nothing moved to b")
}

// The same for a refund at a provider that does not dedupe refunds.
func TestConcurrentRefundInFlightAtNonDedupingProvider(t *testing.T) {
	a := newFake("a")
	started, release := make(chan struct{}), make(chan struct{})
	a.onRefund = func(_ context.Context, n int, _ *paygate.RefundRequest) error {
		if n == 1 {
			close(started)
			<-release
		}
		return nil
	}
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a")})
	_, err := r.Create(t.Context(), createReq("pay-1"))
	require.NoError(t, err)
	a.setPaid("pay-1")

	var wg sync.WaitGroup
	var first, second *paygate.Refund
	var firstErr, secondErr error
	wg.Go(func() { first, firstErr = r.Refund(context.Background(), refundReq("ref-1", "pay-1", "1.00")) })
	waitClosed(t, started)
	impatient, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, err = r.Refund(impatient, refundReq("ref-1", "pay-1", "1.00"))
	requireOutcome(t, err, status.Unknown, status.CodeInProgress)
	require.ErrorIs(t, err, route.ErrLeased)
	require.Error(t, impatient.Err(), "it waited until its own context ended")

	wg.Go(func() { second, secondErr = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00")) })
	close(release)
	wg.Wait()
	require.NoError(t, firstErr)
	require.NoError(t, secondErr)
	assert.Equal(t, first.ProviderRefundID, second.ProviderRefundID)
	assert.Equal(t, 1, a.Refunded("ref-1"), "one refund")
	assert.Equal(t, 1, a.Calls(paygate.OpRefund))
}

// Two routers in one process with the same Instance, sharing a store, still write different lease
// tokens: neither takes the other's lease for its own, and neither waits for the other's calls.
func TestRoutersSharingAnInstanceKeepTheirLeasesApart(t *testing.T) {
	a := newFake("a") // not deduped: a second send would be a second order
	started, release := a.holdFirstCreate()
	store := route.NewMemoryStore()
	cfg := route.Config{Providers: map[string]paygate.Gateway{"a": a}, Rules: catchAll("a"), Store: store, Instance: "checkout"}
	one, two := newRouter(t, cfg), newRouter(t, cfg)
	var wg sync.WaitGroup
	var firstErr error
	wg.Go(func() { _, firstErr = one.Create(context.Background(), createReq("pay-1")) })
	waitClosed(t, started)
	owner := getEntry(t, store, route.KindPayment, "pay-1").LeaseOwner
	// Instance, a random part, and the call's number (TestLeaseTokensSurviveRedaction checks the shape).
	require.Regexp(t, `^checkout#[a-z]{14}/1$`, owner)

	_, err := two.Create(t.Context(), createReq("pay-1")) // no deadline: it must not wait
	requireOutcome(t, err, status.Unknown, status.CodeInProgress)
	require.ErrorIs(t, err, route.ErrLeased)
	assert.Contains(t, err.Error(), owner, "names the other router's call")
	close(release)
	wg.Wait()
	require.NoError(t, firstErr)
	assert.Equal(t, 1, a.Calls(paygate.OpCreate))
	assert.Equal(t, 1, a.Orders("pay-1"))

	// Their next calls' tokens differ too, though both routers number their calls from 1.
	_, err = two.Cancel(t.Context(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Empty(t, getEntry(t, store, route.KindPayment, "pay-1").LeaseOwner)
}

// Creates, follow-ups and Reconcile running together never duplicate anything.
func TestConcurrentMixedWithReconcile(t *testing.T) {
	r, a, b, store := twoWay(t)
	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		id := fmt.Sprintf("pay-%d", i%10)
		wg.Go(func() {
			if _, err := r.Create(context.Background(), createReq(id)); err == nil {
				_, _ = r.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: id})
			}
		})
		wg.Go(func() {
			_, err := r.Reconcile(context.Background())
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	assert.Empty(t, a.Ledger().Duplicates())
	assert.Empty(t, b.Ledger().Duplicates())
	for i := range 10 {
		id := fmt.Sprintf("pay-%d", i)
		assert.Len(t, append(a.Ledger().Orders(id), b.Ledger().Orders(id)...), 1, id)
	}
	open, err := store.Unresolved(t.Context())
	require.NoError(t, err)
	assert.Empty(t, open)
}

// barrierStore holds the first n Gets of one request id until all n have arrived, so that n
// concurrent calls all read "no entry" before any of them writes one.
type barrierStore struct {
	route.Store
	id   string
	mu   sync.Mutex
	n    int
	open chan struct{}
}

func newBarrierStore(id string, n int) *barrierStore {
	return &barrierStore{Store: route.NewMemoryStore(), id: id, n: n, open: make(chan struct{})}
}

func (s *barrierStore) Get(ctx context.Context, kind route.Kind, id string) (*route.Entry, error) {
	e, err := s.Store.Get(ctx, kind, id) // read first, then wait: every held caller read the same
	s.mu.Lock()
	if id != s.id || s.n == 0 {
		s.mu.Unlock()
		return e, err
	}
	if s.n--; s.n == 0 {
		close(s.open)
	}
	s.mu.Unlock()
	select {
	case <-s.open:
		return e, err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Two creates that both find no journal entry race to write it: the loser starts again from the
// winner's entry and goes to the same provider, never elsewhere and never F.
func TestConcurrentCreatesRaceForTheJournal(t *testing.T) {
	a, b := newMem(t, "a"), newMem(t, "b")
	store := newBarrierStore("pay-1", 2)
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a, "b": b}, Store: store,
		Rules: []route.Rule{{Targets: []route.Target{{Provider: "a"}, {Provider: "b"}}}}})
	var wg sync.WaitGroup
	payments := make([]*paygate.Payment, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { payments[i], errs[i] = r.Create(t.Context(), createReq("pay-1")) })
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Equal(t, payments[0].ProviderPaymentID, payments[1].ProviderPaymentID)
	assert.Equal(t, payments[0].Provider, payments[1].Provider)
	orders := append(a.Ledger().Orders("pay-1"), b.Ledger().Orders("pay-1")...)
	assert.Len(t, orders, 1)
	owner := map[string]*memory.Gateway{"a": a, "b": b}[payments[0].Provider]
	other := map[string]*memory.Gateway{"a": b, "b": a}[payments[0].Provider]
	assert.Equal(t, 2, owner.Ledger().Requests(paygate.OpCreate, "pay-1"), "the loser resent to the owner")
	assert.Zero(t, totalRequests(other))
}

// The same for two refunds of one RefundRequestID.
func TestConcurrentRefundsRaceForTheJournal(t *testing.T) {
	a := newMem(t, "a")
	store := newBarrierStore("ref-1", 2)
	r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{"a": a}, Store: store, Rules: catchAll("a")})
	paidAt(t, r, a)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() { _, errs[i] = r.Refund(t.Context(), refundReq("ref-1", "pay-1", "1.00")) })
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Len(t, a.Ledger().Refunds("ref-1"), 1)
	assert.Equal(t, 2, a.Ledger().Requests(paygate.OpRefund, "ref-1"))
}
