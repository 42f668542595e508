// Package memory is an in-memory payment provider: a paygate.Gateway that keeps its payments and
// refunds in a map, with the controls of a simulator next to it.
//
// It is the embedded default — for demos, and for merchants' own tests, which can drive a checkout
// end to end without a network or an acquirer's sandbox — and it is the reference implementation of
// the Gateway contract: it passes the whole conformance suite, so what it does is what every adapter
// must do. It keeps the promises a real provider keeps: every call is validated first, request ids
// are idempotency keys for every operation, and each call ends in S, F or U exactly as package paygate
// describes. Faults injected with Inject make it behave like a provider on a bad day.
//
// # State machine
//
// Create makes a payment in REQUIRES_ACTION whose Action is a QR code ("paygate-memory://pay/<id>")
// when Method.Type is "QR" (any case) and a redirect to https://checkout.memory.paygate.invalid/pay/<id>
// otherwise. It expires at CreateRequest.ExpiresAt, or Config.PaymentTTL (30 minutes) after creation;
// a new payment whose ExpiresAt is not in the future is F INVALID_REQUEST. From there:
//
//	from                         by                                   to
//	REQUIRES_ACTION, PENDING     Settle sim.Pay / Pay                 SUCCEEDED (manual capture: AUTHORIZED)
//	REQUIRES_ACTION, PENDING     Settle sim.Fail / Fail               FAILED (FailureReason set)
//	REQUIRES_ACTION, PENDING     Settle sim.Expire / Expire           EXPIRED
//	REQUIRES_ACTION, PENDING     the clock passing the expiry         EXPIRED (noticed on the next call)
//	REQUIRES_ACTION, PENDING     Settle sim.RequireAction             REQUIRES_ACTION (action issued again)
//	REQUIRES_ACTION, PENDING     Cancel                               CANCELED
//	AUTHORIZED                   Capture                              SUCCEEDED, Payment.Captured set
//	AUTHORIZED                   Cancel (the void)                    CANCELED, nothing taken
//	AUTHORIZED                   the clock passing AuthorizationHold  CANCELED (noticed on the next call)
//	CANCELED                     Cancel                               CANCELED (S, nothing changes)
//	SUCCEEDED                    Refund                               SUCCEEDED, Payment.Refunded grows
//
// Final payments (SUCCEEDED, FAILED, CANCELED, EXPIRED) never change status. Cancel of a succeeded
// payment is F INVALID_STATE ("already paid: refund it instead"), as is cancel of a failed or expired
// one. A refund needs a SUCCEEDED payment (else F INVALID_STATE), the payment's currency (else F
// INVALID_REQUEST) and at most the captured amount not yet refunded (else F REFUND_NOT_ALLOWED);
// partial and multiple refunds are allowed, and each one succeeds at once (refund status SUCCEEDED).
//
// # Capture
//
// A payment created with paygate.CaptureManual is only authorized when the customer pays: it ends
// AUTHORIZED, Captured zero, and the money is held for AuthorizationHold (7 days) after which the
// hold lapses and the payment ends CANCELED. Capture takes all of it (zero Amount) or part (at most
// the authorized amount, else F LIMIT_EXCEEDED; the rest is released) once: the payment ends
// SUCCEEDED with Captured the amount taken, and the ledger records the capture (sim.Ledger.Captures).
// Capturing a payment that is not AUTHORIZED — automatic (its money is taken when paid, so Captured
// is its Amount once SUCCEEDED), unpaid, already captured, voided, lapsed — is F INVALID_STATE, and
// so is refunding an AUTHORIZED one. Cancel of an AUTHORIZED payment is the void. A capture is
// notified like any other status change (payment.updated, Captured set).
//
// Expiry is lazy: a payment past its expiry becomes EXPIRED when a call or Settle next touches it.
// With a *sim.ManualClock as Config.Clock a test moves time and sees the expiry on its next Inquire.
//
// Every status change, capture and refund is recorded in the Ledger and, when the payment has a
// NotifyURL (a refund: its own NotifyURL, else the payment's), notified by webhook (see below).
// Creation itself is not notified.
//
// # Idempotency
//
// The same PaymentRequestID with an identical CreateRequest returns the existing payment (S) and
// creates nothing; with any field different (nil and empty Metadata are the same) it is F
// IDEMPOTENCY_CONFLICT. Refunds are deduped by RefundRequestID and captures by CaptureRequestID the
// same way (a repeated capture answers the payment as it is now, and captures nothing more).
// Idempotency declares Dedupes for every operation, so retry.Wrap resends after U.
//
// # Codes
//
// The memory provider's own result codes are the normalized code names of package status, so
// Error.ProviderCode and Error.Code agree; what its code table decides is the outcome: F for the codes
// that say the request was refused, U for the others. CodeTable lists them, with the advice; OK (it is
// not an error code) and any code not in the table are U UNKNOWN. The README's "Statuses and codes"
// section is generated from it.
//
// Provider statuses (Payment.ProviderStatus) are the lower-case status names: "requires_action",
// "authorized" (manual capture only), "succeeded", "failed", "canceled", "expired" ("pending" is
// never reached).
//
// # Faults
//
// Inject queues a sim.Fault for the next call(s) of an operation. Validation comes first (an invalid
// request never consumes a fault), then the call is counted in the Ledger, then a caller whose context
// is already done gets F UNAVAILABLE wrapping retry.ErrNotSent and the context's error (nothing was
// processed, no fault consumed), then the fault strikes:
//
//	DropBeforeProcessing  not processed          U UNAVAILABLE
//	ReplyStatus           not processed          429 → U RATE_LIMITED, 5xx → U UNAVAILABLE,
//	                                             any other status → U UNKNOWN (HTTPStatus set)
//	ReplyCode             not processed          the code table above (ProviderCode = Fault.Code)
//	LoseReply             processed              U TIMEOUT, the result discarded
//	DelayReply            processed              the normal result after Fault.Delay; U TIMEOUT
//	                                             if the caller's context ends first (or on Close)
//	CorruptBody           processed              U PROVIDER_ERROR ("reply did not parse")
//	CorruptSignature      processed              U PROVIDER_ERROR ("reply signature did not verify")
//
// # Webhooks
//
// A notification is a POST of the JSON of a paygate.Event (ID "evt_<provider id>_<n>", n counting
// the object's events from 1) with the header "Memory-Signature: t=<unix seconds>,v1=<hex>", the
// HMAC-SHA256 of "<t>.<body>" keyed with Config.WebhookSecret. It is retried on
// Config.WebhookSchedule until the receiver answers exactly what WebhookHandler answers on success
// (see WebhookAcked). Webhooks records every delivery. WebhookHandler verifies and decodes them for
// the merchant's code: it takes only POSTs with Content-Type application/json (415 otherwise) and
// refuses a signature whose timestamp is more than 5 minutes from its clock either way (the window:
// every retry is signed afresh).
//
// # In a merchant's tests
//
// Give the code under test a *Gateway where it expects a paygate.Gateway, play the customer with Pay,
// Fail, Expire or Settle, inject faults to test the unhappy paths, and count in the Ledger what was
// really created:
//
//	gw := memory.New(memory.Config{Clock: sim.NewManualClock(start)})
//	defer gw.Close()
//	shop := NewShop(gw) // the merchant's code
//	gw.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply})
//	order := shop.Checkout(ctx, cart) // must resend or inquire, not fail the order
//	_ = gw.Pay(order.PaymentRequestID)
//	if n := len(gw.Ledger().Orders(order.PaymentRequestID)); n != 1 { t.Fatalf("%d orders", n) }
//
// To receive its webhooks, mount WebhookHandler on an httptest.Server and use the server's URL as
// NotifyURL. Close the Gateway at the end of the test: it stops pending webhook retries.
package memory
