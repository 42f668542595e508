package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// noRedirects is a client that shows the shop's 303s instead of following them.
var noRedirects = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func startTestCheckout(t *testing.T) *checkoutSite {
	t.Helper()
	site, err := startCheckout("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(site.close)
	return site
}

func getPage(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := noRedirects.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// element is the text of the page's element with that id (the shop's pages put text only in them).
func element(t *testing.T, page, id string) string {
	t.Helper()
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	require.NotNil(t, m, "no element %q in the page:\n%s", id, page)
	return m[1]
}

// checkoutAt clicks the provider's Pay button without a browser: the order's id and where the shop
// sends the browser.
func checkoutAt(t *testing.T, site *checkoutSite, name string) (id, location string) {
	t.Helper()
	resp, err := noRedirects.Post(site.url+"/checkout/"+name, "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	location = resp.Header.Get("Location")
	require.NotEmpty(t, location)
	site.mu.Lock()
	defer site.mu.Unlock()
	for oid, o := range site.orders {
		if o.Provider == name {
			require.Empty(t, id, "one order per test")
			id = oid
		}
	}
	require.NotEmpty(t, id, "the shop recorded no order at %s", name)
	return id, location
}

func TestCheckoutProductPageHasAButtonPerProvider(t *testing.T) {
	site := startTestCheckout(t)
	code, page := getPage(t, site.url+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, checkoutProduct.Price.String(), element(t, page, "price"))
	for _, e := range registry.All() {
		assert.Contains(t, page, `<button id="pay-`+e.Name()+`" type="submit">Pay with `+e.Adapter.Title+`</button>`)
		assert.Contains(t, page, `action="/checkout/`+e.Name()+`"`)
	}
}

// Each provider, without a browser: the Pay button creates the payment and sends the browser on;
// the customer settles it at the simulator (as its page does); the return page shows Inquire's
// status and the verified webhook, and the order holds that webhook.
func TestCheckoutSettledPaymentReturns(t *testing.T) {
	for _, e := range registry.All() {
		for _, tc := range []struct {
			settle sim.Settlement
			want   []status.Payment
		}{
			{sim.Pay, []status.Payment{status.PaymentSucceeded}},
			{sim.Fail, []status.Payment{status.PaymentFailed}},
			{sim.Expire, []status.Payment{status.PaymentExpired, status.PaymentCanceled}},
		} {
			t.Run(e.Name()+"/"+tc.settle.String(), func(t *testing.T) {
				if !slices.Contains(e.Simulator.Chaos.Settlements, tc.settle) {
					t.Skipf("the %s simulator has no %s settlement", e.Name(), tc.settle)
				}
				site := startTestCheckout(t)
				id, location := checkoutAt(t, site, e.Name())
				o, _ := site.order(id)
				assert.Equal(t, checkoutProduct.Price, o.Amount)
				assert.NotEqual(t, site.url+"/return/"+id, location, "the customer must be sent to the provider, not straight back")
				require.NoError(t, site.sims.running[e.Name()].Settle(t.Context(), id, tc.settle))

				code, page := getPage(t, site.url+"/return/"+id)
				require.Equal(t, http.StatusOK, code)
				assert.Contains(t, tc.want, status.Payment(element(t, page, "status")))
				o, _ = site.order(id)
				assert.NotContains(t, page, `http-equiv="refresh"`, "a final payment needs no reload")
				if tc.settle == sim.Expire && abandonedWithoutWebhook[e.Name()] {
					assert.Empty(t, o.Webhooks, "%s documents no notification for an abandoned payment: update abandonedWithoutWebhook", e.Name())
					assert.Equal(t, "none received yet", element(t, page, "webhook"))
					return
				}
				require.NotEmpty(t, o.Webhooks, "the return page waits for the verified webhook")
				assert.Contains(t, tc.want, o.Webhooks[len(o.Webhooks)-1])
				// The page showed what had arrived by then; more may have come since (Stripe sends an
				// event per change, each looked up).
				assert.True(t, strings.HasPrefix("verified: "+joinStatuses(o.Webhooks), element(t, page, "webhook")),
					"the page's %q is not the start of the verified webhooks %v", element(t, page, "webhook"), o.Webhooks)
			})
		}
	}
}

// abandonedWithoutWebhook are the providers that send no notification when a payment ends unpaid
// (expired or cancelled by the customer): VAI247's notifications are payment.processing,
// payment.success, payment.failed and refund.completed only (docs essentials/webhook-configuration,
// /work/shared/providers/vai247.md "Webhooks"). Their merchant learns that end by Inquire.
var abandonedWithoutWebhook = map[string]bool{"vai247": true}

func joinStatuses(ss []status.Payment) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, string(s))
	}
	return strings.Join(parts, ", ")
}

// A payment nobody has paid yet: the return page says so, and reloads itself.
func TestCheckoutReturnBeforeWebhook(t *testing.T) {
	old := checkoutWebhookWait
	checkoutWebhookWait = 50 * time.Millisecond
	t.Cleanup(func() { checkoutWebhookWait = old })
	site := startTestCheckout(t)
	name := registry.Names()[0]
	id, _ := checkoutAt(t, site, name)
	code, page := getPage(t, site.url+"/return/"+id)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, string(status.PaymentRequiresAction), element(t, page, "status"))
	assert.Equal(t, "none received yet", element(t, page, "webhook"))
	assert.Contains(t, page, `http-equiv="refresh"`)
}

// A notification the adapter cannot verify is refused by its handler and never reaches the order.
func TestCheckoutUnverifiedWebhookIsRefused(t *testing.T) {
	site := startTestCheckout(t)
	for _, name := range registry.Names() {
		id, _ := checkoutAt(t, site, name)
		o, _ := site.order(id)
		body := `{"payment_request_id":"` + id + `","provider_payment_id":"` + o.ProviderPaymentID + `","status":"SUCCEEDED"}`
		resp, err := http.Post(site.webhookURL(name), "application/json", strings.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		assert.GreaterOrEqual(t, resp.StatusCode, 300, "%s accepted an unsigned notification", name)
		o, _ = site.order(id)
		// The provider's own signed notifications may have arrived (Stripe's payment_intent.created);
		// the forged SUCCEEDED never does.
		assert.NotContains(t, o.Webhooks, status.PaymentSucceeded, name)
	}
}

func TestCheckoutRefusesUnknownsAndEscapes(t *testing.T) {
	site := startTestCheckout(t)
	code, page := getPage(t, site.url+"/return/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
	assert.Equal(t, http.StatusNotFound, code)
	assert.NotContains(t, page, "<script>")
	assert.Contains(t, page, "&lt;script&gt;")

	resp, err := noRedirects.Post(site.url+"/checkout/nosuch", "", nil)
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, string(b), "unknown provider")

	resp, err = noRedirects.Get(site.url + "/checkout/" + registry.Names()[0])
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "a payment is created by the form's POST only")
}

func TestCheckoutCommandLine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"help", []string{"-h"}, exitOK, "usage: paygate checkout"},
		{"bad flag", []string{"--nope"}, exitUsage, "flag provided but not defined"},
		{"argument", []string{"extra"}, exitUsage, `unexpected argument "extra"`},
		{"busy address", []string{"--addr", busy.Addr().String(), "--open=false"}, exitUsage, "the port is in use"},
		{"not host:port", []string{"--addr", "8000"}, exitUsage, "is not HOST:PORT"},
		{"not loopback", []string{"--addr", "0.0.0.0:0"}, exitUsage, "loopback only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(t.Context(), append([]string{"checkout"}, tt.args...), &stdout, &stderr, noEnv)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stdout.String()+stderr.String(), tt.want)
		})
	}
}

// The command serves until its context ends (Ctrl-C), printing the shop's URL.
func TestCheckoutCommandServesUntilStopped(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"checkout", "--open=false"}, &stdout, &stderr, noEnv) }()
	var url string
	require.Eventually(t, func() bool {
		m := regexp.MustCompile(`the shop is at (http://\S+)`).FindStringSubmatch(stdout.String())
		if m != nil {
			url = m[1]
		}
		return m != nil
	}, 10*time.Second, 20*time.Millisecond)
	code, page := getPage(t, url+"/")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, `id="pay-`)
	cancel()
	select {
	case code := <-done:
		assert.Equal(t, exitOK, code, "stderr: %s", stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("paygate checkout did not stop")
	}
	assert.Contains(t, stdout.String(), "stopped")
}

// lastOrder is the id of the newest order the shop created at the provider ("" when none).
func (s *checkoutSite) lastOrder(provider string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newest[provider]
}
