package retry_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/budget"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// answer is one scripted reply of the fake gateway.
type answer struct {
	pay *paygate.Payment
	ref *paygate.Refund
	err error
	// spend is how many extra budget units the call takes, as a transport's own retries would.
	spend int
}

// scripted is a Gateway that replies from a script per operation, repeating the last reply, and
// records every request it was sent.
type scripted struct {
	mu       sync.Mutex
	script   map[paygate.Op][]answer
	calls    map[paygate.Op]int
	requests map[paygate.Op][]any
	declare  *retry.Idempotency
}

func newScripted(s map[paygate.Op][]answer) *scripted {
	return &scripted{script: s, calls: map[paygate.Op]int{}, requests: map[paygate.Op][]any{}}
}

func (g *scripted) next(ctx context.Context, op paygate.Op, req any) answer {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.requests[op] = append(g.requests[op], req)
	as := g.script[op]
	n := g.calls[op]
	g.calls[op]++
	if len(as) == 0 {
		return answer{err: uerr(op, status.CodeUnavailable)}
	}
	a := as[min(n, len(as)-1)]
	if b := budget.From(ctx); b != nil {
		b.Spend()
		for range a.spend {
			b.Take()
		}
	}
	return a
}

func (g *scripted) count(op paygate.Op) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.calls[op]
}

func (g *scripted) Idempotency(op paygate.Op) retry.Idempotency {
	if g.declare != nil {
		return *g.declare
	}
	return retry.Idempotency{Dedupes: true}
}

func (g *scripted) Create(ctx context.Context, r *paygate.CreateRequest) (*paygate.Payment, error) {
	a := g.next(ctx, paygate.OpCreate, r)
	return a.pay, a.err
}
func (g *scripted) Inquire(ctx context.Context, r *paygate.InquireRequest) (*paygate.Payment, error) {
	a := g.next(ctx, paygate.OpInquire, r)
	return a.pay, a.err
}
func (g *scripted) Cancel(ctx context.Context, r *paygate.CancelRequest) (*paygate.Payment, error) {
	a := g.next(ctx, paygate.OpCancel, r)
	return a.pay, a.err
}
func (g *scripted) Refund(ctx context.Context, r *paygate.RefundRequest) (*paygate.Refund, error) {
	a := g.next(ctx, paygate.OpRefund, r)
	return a.ref, a.err
}
func (g *scripted) InquireRefund(ctx context.Context, r *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	a := g.next(ctx, paygate.OpInquireRefund, r)
	return a.ref, a.err
}

func uerr(op paygate.Op, c status.Code) error {
	return &paygate.Error{Provider: "fake", Op: op, Outcome: status.Unknown, Code: c}
}
func ferr(op paygate.Op, c status.Code) error {
	return &paygate.Error{Provider: "fake", Op: op, Outcome: status.Failure, Code: c}
}

var (
	action   = &paygate.Action{Kind: paygate.ActionRedirect, URL: "https://pay.example/1"}
	pending  = &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", ProviderPaymentID: "p1", Status: status.PaymentRequiresAction, Action: action}
	noAction = &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", ProviderPaymentID: "p1", Status: status.PaymentRequiresAction}
	canceled = &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", Status: status.PaymentCanceled}
	refunded = &paygate.Refund{Provider: "fake", RefundRequestID: "ref-1", Status: status.RefundSucceeded}
)

func fast() retry.Policy {
	return retry.Policy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond, ResolveFor: 50 * time.Millisecond}
}

func createReq() *paygate.CreateRequest {
	return &paygate.CreateRequest{PaymentRequestID: "pay-1", Amount: money.MustParse("10.50", "USD")}
}

func refundReq() *paygate.RefundRequest {
	return &paygate.RefundRequest{RefundRequestID: "ref-1", PaymentRequestID: "pay-1", Amount: money.MustParse("1.00", "USD")}
}

func TestWrapCreate(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	tests := []struct {
		name      string
		script    map[paygate.Op][]answer
		declare   *retry.Idempotency
		outcome   status.Outcome
		code      status.Code
		creates   int
		inquiries int
	}{
		{"S at once", map[paygate.Op][]answer{c: {{pay: pending}}}, nil, status.Success, status.CodeOK, 1, 0},
		{"F at once, never resent", map[paygate.Op][]answer{c: {{err: ferr(c, status.CodeDeclined)}}}, nil, status.Failure, status.CodeDeclined, 1, 0},
		{"U then S: resent", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}, {pay: pending}}}, nil, status.Success, status.CodeOK, 2, 0},
		{"U then F: suspect until an inquiry shows the first try did not land", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: ferr(c, status.CodeDeclined)}},
			i: {{err: ferr(i, status.CodeNotFound)}}}, nil, status.Failure, status.CodeDeclined, 3, 1},
		{"U then duplicate F: the first try landed", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: ferr(c, status.CodeIdempotencyConflict)}},
			i: {{pay: pending}}}, nil, status.Success, status.CodeOK, 2, 1},
		{"U ×3 then inquiry finds it", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: pending}}}, nil, status.Success, status.CodeOK, 3, 1},
		{"U ×3, inquiry not found, resend lands", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {pay: pending}},
			i: {{err: ferr(i, status.CodeNotFound)}}}, nil, status.Success, status.CodeOK, 4, 1},
		{"U ×3, inquiry U then finds it", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: uerr(i, status.CodeUnavailable)}, {pay: pending}}}, nil, status.Success, status.CodeOK, 3, 2},
		{"U forever: U after the deadline", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: uerr(i, status.CodeUnavailable)}}}, nil, status.Unknown, status.CodeTimeout, 3, -1},
		{"U, inquiry F AUTHENTICATION: U, not F", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: ferr(i, status.CodeAuthentication)}}}, nil, status.Unknown, status.CodeTimeout, 3, 1},
		{"U then never sent: still U", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: &paygate.Error{Provider: "fake", Op: c, Outcome: status.Failure, Code: status.CodeUnavailable, Err: retry.ErrNotSent}}},
			i: {{err: uerr(i, status.CodeUnavailable)}}}, nil, status.Unknown, status.CodeTimeout, 3, -1},
		{"never sent on the first try: F", map[paygate.Op][]answer{c: {{err: &paygate.Error{Provider: "fake", Op: c, Outcome: status.Failure, Code: status.CodeUnavailable, Err: retry.ErrNotSent}}}}, nil, status.Failure, status.CodeUnavailable, 1, 0},
		{"plain error is U", map[paygate.Op][]answer{c: {{err: errors.New("boom")}, {pay: pending}}}, nil, status.Success, status.CodeOK, 2, 0},
		{"not resendable: inquire only", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: pending}}}, &retry.Idempotency{}, status.Success, status.CodeOK, 1, 1},
		{"not resendable, not found: U, no re-create", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: ferr(i, status.CodeNotFound)}}}, &retry.Idempotency{}, status.Unknown, status.CodeTimeout, 1, 1},
		{"declared safe: resent", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}, {pay: pending}}}, &retry.Idempotency{ResendSafe: "orphans expire unpaid"}, status.Success, status.CodeOK, 2, 0},
		{"inquiry finds it without its action: the deduped create is asked again, and counted", map[paygate.Op][]answer{
			c: {{err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {pay: pending}},
			i: {{pay: noAction}}}, nil, status.Success, status.CodeOK, 4, 1},
		{"transport used the budget: no Wrap resend", map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout), spend: 2}}, i: {{pay: pending}}}, nil, status.Success, status.CodeOK, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := newScripted(tt.script)
			fake.declare = tt.declare
			var rep retry.Report
			ctx := retry.WithReport(context.Background(), &rep)
			req := createReq()
			p, err := retry.Wrap(fake, fast()).Create(ctx, req)
			assert.Equal(t, tt.outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, tt.code, paygate.CodeOf(err))
			assert.Equal(t, tt.outcome == status.Success, p != nil)
			assert.Equal(t, tt.creates, fake.count(c), "creates sent")
			if tt.inquiries >= 0 {
				assert.Equal(t, tt.inquiries, fake.count(i), "inquiries")
			} else {
				assert.Greater(t, fake.count(i), 1, "kept inquiring until the deadline")
			}
			for _, r := range fake.requests[c] {
				assert.Same(t, req, r, "every send is the identical request")
			}
			for _, r := range fake.requests[i] {
				assert.Equal(t, "pay-1", r.(*paygate.InquireRequest).PaymentRequestID, "inquiry by the original id")
			}
			assert.Equal(t, tt.outcome, rep.Outcome)
			assert.Equal(t, fake.count(c), rep.Sends)
			assert.Equal(t, fake.count(i), rep.Inquiries)
		})
	}
}

func TestWrapCancel(t *testing.T) {
	c, i := paygate.OpCancel, paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{
		c: {{err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {pay: canceled}},
		i: {{pay: pending}},
	})
	p, err := retry.Wrap(fake, fast()).Cancel(context.Background(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status)
	assert.Equal(t, 1, fake.count(i), "inquiry showed the payment not cancelled")
	assert.Equal(t, 4, fake.count(c), "so the identical cancel was sent again")

	fake = newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: canceled}}})
	p, err = retry.Wrap(fake, fast()).Cancel(context.Background(), &paygate.CancelRequest{PaymentRequestID: "pay-1"})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentCanceled, p.Status, "the inquiry shows the cancel landed")
}

func TestWrapRefund(t *testing.T) {
	r, i := paygate.OpRefund, paygate.OpInquireRefund
	fake := newScripted(map[paygate.Op][]answer{
		r: {{err: uerr(r, status.CodeTimeout)}, {err: uerr(r, status.CodeTimeout)}, {err: uerr(r, status.CodeTimeout)}, {ref: refunded}},
		i: {{err: ferr(i, status.CodeNotFound)}},
	})
	req := refundReq()
	got, err := retry.Wrap(fake, fast()).Refund(context.Background(), req)
	require.NoError(t, err)
	assert.Equal(t, refunded, got)
	assert.Equal(t, 4, fake.count(r))
	for _, q := range fake.requests[i] {
		assert.Equal(t, "ref-1", q.(*paygate.InquireRefundRequest).RefundRequestID)
	}

	// A provider without refund inquiry cannot resolve: U, never F.
	fake = newScripted(map[paygate.Op][]answer{r: {{err: uerr(r, status.CodeTimeout)}}, i: {{err: ferr(i, status.CodeNotSupported)}}})
	_, err = retry.Wrap(fake, fast()).Refund(context.Background(), refundReq())
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Contains(t, pe.Error(), "never create a new one")
}

func TestWrapReadsAreNotResolved(t *testing.T) {
	i := paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{i: {{err: uerr(i, status.CodeUnavailable)}}})
	_, err := retry.Wrap(fake, fast()).Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeUnavailable, paygate.CodeOf(err))
	assert.Equal(t, 3, fake.count(i))

	fake = newScripted(map[paygate.Op][]answer{i: {{err: ferr(i, status.CodeNotFound)}}})
	_, err = retry.Wrap(fake, fast()).Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	assert.Equal(t, status.CodeNotFound, paygate.CodeOf(err))
	assert.Equal(t, 1, fake.count(i))

	ir := paygate.OpInquireRefund
	fake = newScripted(map[paygate.Op][]answer{ir: {{err: uerr(ir, status.CodeUnavailable)}, {ref: refunded}}})
	got, err := retry.Wrap(fake, fast()).InquireRefund(context.Background(), &paygate.InquireRefundRequest{RefundRequestID: "ref-1"})
	require.NoError(t, err)
	assert.Equal(t, refunded, got)
}

func TestWrapValidationNeverReachesTheGateway(t *testing.T) {
	fake := newScripted(nil)
	w := retry.Wrap(fake, fast())
	ctx := context.Background()
	_, err1 := w.Create(ctx, &paygate.CreateRequest{})
	_, err2 := w.Inquire(ctx, &paygate.InquireRequest{})
	_, err3 := w.Cancel(ctx, nil)
	_, err4 := w.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "r"})
	_, err5 := w.InquireRefund(ctx, &paygate.InquireRefundRequest{})
	for _, err := range []error{err1, err2, err3, err4, err5} {
		assert.Equal(t, status.Failure, paygate.OutcomeOf(err))
		assert.Equal(t, status.CodeInvalidRequest, paygate.CodeOf(err))
	}
	assert.Empty(t, fake.requests)
}

func TestWrapContextCancelledWhileWaitingIsU(t *testing.T) {
	c := paygate.OpCreate
	fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}})
	ctx, cancel := context.WithCancel(context.Background())
	p := retry.Policy{MaxAttempts: 5, BaseDelay: time.Hour, MaxDelay: time.Hour, ResolveFor: time.Hour}
	done := make(chan error, 1)
	go func() {
		_, err := retry.Wrap(fake, p).Create(ctx, createReq())
		done <- err
	}()
	require.Eventually(t, func() bool { return fake.count(c) == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	err := <-done
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 1, fake.count(c))
}

func TestWrapContextDeadlineIsTimeout(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeUnavailable)}}, i: {{err: uerr(i, status.CodeUnavailable)}}})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	p := retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: time.Hour}
	_, err := retry.Wrap(fake, p).Create(ctx, createReq())
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeTimeout, paygate.CodeOf(err))
}

func TestWrapLogsEveryTry(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	core, logs := observer.New(zapcore.DebugLevel)
	p := fast()
	p.Logger = zap.New(core)
	fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: pending}}})
	_, err := retry.Wrap(fake, p).Create(context.Background(), createReq())
	require.NoError(t, err)
	entries := logs.All()
	require.Len(t, entries, 4, "three sends and one inquiry")
	for n, e := range entries {
		m := e.ContextMap()
		assert.Equal(t, "create", m["op"])
		assert.Equal(t, "pay-1", m["payment_request_id"])
		assert.EqualValues(t, n+1, m["attempt"])
		assert.Contains(t, m, "outcome")
		assert.Contains(t, m, "code")
		assert.Contains(t, m, "delay")
	}
	assert.Equal(t, "U", entries[0].ContextMap()["outcome"])
	assert.Equal(t, "resolve", entries[3].ContextMap()["phase"])
	assert.Equal(t, "S", entries[3].ContextMap()["outcome"])
}

func TestWrapIsConcurrencySafe(t *testing.T) {
	c := paygate.OpCreate
	fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}, {pay: pending}}})
	w := retry.Wrap(fake, fast())
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			_, err := w.Create(context.Background(), createReq())
			assert.NoError(t, err)
		})
	}
	wg.Wait()
}

func TestWrapTwiceDoesNotNest(t *testing.T) {
	i := paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{i: {{err: uerr(i, status.CodeUnavailable)}}})
	p := fast()
	_, _ = retry.Wrap(retry.Wrap(fake, p), p).Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	assert.Equal(t, 3, fake.count(i), "one budget, not 3×3")
}

func TestPolicy(t *testing.T) {
	assert.Equal(t, retry.Default().MaxAttempts, retry.Policy{}.WithDefaults().MaxAttempts)
	p := retry.Policy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}
	for n := 1; n <= 40; n++ {
		d := p.Backoff(n)
		want := min(time.Second, 100*time.Millisecond<<min(n-1, 20))
		assert.GreaterOrEqual(t, d, want/2, "n=%d", n)
		assert.LessOrEqual(t, d, want, "n=%d", n)
	}
	b := budget.New(2)
	assert.True(t, b.Take())
	assert.True(t, b.Take())
	assert.False(t, b.Take())
	assert.Equal(t, 0, b.Left())
	assert.Nil(t, budget.From(context.Background()))
}

// undeclared hides the fake's declaration, as a third-party Gateway that says nothing would.
type undeclared struct{ g *scripted }

func (u undeclared) Create(ctx context.Context, r *paygate.CreateRequest) (*paygate.Payment, error) {
	return u.g.Create(ctx, r)
}
func (u undeclared) Inquire(ctx context.Context, r *paygate.InquireRequest) (*paygate.Payment, error) {
	return u.g.Inquire(ctx, r)
}
func (u undeclared) Cancel(ctx context.Context, r *paygate.CancelRequest) (*paygate.Payment, error) {
	return u.g.Cancel(ctx, r)
}
func (u undeclared) Refund(ctx context.Context, r *paygate.RefundRequest) (*paygate.Refund, error) {
	return u.g.Refund(ctx, r)
}
func (u undeclared) InquireRefund(ctx context.Context, r *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	return u.g.InquireRefund(ctx, r)
}

// decorator hides the fake behind a Gateway that unwraps to it.
type decorator struct{ undeclared }

func (d decorator) Unwrap() paygate.Gateway { return d.g }

func TestWrapUndeclaredWritesAreNotResent(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: ferr(i, status.CodeNotFound)}}})
	_, err := retry.Wrap(undeclared{fake}, fast()).Create(context.Background(), createReq())
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.Equal(t, 1, fake.count(c), "no declaration: the create is never resent")

	fake = newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}, {pay: pending}}})
	_, err = retry.Wrap(decorator{undeclared{fake}}, fast()).Create(context.Background(), createReq())
	assert.NoError(t, err)
	assert.Equal(t, 2, fake.count(c), "the declaration is found through Unwrap")
}

func TestWrapNestedUnderADecoratorDoesNotMultiply(t *testing.T) {
	i := paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{i: {{err: uerr(i, status.CodeUnavailable)}}})
	outer := retry.Wrap(wrapped{retry.Wrap(fake, fast())}, fast())
	_, _ = outer.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "pay-1"})
	assert.Equal(t, 3, fake.count(i), "the inner Wrap passes through: 3 sends, not 3×3")
}

// wrapped is a decorator around any Gateway that Wrap cannot see through.
type wrapped struct{ paygate.Gateway }

func TestWrapSuccessWithoutObjectIsUnknown(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{c: {{}}, i: {{err: uerr(i, status.CodeUnavailable)}}})
	p, err := retry.Wrap(fake, fast()).Create(context.Background(), createReq())
	assert.Nil(t, p)
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err), "S with a nil payment is an adapter bug, not a result")
}

func TestWrapRetryAfterBeyondMaxDelayStopsResending(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	limited := &paygate.Error{Op: c, Outcome: status.Unknown, Code: status.CodeRateLimited, RetryAfter: time.Hour}
	fake := newScripted(map[paygate.Op][]answer{c: {{err: limited}}, i: {{err: ferr(i, status.CodeNotFound)}}})
	p := fast()
	p.ResolveFor = -1
	_, err := retry.Wrap(fake, p).Create(context.Background(), createReq())
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.Equal(t, status.CodeRateLimited, paygate.CodeOf(err))
	assert.Equal(t, 1, fake.count(c), "asked to wait an hour: not resent after milliseconds")

	short := &paygate.Error{Op: c, Outcome: status.Unknown, Code: status.CodeRateLimited, RetryAfter: 30 * time.Millisecond}
	fake = newScripted(map[paygate.Op][]answer{c: {{err: short}, {pay: pending}}})
	p.MaxDelay = time.Second
	start := time.Now()
	_, err = retry.Wrap(fake, p).Create(context.Background(), createReq())
	assert.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond, "waited as asked")
}

func TestWrapResolutionResendsAreBounded(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeUnavailable)}}, i: {{err: ferr(i, status.CodeNotFound)}}})
	p := fast()
	p.ResolveFor = time.Second
	_, err := retry.Wrap(fake, p).Create(context.Background(), createReq())
	assert.Equal(t, status.Unknown, paygate.OutcomeOf(err))
	assert.Equal(t, 2*p.MaxAttempts, fake.count(c), "MaxAttempts sends, then at most MaxAttempts resends while resolving")
}

func TestWrapCreateResolvedByInquiryKeepsTheAction(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	bare := &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", ProviderPaymentID: "p1", Status: status.PaymentRequiresAction}
	fake := newScripted(map[paygate.Op][]answer{
		c: {{err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {err: uerr(c, status.CodeTimeout)}, {pay: pending}},
		i: {{pay: bare}},
	})
	p, err := retry.Wrap(fake, fast()).Create(context.Background(), createReq())
	require.NoError(t, err)
	assert.Equal(t, action, p.Action, "the identical create was asked once more for the customer's action")

	fake = newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{pay: bare}}})
	p, err = retry.Wrap(fake, fast()).Create(context.Background(), createReq())
	require.NoError(t, err)
	assert.Same(t, bare, p, "when asking again fails, the inquired payment is still the answer")
}

func TestWrapUnknownKeepsTheProvidersAnswer(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	raw := &paygate.Error{Provider: "acme", Op: c, Outcome: status.Unknown, Code: status.CodeUnknown,
		ProviderCode: "E0001", ProviderMessage: "unknown status", HTTPStatus: 500}
	fake := newScripted(map[paygate.Op][]answer{c: {{err: raw}}, i: {{err: uerr(i, status.CodeUnavailable)}}})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	p := retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: time.Hour}
	_, err := retry.Wrap(fake, p).Create(ctx, createReq())
	var pe *paygate.Error
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, status.Unknown, pe.Outcome)
	assert.Equal(t, "E0001", pe.ProviderCode, "the raw code is on the error itself")
	assert.Equal(t, "unknown status", pe.ProviderMessage)
	assert.Equal(t, 500, pe.HTTPStatus)
}

func (g *scripted) Capture(ctx context.Context, r *paygate.CaptureRequest) (*paygate.Payment, error) {
	a := g.next(ctx, paygate.OpCapture, r)
	return a.pay, a.err
}

func (u undeclared) Capture(ctx context.Context, r *paygate.CaptureRequest) (*paygate.Payment, error) {
	return u.g.Capture(ctx, r)
}

// TestWrapPastTheDedupeWindowOnlyInquires: a provider that keeps a request id's answer only for a
// while (Idempotency.Window, Stripe's 24 hours) is not resent once that time has passed since the
// first send, and the payment an inquiry finds is not asked for again by a resend either.
func TestWrapPastTheDedupeWindowOnlyInquires(t *testing.T) {
	c, i := paygate.OpCreate, paygate.OpInquire
	tests := []struct {
		name        string
		window      time.Duration
		wantCreates int
	}{
		{"within the window the create is resent", time.Hour, 3},
		{"past the window it is only inquired", time.Nanosecond, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bare := &paygate.Payment{Provider: "fake", PaymentRequestID: "pay-1", ProviderPaymentID: "p1", Status: status.PaymentRequiresAction}
			fake := newScripted(map[paygate.Op][]answer{c: {{err: uerr(c, status.CodeTimeout)}}, i: {{err: uerr(i, status.CodeNotFound)}, {pay: bare}}})
			fake.declare = &retry.Idempotency{Dedupes: true, Window: tt.window}
			p, err := retry.Wrap(fake, fast()).Create(context.Background(), createReq())
			require.NoError(t, err, "the inquiry finds the payment")
			assert.Same(t, bare, p)
			// Within the window: 3 sends, then (after finding it) one more create asking for the action.
			want := tt.wantCreates
			if tt.window > time.Second {
				want++
			}
			assert.Equal(t, want, fake.count(c))
		})
	}
}

// TestWrapRefundInquiryNamesThePayment: the refund's inquiry carries the payment's ids, for providers
// that find refunds only through their payment.
func TestWrapRefundInquiryNamesThePayment(t *testing.T) {
	r, i := paygate.OpRefund, paygate.OpInquireRefund
	fake := newScripted(map[paygate.Op][]answer{r: {{err: uerr(r, status.CodeTimeout)}}, i: {{ref: refunded}}})
	fake.declare = &retry.Idempotency{}
	req := refundReq()
	req.ProviderPaymentID = "p1"
	_, err := retry.Wrap(fake, fast()).Refund(context.Background(), req)
	require.NoError(t, err)
	require.NotEmpty(t, fake.requests[i])
	q := fake.requests[i][0].(*paygate.InquireRefundRequest)
	assert.Equal(t, paygate.InquireRefundRequest{RefundRequestID: "ref-1", PaymentRequestID: "pay-1", ProviderPaymentID: "p1"}, *q)
}
