package waffo

import (
	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Capabilities is what Waffo offers through this adapter; it is the same for every Config.
func Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Ops: []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund},
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate: {Dedupes: true},
			paygate.OpCancel: {ResendSafe: "cancelling an order twice leaves it closed; Waffo answers the second with the closed order or a refusal about its state"},
			paygate.OpRefund: {Dedupes: true},
		},
		InquireByRequestID: true,
		PartialRefund:      true,
		MultipleRefunds:    true,
		CancelAfterPayment: false, // a paid order is A0013: refund it instead
		RequiresAction:     true,
		Webhooks:           true,
		Doc: provider.CapabilityDoc{
			Create:           "redirect, deeplink or QR action",
			Inquire:          "by request id or Waffo id",
			Cancel:           "unpaid orders (a paid one is A0013: refund it)",
			Refund:           "deduped by refund id",
			IdempotentCreate: "by `paymentRequestId` (A0011 on changed parameters)",
			Webhooks:         "RSA `X-SIGNATURE` both ways; refused when `orderUpdatedAt` / `refundUpdatedAt` is over 24 h old (`WebhookMaxAge`)",
			Currencies:       "any Waffo accepts for the merchant",
			AmountOnWire:     "string, major units: 2 decimals, 0 for JPY, KRW, VND, CLP, IDR",
		},
	}
}
