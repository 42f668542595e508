// Package status is paygate's provider-neutral vocabulary: the S/F/U outcome of every call, the
// normalized payment and refund statuses, and the catalog of normalized result codes.
//
// Adapters translate each provider's codes and statuses into these values with one mapping table per
// adapter, so a merchant writes one switch statement that works for every acquirer. The outcome and the
// code are separate on purpose: the same code can be a definite failure at one provider and an unknown
// at another, and only the outcome decides whether a call may be retried.
package status

// Outcome is the result class of one call.
//
// S: the provider processed it and the returned object is the truth. F: the provider definitely did
// not perform it. U: it may or may not have happened. U is never reported as F.
type Outcome string

const (
	// Success (S): the provider processed the call; use the returned object.
	Success Outcome = "S"
	// Failure (F): the provider definitely did not perform the call. Do not resend it with the same ids;
	// fix the cause, and for a new attempt use a new request id.
	Failure Outcome = "F"
	// Unknown (U): the call may or may not have taken effect. Never treat it as failed: resend it with the
	// SAME request ids and parameters, or inquire with the same ids, until the answer is S or F.
	Unknown Outcome = "U"
)

// Valid reports whether o is S, F or U.
func (o Outcome) Valid() bool { return o == Success || o == Failure || o == Unknown }

// Payment is the normalized status of a payment.
type Payment string

const (
	// PaymentPending: the payment exists and awaits the customer or the provider. Do not ship yet; wait
	// for the webhook or inquire later.
	PaymentPending Payment = "PENDING"
	// PaymentRequiresAction: the customer must act (open a redirect or deeplink, scan a QR code). Show
	// them Payment.Action; the payment is not paid yet.
	PaymentRequiresAction Payment = "REQUIRES_ACTION"
	// PaymentAuthorized: the funds are authorized and wait for capture. Not yet money received; capture or
	// cancel it.
	PaymentAuthorized Payment = "AUTHORIZED"
	// PaymentSucceeded: the money was taken. Fulfil the order. Refunds are separate objects; the payment
	// stays Succeeded.
	PaymentSucceeded Payment = "SUCCEEDED"
	// PaymentFailed: the payment did not go through and nothing was charged. The customer may try again
	// with a new payment request id.
	PaymentFailed Payment = "FAILED"
	// PaymentCanceled: the payment was canceled before it was paid; nothing was charged.
	PaymentCanceled Payment = "CANCELED"
	// PaymentExpired: the customer did not pay in time; nothing was charged. Create a new payment if they
	// still want to pay.
	PaymentExpired Payment = "EXPIRED"
)

// Final reports whether the payment can no longer change status (Succeeded, Failed, Canceled, Expired).
// Refunds of a succeeded payment are tracked as Refunds and do not change the payment's status.
func (p Payment) Final() bool {
	switch p {
	case PaymentSucceeded, PaymentFailed, PaymentCanceled, PaymentExpired:
		return true
	}
	return false
}

// Valid reports whether p is one of the Payment constants.
func (p Payment) Valid() bool {
	switch p {
	case PaymentPending, PaymentRequiresAction, PaymentAuthorized, PaymentSucceeded, PaymentFailed,
		PaymentCanceled, PaymentExpired:
		return true
	}
	return false
}

// Refund is the normalized status of a refund.
type Refund string

const (
	// RefundPending: the provider accepted the refund and is processing it. Wait for the webhook or
	// inquire later with the same refund request id; do not send a new refund.
	RefundPending Refund = "PENDING"
	// RefundSucceeded: the money was returned to the customer.
	RefundSucceeded Refund = "SUCCEEDED"
	// RefundFailed: the refund did not happen and nothing was returned. A new attempt needs a new refund
	// request id.
	RefundFailed Refund = "FAILED"
)

// Final reports whether the refund can no longer change status (Succeeded or Failed).
func (r Refund) Final() bool { return r == RefundSucceeded || r == RefundFailed }

// Valid reports whether r is one of the Refund constants.
func (r Refund) Valid() bool { return r == RefundPending || r.Final() }
