package route

import (
	"context"
	"errors"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Kind says what a journal entry tracks: a payment, a refund or a capture.
type Kind string

const (
	// KindPayment is an entry keyed by a PaymentRequestID.
	KindPayment Kind = "payment"
	// KindRefund is an entry keyed by a RefundRequestID.
	KindRefund Kind = "refund"
	// KindCapture is an entry keyed by a CaptureRequestID.
	KindCapture Kind = "capture"
)

// idField is the name of the request field that keys an entry of kind k, for messages.
func (k Kind) idField() string {
	switch k {
	case KindRefund:
		return "RefundRequestID"
	case KindCapture:
		return "CaptureRequestID"
	}
	return "PaymentRequestID"
}

// Entry is the journal's record of one payment, refund or capture request id: which provider owns it, what
// the provider answered last, and which write (if any) has an outcome nobody knows yet.
//
// The router writes an entry BEFORE it sends the write it describes, so that after a crash the entry
// still says where the request may have gone; Reconcile then asks that provider.
type Entry struct {
	Kind      Kind   // payment, refund or capture
	RequestID string // the PaymentRequestID, RefundRequestID or CaptureRequestID; with Kind, the key
	// Provider is the name of the provider that owns the request: every call for it goes there. For a
	// create that failed over, it is the provider tried last.
	Provider string
	// ProviderID is the provider's payment id (payments) or refund id (refunds), once known; empty
	// for captures, which the payment's ids name.
	ProviderID string
	// PaymentRequestID and ProviderPaymentID name a refund's or a capture's payment (refund and
	// capture entries only).
	PaymentRequestID  string
	ProviderPaymentID string
	// Amount is the payment's, refund's or capture's amount as requested (a capture's zero Amount
	// asks for the whole authorized amount).
	Amount money.Amount
	// Open is the write whose outcome is not known yet (OpCreate, OpCancel, OpRefund or OpCapture): it was written
	// before the call and is cleared once the provider's answer (or an inquiry) settles it. Empty when
	// nothing is open.
	Open paygate.Op
	// Outcome and Code are the last known result of a write for this id.
	Outcome status.Outcome
	Code    status.Code
	// Status is the last known status: a status.Payment for payments and captures (the captured
	// payment's), a status.Refund for refunds; empty while no provider has answered with an object.
	Status string
	// Tried lists, in order, the providers that refused the create with an F that proves nothing was
	// created there (see FailoverCodes); the create moved on from each.
	Tried []string
	// Refund is the refund request as sent (refund entries only; no ProviderOptions). Reconcile resends
	// it to providers that have no refund inquiry but dedupe refunds.
	Refund *paygate.RefundRequest
	// Capture is the capture request as sent (capture entries only). Reconcile resends it to a
	// provider whose captures may be sent again (retry.Idempotency.Resendable) when an inquiry shows
	// the open capture did not land.
	Capture *paygate.CaptureRequest
	// LeaseOwner and LeaseUntil are the lease of the call working on the entry: the call's token (its
	// router's Config.Instance, a random number per Router, and the call's number) and, by that
	// router's clock, when the lease ends. A call takes the lease in the Put that opens its write and
	// gives it back in the Put that records the answer; while it is live, other calls with the same id
	// send nothing (on the same Router they wait for it) and Reconcile skips the entry. Empty and zero when no call holds it (a crashed call's lease simply expires).
	LeaseOwner string
	LeaseUntil time.Time
	// Version counts the entry's writes. Put accepts an entry only if Version equals the stored one (0
	// when none is stored) and then increments it: two machines cannot both move the same payment.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Clone returns a deep copy of e, so a store never shares memory with its callers.
func (e *Entry) Clone() *Entry {
	if e == nil {
		return nil
	}
	c := *e
	c.Tried = append([]string(nil), e.Tried...)
	if e.Refund != nil {
		r := *e.Refund
		r.ProviderOptions = nil
		c.Refund = &r
	}
	if e.Capture != nil {
		k := *e.Capture
		c.Capture = &k
	}
	return &c
}

// ErrNotFound is returned by Store.Get when no entry has the key.
var ErrNotFound = errors.New("route: no journal entry")

// ErrConflict is returned by Store.Put when the stored entry's Version is not the one given (another
// call or machine wrote the entry first). Read it again and decide anew.
var ErrConflict = errors.New("route: journal entry changed concurrently")

// Store is the router's durable journal. Implementations must be safe for concurrent use, must make a
// successful Put durable before returning (the router sends the provider call right after), must keep
// every field of an Entry (the lease included: routers on several machines rely on it), and must
// never return memory the caller can change. The package storetest checks all of this for any Store.
type Store interface {
	// Get returns the entry of (kind, requestID), or an error wrapping ErrNotFound.
	Get(ctx context.Context, kind Kind, requestID string) (*Entry, error)
	// FindByProviderID returns every entry of kind whose ProviderID is providerID (usually one; two
	// providers may issue the same id). None is an empty slice and no error.
	FindByProviderID(ctx context.Context, kind Kind, providerID string) ([]*Entry, error)
	// Put stores e if the stored entry's Version equals e.Version (0: no entry may be stored yet) and
	// sets e.Version to the new version (e.Version+1). Otherwise it stores nothing and returns an error
	// wrapping ErrConflict.
	Put(ctx context.Context, e *Entry) error
	// Unresolved returns every entry whose Open is not empty, oldest UpdatedAt first.
	Unresolved(ctx context.Context) ([]*Entry, error)
}
