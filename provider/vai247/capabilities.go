package vai247

import (
	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Capabilities is what VAI247 offers through this adapter with Config.RefundSigning off; with it on,
// refunds are deduped too (see (*Gateway).Capabilities).
func Capabilities() provider.Capabilities {
	return capabilities(false)
}

func capabilities(refundSigning bool) provider.Capabilities {
	return provider.Capabilities{
		// No refund inquiry and no capture: VAI247 offers neither, so InquireRefund and Capture (and
		// a CaptureManual create: CaptureModes is empty) are F NOT_SUPPORTED with no call.
		Ops: []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCancel, paygate.OpRefund},
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate: {ResendSafe: Orphan},
			paygate.OpCancel: {ResendSafe: cancelSafe},
			paygate.OpRefund: {Dedupes: refundSigning},
		},
		InquireByRequestID: false, // orders are found by VAI247's order id only
		PartialRefund:      true,
		MultipleRefunds:    true,
		CancelAfterPayment: false, // completed orders must be refunded
		RequiresAction:     true,  // a new order waits for its QR code to be scanned
		Webhooks:           true,
		Currencies:         Currencies(),
		Doc: provider.CapabilityDoc{
			Create:           "QR action",
			Inquire:          "by VAI247 id only",
			Cancel:           "pending/processing only",
			Refund:           "(deduped only with `RefundSigning`)",
			RefundInquiry:    "`NOT_SUPPORTED`, no call",
			Capture:          "`NOT_SUPPORTED`, no call: no authorization hold, an order is paid in full when the QR code is paid",
			IdempotentCreate: "re-create is safe, an orphan order cannot be paid and expires in 30 min",
			Webhooks:         "HMAC `X-DVPay-Signature`, so `WebhookSecret` is required (without it every notification is refused); refused when `timestamp` is over 24 h old (`WebhookMaxAge`)",
			Currencies:       "USD, KHR",
			AmountOnWire:     "JSON number, major units (USD 2 dp, KHR whole riel)",
		},
	}
}
