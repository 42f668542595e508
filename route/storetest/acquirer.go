package storetest

import (
	"context"
	"fmt"
	"sync"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// acquirer is the provider the shared-journal cases route to: it behaves like VAI247 in the ways that
// make a second router dangerous. It does not dedupe creates or refunds (every one it performs makes a
// new order or refund), and it cannot look a payment up by the merchant's id before its own id is
// known (NOT_SUPPORTED), so an inquiry that finds nothing proves nothing while a create is on its way.
// It declares, as VAI247 does, that a re-create after an unknown create is safe (an order whose reply
// was lost cannot be paid). A test can hold calls at the provider (after they are performed, before
// they are answered) and make creates fail with a failover code.
type acquirer struct {
	name string

	mu       sync.Mutex
	seq      int
	orders   map[string][]*paygate.Payment // every order performed, by PaymentRequestID
	refunds  map[string]int                // refunds performed, by RefundRequestID
	calls    map[paygate.Op]int
	arrived  chan paygate.Op // told of every write as it is performed, when not nil
	hold     chan struct{}   // writes wait here, after they are performed, while it is open (not nil)
	refuse   status.Code     // creates fail with this F when set (nothing is performed)
	byTheirs map[string]*paygate.Payment
	byOurs   bool // payments can be looked up by PaymentRequestID too (unlike VAI247)
}

func newAcquirer(name string) *acquirer {
	return &acquirer{name: name, orders: map[string][]*paygate.Payment{}, refunds: map[string]int{},
		calls: map[paygate.Op]int{}, byTheirs: map[string]*paygate.Payment{}}
}

// Idempotency declares what VAI247 declares: nothing is deduped, and a re-create is safe.
func (a *acquirer) Idempotency(op paygate.Op) retry.Idempotency {
	switch op {
	case paygate.OpCreate:
		return retry.Idempotency{ResendSafe: "an order whose reply was lost was never shown to a customer, so it cannot be paid"}
	case paygate.OpInquire, paygate.OpInquireRefund:
		return retry.Idempotency{Dedupes: true}
	}
	return retry.Idempotency{}
}

// holdWrites makes every write wait, once performed, until release is called; each write's arrival
// is sent on the returned channel.
func (a *acquirer) holdWrites() (arrived <-chan paygate.Op, release func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.arrived, a.hold = make(chan paygate.Op, 64), make(chan struct{})
	hold := a.hold
	var once sync.Once
	return a.arrived, func() { once.Do(func() { close(hold) }) }
}

func (a *acquirer) refuseCreates(code status.Code) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.refuse = code
}

// wait is the end of a performed write: it tells the test and waits while writes are held.
func (a *acquirer) wait(ctx context.Context, op paygate.Op) error {
	a.mu.Lock()
	arrived, hold := a.arrived, a.hold
	a.mu.Unlock()
	if arrived != nil {
		arrived <- op
	}
	if hold == nil {
		return nil
	}
	select {
	case <-hold:
		return nil
	case <-ctx.Done():
		return &paygate.Error{Provider: a.name, Op: op, Outcome: status.Unknown, Code: status.CodeTimeout,
			Message: "the reply did not arrive before the call ended", Err: ctx.Err()}
	}
}

func (a *acquirer) count(op paygate.Op) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.calls[op]++
}

// Orders is how many orders were performed for a PaymentRequestID.
func (a *acquirer) Orders(id string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.orders[id])
}

// Refunds is how many refunds were performed for a RefundRequestID.
func (a *acquirer) Refunds(id string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.refunds[id]
}

// Calls is how many calls of op arrived.
func (a *acquirer) Calls(op paygate.Op) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.calls[op]
}

func (a *acquirer) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	a.count(paygate.OpCreate)
	a.mu.Lock()
	if a.refuse != "" {
		code := a.refuse
		a.mu.Unlock()
		return nil, &paygate.Error{Provider: a.name, Op: paygate.OpCreate, Outcome: status.Failure, Code: code, Message: "refused before anything was created"}
	}
	a.seq++
	p := &paygate.Payment{Provider: a.name, PaymentRequestID: req.PaymentRequestID, ProviderPaymentID: fmt.Sprintf("%s-%d", a.name, a.seq),
		Status: status.PaymentRequiresAction, Amount: req.Amount, Action: &paygate.Action{Kind: paygate.ActionQRCode, QRCode: "qr-" + req.PaymentRequestID}}
	a.orders[req.PaymentRequestID] = append(a.orders[req.PaymentRequestID], p)
	a.byTheirs[p.ProviderPaymentID] = p
	c := *p
	a.mu.Unlock()
	if err := a.wait(ctx, paygate.OpCreate); err != nil {
		return nil, err
	}
	return &c, nil
}

func (a *acquirer) Inquire(_ context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	a.count(paygate.OpInquire)
	a.mu.Lock()
	defer a.mu.Unlock()
	if req.ProviderPaymentID == "" && !a.byOurs {
		return nil, &paygate.Error{Provider: a.name, Op: paygate.OpInquire, Outcome: status.Failure, Code: status.CodeNotSupported,
			Message: "payments are looked up by the provider's id only"}
	}
	p, ok := a.byTheirs[req.ProviderPaymentID]
	if os := a.orders[req.PaymentRequestID]; !ok && a.byOurs && len(os) > 0 {
		p, ok = os[len(os)-1], true
	}
	if !ok {
		return nil, &paygate.Error{Provider: a.name, Op: paygate.OpInquire, Outcome: status.Failure, Code: status.CodeNotFound, Message: "no such payment"}
	}
	c := *p
	c.Action = nil
	return &c, nil
}

func (a *acquirer) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	a.count(paygate.OpCancel)
	a.mu.Lock()
	p, ok := a.byTheirs[req.ProviderPaymentID]
	if ok {
		p.Status = status.PaymentCanceled
	}
	a.mu.Unlock()
	if !ok {
		return nil, &paygate.Error{Provider: a.name, Op: paygate.OpCancel, Outcome: status.Failure, Code: status.CodeNotFound, Message: "no such payment"}
	}
	if err := a.wait(ctx, paygate.OpCancel); err != nil {
		return nil, err
	}
	c := *p
	return &c, nil
}

func (a *acquirer) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	a.count(paygate.OpRefund)
	a.mu.Lock()
	a.refunds[req.RefundRequestID]++
	n := a.refunds[req.RefundRequestID]
	a.mu.Unlock()
	if err := a.wait(ctx, paygate.OpRefund); err != nil {
		return nil, err
	}
	return &paygate.Refund{Provider: a.name, RefundRequestID: req.RefundRequestID, ProviderRefundID: fmt.Sprintf("%s-refund-%s-%d", a.name, req.RefundRequestID, n),
		ProviderPaymentID: req.ProviderPaymentID, Status: status.RefundSucceeded, Amount: req.Amount}, nil
}

func (a *acquirer) InquireRefund(context.Context, *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	a.count(paygate.OpInquireRefund)
	return nil, &paygate.Error{Provider: a.name, Op: paygate.OpInquireRefund, Outcome: status.Failure, Code: status.CodeNotSupported,
		Message: "refunds cannot be looked up"}
}

// Capture: the acquirer, like VAI247, has no manual capture.
func (a *acquirer) Capture(context.Context, *paygate.CaptureRequest) (*paygate.Payment, error) {
	return nil, &paygate.Error{Provider: a.name, Op: paygate.OpCapture, Outcome: status.Failure, Code: status.CodeNotSupported, Message: "no capture"}
}
