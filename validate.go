package paygate

import (
	"fmt"
	"maps"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Limits Validate applies to every provider. Adapters add their providers' stricter limits (Waffo: ids
// ≤ 32 characters) and refuse with the same F / CodeInvalidRequest error before sending.
const (
	// MaxRequestIDLen bounds merchant-chosen ids (request, order and customer ids): the largest any
	// supported provider accepts.
	MaxRequestIDLen = 64
	// MaxProviderIDLen bounds provider-assigned ids passed back to us.
	MaxProviderIDLen = 128
	// MaxTokenLen bounds method types and names, terminals and metadata keys.
	MaxTokenLen = 64
	// MaxTextLen bounds free text such as descriptions, reasons and metadata values, in bytes.
	MaxTextLen = 1024
	// MaxURLLen bounds notify and return URLs.
	MaxURLLen = 2048
	// MaxMetadata bounds the number of metadata entries.
	MaxMetadata = 50
	// MaxEmailLen is the longest email address RFC 5321 allows.
	MaxEmailLen = 254
	// MaxPhoneLen bounds phone numbers, punctuation included.
	MaxPhoneLen = 32
)

// Validate checks the request before anything is sent. It returns nil, or an *Error with outcome F and
// status.CodeInvalidRequest whose Field names the first bad field and whose Message says how to fix it.
func (r *CreateRequest) Validate() error {
	if r == nil {
		return nilRequest(OpCreate)
	}
	v := validator{op: OpCreate}
	v.requestID("PaymentRequestID", r.PaymentRequestID, true)
	v.reference("MerchantOrderID", r.MerchantOrderID)
	v.amount("Amount", r.Amount)
	v.currentCurrency("Amount", r.Amount)
	v.text("Description", r.Description)
	v.url("NotifyURL", r.NotifyURL)
	v.url("ReturnURL", r.ReturnURL)
	v.expiry("ExpiresAt", r.ExpiresAt)
	v.customer(r.Customer)
	v.method(r.Method)
	v.metadata(r.Metadata)
	v.captureMode(r.CaptureMode)
	return v.result()
}

// Validate checks the capture id, the payment reference and the amount, which is either the zero
// Amount (capture everything authorized) or positive. See CreateRequest.Validate.
func (r *CaptureRequest) Validate() error {
	if r == nil {
		return nilRequest(OpCapture)
	}
	v := validator{op: OpCapture}
	v.requestID("CaptureRequestID", r.CaptureRequestID, true)
	v.paymentRef(r.PaymentRequestID, r.ProviderPaymentID)
	if !r.Amount.IsZero() {
		v.amount("Amount", r.Amount)
	}
	return v.result()
}

// Validate checks that the request names a payment by at least one well-formed id. See CreateRequest.Validate.
func (r *InquireRequest) Validate() error {
	if r == nil {
		return nilRequest(OpInquire)
	}
	v := validator{op: OpInquire}
	v.paymentRef(r.PaymentRequestID, r.ProviderPaymentID)
	return v.result()
}

// Validate checks that the request names a payment and that the reason is clean text. See CreateRequest.Validate.
func (r *CancelRequest) Validate() error {
	if r == nil {
		return nilRequest(OpCancel)
	}
	v := validator{op: OpCancel}
	v.paymentRef(r.PaymentRequestID, r.ProviderPaymentID)
	v.text("Reason", r.Reason)
	return v.result()
}

// Validate checks the refund id, the payment reference and the amount. See CreateRequest.Validate.
func (r *RefundRequest) Validate() error {
	if r == nil {
		return nilRequest(OpRefund)
	}
	v := validator{op: OpRefund}
	v.requestID("RefundRequestID", r.RefundRequestID, true)
	v.paymentRef(r.PaymentRequestID, r.ProviderPaymentID)
	v.amount("Amount", r.Amount)
	v.text("Reason", r.Reason)
	v.url("NotifyURL", r.NotifyURL)
	return v.result()
}

// Validate checks that the request names a refund by at least one well-formed id. See CreateRequest.Validate.
func (r *InquireRefundRequest) Validate() error {
	if r == nil {
		return nilRequest(OpInquireRefund)
	}
	v := validator{op: OpInquireRefund}
	v.eitherID("refund", "RefundRequestID", r.RefundRequestID, "ProviderRefundID", r.ProviderRefundID)
	v.requestID("PaymentRequestID", r.PaymentRequestID, false)
	v.providerID("ProviderPaymentID", r.ProviderPaymentID)
	return v.result()
}

func nilRequest(op Op) error {
	return &Error{Op: op, Outcome: status.Failure, Code: status.CodeInvalidRequest, Message: "the request is nil"}
}

// validator keeps the first problem found and ignores the rest.
type validator struct {
	op  Op
	err *Error
}

func (v *validator) result() error {
	if v.err == nil {
		return nil // not a typed nil *Error
	}
	return v.err
}

func (v *validator) fail(field, message string) {
	if v.err == nil {
		v.err = &Error{Op: v.op, Outcome: status.Failure, Code: status.CodeInvalidRequest, Field: field, Message: message}
	}
}

func (v *validator) paymentRef(requestID, providerID string) {
	v.eitherID("payment", "PaymentRequestID", requestID, "ProviderPaymentID", providerID)
}

// eitherID checks that an object is named by the merchant's request id, the provider's id, or both.
func (v *validator) eitherID(object, requestField, requestID, providerField, providerID string) {
	if requestID == "" && providerID == "" {
		v.fail(requestField, "is empty and so is "+providerField+": name the "+object+" by either one")
	}
	v.requestID(requestField, requestID, false)
	v.providerID(providerField, providerID)
}

// Ids travel in JSON bodies, URL paths and query strings, signatures and logs. Request and provider ids
// are limited to characters that mean nothing in any of them, so no adapter can be tricked by one.
const (
	idChars        = "letters, digits, '.', '_', ':' and '-' (a UUID or ULID works)"
	referenceChars = "printable ASCII without spaces"
)

func isIDChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-'
}

func isReferenceChar(c byte) bool { return c >= 0x21 && c <= 0x7e }

// requestID checks an idempotency key chosen by the merchant.
func (v *validator) requestID(field, id string, required bool) {
	if id == "" && required {
		v.fail(field, "is empty: set it to your unique id for this request, and reuse it when you resend after an unknown outcome")
		return
	}
	v.chars(field, id, MaxRequestIDLen, isIDChar, idChars)
}

func (v *validator) providerID(field, id string) {
	v.chars(field, id, MaxProviderIDLen, isIDChar, idChars)
}

// token checks a short machine word: a method type or name, a terminal, a metadata key.
func (v *validator) token(field, s string) {
	v.chars(field, s, MaxTokenLen, isIDChar, "letters, digits, '.', '_', ':' and '-'")
}

// reference checks a merchant reference shown to people (order number, customer id), which may carry
// punctuation such as "INV/2026/001"; adapters only ever send it inside JSON.
func (v *validator) reference(field, s string) {
	v.chars(field, s, MaxRequestIDLen, isReferenceChar, referenceChars)
}

func (v *validator) chars(field, s string, maxLen int, ok func(byte) bool, allowed string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !ok(c) {
			v.fail(field, fmt.Sprintf("has %s at byte %d; use only %s", describeByte(c), i, allowed))
			return
		}
	}
	if len(s) > maxLen {
		v.fail(field, fmt.Sprintf("is %d characters long; the limit is %d", len(s), maxLen))
	}
}

func describeByte(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("non-ASCII byte 0x%02x", c)
}

func (v *validator) amount(field string, a money.Amount) {
	switch {
	case a.Currency() == "":
		v.fail(field, "is missing: build it with money.Parse, e.g. money.Parse(\"10.50\", \"USD\")")
	case !a.IsPositive():
		v.fail(field, fmt.Sprintf("is %s; it must be greater than zero", a))
	}
}

// captureMode accepts the two modes and nothing else.
func (v *validator) captureMode(m CaptureMode) {
	if m != CaptureAutomatic && m != CaptureManual {
		v.fail("CaptureMode", fmt.Sprintf("is %q; use CaptureAutomatic (the zero value) or CaptureManual", string(m)))
	}
}

// currentCurrency refuses a currency that has left ISO 4217 for a new payment. Refunds in it stay
// possible: the payment was taken before the currency was withdrawn.
func (v *validator) currentCurrency(field string, a money.Amount) {
	if note, withdrawn := money.Withdrawn(a.Currency()); withdrawn {
		v.fail(field, fmt.Sprintf("is in %s, which new payments cannot use: %s", a.Currency(), note))
	}
}

// text checks free text: valid UTF-8 without characters that forge or hide log lines — control
// characters, line and paragraph separators, and bidirectional overrides.
func (v *validator) text(field, s string) {
	if len(s) > MaxTextLen {
		v.fail(field, fmt.Sprintf("is %d bytes long; the limit is %d", len(s), MaxTextLen))
		return
	}
	if !utf8.ValidString(s) {
		v.fail(field, "is not valid UTF-8")
		return
	}
	for i, r := range s {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp) || isBidiControl(r) {
			v.fail(field, fmt.Sprintf("has the control character %U at byte %d; remove it", r, i))
			return
		}
	}
}

// isBidiControl reports the embedding, override and isolate controls, which make text display
// differently from what it is.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

func (v *validator) url(field, s string) {
	if s == "" {
		return
	}
	if len(s) > MaxURLLen {
		v.fail(field, fmt.Sprintf("is %d characters long; the limit is %d", len(s), MaxURLLen))
		return
	}
	for i := 0; i < len(s); i++ {
		if !isReferenceChar(s[i]) {
			v.fail(field, fmt.Sprintf("has %s at byte %d; percent-encode anything that is not printable ASCII", describeByte(s[i]), i))
			return
		}
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		v.fail(field, "is not a URL: "+err.Error())
	case u.Scheme != "https" && u.Scheme != "http":
		v.fail(field, "must be an absolute http or https URL, such as https://shop.example/notify")
	case u.Hostname() == "":
		v.fail(field, "has no host; use an absolute URL such as https://shop.example/notify")
	case u.User != nil:
		v.fail(field, "contains credentials (user:password@); providers would store and log them — remove them")
	}
}

func (v *validator) expiry(field string, t time.Time) {
	if !t.IsZero() && (t.Year() < 2000 || t.Year() > 9999) {
		v.fail(field, fmt.Sprintf("is %s; leave it zero for the provider's default or set a time in the near future", t.Format(time.RFC3339)))
	}
}

func (v *validator) customer(c Customer) {
	v.reference("Customer.ID", c.ID)
	if c.Email != "" {
		addr, err := mail.ParseAddress(c.Email)
		if err != nil || addr.Address != c.Email || len(c.Email) > MaxEmailLen {
			v.fail("Customer.Email", "must be a bare email address such as name@example.com")
		}
	}
	v.phone("Customer.Phone", c.Phone)
	v.country("Customer.Country", c.Country)
	v.token("Customer.Terminal", c.Terminal)
	if c.IP != "" {
		if addr, err := netip.ParseAddr(c.IP); err != nil || addr.Zone() != "" {
			v.fail("Customer.IP", "must be a plain IPv4 or IPv6 address, such as 203.0.113.7 or 2001:db8::1")
		}
	}
	v.text("Customer.UserAgent", c.UserAgent)
}

func (v *validator) phone(field, s string) {
	if s == "" {
		return
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune("+-.() ", r):
		default:
			v.fail(field, "may contain only digits, spaces and + - . ( )")
			return
		}
	}
	if digits < 4 || len(s) > MaxPhoneLen {
		v.fail(field, fmt.Sprintf("must have at least 4 digits and at most %d characters, such as +62 812 5550 100", MaxPhoneLen))
	}
}

func (v *validator) method(m Method) {
	v.token("Method.Type", m.Type)
	v.token("Method.Name", m.Name)
	v.country("Method.Country", m.Country)
}

// country checks an ISO 3166-1 alpha-2 code's form (two upper-case letters).
func (v *validator) country(field, s string) {
	if s == "" {
		return
	}
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		v.fail(field, fmt.Sprintf("is %q; use an ISO 3166-1 alpha-2 code such as \"ID\" or \"US\"", s))
	}
}

func (v *validator) metadata(m map[string]string) {
	if len(m) > MaxMetadata {
		v.fail("Metadata", fmt.Sprintf("has %d entries; the limit is %d", len(m), MaxMetadata))
		return
	}
	for _, k := range slices.Sorted(maps.Keys(m)) { // sorted, so the same request reports the same field
		if k == "" {
			v.fail("Metadata", "has an empty key")
			return
		}
		field := "Metadata[" + strconv.Quote(k) + "]"
		v.token(field, k)
		v.text(field, m[k])
	}
}
