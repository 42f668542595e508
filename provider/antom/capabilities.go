package antom

import (
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Capabilities is what Antom offers through this adapter; it is the same for every Config.
func Capabilities() provider.Capabilities {
	return provider.Capabilities{
		Ops: []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCapture, paygate.OpCancel, paygate.OpRefund, paygate.OpInquireRefund},
		Idempotency: map[paygate.Op]retry.Idempotency{
			paygate.OpCreate: {Dedupes: true},
			paygate.OpCancel: {Dedupes: true},
			paygate.OpRefund: {Dedupes: true},
			// Antom's capture docs: captureRequestId is the idempotency field, and a capture request
			// with the same id that reached S or F gets the same result; the adapter also answers a
			// resend from the inquiry when the capture shows there.
			paygate.OpCapture: {Dedupes: true},
		},
		// pay with paymentFactor.captureMode MANUAL, then capture (docs: cashierpay "Capture").
		CaptureModes: []paygate.CaptureMode{paygate.CaptureManual},
		// Antom's capture takes a captureAmount up to the authorized amount (some card methods; others
		// refuse it, answered as Antom answers); the adapter sends one capture, marked isLastCapture.
		PartialCapture: true,
		// Antom cancels an authorization not captured within 7 days (docs: capture guides).
		AuthorizationHold: 7 * 24 * time.Hour,
		// cancel of an authorized payment releases the hold (cancel: unpaid or paid, in the window).
		Void:               true,
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
			Capture:          "`paymentFactor.captureMode` MANUAL; deduped by `captureRequestId`",
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
