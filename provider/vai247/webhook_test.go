package vai247_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/status"
)

type sink struct {
	mu     sync.Mutex
	events []*paygate.Event
}

func (s *sink) fn(_ context.Context, e *paygate.Event) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
	return nil
}

func (s *sink) got() []*paygate.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*paygate.Event(nil), s.events...)
}

// The simulator's test hook delivers stale, unsigned and mis-signed notifications: with a webhook
// secret set, the handler refuses each one without calling the merchant.
func TestWebhookRefusesStaleUnsignedMisSigned(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	var got sink
	hs := httptest.NewServer(gw.WebhookHandler(got.fn))
	t.Cleanup(hs.Close)
	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-w", Amount: usd("3.00")})
	require.NoError(t, err)

	code, body, err := srv.DeliverWebhook(ctx, hs.URL, p.ProviderPaymentID, vai247test.TestWebhook{})
	require.NoError(t, err)
	assert.True(t, vai247.WebhookAcked(code, body), "a fresh signed notification is acknowledged: %d %s", code, body)
	assert.True(t, vai247test.Acked(code, body))
	require.Len(t, got.got(), 1)

	now := time.Now()
	for name, tw := range map[string]vai247test.TestWebhook{
		"stale":        {At: now.Add(-25 * time.Hour)},
		"future":       {At: now.Add(10 * time.Minute)},
		"unsigned":     {Unsigned: true},
		"wrong secret": {WrongSecret: true},
	} {
		code, body, err := srv.DeliverWebhook(ctx, hs.URL, p.ProviderPaymentID, tw)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, code, name)
		assert.False(t, vai247.WebhookAcked(code, body), name)
	}
	assert.Len(t, got.got(), 1, "refused notifications never reach the merchant")

	code, _, err = srv.DeliverWebhook(ctx, hs.URL, p.ProviderPaymentID, vai247test.TestWebhook{At: now.Add(-23 * time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, code, "a retry within WebhookMaxAge is still accepted")
}

// Without a webhook secret nothing can be verified: every delivery is refused with 401 and never
// reaches the merchant, whether it is unsigned, mis-signed or signed with the simulator's secret, and
// the adapter says why, naming the setting, when the handler is built and in each refusal.
func TestWebhookWithoutSecretRefusesEverything(t *testing.T) {
	srv, _ := newPair(t, vai247.Config{}, vai247test.Config{})
	core, logs := observer.New(zapcore.DebugLevel)
	gw, err := vai247.New(vai247.Config{BaseURL: srv.URL, AppID: srv.AppID, APIKey: srv.APIKey, StoreID: srv.StoreID, Logger: zap.New(core)})
	require.NoError(t, err, "API calls do not need the webhook secret")
	var got sink
	hs := httptest.NewServer(gw.WebhookHandler(got.fn))
	t.Cleanup(hs.Close)
	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-u", Amount: usd("3.00")})
	require.NoError(t, err)
	for name, tw := range map[string]vai247test.TestWebhook{
		"unsigned":                    {Unsigned: true},
		"mis-signed":                  {WrongSecret: true},
		"signed with VAI247's secret": {},
		"unsigned payment.processing": {Unsigned: true, Event: "payment.processing"},
	} {
		code, body, err := srv.DeliverWebhook(ctx, hs.URL, p.ProviderPaymentID, tw)
		require.NoError(t, err)
		assert.Equal(t, http.StatusUnauthorized, code, name)
		assert.False(t, vai247.WebhookAcked(code, body), name)
	}
	assert.Empty(t, got.got(), "no unverified notification reaches the merchant")

	built := logs.FilterLevelExact(zapcore.ErrorLevel).All()
	require.Len(t, built, 1, "building the handler without a secret logs an error")
	assert.Contains(t, built[0].Message, "Config.WebhookSecret")
	assert.Contains(t, built[0].Message, vai247.EnvWebhookSecret)
	assert.Contains(t, built[0].Message, "401")
	refusals := logs.FilterMessage("vai247 webhook").All()
	require.NotEmpty(t, refusals)
	for _, e := range refusals {
		assert.Equal(t, int64(http.StatusUnauthorized), e.ContextMap()["status"])
		assert.Contains(t, e.ContextMap()["reason"], "Config.WebhookSecret")
	}
}

func sign(secret, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(body))
	return hex.EncodeToString(m.Sum(nil))
}

func TestWebhookEvents(t *testing.T) {
	now := time.Now()
	ts := now.Unix()
	_, gw := newStub(t, 200, `{}`, vai247.Config{WebhookSecret: "whsec-1", Now: func() time.Time { return now }})
	var got sink
	h := gw.WebhookHandler(got.fn)
	contentType := "application/json"
	post := func(body string) (int, string) {
		r := httptest.NewRequest(http.MethodPost, "/", bytes.NewBufferString(body))
		if contentType != "" {
			r.Header.Set("Content-Type", contentType)
		}
		r.Header.Set("X-DVPay-Signature", sign("whsec-1", body))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	body := func(event, st, amount string) string {
		return `{"event":"` + event + `","order_id":"ord_1","amount":` + amount + `,"currency":"USD","status":"` + st + `","timestamp":` + itoa(ts) + `}`
	}
	tests := []struct {
		event, st string
		typ       paygate.EventType
		pay       status.Payment
	}{
		{"payment.processing", "processing", paygate.EventPaymentUpdated, status.PaymentPending},
		{"payment.success", "paid", paygate.EventPaymentUpdated, status.PaymentSucceeded},
		{"payment.failed", "failed", paygate.EventPaymentUpdated, status.PaymentPending},
		{"refund.completed", "partially_refunded", paygate.EventRefundUpdated, ""},
	}
	for _, tt := range tests {
		code, reply := post(body(tt.event, tt.st, "2.50"))
		require.Equal(t, http.StatusOK, code, tt.event)
		assert.Equal(t, `{"status":"received"}`, reply)
		evs := got.got()
		e := evs[len(evs)-1]
		assert.Equal(t, tt.typ, e.Type, tt.event)
		assert.Equal(t, vai247.Name, e.Provider)
		assert.NotEmpty(t, e.ID)
		if tt.typ == paygate.EventRefundUpdated {
			require.NotNil(t, e.Refund)
			assert.Equal(t, status.RefundSucceeded, e.Refund.Status)
			assert.Equal(t, "ord_1", e.Refund.ProviderPaymentID)
			assert.True(t, e.Refund.Amount.Equal(usd("2.50")))
			continue
		}
		require.NotNil(t, e.Payment)
		assert.Equal(t, tt.pay, e.Payment.Status, tt.event)
		assert.Equal(t, tt.st, e.Payment.ProviderStatus)
		assert.True(t, e.Payment.Amount.Equal(usd("2.50")))
	}
	n := len(got.got())
	_, _ = post(body("payment.success", "paid", "2.50"))
	evs := got.got()
	assert.Equal(t, evs[1].ID, evs[n].ID, "the same notification has the same id")
	assert.NotEqual(t, evs[0].ID, evs[1].ID)

	code, reply := post(body("order.created", "pending", "2.50"))
	assert.Equal(t, http.StatusOK, code, "an unmapped event is acknowledged")
	assert.Equal(t, `{"status":"received"}`, reply)
	assert.Len(t, got.got(), n+1, "and not passed on")

	for name, b := range map[string]string{
		"bad status":  body("payment.success", "weird", "2.50"),
		"float-ish":   body("payment.success", "paid", "2.505"),
		"not json":    `{"event":`,
		"no order id": `{"event":"payment.success","amount":1,"currency":"USD","status":"paid","timestamp":` + itoa(ts) + `}`,
	} {
		code, _ := post(b)
		assert.Equal(t, http.StatusBadRequest, code, name)
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Panics(t, func() { gw.WebhookHandler(nil) })

	// Only JSON is read: anything else is 415 before the body, and never reaches the merchant.
	n = len(got.got())
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded"} {
		contentType = ct
		code, reply := post(body("payment.success", "paid", "2.50"))
		assert.Equal(t, http.StatusUnsupportedMediaType, code, "Content-Type %q", ct)
		assert.Equal(t, `{"status":"rejected"}`, reply)
	}
	assert.Len(t, got.got(), n)
	contentType = "Application/JSON; charset=UTF-8"
	code, _ = post(body("payment.success", "paid", "2.50"))
	assert.Equal(t, http.StatusOK, code, "any case, any parameters")
}

func TestWebhookHandlerErrorIsRetried(t *testing.T) {
	srv, gw := newPair(t, vai247.Config{}, vai247test.Config{})
	fails := 2
	var mu sync.Mutex
	hs := httptest.NewServer(gw.WebhookHandler(func(context.Context, *paygate.Event) error {
		mu.Lock()
		defer mu.Unlock()
		if fails > 0 {
			fails--
			return assert.AnError
		}
		return nil
	}))
	t.Cleanup(hs.Close)
	srv.SetWebhookURL(hs.URL)
	_, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "p-retry", Amount: usd("3.00")})
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx, "p-retry", sim.Pay))
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	require.NoError(t, srv.Webhooks().Wait(c))
	ds := srv.Webhooks().Deliveries()
	require.Len(t, ds, 1)
	assert.True(t, ds[0].Acked)
	assert.Len(t, ds[0].Attempts, 3)
	assert.Equal(t, 500, ds[0].Attempts[0].Status)
	assert.Contains(t, string(ds[0].Body), `"event":"payment.success"`)
	assert.NotEmpty(t, ds[0].Header.Get("X-DVPay-Signature"))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
