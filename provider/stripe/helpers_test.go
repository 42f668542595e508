package stripe

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider"
	"go.uber.org/zap"
)

const (
	testKey    = "sk_test_adapterSecretKey123"
	testWHSec  = "whsec_adapterWebhookSecret456"
	testSecret = "pi_1_secret_clientSecret789"
)

var testNow = time.Date(2026, 9, 1, 12, 0, 0, 0, time.UTC)

// seen is one request the fake received.
type seen struct {
	method, path, query string
	header              http.Header
	body                string
	form                url.Values
}

// fake is a scripted Stripe: route answers "METHOD /path" with a status and a body.
type fake struct {
	mu    sync.Mutex
	reqs  []seen
	route map[string]func(r seen) (int, string)
	hdr   http.Header // extra reply headers
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s := seen{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone(), body: string(b)}
	s.form, _ = url.ParseQuery(string(b))
	f.mu.Lock()
	f.reqs = append(f.reqs, s)
	h := f.route[r.Method+" "+r.URL.Path]
	f.mu.Unlock()
	for k, vs := range f.hdr {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json")
	if h == nil {
		w.WriteHeader(404)
		_, _ = io.WriteString(w, `{"error":{"type":"invalid_request_error","code":"resource_missing","message":"Unrecognized request URL"}}`)
		return
	}
	code, body := h(s)
	w.WriteHeader(code)
	_, _ = io.WriteString(w, body)
}

func (f *fake) requests() []seen {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seen(nil), f.reqs...)
}

func answer(code int, body string) func(seen) (int, string) {
	return func(seen) (int, string) { return code, body }
}

// newTest returns an adapter talking to a fake with the given routes.
func newTest(t *testing.T, routes map[string]func(seen) (int, string), mod ...func(*Config)) (*Gateway, *fake) {
	t.Helper()
	f := &fake{route: routes}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	cfg := Config{SecretKey: testKey, WebhookSecret: testWHSec, BaseURL: srv.URL, Now: func() time.Time { return testNow }}
	cfg.Retry.MaxAttempts = 2
	cfg.Retry.BaseDelay = time.Millisecond
	cfg.Retry.MaxDelay = 5 * time.Millisecond
	for _, m := range mod {
		m(&cfg)
	}
	g, err := New(cfg)
	require.NoError(t, err)
	t.Cleanup(g.Close)
	return g, f
}

func withLogger(l *zap.Logger) func(*Config) { return func(c *Config) { c.Logger = l } }

// intentJSON is a PaymentIntent reply.
func intentJSON(id, st string, extra string) string {
	s := `{"id":"` + id + `","object":"payment_intent","amount":1999,"amount_capturable":0,"amount_received":0,"currency":"usd","status":"` + st +
		`","client_secret":"` + testSecret + `","metadata":{"paygate_payment_request_id":"req-1","paygate_merchant_order_id":"ord-1"}`
	if extra != "" {
		s += "," + extra
	}
	return s + "}"
}

func commonSettings() provider.Common { return provider.Common{} }
