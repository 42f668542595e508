package stripe

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Name is the adapter's name, in Payment.Provider, errors and logs.
const Name = "stripe"

// DefaultBaseURL is Stripe's API root.
const DefaultBaseURL = "https://api.stripe.com"

// APIVersion is the Stripe API version every request pins (Stripe-Version), the one whose OpenAPI
// spec stripe-mock v0.203.0 embeds.
const APIVersion = "2026-08-26.dahlia"

// DefaultWebhookTolerance is how far a webhook's signed timestamp may be from now when
// Config.WebhookTolerance is 0: the 300 s Stripe's own libraries use.
const DefaultWebhookTolerance = 300 * time.Second

// Config configures [New]. SecretKey is required.
type Config struct {
	// SecretKey is the account's secret API key (sk_live_… or sk_test_…), sent as a Bearer token.
	SecretKey string
	// WebhookSecret is the webhook endpoint's signing secret (whsec_…). API calls do not need it, but
	// without it WebhookHandler refuses every delivery (401). During a secret rotation give both
	// secrets separated by a comma: a delivery signed with either verifies.
	WebhookSecret string
	// BaseURL is the API root; empty means DefaultBaseURL (stripe-mock or a simulator in tests).
	BaseURL string
	// APIVersion is sent as Stripe-Version; empty means the APIVersion constant, the version the
	// adapter is written and tested against.
	APIVersion string
	// WebhookTolerance is how far a delivery's signed timestamp may lie from now (past or future);
	// 0 means DefaultWebhookTolerance. Older deliveries are refused as replays.
	WebhookTolerance time.Duration

	// HTTPClient sends the requests; nil means a client with a 30 s timeout (see
	// provider.TransportConfig.HTTPClient for the TLS rules).
	HTTPClient *http.Client
	// Logger receives the adapter's entries, redacted (the secret key, webhook secrets and client
	// secrets never appear); nil logs nothing.
	Logger *zap.Logger
	// Retry sets the transport's attempts and delays; zero fields take retry.Default()'s.
	Retry retry.Policy
	// Now is the clock that judges a webhook's timestamp; nil means time.Now.
	Now func() time.Time
}

// Gateway is the Stripe adapter. It is safe for concurrent use.
type Gateway struct {
	cfg       Config
	tr        *provider.Transport
	log       *zap.Logger
	now       func() time.Time
	whSecrets [][]byte
	secrets   []string // everything the logger redacts, for error texts too
	tolerance time.Duration
	calls     provider.Calls

	getHeaders http.Header // never modified; POSTs clone it and add the Content-Type and key
}

var (
	_ paygate.Gateway  = (*Gateway)(nil)
	_ retry.Declarer   = (*Gateway)(nil)
	_ provider.Adapter = (*Gateway)(nil)
)

// New checks cfg and returns a Gateway. Configuration errors are plain errors.
func New(cfg Config) (*Gateway, error) {
	if strings.TrimSpace(cfg.SecretKey) == "" {
		return nil, errors.New("stripe: SecretKey empty; copy the secret key (sk_…) from the Stripe dashboard, Developers → API keys")
	}
	if strings.HasPrefix(cfg.SecretKey, "pk_") {
		return nil, errors.New("stripe: SecretKey is a publishable key (pk_…); the API needs the secret key (sk_… or rk_…)")
	}
	if cfg.WebhookTolerance < 0 {
		return nil, errors.New("stripe: WebhookTolerance is negative; use 0 for the 300 s default")
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.APIVersion == "" {
		cfg.APIVersion = APIVersion
	}
	var secrets [][]byte
	redacted := []string{cfg.SecretKey, cfg.WebhookSecret}
	for _, s := range strings.Split(cfg.WebhookSecret, ",") {
		if s = strings.TrimSpace(s); s != "" {
			secrets = append(secrets, []byte(s))
			redacted = append(redacted, s)
		}
	}
	log := provider.NewLogger(cfg.Logger, redacted...)
	tr, err := provider.NewTransport(provider.TransportConfig{
		Provider: Name, BaseURL: cfg.BaseURL, HTTPClient: cfg.HTTPClient, Retry: cfg.Retry, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	g := &Gateway{cfg: cfg, tr: tr, log: log, now: cfg.Now, whSecrets: secrets, secrets: redacted, tolerance: cfg.WebhookTolerance}
	if g.now == nil {
		g.now = time.Now
	}
	if g.tolerance == 0 {
		g.tolerance = DefaultWebhookTolerance
	}
	g.getHeaders = http.Header{}
	g.getHeaders.Set("Authorization", "Bearer "+cfg.SecretKey)
	g.getHeaders.Set("Stripe-Version", cfg.APIVersion)
	caps := Capabilities()
	g.calls = provider.Calls{
		Provider: Name, Log: log.With(zap.String("provider", Name)), Ops: caps.Ops, CaptureModes: caps.CaptureModes,
	}
	return g, nil
}

// Close closes idle HTTP connections. The Gateway stays usable.
func (g *Gateway) Close() { g.tr.CloseIdleConnections() }

// Capabilities is the adapter's declaration (the same for every Config).
func (g *Gateway) Capabilities() provider.Capabilities { return declared }

// declared is built once: Idempotency is asked on every call.
var declared = Capabilities()

// Idempotency declares how Stripe treats a write sent again (retry.Declarer): every write carries
// an Idempotency-Key derived from the request's ids, and Stripe replays the saved answer for 24 h.
func (g *Gateway) Idempotency(op paygate.Op) retry.Idempotency { return declared.IdempotencyOf(op) }

// headers returns the headers of a request: the static ones, and for a POST the form Content-Type
// (sent on every POST, an empty one too) and the Idempotency-Key.
func (g *Gateway) headers(post bool, key string) http.Header {
	if !post {
		return g.getHeaders
	}
	h := g.getHeaders.Clone()
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	if key != "" {
		h.Set("Idempotency-Key", key)
	}
	return h
}

// idempotencyKey is the Idempotency-Key of a write: a per-operation prefix and the merchant's id, so a
// resend carries the same key and two operations never share one. Stripe allows 255 characters; our
// ids are at most 64.
func idempotencyKey(op, id string) string { return fmt.Sprintf("paygate-%s-%s", op, id) }
