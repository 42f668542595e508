// Package stripe is the paygate adapter for Stripe's PaymentIntents and Refunds API, on the shared
// provider transport (plain HTTP: five endpoints do not need stripe-go). Every request pins
// Stripe-Version APIVersion (2026-08-26.dahlia) and authenticates with the secret key as a Bearer
// token; bodies are form-encoded in a fixed order, so a resend carries the same bytes.
//
//	op             Stripe call
//	Create         POST /v1/payment_intents            amount, currency, capture_method?, description?, metadata[…], method params
//	Inquire        GET  /v1/payment_intents/{id}?expand[]=latest_charge, or GET /v1/payment_intents/search (by request id)
//	Capture        POST /v1/payment_intents/{id}/capture   amount_to_capture?
//	Cancel         POST /v1/payment_intents/{id}/cancel    cancellation_reason? (only Stripe's enum values)
//	Refund         POST /v1/refunds                    payment_intent, amount, metadata[paygate_refund_request_id], reason?
//	InquireRefund  GET  /v1/refunds/{id}, or GET /v1/refunds?payment_intent=… (by refund request id)
//
// # Create and the customer's step
//
// With a PaymentMethod id (CreateOptions.PaymentMethod, or Method.Name "pm_…") the intent is confirmed
// at once with payment_method_types [card] (no redirect, so no return_url). With Method.Name alipay
// (a redirect: ReturnURL required, F INVALID_REQUEST unsent without it) or wechat_pay (a QR code,
// client=web) it is confirmed with payment_method_data[type]. Without a method the intent stays
// requires_payment_method: RequiresAction with a client_confirm Action carrying the intent's client
// secret, which Stripe.js in the customer's browser confirms it with ((*Gateway).ClientSecret fetches
// it again). A 402 to a confirming create
// is F (DECLINED, INSUFFICIENT_FUNDS, … by decline_code): no money moved. NotifyURL and ExpiresAt are
// not sent (webhook endpoints are set in the dashboard; intents do not expire on request).
//
// # Statuses
//
// PaymentStatusTable and RefundStatusTable (generated into the README) list the mapping; a status in
// neither is U. requires_payment_method and requires_confirmation carry last_payment_error's message
// as FailureReason: Stripe has no failed intent, a decline returns it to requires_payment_method for
// another try. requires_action maps next_action (redirect_to_url and alipay_handle_redirect →
// redirect, wechat_pay_display_qr_code → QR, wechat_pay_redirect_to_ios_app → deeplink).
// requires_capture is AUTHORIZED; succeeded sets Captured = amount_received and Refunded from the
// expanded latest_charge's amount_refunded; canceled with cancellation_reason expired is EXPIRED.
//
// # Amounts
//
// Integers in Stripe's minor units (Digits): zero-decimal currencies whole, three-decimal ones in
// thousandths ending in 0, all others with two decimals (ISK too, always a multiple of 100). What
// cannot be sent exactly is F INVALID_REQUEST before any call; what cannot be read exactly is U.
//
// # S/F/U and idempotency
//
// Every write carries Idempotency-Key paygate-{create,capture,refund}-<our request id> or
// paygate-cancel-<intent id>; Stripe replays the saved answer (500s included) for 24 hours, so each
// write is declared Dedupes with a 24 h Window: past it retry.Wrap resolves a U by inquiry only. A 5xx
// with Stripe-Should-Retry: false is returned at once, not resent. 409 idempotency_key_in_use is U
// IN_PROGRESS; 429 is U RATE_LIMITED with Retry-After; idempotency_error is F IDEMPOTENCY_CONFLICT.
// CodeTable lists every row, from the tables the adapter classifies with.
//
// Inquiry by PaymentRequestID uses the search API, which is eventually consistent: none found is U
// NOT_FOUND, never F, so Reconcile leaves such an entry open until the search finds it. Inquiry by
// ProviderPaymentID is a GET: 404 is F NOT_FOUND. Capture, Cancel and a refund's payment lookup search
// the same way when only PaymentRequestID is given. InquireRefund by RefundRequestID lists the
// payment's refunds (strongly consistent: none is F NOT_FOUND) and so needs the payment named.
//
// Capture with an Amount first reads the intent: another currency is F INVALID_REQUEST and more than
// amount_capturable F LIMIT_EXCEEDED, unsent. Stripe's payment_intent_unexpected_state (capture of
// an intent that is not requires_capture, cancel of a succeeded one) is F INVALID_STATE.
//
// # Webhooks
//
// WebhookHandler verifies Stripe-Signature (t and every v1, HMAC-SHA256 of "t.body" with each
// configured secret, constant time; several secrets comma-separated during a rotation) within
// WebhookTolerance (300 s), then fetches the object's current state rather than trusting the event's
// copy: payment_intent.* and charge.refunded → EventPaymentUpdated, refund.* and charge.refund.updated
// → EventRefundUpdated; Event.ID is the evt_ id. Other types are acknowledged. Stripe does not sign
// API responses (TLS only), so there is no response signature to verify.
//
// # Decisions
//
//   - Metadata keys paygate_payment_request_id and paygate_merchant_order_id on the intent,
//     paygate_refund_request_id on refunds; merchant keys starting paygate_ are refused.
//   - Captures send no metadata (the capture request id is in the Idempotency-Key only).
//   - A refund's canceled status is FAILED (no money returned); requires_action is PENDING.
package stripe
