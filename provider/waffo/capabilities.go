package waffo

import (
	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Capabilities is what Waffo offers through this adapter; it is the same for every Config.
func Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Ops: []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCapture, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund},
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate: {Dedupes: true},
			paygate.OpCancel: {ResendSafe: "cancelling an order twice leaves it closed; Waffo answers the second with the closed order or a refusal about its state"},
			paygate.OpRefund: {Dedupes: true},
			// Not resendable: /order/capture carries no request id, and neither Waffo's API reference
			// nor its SDKs (waffo-go v1.4.0: types, CHANGELOG, README, e2e tests) say how a second
			// capture of one order is answered. retry.Wrap therefore resolves a U capture by inquiry
			// only: CAPTURE_IN_PROGRESS or PAY_SUCCESS shows it landed (retry.CaptureLanded); an order
			// still AUTHED_WAITING_CAPTURE leaves it U, never F.
			paygate.OpCapture: {},
		},
		InquireByRequestID: true,
		PartialRefund:      true,
		MultipleRefunds:    true,
		CancelAfterPayment: false, // a paid order is A0013: refund it instead
		// Manual capture: paymentInfo.captureMode "manualCapture" (card methods, per the SDK).
		CaptureModes: []paygate.CaptureMode{paygate.CaptureManual},
		// No void: Waffo's order lifecycle has no way from AUTHED_WAITING_CAPTURE but PAY_SUCCESS, and
		// /order/cancel is documented for unpaid orders (an authorized one is refused like a paid one).
		Void: false,
		// No partial capture through this API: the acquiring API reports no captured amount that
		// differs from orderAmount (finalDealAmount is in the user's currency), so a partial capture
		// could not be read back exactly. A capture takes the whole order amount.
		PartialCapture:    false,
		AuthorizationHold: 0, // Waffo does not say how long it holds an authorization
		RequiresAction:    true,
		Webhooks:          true,
		Doc: provider.CapabilityDoc{
			Create:           "redirect, deeplink or QR action",
			Inquire:          "by request id or Waffo id",
			Capture:          "`captureMode: manualCapture` (cards); Waffo's capture has no id of its own",
			Cancel:           "unpaid orders (a paid or authorized one is A0013)",
			Refund:           "deduped by refund id",
			IdempotentCreate: "by `paymentRequestId` (A0011 on changed parameters)",
			Webhooks:         "RSA `X-SIGNATURE` both ways; refused when `orderUpdatedAt` / `refundUpdatedAt` is over 24 h old (`WebhookMaxAge`)",
			Currencies:       "any Waffo accepts for the merchant",
			AmountOnWire:     "string, major units: 2 decimals, 0 for JPY, KRW, VND, CLP, IDR",
		},
	}
}
