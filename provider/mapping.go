package provider

import "github.com/paygate-go/paygate/status"

// CodeMapping is one row of an adapter's result-code table, as the adapter's CodeTable returns it: which
// provider answer it matches and the outcome and normalized code the adapter makes of it. The rows are
// read from the same tables the adapter classifies with, so they are what it does, not a copy. The
// README's per-provider code tables are generated from them (go generate).
type CodeMapping struct {
	// HTTPStatus is the HTTP status the row matches, or 0 when the row does not depend on it.
	HTTPStatus int
	// ProviderCode is the provider's result code. A pattern ending in "*" ("A*") matches the codes with
	// that prefix that no other row lists; "*" alone matches any code that no other row matches (Condition
	// then says which).
	ProviderCode string
	// Condition says in words what else the row needs ("resultStatus F"), or which codes a pattern
	// covers; "" when ProviderCode and HTTPStatus say it all.
	Condition string
	// Outcome is the call's outcome: S, F or U.
	Outcome status.Outcome
	// Code is the normalized code.
	Code status.Code
	// Meaning is what the provider says the code means, when its name does not ("" otherwise).
	Meaning string
	// Advice is what the merchant should do, as paygate.Error.Message says it ("" for a success).
	Advice string
}

// PaymentStatusMapping is one row of an adapter's payment-status table, as the adapter's
// PaymentStatusTable returns it: a provider's payment status, and the condition if the status alone
// does not decide, mapped to a normalized status. A status in no row is outcome U: adapters do not guess.
type PaymentStatusMapping struct {
	// ProviderStatus is the status as the provider writes it.
	ProviderStatus string
	// Condition is what else decides the row, in words ("" when the status alone does).
	Condition string
	// Status is the normalized payment status.
	Status status.Payment
}

// RefundStatusMapping is one row of an adapter's refund-status table, as the adapter's RefundStatusTable
// returns it. A status in no row is outcome U.
type RefundStatusMapping struct {
	// ProviderStatus is the refund status as the provider writes it.
	ProviderStatus string
	// Status is the normalized refund status.
	Status status.Refund
}
