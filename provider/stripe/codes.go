package stripe

import (
	"fmt"
	"net/http"

	"github.com/paygate-go/paygate/status"
)

// errKey is one row's key in the error table: the HTTP status, the error's type and its code ("" for
// any type or code no other row of that status lists).
type errKey struct {
	status    int
	typ, code string
}

// errRow is what the adapter makes of an error answer.
type errRow struct {
	outcome status.Outcome
	code    status.Code
	advice  string // what to do, for paygate.Error.Message
}

const (
	adviceInvalid  = "Stripe refused the request's parameters (see ProviderMessage and the error's param); nothing was done: fix the request and send it under a new request id"
	adviceDeclined = "the customer's bank declined the payment; no money moved: ask the customer for another payment method, under a new request id"
	adviceServer   = "Stripe reported an error on its side: the request may have been processed; resend with the same ids (the Idempotency-Key makes it safe) or inquire"
	// A 500 from a request that started executing is saved under its Idempotency-Key and replayed
	// (docs.stripe.com/api/idempotent_requests), so resending cannot tell what happened.
	adviceSaved500  = "Stripe reported an error on its side: the request may have been processed, and Stripe replays this answer to a resend with the same Idempotency-Key for 24 h: inquire the payment (or wait for its webhook) to learn what happened; if it did not happen, send it again under a new request id"
	adviceReadState = "the PaymentIntent's status does not allow this: inquire and act on its real status (capture only requires_capture; refund a succeeded payment instead of canceling it)"
)

// errorTable maps Stripe's error answers: HTTP status × error type × error code → outcome, normalized
// code and advice. Codes are Stripe's (stripe-go error.go, docs.stripe.com/error-codes); lookup goes
// from the most specific row to the status's row (see classify). 402 card errors are refined by
// decline_code first (declineTable).
var errorTable = map[errKey]errRow{
	{400, "", ""}:                                                          {status.Failure, status.CodeInvalidRequest, adviceInvalid},
	{400, "invalid_request_error", ""}:                                     {status.Failure, status.CodeInvalidRequest, adviceInvalid},
	{400, "invalid_request_error", "parameter_missing"}:                    {status.Failure, status.CodeInvalidRequest, "a required parameter is missing (see the error's param); nothing was done: fix the request and send it under a new request id"},
	{400, "invalid_request_error", "parameter_unknown"}:                    {status.Failure, status.CodeInvalidRequest, "Stripe does not know a parameter the adapter sent (an API version mismatch?); nothing was done: check Config.APIVersion"},
	{400, "invalid_request_error", "parameter_invalid_empty"}:              {status.Failure, status.CodeInvalidRequest, adviceInvalid},
	{400, "invalid_request_error", "parameter_invalid_integer"}:            {status.Failure, status.CodeInvalidRequest, adviceInvalid},
	{400, "invalid_request_error", "parameter_invalid_string_blank"}:       {status.Failure, status.CodeInvalidRequest, adviceInvalid},
	{400, "invalid_request_error", "parameter_invalid_string_empty"}:       {status.Failure, status.CodeInvalidRequest, adviceInvalid},
	{400, "invalid_request_error", "parameters_exclusive"}:                 {status.Failure, status.CodeInvalidRequest, adviceInvalid},
	{400, "invalid_request_error", "amount_too_small"}:                     {status.Failure, status.CodeInvalidRequest, "the amount is below Stripe's minimum charge for the currency (about 0.50 USD); nothing was done: charge more, under a new request id"},
	{400, "invalid_request_error", "amount_too_large"}:                     {status.Failure, status.CodeLimitExceeded, "the amount is over what Stripe allows here (the maximum charge, the capturable or the refundable amount); nothing was done: send a smaller amount"},
	{400, "invalid_request_error", "invalid_charge_amount"}:                {status.Failure, status.CodeInvalidRequest, "Stripe refused the amount for this currency; nothing was done: fix the amount"},
	{400, "invalid_request_error", "payment_intent_unexpected_state"}:      {status.Failure, status.CodeInvalidState, adviceReadState},
	{400, "invalid_request_error", "charge_already_captured"}:              {status.Failure, status.CodeInvalidState, "the payment was already captured; nothing more was taken: inquire it"},
	{400, "invalid_request_error", "charge_expired_for_capture"}:           {status.Failure, status.CodeInvalidState, "the authorization expired before the capture (Stripe holds card authorizations about 7 days); nothing was taken: create a new payment"},
	{400, "invalid_request_error", "capture_charge_authorization_expired"}: {status.Failure, status.CodeInvalidState, "the authorization expired before the capture; nothing was taken: create a new payment"},
	{400, "invalid_request_error", "charge_already_refunded"}:              {status.Failure, status.CodeRefundNotAllowed, "the payment is already fully refunded; nothing more was refunded: inquire it"},
	{400, "invalid_request_error", "charge_disputed"}:                      {status.Failure, status.CodeRefundNotAllowed, "the payment is disputed, so Stripe does not refund it; nothing was refunded: answer the dispute in the dashboard"},
	{400, "invalid_request_error", "refund_disputed_payment"}:              {status.Failure, status.CodeRefundNotAllowed, "the payment is disputed, so Stripe does not refund it; nothing was refunded: answer the dispute in the dashboard"},
	{400, "invalid_request_error", "charge_not_refundable"}:                {status.Failure, status.CodeRefundNotAllowed, "Stripe cannot refund this payment (see ProviderMessage); nothing was refunded"},
	{400, "invalid_request_error", "payment_method_currency_mismatch"}:     {status.Failure, status.CodeUnsupportedCurrency, "the payment method does not take this currency; nothing was charged: use another method or currency"},
	{400, "invalid_request_error", "payment_method_unsupported_type"}:      {status.Failure, status.CodeNotSupported, "the payment method is not enabled for this account or currency; nothing was charged: enable it in the dashboard or use another"},
	{400, "invalid_request_error", "resource_missing"}:                     {status.Failure, status.CodeNotFound, "Stripe has no such object (a payment method or intent id in the request); nothing was done: check the ids and the account (test or live)"},
	{400, "idempotency_error", ""}:                                         {status.Failure, status.CodeIdempotencyConflict, "this request id was already used with other parameters (Stripe keeps the first for 24 h); nothing was done: resend the original request, or use a new request id"},
	{401, "", ""}:                                                          {status.Failure, status.CodeAuthentication, "Stripe refused the secret key: check Config.SecretKey (sk_live_… or sk_test_…) and that it was not rolled"},
	{402, "", ""}:                                                          {status.Failure, status.CodeDeclined, adviceDeclined},
	{402, "card_error", ""}:                                                {status.Failure, status.CodeDeclined, adviceDeclined},
	{402, "card_error", "expired_card"}:                                    {status.Failure, status.CodeDeclined, "the card has expired; no money moved: ask the customer for another card"},
	{402, "card_error", "incorrect_cvc"}:                                   {status.Failure, status.CodeDeclined, "the card's security code is wrong; no money moved: ask the customer to enter the card again"},
	{402, "card_error", "processing_error"}:                                {status.Failure, status.CodeDeclined, "an error occurred while processing the card; no money moved: the customer may try again, under a new request id"},
	{402, "card_error", "payment_intent_authentication_failure"}:           {status.Failure, status.CodeDeclined, "the customer did not complete authentication (3-D Secure); no money moved: ask them to try again"},
	{403, "", ""}: {status.Failure, status.CodePermissionDenied, "the key is not allowed to do this (a restricted key, or the account cannot use this feature): check the key's permissions in the dashboard"},
	{404, "", ""}: {status.Failure, status.CodeNotFound, "Stripe has no such object: check the id and that the key is for the same account and mode (test or live)"},
	{404, "invalid_request_error", "resource_missing"}: {status.Failure, status.CodeNotFound, "Stripe has no such object: check the id and that the key is for the same account and mode (test or live)"},
	{409, "", ""}: {status.Unknown, status.CodeInProgress, "another request with the same Idempotency-Key is still being processed: resend with the same ids after a moment"},
	{409, "idempotency_error", "idempotency_key_in_use"}: {status.Unknown, status.CodeInProgress, "another request with the same Idempotency-Key is still being processed: resend with the same ids after a moment"},
	{429, "", ""}: {status.Unknown, status.CodeRateLimited, "Stripe is rate-limiting this account: resend with the same ids after a delay (Retry-After)"},
	{500, "", ""}: {status.Unknown, status.CodeProviderError, adviceSaved500},
	{502, "", ""}: {status.Unknown, status.CodeUnavailable, adviceServer},
	{503, "", ""}: {status.Unknown, status.CodeUnavailable, adviceServer},
	{504, "", ""}: {status.Unknown, status.CodeUnavailable, adviceServer},
}

// declineTable refines a 402 card_error by its decline_code (docs.stripe.com/declines/codes). Stripe
// advises for fraudulent, lost_card, stolen_card, pickup_card and merchant_blacklist that the
// customer be told only "generic decline": they are RISK_REJECTED here, and the advice says so.
var declineTable = map[string]errRow{
	"insufficient_funds":              {status.Failure, status.CodeInsufficientFunds, "the card has insufficient funds; no money moved: ask the customer for another payment method"},
	"card_velocity_exceeded":          {status.Failure, status.CodeLimitExceeded, "the customer exceeded the card's balance or credit limit; no money moved: ask for another payment method"},
	"withdrawal_count_limit_exceeded": {status.Failure, status.CodeLimitExceeded, "the customer exceeded the card's limit; no money moved: ask for another payment method"},
	"fraudulent":                      {status.Failure, status.CodeRiskRejected, "the payment was declined as suspected fraud; no money moved: tell the customer only that it was declined (Stripe's advice), do not retry it"},
	"lost_card":                       {status.Failure, status.CodeRiskRejected, "the card is reported lost; no money moved: tell the customer only that it was declined, do not retry it"},
	"stolen_card":                     {status.Failure, status.CodeRiskRejected, "the card is reported stolen; no money moved: tell the customer only that it was declined, do not retry it"},
	"pickup_card":                     {status.Failure, status.CodeRiskRejected, "the card cannot be used (possibly lost or stolen); no money moved: tell the customer only that it was declined"},
	"merchant_blacklist":              {status.Failure, status.CodeRiskRejected, "the payment matches a block list; no money moved: tell the customer only that it was declined"},
	"security_violation":              {status.Failure, status.CodeRiskRejected, "the issuer declined for security reasons; no money moved: ask the customer to contact their bank"},
	"currency_not_supported":          {status.Failure, status.CodeUnsupportedCurrency, "the card does not support this currency; no money moved: ask for another payment method"},
	"generic_decline":                 {status.Failure, status.CodeDeclined, adviceDeclined},
	"do_not_honor":                    {status.Failure, status.CodeDeclined, adviceDeclined},
	"expired_card":                    {status.Failure, status.CodeDeclined, "the card has expired; no money moved: ask the customer for another card"},
	"incorrect_cvc":                   {status.Failure, status.CodeDeclined, "the card's security code is wrong; no money moved: ask the customer to enter the card again"},
	"try_again_later":                 {status.Failure, status.CodeDeclined, "the issuer asks to try again later; no money moved: the customer may try again, under a new request id"},
}

// classify maps an error answer: a 402 by decline_code first; then HTTP status × type × code, then
// status × type, then the status alone. Any other 5xx is U UNAVAILABLE, anything else U UNKNOWN.
func classify(httpStatus int, typ, code, declineCode string) errRow {
	if httpStatus == http.StatusPaymentRequired && declineCode != "" {
		if row, ok := declineTable[declineCode]; ok {
			return row
		}
	}
	for _, k := range []errKey{{httpStatus, typ, code}, {httpStatus, typ, ""}, {httpStatus, "", ""}} {
		if row, ok := errorTable[k]; ok {
			return row
		}
	}
	if httpStatus >= 500 && httpStatus <= 599 {
		return errRow{status.Unknown, status.CodeUnavailable, fmt.Sprintf("Stripe answered HTTP %d: the request may have been processed; resend with the same ids or inquire", httpStatus)}
	}
	return errRow{status.Unknown, status.CodeUnknown, fmt.Sprintf("Stripe answered HTTP %d (%s), which the adapter cannot classify: treat it as unknown — inquire or resend with the same ids", httpStatus, http.StatusText(httpStatus))}
}

// The PaymentIntent statuses (docs.stripe.com/payments/paymentintents/lifecycle). Stripe has no
// failed intent: a declined confirmation returns it to requires_payment_method, where the customer
// may try another method. canceled with cancellation_reason expired is EXPIRED (see intentStatus).
var paymentStates = map[string]status.Payment{
	"requires_payment_method": status.PaymentRequiresAction,
	"requires_confirmation":   status.PaymentRequiresAction,
	"requires_action":         status.PaymentRequiresAction,
	"processing":              status.PaymentPending,
	"requires_capture":        status.PaymentAuthorized,
	"succeeded":               status.PaymentSucceeded,
	"canceled":                status.PaymentCanceled,
}

// expiredReason is the cancellation_reason of an intent Stripe canceled because its authorization
// (or the payment attempt) expired.
const expiredReason = "expired"

// intentStatus maps a PaymentIntent's status (and cancellation_reason); ok is false for a status in
// no row, which the caller reports U: a status is never guessed.
func intentStatus(st, cancellationReason string) (status.Payment, bool) {
	s, ok := paymentStates[st]
	if ok && s == status.PaymentCanceled && cancellationReason == expiredReason {
		return status.PaymentExpired, true
	}
	return s, ok
}

// refundStates maps Refund statuses. requires_action (a refund waiting for the customer's bank
// details) is PENDING; canceled (a refund canceled before it went out) is FAILED: no money returned.
var refundStates = map[string]status.Refund{
	"pending":         status.RefundPending,
	"requires_action": status.RefundPending,
	"succeeded":       status.RefundSucceeded,
	"failed":          status.RefundFailed,
	"canceled":        status.RefundFailed,
}
