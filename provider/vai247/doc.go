// Package vai247 is the paygate adapter for VAI247's merchant API (documented as "DVPay"): QR-code
// payments in USD and KHR, created as orders the customer pays by scanning.
//
// It translates paygate's Gateway calls into VAI247's HTTP calls and VAI247's answers back into
// paygate's statuses, codes and S/F/U outcomes. It implements the seed's generation of the API
// (snake_case JSON, three auth headers), with the later 2026-03-02 refund signing as an option
// (Config.RefundSigning). Every path, header and field name is in one table (wire.go), so a rename
// on VAI247's side is a one-line fix. Package vai247test is its simulator.
//
//	op             VAI247 call
//	Create         POST /api/v1/payment-gateway/order/create   {store_id, amount, currency, reference_id}
//	Inquire        GET  /api/v1/payment-gateway/payment/transaction-detail?transaction_id=<order id>
//	Cancel         POST /api/v1/payment-gateway/order/cancel   {order_id, reason?}
//	Refund         POST /api/v1/payment-gateway/order/refund   {order_id, amount, reason?, reference_id}
//	InquireRefund  none: F NOT_SUPPORTED without a call
//	Capture        none: F NOT_SUPPORTED without a call (and so is a CaptureManual create)
//
// VAI247 documents no authorization hold and no capture call: an order goes pending → processing →
// paid and the money is taken when the customer pays, so a SUCCEEDED payment's Captured is its whole
// Amount.
//
// Every call carries X-App-Id, X-Api-Key and X-Timestamp (unix seconds, fresh on every try; VAI247
// refuses one more than 5 minutes off with 401). With RefundSigning, refunds also carry X-Signature
// = hex(HMAC-SHA256(APISecret, body + timestamp)) and X-Idempotent-Key.
//
// # Amounts
//
// Amounts are JSON numbers in major units, written from the decimal's exact text and read back
// through json.Number and the decimal — never a float64. Only two currencies exist; anything else is
// refused before any call:
//
//	currency  digits on the wire  payment range         refused with
//	USD       2                   0.10 … 10,000.00      outside the range: F INVALID_REQUEST
//	KHR       0 (whole riel)      400 … 40,000,000      fractional riel or outside: F INVALID_REQUEST
//	other     —                   —                     F UNSUPPORTED_CURRENCY
//
// Refunds are checked for currency and digits, and, because the refund body is a bare number that
// VAI247 reads in the order's currency, the order is read first (GET transaction-detail) and a refund
// in another currency is F INVALID_REQUEST before anything is sent. VAI247 checks the amount against
// the paid amount. An amount read back that would need rounding at these digits is U: it is never
// guessed.
//
// # Error answers
//
// One table maps HTTP status × error code (the envelope's error.code) to outcome and normalized code;
// a row with a code refines its status's row, and unknown codes fall back to the status's row. The
// table's 4xx statuses are F except 429, which is U RATE_LIMITED (Retry-After kept in
// Error.RetryAfter); its 5xx statuses are U, and so is any status it does not list. CodeTable lists every row and the adapter's advice; it reads the table the
// adapter classifies with, and the README's "Statuses and codes" section is generated from it. A 2xx
// whose body does not parse, lacks a field, or names an unknown status is U PROVIDER_ERROR.
//
// An F that follows an earlier try which may have landed is reported U (provider.Response.KeepUnknown).
// Errors keep VAI247's code, message and HTTP status in ProviderCode, ProviderMessage and HTTPStatus.
//
// # Statuses
//
// PaymentStatusTable and RefundStatusTable list how the nine order statuses and the refund statuses
// map; the README's status table is generated from them. An order status in neither is U
// PROVIDER_ERROR. A pending order's Action is the QR code to show, with its expiry; processing means the
// customer scanned it. failed is PENDING, not FAILED (see Decisions). refunded sets Payment.Refunded to
// the whole amount; partially_refunded shows in ProviderStatus only (VAI247 gives no total).
//
// # Webhooks
//
// WebhookHandler takes POSTs with Content-Type application/json (415 otherwise), verifies
// X-DVPay-Signature (hex HMAC-SHA256 of the raw body, keyed with WebhookSecret) and refuses unsigned or
// mis-signed notifications (401). Without a WebhookSecret (env VAI247_WEBHOOK_SECRET) no notification
// can be verified, so every one is refused (401) and building the handler logs an error saying so:
// New accepts an empty secret because API calls do not need it. The handler refuses timestamps older
// than WebhookMaxAge (default 24 hours, covering the simulator's retry schedule of about 8.6 hours;
// VAI247 documents none) or more than 5 minutes ahead (401), maps payment.processing,
// payment.success and payment.failed to EventPaymentUpdated (status from PaymentStatusTable) and
// refund.completed to EventRefundUpdated (SUCCEEDED, the refunded amount), and answers 200
// {"status":"received"}. Other event names are acknowledged and not passed on.
//
// What an Event holds, and where from: VAI247's notification is {event, order_id, amount, currency,
// status, timestamp} and nothing else (vai247test.Fields lists every field of every message with its
// doc page). Payment events carry ProviderPaymentID (order_id), Status and ProviderStatus (status),
// Amount (amount in currency, exact), Refunded (the whole amount when status is refunded) and
// UpdatedAt (timestamp). Refund events carry ProviderPaymentID (order_id), Status SUCCEEDED,
// ProviderStatus (status: the order's, refunded or partially_refunded), Amount (the refunded amount)
// and UpdatedAt. PaymentRequestID, MerchantOrderID, RefundRequestID and ProviderRefundID are always
// empty: no notification and no reply carries them (the transaction-detail inquiry answers
// {transaction_id, order_id, amount, currency, status, created_at, updated_at}; reference_id is sent
// but never read back), so no lookup could fill them and the handler makes none. Match events to
// orders by ProviderPaymentID, which Create returned next to the PaymentRequestID.
//
// # S/F/U and idempotency
//
// Idempotency (retry.Declarer) declares: create is not deduped but may be resent (Orphan, below);
// cancel may be resent (a second cancel changes nothing and the inquiry shows the order cancelled);
// refund is deduped only with RefundSigning, by X-Idempotent-Key — without it a refund that was U is
// never resent, and stays U since there is no refund inquiry. The transport resends only what is
// declared resendable.
//
// # Decisions
//
// VAI247's docs are thin; where they are silent we decided, and the simulator behaves the same way.
// From the provider facts:
//
//   - Create also sends reference_id (the merchant's PaymentRequestID; the docs' batch-create uses
//     this name), so VAI247's records carry the merchant's reference. It is not an idempotency key.
//   - No order lookup is documented: Inquire passes the order id as transaction_id (the simulator
//     accepts an order id there and answers for that order). Inquire, Cancel and Refund therefore need
//     ProviderPaymentID; with only PaymentRequestID they are F NOT_SUPPORTED without a call.
//   - Create has no idempotency key. A lost create reply leaves at most an orphan pending order whose QR
//     code nobody saw: it cannot be paid and expires in 30 minutes. So re-creating after an unknown
//     create is safe, and Idempotency says so (Orphan); retry.Wrap then resends, and the conformance
//     suite checks that one order is payable and the orphan refuses payment and expires.
//
// Our own, where the facts file is silent too:
//
//   - failed maps to PENDING, not FAILED: a failed order goes back to processing when the customer
//     tries again and may still be paid, so reporting it as a final failure could lose a payment that
//     went through. It ends as cancelled (the simulator cancels it when its 30 minutes pass) or paid.
//   - Error codes: the docs name only insufficient_funds; the others in the table are the simulator's
//     names (vai247test.Codes). Any code falls back to its HTTP status's row.
//   - Refunds also send reference_id = RefundRequestID (as create does); not an idempotency key.
//   - X-Idempotent-Key is a name-based UUID (version 5) of StoreID and RefundRequestID, so every
//     resend of one refund carries the same key. The same key with another order or amount is 409
//     idempotency_conflict.
//   - Refund statuses are not documented; RefundStatusTable is ours. The simulator completes refunds at
//     once and sends refund.completed with the refunded amount.
//   - Webhooks go to the URL set in VAI247's dashboard: CreateRequest.NotifyURL is not sent (nor
//     ReturnURL, Description, Customer, Method, Metadata or ExpiresAt, which VAI247 does not take;
//     orders always expire after 30 minutes, shown in Action.ExpiresAt). A notification's timestamp is
//     when the event happened and stays the same on retries; its event id is a hash of its content.
//   - The cancel answer carries no amount, so the Payment it returns has none; inquire for it.
package vai247
