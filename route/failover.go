package route

import (
	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// FailoverCodes is the one table of create answers after which the router moves the payment to the
// next candidate provider, with the same PaymentRequestID. Each row is an F (the provider definitely did
// not perform the create) whose code also proves that nothing payable exists there, and that another
// provider may well accept. The value says why.
//
// Everything else stays where it is: a U never moves (it resolves on the same provider, or is
// returned); nor does an F that would fail everywhere (INVALID_REQUEST), a configuration error to fix
// (AUTHENTICATION, PERMISSION_DENIED), a refusal about the customer's money (INSUFFICIENT_FUNDS), or an
// answer saying the id already exists there (IDEMPOTENCY_CONFLICT, INVALID_STATE): moving that one
// could charge the customer twice.
var FailoverCodes = map[status.Code]string{
	status.CodeUnavailable:         "the provider was unavailable before processing (or the request never left): nothing was created",
	status.CodeRateLimited:         "the provider refused the request before processing it: nothing was created",
	status.CodeRiskRejected:        "the provider's risk controls rejected the payment before creating it",
	status.CodeDeclined:            "the provider or its channel rejected the payment and created nothing payable",
	status.CodeUnsupportedCurrency: "the provider does not take this currency",
	status.CodeNotSupported:        "the provider does not offer this payment method or operation",
	status.CodeLimitExceeded:       "the amount is outside this provider's or channel's limits",
}

// Failover reports whether a create that ended with err may move to the next provider: only an F whose
// code is in FailoverCodes.
func Failover(err error) bool {
	if err == nil || paygate.OutcomeOf(err) != status.Failure {
		return false
	}
	_, ok := FailoverCodes[paygate.CodeOf(err)]
	return ok
}
