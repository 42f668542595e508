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
	CreatedAt  time.Time
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
