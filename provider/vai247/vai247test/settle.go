package vai247test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
)

// ErrOrphan is returned when a test tries to pay an order whose create reply never reached the
// merchant: nobody saw its QR code, so nobody can pay it.
var ErrOrphan = errors.New("vai247test: orphan order: its QR code never reached the merchant, so it cannot be paid")

// Settle settles the order the merchant was last given for the reference_id paymentRequestID, as
// the customer (Pay, Fail) or time (Expire) would. RequireAction is not a VAI247 move.
func (s *Server) Settle(ctx context.Context, paymentRequestID string, st sim.Settlement) error {
	s.mu.Lock()
	o := s.given[paymentRequestID]
	s.mu.Unlock()
	if o == nil {
		return fmt.Errorf("vai247test: no order was given to the merchant for reference_id %q", paymentRequestID)
	}
	return s.SettleOrder(ctx, o.id, st)
}

// SettleOrder settles one order by its id. Pay refuses an orphan order (ErrOrphan).
func (s *Server) SettleOrder(_ context.Context, orderID string, st sim.Settlement) error {
	switch st {
	case sim.Pay:
		return s.move(orderID, "paid", true, "pending", "processing", "failed")
	case sim.Fail:
		return s.move(orderID, "failed", true, "pending", "processing")
	case sim.Expire:
		return s.move(orderID, "expired", false, "pending")
	}
	return fmt.Errorf("vai247test: settlement %s is not a VAI247 move", st)
}

// Scan moves an order to processing, as a customer scanning its QR code (again, after a failed try).
func (s *Server) Scan(orderID string) error {
	return s.move(orderID, "processing", true, "pending", "failed")
}

// Complete moves a paid order to completed, as VAI247 does when it settles it.
func (s *Server) Complete(orderID string) error {
	return s.move(orderID, "completed", false, "paid")
}

// SetStatus forces an order's status (any string, known or not), for tests of status mapping.
func (s *Server) SetStatus(orderID, st string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[orderID]
	if o == nil {
		return fmt.Errorf("vai247test: no order %q", orderID)
	}
	s.setStatus(o, st)
	return nil
}

// Status returns an order's current VAI247 status, after expiry.
func (s *Server) Status(orderID string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[orderID]
	if o == nil {
		return "", fmt.Errorf("vai247test: no order %q", orderID)
	}
	s.expire(o)
	return o.status, nil
}

// move takes the order from one of from to to; customer moves need the order's QR code to have
// reached the merchant.
func (s *Server) move(orderID, to string, customer bool, from ...string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[orderID]
	if o == nil {
		return fmt.Errorf("vai247test: no order %q", orderID)
	}
	if customer && !o.given {
		return ErrOrphan
	}
	s.expire(o)
	ok := false
	for _, f := range from {
		ok = ok || o.status == f
	}
	if !ok {
		return fmt.Errorf("vai247test: order %s is %s; it cannot become %s", o.id, o.status, to)
	}
	s.setStatus(o, to)
	switch to {
	case "paid":
		s.notify(o, "payment.success", o.amount)
	case "failed":
		s.notify(o, "payment.failed", o.amount)
	case "processing":
		s.notify(o, "payment.processing", o.amount)
	}
	return nil
}

// webhookBody is the notification VAI247 sends.
func webhookBody(o *order, event string, amt money.Amount, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{
		"event": event, "order_id": o.id, "amount": json.Number(amt.Decimal().StringFixed(int32(o.digits))),
		"currency": amt.Currency(), "status": o.status, "timestamp": at.Unix(),
	})
	return b
}

// signHeader is the notification's headers, with X-DVPay-Signature over body.
func (s *Server) signHeader(body []byte) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	h.Set("X-DVPay-Signature", hex.EncodeToString(provider.SignHMACSHA256([]byte(s.WebhookSecret), body)))
	return h
}

// notify queues a notification to the dashboard URL. Callers hold s.mu.
func (s *Server) notify(o *order, event string, amt money.Amount) {
	if s.webhookURL == "" {
		return
	}
	body := webhookBody(o, event, amt, s.clock.Now())
	s.webhooks.Send(fmt.Sprintf("%s/%s/%s/%d", o.id, event, o.status, s.clock.Now().UnixNano()), s.webhookURL, s.signHeader(body), body)
}

// TestWebhook alters one notification sent with DeliverWebhook.
type TestWebhook struct {
	Event string    // the event name; empty means payment.success
	At    time.Time // the timestamp; zero means the server's clock (set it an hour back for a stale one)
	// Unsigned leaves X-DVPay-Signature out; WrongSecret signs with another secret.
	Unsigned, WrongSecret bool
}

// DeliverWebhook posts, once and synchronously, the notification VAI247 would send for the order's
// current state, altered by tw, to url, and returns the merchant's answer. It is for testing that a
// handler refuses stale, unsigned and mis-signed notifications.
func (s *Server) DeliverWebhook(ctx context.Context, url, orderID string, tw TestWebhook) (int, []byte, error) {
	s.mu.Lock()
	o := s.orders[orderID]
	if o == nil {
		s.mu.Unlock()
		return 0, nil, fmt.Errorf("vai247test: no order %q", orderID)
	}
	at := tw.At
	if at.IsZero() {
		at = s.clock.Now()
	}
	event := tw.Event
	if event == "" {
		event = "payment.success"
	}
	body := webhookBody(o, event, o.amount, at)
	s.mu.Unlock()
	h := s.signHeader(body)
	switch {
	case tw.Unsigned:
		h.Del("X-DVPay-Signature")
	case tw.WrongSecret:
		h.Set("X-DVPay-Signature", hex.EncodeToString(provider.SignHMACSHA256([]byte("not-"+s.WebhookSecret), body)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode, reply, err
}
