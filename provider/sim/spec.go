package sim

import (
	"context"
	"time"

	"github.com/paygate-go/paygate"
)

// Spec registers a simulator with the `paygate` command (`paygate sim`, the demo, the soak). Each
// simulator package exports one (its Spec function); the registry lists them next to the adapters.
type Spec struct {
	Name string // the provider's name, as in provider.Spec
	// DashboardWebhook: the provider's notification URL is set once in its dashboard, not sent with
	// each payment; `paygate sim` then takes it as --<name>-webhook-url.
	DashboardWebhook bool
	// FailoverCode is a result code that, answered to a create (a ReplyCode fault), the adapter maps to
	// a definite F that route.Failover moves to the next provider: nothing was created. The demo
	// injects it to show a failover.
	FailoverCode string
	// UnknownCode is a result code whose outcome is unknown (U): a router keeps the payment where it is.
	UnknownCode string
	// Chaos is what the routing soak may do to the simulator's payments and calls.
	Chaos Chaos
	// Start starts a simulator on loopback.
	Start func(o StartOptions) (Instance, error)
}

// Chaos is what the routing soak (route/soak) may do to a simulator.
type Chaos struct {
	Settlements  []Settlement // what a customer may do to a payment (final at the provider)
	Faults       []FaultKind  // the fault kinds the simulator implements
	UnknownCodes []string     // result codes whose outcome is unknown (U)
	RejectCodes  []string     // result codes a create may be refused with, each one route.Failover moves on
}

// StartOptions shape a simulator started through its Spec.
type StartOptions struct {
	// WebhookSpeedup divides the provider's webhook retry schedule (0 or 1 keeps the real one).
	WebhookSpeedup int
	// WebhookURL is where a DashboardWebhook provider posts notifications.
	WebhookURL string
}

// Schedule is a provider's webhook retry schedule divided by WebhookSpeedup.
func (o StartOptions) Schedule(real []time.Duration) []time.Duration {
	if o.WebhookSpeedup > 1 {
		return Compress(real, o.WebhookSpeedup)
	}
	return real
}

// Instance is a running simulator as the command drives it.
type Instance interface {
	Settle(ctx context.Context, paymentRequestID string, st Settlement) error
	// SettleOrder is Settle for the payment the provider knows by its own id.
	SettleOrder(ctx context.Context, providerPaymentID string, st Settlement) error
	Inject(f Fault)
	// ClearFaults drops every fault Inject queued.
	ClearFaults()
	SetChaos(fn func(op paygate.Op) (Fault, bool))
	Ledger() *Ledger
	// BaseURL is the simulator's API root: the adapter's base URL.
	BaseURL() string
	// PageURL is the URL of the payment page (sim.Cashier) of the payment the provider knows by
	// providerPaymentID: where a customer pays, fails or cancels it in a browser.
	PageURL(providerPaymentID string) string
	// Env is the adapter's configuration for this simulator, keyed by the adapter's environment
	// variable names (provider.Setting.Env): what the merchant would export.
	Env() map[string]string
	// File is this simulator's section of the JSON file `paygate sim --out` writes (base URL and
	// credentials in the forms a client in any language reads).
	File() (any, error)
	Close()
}
