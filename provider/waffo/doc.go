// Package waffo is the paygate adapter for Waffo's acquiring API: it turns paygate's Create, Inquire,
// Capture, Cancel, Refund and InquireRefund into Waffo's /order/create, /order/inquiry, /order/capture,
// /order/cancel, /order/refund and /refund/inquiry, and Waffo's codes and statuses into paygate's.
//
// Every request is signed (X-SIGNATURE: SHA256withRSA over the exact body bytes, with the merchant key)
// and carries X-API-KEY and X-API-VERSION. A reply's X-SIGNATURE is verified with Waffo's key. Waffo
// signs its replies (its official SDK verifies the signature whenever one is present), so a reply
// envelope without X-SIGNATURE, or whose signature does not verify, is not a result: U
// PROVIDER_ERROR, whatever code it carries, and never a reason to fail over. The error names what to
// check: Config.WaffoPublicKey (WAFFO_PUBLIC_KEY), since a wrong key is the usual cause when no reply
// verifies, or, for unsigned replies, Config.BaseURL and anything on the way that strips headers.
// Config.AllowUnsignedResponses reads unsigned replies anyway; it is unsafe and off by default
// (Config.RequireSignedResponses is deprecated and has no effect). A body that is not Waffo's envelope
// at all (a gateway's 502 page, a 429) is U too, as below. orderRequestedAt and requestedAt are filled
// in Waffo's format (ISO 8601, UTC, milliseconds).
//
// Waffo's own limits are checked before anything is sent (ids ≤ 32 characters, merchant order id ≤ 64,
// description ≤ 128, notify URL ≤ 256, user id and email required, amounts Waffo can write exactly):
// a request that breaks one is F with status.CodeInvalidRequest. Fields Waffo requires and paygate
// leaves optional get defaults: merchantOrderId = PaymentRequestID, orderDescription = "Order
// <merchantOrderId>", userTerminal = WEB, productName = ONE_TIME_PAYMENT, refundReason = a fixed note.
// Fields without a common paygate field go in a *CreateOptions or *RefundOptions in the request's
// ProviderOptions. CreateRequest.Metadata is kept in extendInfo (as a JSON object, ≤ 128 characters)
// unless CreateOptions.ExtendInfo is set.
//
// # Amounts
//
// Waffo writes amounts as strings in major units: 2 decimals ("10.50"), except 0 for JPY, KRW, VND, CLP
// and IDR ("149000": IDR has no decimals at Waffo, unlike ISO 4217). An amount Waffo cannot write
// exactly (15000.50 IDR, 1.005 KWD) is refused, never rounded. See Digits, FormatAmount, ParseAmount.
//
// # Result codes
//
// Waffo's rule: A (merchant), B (user), C (system or channel) and D (risk) codes are definite failures;
// E codes, network errors and timeouts are unknown. Waffo answers C codes with HTTP 5xx, so the adapter
// tells the transport not to resend them.
//
// CodeTable lists every code the adapter knows, with its meaning, outcome, normalized code and advice,
// then the row for each family's undocumented codes and for a code in no family (U UNKNOWN). It reads
// the table the adapter classifies with, and the README's "Statuses and codes" section is generated
// from it.
//
// A reply that is not a verified Waffo envelope is U: a transport failure after sending (TIMEOUT or
// UNAVAILABLE), a body that does not parse (PROVIDER_ERROR; UNAVAILABLE for 5xx, RATE_LIMITED for 429),
// a missing signature or one that does not verify (PROVIDER_ERROR), code "0" without data or with a non-2xx status,
// and a status or amount the adapter cannot read. An F answered to a resent request is U when an earlier
// try may have landed (provider.Response.KeepUnknown).
//
// # Statuses
//
// PaymentStatusTable and RefundStatusTable list how orderStatus and refundStatus map; the README's
// status table is generated from them. PAY_IN_PROGRESS is Pending, or RequiresAction when orderAction
// sends the user somewhere. ORDER_CLOSE is Failed when orderFailedReason is set, Expired when it closed
// (orderUpdatedAt) at or after orderExpiredAt, and otherwise Canceled.
//
// AUTHED_WAITING_CAPTURE is Authorized and CAPTURE_IN_PROGRESS Pending (see Manual capture).
// Payment.Captured is the order amount for CAPTURE_IN_PROGRESS and PAY_SUCCESS (an automatic payment is
// captured when paid) and zero for every other status.
//
// A status in neither table is U UNKNOWN: the adapter does not guess.
//
// orderAction (a JSON string) becomes a paygate.Action: a QR code when actionData.paymentQr is set
// (with paymentExpiryTime as ExpiresAt), a deeplink when actionType is DEEPLINK, otherwise a redirect to
// webUrl.
//
// # Idempotency and retries
//
// Waffo dedupes create by paymentRequestId and refund by refundRequestId, so retry.Wrap resends them
// with the same ids after U; a cancel resent finds the order already closed. Waffo's inquiry answers
// A0009 (NOT_FOUND) for an order that never landed, which tells retry.Wrap that resending the create is
// safe. orderRequestedAt and requestedAt are fresh on every send; the simulator, like the official SDK,
// assumes Waffo leaves them out of its A0011 comparison (the opt-in sandbox test checks it).
//
// Before a refund the adapter inquires the order: Waffo refunds in the order's currency and its refund
// body names none, so a refund in another currency is F INVALID_REQUEST before anything is sent; the
// inquiry also yields the acquiringOrderId Waffo needs when only a PaymentRequestID is given. A create
// or cancel answered ORDER_CLOSE is followed by an inquiry, which tells a failure or expiry from a
// cancel. No refund message of Waffo's names a currency (the SDK's RefundOrderData, InquiryRefundData
// and RefundNotificationResult have none): Refund reads the reply's amount in the request's currency,
// and InquireRefund inquires the order its reply names (acquiringOrderId, origPaymentRequestId) for it.
//
// # Manual capture
//
// A create with CaptureMode CaptureManual sends paymentInfo.captureMode "manualCapture" (the official
// Go SDK's PaymentInfo.CaptureMode, as its manual-capture e2e test sends it; the API reference's
// AcqOrderPaymentInfo lists captureMode, ≤ 24 characters). The SDK marks AUTHED_WAITING_CAPTURE as
// "CARD only" and its e2e test pays by CREDITCARD: use a card method (Method.Type CREDITCARD or
// DEBITCARD, or the cashier's card page). What Waffo answers for manual capture with another method is
// not documented; the adapter sends it as asked. Once the customer pays, the order is
// AUTHED_WAITING_CAPTURE: Authorized, nothing captured.
//
// Capture first inquires the order, then sends /order/capture with acquiringOrderId (and
// paymentRequestId when given), merchantId, captureRequestedAt (the sandbox answers A0003 without it)
// and captureAmount, the order amount in Waffo's digits. Before anything is sent it refuses: an order
// not AUTHED_WAITING_CAPTURE (an automatic payment, one not yet authorized, closed, already capturing
// or captured) with F INVALID_STATE; an amount over the order's with F LIMIT_EXCEEDED; an amount below
// it with F NOT_SUPPORTED (Capabilities.PartialCapture is false, see below); another currency with F
// INVALID_REQUEST. A zero Amount captures the whole order. Waffo answers CAPTURE_IN_PROGRESS (the Java
// and Node SDKs list it; the OpenAPI document does not): Pending, with Captured the whole amount;
// inquiry and a PAYMENT_NOTIFICATION later show PAY_SUCCESS. A capture answered with any other status
// is U: inquire. Waffo's A0013 or A0008 to a capture (a state or amount the inquiry did not show) are F
// INVALID_STATE and LIMIT_EXCEEDED.
//
// Partial capture is not offered. Waffo's Auth-Capture guide (waffo.com/docs/en/essentials/auth-capture)
// describes capturing less than the authorized amount, but in terms (capture_method, payment_intent
// events) that are not the acquiring API's, and the acquiring API has no field that reports a captured
// amount other than orderAmount (finalDealAmount is in the user's currency), so a partial capture could
// not be read back exactly. The guide's void ("cancel at any time before capture") is likewise not part
// of this API: the order lifecycle goes from AUTHED_WAITING_CAPTURE only to PAY_SUCCESS, and
// /order/cancel is documented for unpaid orders. Capabilities.Void is false: Cancel of an authorized
// payment is refused (A0013, F INVALID_STATE) and the payment stays Authorized. No automatic release
// of an uncaptured authorization is documented (AuthorizationHold is 0).
//
// A capture has no request id at Waffo, and neither Waffo's API reference nor its SDKs (waffo-go
// v1.4.0: types, CHANGELOG, README, tests) say how a second capture of one order is answered, so
// Idempotency(OpCapture) is not resendable: retry.Wrap resolves a U capture by inquiry only. An order
// CAPTURE_IN_PROGRESS or PAY_SUCCESS shows it landed (retry.CaptureLanded); one still
// AUTHED_WAITING_CAPTURE leaves the capture U, and a later Capture, which inquires first, sends it
// again only while the order is still authorized. A Capture of an order already capturing or captured
// is F INVALID_STATE: after a U capture, that answer means a capture (the earlier one, unless the
// order was captured some other way) took effect.
// CaptureRequestID is not sent; it names the capture in logs and in the router's journal.
//
// Refund of an authorized payment is F INVALID_STATE before anything is sent: nothing was captured.
//
// # Countries
//
// Waffo's country fields take ISO 3166-1 alpha-3 ("IDN"); paygate's Customer.Country and
// Method.Country are alpha-2. The adapter converts them (userCountryCode, payMethodCountry) with the
// ISO 3166 table of github.com/biter777/countries, and refuses, as F INVALID_REQUEST before sending, a
// code that names no country.
//
// # Webhooks
//
// WebhookHandler takes POSTs with Content-Type application/json (415 otherwise), verifies X-SIGNATURE
// on the raw body, accepts both payload shapes (with and without "result"), and replies exactly
// {"message":"success"} (signed with the merchant key) once the merchant's function returns nil, or
// {"message":"failed"} so Waffo retries (8 tries over about 20.6 hours: now, 30 s, 1 min, 4 min,
// 30 min, 4 h, 8 h, 8 h). Waffo notifications carry no event id and no header timestamp: Event.ID is
// derived from the order or refund, its status and update time, so duplicates share it.
//
// Before the merchant's function sees an event, what the notification left out is looked up: a refund
// notification's amount gets its order's currency (from an order inquiry by the acquiringOrderId or
// origPaymentRequestId it carries, or from a refund inquiry when it names no order, as on Waffo's
// event-types page), with the order's id and the refund's ids; a payment notification without
// paymentRequestId or amount is completed by an order inquiry. The state reported is the
// notification's. When a lookup fails the handler answers {"message":"failed"}, and Waffo retries.
//
// Freshness is bounded by the update time in the body, which Waffo's signature covers and its retries
// repeat: orderUpdatedAt for PAYMENT_NOTIFICATION, refundUpdatedAt for REFUND_NOTIFICATION (the fields
// of the official SDK's notification types). A notification older than Config.WebhookMaxAge
// (DefaultWebhookMaxAge, 24 hours: the whole retry schedule with over three hours to spare) or more
// than WebhookFutureSkew (5 minutes) ahead is refused with 401, as a replay or a broken clock, like the
// Antom and VAI247 handlers do; Waffo then retries until its schedule ends. One whose update time does
// not parse is refused with 400. One without an update time is delivered with its freshness unchecked
// (and logged): the examples on Waffo's event-types page carry no time, and refusing a genuine, signed
// notification would lose it.
// Within the window a replay is a duplicate of a genuine notification, which Event.ID lets the
// merchant drop. Event types paygate does not model are acknowledged without a time check.
//
// The simulator in waffotest implements all of this from Waffo's documentation; the adapter passes
// paygate's conformance suite against it.
package waffo
