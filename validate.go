package paygate

import (
	"fmt"
	"maps"
	"net/mail"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Limits Validate applies to every provider. Adapters add their providers' stricter limits (Waffo: ids
// ≤ 32 characters) and refuse with the same F / CodeInvalidRequest error before sending.
const (
	// MaxRequestIDLen bounds merchant ids (request ids, order ids, customer ids): the largest any supported
	// provider accepts.
	MaxRequestIDLen = 64
	// MaxProviderIDLen bounds provider-assigned ids passed back to us.
	MaxProviderIDLen = 128
	// MaxTextLen bounds free text such as descriptions and reasons, in bytes.
	MaxTextLen = 1024
	// MaxURLLen bounds notify and return URLs.
	MaxURLLen = 2048
	// MaxMetadata bounds the number of metadata entries.
	MaxMetadata = 50
)

// Validate checks the request before anything is sent. It returns nil, or an *Error with outcome F and
// status.CodeInvalidRequest whose Field names the first bad field and whose Message says how to fix it.
func (r *CreateRequest) Validate() error {
	if r == nil {
		return nilRequest(OpCreate)
	}
	v := validator{op: OpCreate}
	v.requestID("PaymentRequestID", r.PaymentRequestID, true)
	v.requestID("MerchantOrderID", r.MerchantOrderID, false)
	v.amount("Amount", r.Amount)
	v.text("Description", r.Description)
	v.url("NotifyURL", r.NotifyURL)
	v.url("ReturnURL", r.ReturnURL)
	v.customer(r.Customer)
	v.method(r.Method)
	v.metadata(r.Metadata)
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
	if r.RefundRequestID == "" && r.ProviderRefundID == "" {
		v.fail("RefundRequestID", "is empty and so is ProviderRefundID: name the refund by either one")
	}
	v.requestID("RefundRequestID", r.RefundRequestID, false)
	v.providerID("ProviderRefundID", r.ProviderRefundID)
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
	if requestID == "" && providerID == "" {
		v.fail("PaymentRequestID", "is empty and so is ProviderPaymentID: name the payment by either one")
	}
	v.requestID("PaymentRequestID", requestID, false)
	v.providerID("ProviderPaymentID", providerID)
}

// requestID checks a merchant-chosen id: printable ASCII without spaces, at most MaxRequestIDLen.
func (v *validator) requestID(field, id string, required bool) {
	v.id(field, id, required, MaxRequestIDLen)
}

func (v *validator) providerID(field, id string) {
	v.id(field, id, false, MaxProviderIDLen)
}

func (v *validator) id(field, id string, required bool, maxLen int) {
	if id == "" {
		if required {
			v.fail(field, "is empty: set it to your unique id for this request, and reuse it when you resend after an unknown outcome")
		}
		return
	}
	if len(id) > maxLen {
		v.fail(field, fmt.Sprintf("is %d characters long; the limit is %d", len(id), maxLen))
		return
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c < 0x21 || c > 0x7e {
			v.fail(field, fmt.Sprintf("has %s at byte %d; ids must be printable ASCII without spaces or control characters", quoteByte(c), i))
			return
		}
	}
}

func quoteByte(c byte) string {
	if c < utf8.RuneSelf {
		return strconv.QuoteRune(rune(c))
	}
	return fmt.Sprintf("byte 0x%02x", c)
}

func (v *validator) amount(field string, a money.Amount) {
	switch {
	case a.Currency() == "":
		v.fail(field, "is missing: build it with money.Parse, e.g. money.Parse(\"10.50\", \"USD\")")
	case !a.IsPositive():
		v.fail(field, fmt.Sprintf("is %s; it must be greater than zero", a))
	}
}

// text checks free text: valid UTF-8, no control characters, at most MaxTextLen bytes.
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
		if unicode.IsControl(r) {
			v.fail(field, fmt.Sprintf("has control character %U at byte %d; remove it", r, i))
			return
		}
	}
}

func (v *validator) url(field, s string) {
	if s == "" {
		return
	}
	if len(s) > MaxURLLen {
		v.fail(field, fmt.Sprintf("is %d characters long; the limit is %d", len(s), MaxURLLen))
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil:
		v.fail(field, "is not a URL: "+err.Error())
	case u.Scheme != "https" && u.Scheme != "http":
		v.fail(field, "must be an absolute http or https URL, such as https://shop.example/notify")
	case u.Host == "":
		v.fail(field, "has no host; use an absolute URL such as https://shop.example/notify")
	case u.User != nil:
		v.fail(field, "contains credentials (user:password@); providers would store and log them — remove them")
	}
}

func (v *validator) customer(c Customer) {
	v.requestID("Customer.ID", c.ID, false)
	if c.Email != "" {
		addr, err := mail.ParseAddress(c.Email)
		if err != nil || addr.Address != c.Email || len(c.Email) > 254 {
			v.fail("Customer.Email", "must be a bare email address such as name@example.com")
		}
	}
	if len(c.Phone) > 32 {
		v.fail("Customer.Phone", "is longer than 32 characters")
	}
	for _, r := range c.Phone {
		if !(r >= '0' && r <= '9') && r != '+' && r != '-' && r != ' ' && r != '(' && r != ')' {
			v.fail("Customer.Phone", "may contain only digits, '+', '-', '(', ')' and spaces")
			break
		}
	}
	v.country("Customer.Country", c.Country)
	v.id("Customer.Terminal", c.Terminal, false, 32)
	if c.IP != "" {
		if _, err := netip.ParseAddr(c.IP); err != nil {
			v.fail("Customer.IP", "is not an IPv4 or IPv6 address")
		}
	}
	v.text("Customer.UserAgent", c.UserAgent)
}

func (v *validator) method(m Method) {
	v.id("Method.Type", m.Type, false, MaxRequestIDLen)
	v.id("Method.Name", m.Name, false, MaxRequestIDLen)
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
		v.id(field, k, true, MaxRequestIDLen)
		v.text(field, m[k])
	}
}
