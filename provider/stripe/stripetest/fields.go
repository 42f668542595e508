package stripetest

import "net/http"

// Field is one member of a Stripe message, with where its name comes from.
type Field struct {
	Name   string
	Source string // "spec3.json …", "docs …", "stripe-go …", or "DECISION: …" for the simulator's own choice
}

// The sources. spec3.json is Stripe's OpenAPI spec for API 2026-08-26.dahlia as embedded in stripe-mock
// v0.203.0 (embedded/openapi/spec3.json); stripe-go is github.com/stripe/stripe-go (API 2026-07-29).
const (
	srcPI        = "spec3.json components.schemas.payment_intent"
	srcCharge    = "spec3.json components.schemas.charge (its required properties, plus payment_intent)"
	srcRefund    = "spec3.json components.schemas.refund"
	srcEvent     = "spec3.json components.schemas.event"
	srcEventData = "spec3.json components.schemas.notification_event_data"
	srcEventReq  = "spec3.json components.schemas.notification_event_request"
	srcSearch    = "spec3.json paths./v1/payment_intents/search.get responses.200 (search_result)"
	srcList      = "spec3.json paths./v1/refunds.get responses.200 (list)"
	srcErr       = "spec3.json components.schemas.error and api_errors"
	srcRedirect  = "spec3.json components.schemas.payment_intent_next_action_redirect_to_url"
	srcAlipay    = "spec3.json components.schemas.payment_intent_next_action_alipay_handle_redirect (url and return_url: a documented subset)"
	srcWechat    = "spec3.json components.schemas.payment_intent_next_action_wechat_pay_display_qr_code (all required members)"
	srcNext      = "spec3.json components.schemas.payment_intent_next_action"
	srcCreate    = "spec3.json paths./v1/payment_intents.post requestBody"
	srcCancel    = "spec3.json paths./v1/payment_intents/{intent}/cancel.post requestBody"
	srcCapture   = "spec3.json paths./v1/payment_intents/{intent}/capture.post requestBody"
	srcRefundReq = "spec3.json paths./v1/refunds.post requestBody"
	srcRetrieve  = "spec3.json paths./v1/payment_intents/{intent}.get parameters"
	srcSearchQ   = "spec3.json paths./v1/payment_intents/search.get parameters"
	srcRefundsQ  = "spec3.json paths./v1/refunds.get parameters"
	srcRefundQ   = "spec3.json paths./v1/refunds/{refund}.get parameters"
)

// Params lists, per request, every top-level parameter Stripe's spec accepts there: the simulator
// answers 400 parameter_unknown to any other one, as Stripe and stripe-mock do. It reads only some of
// them (Fields); the rest it accepts and ignores, as a subset of Stripe's behaviour.
var Params = map[string][]string{
	"create request": {"allowed_payment_method_types", "amount", "amount_details", "application_fee_amount", "automatic_payment_methods",
		"capture_method", "confirm", "confirmation_method", "confirmation_token", "currency", "customer", "customer_account", "description",
		"error_on_requires_action", "excluded_payment_method_types", "expand", "hooks", "mandate", "mandate_data", "metadata", "off_session",
		"on_behalf_of", "payment_details", "payment_method", "payment_method_configuration", "payment_method_data", "payment_method_options",
		"payment_method_types", "radar_options", "receipt_email", "return_url", "setup_future_usage", "shipping", "statement_descriptor",
		"statement_descriptor_suffix", "transfer_data", "transfer_group", "use_stripe_sdk"},
	"retrieve query": {"client_secret", "expand"},
	"cancel request": {"cancellation_reason", "expand"},
	"capture request": {"amount_details", "amount_to_capture", "application_fee_amount", "expand", "final_capture", "hooks", "metadata",
		"payment_details", "statement_descriptor", "statement_descriptor_suffix", "transfer_data"},
	"search query": {"expand", "limit", "page", "query"},
	"refund request": {"amount", "charge", "currency", "customer", "expand", "instructions_email", "metadata", "origin", "payment_intent",
		"reason", "refund_application_fee", "reverse_transfer"},
	"refund list query":     {"charge", "created", "ending_before", "expand", "limit", "payment_intent", "starting_after"},
	"refund retrieve query": {"expand"},
}

// Fields lists, per message, every member the simulator reads (requests) or writes (replies, events)
// and its source. A test pins every reply and event the simulator sends to this table; objects are a
// documented subset of Stripe's (Stripe sends many more members, mostly null for these flows).
var Fields = map[string][]Field{
	"create request": {{"amount", srcCreate}, {"currency", srcCreate}, {"capture_method", srcCreate}, {"confirm", srcCreate},
		{"payment_method", srcCreate}, {"payment_method_data", srcCreate + " (only [type] is read)"}, {"payment_method_types", srcCreate},
		{"return_url", srcCreate}, {"metadata", srcCreate}, {"description", srcCreate}, {"expand", srcCreate}},
	"retrieve query":        {{"expand", srcRetrieve}},
	"cancel request":        {{"cancellation_reason", srcCancel}, {"expand", srcCancel}},
	"capture request":       {{"amount_to_capture", srcCapture}, {"metadata", srcCapture}, {"expand", srcCapture}},
	"search query":          {{"query", srcSearchQ}, {"limit", srcSearchQ}, {"page", srcSearchQ}, {"expand", srcSearchQ}},
	"refund request":        {{"payment_intent", srcRefundReq}, {"amount", srcRefundReq}, {"reason", srcRefundReq}, {"metadata", srcRefundReq}},
	"refund list query":     {{"payment_intent", srcRefundsQ}, {"limit", srcRefundsQ}, {"starting_after", srcRefundsQ}},
	"refund retrieve query": {},

	"payment_intent": {{"id", srcPI}, {"object", srcPI}, {"amount", srcPI}, {"amount_capturable", srcPI}, {"amount_received", srcPI},
		{"capture_method", srcPI}, {"client_secret", srcPI + ` (and stripe-go PaymentIntent.ClientSecret: "<id>_secret_<random>", returned to the secret key)`}, {"cancellation_reason", srcPI}, {"canceled_at", srcPI}, {"created", srcPI}, {"currency", srcPI},
		{"description", srcPI}, {"last_payment_error", srcPI}, {"latest_charge", srcPI}, {"livemode", srcPI}, {"metadata", srcPI},
		{"next_action", srcPI}, {"payment_method", srcPI}, {"payment_method_types", srcPI}, {"status", srcPI}},
	"charge": {{"id", srcCharge}, {"object", srcCharge}, {"amount", srcCharge}, {"amount_captured", srcCharge}, {"amount_refunded", srcCharge},
		{"billing_details", srcCharge}, {"captured", srcCharge}, {"created", srcCharge}, {"currency", srcCharge}, {"disputed", srcCharge},
		{"livemode", srcCharge}, {"metadata", srcCharge}, {"paid", srcCharge}, {"payment_intent", srcCharge}, {"refunded", srcCharge},
		{"status", srcCharge}},
	"refund": {{"id", srcRefund}, {"object", srcRefund}, {"amount", srcRefund}, {"charge", srcRefund}, {"created", srcRefund},
		{"currency", srcRefund}, {"failure_reason", srcRefund}, {"metadata", srcRefund}, {"payment_intent", srcRefund}, {"reason", srcRefund},
		{"status", srcRefund}},
	"search_result": {{"object", srcSearch}, {"data", srcSearch}, {"has_more", srcSearch}, {"next_page", srcSearch}, {"url", srcSearch}},
	"list":          {{"object", srcList}, {"data", srcList}, {"has_more", srcList}, {"url", srcList}},
	"error reply":   {{"error", srcErr}},
	"error object": {{"type", srcErr}, {"code", srcErr}, {"decline_code", srcErr}, {"param", srcErr}, {"message", srcErr},
		{"payment_intent", srcErr}},
	"next_action":                {{"type", srcNext}, {"redirect_to_url", srcNext}, {"alipay_handle_redirect", srcNext}, {"wechat_pay_display_qr_code", srcNext}},
	"redirect_to_url":            {{"url", srcRedirect}, {"return_url", srcRedirect}},
	"alipay_handle_redirect":     {{"url", srcAlipay}, {"return_url", srcAlipay}},
	"wechat_pay_display_qr_code": {{"data", srcWechat}, {"hosted_instructions_url", srcWechat}, {"image_data_url", srcWechat}, {"image_url_png", srcWechat}, {"image_url_svg", srcWechat}},
	"event": {{"id", srcEvent}, {"object", srcEvent}, {"api_version", srcEvent}, {"created", srcEvent}, {"data", srcEvent},
		{"livemode", srcEvent}, {"pending_webhooks", srcEvent}, {"request", srcEvent}, {"type", srcEvent}},
	"event data":    {{"object", srcEventData}, {"previous_attributes", srcEventData}},
	"event request": {{"id", srcEventReq}, {"idempotency_key", srcEventReq}},
}

// Required lists the request parameters the simulator refuses a request without (400
// parameter_missing); each is in Fields. Stripe's spec requires amount and currency on create; a refund
// needs charge or payment_intent (the simulator takes payment_intent only: it issues charges but
// refunds by intent, the way the Refunds API reference shows).
var Required = map[string][]string{
	"create request": {"amount", "currency"},
	"refund request": {"payment_intent"},
	"search query":   {"query"},
}

// Headers are the response headers the simulator sets beyond Content-Type, with their sources.
var Headers = map[string]string{
	"Request-Id":          "stripe-go stripe.go: the client reads Request-Id from every response (APIResponse.RequestID)",
	"Idempotent-Replayed": "DECISION: the header Stripe's API sets on a replayed idempotent answer, as seen in Stripe's request logs; not in spec3.json or stripe-go",
}

// Code is an error the simulator answers, on its own or through a ReplyCode fault.
type Code struct {
	Status      int    // HTTP status
	Type        string // error.type
	Code        string // error.code ("" for none)
	DeclineCode string // error.decline_code for card errors
	// Saved reports whether the answer is saved under the request's Idempotency-Key and replayed for it:
	// Stripe saves an answer once the endpoint has started executing (docs.stripe.com/api/idempotent_requests),
	// so declines, state errors and 500s are saved; rate limits and parameter validation are not.
	Saved   bool
	Message string
	Source  string
}

const (
	srcErrCodes = "docs.stripe.com/error-codes and stripe-go error.go ErrorCode*"
	srcDecline  = "docs.stripe.com/declines/codes and stripe-go error.go DeclineCode*"
	srcTypes    = "docs.stripe.com/api/errors (types, HTTP status codes) and stripe-go error.go ErrorType*"
)

// Codes are the error codes a ReplyCode fault may answer, keyed by what Fault.Code names: a Stripe
// error.code, a card decline_code (answered as card_declined with that decline_code, as Stripe does), or
// "api_error" (the error type Stripe answers a 500 with, which has no code).
var Codes = map[string]Code{
	"card_declined":      {http.StatusPaymentRequired, "card_error", "card_declined", "generic_decline", true, "Your card was declined.", srcDecline},
	"generic_decline":    {http.StatusPaymentRequired, "card_error", "card_declined", "generic_decline", true, "Your card was declined.", srcDecline},
	"insufficient_funds": {http.StatusPaymentRequired, "card_error", "card_declined", "insufficient_funds", true, "Your card has insufficient funds.", srcDecline},
	"fraudulent":         {http.StatusPaymentRequired, "card_error", "card_declined", "fraudulent", true, "Your card was declined.", srcDecline},
	"do_not_honor":       {http.StatusPaymentRequired, "card_error", "card_declined", "do_not_honor", true, "Your card was declined.", srcDecline},
	"expired_card":       {http.StatusPaymentRequired, "card_error", "expired_card", "expired_card", true, "Your card has expired.", srcDecline},
	"incorrect_cvc":      {http.StatusPaymentRequired, "card_error", "incorrect_cvc", "incorrect_cvc", true, "Your card's security code is incorrect.", srcDecline},
	"processing_error":   {http.StatusPaymentRequired, "card_error", "processing_error", "processing_error", true, "An error occurred while processing your card. Try again in a little bit.", srcDecline},
	"authentication_required": {http.StatusPaymentRequired, "card_error", "authentication_required", "authentication_required", true,
		"Your card was declined. This transaction requires authentication.", srcDecline},
	"amount_too_large": {http.StatusBadRequest, "invalid_request_error", "amount_too_large", "", false, "Amount must be no more than $999,999.99", srcErrCodes},
	"amount_too_small": {http.StatusBadRequest, "invalid_request_error", "amount_too_small", "", false, "Amount must be at least $0.50 usd", srcErrCodes},
	"parameter_invalid_integer": {http.StatusBadRequest, "invalid_request_error", "parameter_invalid_integer", "", false,
		"Invalid integer", srcErrCodes},
	"payment_intent_unexpected_state": {http.StatusBadRequest, "invalid_request_error", "payment_intent_unexpected_state", "", true,
		"This PaymentIntent's state does not allow this operation.", srcErrCodes},
	"charge_already_refunded": {http.StatusBadRequest, "invalid_request_error", "charge_already_refunded", "", true,
		"Charge has already been refunded.", srcErrCodes},
	"resource_missing":       {http.StatusNotFound, "invalid_request_error", "resource_missing", "", true, "No such object.", srcErrCodes},
	"idempotency_key_in_use": {http.StatusConflict, "invalid_request_error", "idempotency_key_in_use", "", false, "There is currently another in-progress request using this Idempotent Key.", srcErrCodes},
	"rate_limit":             {http.StatusTooManyRequests, "invalid_request_error", "rate_limit", "", false, "Too many requests hit the API too quickly.", srcErrCodes + "; HTTP 429 per " + srcTypes},
	"lock_timeout":           {http.StatusTooManyRequests, "invalid_request_error", "lock_timeout", "", false, "This object cannot be accessed right now because another API request or Stripe process is currently accessing it.", srcErrCodes},
	"api_key_expired":        {http.StatusUnauthorized, "invalid_request_error", "api_key_expired", "", false, "Expired API Key provided.", srcErrCodes},
	"api_error":              {http.StatusInternalServerError, "api_error", "", "", true, "An unknown error occurred.", srcTypes},
}
