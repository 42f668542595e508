// Package provider is what paygate adapters call:
//
//   - the HTTP transport (NewTransport, Transport, Request, Response) whose retries follow
//     retry.Policy and draw from the call's send budget (set by retry.Wrap), with response body limits and the TLS and
//     plain-HTTP rules;
//   - RSA-SHA256 and HMAC-SHA256 signing and verification, and RSA key parsing (ParsePrivateKey,
//     ParsePublicKey) that accepts keys as merchants paste them;
//   - the redacting logger (NewLogger) and the string scrubbers for text that does not go through it
//     (Redact, and Excerpt and Bounded for text not verified yet); the rules live in internal/redact
//     and the zap core in internal/redactlog;
//   - the per-call plumbing every operation goes through (Run with the adapter's Calls: validation,
//     the NOT_SUPPORTED refusal, id log fields, one log entry per call; the error builders Invalid,
//     NotSupported, Unknown and Answered; Calls.RefundablePayment, the look-up before a refund; and
//     Option, which reads a provider option given as T or *T);
//   - webhook helpers (CheckWebhookContentType, WriteWebhookReply);
//   - the declarations an adapter exports for the tools around it: its Capabilities, its Spec and the
//     rows of its code and status tables (CodeMapping, PaymentStatusMapping, RefundStatusMapping).
//
// Adapters translate; this package makes sure they all send, sign, log and fail the same way.
package provider
