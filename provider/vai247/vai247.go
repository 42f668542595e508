package vai247

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
)

// Name is the adapter's name, in Payment.Provider, errors and logs.
const Name = "vai247"

// DefaultBaseURL is VAI247's production API root.
const DefaultBaseURL = "https://merchant.dv.vai247.pro"

// DefaultWebhookMaxAge is how old a webhook's timestamp may be when Config.WebhookMaxAge is 0. It
// covers the simulator's retry schedule; VAI247 does not document one.
const DefaultWebhookMaxAge = 24 * time.Hour

// Config configures [New]. AppID, APIKey and StoreID are required; APISecret too with RefundSigning.
type Config struct {
	// BaseURL is the API root; empty means DefaultBaseURL.
	BaseURL string
	// AppID, APIKey: sent as X-App-Id and X-Api-Key on every call.
	AppID, APIKey string
	// APISecret signs refunds (X-Signature) when RefundSigning is on.
	APISecret string
	// StoreID is the merchant's store, sent on every create.
	StoreID string
	// WebhookSecret verifies X-DVPay-Signature on webhooks (env VAI247_WEBHOOK_SECRET): unsigned and
	// mis-signed notifications are refused. API calls do not need it, but without it WebhookHandler
	// refuses every notification (401), since none can be verified.
	WebhookSecret string
	// RefundSigning turns on the later (2026-03-02) refund authentication: refunds also carry
	// X-Signature (hex HMAC-SHA256 of the body and the timestamp, keyed with APISecret) and
	// X-Idempotent-Key (a UUID derived from StoreID and RefundRequestID, the same on every resend).
	// With it, VAI247 dedupes refunds and a refund that was U is resent; without it refunds carry no
	// idempotency key, so a U refund is never resent and stays U (there is no refund inquiry).
	RefundSigning bool

	// HTTPClient sends the requests; nil means a client with a 30 s timeout. Its Timeout bounds each
	// try; without one, provider.DefaultTimeout (30 s) does. Its RoundTripper must reach the provider
	// over TLS 1.2 or later: an *http.Transport is cloned with that floor; any other RoundTripper must
	// report the connection in http.Response.TLS, or its answers are not trusted (U). See
	// provider.TransportConfig.HTTPClient.
	HTTPClient *http.Client
	// Logger receives the adapter's entries, redacted; nil logs nothing.
	Logger *zap.Logger
	// Retry sets the transport's attempts and delays; zero fields take retry.Default()'s.
	Retry retry.Policy
	// Now is the clock stamped into X-Timestamp and used to judge a webhook's age; nil means
	// time.Now. Tests share a simulator's manual clock through it.
	Now func() time.Time
	// WebhookMaxAge is how far a webhook's timestamp may lie in the past (it may lie at most 5
	// minutes in the future); 0 means DefaultWebhookMaxAge. Older notifications are refused as replays.
	WebhookMaxAge time.Duration
}

// Gateway is the VAI247 adapter. It is safe for concurrent use.
type Gateway struct {
	cfg       Config
	tr        *provider.Transport
	log       *zap.Logger
	now       func() time.Time
	apiSecret []byte
	whSecret  []byte
	maxAge    time.Duration
	calls     provider.Calls // validation, offered ops, ids and the call log, for every operation

	postHeaders, getHeaders http.Header // see staticHeaders; never modified
}

var (
	_ paygate.Gateway = (*Gateway)(nil)
	_ retry.Declarer  = (*Gateway)(nil)
)

// New checks cfg and returns a Gateway. Configuration errors are plain errors. An empty WebhookSecret
// is accepted, since API calls do not use it, but the Gateway's WebhookHandler then refuses every
// notification.
func New(cfg Config) (*Gateway, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"AppID", cfg.AppID}, {"APIKey", cfg.APIKey}, {"StoreID", cfg.StoreID}} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if cfg.RefundSigning && cfg.APISecret == "" {
		missing = append(missing, "APISecret (RefundSigning is on)")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("vai247: %s empty; copy them from the VAI247 merchant dashboard", strings.Join(missing, ", "))
	}
	if cfg.WebhookMaxAge < 0 {
		return nil, errors.New("vai247: WebhookMaxAge is negative; use 0 for the 24-hour default")
	}
	log := provider.NewLogger(cfg.Logger, cfg.APIKey, cfg.APISecret, cfg.WebhookSecret)
	tr, err := provider.NewTransport(provider.TransportConfig{
		Provider: Name, BaseURL: cfg.BaseURL, HTTPClient: cfg.HTTPClient, Retry: cfg.Retry, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	g := &Gateway{cfg: cfg, tr: tr, log: log, now: cfg.Now, apiSecret: []byte(cfg.APISecret),
		whSecret: []byte(cfg.WebhookSecret), maxAge: cfg.WebhookMaxAge}
	if g.now == nil {
		g.now = time.Now
	}
	if g.maxAge == 0 {
		g.maxAge = DefaultWebhookMaxAge
	}
	g.postHeaders, g.getHeaders = g.headers(true), g.headers(false)
	g.calls = provider.Calls{
		Provider: Name, Log: log.With(zap.String("provider", Name)), Ops: capabilities(cfg.RefundSigning).Ops,
		NotOffered: map[paygate.Op]string{paygate.OpInquireRefund: noRefundInquiry, paygate.OpCapture: noCapture},
		// CaptureModes nil: Run refuses a CaptureManual create (F NOT_SUPPORTED) before anything is sent.
	}
	return g, nil
}

// CloseIdleConnections closes idle HTTP connections (for tests that check for leaked goroutines).
//
// Deprecated: use Close, the name every adapter has (provider.Adapter).
func (g *Gateway) CloseIdleConnections() { g.tr.CloseIdleConnections() }

// Orphan is why re-creating a VAI247 order after an unknown create is safe, as declared to retry.Wrap.
const Orphan = "VAI247 does not dedupe create, but an order whose create reply was lost is an orphan: " +
	"its QR code never reached anyone, so it cannot be paid, and it expires unpaid after 30 minutes; " +
	"creating again after an unknown create yields one payable order"

// cancelSafe is why resending a cancel is safe.
const cancelSafe = "a second cancel of a cancelled order changes nothing (VAI247 answers 409, and the " +
	"inquiry then shows the order cancelled)"

// Idempotency declares how VAI247 treats a write sent again (retry.Declarer), as its capabilities
// declare it for this Config. Create is not deduped but may be resent (see Orphan); cancel may be
// resent; refund is deduped only with RefundSigning (by X-Idempotent-Key) and otherwise must not be
// resent. Inquiries are reads.
func (g *Gateway) Idempotency(op paygate.Op) retry.Idempotency {
	return declared[g.cfg.RefundSigning].IdempotencyOf(op)
}

// declared are the capabilities without and with RefundSigning, built once: Idempotency is asked on
// every call.
var declared = map[bool]provider.Capabilities{false: capabilities(false), true: capabilities(true)}

// idempotentKey is the X-Idempotent-Key of a refund: a name-based UUID (version 5, SHA-1) of the
// store and the merchant's refund request id, so every resend of the same refund carries the same key
// and two stores never share one.
func idempotentKey(storeID, refundRequestID string) string {
	h := sha1.New()
	h.Write(keyNamespace[:])
	h.Write([]byte(storeID + "\x00" + refundRequestID))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	x := hex.EncodeToString(u[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// keyNamespace is the UUID namespace of refund keys (a random UUID fixed for this adapter).
var keyNamespace = [16]byte{0x8e, 0x1b, 0x52, 0x0c, 0x3a, 0x77, 0x4d, 0x1e, 0x9b, 0x40, 0x62, 0xd5, 0x0a, 0x6f, 0x13, 0xc4}

// headers are the static headers of a call; sign adds the timestamp (and the refund signature).
func (g *Gateway) headers(post bool) http.Header {
	h := http.Header{}
	h.Set(wire.hdrAppID, g.cfg.AppID)
	h.Set(wire.hdrAPIKey, g.cfg.APIKey)
	if post {
		h.Set(wire.hdrContentType, "application/json")
	}
	return h
}

// staticHeaders returns the headers of a call without extra ones, built once: the transport copies a
// request's headers before signing and never changes them, so every call can share them.
func (g *Gateway) staticHeaders(post bool) http.Header {
	if post {
		return g.postHeaders
	}
	return g.getHeaders
}

// stamp sets X-Timestamp, fresh on every try.
func (g *Gateway) stamp(h http.Header, _ []byte) error {
	h.Set(wire.hdrTimestamp, strconv.FormatInt(g.now().Unix(), 10))
	return nil
}

// stampAndSign sets X-Timestamp and X-Signature = hex(HMAC-SHA256(APISecret, body + timestamp)).
func (g *Gateway) stampAndSign(h http.Header, body []byte) error {
	ts := strconv.FormatInt(g.now().Unix(), 10)
	h.Set(wire.hdrTimestamp, ts)
	msg := append(append(make([]byte, 0, len(body)+len(ts)), body...), ts...)
	h.Set(wire.hdrSignature, hex.EncodeToString(provider.SignHMACSHA256(g.apiSecret, msg)))
	return nil
}
