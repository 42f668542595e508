package route_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fast is the retry policy of the tests' routers: one send, no resolution, so every U from a
// provider reaches the router as it was.
var fast = retry.Policy{MaxAttempts: 1, ResolveFor: -1}

// newMem returns a memory provider named name, closed at the end of the test.
func newMem(t *testing.T, name string) *memory.Gateway {
	t.Helper()
	g := memory.New(memory.Config{Name: name})
	t.Cleanup(g.Close)
	return g
}

// targets is a rule's targets in the given order, each one priority lower than the one before.
func targets(names ...string) []route.Target {
	ts := make([]route.Target, len(names))
	for i, n := range names {
		ts[i] = route.Target{Provider: n, Priority: i}
	}
	return ts
}

// catchAll is one rule sending every payment to names, in that order.
func catchAll(names ...string) []route.Rule {
	return []route.Rule{{Name: "all", Targets: targets(names...)}}
}

// newRouter builds a router over providers with fast retries and a large breaker threshold; cfg's
// zero fields take those defaults.
func newRouter(t *testing.T, cfg route.Config) *route.Router {
	t.Helper()
	if cfg.Retry == (retry.Policy{}) {
		cfg.Retry = fast
	}
	if cfg.Breaker.Failures == 0 {
		cfg.Breaker.Failures = 1 << 20
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.New(rand.NewPCG(1, 2))
	}
	r, err := route.New(cfg)
	require.NoError(t, err)
	return r
}

func usd(v string) money.Amount { return money.MustParse(v, "USD") }

func createReq(id string) *paygate.CreateRequest {
	return &paygate.CreateRequest{
		PaymentRequestID: id,
		Amount:           usd("10.50"),
		Description:      "two coffees",
		Customer:         paygate.Customer{ID: "cust-1", Country: "ID"},
		Method:           paygate.Method{Type: "EWALLET", Name: "DANA"},
	}
}

func refundReq(id, paymentRequestID, value string) *paygate.RefundRequest {
	return &paygate.RefundRequest{RefundRequestID: id, PaymentRequestID: paymentRequestID, Amount: usd(value)}
}

// waitClosed waits for ch to be closed, failing the test after a few seconds instead of hanging.
func waitClosed(t *testing.T, ch <-chan struct{}) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting for the provider to be called")
	}
}

// requireOutcome checks err's outcome and code.
func requireOutcome(t *testing.T, err error, outcome status.Outcome, code status.Code) {
	t.Helper()
	require.Equal(t, outcome, paygate.OutcomeOf(err), "outcome of %v", err)
	if code != "" {
		require.Equal(t, code, paygate.CodeOf(err), "code of %v", err)
	}
}

// getEntry reads a journal entry that must exist.
func getEntry(t *testing.T, s route.Store, kind route.Kind, id string) *route.Entry {
	t.Helper()
	e, err := s.Get(context.Background(), kind, id)
	require.NoError(t, err)
	return e
}

// requireNoEntry checks the journal has no entry for (kind, id).
func requireNoEntry(t *testing.T, s route.Store, kind route.Kind, id string) {
	t.Helper()
	_, err := s.Get(context.Background(), kind, id)
	require.ErrorIs(t, err, route.ErrNotFound)
}

// totalRequests is how many requests of any kind reached g.
func totalRequests(g *memory.Gateway) int { return g.Ledger().TotalRequests() }

// fail is an F with code c, as a provider named name answers it.
func fail(name string, op paygate.Op, c status.Code) *paygate.Error {
	return &paygate.Error{Provider: name, Op: op, Outcome: status.Failure, Code: c, Message: "fake " + string(c)}
}

// unknownErr is a U, as a provider named name answers it.
func unknownErr(name string, op paygate.Op) *paygate.Error {
	return &paygate.Error{Provider: name, Op: op, Outcome: status.Unknown, Code: status.CodeTimeout, Message: "fake timeout"}
}

// fake is a small scripted Gateway. By default it behaves like a provider that keeps payments and
// refunds in maps; each hook, when set, runs first and, when it returns an error, that error is the
// answer (nothing is done). It counts every call. It creates a new order for every Create it
// performs unless idem.Dedupes, so a test can see a duplicate create.
type fake struct {
	name string
	idem map[paygate.Op]retry.Idempotency // the declaration; missing ops declare nothing

	onCreate        func(ctx context.Context, n int, req *paygate.CreateRequest) error
	onInquire       func(ctx context.Context, n int, req *paygate.InquireRequest) error
	onCancel        func(ctx context.Context, n int, req *paygate.CancelRequest) error
	onRefund        func(ctx context.Context, n int, req *paygate.RefundRequest) error
	onInquireRefund func(ctx context.Context, n int, req *paygate.InquireRefundRequest) error
	onCapture       func(ctx context.Context, n int, req *paygate.CaptureRequest) error
	afterCapture    func(n int) error

	mu         sync.Mutex
	calls      map[paygate.Op]int
	orders     map[string]int // orders performed per PaymentRequestID
	refunded   map[string]int // refunds performed per RefundRequestID
	payments   map[string]*paygate.Payment
	refunds    map[string]*paygate.Refund
	captured   map[string]int  // captures performed per PaymentRequestID
	captureIDs map[string]bool // CaptureRequestIDs performed
	seq        int
}

func newFake(name string) *fake {
	return &fake{name: name, calls: map[paygate.Op]int{}, orders: map[string]int{}, refunded: map[string]int{},
		payments: map[string]*paygate.Payment{}, refunds: map[string]*paygate.Refund{},
		captured: map[string]int{}, captureIDs: map[string]bool{}}
}

// holdFirstCreate makes f's first Create wait until release is closed; started is closed when it
// arrives. Later creates go through.
func (f *fake) holdFirstCreate() (started, release chan struct{}) {
	started, release = make(chan struct{}), make(chan struct{})
	f.onCreate = func(_ context.Context, n int, _ *paygate.CreateRequest) error {
		if n == 1 {
			close(started)
			<-release
		}
		return nil
	}
	return started, release
}

// dedupes makes f declare (and behave) as deduping every op.
func (f *fake) dedupes() *fake {
	f.idem = map[paygate.Op]retry.Idempotency{}
	for _, op := range []paygate.Op{paygate.OpCreate, paygate.OpCancel, paygate.OpRefund, paygate.OpCapture} {
		f.idem[op] = retry.Idempotency{Dedupes: true}
	}
	return f
}

func (f *fake) Idempotency(op paygate.Op) retry.Idempotency {
	if !op.Write() {
		return retry.Idempotency{Dedupes: true}
	}
	return f.idem[op]
}

func (f *fake) count(op paygate.Op) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[op]++
	return f.calls[op]
}

// Calls is how many calls of op arrived.
func (f *fake) Calls(op paygate.Op) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// TotalCalls is how many calls arrived at all.
func (f *fake) TotalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// Orders is how many orders Create performed for id.
func (f *fake) Orders(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.orders[id]
}

// Refunded is how many refunds were performed for id.
func (f *fake) Refunded(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.refunded[id]
}

func (f *fake) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	n := f.count(paygate.OpCreate)
	if f.onCreate != nil {
		if err := f.onCreate(ctx, n, req); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if p, ok := f.payments[req.PaymentRequestID]; ok && f.idem[paygate.OpCreate].Dedupes {
		c := *p
		return &c, nil
	}
	f.seq++
	f.orders[req.PaymentRequestID]++
	p := &paygate.Payment{Provider: f.name, PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: fmt.Sprintf("%s_pay_%d", f.name, f.seq),
		Status: status.PaymentRequiresAction, Amount: req.Amount,
		Action: &paygate.Action{Kind: paygate.ActionRedirect, URL: "https://pay.example/" + req.PaymentRequestID}}
	f.payments[req.PaymentRequestID] = p
	c := *p
	return &c, nil
}

func (f *fake) lookup(requestID, providerID string) *paygate.Payment {
	if p, ok := f.payments[requestID]; ok {
		return p
	}
	for _, p := range f.payments {
		if providerID != "" && p.ProviderPaymentID == providerID {
			return p
		}
	}
	return nil
}

func (f *fake) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	n := f.count(paygate.OpInquire)
	if f.onInquire != nil {
		if err := f.onInquire(ctx, n, req); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.lookup(req.PaymentRequestID, req.ProviderPaymentID)
	if p == nil {
		return nil, fail(f.name, paygate.OpInquire, status.CodeNotFound)
	}
	c := *p
	c.Action = nil
	return &c, nil
}

func (f *fake) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	n := f.count(paygate.OpCancel)
	if f.onCancel != nil {
		if err := f.onCancel(ctx, n, req); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.lookup(req.PaymentRequestID, req.ProviderPaymentID)
	if p == nil {
		return nil, fail(f.name, paygate.OpCancel, status.CodeNotFound)
	}
	p.Status, p.Action = status.PaymentCanceled, nil
	c := *p
	return &c, nil
}

func (f *fake) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	n := f.count(paygate.OpRefund)
	if f.onRefund != nil {
		if err := f.onRefund(ctx, n, req); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r, ok := f.refunds[req.RefundRequestID]; ok && f.idem[paygate.OpRefund].Dedupes {
		c := *r
		return &c, nil
	}
	p := f.lookup(req.PaymentRequestID, req.ProviderPaymentID)
	if p == nil {
		return nil, fail(f.name, paygate.OpRefund, status.CodeNotFound)
	}
	f.seq++
	f.refunded[req.RefundRequestID]++
	r := &paygate.Refund{Provider: f.name, RefundRequestID: req.RefundRequestID, ProviderRefundID: fmt.Sprintf("%s_ref_%d", f.name, f.seq),
		ProviderPaymentID: p.ProviderPaymentID, Status: status.RefundSucceeded, Amount: req.Amount}
	f.refunds[req.RefundRequestID] = r
	c := *r
	return &c, nil
}

func (f *fake) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	n := f.count(paygate.OpInquireRefund)
	if f.onInquireRefund != nil {
		if err := f.onInquireRefund(ctx, n, req); err != nil {
			return nil, err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.refunds {
		if r.RefundRequestID == req.RefundRequestID || (req.ProviderRefundID != "" && r.ProviderRefundID == req.ProviderRefundID) {
			c := *r
			return &c, nil
		}
	}
	return nil, fail(f.name, paygate.OpInquireRefund, status.CodeNotFound)
}

// setPaid marks the fake's payment for id as paid.
func (f *fake) setPaid(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.payments[id].Status = status.PaymentSucceeded
}

// flakyStore is a Store whose Get, Put or Unresolved can be made to fail.
type flakyStore struct {
	route.Store
	mu               sync.Mutex
	failGet, failPut bool
	failUnres        bool
	puts             int
}

var errStoreDown = errors.New("journal store down")

func newFlakyStore() *flakyStore { return &flakyStore{Store: route.NewMemoryStore()} }

func (s *flakyStore) set(get, put bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failGet, s.failPut = get, put
}

func (s *flakyStore) Get(ctx context.Context, kind route.Kind, id string) (*route.Entry, error) {
	s.mu.Lock()
	f := s.failGet
	s.mu.Unlock()
	if f {
		return nil, errStoreDown
	}
	return s.Store.Get(ctx, kind, id)
}

func (s *flakyStore) Put(ctx context.Context, e *route.Entry) error {
	s.mu.Lock()
	f := s.failPut
	s.puts++
	s.mu.Unlock()
	if f {
		return errStoreDown
	}
	return s.Store.Put(ctx, e)
}

func (s *flakyStore) Unresolved(ctx context.Context) ([]*route.Entry, error) {
	s.mu.Lock()
	f := s.failUnres
	s.mu.Unlock()
	if f {
		return nil, errStoreDown
	}
	return s.Store.Unresolved(ctx)
}

// Capture performs a capture of an AUTHORIZED payment: all of it (zero Amount) or Amount, which
// then becomes the payment's Captured, and the payment SUCCEEDED. It refuses a payment in another
// state (INVALID_STATE) and an amount over the authorization (LIMIT_EXCEEDED). With idem[OpCapture]
// deduping, a CaptureRequestID it performed is answered with the payment again. afterCapture, when
// set, runs after the capture was performed: its error replaces the answer (a lost reply).
func (f *fake) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	n := f.count(paygate.OpCapture)
	if f.onCapture != nil {
		if err := f.onCapture(ctx, n, req); err != nil {
			return nil, err
		}
	}
	p, err := f.capture(req)
	if err == nil && f.afterCapture != nil {
		if err := f.afterCapture(n); err != nil {
			return nil, err
		}
	}
	return p, err
}

func (f *fake) capture(req *paygate.CaptureRequest) (*paygate.Payment, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.lookup(req.PaymentRequestID, req.ProviderPaymentID)
	if p == nil {
		return nil, fail(f.name, paygate.OpCapture, status.CodeNotFound)
	}
	if f.captureIDs[req.CaptureRequestID] && f.idem[paygate.OpCapture].Dedupes {
		c := *p
		return &c, nil
	}
	if p.Status != status.PaymentAuthorized {
		return nil, fail(f.name, paygate.OpCapture, status.CodeInvalidState)
	}
	amount := req.Amount
	if amount.IsZero() {
		amount = p.Amount
	}
	if c, err := amount.Cmp(p.Amount); err != nil || c > 0 {
		return nil, fail(f.name, paygate.OpCapture, status.CodeLimitExceeded)
	}
	p.Status, p.Captured = status.PaymentSucceeded, amount
	f.captured[p.PaymentRequestID]++
	f.captureIDs[req.CaptureRequestID] = true
	c := *p
	return &c, nil
}

// Captures is how many captures were performed on the payment of id.
func (f *fake) Captures(id string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.captured[id]
}

// setAuthorized marks the fake's payment for id as authorized (a manual-capture payment paid).
func (f *fake) setAuthorized(id string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.payments[id].Status = status.PaymentAuthorized
}
