// Package paygate takes payments through several acquirers behind one provider-neutral interface.
//
// A Gateway creates, inquires, captures, cancels and refunds payments. Every adapter (provider/waffo,
// provider/antom, provider/vai247, and the in-memory provider/memory) implements it, translating the
// provider's statuses and result codes into the normalized ones of package status, so merchant code is
// written once.
//
// # S/F/U
//
// Every call ends in exactly one outcome, read with OutcomeOf(err):
//
//   - S (err == nil): the provider processed the call; the returned object is the truth.
//   - F: the provider definitely did not perform it (validation, decline, business rule, credentials).
//     Do not resend it with the same ids.
//   - U: it may or may not have happened (timeout, connection lost after sending, 5xx, a provider's
//     "unknown" code, a reply that does not parse or whose signature does not verify). Resend it with the
//     SAME request ids and parameters, or inquire with them, until the answer is S or F. Never treat U
//     as F: that is how payments get charged twice or reported failed after going through.
//
// Package retry wraps any Gateway with these rules. Requests are validated before anything is sent: a
// request that fails Validate is F with status.CodeInvalidRequest and never reaches the network.
//
// Errors are *Error values carrying the normalized code and outcome next to the provider's raw code and
// message; errors.As and errors.Is see through them to the underlying cause.
package paygate

import (
	"context"
	"time"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/status"
)

// Gateway is one acquirer, or several behind a router. Implementations are safe for concurrent use.
//
// Every method validates its request first and returns an F *Error with status.CodeInvalidRequest,
// without calling the provider, when it is invalid. Otherwise a nil error means S; a non-nil error is an
// *Error whose Outcome is F or U (anything else is treated as U by OutcomeOf).
type Gateway interface {
	// Create starts a payment. PaymentRequestID is the idempotency key: resending the same request after
	// a U never creates a second payment at providers that dedupe by it.
	Create(ctx context.Context, req *CreateRequest) (*Payment, error)
	// Inquire returns the payment's current status.
	Inquire(ctx context.Context, req *InquireRequest) (*Payment, error)
	// Cancel cancels a payment that has not been paid. For an AUTHORIZED payment it is the void,
	// where the provider offers one: the hold is released and the payment ends CANCELED.
	Cancel(ctx context.Context, req *CancelRequest) (*Payment, error)
	// Refund returns all or part of a succeeded payment's captured money. RefundRequestID is the
	// idempotency key.
	Refund(ctx context.Context, req *RefundRequest) (*Refund, error)
	// InquireRefund returns the refund's current status.
	InquireRefund(ctx context.Context, req *InquireRefundRequest) (*Refund, error)
	// Capture takes all or part of the money an AUTHORIZED payment holds (one created with
	// CaptureManual). A capture is a write like the others: after U resend it with the same
	// CaptureRequestID, or inquire the payment, whose Captured shows whether it took effect.
	// Providers without manual capture answer F NOT_SUPPORTED without sending anything.
	Capture(ctx context.Context, req *CaptureRequest) (*Payment, error)
}

// Op names a Gateway operation, for errors, logs and capability tables.
type Op string

// The Gateway operations.
const (
	// OpCreate is Gateway.Create.
	OpCreate Op = "create"
	// OpInquire is Gateway.Inquire.
	OpInquire Op = "inquire"
	// OpCancel is Gateway.Cancel.
	OpCancel Op = "cancel"
	// OpRefund is Gateway.Refund.
	OpRefund Op = "refund"
	// OpInquireRefund is Gateway.InquireRefund.
	OpInquireRefund Op = "inquire_refund"
	// OpCapture is Gateway.Capture.
	OpCapture Op = "capture"
)

// Ops lists every Gateway operation, in the order tables show them.
func Ops() []Op {
	return []Op{OpCreate, OpInquire, OpCapture, OpCancel, OpRefund, OpInquireRefund}
}

// Write reports whether the operation changes state at the provider (create, capture, cancel,
// refund). A write with outcome U must be resolved — resent with the same ids or inquired — before
// anything else is done.
func (o Op) Write() bool { return o == OpCreate || o == OpCapture || o == OpCancel || o == OpRefund }

// CaptureMode says when an authorized payment's money is taken.
type CaptureMode string

const (
	// CaptureAutomatic (the zero value): the provider takes the money as soon as the customer pays.
	CaptureAutomatic CaptureMode = ""
	// CaptureManual: the customer's payment only authorizes the amount; the payment ends AUTHORIZED
	// and the money stays held until Capture takes it or Cancel releases it (the void). Providers
	// release an uncaptured hold on their own after a while (Capabilities say how long where known).
	CaptureManual CaptureMode = "manual"
)

// String returns the mode's name: "automatic" or "manual".
func (m CaptureMode) String() string {
	if m == CaptureAutomatic {
		return "automatic"
	}
	return string(m)
}

// ParseCaptureMode reads a mode's name as String writes it ("automatic" or "" and "manual").
func ParseCaptureMode(s string) (CaptureMode, bool) {
	switch s {
	case "", "automatic":
		return CaptureAutomatic, true
	case "manual":
		return CaptureManual, true
	}
	return "", false
}

// CreateRequest asks for a new payment.
type CreateRequest struct {
	// PaymentRequestID is the merchant's unique id for this payment attempt and the idempotency key:
	// reuse it when resending after U, use a new one for a new attempt after F. Printable ASCII, ≤ 64.
	PaymentRequestID string `json:"payment_request_id"`
	// MerchantOrderID is the merchant's order reference. Optional; adapters fall back to PaymentRequestID
	// where the provider requires one.
	MerchantOrderID string `json:"merchant_order_id,omitempty"`
	// Amount is what the customer pays. Must be positive.
	Amount money.Amount `json:"amount"`
	// Description is shown to the customer by most providers.
	Description string `json:"description,omitempty"`
	// NotifyURL receives the provider's webhooks for this payment (absolute http or https URL).
	NotifyURL string `json:"notify_url,omitempty"`
	// ReturnURL is where the customer lands after paying.
	ReturnURL string `json:"return_url,omitempty"`
	// ExpiresAt asks the provider to close the payment if it is not paid by then. Zero: provider default.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	// Customer describes the payer; providers require different parts of it.
	Customer Customer `json:"customer,omitzero"`
	// Method selects a payment method; empty lets the provider's cashier offer its methods.
	Method Method `json:"method,omitzero"`
	// Metadata is passed to providers that keep merchant data, and ignored by the others.
	Metadata map[string]string `json:"metadata,omitempty"`
	// CaptureMode: CaptureAutomatic (the zero value) takes the money when the customer pays;
	// CaptureManual only authorizes it, for a later Capture or Cancel. An adapter whose provider has
	// no manual capture refuses CaptureManual with F NOT_SUPPORTED before sending anything.
	CaptureMode CaptureMode `json:"capture_mode,omitempty"`
	// ProviderOptions carries provider-specific settings the common fields cannot express, as values of
	// the adapters' own types (for example *waffo.CreateOptions). Each adapter uses the types it defines
	// and ignores the rest, so one request can carry options for every provider a router may choose.
	ProviderOptions []any `json:"-"`
}

// Customer describes the payer.
type Customer struct {
	ID        string `json:"id,omitempty"`         // the merchant's customer id
	Email     string `json:"email,omitempty"`      // a bare address: name@example.com
	Phone     string `json:"phone,omitempty"`      // digits, optionally with + - ( ) and spaces
	Country   string `json:"country,omitempty"`    // ISO 3166-1 alpha-2, upper case: "ID"
	Terminal  string `json:"terminal,omitempty"`   // where the customer pays: WEB, WAP, APP, …
	IP        string `json:"ip,omitempty"`         // the customer's IP address
	UserAgent string `json:"user_agent,omitempty"` // the customer's browser user agent
}

// Method selects a payment method.
type Method struct {
	Type    string `json:"type,omitempty"`    // e.g. EWALLET, CARD, ONLINE_BANKING, QR
	Name    string `json:"name,omitempty"`    // e.g. DANA, GCASH; empty lets the provider's cashier choose
	Country string `json:"country,omitempty"` // ISO 3166-1 alpha-2, for methods offered in several countries
}

// InquireRequest identifies a payment by the merchant's request id or the provider's id (either one).
type InquireRequest struct {
	PaymentRequestID  string `json:"payment_request_id,omitempty"`
	ProviderPaymentID string `json:"provider_payment_id,omitempty"`
}

// CaptureRequest takes the money an AUTHORIZED payment holds.
type CaptureRequest struct {
	// CaptureRequestID is the merchant's unique id for this capture. Providers that dedupe captures
	// use it as the idempotency key; it also keys the capture in logs and in the router's journal.
	// Reuse it when resending after U. Printable ASCII, ≤ 64.
	CaptureRequestID string `json:"capture_request_id"`
	// PaymentRequestID or ProviderPaymentID identifies the payment (at least one).
	PaymentRequestID  string `json:"payment_request_id,omitempty"`
	ProviderPaymentID string `json:"provider_payment_id,omitempty"`
	// Amount is how much to capture, in the payment's currency; zero captures the whole authorized
	// amount. Less than that is a partial capture, where the provider allows one (the rest of the
	// hold is released).
	Amount money.Amount `json:"amount,omitzero"`
}

// CancelRequest cancels an unpaid payment, identified by either id. Cancelling an AUTHORIZED payment
// is the void: the hold on the customer's money is released and the payment ends CANCELED.
type CancelRequest struct {
	PaymentRequestID  string `json:"payment_request_id,omitempty"`
	ProviderPaymentID string `json:"provider_payment_id,omitempty"`
	Reason            string `json:"reason,omitempty"`
}

// RefundRequest returns all or part of a succeeded payment.
type RefundRequest struct {
	// RefundRequestID is the merchant's unique id for this refund and its idempotency key.
	RefundRequestID string `json:"refund_request_id"`
	// PaymentRequestID or ProviderPaymentID identifies the payment to refund (at least one).
	PaymentRequestID  string       `json:"payment_request_id,omitempty"`
	ProviderPaymentID string       `json:"provider_payment_id,omitempty"`
	Amount            money.Amount `json:"amount"` // positive, in the payment's currency
	Reason            string       `json:"reason,omitempty"`
	NotifyURL         string       `json:"notify_url,omitempty"` // receives refund webhooks
	// ProviderOptions carries provider-specific refund settings; see CreateRequest.ProviderOptions.
	ProviderOptions []any `json:"-"`
}

// InquireRefundRequest identifies a refund by the merchant's refund request id or the provider's id.
type InquireRefundRequest struct {
	RefundRequestID  string `json:"refund_request_id,omitempty"`
	ProviderRefundID string `json:"provider_refund_id,omitempty"`
	// PaymentRequestID and ProviderPaymentID optionally name the refunded payment. Providers that find
	// a refund by the merchant's RefundRequestID only through its payment (Stripe lists a payment's
	// refunds; it has no refund search) need one of them with RefundRequestID; the others ignore them.
	PaymentRequestID  string `json:"payment_request_id,omitempty"`
	ProviderPaymentID string `json:"provider_payment_id,omitempty"`
}

// Payment is a provider's answer about a payment, normalized.
type Payment struct {
	Provider          string         `json:"provider"`
	PaymentRequestID  string         `json:"payment_request_id,omitempty"`
	MerchantOrderID   string         `json:"merchant_order_id,omitempty"`
	ProviderPaymentID string         `json:"provider_payment_id,omitempty"`
	Status            status.Payment `json:"status"`
	// ProviderStatus is the provider's own status string, for support staff and logs.
	ProviderStatus string       `json:"provider_status,omitempty"`
	Amount         money.Amount `json:"amount,omitzero"`
	// Refunded is the total refunded so far, when the provider reports it (zero otherwise). A refunded
	// payment keeps Status Succeeded: the payment itself did succeed.
	Refunded money.Amount `json:"refunded,omitzero"`
	// Captured is the money taken so far: the whole Amount once an automatically captured payment
	// succeeded; for a manual-capture payment, what Capture took (zero while it is only AUTHORIZED).
	// A capture the provider accepted but still processes already counts (Status is then Pending).
	// Refunds apply to captured money only.
	Captured money.Amount `json:"captured,omitzero"`
	// Action is what the customer must do next when Status is RequiresAction (or Pending at providers
	// that show a QR code at once).
	Action *Action `json:"action,omitempty"`
	// FailureReason is the provider's reason when Status is Failed.
	FailureReason string    `json:"failure_reason,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

// ActionKind says how to bring the customer to the payment step.
type ActionKind string

const (
	// ActionRedirect: send the customer's browser to Action.URL.
	ActionRedirect ActionKind = "redirect"
	// ActionDeeplink: open Action.URL, an app link, on the customer's device.
	ActionDeeplink ActionKind = "deeplink"
	// ActionQRCode: show Action.QRCode (the QR payload text, not an image) for the customer to scan.
	ActionQRCode ActionKind = "qr_code"
	// ActionClientConfirm: the customer's browser or app completes the payment with the provider's
	// own client library (Stripe.js's confirmPayment / handleNextAction), which takes
	// Action.ClientSecret.
	ActionClientConfirm ActionKind = "client_confirm"
)

// Action is the next step the customer must take to pay.
type Action struct {
	Kind   ActionKind `json:"kind"`
	URL    string     `json:"url,omitempty"`
	QRCode string     `json:"qr_code,omitempty"`
	// ClientSecret, for ActionClientConfirm, is the secret the provider's client library completes
	// this one payment with (Stripe's PaymentIntent client_secret). Hand it to the paying customer's
	// browser or app only: never log or store it (paygate's adapters and router do neither).
	ClientSecret string    `json:"client_secret,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"` // the action stops working after this; zero if unknown
}

// Refund is a provider's answer about a refund, normalized.
type Refund struct {
	Provider         string `json:"provider"`
	RefundRequestID  string `json:"refund_request_id,omitempty"`
	ProviderRefundID string `json:"provider_refund_id,omitempty"`
	// PaymentRequestID and ProviderPaymentID name the refunded payment, where the provider's reply, its
	// notification or the adapter's request tells them (README: "What an Event holds", per provider).
	PaymentRequestID  string        `json:"payment_request_id,omitempty"`
	ProviderPaymentID string        `json:"provider_payment_id,omitempty"`
	Status            status.Refund `json:"status"`
	ProviderStatus    string        `json:"provider_status,omitempty"`
	Amount            money.Amount  `json:"amount,omitzero"`
	UpdatedAt         time.Time     `json:"updated_at,omitzero"`
}

// EventType says what a webhook event is about.
type EventType string

const (
	// EventPaymentUpdated: Event.Payment holds the payment's new state.
	EventPaymentUpdated EventType = "payment.updated"
	// EventRefundUpdated: Event.Refund holds the refund's new state.
	EventRefundUpdated EventType = "refund.updated"
)

// Event is a verified webhook from a provider, normalized. Deliveries can be duplicated and arrive out
// of order: the same delivery always has the same ID, so handlers can dedupe on it, and handlers should
// compare states rather than assume order (a final status never goes back).
type Event struct {
	ID       string    `json:"id"`
	Provider string    `json:"provider"`
	Type     EventType `json:"type"`
	Payment  *Payment  `json:"payment,omitempty"`
	Refund   *Refund   `json:"refund,omitempty"`
}
