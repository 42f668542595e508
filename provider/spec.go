package provider

import (
	"context"
	"net/http"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/retry"
)

// WebhookReceiver is implemented by adapters whose provider sends notifications: the handler verifies
// each one, turns it into a paygate.Event, calls fn, and answers the provider in its own terms (an
// error from fn makes the provider deliver again).
type WebhookReceiver interface {
	WebhookHandler(fn func(context.Context, *paygate.Event) error) http.Handler
}

// Adapter is the surface every paygate adapter offers beyond paygate.Gateway.
type Adapter interface {
	paygate.Gateway
	retry.Declarer
	Capable
	WebhookReceiver
	// Close releases the adapter's idle connections. The Gateway stays usable.
	Close()
}

// Setting is one configuration value an adapter reads: the environment variable its ConfigFromEnv
// reads and the `paygate` command's flag for it.
type Setting struct {
	Env      string // e.g. WAFFO_API_KEY
	Flag     string // without dashes, e.g. api-key; flags shared by providers have one name; "" for none (environment only)
	Help     string // what it is, for the flag's help (without the provider's name)
	Required bool   // New fails without it
	Secret   bool   // a key or secret: never printed
	File     bool   // the flag also takes @FILE (keys and secrets)
	// Field is the Config field the setting fills, as New's errors name it ("APIKey"), so a tool
	// can translate those errors into its own names.
	Field string
	// Bool: the value is true or false (the command takes true, false, 1 or 0).
	Bool bool
	// RequiredWith names (by Env) a Bool setting that, when true, makes this one required.
	RequiredWith string
	// Webhook: notifications cannot be verified without it.
	Webhook bool
}

// Common are the settings every adapter's Config has, given by the program that builds it.
type Common struct {
	HTTPClient *http.Client
	Logger     *zap.Logger
	Retry      retry.Policy
}

// Spec registers an adapter with the tools around it (the `paygate` command, the doc generator).
// Each adapter folder exports one (its Spec function); the registry lists them.
type Spec struct {
	Name  string // the provider's name in paygate.Payment.Provider and on the command line
	Title string // the provider's name in prose ("VAI247")
	// Settings are the adapter's configuration values, in the order help lists them.
	Settings []Setting
	// Open is ConfigFromEnv then New: getenv answers by the Settings' Env names.
	Open func(getenv func(string) string, c Common) (Adapter, error)
	// Capabilities is the adapter's declaration (the same as its Gateway's Capabilities()).
	Capabilities Capabilities
	// CreateHelp is what `paygate create` needs at this provider beyond --amount, --currency and the
	// required credentials (which the command lists from Settings), in the command's flag names, for
	// its help; "" when nothing more.
	CreateHelp string
	// Tables are the adapter's code and status tables, for the README; Heads name their columns.
	Heads    TableHeads
	Codes    []CodeMapping
	Payments []PaymentStatusMapping
	Refunds  []RefundStatusMapping
}

// TableHeads are the README's headers for an adapter's columns: its code column, and its column in
// the payment-status and refund-status tables ("" when it has none).
type TableHeads struct {
	Code, Payment, Refund string
}

// OpenFunc makes a Spec.Open from an adapter's ConfigFromEnv and New: it reads the Config, lets apply
// put the program's Common settings into it, and builds the adapter.
func OpenFunc[C any, A Adapter](fromEnv func(getenv func(string) string) (C, error), apply func(*C, Common), build func(C) (A, error)) func(func(string) string, Common) (Adapter, error) {
	return func(getenv func(string) string, c Common) (Adapter, error) {
		cfg, err := fromEnv(getenv)
		if err != nil {
			return nil, err
		}
		apply(&cfg, c)
		a, err := build(cfg)
		if err != nil {
			return nil, err // not a typed nil in the interface
		}
		return a, nil
	}
}
