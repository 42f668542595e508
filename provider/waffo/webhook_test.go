package waffo

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/status"
)

// sink collects the events a handler passes on.
type sink struct {
	mu     sync.Mutex
	events []*paygate.Event
	fail   int // fail this many calls first
}

func (s *sink) handle(_ context.Context, ev *paygate.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return errors.New("merchant database down")
	}
	s.events = append(s.events, ev)
	return nil
}

func (s *sink) all() []*paygate.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*paygate.Event(nil), s.events...)
}

func TestWebhooksEndToEnd(t *testing.T) {
	for _, flat := range []bool{false, true} {
		name := map[bool]string{false: "with result", true: "flat"}[flat]
		t.Run(name, func(t *testing.T) {
			gw, srv := setup(t, waffotest.Config{FlatWebhooks: flat})
			got := &sink{fail: 1}
			hook := httptest.NewServer(gw.WebhookHandler(got.handle))
			defer hook.Close()
			req := createRequest("wh"+map[bool]string{false: "r", true: "f"}[flat], "25.00", "USD")
			req.NotifyURL = hook.URL
			_, err := gw.Create(ctx(t), req)
			require.NoError(t, err)
			require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
			p, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
			require.NoError(t, err)
			_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "r" + req.PaymentRequestID, ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("5.00", "USD")})
			require.NoError(t, err)
			require.NoError(t, srv.Webhooks().Wait(ctx(t)))

			evs := got.all()
			require.Len(t, evs, 2, "the payment and the refund; the first try was failed by the merchant and retried")
			pay, ref := evs[0], evs[1]
			if pay.Type != paygate.EventPaymentUpdated { // deliveries may arrive in either order
				pay, ref = ref, pay
			}
			assert.Equal(t, paygate.EventPaymentUpdated, pay.Type)
			assert.Equal(t, Name, pay.Provider)
			assert.Equal(t, status.PaymentSucceeded, pay.Payment.Status)
			assert.Equal(t, req.PaymentRequestID, pay.Payment.PaymentRequestID)
			assert.True(t, pay.Payment.Amount.Equal(req.Amount))
			assert.Equal(t, paygate.EventRefundUpdated, ref.Type)
			assert.Equal(t, status.RefundSucceeded, ref.Refund.Status)
			assert.Equal(t, "5.00 USD", ref.Refund.Amount.String(), "the amount in the order's currency, which the adapter looks up: Waffo's refund notifications name none")
			assert.Equal(t, "r"+req.PaymentRequestID, ref.Refund.RefundRequestID)
			assert.Equal(t, p.ProviderPaymentID, ref.Refund.ProviderPaymentID)
			assert.NotEmpty(t, ref.Refund.ProviderRefundID)
			for _, d := range srv.Webhooks().Deliveries() {
				assert.True(t, d.Acked, "Waffo accepted the signed success reply")
			}
			var first sim.Delivery
			for _, d := range srv.Webhooks().Deliveries() {
				if strings.Contains(string(d.Body), "PAYMENT_NOTIFICATION") {
					first = d
				}
			}
			require.Len(t, first.Attempts, 2)
			assert.Equal(t, `{"message":"failed"}`, string(first.Attempts[0].Reply), "a failing merchant makes Waffo retry")

			// A duplicate delivery carries the same event id.
			resp, err := http.Post(hook.URL, "application/json", bytes.NewReader(first.Body))
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no signature header: refused")
			r, err := http.NewRequest(http.MethodPost, hook.URL, bytes.NewReader(first.Body))
			require.NoError(t, err)
			r.Header = first.Header.Clone()
			resp, err = http.DefaultClient.Do(r)
			require.NoError(t, err)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			assert.True(t, WebhookAcked(resp.StatusCode, body))
			evs = got.all()
			require.Len(t, evs, 3)
			assert.Equal(t, pay.ID, evs[2].ID, "a duplicate has the same event id")
			assert.NotEqual(t, pay.ID, ref.ID)
		})
	}
}

func TestWebhookHandlerRefuses(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	k, err := provider.ParsePrivateKey(srv.Keys.WaffoPrivateKey)
	require.NoError(t, err)
	merchantKey, err := provider.ParsePublicKey(srv.Keys.MerchantPublicKey)
	require.NoError(t, err)
	body := []byte(`{"eventType":"PAYMENT_NOTIFICATION","result":{"paymentRequestId":"p1","acquiringOrderId":"W1","orderStatus":"PAY_SUCCESS","orderCurrency":"USD","orderAmount":"1.00","orderUpdatedAt":"` + formatTime(time.Now()) + `"}}`)
	good, err := signBody(k, body)
	require.NoError(t, err)
	called := 0
	h := gw.WebhookHandler(func(context.Context, *paygate.Event) error { called++; return nil })
	contentType := "application/json"
	post := func(method string, b []byte, sig string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, "/", bytes.NewReader(b))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		if sig != "" {
			r.Header.Set("X-SIGNATURE", sig)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	tampered := bytes.Replace(body, []byte(`"1.00"`), []byte(`"9.00"`), 1)
	assert.Equal(t, http.StatusUnauthorized, post(http.MethodPost, tampered, good).Code, "tampered body")
	assert.Equal(t, http.StatusUnauthorized, post(http.MethodPost, body, "").Code, "unsigned")
	assert.Equal(t, http.StatusUnauthorized, post(http.MethodPost, body, "bm90IGEgc2lnbmF0dXJl").Code, "wrong signature")
	assert.Equal(t, http.StatusMethodNotAllowed, post(http.MethodGet, body, good).Code)
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		contentType = ct
		if ct == "" {
			// A charset and any case are fine.
			contentType = "application/JSON; charset=utf-8"
			assert.NotEqual(t, http.StatusUnsupportedMediaType, post(http.MethodPost, tampered, good).Code)
			contentType = ct
		}
		w := post(http.MethodPost, body, good)
		assert.Equal(t, http.StatusUnsupportedMediaType, w.Code, "Content-Type %q", ct)
		assert.Equal(t, `{"message":"failed"}`, w.Body.String())
	}
	contentType = "application/json"
	assert.Zero(t, called, "nothing unverified reaches the merchant")

	w := post(http.MethodPost, body, good)
	assert.Equal(t, http.StatusOK, w.Code)
	assert.Equal(t, `{"message":"success"}`, w.Body.String())
	assert.Equal(t, "application/json", w.Header().Get("Content-Type"))
	assert.NoError(t, provider.VerifyRSASHA256(merchantKey, w.Body.Bytes(), mustBase64(t, w.Header().Get("X-SIGNATURE"))),
		"the reply is signed with the merchant key")
	assert.Equal(t, 1, called)

	other := []byte(`{"eventType":"SUBSCRIPTION_STATUS_NOTIFICATION","result":{"subscriptionId":"S1"}}`)
	otherSig, err := signBody(k, other)
	require.NoError(t, err)
	w = post(http.MethodPost, other, otherSig)
	assert.True(t, WebhookAcked(w.Code, w.Body.Bytes()), "an event paygate does not model is acknowledged")
	assert.Equal(t, 1, called, "and not passed on")

	junk := []byte(`{"eventType":"PAYMENT_NOTIFICATION","result":{"orderStatus":"PAY_SUCCESS"}}`)
	junkSig, err := signBody(k, junk)
	require.NoError(t, err)
	w = post(http.MethodPost, junk, junkSig)
	assert.Equal(t, http.StatusBadRequest, w.Code, "a notification naming no order")
	assert.Equal(t, `{"message":"failed"}`, w.Body.String())
}

// A validly signed notification is refused (401) when its update time is older than WebhookMaxAge
// (a replay, or a broken clock) or more than WebhookFutureSkew ahead; one whose time does not parse is
// refused (400); one without that time, as on Waffo's event-types page, is delivered unchecked; one at
// the edge of the window is delivered.
func TestWebhookFreshness(t *testing.T) {
	now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		maxAge time.Duration
		event  string
		at     string // the update time; "" leaves it out
		want   int
	}{
		{"two years old", 0, "PAYMENT_NOTIFICATION", formatTime(now.AddDate(-2, 0, 0)), http.StatusUnauthorized},
		{"two years old refund", 0, "REFUND_NOTIFICATION", formatTime(now.AddDate(-2, 0, 0)), http.StatusUnauthorized},
		{"just past the default window", 0, "PAYMENT_NOTIFICATION", formatTime(now.Add(-DefaultWebhookMaxAge - time.Second)), http.StatusUnauthorized},
		{"at the edge of the default window", 0, "PAYMENT_NOTIFICATION", formatTime(now.Add(-DefaultWebhookMaxAge)), http.StatusOK},
		{"refund at the edge of the window", 0, "REFUND_NOTIFICATION", formatTime(now.Add(-DefaultWebhookMaxAge)), http.StatusOK},
		{"Waffo's last retry, 20.6 hours on", 0, "PAYMENT_NOTIFICATION", formatTime(now.Add(-(20*time.Hour + 36*time.Minute))), http.StatusOK},
		{"fresh", 0, "PAYMENT_NOTIFICATION", formatTime(now), http.StatusOK},
		{"clock skew", 0, "PAYMENT_NOTIFICATION", formatTime(now.Add(WebhookFutureSkew)), http.StatusOK},
		{"from the future", 0, "PAYMENT_NOTIFICATION", formatTime(now.Add(WebhookFutureSkew + time.Second)), http.StatusUnauthorized},
		{"a shorter window", time.Hour, "PAYMENT_NOTIFICATION", formatTime(now.Add(-time.Hour - time.Second)), http.StatusUnauthorized},
		{"within a shorter window", time.Hour, "PAYMENT_NOTIFICATION", formatTime(now.Add(-time.Hour)), http.StatusOK},
		{"no update time, as the docs' example", 0, "PAYMENT_NOTIFICATION", "", http.StatusOK},
		{"no refund update time, as the docs' example", 0, "REFUND_NOTIFICATION", "", http.StatusOK},
		{"an update time that does not parse", 0, "PAYMENT_NOTIFICATION", "yesterday", http.StatusBadRequest},
	} {
		t.Run(c.name, func(t *testing.T) {
			gw, srv := setup(t, waffotest.Config{}, func(cfg *Config) { cfg.Now = func() time.Time { return now }; cfg.WebhookMaxAge = c.maxAge })
			k, err := provider.ParsePrivateKey(srv.Keys.WaffoPrivateKey)
			require.NoError(t, err)
			result := map[string]any{"paymentRequestId": "p1", "acquiringOrderId": "W1", "orderStatus": "PAY_SUCCESS", "orderCurrency": "USD", "orderAmount": "1.00"}
			field := "orderUpdatedAt"
			if c.event == "REFUND_NOTIFICATION" {
				// A refund event is completed by looking up its order's currency: the order must exist.
				_, err := gw.Create(ctx(t), createRequest("p1", "1.00", "USD"))
				require.NoError(t, err)
				require.NoError(t, srv.Settle(ctx(t), "p1", sim.Pay))
				ref, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "r1", PaymentRequestID: "p1", Amount: money.MustParse("1.00", "USD")})
				require.NoError(t, err)
				result = map[string]any{"refundRequestId": "r1", "acquiringOrderId": ref.ProviderPaymentID, "acquiringRefundOrderId": ref.ProviderRefundID, "refundAmount": "1.00", "refundStatus": "ORDER_FULLY_REFUNDED"}
				field = "refundUpdatedAt"
			}
			if c.at != "" {
				result[field] = c.at
			}
			body, err := json.Marshal(map[string]any{"eventType": c.event, "result": result})
			require.NoError(t, err)
			sig, err := signBody(k, body)
			require.NoError(t, err)
			called := 0
			h := gw.WebhookHandler(func(context.Context, *paygate.Event) error { called++; return nil })
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-SIGNATURE", sig)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, c.want, w.Code)
			if c.want == http.StatusOK {
				assert.True(t, WebhookAcked(w.Code, w.Body.Bytes()))
				assert.Equal(t, 1, called)
				return
			}
			assert.Equal(t, `{"message":"failed"}`, w.Body.String(), "Waffo retries, and gives up after its schedule")
			assert.Zero(t, called, "a refused notification never reaches the merchant")
		})
	}
	_, err := New(Config{APIKey: "k", MerchantID: "m", PrivateKey: "x", WaffoPublicKey: "y", WebhookMaxAge: -time.Second})
	assert.ErrorContains(t, err, "WebhookMaxAge")
}

// TestWebhookHandlerErrorIsLoggedRedacted: the merchant's function failing is logged at Info with its
// error, text the adapter does not control: card numbers in it (any separator) and a CVV reach the
// log masked.
func TestWebhookHandlerErrorIsLoggedRedacted(t *testing.T) {
	core, logs := observer.New(zapcore.DebugLevel)
	gw, srv := setup(t, waffotest.Config{}, func(c *Config) { c.Logger = zap.New(core) })
	k, err := provider.ParsePrivateKey(srv.Keys.WaffoPrivateKey)
	require.NoError(t, err)
	body := []byte(`{"eventType":"PAYMENT_NOTIFICATION","result":{"paymentRequestId":"p1","acquiringOrderId":"W1","orderStatus":"PAY_SUCCESS","orderCurrency":"USD","orderAmount":"1.00","orderUpdatedAt":"` + formatTime(time.Now()) + `"}}`)
	sig, err := signBody(k, body)
	require.NoError(t, err)
	for _, card := range []string{"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4111.1111.1111.1111", "4111_1111_1111_1111"} {
		t.Run(card, func(t *testing.T) {
			fail := fmt.Errorf("saving order: card %s, cvv 918: duplicate key", card)
			h := gw.WebhookHandler(func(context.Context, *paygate.Event) error { return fail })
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-SIGNATURE", sig)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, `{"message":"failed"}`, w.Body.String())

			entries := logs.TakeAll()
			require.Len(t, entries, 1)
			assert.Equal(t, zapcore.InfoLevel, entries[0].Level)
			assert.Equal(t, "saving order: card ************1111, cvv [REDACTED]: duplicate key", entries[0].ContextMap()["error"])
		})
	}
}

func TestWebhookAcked(t *testing.T) {
	assert.True(t, WebhookAcked(200, []byte(`{"message":"success"}`)))
	assert.False(t, WebhookAcked(200, []byte(`{"message": "success"}`)), "exactly the bytes Waffo expects")
	assert.False(t, WebhookAcked(200, []byte(`{"message":"failed"}`)))
	assert.False(t, WebhookAcked(500, []byte(`{"message":"success"}`)))
}

func TestExpiredOrderIsExpired(t *testing.T) {
	clock := sim.NewManualClock(time.Now())
	gw, _ := setup(t, waffotest.Config{Clock: clock, OrderTTL: 10 * time.Minute}, func(c *Config) { c.Now = clock.Now })
	req := createRequest("exp1", "3.00", "USD")
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	clock.Advance(11 * time.Minute)
	p, err := gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: req.PaymentRequestID})
	require.NoError(t, err)
	assert.Equal(t, status.PaymentExpired, p.Status)
	assert.Equal(t, "ORDER_CLOSE", p.ProviderStatus)
}

func mustBase64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	require.NoError(t, err)
	return b
}

// Notifications shaped as on Waffo's event-types page (flat, no order id on a refund, no currency on
// any refund message) reach the merchant complete: ids and an exact amount with currency, from an
// inquiry. When the lookup fails, Waffo is told to retry and the merchant sees nothing.
func TestWebhookEventsAreCompletedByInquiry(t *testing.T) {
	gw, srv := setup(t, waffotest.Config{})
	req := createRequest("wc1", "150000", "IDR")
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), "wc1", sim.Pay))
	ref, err := gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: "wcr1", PaymentRequestID: "wc1", Amount: money.MustParse("50000", "IDR")})
	require.NoError(t, err)
	k, err := provider.ParsePrivateKey(srv.Keys.WaffoPrivateKey)
	require.NoError(t, err)

	for _, c := range []struct {
		name     string
		body     map[string]any
		acked    bool
		wantPay  *paygate.Payment
		wantRef  *paygate.Refund
		inquires int // lookups the handler makes
	}{
		{"refund as on the events page", map[string]any{"eventType": "REFUND_NOTIFICATION", "acquiringRefundOrderId": ref.ProviderRefundID,
			"refundRequestId": "wcr1", "refundStatus": "ORDER_PARTIALLY_REFUNDED", "refundAmount": "50000"}, true, nil,
			&paygate.Refund{RefundRequestID: "wcr1", ProviderRefundID: ref.ProviderRefundID, PaymentRequestID: "wc1", ProviderPaymentID: ref.ProviderPaymentID,
				Amount: money.MustParse("50000", "IDR")}, 2},
		{"refund as the SDK's type, naming its order", map[string]any{"eventType": "REFUND_NOTIFICATION", "result": map[string]any{
			"acquiringRefundOrderId": ref.ProviderRefundID, "refundRequestId": "wcr1", "acquiringOrderId": ref.ProviderPaymentID,
			"origPaymentRequestId": "wc1", "refundStatus": "ORDER_PARTIALLY_REFUNDED", "refundAmount": "50000"}}, true, nil,
			&paygate.Refund{RefundRequestID: "wcr1", ProviderRefundID: ref.ProviderRefundID, PaymentRequestID: "wc1", ProviderPaymentID: ref.ProviderPaymentID,
				Amount: money.MustParse("50000", "IDR")}, 1},
		{"refund without amount", map[string]any{"eventType": "REFUND_NOTIFICATION", "acquiringRefundOrderId": ref.ProviderRefundID,
			"refundStatus": "ORDER_PARTIALLY_REFUNDED"}, true, nil,
			&paygate.Refund{RefundRequestID: "wcr1", ProviderRefundID: ref.ProviderRefundID, PaymentRequestID: "wc1", ProviderPaymentID: ref.ProviderPaymentID,
				Amount: money.MustParse("50000", "IDR")}, 2},
		{"payment without ids or amount", map[string]any{"eventType": "PAYMENT_NOTIFICATION", "acquiringOrderId": ref.ProviderPaymentID,
			"orderStatus": "PAY_SUCCESS"}, true,
			&paygate.Payment{PaymentRequestID: "wc1", MerchantOrderID: "wc1", ProviderPaymentID: ref.ProviderPaymentID, Amount: money.MustParse("150000", "IDR")}, nil, 1},
		{"payment as on the events page", map[string]any{"eventType": "PAYMENT_NOTIFICATION", "acquiringOrderId": ref.ProviderPaymentID,
			"merchantOrderId": "wc1", "paymentRequestId": "wc1", "orderStatus": "PAY_SUCCESS", "orderAmount": "150000", "orderCurrency": "IDR",
			"finalDealAmount": "150000"}, true,
			&paygate.Payment{PaymentRequestID: "wc1", MerchantOrderID: "wc1", ProviderPaymentID: ref.ProviderPaymentID, Amount: money.MustParse("150000", "IDR")}, nil, 0},
		{"refund Waffo cannot find", map[string]any{"eventType": "REFUND_NOTIFICATION", "acquiringRefundOrderId": "R-none",
			"refundRequestId": "none", "refundStatus": "ORDER_FULLY_REFUNDED", "refundAmount": "1"}, false, nil, nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			body, err := json.Marshal(c.body)
			require.NoError(t, err)
			sig, err := signBody(k, body)
			require.NoError(t, err)
			got := &sink{}
			before := srv.Ledger().TotalRequests()
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("X-SIGNATURE", sig)
			w := httptest.NewRecorder()
			gw.WebhookHandler(got.handle).ServeHTTP(w, r)
			assert.Equal(t, c.inquires, srv.Ledger().TotalRequests()-before, "lookups made")
			if !c.acked {
				assert.Equal(t, `{"message":"failed"}`, w.Body.String(), "Waffo retries")
				assert.Empty(t, got.all())
				return
			}
			require.True(t, WebhookAcked(w.Code, w.Body.Bytes()), w.Body.String())
			require.Len(t, got.all(), 1)
			ev := got.all()[0]
			if c.wantPay != nil {
				p := ev.Payment
				assert.Equal(t, c.wantPay.PaymentRequestID, p.PaymentRequestID)
				assert.Equal(t, c.wantPay.MerchantOrderID, p.MerchantOrderID)
				assert.Equal(t, c.wantPay.ProviderPaymentID, p.ProviderPaymentID)
				assert.True(t, p.Amount.Equal(c.wantPay.Amount), "%s", p.Amount)
				assert.Equal(t, status.PaymentSucceeded, p.Status)
				assert.True(t, p.Captured.Equal(c.wantPay.Amount), "a paid order's money is captured, also when the amount came by inquiry: %s", p.Captured)
			}
			if c.wantRef != nil {
				rf := ev.Refund
				assert.Equal(t, c.wantRef.RefundRequestID, rf.RefundRequestID)
				assert.Equal(t, c.wantRef.ProviderRefundID, rf.ProviderRefundID)
				assert.Equal(t, c.wantRef.ProviderPaymentID, rf.ProviderPaymentID)
				assert.True(t, rf.Amount.Equal(c.wantRef.Amount), "%s", rf.Amount)
				assert.Equal(t, "IDR", rf.Amount.Currency())
				assert.Equal(t, status.RefundSucceeded, rf.Status)
			}
		})
	}
}
