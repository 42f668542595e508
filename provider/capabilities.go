package provider

import (
	"slices"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
)

// Capabilities is what an adapter offers, declared once in its folder (its Capabilities function)
// and read by everything that needs to know: retry.Wrap and the router (through the Idempotency
// each adapter derives from it), the conformance harness (which cases run) and `go generate` (the
// README's capability table). An operation the adapter does not offer is F NOT_SUPPORTED and never
// reaches the network.
type Capabilities struct {
	// Ops are the operations offered, in paygate.Op order.
	Ops []paygate.Op
	// Idempotency says, per write, how the provider treats the same request ids sent again (see
	// retry.Idempotency). A write missing here is not trusted to dedupe.
	Idempotency map[paygate.Op]retry.Idempotency
	// InquireByRequestID: Inquire accepts PaymentRequestID (otherwise ProviderPaymentID only).
	InquireByRequestID bool
	// RequestIDLookupLags: Inquire by PaymentRequestID reads an eventually consistent index (Stripe's
	// search), so a payment created moments ago may not be found yet. Not finding one is then U
	// (status.CodeNotFound with outcome U), never the proof that a create did not land.
	RequestIDLookupLags bool
	// RefundLookupNeedsPayment: InquireRefund by RefundRequestID alone is refused (F NOT_SUPPORTED,
	// unsent); it needs the refunded payment named too (PaymentRequestID or ProviderPaymentID), as
	// retry.Wrap and the router name it. Stripe lists a payment's refunds; it has no refund search.
	RefundLookupNeedsPayment bool
	PartialRefund            bool // a refund may be less than the payment
	MultipleRefunds          bool // several refunds of one payment
	CancelAfterPayment       bool // a succeeded payment can be cancelled (voided)
	// CaptureModes are the modes Create accepts besides paygate.CaptureAutomatic, which every adapter
	// accepts. paygate.CaptureManual here needs paygate.OpCapture in Ops; a create asking for a mode
	// missing here is F NOT_SUPPORTED and never reaches the network.
	CaptureModes []paygate.CaptureMode
	// Void: Cancel of an AUTHORIZED payment releases the hold (the payment ends CANCELED).
	Void bool
	// PartialCapture: a capture may take less than the authorized amount (the rest is released).
	// Without it a capture amount other than the whole authorization is F NOT_SUPPORTED, unsent.
	PartialCapture bool
	// AuthorizationHold is how long the provider holds an uncaptured authorization before releasing
	// it on its own (the payment then ends CANCELED); zero when the provider does not say.
	AuthorizationHold time.Duration
	RequiresAction    bool // create answers RequiresAction with an Action for the customer
	Webhooks          bool // the provider sends signed notifications
	// Currencies the adapter accepts; nil means whatever the provider accepts for the merchant.
	Currencies []string
	// Doc is the README's wording for each column of the capability table.
	Doc CapabilityDoc
}

// Offers reports whether op is one of c.Ops.
func (c Capabilities) Offers(op paygate.Op) bool { return slices.Contains(c.Ops, op) }

// Captures reports whether Create accepts mode m: automatic always, others when declared.
func (c Capabilities) Captures(m paygate.CaptureMode) bool {
	return m == paygate.CaptureAutomatic || slices.Contains(c.CaptureModes, m)
}

// IdempotencyOf returns the declaration for op: for a write, what Idempotency declares (the zero
// Idempotency, not trusted to dedupe, when it declares nothing); a read changes nothing, so it is
// always Dedupes. An adapter's retry.Declarer is this method on its declaration.
func (c Capabilities) IdempotencyOf(op paygate.Op) retry.Idempotency {
	if !op.Write() {
		return retry.Idempotency{Dedupes: true}
	}
	return c.Idempotency[op]
}

// CapabilityDoc is the text of one adapter's row in the README's capability table: each cell
// says how the provider does it, in the reader's terms. A cell may be empty when a ✓ or ✗ says it
// all.
type CapabilityDoc struct {
	Create, Inquire, Capture, Cancel, Refund, RefundInquiry string
	PartialRefunds, IdempotentCreate, Webhooks              string
	Currencies, AmountOnWire                                string
}

// Capable is implemented by every paygate adapter: it declares what it offers.
type Capable interface {
	Capabilities() Capabilities
}

// CapabilitiesOf returns gw's declaration, looking through decorators (retry.Unwrapper chains), and
// false when no Gateway in the chain declares one.
func CapabilitiesOf(gw paygate.Gateway) (Capabilities, bool) {
	for range 32 { // a bound, in case a decorator unwraps to itself
		if c, ok := gw.(Capable); ok {
			return c.Capabilities(), true
		}
		u, ok := gw.(retry.Unwrapper)
		if !ok {
			break
		}
		if gw = u.Unwrap(); gw == nil {
			break
		}
	}
	return Capabilities{}, false
}
