package stripe

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
)

// MaxWebhookBody is the largest delivery WebhookHandler reads (1 MiB); larger is 413.
const MaxWebhookBody = 1 << 20

var (
	ackBody    = []byte(`{"received":true}`)
	rejectBody = []byte(`{"received":false}`)
)

// WebhookAcked reports whether a reply acknowledges a Stripe delivery as WebhookHandler does: HTTP
// 200 with {"received":true}. (Stripe itself takes any 2xx.)
func WebhookAcked(status int, body []byte) bool {
	return status == http.StatusOK && bytes.Equal(bytes.TrimSpace(body), ackBody)
}

// maxSignatures bounds the v1 values read from one Stripe-Signature header.
const maxSignatures = 8

// signature is a parsed Stripe-Signature header: t and every v1 (hex HMAC-SHA256).
type signature struct {
	t  int64
	v1 [][]byte
}

// parseSignature reads "t=<unix>,v1=<hex>[,v1=<hex>…]" (v0 and other schemes are skipped). It needs
// exactly one t and at least one v1 that is hex.
func parseSignature(h string) (signature, error) {
	var s signature
	haveT := false
	for _, part := range strings.Split(h, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			if haveT {
				return s, errors.New("the signature header has more than one timestamp")
			}
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return s, errors.New("the signature header's timestamp is not unix seconds")
			}
			s.t, haveT = n, true
		case "v1":
			if len(s.v1) == maxSignatures {
				return s, errors.New("the signature header has too many v1 signatures")
			}
			b, err := hex.DecodeString(v)
			if err != nil || len(b) == 0 {
				continue // not one of ours; another may verify
			}
			s.v1 = append(s.v1, b)
		}
	}
	switch {
	case !haveT:
		return s, errors.New("the signature header has no timestamp (t=)")
	case len(s.v1) == 0:
		return s, errors.New("the signature header has no v1 signature")
	}
	return s, nil
}

// verify checks the header against body: any v1 matching any configured secret passes (secret
// rotation), compared in constant time; then the timestamp must be within the tolerance.
func (g *Gateway) verify(header string, body []byte) error {
	s, err := parseSignature(header)
	if err != nil {
		return err
	}
	msg := make([]byte, 0, 24+len(body))
	msg = append(strconv.AppendInt(msg, s.t, 10), '.')
	msg = append(msg, body...)
	ok := false
	for _, secret := range g.whSecrets {
		for _, sig := range s.v1 {
			if provider.VerifyHMACSHA256(secret, msg, sig) {
				ok = true
			}
		}
	}
	if !ok {
		return errors.New("no v1 signature verifies with the webhook secret")
	}
	if d := g.now().Sub(time.Unix(s.t, 0)); d > g.tolerance || d < -g.tolerance {
		return fmt.Errorf("the signed timestamp is %s away from now, over the %s tolerance: a replay or a broken clock", d.Round(time.Second), g.tolerance)
	}
	return nil
}

// errNoWebhookSecret is why every delivery is refused when Config.WebhookSecret is empty.
var errNoWebhookSecret = errors.New("no webhook secret is configured (Config.WebhookSecret, env " + EnvWebhookSecret +
	"), so no delivery can be verified; set it to the endpoint's signing secret (whsec_…) from the Stripe dashboard")

// WebhookHandler returns the handler for Stripe's event deliveries. It accepts only POST (405) with a
// JSON Content-Type (415) and a body of at most 1 MiB (413); it verifies Stripe-Signature (401 when
// missing, wrong, or outside Config.WebhookTolerance; without a WebhookSecret every delivery is 401).
// It does not trust the event's copy of the object: for payment_intent.* and charge.refunded it GETs
// the PaymentIntent, for refund.* and charge.refund.updated the Refund, so a late or reordered event
// never moves the merchant backwards, and calls fn with EventPaymentUpdated or EventRefundUpdated
// (Event.ID is the evt_ id, the same on every redelivery). Other event types are acknowledged
// without calling fn. A failed fetch or an error from fn answers 500, so Stripe delivers again;
// success answers 200 {"received":true}. fn must not be nil.
func (g *Gateway) WebhookHandler(fn func(context.Context, *paygate.Event) error) http.Handler {
	if fn == nil {
		panic("stripe: WebhookHandler needs a function to receive the events")
	}
	if len(g.whSecrets) == 0 {
		g.log.Error("stripe webhooks: every delivery will be refused with 401: " + errNoWebhookSecret.Error())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, code, why, ok := provider.ReadWebhook(w, r, len(g.whSecrets) > 0, errNoWebhookSecret, MaxWebhookBody)
		if !ok {
			g.reply(w, code, rejectBody, "", why)
			return
		}
		if err := g.verify(r.Header.Get("Stripe-Signature"), body); err != nil {
			g.reply(w, http.StatusUnauthorized, rejectBody, "", err.Error())
			return
		}
		var ev event
		if _, err := decode(body, &ev); err != nil || ev.ID == "" || ev.Type == "" {
			g.reply(w, http.StatusBadRequest, rejectBody, "", "the event does not parse or has no id or type")
			return
		}
		out, err := g.fetchEvent(r.Context(), &ev)
		switch {
		case errors.Is(err, errIgnored):
			g.reply(w, http.StatusOK, ackBody, ev.ID, "event type "+provider.Excerpt(ev.Type)+" is not mapped; acknowledged and ignored")
			return
		case err != nil:
			g.reply(w, http.StatusInternalServerError, rejectBody, ev.ID, "fetching the event's object failed; Stripe will deliver again: "+err.Error())
			return
		}
		if err := fn(r.Context(), out); err != nil {
			g.reply(w, http.StatusInternalServerError, rejectBody, ev.ID, "the handler failed; Stripe will deliver again")
			return
		}
		g.reply(w, http.StatusOK, ackBody, ev.ID, "")
	})
}

var errIgnored = errors.New("event type not mapped")

// fetchEvent turns a verified event into a paygate.Event with the object's current state.
func (g *Gateway) fetchEvent(ctx context.Context, ev *event) (*paygate.Event, error) {
	var obj eventObject
	if _, err := decode(ev.Data.Object, &obj); err != nil || obj.ID == "" {
		if !mapped(ev.Type) {
			return nil, errIgnored
		}
		return nil, errors.New("the event's data.object has no id")
	}
	out := &paygate.Event{ID: ev.ID, Provider: Name}
	switch {
	case strings.HasPrefix(ev.Type, "payment_intent."), ev.Type == "charge.refunded":
		id := obj.ID
		if ev.Type == "charge.refunded" {
			id = obj.PaymentIntent
		}
		if id == "" {
			return nil, errors.New("the charge names no PaymentIntent")
		}
		p, err := g.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: id})
		if err != nil {
			return nil, err
		}
		out.Type, out.Payment = paygate.EventPaymentUpdated, p
	case strings.HasPrefix(ev.Type, "refund."), ev.Type == "charge.refund.updated":
		r, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{ProviderRefundID: obj.ID})
		if err != nil {
			return nil, err
		}
		out.Type, out.Refund = paygate.EventRefundUpdated, r
	default:
		return nil, errIgnored
	}
	return out, nil
}

func mapped(typ string) bool {
	return strings.HasPrefix(typ, "payment_intent.") || strings.HasPrefix(typ, "refund.") || typ == "charge.refunded" || typ == "charge.refund.updated"
}

func (g *Gateway) reply(w http.ResponseWriter, code int, body []byte, eventID, why string) {
	provider.WriteWebhookReply(w, g.log, "stripe webhook", "application/json", code, body, eventID, why)
}
