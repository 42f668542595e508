// Package stripetest is a fake Stripe for tests: an HTTP server on loopback that speaks the part of
// Stripe's API a payment gateway uses (PaymentIntents and Refunds, API 2026-08-26.dahlia), written from
// Stripe's OpenAPI spec (stripe-mock v0.203.0's spec3.json), its docs and stripe-go's types, not from
// the adapter. Unlike stripe-mock it keeps state.
//
//	srv := stripetest.NewServer(stripetest.Config{})
//	defer srv.Close()
//	// base URL srv.URL, secret key srv.SecretKey, webhook secret srv.WebhookSecret
//
// # Requests
//
// Authorization: Bearer <SecretKey> (or HTTP Basic with the key as user), else 401. POST bodies must be
// application/x-www-form-urlencoded (400 otherwise, as stripe-mock answers); a parameter the spec does
// not list for the endpoint (Params) is 400 parameter_unknown, a missing required one (Required) 400
// parameter_missing. Amounts are integers in the currency's smallest unit by Stripe's rules (Digits:
// zero-decimal and three-decimal lists, ISK written with two decimals), at least the documented minimum
// charge (amount_too_small) and at most 99,999,999 (amount_too_large).
//
// # PaymentIntents
//
// Create (POST /v1/payment_intents) starts requires_payment_method, or requires_confirmation with a
// payment_method. With confirm=true: Stripe's test PaymentMethods (pm_card_visa succeeds;
// pm_card_chargeDeclined…, 402 card_error with the intent, which returns to requires_payment_method with
// last_payment_error; pm_card_authenticationRequired, requires_action with redirect_to_url), or
// payment_method_data[type]=alipay / wechat_pay (requires_action with alipay_handle_redirect /
// wechat_pay_display_qr_code). A confirmed card payment succeeds, or, with capture_method=manual, waits
// in requires_capture; capture (amount_to_capture ≤ amount_capturable, the rest released) only from
// there (else 400 payment_intent_unexpected_state). Cancel from requires_payment_method,
// requires_confirmation, requires_action, requires_capture (a void) or processing. An uncaptured
// authorization is canceled (cancellation_reason automatic) 7 days later on the clock. GET by id is
// strongly consistent; search (metadata['k']:'v' clauses joined by AND) sees each intent as it was
// Config.SearchLag ago. Refunds: of a succeeded intent, at most what is left (amount_too_large;
// charge_already_refunded when nothing is), listed by payment_intent newest first; they succeed at once
// (or stay pending with Config.PendingRefunds until SettleRefund).
//
// Settle names a payment by metadata[paygate_payment_request_id] (a test convention, not Stripe's):
// Pay confirms it with a card that succeeds, Fail declines it (not final: requires_payment_method),
// Expire cancels it (expired; automatic for an authorization), RequireAction asks for 3-D Secure.
//
// # Idempotency
//
// A POST with Idempotency-Key (≤ 255 characters) is saved once the endpoint executes — successes and
// errors raised while executing (402 declines, state errors, a ReplyCode "api_error" 500) — and replayed
// for the same key with Idempotent-Replayed: true; the same key with other parameters is 400
// idempotency_error, a key still executing 409 idempotency_key_in_use. Authentication and parameter
// errors, 429s and ReplyStatus faults (which model a failure before the endpoint) are not saved. Keys
// expire Config.IdempotencyTTL (24 h) after first use on the clock; a resend then executes again.
//
// # Events
//
// Every change emits Stripe's event (payment_intent.created, .requires_action, .amount_capturable_updated,
// .succeeded, .payment_failed, .canceled; refund.created with charge.refunded; refund.updated and
// refund.failed), POSTed to the registered URL signed Stripe-Signature: t=…,v1=… (one v1 per secret
// while a rotation is under way), retried on WebhookSchedule until a 2xx, and with Config.Reorder
// delivered in swapped pairs. The simulator never reaches processing on its own, so it sends no
// payment_intent.processing.
//
// Every member it reads or writes is in Fields with its source; tests pin every reply and event to it.
// Stripe does not sign API responses, so the CorruptSignature fault is not offered (Faults).
package stripetest
