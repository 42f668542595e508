package antom

import (
	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Capabilities is what Antom offers through this adapter; it is the same for every Config.
func Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Ops: []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund},
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate: {Dedupes: true},
			paygate.OpCancel: {Dedupes: true},
			paygate.OpRefund: {Dedupes: true},
		},
		InquireByRequestID: true,
		PartialRefund:      true,
		MultipleRefunds:    true,
		CancelAfterPayment: true, // Antom's cancel reverses a paid payment inside the cancel window
		RequiresAction:     true,
		Webhooks:           true,
		Currencies:         Currencies(),
		Doc: provider.CapabilityDoc{
			Create:           "cashier page: redirect or deeplink action",
			Inquire:          "by request id or Antom id",
			Cancel:           "unpaid or paid, within the contract's cancel window",
			Refund:           "deduped by refund id",
			PartialRefunds:   "up to the amount paid",
			IdempotentCreate: "by `paymentRequestId` (REPEAT_REQ_INCONSISTENT on changed parameters)",
			Webhooks:         "RSA256 `signature` header both ways; refused when `request-time` is over 25 h old (`WebhookMaxAge`)",
			Currencies:       "24 (CLP, JPY, KRW, VND at 0 digits; 20 others at 2)",
			AmountOnWire:     "`{\"currency\",\"value\"}`, value a string of minor units (IDR and TWD in hundredths)",
		},
	}
}
