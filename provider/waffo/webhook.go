package waffo

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
)

// Webhook event types this adapter turns into paygate events. Others (subscriptions, tokenization) are
// acknowledged and logged, since paygate has no event for them.
const (
	eventPayment = "PAYMENT_NOTIFICATION"
	eventRefund  = "REFUND_NOTIFICATION"
)

// The exact replies Waffo expects: success stops its retries, anything else makes it retry.
var (
	replySuccess = []byte(`{"message":"success"}`)
	replyFailed  = []byte(`{"message":"failed"}`)
)

// maxWebhookBytes caps a notification body.
const maxWebhookBytes = 1 << 20

// WebhookAcked reports whether a reply acknowledges a Waffo notification: HTTP 200 and exactly
// {"message":"success"}.
func WebhookAcked(status int, body []byte) bool {
	return status == http.StatusOK && bytes.Equal(body, replySuccess)
}

// WebhookHandler returns the handler for Waffo's notifications. It takes only POSTs (405) with
// Content-Type application/json (415, see provider.CheckWebhookContentType). It verifies X-SIGNATURE on
// the raw body with Waffo's public key (401 without calling fn when it is missing or wrong), accepts
// the payload with or without its "result" wrapper, and refuses (401) a payment or refund
// notification whose orderUpdatedAt or refundUpdatedAt is older than Config.WebhookMaxAge or more than
// WebhookFutureSkew ahead, as a replay or a broken clock, and one whose time does not parse (400).
// A notification without that time is delivered unchecked: the SDK's types hold orderUpdatedAt and
// refundUpdatedAt, but the examples on Waffo's event-types page carry no time at all, and refusing a
// genuine, signed notification would lose it. It calls fn with a paygate.Event. When fn returns nil it replies
// {"message":"success"}, signed with the merchant key; when fn fails it replies {"message":"failed"}
// so Waffo retries. Waffo may deliver a notification more than once and out of order: Event.ID is the
// same for duplicates, and fn should inquire when order matters. Waffo's refund notifications name no
// currency and may name no order, and a payment notification may leave out its ids or amount: before
// fn, the handler completes the event by inquiry (see complete), so Event.Refund.Amount and
// Event.Payment.Amount are exact amounts with their currency; when that lookup fails it answers
// {"message":"failed"} without calling fn, and Waffo retries.
func (g *Gateway) WebhookHandler(fn func(context.Context, *paygate.Event) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if err := provider.CheckWebhookContentType(r.Header); err != nil {
			g.log.Warn("waffo webhook refused: not JSON", zap.String("reason", err.Error()))
			g.reply(w, http.StatusUnsupportedMediaType, replyFailed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBytes))
		if err != nil {
			g.reply(w, http.StatusRequestEntityTooLarge, replyFailed)
			return
		}
		sig := r.Header.Get(headerSignature)
		if sig == "" || verifyWith(g.waffoKey, sig, body) != nil {
			g.log.Warn("waffo webhook refused: signature missing or wrong", zap.Bool("signature_present", sig != ""))
			http.Error(w, "signature missing or wrong", http.StatusUnauthorized)
			return
		}
		n, err := g.readNotification(body)
		ev, at := n.ev, n.at
		if err != nil {
			g.log.Warn("waffo webhook refused: the notification cannot be read", zap.Error(err))
			g.reply(w, http.StatusBadRequest, replyFailed)
			return
		}
		if ev == nil {
			g.reply(w, http.StatusOK, replySuccess) // an event type paygate does not model
			return
		}
		if at.IsZero() {
			g.log.Info("waffo webhook: the notification carries no update time, so its freshness is not checked", zap.String("event_id", ev.ID))
		} else if age := g.now().Sub(at); age > g.maxAge || age < -WebhookFutureSkew {
			g.log.Warn("waffo webhook refused: a replay or a broken clock", zap.String("event_id", ev.ID),
				zap.Duration("age", age.Round(time.Second)), zap.Duration("max_age", g.maxAge))
			g.reply(w, http.StatusUnauthorized, replyFailed)
			return
		}
		// Waffo's notifications may leave out the merchant's ids and, for refunds, never name a
		// currency: what is missing is looked up before fn sees the event. A lookup that fails
		// answers "failed", so Waffo sends the notification again later.
		if err := g.complete(r.Context(), n); err != nil {
			g.log.Warn("waffo webhook: completing the event by inquiry failed; Waffo will retry", zap.String("event_id", ev.ID), zap.Error(err))
			g.reply(w, http.StatusOK, replyFailed)
			return
		}
		if err := fn(r.Context(), ev); err != nil {
			g.log.Info("waffo webhook: the merchant's handler failed; Waffo will retry", zap.String("event_id", ev.ID), zap.Error(err))
			g.reply(w, http.StatusOK, replyFailed)
			return
		}
		g.reply(w, http.StatusOK, replySuccess)
	})
}

// reply writes body with the merchant's X-SIGNATURE, as Waffo requires of webhook replies.
func (g *Gateway) reply(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	if sig, err := signBody(g.key, body); err == nil {
		w.Header().Set(headerSignature, sig)
	}
	w.WriteHeader(code)
	_, _ = w.Write(body)
}

// webhookPayload is a notification; the order or refund is under "result", or (on one documented
// shape) at the top level next to eventType.
type webhookPayload struct {
	EventType string          `json:"eventType"`
	Result    json.RawMessage `json:"result"`
}

// notification is a verified notification as read: the event, the time of the update it reports
// (orderUpdatedAt, refundUpdatedAt; zero when it has none) and, for a refund, the raw refund, since its
// amount needs the order's currency before the event is complete.
type notification struct {
	ev     *paygate.Event
	at     time.Time
	refund *refundData
}

// event reads a verified notification without completing it; nil for event types paygate does not model.
func (g *Gateway) event(body []byte) (*paygate.Event, time.Time, error) {
	n, err := g.readNotification(body)
	return n.ev, n.at, err
}

// readNotification reads a verified notification. Its event is nil for event types paygate does not
// model.
func (g *Gateway) readNotification(body []byte) (notification, error) {
	var p webhookPayload
	if err := json.Unmarshal(body, &p); err != nil {
		return notification{}, err
	}
	inner := p.Result
	if t := bytes.TrimSpace(inner); len(t) == 0 || string(t) == "null" {
		inner = body // the flat shape
	}
	switch p.EventType {
	case eventPayment:
		var d orderData
		if err := json.Unmarshal(inner, &d); err != nil {
			return notification{}, err
		}
		at, err := updatedAt("orderUpdatedAt", d.OrderUpdatedAt)
		if err != nil {
			return notification{}, err
		}
		pay, err := g.payment(paygate.OpInquire, d, closeReason{})
		if err != nil {
			return notification{}, err
		}
		return notification{ev: &paygate.Event{
			ID:   eventID(p.EventType, d.AcquiringOrderID, d.PaymentRequestID, d.OrderStatus, d.OrderUpdatedAt),
			Type: paygate.EventPaymentUpdated, Provider: Name, Payment: pay,
		}, at: at}, nil
	case eventRefund:
		var d refundData
		if err := json.Unmarshal(inner, &d); err != nil {
			return notification{}, err
		}
		at, err := updatedAt("refundUpdatedAt", d.RefundUpdatedAt)
		if err != nil {
			return notification{}, err
		}
		ref, err := g.refund(paygate.OpInquireRefund, d, "")
		if err != nil {
			return notification{}, err
		}
		return notification{ev: &paygate.Event{
			ID:   eventID(p.EventType, d.AcquiringRefundOrderID, d.RefundRequestID, d.RefundStatus, d.RefundUpdatedAt),
			Type: paygate.EventRefundUpdated, Provider: Name, Refund: ref,
		}, at: at, refund: &d}, nil
	case "":
		return notification{}, errors.New("the notification has no eventType")
	default:
		g.log.Info("waffo webhook: event type not modelled by paygate; acknowledged", zap.String("event_type", p.EventType))
		return notification{}, nil
	}
}

// complete fills in what a notification left out, from inquiries: for a payment, the paymentRequestId,
// merchantOrderId and amount (the SDK's type holds them all, but each is optional); for a refund, the
// currency of its amount (Waffo's refund notifications never name one: it is the order's), the order's
// id, and the refund's ids and amount when missing. The state the notification reports is kept.
func (g *Gateway) complete(ctx context.Context, n notification) error {
	if p := n.ev.Payment; p != nil {
		if p.PaymentRequestID != "" && !p.Amount.IsZero() {
			return nil
		}
		q, err := g.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: p.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID})
		if err != nil {
			return err
		}
		p.PaymentRequestID = orDefault(p.PaymentRequestID, q.PaymentRequestID)
		p.MerchantOrderID = orDefault(p.MerchantOrderID, q.MerchantOrderID)
		if p.Amount.IsZero() {
			p.Amount = q.Amount
			withCaptured(p) // by the notification's status, now that the amount is known
		}
		return nil
	}
	r, d := n.ev.Refund, n.refund
	if r == nil || d == nil {
		return nil
	}
	if d.RefundAmount != "" && (d.AcquiringOrderID != "" || d.OrigPaymentRequestID != "") {
		order, err := g.refundOrder(ctx, *d)
		if err != nil {
			return err
		}
		return g.withRefundAmount(paygate.OpInquireRefund, r, *d, order)
	}
	// The notification names no order (the shape on Waffo's event-types page) or no amount: the
	// refund inquiry gives both, and the order's currency with them.
	q, err := g.InquireRefund(ctx, &paygate.InquireRefundRequest{RefundRequestID: r.RefundRequestID, ProviderRefundID: r.ProviderRefundID})
	if err != nil {
		return err
	}
	r.RefundRequestID = orDefault(r.RefundRequestID, q.RefundRequestID)
	r.ProviderRefundID = orDefault(r.ProviderRefundID, q.ProviderRefundID)
	r.ProviderPaymentID = orDefault(r.ProviderPaymentID, q.ProviderPaymentID)
	if d.RefundAmount == "" {
		r.Amount = q.Amount
		return nil
	}
	a, err := ParseAmount(d.RefundAmount, q.Amount.Currency())
	if err != nil {
		return fmt.Errorf("the notification's refundAmount %q does not parse in the order's currency %s: %w", d.RefundAmount, q.Amount.Currency(), err)
	}
	r.Amount = a
	return nil
}

// updatedAt reads a notification's update time, which bounds its freshness; zero when it has none.
// One that is there but does not parse is an error: what it says cannot be judged.
func updatedAt(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, ok := parseTime(v)
	if !ok {
		return time.Time{}, fmt.Errorf("the notification has no usable %s (%q), so its freshness cannot be checked", field, v)
	}
	return t, nil
}

// eventID derives a stable id from what a notification is about, since Waffo's carry none: duplicates of
// one state change share it, and a new state gets a new one.
func eventID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return "waffo_" + hex.EncodeToString(h.Sum(nil)[:16])
}

// signBody is Waffo's signature: base64 SHA256withRSA over the exact bytes.
func signBody(key *rsa.PrivateKey, body []byte) (string, error) {
	sig, err := provider.SignRSASHA256(key, body)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}
