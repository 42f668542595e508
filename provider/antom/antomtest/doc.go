// Package antomtest is a simulator of Antom's online payment API (Ant International's "AMS" API), for
// tests and demos: a real HTTP server on loopback that speaks Antom's wire protocol, written from
// Antom's documentation rather than from paygate's adapter.
//
// It serves the six endpoints the adapter uses — pay (CASHIER_PAYMENT), inquiryPayment, capture,
// cancel, refund and inquiryRefund — under both the live prefix /ams/api/v1/payments/ and the sandbox prefix
// /ams/sandbox/api/v1/payments/. Like Antom it:
//
//   - verifies every request's signature (header "signature: algorithm=RSA256,keyVersion=…,
//     signature=…" over "POST <path>\n<client-id>.<request-time>.<body>", SHA256withRSA with the
//     merchant's public key) and answers INVALID_SIGNATURE, KEY_NOT_FOUND or CLIENT_INVALID when it
//     does not hold;
//   - signs every response with Antom's private key over "POST <path>\n<client-id>.<response-time>.
//     <body>", sending the client-id, response-time and signature headers;
//   - refuses any scalar JSON field that is not a string (PARAM_ILLEGAL), except the fields Antom's
//     official Go SDK sends as numbers or booleans (env.timeZoneOffset, isAsyncRefund, …), which it
//     takes in the SDK's type or as strings; it reads amounts as
//     {"currency","value"} with value in minor units at Antom's digits (0 for CLP, JPY, KRW, VND; 2 for
//     the other currencies it accepts; anything else is CURRENCY_NOT_SUPPORT);
//   - answers a new cashier payment with result U / PAYMENT_IN_PROCESS and the redirect URLs
//     (normalUrl; schemeUrl and applinkUrl for WAP and APP terminals), and the same request again with
//     the payment's current state; the same paymentRequestId with another amount or currency is
//     REPEAT_REQ_INCONSISTENT; likewise for refundRequestId;
//   - answers inquiries with result S and the object's paymentStatus (PROCESSING, PENDING, SUCCESS,
//     FAIL, CANCELLED) or refundStatus, and ORDER_NOT_EXIST when there is no such object;
//   - cancels a payment (unpaid, or paid and not refunded) inside Config.CancelWindow of its creation
//     (CANCEL_WINDOW_EXCEED after it, judged on Config.Clock); a cancelled payment cancels again with
//     S; a refunded one is PROCESS_FAIL; a failed one ORDER_STATUS_INVALID;
//   - refunds a paid payment as many times as the merchant likes up to the amount paid
//     (REFUND_AMOUNT_EXCEED beyond it, ORDER_STATUS_INVALID before payment); each refund succeeds at
//     once;
//   - notifies notifyPayment (PAYMENT_RESULT S or F, PAYMENT_PENDING) and notifyRefund (REFUND_RESULT)
//     to the notify URLs the requests carried, signed over the notify URL's path with a fresh
//     request-time on every try, and retries until the receiver answers HTTP 200 with result
//     S / SUCCESS, on Antom's schedule (WebhookSchedule: 0 s, 2 min, 10 min, 10 min, 1 h, 2 h, 6 h, 15 h;
//     shrink it with sim.Compress). As Antom documents, a payment made through the sandbox path is
//     notified once and never retried.
//
// # Manual capture
//
// A pay with paymentFactor.captureMode MANUAL is authorized, not captured, when the user pays
// (sim.Pay): paymentStatus SUCCESS, notified PAYMENT_RESULT S, and inquiryPayment carries
// authExpiryTime; the ledger records the order with paygate.CaptureManual and status AUTHORIZED.
// capture (captureRequestId, paymentId, captureAmount, isLastCapture as a string or the SDK's bool)
// takes at most the authorized amount, once per payment: it succeeds at once, adds one capture to the
// ledger, notifies notifyCapture (CAPTURE_RESULT S: captureRequestId, paymentId, captureId,
// captureAmount, captureTime) to the payment's notify URL, and inquiryPayment then lists it in
// transactions (transactionType CAPTURE, transactionStatus SUCCESS). The same captureRequestId gets
// the same answer, S or F, and with another paymentId or amount REPEAT_REQ_INCONSISTENT. A capture of
// a payment that is not an authorized manual one — automatic, unpaid, cancelled, lapsed, or already
// captured under another id — is ORDER_STATUS_INVALID; over the authorized amount it is
// CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT (the Alipay family's capture code; Antom's own capture table could
// not be read, see the antom package doc). Refund of an uncaptured authorization is
// ORDER_STATUS_INVALID, and refunds of a captured one are limited to the amount captured. cancel of an
// authorized payment is the void (CANCELLED). An authorization not captured within
// Config.AuthorizationHold (Antom: 7 days) is cancelled, without a notification, when next touched or
// by AdvanceClock. The simulator models a payment method that takes one capture, partial or whole.
// DeferCaptures makes captures stay in process — answered U (UNKNOWN_EXCEPTION) to every resend,
// listed PROCESSING by inquiryPayment, counted by the ledger — until CompleteCaptures finishes them and
// sends notifyCapture.
//
// Payments expire Config.PaymentTTL after creation (or at the request's paymentExpiryTime), lazily:
// an expired payment is FAIL with paymentResultCode ORDER_IS_CLOSED.
//
// # Controls
//
// A *Server is the conformance suite's Simulator: Settle and SettleOrder act as the user (sim.Pay,
// sim.Fail with USER_BALANCE_NOT_ENOUGH, sim.Expire with ORDER_IS_CLOSED, sim.RequireAction), Pend
// moves a payment to PENDING, Inject queues a sim.Fault (all seven kinds, applied by sim.Serve; a
// ReplyCode answers the code with the result status of the simulator's code table, U for codes it
// does not know), Ledger counts requests, orders, refunds and captures, Webhooks records every
// notification, and AdvanceClock moves a manual clock (conformance.ClockAdvancer).
// Deliver sends one notification synchronously with a chosen request-time, or none, so a test can
// check that a receiver refuses a stale or unsigned notification.
package antomtest
