package conformance

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// Harness builds what one test case needs: a fresh simulator and a Gateway that talks to it.
type Harness interface {
	// New returns a fresh environment. It registers its own cleanup with t.Cleanup. The Gateway it
	// returns must log through opts.Logger.
	New(t *testing.T, opts Options) *Env
}

// HarnessFunc adapts a function to Harness.
type HarnessFunc func(t *testing.T, opts Options) *Env

// New calls f.
func (f HarnessFunc) New(t *testing.T, opts Options) *Env { return f(t, opts) }

// Options are what the suite asks of a new environment.
type Options struct {
	// Logger is the suite's observed logger; the Gateway must log through it (the suite checks the
	// logs for secrets).
	Logger *zap.Logger
}

// Env is one fresh simulator and the Gateway under test.
type Env struct {
	// Gateway is the adapter, unwrapped. The suite wraps it with retry.Wrap where a case needs to.
	Gateway paygate.Gateway
	// Sim drives the simulator behind Gateway.
	Sim Simulator
	// Caps says what the provider offers; cases that need a missing capability skip, saying why. Build
	// it with CapabilitiesFrom(the adapter's declaration). When Gateway declares its capabilities
	// (provider.Capable), the suite fails if Caps claims one the declaration does not, and logs those
	// it leaves out.
	Caps Capabilities
	// FaultCodes are provider result codes the simulator can be made to answer, each with the outcome
	// and normalized code the adapter must report for it. The suite injects every one.
	FaultCodes []FaultCode
	// Secrets are strings that must never appear in a log line (API keys, private keys, webhook
	// secrets). The suite adds card numbers and CVVs of its own.
	Secrets []string
	// WebhookHandler returns the adapter's webhook handler. Required when Caps.Webhooks.
	WebhookHandler func(func(context.Context, *paygate.Event) error) http.Handler
	// WebhookAcked reports whether the handler's reply acknowledges a notification in the provider's
	// terms (the exact body or status the provider expects). Required when Caps.Webhooks.
	WebhookAcked func(status int, body []byte) bool
}

// FaultCode is a provider result code and what an adapter must make of it.
type FaultCode struct {
	Op           paygate.Op
	ProviderCode string
	Outcome      status.Outcome
	Code         status.Code
	// Replayed: the provider saves this answer under the request's idempotency key and gives it
	// again to every resend within its dedupe window (Stripe's 500 api_error once the request started
	// executing). A resend cannot resolve it; only an inquiry can. The suite then expects a write
	// struck by it to stay U (never F) through retry.Wrap, and resolves it, once an inquiry shows it
	// did not land, under a new request id.
	Replayed bool
}

// Simulator is the control panel of the simulator behind a Gateway.
type Simulator interface {
	// Settle moves the payment created for paymentRequestID as the user or the provider would. For a
	// provider without idempotent create it settles the order the merchant was last given.
	Settle(ctx context.Context, paymentRequestID string, s sim.Settlement) error
	// SettleOrder settles one order by the provider's payment id; for an orphan order (one the
	// merchant was never given) a provider without idempotent create must refuse Pay.
	SettleOrder(ctx context.Context, providerPaymentID string, s sim.Settlement) error
	// Inject queues a fault for the next call(s) of an operation.
	Inject(f sim.Fault)
	// Ledger records what reached the simulator and what it really produced.
	Ledger() *sim.Ledger
	// Webhooks is the simulator's webhook sender; nil when the provider has no webhooks.
	Webhooks() *sim.Webhooks
}

// Capabilities are the provider's offers and limits, which decide which cases run.
type Capabilities struct {
	PartialRefund      bool // a refund may be less than the payment
	MultipleRefunds    bool // several refunds of one payment
	CancelAfterPayment bool // a succeeded payment can be cancelled (voided)
	ManualCapture      bool // Create accepts paygate.CaptureManual and Capture is offered
	PartialCapture     bool // a capture may take less than the authorized amount
	Void               bool // Cancel of an AUTHORIZED payment releases the hold (CANCELED)
	RefundInquiry      bool // InquireRefund is offered
	IdempotentCreate   bool // the provider dedupes create by PaymentRequestID
	InquireByRequestID bool // Inquire accepts PaymentRequestID (otherwise ProviderPaymentID only)
	// RequestIDLookupLags: inquiry by PaymentRequestID reads an eventually consistent index, so not
	// finding a payment there is U, not F NOT_FOUND; the suite then inquires by ProviderPaymentID.
	RequestIDLookupLags bool
	RequiresAction      bool // create answers RequiresAction with an Action for the user
	Webhooks            bool // the provider sends signed notifications
	// Settlements the simulator can apply.
	Settlements []sim.Settlement
	// Faults are the fault kinds the simulator can inject.
	Faults []sim.FaultKind
	// Currencies the provider accepts; the suite checks exact amounts in each one it knows.
	Currencies []string
}

// WebhookURLSetter is implemented by simulators of providers whose notification URL is set once in
// the merchant's dashboard rather than sent with each payment (the adapter does not send
// CreateRequest.NotifyURL). The suite points it at a local sink for every case, and at its own
// receiver in the webhook cases.
type WebhookURLSetter interface {
	SetWebhookURL(url string)
}

// ClockAdvancer is implemented by simulators whose clock the suite may move forward. AdvanceClock
// applies what the time passing does, such as expiring unpaid orders. Without it the suite cannot
// check that the orphan orders of a provider without idempotent create expire, and says so.
type ClockAdvancer interface {
	AdvanceClock(d time.Duration)
}

// CapabilitiesFrom is the suite's view of an adapter's declaration: the offers it copies, RefundInquiry
// from whether InquireRefund is one of decl.Ops, IdempotentCreate from whether create is deduped. The
// harness adds what only its simulator knows (Settlements, Faults) and may narrow Currencies to those
// it wants tested; with decl.Currencies nil (whatever the provider accepts) it must set them.
func CapabilitiesFrom(decl provider.Capabilities) Capabilities {
	return Capabilities{
		PartialRefund:       decl.PartialRefund,
		MultipleRefunds:     decl.MultipleRefunds,
		CancelAfterPayment:  decl.CancelAfterPayment,
		ManualCapture:       decl.Captures(paygate.CaptureManual) && decl.Offers(paygate.OpCapture),
		PartialCapture:      decl.PartialCapture,
		Void:                decl.Void,
		RefundInquiry:       decl.Offers(paygate.OpInquireRefund),
		IdempotentCreate:    decl.IdempotencyOf(paygate.OpCreate).Dedupes,
		InquireByRequestID:  decl.InquireByRequestID,
		RequestIDLookupLags: decl.RequestIDLookupLags,
		RequiresAction:      decl.RequiresAction,
		Webhooks:            decl.Webhooks,
		Currencies:          slices.Clone(decl.Currencies),
	}
}
