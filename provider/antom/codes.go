package antom

import (
	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// codeRow is one of Antom's result codes: the result status Antom documents for it and the
// normalized code.
type codeRow struct {
	status string // S, F or U, as Antom documents it
	code   status.Code
}

// codeTable maps Antom's result codes to normalized codes. The outcome comes from the result status
// Antom sends, except that a code documented as U is U whatever status came with it (see classify).
var codeTable = map[string]codeRow{
	"SUCCESS":                      {"S", status.CodeOK},
	"ACCESS_DENIED":                {"F", status.CodePermissionDenied},
	"INVALID_API":                  {"F", status.CodeNotSupported},
	"CANCEL_WINDOW_EXCEED":         {"F", status.CodeCancelWindowExceeded},
	"KEY_NOT_FOUND":                {"F", status.CodeAuthentication},
	"MERCHANT_BALANCE_NOT_ENOUGH":  {"F", status.CodeInsufficientFunds},
	"NO_INTERFACE_DEF":             {"F", status.CodeNotSupported},
	"ORDER_NOT_EXIST":              {"F", status.CodeNotFound},
	"ORDER_STATUS_INVALID":         {"F", status.CodeInvalidState},
	"ORDER_IS_CLOSED":              {"F", status.CodeInvalidState},
	"PARAM_ILLEGAL":                {"F", status.CodeInvalidRequest},
	"MEDIA_TYPE_NOT_ACCEPTABLE":    {"F", status.CodeInvalidRequest},
	"PROCESS_FAIL":                 {"F", status.CodeProviderError},
	"SYSTEM_ERROR":                 {"F", status.CodeProviderError},
	"PAYMENT_METHOD_NOT_SUPPORTED": {"F", status.CodeNotSupported},
	"USER_NOT_EXIST":               {"F", status.CodeDeclined},
	"USER_STATUS_ABNORMAL":         {"F", status.CodeDeclined},
	"USER_BALANCE_NOT_ENOUGH":      {"F", status.CodeInsufficientFunds},
	"CLIENT_INVALID":               {"F", status.CodeAuthentication},
	"INVALID_SIGNATURE":            {"F", status.CodeAuthentication},
	"RISK_REJECT":                  {"F", status.CodeRiskRejected},
	"REPEAT_REQ_INCONSISTENT":      {"F", status.CodeIdempotencyConflict},
	"CURRENCY_NOT_SUPPORT":         {"F", status.CodeUnsupportedCurrency},
	"REFUND_AMOUNT_EXCEED":         {"F", status.CodeRefundNotAllowed},
	"REFUND_WINDOW_EXCEED":         {"F", status.CodeRefundNotAllowed},
	// capture's own codes. Antom's capture page names S/F/U and the common codes above; these come
	// from the capture code table of the Alipay family's capture API that Antom's capture shares
	// (captureRequestId, captureAmount, isLastCapture), see doc.go.
	"CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT": {"F", status.CodeLimitExceeded},
	"AUTH_CANCELLED":                   {"F", status.CodeInvalidState},
	"AUTH_EXPIRED":                     {"F", status.CodeInvalidState},
	"AUTH_NOT_FOUND":                   {"F", status.CodeNotFound},
	"CAPTURE_IN_PROCESS":               {"U", status.CodeInProgress},
	"REQUEST_TRAFFIC_EXCEED_LIMIT":     {"U", status.CodeRateLimited},
	"UNKNOWN_EXCEPTION":                {"U", status.CodeUnknown},
	"PAYMENT_IN_PROCESS":               {"U", status.CodeInProgress},
	"REFUND_IN_PROCESS":                {"U", status.CodeInProgress},
}

// classify returns the outcome and normalized code of a result. resultStatus decides the outcome —
// S, F or U, as Antom says — with two guards: a code Antom documents as U is U even when sent with F,
// and anything but S, F or U is U. An F code not in the table is F PROVIDER_ERROR (Antom said it
// failed; we only cannot name why), a U code not in the table U UNKNOWN.
func classify(resultCode, resultStatus string) (status.Outcome, status.Code) {
	row, known := codeTable[resultCode]
	switch {
	case resultStatus == "S":
		return status.Success, status.CodeOK
	case resultStatus == "F" && known && row.status == "U":
		return status.Unknown, row.code
	case resultStatus == "F" && known && row.code != status.CodeOK:
		return status.Failure, row.code
	case resultStatus == "F":
		return status.Failure, status.CodeProviderError
	case known && row.code != status.CodeOK:
		return status.Unknown, row.code
	}
	return status.Unknown, status.CodeUnknown
}

// paymentStatusTable maps inquiryPayment's paymentStatus to the normalized status. FAIL with
// paymentResultCode ORDER_IS_CLOSED is EXPIRED, and SUCCESS depends on the payment's captures (see
// paymentStatus and captureState).
var paymentStatusTable = map[string]status.Payment{
	"SUCCESS":    status.PaymentSucceeded,
	"FAIL":       status.PaymentFailed,
	"PROCESSING": status.PaymentRequiresAction,
	"PENDING":    status.PaymentPending,
	"CANCELLED":  status.PaymentCanceled,
}

// paymentStatus is the normalized status of an Antom paymentStatus and paymentResultCode; ok is false
// for a status Antom does not document.
func paymentStatus(antomStatus, resultCode string) (status.Payment, bool) {
	st, ok := paymentStatusTable[antomStatus]
	if ok && st == status.PaymentFailed && resultCode == "ORDER_IS_CLOSED" {
		return status.PaymentExpired, true
	}
	return st, ok
}

// captureState is the status of a SUCCESS payment given what inquiryPayment shows of its capture:
// capture is the status of its CAPTURE transactions ("SUCCESS", "PROCESSING", or "" for none that took
// or is taking money) and authorization whether the answer carries authExpiryTime (an authorization
// waiting for capture). Antom's paymentStatus SUCCESS says the customer paid — or, for a payment made
// with captureMode MANUAL, only authorized: the money is taken by the capture.
func captureState(capture string, authorization bool) status.Payment {
	switch {
	case capture == "PROCESSING":
		return status.PaymentPending // the capture is accepted and being processed: Captured counts it
	case capture == "SUCCESS":
		return status.PaymentSucceeded
	case authorization:
		return status.PaymentAuthorized
	}
	return status.PaymentSucceeded // automatic capture: paid is captured
}

// refundStatusTable maps refundStatus (inquiryRefund and notifyRefund) to the normalized status.
var refundStatusTable = map[string]status.Refund{
	"SUCCESS":    status.RefundSucceeded,
	"PROCESSING": status.RefundPending,
	"FAIL":       status.RefundFailed,
}

// codeAdvice is the advice for result codes whose cause Antom's docs name more precisely than their
// normalized code does; each agrees with the "further action" Antom documents for the code, and names
// the settings to check by their Config field and environment variable.
var codeAdvice = map[string]string{
	"ACCESS_DENIED": "Antom denied access: if Config.MerchantAccountID (" + EnvMerchantAccountID + ") is set, check that it belongs to this client id; " +
		"otherwise ask Antom Technical Support why",
	"INVALID_API": "Antom says this API is not active for this client id: ask Antom Technical Support to activate it",
	"NO_INTERFACE_DEF": "Antom has no such API at this address: check Config.BaseURL (" + EnvBaseURL + ") and, for the sandbox, " +
		"a Config.ClientID (" + EnvClientID + ") starting with SANDBOX_ or Config.Sandbox",
	"KEY_NOT_FOUND": "Antom has no key for this client id and key version: check Config.KeyVersion (" + EnvKeyVersion + ") and that the public half " +
		"of Config.PrivateKey (" + EnvPrivateKey + ") is uploaded in Antom Dashboard",
	"CLIENT_INVALID":              "Antom does not accept this client id: check Config.ClientID (" + EnvClientID + ") against Antom Dashboard",
	"INVALID_SIGNATURE":           "Antom could not verify the request's signature: check that Config.PrivateKey (" + EnvPrivateKey + ") is the key whose public half is uploaded for Config.ClientID (" + EnvClientID + "), Config.KeyVersion (" + EnvKeyVersion + ") and the machine's clock",
	"MERCHANT_BALANCE_NOT_ENOUGH": "your Antom merchant balance is too low: top it up, then send it again under a new request id",
	"USER_BALANCE_NOT_ENOUGH":     "the customer's balance is too low: ask the customer to top up or to pay with another method",
	"AUTH_CANCELLED": "the authorization was cancelled (a void, or Antom's own cancellation of an authorization not captured within 7 days): " +
		"nothing can be captured; ask the customer to pay again",
	"AUTH_EXPIRED":   "the authorization expired (Antom cancels one not captured within 7 days): nothing can be captured; ask the customer to pay again",
	"AUTH_NOT_FOUND": "Antom has no authorization for this payment (not created with CaptureManual, or not authorized yet): inquire it and check the id",
}

// cancelProcessFail is the advice for PROCESS_FAIL on cancel: Antom documents it as its answer to the
// cancel of a payment that was already refunded (TRANSACTION_TO_BE_CANCELED_ALREADY_REFUNDED), with
// only the code's general message.
const cancelProcessFail = "Antom refused the cancel with a general business failure, its answer for a payment that was already refunded " +
	"(a refunded payment cannot be cancelled): inquire the payment and its refunds; do not resend it, and contact Antom Technical Support if it was not refunded"

// adviceFor is what the merchant should do about an answer from Antom to op: the code's own advice where
// Antom documents a precise cause, else that of its normalized code. op may be empty (the code table).
func adviceFor(op paygate.Op, providerCode string, c status.Code, o status.Outcome) string {
	if o == status.Unknown {
		return advice(c, o)
	}
	if op == paygate.OpCancel && providerCode == "PROCESS_FAIL" {
		return cancelProcessFail
	}
	if a, ok := codeAdvice[providerCode]; ok {
		return a
	}
	return advice(c, o)
}

// advice is what the merchant should do about a normalized code from Antom.
func advice(c status.Code, o status.Outcome) string {
	if o == status.Unknown {
		switch c {
		case status.CodeRateLimited:
			return "Antom is rate limiting: resend the same request with the same ids after a delay"
		case status.CodeInProgress:
			return "Antom is still processing it: inquire later with the same id, or resend the identical request"
		}
		return "the result is unknown: resend the identical request with the same ids or inquire; never treat it as failed"
	}
	switch c {
	case status.CodeAuthentication:
		return "Antom refused the credentials or signature: check Config.ClientID (" + EnvClientID + "), Config.KeyVersion (" + EnvKeyVersion + "), " +
			"that Config.PrivateKey (" + EnvPrivateKey + ") is the key registered with Antom, and the machine's clock"
	case status.CodePermissionDenied:
		return "the Antom account may not do this: ask Antom to enable it"
	case status.CodeNotFound:
		return "Antom has no such payment or refund: check the id"
	case status.CodeIdempotencyConflict:
		return "this request id was already used with a different amount or currency: resend the original, or use a new request id"
	case status.CodeInvalidState:
		return "the payment's status does not allow this: inquire and act on its real status"
	case status.CodeCancelWindowExceeded:
		return "it is too late to cancel this payment: refund it instead"
	case status.CodeRefundNotAllowed:
		return "Antom refused the refund: check the refundable amount and the refund window"
	case status.CodeInvalidRequest:
		return "Antom refused the request as malformed: fix it and send it under a new request id"
	case status.CodeUnsupportedCurrency:
		return "Antom does not accept this currency for this merchant"
	case status.CodeInsufficientFunds:
		return "not enough balance: top up or ask the customer for another method"
	case status.CodeDeclined:
		return "the payment method declined: ask the customer for another method"
	case status.CodeRiskRejected:
		return "Antom's risk controls rejected it: do not retry it at Antom"
	case status.CodeNotSupported:
		return "Antom does not offer this for this merchant or payment method"
	case status.CodeLimitExceeded:
		return "the amount is over what Antom allows (for a capture: the amount authorized): send at most that, under a new request id"
	}
	return "Antom reported a failure: do not resend it; contact Antom support if it persists"
}
