package waffo

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// Name is the provider name on every Payment, Refund, Event and Error from this adapter.
const Name = "waffo"

// Waffo's API base URLs.
const (
	// SandboxBaseURL is Waffo's sandbox, the default.
	SandboxBaseURL = "https://api-sandbox.waffo.com/api/v1"
	// ProductionBaseURL moves real money.
	ProductionBaseURL = "https://api.waffo.com/api/v1"
)

// Config configures a Gateway.
type Config struct {
	// BaseURL is Waffo's API root, ending in /api/v1. Empty means SandboxBaseURL, so a missing setting
	// can never move real money; set ProductionBaseURL to go live.
	BaseURL string
	// APIKey is sent as X-API-KEY.
	APIKey string
	// MerchantID is the merchant id Waffo assigned.
	MerchantID string
	// PrivateKey is the merchant's RSA private key (≥ 2048 bits) that signs requests and webhook
	// replies: PEM, or bare base64 DER (PKCS#8 or PKCS#1).
	PrivateKey string
	// WaffoPublicKey is Waffo's RSA public key that signs responses and webhooks: PEM, or bare base64
	// DER (X.509 SubjectPublicKeyInfo).
	WaffoPublicKey string
	// RequireSignedResponses has no effect: a reply without a valid X-SIGNATURE is always U unless
	// AllowUnsignedResponses is set.
	//
	// Deprecated: signed replies are required by default; remove the setting.
	RequireSignedResponses bool
	// AllowUnsignedResponses reads a reply that carries no X-SIGNATURE as if it were Waffo's. It is
	// UNSAFE: whoever can answer in Waffo's place (a proxy, a hijacked name) can then make a payment
	// that went through look failed, or one that failed look paid. Set it only behind a gateway you
	// trust that strips response headers, and fix that gateway instead if you can. A signature that is
	// present must verify either way. The zero value, false, refuses unsigned replies (U).
	AllowUnsignedResponses bool
	// HTTPClient sends the requests; nil means a client with a 30 s timeout. Its Timeout bounds each
	// try; without one, provider.DefaultTimeout (30 s) does. Its RoundTripper must reach the provider
	// over TLS 1.2 or later: an *http.Transport is cloned with that floor; any other RoundTripper must
	// report the connection in http.Response.TLS, or its answers are not trusted (U). See
	// provider.TransportConfig.HTTPClient.
	HTTPClient *http.Client
	// Logger receives call logs with secrets, keys and card data redacted; nil logs nothing.
	Logger *zap.Logger
	// Retry bounds the transport's retries of a request Waffo dedupes; zero means retry.Default().
	Retry retry.Policy
	// Now is the clock for orderRequestedAt/requestedAt, for telling an expired order from a
	// cancelled one and for judging a webhook's age; nil means time.Now.
	Now func() time.Time
	// WebhookMaxAge is how old a notification may be, by its orderUpdatedAt or refundUpdatedAt (it may
	// lie at most WebhookFutureSkew ahead); 0 means DefaultWebhookMaxAge. Older ones are refused as
	// replays.
	WebhookMaxAge time.Duration
}

// DefaultWebhookMaxAge is how old a notification may be when Config.WebhookMaxAge is 0. Waffo retries
// a notification 8 times over about 20.6 hours (now, 30 s, 1 min, 4 min, 30 min, 4 h, 8 h, 8 h), and
// a retry carries the same body, so the same update time; 24 hours accepts the last retry with over
// three hours to spare and refuses anything older (a replayed capture of an old notification).
const DefaultWebhookMaxAge = 24 * time.Hour

// WebhookFutureSkew is how far ahead of the clock a notification's update time may lie (clock skew).
const WebhookFutureSkew = 5 * time.Minute

// Gateway is the Waffo adapter: a paygate.Gateway over Waffo's acquiring API. It is safe for
// concurrent use.
type Gateway struct {
	tr            *provider.Transport
	merchantID    string
	apiKey        string
	key           *rsa.PrivateKey
	waffoKey      *rsa.PublicKey
	allowUnsigned bool
	log           *zap.Logger
	now           func() time.Time
	maxAge        time.Duration
	calls         provider.Calls // validation, ids and the call log, for every operation
}

var (
	_ paygate.Gateway = (*Gateway)(nil)
	_ retry.Declarer  = (*Gateway)(nil)
)

// New checks cfg and returns a Gateway. Configuration errors are plain errors that never contain key
// material.
func New(cfg Config) (*Gateway, error) {
	var missing []string
	for _, f := range []struct{ name, v string }{
		{"APIKey", cfg.APIKey}, {"MerchantID", cfg.MerchantID}, {"PrivateKey", cfg.PrivateKey}, {"WaffoPublicKey", cfg.WaffoPublicKey},
	} {
		if strings.TrimSpace(f.v) == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("waffo: Config.%s is empty; Waffo's merchant dashboard shows the API key, merchant id and Waffo's public key, and the private key is the one whose public half Waffo holds", strings.Join(missing, ", Config."))
	}
	if cfg.WebhookMaxAge < 0 {
		return nil, errors.New("waffo: Config.WebhookMaxAge is negative; use 0 for the 24-hour default")
	}
	if cfg.WebhookMaxAge == 0 {
		cfg.WebhookMaxAge = DefaultWebhookMaxAge
	}
	if len(cfg.MerchantID) > 64 {
		return nil, errors.New("waffo: Config.MerchantID is longer than 64 characters; check it")
	}
	key, err := provider.ParsePrivateKey(cfg.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("waffo: Config.PrivateKey: %w", err)
	}
	waffoKey, err := provider.ParsePublicKey(cfg.WaffoPublicKey)
	if err != nil {
		return nil, fmt.Errorf("waffo: Config.WaffoPublicKey: %w", err)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = SandboxBaseURL
	}
	log := provider.NewLogger(cfg.Logger, cfg.APIKey, cfg.PrivateKey)
	tr, err := provider.NewTransport(provider.TransportConfig{
		Provider: Name, BaseURL: cfg.BaseURL, HTTPClient: cfg.HTTPClient, Retry: cfg.Retry, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("waffo: %w", err)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return &Gateway{
		tr: tr, merchantID: cfg.MerchantID, apiKey: cfg.APIKey, key: key, waffoKey: waffoKey,
		allowUnsigned: cfg.AllowUnsignedResponses, log: log, now: now, maxAge: cfg.WebhookMaxAge,
		calls: provider.Calls{Provider: Name, Log: log.With(zap.String("provider", Name)), Ops: declared.Ops, CaptureModes: declared.CaptureModes},
	}, nil
}

// Idempotency declares what Waffo dedupes (retry.Declarer), as Capabilities declares it: create by
// paymentRequestId and refund by refundRequestId (same id and parameters give the same result; changed
// parameters give A0011). A repeated cancel finds the order already closed, so resending it is safe.
// A capture has no request id and Waffo does not document a second one, so it is never resent: a U
// capture is resolved by inquiry. Inquiries are reads.
func (g *Gateway) Idempotency(op paygate.Op) retry.Idempotency { return declared.IdempotencyOf(op) }

// declared is Capabilities(), built once: Idempotency is asked on every call.
var declared = Capabilities()

// CloseIdleConnections closes the HTTP connections kept for reuse.
//
// Deprecated: use Close, the name every adapter has (provider.Adapter).
func (g *Gateway) CloseIdleConnections() { g.tr.CloseIdleConnections() }

// send is one Waffo API call for c: encode, sign, send through the transport, verify the reply's
// signature, read the envelope and map a result code. It returns the envelope's data on code "0".
func (g *Gateway) send(ctx context.Context, c *provider.Call, path string, body any) (json.RawMessage, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, invalid(c.Op, "", "the request could not be encoded: "+err.Error())
	}
	return g.sendRaw(ctx, c, path, raw)
}

// sendRaw is send for a body already encoded; it signs exactly these bytes. The call's log entry
// notes the last answer's HTTP status and how many tries it took.
func (g *Gateway) sendRaw(ctx context.Context, c *provider.Call, path string, raw []byte) (json.RawMessage, error) {
	op := c.Op
	sig, err := signBody(g.key, raw)
	if err != nil {
		return nil, &paygate.Error{Provider: Name, Op: op, Outcome: status.Failure, Code: status.CodeAuthentication,
			Message: "the request could not be signed; check Config.PrivateKey", Err: fmt.Errorf("%w: %w", retry.ErrNotSent, err)}
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(headerAPIKey, g.apiKey)
	h.Set(headerSignature, sig)
	h.Set(headerAPIVersion, apiVersion)
	resp, err := g.tr.Do(ctx, &provider.Request{
		Op: op, Path: path, Header: h, Body: raw, Resendable: g.Idempotency(op).Resendable(), IDs: c.IDs, Definite: definite,
	})
	if err != nil {
		return nil, err // the transport's F (never sent) or U
	}
	c.Note(zap.Int("http_status", resp.StatusCode), zap.Int("attempts", resp.Attempts))
	return g.read(op, resp)
}

// definite reports whether an answer is one of Waffo's definite failures. Waffo sends its C codes with
// HTTP 5xx; the transport must not resend those as it would a gateway's 5xx.
func definite(_ int, body []byte) bool {
	var env envelope
	if json.Unmarshal(body, &env) != nil || env.Code == "" || env.Code == codeSuccess {
		return false
	}
	return classify(env.Code).outcome == status.Failure
}

// read checks the reply's signature and envelope. Only a verified, well-formed Waffo envelope can be
// F; everything else that is not a clean success is U.
func (g *Gateway) read(op paygate.Op, resp *provider.Response) (json.RawMessage, error) {
	var env envelope
	parseErr := json.Unmarshal(resp.Body, &env)
	if parseErr == nil && env.Code == "" {
		parseErr = errors.New("the reply has no code")
	}
	switch sig := resp.Header.Get(headerSignature); {
	case sig != "":
		if err := verifyWith(g.waffoKey, sig, resp.Body); err != nil {
			return nil, unknown(op, resp, status.CodeProviderError,
				"Waffo's reply signature did not verify, so the reply is not a result: the request may have been processed — inquire or resend with the same ids. "+
					"When no reply verifies, the usual cause is a wrong Config.WaffoPublicKey ("+EnvPublicKey+"): it must be Waffo's public key from the merchant dashboard, not your own", err)
		}
	case g.allowUnsigned, parseErr != nil:
		// Allowed; or not Waffo's envelope at all (a gateway's error page), which is U below.
	default:
		// Waffo signs its replies (its SDK verifies X-SIGNATURE whenever present); an envelope without
		// one cannot be told from a forgery, so whatever it says is not a result.
		return nil, unknown(op, resp, status.CodeProviderError,
			"Waffo's reply carries no X-SIGNATURE, so it is not a result: the request may have been processed — inquire or resend with the same ids. "+
				"If no reply is signed, check that Config.BaseURL ("+EnvBaseURL+") is Waffo's and that nothing on the way strips response headers "+
				"(Config.AllowUnsignedResponses reads unsigned replies, unsafely)",
			fmt.Errorf("the unsigned reply claims code %s", provider.Excerpt(env.Code)))
	}
	if parseErr != nil {
		code := status.CodeProviderError
		switch {
		case resp.StatusCode == http.StatusTooManyRequests:
			code = status.CodeRateLimited
		case resp.StatusCode >= 500:
			code = status.CodeUnavailable
		}
		return nil, unknown(op, resp, code,
			fmt.Sprintf("Waffo answered HTTP %d with a body that is not its JSON envelope: the request may have been processed — inquire or resend with the same ids", resp.StatusCode), parseErr)
	}
	if env.Code != codeSuccess {
		row := classify(env.Code)
		return nil, provider.Answered(Name, op, resp, row.outcome, row.code, row.advice, env.Code, env.Msg)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, unknown(op, resp, status.CodeProviderError,
			fmt.Sprintf("Waffo answered success with HTTP %d, which contradicts itself: inquire or resend with the same ids", resp.StatusCode), nil)
	}
	if d := strings.TrimSpace(string(env.Data)); d == "" || d == "null" {
		return nil, unknown(op, resp, status.CodeProviderError,
			"Waffo answered success without data: inquire or resend with the same ids", nil)
	}
	return env.Data, nil
}

// verifyWith checks a base64 SHA256withRSA signature.
func verifyWith(key *rsa.PublicKey, sig string, body []byte) error {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return errors.New("X-SIGNATURE is not base64")
	}
	return provider.VerifyRSASHA256(key, body, raw)
}

// unknown is a U error about a reply the adapter cannot take as a result (resp nil: the reply's data).
func unknown(op paygate.Op, resp *provider.Response, code status.Code, msg string, cause error) *paygate.Error {
	return provider.Unknown(Name, op, resp, code, msg, cause)
}

// invalid is an F INVALID_REQUEST for a request Waffo would refuse; nothing is sent.
func invalid(op paygate.Op, field, msg string) *paygate.Error {
	return provider.Invalid(Name, op, field, msg)
}
