package antom

import (
	"crypto/rsa"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Name is the adapter's name: Payment.Provider, Refund.Provider, Event.Provider and Error.Provider.
const Name = "antom"

// Antom's domains. DefaultBaseURL is the Asia one.
const (
	BaseURLAsia         = "https://open-sea-global.alipay.com" // Asia (the default)
	BaseURLNorthAmerica = "https://open-na-global.alipay.com"  // North America, merchants outside the US
	BaseURLUS           = "https://open.antglobal-us.com"      // merchants in the United States
	BaseURLEurope       = "https://open-de-global.alipay.com"  // Europe
	DefaultBaseURL      = BaseURLAsia                          // used when Config.BaseURL is empty
)

// API path prefixes: the sandbox is on the same host under its own prefix.
const (
	livePrefix    = "/ams/api/v1/payments/"
	sandboxPrefix = "/ams/sandbox/api/v1/payments/"
)

// DefaultWebhookMaxAge is how old a notification's request-time may be when Config.WebhookMaxAge is 0.
// Antom documents no freshness window, and it retries a notification for about 24 hours (0 s, 2 min,
// 10 min, 10 min, 1 h, 2 h, 6 h, 15 h) without saying whether a retry carries a new request-time. 25
// hours accepts every genuine retry even if it keeps the first try's time, and refuses anything older
// (a replayed capture of an old notification). Replays within the window are duplicates of genuine
// notifications, which Event.ID lets the merchant's code drop.
const DefaultWebhookMaxAge = 25 * time.Hour

// maxClockSkew is how far in the future a notification's request-time may be.
const maxClockSkew = 5 * time.Minute

// Config configures a Gateway. ClientID, PrivateKey and AntomPublicKey are required.
type Config struct {
	// BaseURL is Antom's domain; empty means DefaultBaseURL (Asia). It may carry a path prefix.
	BaseURL string
	// ClientID is the client id Antom assigned. One that starts with "SANDBOX_" uses the sandbox paths
	// (/ams/sandbox/api/…), as Antom's own SDKs do.
	ClientID string
	// PrivateKey is the merchant's RSA private key (PEM, or the base64 PKCS#8/PKCS#1 DER body Antom's
	// portal shows), at least 2048 bits. It signs every request.
	PrivateKey string
	// AntomPublicKey is Antom's RSA public key (PEM or base64 PKIX DER). It verifies responses and
	// notifications.
	AntomPublicKey string
	// KeyVersion is sent in the signature header; empty means "1".
	KeyVersion string
	// MerchantAccountID is sent as merchantAccountId when set (one client id used across several
	// merchant accounts).
	MerchantAccountID string
	// Sandbox asks for the sandbox paths whatever the client id looks like.
	Sandbox bool
	// PaymentMethodType is the paymentMethodType sent when a CreateRequest names no method (neither
	// CreateOptions.PaymentMethodType, Method.Name nor Method.Type), e.g. "ALIPAY_CN" or "GCASH".
	// Antom's cashier payment requires one; with none anywhere, Create is F INVALID_REQUEST.
	PaymentMethodType string
	// WebhookMaxAge is how old a notification's request-time may be; 0 means DefaultWebhookMaxAge and a
	// negative value turns the age check off (the request-time header is still required and signed).
	WebhookMaxAge time.Duration
	// HTTPClient sends the requests; nil means a client with a 30 s timeout. Its Timeout bounds each
	// try; without one, provider.DefaultTimeout (30 s) does. Its RoundTripper must reach the provider
	// over TLS 1.2 or later: an *http.Transport is cloned with that floor; any other RoundTripper must
	// report the connection in http.Response.TLS, or its answers are not trusted (U). See
	// provider.TransportConfig.HTTPClient.
	HTTPClient *http.Client
	// Logger receives Debug entries for every call and try, redacted; nil logs nothing.
	Logger *zap.Logger
	// Retry bounds the transport's resends of one call; zero fields take retry.Default()'s values.
	Retry retry.Policy
	// Now tells the time, for request-time and the notification age check; nil means time.Now.
	Now func() time.Time
}

// CreateOptions are Antom settings for one payment. Put a CreateOptions or a *CreateOptions in
// CreateRequest.ProviderOptions (provider.Option reads both); other adapters ignore it.
type CreateOptions struct {
	// PaymentMethodType is Antom's paymentMethodType ("ALIPAY_CN", "GCASH", "CARD", …). It wins over
	// Method.Name, Method.Type and Config.PaymentMethodType.
	PaymentMethodType string
	// TerminalType is env.terminalType: WEB, WAP, APP or MINI_APP. It wins over Customer.Terminal
	// (default WEB).
	TerminalType string
	// OSType is env.osType, IOS or ANDROID, which Antom requires for WAP and APP terminals. Empty means
	// guessed from Customer.UserAgent, or left out.
	OSType string
	// SettlementCurrency is settlementStrategy.settlementCurrency, for merchants with several
	// settlement contracts.
	SettlementCurrency string
}

// Gateway is the Antom adapter: a paygate.Gateway and retry.Declarer. Safe for concurrent use.
type Gateway struct {
	cfg      Config
	key      *rsa.PrivateKey
	pub      *rsa.PublicKey
	prefix   string // the API path prefix, live or sandbox
	basePath string // BaseURL's own path, which precedes prefix in the signed path
	t        *provider.Transport
	log      *zap.Logger
	now      func() time.Time
}

var (
	_ paygate.Gateway = (*Gateway)(nil)
	_ retry.Declarer  = (*Gateway)(nil)
)

// New checks cfg and returns a Gateway. Configuration errors are plain errors that say what to fix.
func New(cfg Config) (*Gateway, error) {
	// Every missing setting at once, named as the library and the command (its variable) know it.
	var missing []string
	for _, f := range []struct{ name, env, v string }{
		{"ClientID", EnvClientID, cfg.ClientID}, {"PrivateKey", EnvPrivateKey, cfg.PrivateKey}, {"AntomPublicKey", EnvPublicKey, cfg.AntomPublicKey},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, "Config."+f.name+" ("+f.env+")")
		}
	}
	if len(missing) > 0 {
		verb := "are"
		if len(missing) == 1 {
			verb = "is"
		}
		return nil, fmt.Errorf("antom: %s %s empty; Antom Dashboard shows the client id and Antom's public key, and the private key is the one whose public half you uploaded there",
			strings.Join(missing, ", "), verb)
	}
	key, err := provider.ParsePrivateKey(cfg.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("antom: Config.PrivateKey: %w", err)
	}
	pub, err := provider.ParsePublicKey(cfg.AntomPublicKey)
	if err != nil {
		return nil, fmt.Errorf("antom: Config.AntomPublicKey: %w", err)
	}
	if cfg.KeyVersion == "" {
		cfg.KeyVersion = "1"
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.WebhookMaxAge == 0 {
		cfg.WebhookMaxAge = DefaultWebhookMaxAge
	}
	redacted := provider.NewLogger(cfg.Logger, cfg.PrivateKey)
	log := redacted.With(zap.String("provider", Name))
	// The transport names the provider in its own entries; given log, they would name it twice.
	t, err := provider.NewTransport(provider.TransportConfig{
		Provider: Name, BaseURL: cfg.BaseURL, HTTPClient: cfg.HTTPClient, Retry: cfg.Retry, Logger: redacted,
	})
	if err != nil {
		return nil, fmt.Errorf("antom: %w", err)
	}
	g := &Gateway{cfg: cfg, key: key, pub: pub, prefix: livePrefix, t: t, log: log, now: cfg.Now}
	if g.Sandbox() {
		g.prefix = sandboxPrefix
	}
	base, _ := url.Parse(cfg.BaseURL) // NewTransport parsed it
	g.basePath = strings.TrimSuffix(base.Path, "/")
	if g.now == nil {
		g.now = time.Now
	}
	return g, nil
}

// Sandbox reports whether the Gateway uses Antom's sandbox paths: Config.Sandbox, or a client id that
// starts with "SANDBOX_".
func (g *Gateway) Sandbox() bool {
	return g.cfg.Sandbox || strings.HasPrefix(g.cfg.ClientID, "SANDBOX_")
}

// Close closes idle connections.
func (g *Gateway) Close() { g.t.CloseIdleConnections() }

// Idempotency declares how Antom treats a resent request (retry.Declarer), as Capabilities declares
// it: pay is deduped by paymentRequestId, refund by refundRequestId and capture by captureRequestId
// (the same id answers the original result; another amount is REPEAT_REQ_INCONSISTENT), and Antom's
// cancel documents retrying with the same request parameters after U or no answer. Inquiries are
// reads.
func (g *Gateway) Idempotency(op paygate.Op) retry.Idempotency { return declared.IdempotencyOf(op) }

// declared is Capabilities(), built once: Idempotency is asked on every call.
var declared = Capabilities()

// path is the API path of an endpoint, relative to BaseURL, and the full path Antom signs.
func (g *Gateway) path(endpoint string) (rel, signed string) {
	rel = g.prefix + endpoint
	return rel, g.basePath + rel
}
