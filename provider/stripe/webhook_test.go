package stripe

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

func sign(secret string, t int64, body string) string {
	return hex.EncodeToString(provider.SignHMACSHA256([]byte(secret), []byte(fmt.Sprintf("%d.%s", t, body))))
}

func eventBody(typ, object string) string {
	return `{"id":"evt_1","object":"event","type":"` + typ + `","created":1,"api_version":"` + APIVersion + `","livemode":false,"data":{"object":` + object + `}}`
}

func TestWebhook(t *testing.T) {
	now := testNow.Unix()
	piEvent := eventBody("payment_intent.succeeded", `{"id":"pi_1","object":"payment_intent","status":"processing"}`)
	tests := []struct {
		name     string
		body     string
		header   func(body string) string
		routes   map[string]func(seen) (int, string)
		fnErr    error
		wantCode int
		wantType paygate.EventType
	}{
		{"valid payment event fetches the current state", piEvent, func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, b)) },
			map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "succeeded", `"amount_received":1999`))}, nil, 200, paygate.EventPaymentUpdated},
		{"rotated secrets: the second v1 verifies", piEvent, func(b string) string {
			return fmt.Sprintf("t=%d,v1=%s,v1=%s,v0=abc", now, sign("whsec_old", now, b), sign(testWHSec, now, b))
		}, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "succeeded", ""))}, nil, 200, paygate.EventPaymentUpdated},
		{"tampered", piEvent, func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, b+" ")) }, nil, nil, 401, ""},
		{"old", piEvent, func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now-301, sign(testWHSec, now-301, b)) }, nil, nil, 401, ""},
		{"future", piEvent, func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now+301, sign(testWHSec, now+301, b)) }, nil, nil, 401, ""},
		{"no header", piEvent, func(string) string { return "" }, nil, nil, 401, ""},
		{"unknown type is acknowledged", eventBody("customer.created", `{"id":"cus_1","object":"customer"}`),
			func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, b)) }, nil, nil, 200, ""},
		{"fetch failure is 500", piEvent, func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, b)) },
			map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(500, `{"error":{"type":"api_error"}}`)}, nil, 500, ""},
		{"fn error is 500", piEvent, func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, b)) },
			map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "succeeded", ""))}, errors.New("db down"), 500, ""},
		{"refund event", eventBody("refund.updated", `{"id":"re_1","object":"refund"}`), func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, b)) },
			map[string]func(seen) (int, string){"GET /v1/refunds/re_1": answer(200, `{"id":"re_1","object":"refund","amount":500,"currency":"usd","status":"succeeded","payment_intent":"pi_1","metadata":{}}`)}, nil, 200, paygate.EventRefundUpdated},
		{"charge.refunded fetches the intent", eventBody("charge.refunded", `{"id":"ch_1","object":"charge","payment_intent":"pi_1"}`), func(b string) string { return fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, b)) },
			map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "succeeded", ""))}, nil, 200, paygate.EventPaymentUpdated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := newTest(t, tt.routes, func(c *Config) { c.Retry.MaxAttempts = 1 })
			var got []*paygate.Event
			h := g.WebhookHandler(func(_ context.Context, ev *paygate.Event) error { got = append(got, ev); return tt.fnErr })
			r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(tt.body))
			r.Header.Set("Content-Type", "application/json; charset=utf-8")
			if s := tt.header(tt.body); s != "" {
				r.Header.Set("Stripe-Signature", s)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			assert.Equal(t, tt.wantCode, w.Code, w.Body.String())
			assert.Equal(t, tt.wantCode == 200, WebhookAcked(w.Code, w.Body.Bytes()))
			if tt.wantType == "" {
				if tt.fnErr == nil {
					assert.Empty(t, got, "fn not called")
				}
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, "evt_1", got[0].ID)
			assert.Equal(t, tt.wantType, got[0].Type)
			if tt.wantType == paygate.EventPaymentUpdated {
				assert.Equal(t, status.PaymentSucceeded, got[0].Payment.Status, "the fetched state, not the event's copy")
			} else {
				assert.Equal(t, "re_1", got[0].Refund.ProviderRefundID)
			}
		})
	}
	t.Run("no secret refuses everything", func(t *testing.T) {
		g, _ := newTest(t, nil, func(c *Config) { c.WebhookSecret = "" })
		h := g.WebhookHandler(func(context.Context, *paygate.Event) error { t.Fatal("called"); return nil })
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(piEvent))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Stripe-Signature", fmt.Sprintf("t=%d,v1=%s", now, sign("", now, piEvent)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, 401, w.Code)
	})
	t.Run("several configured secrets", func(t *testing.T) {
		g, _ := newTest(t, map[string]func(seen) (int, string){"GET /v1/payment_intents/pi_1": answer(200, intentJSON("pi_1", "succeeded", ""))},
			func(c *Config) { c.WebhookSecret = "whsec_new, " + testWHSec })
		h := g.WebhookHandler(func(context.Context, *paygate.Event) error { return nil })
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(piEvent))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Stripe-Signature", fmt.Sprintf("t=%d,v1=%s", now, sign(testWHSec, now, piEvent)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		assert.Equal(t, 200, w.Code)
	})
}

func TestParseSignature(t *testing.T) {
	for _, tt := range []struct {
		h    string
		ok   bool
		nsig int
	}{
		{"t=1,v1=ab", true, 1},
		{"t=1, v1=ab ,v1=cd,v0=ef", true, 2},
		{"v1=ab", false, 0},
		{"t=1", false, 0},
		{"t=1,t=2,v1=ab", false, 0},
		{"t=x,v1=ab", false, 0},
		{"t=1,v1=zz", false, 0},
		{"", false, 0},
	} {
		s, err := parseSignature(tt.h)
		if !tt.ok {
			assert.Error(t, err, tt.h)
			continue
		}
		require.NoError(t, err, tt.h)
		assert.Len(t, s.v1, tt.nsig, tt.h)
	}
}
