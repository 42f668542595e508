package redact

import (
	"strconv"
	"unicode/utf8"
)

// ExcerptLen is the most of a text not verified yet that Excerpt quotes.
const ExcerptLen = 64

// Excerpt quotes s (as %q does) for a log line or an error text, when s comes from a request or an
// answer that is not verified yet (a header of an unsigned webhook, a field of an unsigned body): at
// most its first ExcerptLen bytes, redacted, and how long it was when it is cut. Whoever can reach a
// webhook endpoint could otherwise write what they like, at any length, into the merchant's logs. It
// redacts before it cuts, so a cut cannot hide a card number from the card rule.
func Excerpt(s string) string {
	s = String(s)
	if len(s) <= ExcerptLen {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:excerptCut(s)]) + "… (cut; " + strconv.Itoa(len(s)) + " bytes)"
}

// Bounded returns s when it has at most ExcerptLen bytes, else its first ExcerptLen bytes (whole
// UTF-8 characters) and "…": for unverified text kept in a field, such as an unsigned answer's
// message in Error.ProviderMessage (Error() redacts it when printed).
func Bounded(s string) string {
	if len(s) <= ExcerptLen {
		return s
	}
	return s[:excerptCut(s)] + "…"
}

// excerptCut is where a text longer than ExcerptLen is cut: at most ExcerptLen bytes, on a character
// boundary.
func excerptCut(s string) int {
	cut := ExcerptLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return cut
}
