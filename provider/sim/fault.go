package sim

import (
	"fmt"
	"sync"
	"time"

	"github.com/paygate-go/paygate"
)

// FaultKind is what goes wrong with a call.
type FaultKind int

const (
	// DropBeforeProcessing closes the connection (or, in memory, fails the call) before the request is
	// processed: nothing happens, but the client cannot know that.
	DropBeforeProcessing FaultKind = iota + 1
	// LoseReply processes the request and then drops the reply.
	LoseReply
	// DelayReply processes the request and answers only after Fault.Delay, past the client's timeout.
	DelayReply
	// ReplyStatus answers HTTP Fault.Status (429, 500, 502, 503, 504…) without processing, with
	// Fault.RetryAfter as the Retry-After header when set.
	ReplyStatus
	// ReplyCode answers the provider's result code Fault.Code without processing (an unknown code such as
	// E0001, or a rejection such as a decline).
	ReplyCode
	// CorruptBody processes the request and answers with a body that does not parse.
	CorruptBody
	// CorruptSignature processes the request and answers with a response signature that does not verify.
	CorruptSignature
)

var faultNames = map[FaultKind]string{
	DropBeforeProcessing: "drop-before-processing",
	LoseReply:            "lose-reply",
	DelayReply:           "delay-reply",
	ReplyStatus:          "reply-status",
	ReplyCode:            "reply-code",
	CorruptBody:          "corrupt-body",
	CorruptSignature:     "corrupt-signature",
}

// String returns the fault's name, as used in test names.
func (k FaultKind) String() string {
	if n, ok := faultNames[k]; ok {
		return n
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Processes reports whether the simulator performs the request before the fault strikes.
func (k FaultKind) Processes() bool {
	return k == LoseReply || k == DelayReply || k == CorruptBody || k == CorruptSignature
}

// Fault is one injected failure.
type Fault struct {
	Op         paygate.Op    // the operation it strikes
	Kind       FaultKind     // what goes wrong
	Times      int           // how many consecutive calls of Op it strikes; 0 means 1
	Code       string        // ReplyCode: the provider's result code
	Status     int           // ReplyStatus: the HTTP status
	RetryAfter time.Duration // ReplyStatus: sent as Retry-After (whole seconds) when positive
	Delay      time.Duration // DelayReply: how long to hold the reply
}

// String describes the fault for test output.
func (f Fault) String() string {
	s := fmt.Sprintf("%s on %s", f.Kind, f.Op)
	switch f.Kind {
	case ReplyCode:
		s += " code " + f.Code
	case ReplyStatus:
		s += fmt.Sprintf(" status %d", f.Status)
	}
	if f.Times > 1 {
		s += fmt.Sprintf(" ×%d", f.Times)
	}
	return s
}

// Faults is a queue of injected faults per operation. Safe for concurrent use.
type Faults struct {
	mu    sync.Mutex
	queue map[paygate.Op][]Fault
	chaos func(op paygate.Op) (Fault, bool)
}

// SetChaos makes fn choose a fault for every call of any op that no queued fault strikes (a chaos
// test draws them at random); nil turns it off. fn must be safe for concurrent use.
func (q *Faults) SetChaos(fn func(op paygate.Op) (Fault, bool)) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.chaos = fn
}

// Inject queues f: it strikes the next f.Times calls of f.Op, after faults queued before it.
func (q *Faults) Inject(f Fault) {
	if f.Times <= 0 {
		f.Times = 1
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.queue == nil {
		q.queue = make(map[paygate.Op][]Fault)
	}
	q.queue[f.Op] = append(q.queue[f.Op], f)
}

// Next takes the fault that strikes this call of op, if any.
func (q *Faults) Next(op paygate.Op) (Fault, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	fs := q.queue[op]
	if len(fs) == 0 {
		if q.chaos != nil {
			f, ok := q.chaos(op)
			f.Op, f.Times = op, 1
			return f, ok
		}
		return Fault{}, false
	}
	f := fs[0]
	if fs[0].Times--; fs[0].Times <= 0 {
		q.queue[op] = fs[1:]
	}
	f.Times = 1
	return f, true
}

// Pending is how many fault strikes are still queued for op.
func (q *Faults) Pending(op paygate.Op) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, f := range q.queue[op] {
		n += f.Times
	}
	return n
}

// Clear drops every queued fault and turns chaos off.
func (q *Faults) Clear() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = nil
	q.chaos = nil
}

// Settlement is what the user (or the provider) does to a payment after it is created.
type Settlement int

const (
	// Pay: the user pays; the payment succeeds. A manual-capture payment (paygate.CaptureManual) is
	// authorized instead: it ends AUTHORIZED, its amount held until the merchant captures or voids it.
	Pay Settlement = iota + 1
	// Fail: the payment fails (declined by the channel).
	Fail
	// Expire: the user abandons it and it expires.
	Expire
	// RequireAction: the provider asks the user for a further step (3-D Secure, app confirmation).
	RequireAction
)

// String returns the settlement's name, as used in test names.
func (s Settlement) String() string {
	switch s {
	case Pay:
		return "pay"
	case Fail:
		return "fail"
	case Expire:
		return "expire"
	case RequireAction:
		return "require-action"
	}
	return fmt.Sprintf("Settlement(%d)", int(s))
}
