package sim

import (
	"sort"
	"sync"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Order is what the simulator really created for a payment request.
type Order struct {
	RequestID  string         // the merchant's PaymentRequestID
	ProviderID string         // the simulator's own payment id
	Amount     money.Amount   // the amount as the simulator read it from the wire
	WireAmount string         // the amount exactly as it appeared on the wire
	Status     status.Payment // its current status
	Refunded   money.Amount   // refunded so far (zero when nothing)
	// CaptureMode is how the order was asked to capture: paygate.CaptureManual orders end AUTHORIZED
	// when paid and wait for a capture.
	CaptureMode paygate.CaptureMode
	// Captured is what captures took from a manual-capture order so far (AddCapture adds to it);
	// zero for automatic orders, whose money is taken when they are paid.
	Captured  money.Amount
	CreatedAt time.Time
}

// Capture is what the simulator really captured from an authorized order.
type Capture struct {
	// RequestID is the capture request id as it arrived on the wire; empty at providers whose capture
	// carries none (Waffo).
	RequestID         string
	ProviderID        string // the provider's capture id, where it issues one
	ProviderPaymentID string // the captured order
	Amount            money.Amount
	WireAmount        string
	CreatedAt         time.Time
}

// Refund is what the simulator really created for a refund request.
type Refund struct {
	RequestID         string // the merchant's RefundRequestID
	ProviderID        string
	ProviderPaymentID string
	Amount            money.Amount
	WireAmount        string
	Status            status.Refund
	CreatedAt         time.Time
}

type requestKey struct {
	op paygate.Op
	id string
}

// Ledger records what reached a simulator and what it produced, so a test can prove there was no
// duplicate charge: how many requests arrived per operation and request id, and every order and
// refund each request id created. Safe for concurrent use.
type Ledger struct {
	mu       sync.Mutex
	requests map[requestKey]int
	total    int
	orders   []*Order
	refunds  []*Refund
	captures []*Capture
}

// Received records one request of op for the request id id (empty when the request carried none),
// whatever happens to it next: counted even when it is rejected or a fault strikes.
func (l *Ledger) Received(op paygate.Op, id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.requests == nil {
		l.requests = make(map[requestKey]int)
	}
	l.requests[requestKey{op, id}]++
	l.total++
}

// Requests is how many requests of op arrived for id.
func (l *Ledger) Requests(op paygate.Op, id string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.requests[requestKey{op, id}]
}

// RequestsOf is how many requests of op arrived, whatever their ids.
func (l *Ledger) RequestsOf(op paygate.Op) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for k, c := range l.requests {
		if k.op == op {
			n += c
		}
	}
	return n
}

// TotalRequests is how many requests arrived at all.
func (l *Ledger) TotalRequests() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.total
}

// AddOrder records a created order.
func (l *Ledger) AddOrder(o Order) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.orders = append(l.orders, &o)
}

// SetOrderStatus records the status (and refunded total) of the order with providerID.
func (l *Ledger) SetOrderStatus(providerID string, st status.Payment, refunded money.Amount) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, o := range l.orders {
		if o.ProviderID == providerID {
			o.Status, o.Refunded = st, refunded
		}
	}
}

// AddCapture records a capture the simulator performed and adds its amount to the order's Captured.
func (l *Ledger) AddCapture(c Capture) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.captures = append(l.captures, &c)
	for _, o := range l.orders {
		if o.ProviderID != c.ProviderPaymentID {
			continue
		}
		if o.Captured.IsZero() {
			o.Captured = c.Amount
		} else if sum, err := o.Captured.Add(c.Amount); err == nil {
			o.Captured = sum
		}
	}
}

// Captures returns copies of the captures of the order with providerPaymentID, oldest first.
func (l *Ledger) Captures(providerPaymentID string) []Capture {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Capture
	for _, c := range l.captures {
		if c.ProviderPaymentID == providerPaymentID {
			out = append(out, *c)
		}
	}
	return out
}

// AllCaptures returns copies of every capture, oldest first.
func (l *Ledger) AllCaptures() []Capture {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Capture, len(l.captures))
	for i, c := range l.captures {
		out[i] = *c
	}
	return out
}

// OverCaptured returns the provider ids of orders that were captured more than once or for more than
// their amount, sorted: each one is a double capture.
func (l *Ledger) OverCaptured() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := map[string]int{}
	for _, c := range l.captures {
		n[c.ProviderPaymentID]++
	}
	var out []string
	for _, o := range l.orders {
		over := false
		if !o.Captured.IsZero() {
			cmp, err := o.Captured.Cmp(o.Amount)
			over = err != nil || cmp > 0
		}
		if n[o.ProviderID] > 1 || over {
			out = append(out, o.ProviderID)
		}
	}
	sort.Strings(out)
	return out
}

// AddRefund records a created refund.
func (l *Ledger) AddRefund(r Refund) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refunds = append(l.refunds, &r)
}

// SetRefundStatus records the status of the refund with providerID.
func (l *Ledger) SetRefundStatus(providerID string, st status.Refund) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.refunds {
		if r.ProviderID == providerID {
			r.Status = st
		}
	}
}

// Orders returns copies of the orders created for the payment request id, oldest first.
func (l *Ledger) Orders(requestID string) []Order {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Order
	for _, o := range l.orders {
		if o.RequestID == requestID {
			out = append(out, *o)
		}
	}
	return out
}

// AllOrders returns copies of every order, oldest first.
func (l *Ledger) AllOrders() []Order {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Order, len(l.orders))
	for i, o := range l.orders {
		out[i] = *o
	}
	return out
}

// Refunds returns copies of the refunds created for the refund request id, oldest first.
func (l *Ledger) Refunds(requestID string) []Refund {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Refund
	for _, r := range l.refunds {
		if r.RequestID == requestID {
			out = append(out, *r)
		}
	}
	return out
}

// AllRefunds returns copies of every refund, oldest first.
func (l *Ledger) AllRefunds() []Refund {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]Refund, len(l.refunds))
	for i, r := range l.refunds {
		out[i] = *r
	}
	return out
}

// Duplicates returns the payment request ids that produced more than one order, sorted.
func (l *Ledger) Duplicates() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := map[string]int{}
	for _, o := range l.orders {
		n[o.RequestID]++
	}
	var out []string
	for id, c := range n {
		if c > 1 {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}
