// Package provider is what every paygate adapter shares: an HTTP transport whose retries follow
// retry.Policy and draw from the caller's retry.Budget, response body limits, TLS and plain-HTTP rules,
// RSA-SHA256 and HMAC-SHA256 signing, RSA key parsing, and a zap logger that redacts secrets, keys,
// signatures, card numbers and CVVs.
//
// Adapters translate; this package makes sure they all send, sign, log and fail the same way.
package provider
