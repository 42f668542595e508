package vai247

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

const (
	// MaxWebhookBody is the largest notification body WebhookHandler reads (1 MiB); larger is 413.
	MaxWebhookBody = 1 << 20
	// WebhookFutureSkew is how far in the future a webhook's timestamp may lie (clock skew).
	WebhookFutureSkew = 5 * time.Minute
)

var (
	ackBody    = []byte(`{"status":"received"}`)
	rejectBody = []byte(`{"status":"rejected"}`)
	errorBody  = []byte(`{"status":"error"}`)
)

// WebhookAcked reports whether a reply acknowledges a VAI247 notification: HTTP 200 with the body
// {"status":"received"}, exactly what WebhookHandler answers on success.
func WebhookAcked(status int, body []byte) bool {
	return status == http.StatusOK && bytes.Equal(bytes.TrimSpace(body), ackBody)
}

// webhookEvents maps the notification's event names. payment.* carry the order's status;
// refund.completed a refund of the order. Other names (a later docs page adds order.*) are
// acknowledged without calling the merchant's function, so VAI247 does not resend them forever.
var webhookEvents = map[string]paygate.EventType{
	"payment.processing": paygate.EventPaymentUpdated,
	"payment.success":    paygate.EventPaymentUpdated,
	"payment.failed":     paygate.EventPaymentUpdated,
	"refund.completed":   paygate.EventRefundUpdated,
}

// WebhookHandler returns the handler for VAI247's notifications. It accepts only POST (405) with a
// Content-Type of application/json (415, see provider.CheckWebhookContentType) and a body of at most
// 1 MiB (413). It requires X-DVPay-Signature, the hex HMAC-SHA256 of the raw body keyed with
// Config.WebhookSecret (compared in constant time), and answers 401 without calling fn when it is
// missing or wrong. Without a WebhookSecret nothing can be verified, so every delivery is answered 401
// and fn is never called; building the handler then logs an error naming the setting. It refuses
// (401) a notification whose timestamp is older than Config.WebhookMaxAge or more than 5 minutes
// ahead, as a replay. It decodes the body strictly (400 when it cannot), maps payment.* to
// EventPaymentUpdated and refund.completed to EventRefundUpdated, and calls fn with the request's
// context: an error answers 500, so VAI247 sends it again; nil answers 200 {"status":"received"}. The
// event id is derived from the notification's content, so a repeated delivery has the same id: dedupe
// on it. fn must not be nil.
//
// VAI247's notifications name the order only by its own id: an event's ProviderPaymentID is set, its
// PaymentRequestID (and a refund's RefundRequestID and ProviderRefundID) never are, since VAI247
// sends them nowhere (see the package doc). Keep Create's ProviderPaymentID with the order to match.
func (g *Gateway) WebhookHandler(fn func(context.Context, *paygate.Event) error) http.Handler {
	if fn == nil {
		panic("vai247: WebhookHandler needs a function to receive the events")
	}
	if len(g.whSecret) == 0 {
		g.log.Error("vai247 webhooks: every notification will be refused with 401: " + errNoWebhookSecret.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, code, why, ok := provider.ReadWebhook(w, r, len(g.whSecret) > 0, errNoWebhookSecret, MaxWebhookBody)
		if !ok {
			g.reply(w, code, rejectBody, "", why)
			return
		}
		if err := g.verifyWebhook(r.Header.Values(wire.hdrWebhookSignature), body); err != nil {
			g.reply(w, http.StatusUnauthorized, rejectBody, "", err.Error())
			return
		}
		n, err := decodeNotification(body)
		if err != nil {
			g.reply(w, http.StatusBadRequest, rejectBody, "", err.Error())
			return
		}
		if age := g.now().Sub(n.at); age > g.maxAge || age < -WebhookFutureSkew {
			g.reply(w, http.StatusUnauthorized, rejectBody, "", fmt.Sprintf("timestamp is %s away from now: a replay or a broken clock", age.Round(time.Second)))
			return
		}
		ev, err := n.event()
		if err != nil {
			g.reply(w, http.StatusBadRequest, rejectBody, "", err.Error())
			return
		}
		if ev == nil {
			g.reply(w, http.StatusOK, ackBody, "", "event "+n.name+" is not mapped; acknowledged and ignored")
			return
		}
		if err := fn(r.Context(), ev); err != nil {
			g.reply(w, http.StatusInternalServerError, errorBody, ev.ID, "the handler failed; VAI247 will retry")
			return
		}
		g.reply(w, http.StatusOK, ackBody, ev.ID, "")
	})
}

func (g *Gateway) reply(w http.ResponseWriter, code int, body []byte, eventID, why string) {
	provider.WriteWebhookReply(w, g.log, "vai247 webhook", "application/json", code, body, eventID, why)
}

// errNoWebhookSecret is why every notification is refused when Config.WebhookSecret is empty.
var errNoWebhookSecret = errors.New("no webhook secret is configured (Config.WebhookSecret, env " + EnvWebhookSecret +
	"), so no notification can be verified; set it to the webhook secret in VAI247's merchant dashboard")

// verifyWebhook checks X-DVPay-Signature with the webhook secret; without a secret nothing verifies.
func (g *Gateway) verifyWebhook(values []string, body []byte) error {
	if len(g.whSecret) == 0 {
		return errNoWebhookSecret
	}
	if len(values) != 1 {
		return fmt.Errorf("want exactly one %s header, got %d", wire.hdrWebhookSignature, len(values))
	}
	sig, err := hex.DecodeString(strings.TrimSpace(values[0]))
	if err != nil || len(sig) == 0 {
		return errors.New("signature is not hex")
	}
	if !provider.VerifyHMACSHA256(g.whSecret, body, sig) {
		return errors.New("signature does not verify")
	}
	return nil
}

// notification is a decoded VAI247 webhook body.
type notification struct {
	name, orderID, st, currency string
	amount                      json.RawMessage
	ts                          int64
	at                          time.Time
}

func decodeNotification(body []byte) (*notification, error) {
	f, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	n := &notification{}
	for _, s := range []struct {
		dst  *string
		name string
	}{{&n.name, wire.event}, {&n.orderID, wire.orderID}, {&n.st, wire.status}, {&n.currency, wire.currency}} {
		if *s.dst, err = f.str(s.name, true); err != nil {
			return nil, err
		}
	}
	var ok bool
	if n.amount, ok = f.raw(wire.amount); !ok {
		return nil, fmt.Errorf("field %q is missing", wire.amount)
	}
	raw, ok := f.raw(wire.timestamp)
	if !ok {
		return nil, fmt.Errorf("field %q is missing", wire.timestamp)
	}
	var ts json.Number
	if err := json.Unmarshal(raw, &ts); err != nil {
		return nil, fmt.Errorf("field %q is not unix seconds", wire.timestamp)
	}
	if n.ts, err = ts.Int64(); err != nil {
		return nil, fmt.Errorf("field %q is not unix seconds", wire.timestamp)
	}
	n.at = time.Unix(n.ts, 0)
	return n, nil
}

// event maps the notification; nil for an event name the adapter does not map.
func (n *notification) event() (*paygate.Event, error) {
	typ, ok := webhookEvents[n.name]
	if !ok {
		return nil, nil
	}
	amt, err := parseAmount(n.amount, n.currency)
	if err != nil {
		return nil, err
	}
	ev := &paygate.Event{ID: n.id(), Provider: Name, Type: typ}
	if typ == paygate.EventRefundUpdated {
		ev.Refund = &paygate.Refund{Provider: Name, ProviderPaymentID: n.orderID, Status: status.RefundSucceeded,
			ProviderStatus: n.st, Amount: amt, UpdatedAt: n.at}
		return ev, nil
	}
	state, ok := orderStates[n.st]
	if !ok {
		return nil, fmt.Errorf("order status %q is not one the adapter knows", n.st)
	}
	p := &paygate.Payment{Provider: Name, ProviderPaymentID: n.orderID, Status: state.status, ProviderStatus: n.st, Amount: amt, UpdatedAt: n.at}
	if state.refunded == "all" {
		p.Refunded = amt
	}
	ev.Payment = takenWhenPaid(p)
	return ev, nil
}

// id is the event id: a hash of what the notification says, so the same notification always has the
// same id and different ones (another event, status, amount or time) differ.
func (n *notification) id() string {
	h := sha256.New()
	for _, s := range []string{n.name, n.orderID, n.st, n.currency, string(bytes.TrimSpace(n.amount)), fmt.Sprint(n.ts)} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "evt_" + hex.EncodeToString(h.Sum(nil)[:16])
}
