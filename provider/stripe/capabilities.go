package stripe

import (
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// keyWindow is how long Stripe keeps an Idempotency-Key's saved answer: "keys may be pruned after
// 24 hours" (docs.stripe.com/api/idempotent_requests). Past it a resend could act a second time.
const keyWindow = 24 * time.Hour

// AuthorizationHold is how long an uncaptured online card authorization stays valid before Stripe
// cancels the PaymentIntent (docs.stripe.com/payments/place-a-hold-on-a-payment-method: 7 days for
// online card payments; some methods and extended authorizations differ).
const AuthorizationHold = 7 * 24 * time.Hour

// Capabilities is what Stripe offers through this adapter.
func Capabilities() provider.Capabilities {
	deduped := retry.Idempotency{Dedupes: true, Window: keyWindow}
	return provider.Capabilities{
		Ops: paygate.Ops(),
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate: deduped, paygate.OpCapture: deduped, paygate.OpCancel: deduped, paygate.OpRefund: deduped,
		},
		InquireByRequestID:       true, // through the search API, which lags
		RequestIDLookupLags:      true,
		RefundLookupNeedsPayment: true,
		PartialRefund:            true,
		MultipleRefunds:          true,
		CancelAfterPayment:       false, // a succeeded PaymentIntent cannot be canceled: refund it
		CaptureModes:             []paygate.CaptureMode{paygate.CaptureManual},
		Void:                     true,
		PartialCapture:           true,
		AuthorizationHold:        AuthorizationHold,
		RequiresAction:           true,
		Webhooks:                 true,
		Currencies:               nil, // Stripe's presentment currencies depend on the account's country and the method
		Doc: provider.CapabilityDoc{
			Create:           "PaymentIntent, confirmed with a `pm_…` method (or redirect/QR for alipay, wechat_pay); without one a `client_confirm` action carries the client secret for Stripe.js",
			Inquire:          "by Stripe id (GET); by request id through search, which lags: not found there is U, never proof. So an open create is settled by the merchant's next create with the same id within the 24 h key window, or by Reconcile once the search shows it; one the search never shows stays open for a person to check in the dashboard",
			Capture:          "`capture_method: manual`; deduped by Idempotency-Key for 24 h",
			Cancel:           "before success; on `requires_capture` it is the void",
			Refund:           "deduped by Idempotency-Key",
			RefundInquiry:    "by Stripe id, or by refund request id with the payment named (lists its refunds)",
			PartialRefunds:   "partial and multiple",
			IdempotentCreate: "deduped for 24 h by Idempotency-Key; later a U create is resolved by inquiry only",
			Webhooks:         "HMAC `Stripe-Signature` (t, several v1 for rotation), 300 s tolerance; the adapter fetches the object's current state",
			Currencies:       "Stripe's presentment currencies (account-dependent)",
			AmountOnWire:     "integer minor units by Stripe's rules (zero-decimal list, three-decimal ending in 0, ISK ×100)",
		},
	}
}
