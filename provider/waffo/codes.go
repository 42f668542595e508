package waffo

import (
	"fmt"
	"time"

	"github.com/paygate-go/paygate/status"
)

// codeRow is what the adapter makes of one Waffo result code.
type codeRow struct {
	meaning string // what the code means at Waffo, in our words
	outcome status.Outcome
	code    status.Code
	advice  string // what the merchant should do, for paygate.Error.Message
}

// codeTable maps every result code Waffo documents. Waffo's own rule: A (merchant), B (user), C (system
// or channel) and D (risk) codes are definite failures; E codes mean the outcome is unknown.
var codeTable = map[string]codeRow{
	"A0001": {"invalid API key", status.Failure, status.CodeAuthentication, "Waffo refused the API key: check Config.APIKey"},
	"A0002": {"invalid signature", status.Failure, status.CodeAuthentication, "Waffo refused the request signature: check Config.PrivateKey and that Waffo holds its public key"},
	"A0003": {"parameter validation failed", status.Failure, status.CodeInvalidRequest, "Waffo refused a parameter: fix it and send the request under a new request id"},
	"A0004": {"permission denied", status.Failure, status.CodePermissionDenied, "check that Config.MerchantID (" + EnvMerchantID + ") is the merchant id of Config.APIKey (" + EnvAPIKey + "); if it is, ask Waffo to enable this operation"},
	"A0005": {"merchant limit exceeded", status.Failure, status.CodeLimitExceeded, "the merchant limit is exceeded: wait for it to reset or ask Waffo to raise it"},
	"A0006": {"abnormal merchant status", status.Failure, status.CodePermissionDenied, "the merchant account is not in a usable status: contact Waffo"},
	"A0007": {"unsupported currency", status.Failure, status.CodeUnsupportedCurrency, "the currency is not supported for this merchant: nothing was created, another provider may be tried"},
	"A0008": {"amount out of range", status.Failure, status.CodeLimitExceeded, "the amount is outside the transaction limits: change the amount or use another method"},
	"A0009": {"order does not exist", status.Failure, status.CodeNotFound, "Waffo has no such order: check the id; after an unknown create, resending the same create is safe"},
	"A0010": {"contract disallows the operation", status.Failure, status.CodePermissionDenied, "the merchant contract does not allow this operation: ask Waffo to enable it"},
	"A0011": {"idempotency parameter mismatch", status.Failure, status.CodeIdempotencyConflict, "this request id was already used with different parameters, so an order or refund may exist under it: inquire the original id first, and use a new id only once that one is closed"},
	"A0012": {"insufficient merchant balance", status.Failure, status.CodeInsufficientFunds, "the merchant balance is too low for this refund: top it up and refund again"},
	"A0013": {"already paid, cannot cancel", status.Failure, status.CodeInvalidState, "the order is already paid, authorized or being captured, so it cannot be cancelled or captured: inquire it; refund a paid order; an authorized one can only be captured (Waffo documents no void)"},
	"A0014": {"refund not allowed by refund rules", status.Failure, status.CodeRefundNotAllowed, "Waffo's refund rules refuse this refund: check the refundable amount and the refund window"},
	"A0015": {"channel does not support cancel", status.Failure, status.CodeNotSupported, "the payment channel does not support cancel: wait for the order to expire, or refund it once paid"},
	"A0016": {"channel rejected the cancel", status.Failure, status.CodeInvalidState, "the payment channel refused the cancel: inquire and act on the order's real status"},
	"A0017": {"channel does not support refund", status.Failure, status.CodeNotSupported, "the payment channel does not support refunds: settle with the customer another way"},
	"A0018": {"user has no available pay method", status.Failure, status.CodeDeclined, "the user has no pay method available for this order: offer another method"},
	"A0019": {"refund blocked by chargeback", status.Failure, status.CodeRefundNotAllowed, "a chargeback blocks this refund: settle it through the dispute"},
	"A0020": {"amount exceeds transaction limit", status.Failure, status.CodeLimitExceeded, "the amount exceeds the transaction limit: lower it or use another method"},
	"A0021": {"exceeds daily limit", status.Failure, status.CodeLimitExceeded, "the daily limit is exceeded: try again tomorrow or use another method"},
	"A0022": {"product name required", status.Failure, status.CodeInvalidRequest, "Waffo needs a product name: set CreateOptions.ProductName and send under a new request id"},
	"A0023": {"token expired", status.Failure, status.CodeInvalidRequest, "the payment token has expired: obtain a new one and send under a new request id"},
	"A0024": {"exchange rate expired", status.Failure, status.CodeInvalidRequest, "the exchange rate has expired: create the payment again under a new request id"},
	"C0001": {"system unavailable", status.Failure, status.CodeUnavailable, "Waffo's system is unavailable and nothing was processed: try again later or use another provider"},
	"C0005": {"channel rejection", status.Failure, status.CodeDeclined, "the payment channel rejected the payment and nothing was charged: offer another method"},
	"E0001": {"unknown status", status.Unknown, status.CodeUnknown, "Waffo does not know the outcome yet: inquire with the same request id; do not create a new order"},
}

// familyRows are the codes Waffo has not documented, by their family letter.
var familyRows = map[byte]codeRow{
	'A': {"undocumented merchant error", status.Failure, status.CodeProviderError, "Waffo refused the request with a merchant error it does not document; nothing was processed: check the raw code with Waffo"},
	'B': {"undocumented user error", status.Failure, status.CodeDeclined, "Waffo refused the payment with a user error; nothing was charged: ask the customer to check their account or use another method"},
	'C': {"undocumented system or channel error", status.Failure, status.CodeProviderError, "Waffo reported a system or channel error; nothing was processed: try again later under a new request id, or another provider"},
	'D': {"risk rejection", status.Failure, status.CodeRiskRejected, "Waffo's risk controls rejected the request: do not retry it here"},
	'E': {"unknown", status.Unknown, status.CodeUnknown, "Waffo does not know the outcome: inquire with the same request id; do not create a new order"},
}

// classify returns the outcome, normalized code and advice for a Waffo result code other than "0". A code
// outside every documented family is U: a code we cannot read is never a definite failure.
func classify(code string) codeRow {
	if row, ok := codeTable[code]; ok {
		return row
	}
	if len(code) > 1 {
		if row, ok := familyRows[code[0]]; ok {
			return row
		}
	}
	return codeRow{"", status.Unknown, status.CodeUnknown,
		fmt.Sprintf("Waffo answered code %q, which belongs to no documented family: treat it as unknown — inquire with the same request id", code)}
}

// Order statuses (orderStatus).
const (
	orderPayInProgress     = "PAY_IN_PROGRESS"
	orderAuthRequired      = "AUTHORIZATION_REQUIRED"
	orderAuthedWaitCapture = "AUTHED_WAITING_CAPTURE"
	orderCaptureInProgress = "CAPTURE_IN_PROGRESS"
	orderPaySuccess        = "PAY_SUCCESS"
	orderClose             = "ORDER_CLOSE"
)

// orderStatusTable maps Waffo's order statuses but ORDER_CLOSE, which depends on why it closed (see
// closedStatus). AUTHED_WAITING_CAPTURE is a manual-capture order the customer authorized;
// CAPTURE_IN_PROGRESS is one Waffo is capturing after /order/capture (the Java and Node SDKs list it,
// the OpenAPI document does not): its money is taken but not yet settled, so it is PENDING.
var orderStatusTable = map[string]status.Payment{
	orderPayInProgress:     status.PaymentPending,
	orderAuthRequired:      status.PaymentRequiresAction,
	orderAuthedWaitCapture: status.PaymentAuthorized,
	orderCaptureInProgress: status.PaymentPending,
	orderPaySuccess:        status.PaymentSucceeded,
}

// capturedStatuses are the order statuses whose money is taken: Payment.Captured is the order amount.
// Waffo takes a whole order at once (no partial capture, see Capabilities), so the order amount is
// exact.
var capturedStatuses = map[string]bool{orderCaptureInProgress: true, orderPaySuccess: true}

// closeReason says why an order Waffo reports as ORDER_CLOSE was closed.
type closeReason struct {
	failed    bool      // the order carries a failure reason
	expiresAt time.Time // the order's expiry, when known
	closedAt  time.Time // when it closed (orderUpdatedAt), when known
}

// paymentStatus maps an orderStatus. The second result is false for a status Waffo does not document.
// PAY_IN_PROGRESS with an action for the user is RequiresAction: the merchant must send the user on
// (CAPTURE_IN_PROGRESS, the other pending status, waits for Waffo alone).
func paymentStatus(orderStatus string, hasAction bool, why closeReason) (status.Payment, bool) {
	if orderStatus == orderClose {
		return closedStatus(why), true
	}
	st, ok := orderStatusTable[orderStatus]
	if ok && orderStatus == orderPayInProgress && hasAction {
		st = status.PaymentRequiresAction
	}
	return st, ok
}

// closedStatus tells apart the three ways an order closes: a failure (Waffo gives a reason), expiry
// (it closed at or after orderExpiredAt), or a cancel (by us, or in Waffo's dashboard): a close with
// neither reason nor expiry. It depends only on the order, never on the reader's clock,
// so a final status stays the same however late it is read.
func closedStatus(why closeReason) status.Payment {
	switch {
	case why.failed:
		return status.PaymentFailed
	case !why.expiresAt.IsZero() && !why.closedAt.IsZero() && !why.closedAt.Before(why.expiresAt):
		return status.PaymentExpired
	default:
		return status.PaymentCanceled
	}
}

// refundStatusTable maps Waffo's refund statuses. ORDER_PARTIALLY_REFUNDED and ORDER_FULLY_REFUNDED
// both mean this refund succeeded; they describe the order after it.
var refundStatusTable = map[string]status.Refund{
	"REFUND_IN_PROGRESS":       status.RefundPending,
	"ORDER_PARTIALLY_REFUNDED": status.RefundSucceeded,
	"ORDER_FULLY_REFUNDED":     status.RefundSucceeded,
	"ORDER_REFUND_FAILED":      status.RefundFailed,
}
