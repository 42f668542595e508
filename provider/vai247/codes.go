package vai247

import (
	"fmt"
	"net/http"

	"github.com/paygate-go/paygate/status"
)

// errKey is one row's key in the error table: an HTTP status and the envelope's error.code ("" for
// any code at that status).
type errKey struct {
	status int
	code   string
}

// errRow is what the adapter makes of an error answer.
type errRow struct {
	outcome status.Outcome
	code    status.Code
	advice  string // what to do, for paygate.Error.Message
}

// errorTable is the one mapping of VAI247 error answers: HTTP status × error code → outcome and
// normalized code. Rows with a code refine their status's row. Statuses not in the table: any other
// 5xx is U UNAVAILABLE, anything else U UNKNOWN (see classify). The code names are the simulator's
// (DECISION: the docs name only insufficient_funds); unknown codes fall back to their status's row.
var errorTable = map[errKey]errRow{
	{400, ""}:                       {status.Failure, status.CodeInvalidRequest, "VAI247 refused the request as malformed: fix it and send it under a new request id"},
	{400, "unsupported_currency"}:   {status.Failure, status.CodeUnsupportedCurrency, "VAI247 does not accept this currency: nothing was created, another provider may be tried"},
	{401, ""}:                       {status.Failure, status.CodeAuthentication, "VAI247 refused the credentials: check AppID, APIKey, APISecret and this machine's clock (±5 minutes)"},
	{403, ""}:                       {status.Failure, status.CodePermissionDenied, "VAI247 does not allow this account to do this (suspended?): contact VAI247 support"},
	{404, ""}:                       {status.Failure, status.CodeNotFound, "VAI247 has no such order: check the order id"},
	{409, ""}:                       {status.Failure, status.CodeInvalidState, "the order's status does not allow this: inquire and act on its real status (refund a paid order instead of cancelling it)"},
	{409, "idempotency_conflict"}:   {status.Failure, status.CodeIdempotencyConflict, "this refund request id was already used with other parameters: resend the original refund, or use a new refund request id"},
	{422, ""}:                       {status.Failure, status.CodeInvalidRequest, "VAI247's business rules refused the request: fix it and send it under a new request id"},
	{422, "refund_amount_exceeded"}: {status.Failure, status.CodeRefundNotAllowed, "the refund is more than is left to refund: check the refundable amount"},
	{422, "insufficient_funds"}:     {status.Failure, status.CodeInsufficientFunds, "the merchant balance is too low: top it up and refund again under a new refund request id"},
	{429, ""}:                       {status.Unknown, status.CodeRateLimited, "too many requests: resend with the same ids after a delay"},
	{500, ""}:                       {status.Unknown, status.CodeProviderError, "VAI247 reported an internal error: the request may have been processed; inquire or resend with the same ids"},
	{503, ""}:                       {status.Unknown, status.CodeUnavailable, "VAI247 is unavailable: the request may have been processed; inquire or resend with the same ids"},
}

// classify maps an error answer's HTTP status and error code.
func classify(httpStatus int, code string) errRow {
	if row, ok := errorTable[errKey{httpStatus, code}]; ok {
		return row
	}
	if row, ok := errorTable[errKey{httpStatus, ""}]; ok {
		return row
	}
	if httpStatus >= 500 && httpStatus <= 599 {
		return errRow{status.Unknown, status.CodeUnavailable, fmt.Sprintf("VAI247 answered HTTP %d: the request may have been processed; inquire or resend with the same ids", httpStatus)}
	}
	return errRow{status.Unknown, status.CodeUnknown, fmt.Sprintf("VAI247 answered HTTP %d (%s), which the adapter cannot classify: treat it as unknown — inquire or resend with the same ids", httpStatus, http.StatusText(httpStatus))}
}

// orderState is what one VAI247 order status means.
type orderState struct {
	status status.Payment
	// refunded: the payment succeeded and all (refunded) or part (partially_refunded) was returned.
	refunded string
}

// orderStates maps the nine VAI247 order statuses. DECISION: `failed` is Pending, not Failed — at
// VAI247 a failed order goes back to processing when the customer tries again, so it is not final
// and may still be paid; it ends as cancelled (or paid). Anything else is U: a status we cannot read
// is never guessed.
var orderStates = map[string]orderState{
	"pending":            {status: status.PaymentRequiresAction},
	"processing":         {status: status.PaymentPending},
	"paid":               {status: status.PaymentSucceeded},
	"completed":          {status: status.PaymentSucceeded},
	"failed":             {status: status.PaymentPending},
	"cancelled":          {status: status.PaymentCanceled},
	"expired":            {status: status.PaymentExpired},
	"refunded":           {status: status.PaymentSucceeded, refunded: "all"},
	"partially_refunded": {status: status.PaymentSucceeded, refunded: "part"},
}

// refundStates maps refund statuses. DECISION: the docs show none; "completed" (the webhook's
// refund.completed) is Succeeded, "pending" and "processing" Pending, "failed" Failed.
var refundStates = map[string]status.Refund{
	"completed":  status.RefundSucceeded,
	"pending":    status.RefundPending,
	"processing": status.RefundPending,
	"failed":     status.RefundFailed,
}
