// Package antom is the paygate adapter for Antom (Ant International's online payment API, "AMS"),
// checkout by Antom's cashier page.
//
//	gw, err := antom.New(antom.Config{
//		ClientID:       "SANDBOX_5Y…",          // SANDBOX_ client ids use the sandbox paths
//		PrivateKey:     os.Getenv("ANTOM_PRIVATE_KEY"),
//		AntomPublicKey: os.Getenv("ANTOM_PUBLIC_KEY"),
//		PaymentMethodType: "ALIPAY_CN",         // or per payment: Method.Name, CreateOptions
//	})
//
// Create is pay with productCode CASHIER_PAYMENT, Inquire is inquiryPayment, Capture is capture,
// Cancel is cancel, Refund is refund and InquireRefund is inquiryRefund, all POST https://<domain>/ams/api/v1/payments/<name>
// (/ams/sandbox/api/v1/payments/<name> in the sandbox: for a client id starting with SANDBOX_, or with
// Config.Sandbox). Every request is validated first (paygate's rules, then Antom's: a currency Antom
// takes, a ReturnURL, a payment method type, a description of at most 256 characters), so an invalid
// one is F INVALID_REQUEST (UNSUPPORTED_CURRENCY for the currency) and never sent.
//
// # Wire format and signatures
//
// Every scalar field is sent as a JSON string. Amounts are {"currency":"USD","value":"1999"}: the value
// is an integer of minor units at Antom's digits, never a float:
//
//	digits  currencies
//	0       CLP JPY KRW VND
//	2       AUD BDT BRL CAD CNY EUR GBP HKD IDR MXN MYR NZD PEN PHP PKR PLN SGD THB TWD USD
//
// Other currencies are refused before sending. (IDR and TWD count hundredths at Antom; other
// providers differ.)
//
// notifyRefund and inquiryRefund name no payment, so a refund carries the payment's paymentId and
// paymentRequestId in its metadata, which Antom returns in both: Refund.ProviderPaymentID comes from
// there. A payment notification without paymentAmount or paymentRequestId is completed from an
// inquiry by its paymentId before the merchant's function sees it.
//
// Requests carry client-id, request-time (epoch milliseconds) and "signature: algorithm=RSA256,
// keyVersion=<KeyVersion>,signature=<URL-encoded base64>", an RSA-SHA256 (PKCS #1 v1.5) signature with
// the merchant's private key over SignContent: "POST <path>\n<client-id>.<request-time>.<body>". A
// response is verified with Antom's public key over "POST <path>\n<client-id>.<response-time>.<raw
// body>". A response whose signature is missing or does not verify is not a result: it is U
// PROVIDER_ERROR whatever its resultStatus says (S, F or U), so an unsigned RISK_REJECT is never a
// reason to fail over. Antom's official Go SDK refuses every such response as well; the error names
// the settings to check (Config.ClientID, Config.AntomPublicKey and their ANTOM_* variables), since a
// wrong key is the usual cause when no answer verifies. Only HTTP 200 answers are read at all. Sign,
// Verify and SignContent are exported so the scheme can be checked against a known vector.
//
// # S/F/U: the result table
//
// Every response has result{resultCode, resultStatus, resultMessage}. The outcome is resultStatus —
// except that a code Antom documents as U stays U even if sent with F, and a status other than S, F or
// U is U. CodeTable lists the normalized code of every resultCode the adapter knows, with the
// resultStatus Antom documents for it, and the rows for codes it does not list (an F code not listed is
// PROVIDER_ERROR, a U code not listed UNKNOWN). It reads the table the adapter classifies with, and the
// README's "Statuses and codes" section is generated from it.
//
// Per operation, on top of CodeTable:
//
//	pay             U PAYMENT_IN_PROCESS with normalUrl, schemeUrl or applinkUrl (signed)
//	                  → S, status REQUIRES_ACTION, Action (normalUrl a redirect, the others deeplinks;
//	                    an APP terminal prefers applinkUrl, then schemeUrl)
//	                U PAYMENT_IN_PROCESS without a URL → U IN_PROGRESS
//	                S SUCCESS → S, status SUCCEEDED
//	                S SUCCESS with CaptureManual → S, status AUTHORIZED
//	capture         S → status SUCCEEDED, Captured = captureAmount (checked against the capture sent)
//	                CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT → F LIMIT_EXCEEDED; ORDER_STATUS_INVALID,
//	                AUTH_CANCELLED, AUTH_EXPIRED → F INVALID_STATE; CAPTURE_IN_PROCESS → U
//	inquiryPayment  S → the payment, status from PaymentStatusTable (an unknown paymentStatus is U);
//	                F ORDER_NOT_EXIST → F NOT_FOUND (the result is about the inquiry, not the payment)
//	cancel          S → status CANCELED
//	refund          S → refund status SUCCEEDED
//	inquiryRefund   S → the refund, status from RefundStatusTable (an unknown one is U)
//	any             HTTP status other than 200, unparseable body, missing or bad signature → U
//	                (429 RATE_LIMITED, 5xx UNAVAILABLE, else UNKNOWN / PROVIDER_ERROR)
//
// An F answered after an earlier try of the same call may have landed is reported U (see
// provider.Response.KeepUnknown).
//
// # Statuses
//
// PaymentStatusTable and RefundStatusTable list how paymentStatus and refundStatus map; the README's
// status table is generated from them. PROCESSING is REQUIRES_ACTION (the customer has not finished at
// the cashier), PENDING is PENDING (paid; the method's final result is awaited), and FAIL is FAILED
// (FailureReason "<paymentResultCode>: <message>"), or EXPIRED when paymentResultCode is
// ORDER_IS_CLOSED (the payment closed unpaid).
//
// # Manual capture
//
// A CreateRequest with CaptureMode paygate.CaptureManual sends paymentFactor.captureMode MANUAL
// (Antom's "Capture" guide for cashier payments; SDK model.PaymentFactor). Antom's paymentStatus
// SUCCESS then means authorized: the money is held until capture takes it, or cancel (the void) or
// Antom's own cancellation after 7 days (AuthorizationHold) releases it. inquiryPayment tells the two
// apart by what the SDK's AlipayPayQueryResponse carries: a capture is a transactions entry with
// transactionType CAPTURE (SUCCESS: SUCCEEDED with Captured its amount; PROCESSING: PENDING with
// Captured counting it), and a SUCCESS payment without one is AUTHORIZED when the answer carries
// authExpiryTime (an authorization waiting for capture), else an automatic payment, SUCCEEDED with
// Captured the whole amount.
//
// Capture always inquires first: capture names the payment by paymentId only and needs an amount (zero
// Amount captures the whole authorization), and the inquiry shows whether this CaptureRequestID
// already took effect — then that is the answer and nothing is sent. A payment that is not AUTHORIZED
// is F INVALID_STATE and an Amount over the authorization F LIMIT_EXCEEDED, both unsent. The capture
// sent carries captureRequestId, Antom's idempotency key (the same id that reached S or F gets the
// same result), so Idempotency declares it Dedupes. Partial capture is declared: Antom takes a
// captureAmount below the authorization for some card methods (others answer an F); the adapter sends
// one capture per payment, with isLastCapture "true" when partial so the rest of the hold is released.
// Refund of an AUTHORIZED payment is F INVALID_STATE, unsent: only captured money is refunded.
//
// Sources: docs.antom.com ams/capture (captureRequestId idempotency, S/F/U and resolving U by
// notifyCapture or inquiryPayment), ams/notify_capture, cashierpay/capture, the capture guides (7-day
// cancellation, partial capture for some cards); SDK AlipayCaptureRequest, AlipayCaptureResponse,
// AlipayCaptureResultNotify, model.PaymentFactor, model.Transaction, AlipayPayQueryResponse
// (AuthExpiryTime, Transactions). Antom's own capture code table could not be read here; the capture
// codes beyond Antom's common ones (CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT, AUTH_CANCELLED, AUTH_EXPIRED,
// AUTH_NOT_FOUND, CAPTURE_IN_PROCESS) are those of the Alipay family's capture API, which shares
// Antom's capture fields; the adapter refuses the over-amount and wrong-state captures itself before
// Antom would answer them.
//
// # Idempotency
//
// Antom dedupes pay by paymentRequestId and refund by refundRequestId (the same id with another amount
// or currency is REPEAT_REQ_INCONSISTENT), and documents resending cancel with the same parameters
// after U, and capture by captureRequestId, so Idempotency declares every operation Dedupes and retry.Wrap resends after U. An inquiry
// by paymentRequestId finds the payment a lost create made.
//
// # Notifications
//
// WebhookHandler verifies Antom's notifications (signature over the notify path, request-time,
// client-id and raw body), turns notifyPayment, notifyRefund and notifyCapture into paygate Events and answers
// Antom's acknowledgement, AckBody, when the merchant's function returns nil:
//
//	notifyType        result / refundStatus         event
//	PAYMENT_RESULT    S                             payment.updated, SUCCEEDED, or AUTHORIZED for
//	                                                manual capture (from an inquiry; refused if it fails)
//	PAYMENT_RESULT    F (ORDER_IS_CLOSED)           payment.updated, FAILED (EXPIRED)
//	PAYMENT_PENDING   S                             payment.updated, PENDING
//	REFUND_RESULT     SUCCESS / FAIL                refund.updated, SUCCEEDED / FAILED
//	CAPTURE_RESULT    S                             payment.updated, SUCCEEDED, Captured = captureAmount
//	CAPTURE_RESULT    F                             payment.updated, AUTHORIZED (the inquiry's status
//	                                                when it answers), FailureReason the capture's code
//
// Antom documents no freshness window for request-time; the handler refuses (401) notifications older
// than Config.WebhookMaxAge (DefaultWebhookMaxAge, 25 hours: Antom's retries span 24) or more than
// five minutes in the future, and any without a request-time. It takes only Content-Type
// application/json, with any parameters (Antom sends "application/json; charset=UTF-8"); anything
// else is 415.
//
// The package antomtest is a simulator of Antom's API for tests.
package antom
