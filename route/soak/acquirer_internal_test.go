package soak

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	pgprovider "github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// acquirer is a test-only provider, in process, that declares manual capture, partial capture and
// void: the soak's manual-capture share is driven by the providers' declarations, and until the
// registered simulators declare manual capture, these meet it. It is both the adapter and its
// simulator (the ledger, the faults, the customer's settlements). It is no provider's simulator:
// it follows the paygate contract only, which is what the soak checks the router against.
type acquirer struct {
	name string
	caps pgprovider.Capabilities

	mu       sync.Mutex
	ledger   sim.Ledger
	faults   sim.Faults
	orders   map[string]*heldOrder // by PaymentRequestID
	byPID    map[string]*heldOrder
	refunds  map[string]*paygate.Refund // by RefundRequestID
	captures map[string]bool            // CaptureRequestIDs performed
	seq      int
}

type heldOrder struct {
	p    paygate.Payment
	mode paygate.CaptureMode
}

// Result codes the acquirer answers with under a ReplyCode fault.
const (
	acqUnknown  = "ACQ_UNKNOWN"  // U
	acqDeclined = "ACQ_DECLINED" // F DECLINED: a failover code on create
)

// acquirerCaps declares what the acquirer offers; dedupeCapture says whether it dedupes captures by
// CaptureRequestID (else a capture is settled by inquiry, as where a capture has no id of its own).
func acquirerCaps(dedupeCapture bool) pgprovider.Capabilities {
	capture := retry.Idempotency{}
	if dedupeCapture {
		capture.Dedupes = true
	}
	return pgprovider.Capabilities{
		Ops: paygate.Ops(),
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate: {Dedupes: true}, paygate.OpCancel: {Dedupes: true}, paygate.OpRefund: {Dedupes: true},
			paygate.OpCapture: capture,
		},
		CaptureModes:       []paygate.CaptureMode{paygate.CaptureManual},
		PartialCapture:     true,
		Void:               true,
		InquireByRequestID: true,
		PartialRefund:      true,
		MultipleRefunds:    true,
	}
}

// acquirers are the running acquirers by name, for their Spec.Open to find (it gets only the
// environment its simulator's Env returns).
var acquirers sync.Map

// acquirerEntry registers an acquirer named name with the soak, as the registry lists a provider.
func acquirerEntry(name string, dedupeCapture bool) registry.Entry {
	caps := acquirerCaps(dedupeCapture)
	return registry.Entry{
		Adapter: pgprovider.Spec{
			Name: name, Title: name, Capabilities: caps,
			Open: func(getenv func(string) string, _ pgprovider.Common) (pgprovider.Adapter, error) {
				a, ok := acquirers.Load(getenv("ACQUIRER"))
				if !ok {
					return nil, errors.New("no acquirer " + getenv("ACQUIRER"))
				}
				return a.(*acquirer), nil
			},
		},
		Simulator: sim.Spec{
			Name: name, FailoverCode: acqDeclined, UnknownCode: acqUnknown,
			Chaos: sim.Chaos{
				Settlements: []sim.Settlement{sim.Pay, sim.Fail, sim.Expire},
				Faults: []sim.FaultKind{sim.DropBeforeProcessing, sim.LoseReply, sim.DelayReply, sim.ReplyStatus,
					sim.ReplyCode, sim.CorruptBody, sim.CorruptSignature},
				UnknownCodes: []string{acqUnknown}, RejectCodes: []string{acqDeclined},
			},
			Start: func(sim.StartOptions) (sim.Instance, error) {
				a := &acquirer{name: name, caps: caps, orders: map[string]*heldOrder{}, byPID: map[string]*heldOrder{},
					refunds: map[string]*paygate.Refund{}, captures: map[string]bool{}}
				acquirers.Store(name, a)
				return a, nil
			},
		},
	}
}

// do runs one call: it records it, refuses it on a fault that strikes before processing, and
// otherwise processes it, losing the answer on a fault that strikes after.
func do[T any](ctx context.Context, a *acquirer, op paygate.Op, id string, process func() (T, error)) (T, error) {
	var zero T
	a.ledger.Received(op, id)
	if err := ctx.Err(); err != nil {
		return zero, &paygate.Error{Provider: a.name, Op: op, Outcome: status.Failure, Code: status.CodeUnavailable, Err: errors.Join(retry.ErrNotSent, err)}
	}
	f, faulted := a.faults.Next(op)
	if !faulted {
		return process()
	}
	u := &paygate.Error{Provider: a.name, Op: op, Outcome: status.Unknown, Code: status.CodeTimeout, ProviderMessage: "injected fault: " + f.String()}
	switch f.Kind {
	case sim.ReplyCode:
		if f.Code == acqDeclined {
			return zero, &paygate.Error{Provider: a.name, Op: op, Outcome: status.Failure, Code: status.CodeDeclined, ProviderCode: f.Code}
		}
		u.ProviderCode = f.Code
		return zero, u
	case sim.DropBeforeProcessing, sim.ReplyStatus:
		return zero, u
	}
	_, _ = process() // processed; the answer is lost
	return zero, u
}

func (a *acquirer) fail(op paygate.Op, code status.Code, msg string) error {
	return &paygate.Error{Provider: a.name, Op: op, Outcome: status.Failure, Code: code, Message: msg}
}

func (a *acquirer) lookup(requestID, providerID string) *heldOrder {
	if o, ok := a.orders[requestID]; ok && requestID != "" {
		return o
	}
	return a.byPID[providerID]
}

func (a *acquirer) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return do(ctx, a, paygate.OpCreate, req.PaymentRequestID, func() (*paygate.Payment, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if o, ok := a.orders[req.PaymentRequestID]; ok {
			c := o.p
			return &c, nil
		}
		a.seq++
		o := &heldOrder{mode: req.CaptureMode, p: paygate.Payment{Provider: a.name, PaymentRequestID: req.PaymentRequestID,
			MerchantOrderID: req.MerchantOrderID, ProviderPaymentID: fmt.Sprintf("%s-%d", a.name, a.seq),
			Status: status.PaymentRequiresAction, Amount: req.Amount, UpdatedAt: time.Now(),
			Action: &paygate.Action{Kind: paygate.ActionRedirect, URL: "https://pay.example/" + req.PaymentRequestID}}}
		a.orders[req.PaymentRequestID], a.byPID[o.p.ProviderPaymentID] = o, o
		a.ledger.AddOrder(sim.Order{RequestID: req.PaymentRequestID, ProviderID: o.p.ProviderPaymentID, Amount: req.Amount,
			WireAmount: req.Amount.String(), Status: o.p.Status, CaptureMode: req.CaptureMode, CreatedAt: o.p.UpdatedAt})
		c := o.p
		return &c, nil
	})
}

func (a *acquirer) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return do(ctx, a, paygate.OpInquire, req.PaymentRequestID, func() (*paygate.Payment, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		o := a.lookup(req.PaymentRequestID, req.ProviderPaymentID)
		if o == nil {
			return nil, a.fail(paygate.OpInquire, status.CodeNotFound, "no such payment")
		}
		c := o.p
		c.Action = nil
		return &c, nil
	})
}

// Cancel cancels an unpaid payment, or voids an authorized one.
func (a *acquirer) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return do(ctx, a, paygate.OpCancel, req.PaymentRequestID, func() (*paygate.Payment, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		o := a.lookup(req.PaymentRequestID, req.ProviderPaymentID)
		if o == nil {
			return nil, a.fail(paygate.OpCancel, status.CodeNotFound, "no such payment")
		}
		switch o.p.Status {
		case status.PaymentRequiresAction, status.PaymentPending, status.PaymentAuthorized:
			a.set(o, status.PaymentCanceled)
		case status.PaymentCanceled:
		default:
			return nil, a.fail(paygate.OpCancel, status.CodeInvalidState, "the payment is "+string(o.p.Status))
		}
		c := o.p
		return &c, nil
	})
}

func (a *acquirer) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return do(ctx, a, paygate.OpCapture, req.CaptureRequestID, func() (*paygate.Payment, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		o := a.lookup(req.PaymentRequestID, req.ProviderPaymentID)
		if o == nil {
			return nil, a.fail(paygate.OpCapture, status.CodeNotFound, "no such payment")
		}
		if a.captures[req.CaptureRequestID] && a.caps.IdempotencyOf(paygate.OpCapture).Dedupes {
			c := o.p
			return &c, nil
		}
		if o.p.Status != status.PaymentAuthorized {
			return nil, a.fail(paygate.OpCapture, status.CodeInvalidState, "the payment is "+string(o.p.Status)+", not AUTHORIZED")
		}
		amount := req.Amount
		if amount.IsZero() {
			amount = o.p.Amount
		}
		if c, err := amount.Cmp(o.p.Amount); err != nil || c > 0 {
			return nil, a.fail(paygate.OpCapture, status.CodeLimitExceeded, "more than authorized")
		}
		a.captures[req.CaptureRequestID] = true
		a.ledger.AddCapture(sim.Capture{RequestID: req.CaptureRequestID, ProviderPaymentID: o.p.ProviderPaymentID,
			Amount: amount, WireAmount: amount.String(), CreatedAt: time.Now()})
		o.p.Captured = amount
		a.set(o, status.PaymentSucceeded)
		c := o.p
		return &c, nil
	})
}

func (a *acquirer) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return do(ctx, a, paygate.OpRefund, req.RefundRequestID, func() (*paygate.Refund, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		if f, ok := a.refunds[req.RefundRequestID]; ok {
			c := *f
			return &c, nil
		}
		o := a.lookup(req.PaymentRequestID, req.ProviderPaymentID)
		if o == nil {
			return nil, a.fail(paygate.OpRefund, status.CodeNotFound, "no such payment")
		}
		if o.p.Status != status.PaymentSucceeded {
			return nil, a.fail(paygate.OpRefund, status.CodeInvalidState, "the payment is "+string(o.p.Status)+": only captured money is refunded")
		}
		refunded := money.Amount{}
		for _, f := range a.ledger.AllRefunds() {
			if f.ProviderPaymentID == o.p.ProviderPaymentID {
				refunded = sum(refunded, f.Amount)
			}
		}
		if c, err := sum(refunded, req.Amount).Cmp(o.p.Captured); err != nil || c > 0 {
			return nil, a.fail(paygate.OpRefund, status.CodeLimitExceeded, "more than captured")
		}
		a.seq++
		f := &paygate.Refund{Provider: a.name, RefundRequestID: req.RefundRequestID, ProviderRefundID: fmt.Sprintf("%s-r%d", a.name, a.seq),
			ProviderPaymentID: o.p.ProviderPaymentID, Status: status.RefundSucceeded, Amount: req.Amount, UpdatedAt: time.Now()}
		a.refunds[req.RefundRequestID] = f
		a.ledger.AddRefund(sim.Refund{RequestID: f.RefundRequestID, ProviderID: f.ProviderRefundID, ProviderPaymentID: f.ProviderPaymentID,
			Amount: f.Amount, WireAmount: f.Amount.String(), Status: f.Status, CreatedAt: f.UpdatedAt})
		a.ledger.SetOrderStatus(o.p.ProviderPaymentID, o.p.Status, sum(refunded, req.Amount))
		c := *f
		return &c, nil
	})
}

func sum(a, b money.Amount) money.Amount {
	if a.IsZero() {
		return b
	}
	s, _ := a.Add(b)
	return s
}

func (a *acquirer) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	return do(ctx, a, paygate.OpInquireRefund, req.RefundRequestID, func() (*paygate.Refund, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, f := range a.refunds {
			if f.RefundRequestID == req.RefundRequestID || (req.ProviderRefundID != "" && f.ProviderRefundID == req.ProviderRefundID) {
				c := *f
				return &c, nil
			}
		}
		return nil, a.fail(paygate.OpInquireRefund, status.CodeNotFound, "no such refund")
	})
}

// set moves o to st, in the ledger too. The caller holds a.mu.
func (a *acquirer) set(o *heldOrder, st status.Payment) {
	o.p.Status, o.p.Action, o.p.UpdatedAt = st, nil, time.Now()
	a.ledger.SetOrderStatus(o.p.ProviderPaymentID, st, money.Amount{})
}

// settle is what the customer does: pay (authorize, in manual capture), fail or let it expire.
func (a *acquirer) settle(o *heldOrder, st sim.Settlement) error {
	if o.p.Status != status.PaymentRequiresAction && o.p.Status != status.PaymentPending {
		return fmt.Errorf("payment %s is %s", o.p.ProviderPaymentID, o.p.Status)
	}
	switch st {
	case sim.Pay:
		if o.mode == paygate.CaptureManual {
			a.set(o, status.PaymentAuthorized)
			return nil
		}
		o.p.Captured = o.p.Amount
		a.set(o, status.PaymentSucceeded)
	case sim.Fail:
		a.set(o, status.PaymentFailed)
	case sim.Expire:
		a.set(o, status.PaymentExpired)
	default:
		return fmt.Errorf("settlement %d is not offered", st)
	}
	return nil
}

func (a *acquirer) Settle(_ context.Context, paymentRequestID string, st sim.Settlement) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	o := a.orders[paymentRequestID]
	if o == nil {
		return errors.New("no such payment")
	}
	return a.settle(o, st)
}

func (a *acquirer) SettleOrder(_ context.Context, providerPaymentID string, st sim.Settlement) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	o := a.byPID[providerPaymentID]
	if o == nil {
		return errors.New("no such payment")
	}
	return a.settle(o, st)
}

func (a *acquirer) Inject(f sim.Fault)                                { a.faults.Inject(f) }
func (a *acquirer) ClearFaults()                                      { a.faults.Clear() }
func (a *acquirer) SetChaos(fn func(op paygate.Op) (sim.Fault, bool)) { a.faults.SetChaos(fn) }
func (a *acquirer) Ledger() *sim.Ledger                               { return &a.ledger }
func (a *acquirer) BaseURL() string                                   { return "" }
func (a *acquirer) PageURL(string) string                             { return "" }
func (a *acquirer) Env() map[string]string                            { return map[string]string{"ACQUIRER": a.name} }
func (a *acquirer) File() (any, error)                                { return nil, nil }
func (a *acquirer) Close()                                            {}

func (a *acquirer) Idempotency(op paygate.Op) retry.Idempotency { return a.caps.IdempotencyOf(op) }
func (a *acquirer) Capabilities() pgprovider.Capabilities       { return a.caps }

// WebhookHandler refuses everything: the acquirer sends no notifications.
func (a *acquirer) WebhookHandler(func(context.Context, *paygate.Event) error) http.Handler {
	return http.NotFoundHandler()
}
