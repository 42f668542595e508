package status

// Code is a normalized result code. It says what happened; the Outcome says whether it definitely did
// not happen (F) or might have (U). Provider-specific codes stay available on paygate.Error.
type Code string

const (
	// CodeOK: the call succeeded. Nothing to do.
	CodeOK Code = "OK"
	// CodeInvalidRequest: the request is malformed (rejected by paygate before sending, or by the
	// provider). Fix the named field and send the corrected request under a new request id.
	CodeInvalidRequest Code = "INVALID_REQUEST"
	// CodeAuthentication: the provider rejected our credentials or signature. Check the API key,
	// merchant id, key pair and the machine's clock; retrying will not help.
	CodeAuthentication Code = "AUTHENTICATION"
	// CodePermissionDenied: the account may not do this (contract, merchant status, suspended account).
	// Ask the provider to enable it; retrying will not help.
	CodePermissionDenied Code = "PERMISSION_DENIED"
	// CodeNotFound: the provider has no such payment or refund. After an unknown (U) create it means the
	// create did not land: resending the same create with the same request id is safe.
	CodeNotFound Code = "NOT_FOUND"
	// CodeIdempotencyConflict: this request id was already used with different parameters. Resend the
	// original parameters, or use a new request id for a genuinely new request.
	CodeIdempotencyConflict Code = "IDEMPOTENCY_CONFLICT"
	// CodeInvalidState: the payment's current status does not allow this operation (cancel after it was
	// paid, refund before it was paid). Inquire, then act on the real status (refund instead of cancel).
	CodeInvalidState Code = "INVALID_STATE"
	// CodeCancelWindowExceeded: it is too late to cancel this payment. Refund it instead.
	CodeCancelWindowExceeded Code = "CANCEL_WINDOW_EXCEEDED"
	// CodeRefundNotAllowed: the provider's refund rules refuse this refund (over the refundable amount,
	// chargeback, channel rules). Check the refundable amount; otherwise settle with the customer offline.
	CodeRefundNotAllowed Code = "REFUND_NOT_ALLOWED"
	// CodeNotSupported: the provider, channel or adapter does not offer this operation. Use another
	// operation or provider; retrying will not help.
	CodeNotSupported Code = "NOT_SUPPORTED"
	// CodeUnsupportedCurrency: the provider or contract does not accept this currency. Nothing was
	// created, so another provider may be tried with the same request.
	CodeUnsupportedCurrency Code = "UNSUPPORTED_CURRENCY"
	// CodeLimitExceeded: the amount or count is outside a transaction, daily or merchant limit. Lower the
	// amount, wait for the limit to reset, or use another provider.
	CodeLimitExceeded Code = "LIMIT_EXCEEDED"
	// CodeInsufficientFunds: not enough balance (the customer's for a payment, the merchant's for a
	// refund). Ask the customer for another method, or top up the merchant balance and refund again.
	CodeInsufficientFunds Code = "INSUFFICIENT_FUNDS"
	// CodeDeclined: the payer's method, issuer or channel declined the payment. Ask the customer to use
	// another method; with outcome F, nothing was charged.
	CodeDeclined Code = "DECLINED"
	// CodeRiskRejected: the provider's risk controls rejected the request. Do not retry the same payment
	// at the same provider; whether another provider may be tried is the merchant's policy.
	CodeRiskRejected Code = "RISK_REJECTED"
	// CodeProviderError: the provider reported an internal or general error. With F it did not process the
	// request (contact the provider if it persists); with U treat it as unknown and inquire.
	CodeProviderError Code = "PROVIDER_ERROR"
	// CodeRateLimited: too many requests. Resend the same request with the same ids after a delay.
	CodeRateLimited Code = "RATE_LIMITED"
	// CodeUnavailable: the provider or channel is unavailable. With F nothing was processed and another
	// provider may be tried; with U resend the same request or inquire.
	CodeUnavailable Code = "UNAVAILABLE"
	// CodeTimeout: no answer arrived in time; the request may have been processed. Inquire or resend with
	// the same ids; never create a new payment for it.
	CodeTimeout Code = "TIMEOUT"
	// CodeInProgress: the provider is still processing. Inquire later with the same id, or wait for the
	// webhook.
	CodeInProgress Code = "IN_PROGRESS"
	// CodeUnknown: the result cannot be classified. Treat it as outcome U: never assume failure; resend
	// with the same ids or inquire.
	CodeUnknown Code = "UNKNOWN"
)

// Codes returns every Code, in catalog order.
func Codes() []Code {
	return []Code{
		CodeOK, CodeInvalidRequest, CodeAuthentication, CodePermissionDenied, CodeNotFound,
		CodeIdempotencyConflict, CodeInvalidState, CodeCancelWindowExceeded, CodeRefundNotAllowed,
		CodeNotSupported, CodeUnsupportedCurrency, CodeLimitExceeded, CodeInsufficientFunds, CodeDeclined,
		CodeRiskRejected, CodeProviderError, CodeRateLimited, CodeUnavailable, CodeTimeout, CodeInProgress,
		CodeUnknown,
	}
}

// Valid reports whether c is one of the catalog's codes.
func (c Code) Valid() bool {
	switch c {
	case CodeOK, CodeInvalidRequest, CodeAuthentication, CodePermissionDenied, CodeNotFound,
		CodeIdempotencyConflict, CodeInvalidState, CodeCancelWindowExceeded, CodeRefundNotAllowed,
		CodeNotSupported, CodeUnsupportedCurrency, CodeLimitExceeded, CodeInsufficientFunds, CodeDeclined,
		CodeRiskRejected, CodeProviderError, CodeRateLimited, CodeUnavailable, CodeTimeout, CodeInProgress,
		CodeUnknown:
		return true
	}
	return false
}
