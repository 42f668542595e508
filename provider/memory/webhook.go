package memory

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
)

// SignatureHeader is the header that signs a memory webhook: "t=<unix seconds>,v1=<hex HMAC>", where
// the HMAC-SHA256 keyed with the webhook secret covers "<t>.<body>".
const SignatureHeader = "Memory-Signature"

const (
	// MaxWebhookBody is the largest notification body WebhookHandler reads (1 MiB); larger is 413.
	MaxWebhookBody = 1 << 20
	// SignatureTolerance is how far a notification's timestamp may be from the clock, either way.
	SignatureTolerance = 5 * time.Minute
)

var (
	ackBody  = []byte(`{"received":true}`)
	nackBody = []byte(`{"received":false}`)
)

// WebhookAcked reports whether a reply acknowledges a memory notification: exactly what
// WebhookHandler answers on success, HTTP 200 with the body {"received":true}. Anything else makes the
// provider retry.
func WebhookAcked(status int, body []byte) bool {
	return status == http.StatusOK && bytes.Equal(body, ackBody)
}

// notifyPayment sends a payment.updated event for p to its NotifyURL. Callers hold g.mu.
func (g *Gateway) notifyPayment(p *payment) {
	if p.req.NotifyURL == "" || g.closed {
		return
	}
	p.events++
	g.send(p.req.NotifyURL, &paygate.Event{
		ID:       fmt.Sprintf("evt_%s_%d", p.p.ProviderPaymentID, p.events),
		Provider: g.name,
		Type:     paygate.EventPaymentUpdated,
		Payment:  copyPayment(&p.p),
	})
}

// notifyRefund sends a refund.updated event for r. Callers hold g.mu.
func (g *Gateway) notifyRefund(r *refund) {
	if r.notifyURL == "" || g.closed {
		return
	}
	r.events++
	g.send(r.notifyURL, &paygate.Event{
		ID:       fmt.Sprintf("evt_%s_%d", r.r.ProviderRefundID, r.events),
		Provider: g.name,
		Type:     paygate.EventRefundUpdated,
		Refund:   copyRefund(&r.r),
	})
}

func (g *Gateway) send(url string, ev *paygate.Event) {
	body, err := json.Marshal(ev)
	if err != nil { // unreachable: every field marshals
		g.log.Error("webhook not sent: encoding failed", zap.String("event_id", ev.ID), zap.Error(err))
		return
	}
	// Signed again before every try, so a retry an hour later is not stale.
	g.webhooks.SendSigned(ev.ID, url, body, func() http.Header {
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set(SignatureHeader, signature(g.secret, g.clock.Now().Unix(), body))
		return h
	})
	g.log.Debug("webhook queued", zap.String("event_id", ev.ID), zap.String("type", string(ev.Type)))
}

// signature is the Memory-Signature header value for body sent at unix time t.
func signature(secret []byte, t int64, body []byte) string {
	ts := strconv.FormatInt(t, 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(provider.SignHMACSHA256(secret, signedPayload(ts, body)))
}

func signedPayload(ts string, body []byte) []byte {
	msg := make([]byte, 0, len(ts)+1+len(body))
	msg = append(msg, ts...)
	msg = append(msg, '.')
	return append(msg, body...)
}

// WebhookHandler returns the handler for the memory provider's notifications. It accepts only POST
// (405 otherwise) with Content-Type application/json (415 otherwise; the provider sends exactly that)
// and a body of at most 1 MiB (413), checks the Memory-Signature header — present,
// timestamp within 5 minutes of the Gateway's clock, HMAC valid (compared in constant time) — and
// answers 401 {"received":false} without calling fn when it fails. It then decodes the event strictly
// (unknown fields, malformed amounts, unknown types or statuses: 400) and calls fn with the request's
// context: an error answers 500 {"received":false}, so the provider sends it again; nil answers 200
// {"received":true}. Deliveries may repeat: dedupe on Event.ID. fn must not be nil.
func (g *Gateway) WebhookHandler(fn func(context.Context, *paygate.Event) error) http.Handler {
	if fn == nil {
		panic("memory: WebhookHandler needs a function to receive the events")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			g.reply(w, http.StatusMethodNotAllowed, nackBody, "", "method not allowed")
			return
		}
		if err := provider.CheckWebhookContentType(r.Header); err != nil {
			g.reply(w, http.StatusUnsupportedMediaType, nackBody, "", err.Error())
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		if err != nil {
			if _, tooLarge := errors.AsType[*http.MaxBytesError](err); tooLarge {
				g.reply(w, http.StatusRequestEntityTooLarge, nackBody, "", "body over 1 MiB")
				return
			}
			g.reply(w, http.StatusBadRequest, nackBody, "", "body could not be read")
			return
		}
		if err := g.verify(r.Header.Values(SignatureHeader), body); err != nil {
			g.reply(w, http.StatusUnauthorized, nackBody, "", err.Error())
			return
		}
		ev, err := g.decodeEvent(body)
		if err != nil {
			g.reply(w, http.StatusBadRequest, nackBody, "", err.Error())
			return
		}
		if err := fn(r.Context(), ev); err != nil {
			g.reply(w, http.StatusInternalServerError, nackBody, ev.ID, "the handler failed; the provider will retry")
			return
		}
		g.reply(w, http.StatusOK, ackBody, ev.ID, "")
	})
}

func (g *Gateway) reply(w http.ResponseWriter, code int, body []byte, eventID, why string) {
	provider.WriteWebhookReply(w, g.log, "webhook received", "application/json", code, body, eventID, why)
}

// verify checks the Memory-Signature header values against body.
func (g *Gateway) verify(values []string, body []byte) error {
	if len(values) != 1 {
		return fmt.Errorf("want exactly one %s header, got %d", SignatureHeader, len(values))
	}
	ts, sigs, err := parseSignature(values[0])
	if err != nil {
		return err
	}
	t, _ := strconv.ParseInt(ts, 10, 64) // parseSignature checked it
	if d := g.clock.Now().Sub(time.Unix(t, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		return fmt.Errorf("timestamp is %s away from now; the tolerance is %s", d.Round(time.Second), SignatureTolerance)
	}
	msg := signedPayload(ts, body)
	for _, sig := range sigs {
		if provider.VerifyHMACSHA256(g.secret, msg, sig) {
			return nil
		}
	}
	return errors.New("signature does not verify")
}

// parseSignature splits "t=<unix seconds>,v1=<hex>[,v1=<hex>…]". Unknown schemes are ignored, so a
// signer can add new ones; there must be one timestamp and at least one v1 signature.
func parseSignature(h string) (ts string, sigs [][]byte, err error) {
	for part := range strings.SplitSeq(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return "", nil, errors.New("malformed signature header")
		}
		switch k {
		case "t":
			if ts != "" {
				return "", nil, errors.New("signature header has two timestamps")
			}
			if _, err := strconv.ParseInt(v, 10, 64); err != nil || v == "" || v[0] == '+' || v[0] == '-' {
				return "", nil, errors.New("signature timestamp is not unix seconds")
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil || len(sig) == 0 {
				return "", nil, errors.New("v1 signature is not hex")
			}
			sigs = append(sigs, sig)
		}
	}
	if ts == "" || len(sigs) == 0 {
		return "", nil, errors.New("signature header lacks t or v1")
	}
	return ts, sigs, nil
}

// decodeEvent decodes a notification body strictly.
func (g *Gateway) decodeEvent(body []byte) (*paygate.Event, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var ev paygate.Event
	if err := dec.Decode(&ev); err != nil {
		return nil, fmt.Errorf("event does not decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the event")
	}
	switch {
	case ev.ID == "":
		return nil, errors.New("event has no id")
	case ev.Provider != g.name:
		return nil, fmt.Errorf("event is from provider %q, not %q", ev.Provider, g.name)
	case ev.Type == paygate.EventPaymentUpdated:
		if ev.Payment == nil || ev.Refund != nil || !ev.Payment.Status.Valid() {
			return nil, errors.New("payment event without a valid payment")
		}
	case ev.Type == paygate.EventRefundUpdated:
		if ev.Refund == nil || ev.Payment != nil || !ev.Refund.Status.Valid() {
			return nil, errors.New("refund event without a valid refund")
		}
	default:
		return nil, fmt.Errorf("unknown event type %q", ev.Type)
	}
	return &ev, nil
}
