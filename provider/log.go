package provider

import (
	"go.uber.org/zap"

	"github.com/paygate-go/paygate/internal/redact"
	"github.com/paygate-go/paygate/internal/redactlog"
)

// NewLogger returns base with a core that redacts every entry before it is written: the message and
// every field, including fields added with With and nested objects, arrays, errors, Stringers and
// reflected values. It removes values of secret-looking keys (api keys, tokens, passwords,
// signatures, private keys, card numbers, CVVs), every occurrence of the given secrets (those of at
// least 6 characters; for a PEM key also its base64 body), PEM blocks, Luhn-valid card numbers (all
// but the last 4 digits; digit groups may be separated by single spaces, '-', '.' or '_'), secret
// key/value pairs inside strings (JSON, key=value, headers) and the digits after a CVV word in free
// text ("cvv 918", "security code 9182"). Values are replaced by "[REDACTED]", PEM blocks by
// "[REDACTED PEM]". Each rule costs time linear in the text, whatever the text. Adapters log
// through it so a payment's secrets never reach log storage. A nil base logs nothing.
func NewLogger(base *zap.Logger, secrets ...string) *zap.Logger {
	return redactlog.New(base, secrets...)
}

// Redact applies NewLogger's string rules to s, for adapters and simulators that must scrub a string
// that does not go through the logger (an error message, a stored request).
func Redact(s string, secrets ...string) string {
	return redact.New(secrets...).String(s)
}

// ExcerptLen is the most of a text not verified yet that Excerpt quotes: 64 bytes.
const ExcerptLen = redact.ExcerptLen

// Excerpt quotes s (as %q does) for a log line or an error text, when s comes from a request or an
// answer that is not verified yet (a header of an unsigned webhook, a field of an unsigned body): at
// most its first ExcerptLen bytes, redacted, and how long it was when it is cut. Whoever can reach a
// webhook endpoint could otherwise write what they like, at any length, into the merchant's logs. It
// redacts before it cuts, so a cut cannot hide a card number from the card rule.
func Excerpt(s string) string { return redact.Excerpt(s) }

// Bounded returns s when it has at most ExcerptLen bytes, else its first ExcerptLen bytes (whole
// UTF-8 characters) and "…": for unverified text kept in a field, such as an unsigned answer's
// message in Error.ProviderMessage (Error() redacts it when printed).
func Bounded(s string) string { return redact.Bounded(s) }
