package memory

import (
	"fmt"
	"net/http"

	"github.com/paygate-go/paygate/status"
)

// codeRow is what the adapter side of the memory provider makes of one of its result codes.
type codeRow struct {
	outcome status.Outcome
	advice  string // what the merchant should do, for paygate.Error.Message
}

// codeTable is the memory provider's result codes. Its codes ARE the normalized code names, so the
// mapping is the identity on codes; what the table decides is the outcome. Every catalog code except
// OK has a row. Anything not in the table (OK included, which is not an error code) is U UNKNOWN.
var codeTable = map[string]codeRow{
	// F: the provider definitely did not perform the request.
	string(status.CodeInvalidRequest):       {status.Failure, "the request was refused as malformed: fix it and send it under a new request id"},
	string(status.CodeAuthentication):       {status.Failure, "the credentials were refused: check the configuration; retrying will not help"},
	string(status.CodePermissionDenied):     {status.Failure, "the account may not do this: retrying will not help"},
	string(status.CodeNotFound):             {status.Failure, "no such payment or refund: check the id; after an unknown create, resending the same create is safe"},
	string(status.CodeIdempotencyConflict):  {status.Failure, "this request id was already used with different parameters: resend the original request, or use a new request id"},
	string(status.CodeInvalidState):         {status.Failure, "the payment's status does not allow this: inquire and act on its real status"},
	string(status.CodeCancelWindowExceeded): {status.Failure, "too late to cancel: refund it instead"},
	string(status.CodeRefundNotAllowed):     {status.Failure, "the refund was refused: check the refundable amount"},
	string(status.CodeNotSupported):         {status.Failure, "the operation is not offered: use another operation or provider"},
	string(status.CodeUnsupportedCurrency):  {status.Failure, "the currency is not accepted: nothing was created, another provider may be tried"},
	string(status.CodeLimitExceeded):        {status.Failure, "the amount or count is over a limit: lower it or wait"},
	string(status.CodeInsufficientFunds):    {status.Failure, "not enough funds: ask the customer for another method"},
	string(status.CodeDeclined):             {status.Failure, "the payment was declined and nothing was charged: ask the customer for another method"},
	string(status.CodeRiskRejected):         {status.Failure, "risk controls rejected the request: do not retry it here"},
	// U: it may or may not have happened.
	string(status.CodeProviderError): {status.Unknown, "the provider reported an internal error: inquire or resend with the same ids"},
	string(status.CodeRateLimited):   {status.Unknown, "too many requests: resend with the same ids after a delay"},
	string(status.CodeUnavailable):   {status.Unknown, "the provider is unavailable: resend with the same ids or inquire"},
	string(status.CodeTimeout):       {status.Unknown, "no answer in time: inquire or resend with the same ids"},
	string(status.CodeInProgress):    {status.Unknown, "still processing: inquire later with the same id"},
	string(status.CodeUnknown):       {status.Unknown, "the result is unknown: inquire or resend with the same ids"},
}

// classify returns the outcome, normalized code and advice for a memory provider code. Unknown codes,
// and OK (which is no error code), are U UNKNOWN: a code we cannot read is never a definite failure.
func classify(providerCode string) (status.Outcome, status.Code, string) {
	if row, ok := codeTable[providerCode]; ok {
		return row.outcome, status.Code(providerCode), row.advice
	}
	return status.Unknown, status.CodeUnknown,
		fmt.Sprintf("the provider answered code %q, which is not in its code table: treat it as unknown — inquire or resend with the same ids", providerCode)
}

// classifyHTTPStatus maps an HTTP error reply (the ReplyStatus fault) to a normalized code. Every one is
// U: the request was not processed, but a client cannot know that from an HTTP status. 429 is
// RATE_LIMITED, 5xx UNAVAILABLE, and any other status UNKNOWN.
func classifyHTTPStatus(code int) status.Code {
	switch {
	case code == http.StatusTooManyRequests:
		return status.CodeRateLimited
	case code >= 500 && code <= 599:
		return status.CodeUnavailable
	}
	return status.CodeUnknown
}
