package memory

import (
	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Capabilities is what the memory provider offers; it is the same for every Config. Every write is
// deduped by its request id (see the package doc's Idempotency), the capture too: a resent capture
// with the same CaptureRequestID answers the payment as it is, and never captures twice.
func Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Ops: []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCapture, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund},
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate:  {Dedupes: true},
			paygate.OpCapture: {Dedupes: true}, // by CaptureRequestID
			paygate.OpCancel:  {Dedupes: true},
			paygate.OpRefund:  {Dedupes: true},
		},
		CaptureModes:       []paygate.CaptureMode{paygate.CaptureManual},
		Void:               true, // Cancel of an AUTHORIZED payment releases the hold
		PartialCapture:     true,
		AuthorizationHold:  AuthorizationHold,
		InquireByRequestID: true,
		PartialRefund:      true,
		MultipleRefunds:    true,
		CancelAfterPayment: false, // a succeeded payment is INVALID_STATE: refund it instead
		RequiresAction:     true,
		Webhooks:           true,
		// Currencies nil: every ISO 4217 currency.
		Doc: provider.CapabilityDoc{
			Create:           "redirect or QR action",
			Inquire:          "by request id or its own id",
			Capture:          "manual capture, partial allowed, deduped by capture id; uncaptured holds lapse after 7 days",
			Cancel:           "unpaid payments (a paid one is INVALID_STATE: refund it)",
			Refund:           "deduped by refund id",
			IdempotentCreate: "by `PaymentRequestID` (IDEMPOTENCY_CONFLICT on changed parameters)",
			Webhooks:         "HMAC-SHA256 `Memory-Signature`",
			Currencies:       "any ISO 4217 currency",
			AmountOnWire:     "none: it is in memory",
		},
	}
}

// Capabilities returns the package's Capabilities (provider.Capable), so the conformance suite and
// the router can read what this Gateway offers.
func (g *Gateway) Capabilities() provider.Capabilities { return Capabilities() }

// declared is Capabilities(), built once: Idempotency is asked on every call.
var declared = Capabilities()
