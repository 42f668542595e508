package vai247test_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func browse(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

// The page at /pay/<order_id> shows the order with a QR code of itself and the qr_code payload;
// its buttons move the order as SettleOrder does, with the signed webhook, and (VAI247's create takes
// no return URL) show the page again. There is no Fail: VAI247's failed is not final.
func TestPaymentPage(t *testing.T) {
	tests := []struct {
		verb     string
		status   status.Payment
		webhooks int // payment.success for pay; expiry sends none
	}{
		{"pay", status.PaymentSucceeded, 1},
		{"cancel", status.PaymentExpired, 0},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"status":"received"}`))
			}))
			defer hook.Close()
			c := newClient(t)
			c.srv.SetWebhookURL(hook.URL)
			code, m := c.create("12.50", "USD")
			require.Equal(t, http.StatusOK, code, m)
			id := m["order_id"].(string)
			url := c.srv.PageURL(id)

			resp, page := browse(t, http.MethodGet, url)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Contains(t, page, "<h1>VAI247 sandbox</h1>")
			assert.Contains(t, page, `<div id="amount">12.50 USD</div>`)
			assert.Contains(t, page, `<dd id="merchant">`+c.srv.StoreID+`</dd>`)
			assert.Contains(t, page, `<dd id="method">KHQR</dd>`)
			assert.Contains(t, page, `<dd id="status">REQUIRES_ACTION</dd>`)
			assert.Contains(t, page, `<code id="qr-payload">`+m["qr_code"].(string)+`</code>`)
			assert.Contains(t, page, `<button id="pay"`)
			assert.Contains(t, page, `<button id="cancel"`)
			assert.NotContains(t, page, `<button id="fail"`, "failed is not final at VAI247")
			img, err := sim.PageQRImage([]byte(page))
			require.NoError(t, err)
			assert.Equal(t, "\x89PNG\r\n\x1a\n", string(img[:8]))
			require.NoError(t, sim.CheckQRPNG(img, url), "the QR code opens this page")

			resp, page = browse(t, http.MethodPost, url+"/"+tt.verb)
			assert.Equal(t, http.StatusOK, resp.StatusCode, "no return URL: the page again")
			assert.Contains(t, page, `<dd id="status">`+string(tt.status)+`</dd>`)
			assert.NotContains(t, page, "<form")
			orders := c.srv.Ledger().AllOrders()
			require.Len(t, orders, 1)
			assert.Equal(t, tt.status, orders[0].Status)

			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			require.NoError(t, c.srv.Webhooks().Wait(ctx))
			ds := c.srv.Webhooks().Deliveries()
			require.Len(t, ds, tt.webhooks)
			for _, d := range ds {
				assert.True(t, d.Acked)
				assert.NotEmpty(t, d.Header.Get("X-DVPay-Signature"))
				assert.Contains(t, string(d.Body), `"event":"payment.success"`)
			}

			resp, _ = browse(t, http.MethodPost, url+"/pay")
			assert.Equal(t, http.StatusConflict, resp.StatusCode, "a final order does not move again")
			assert.Len(t, c.srv.Webhooks().Deliveries(), tt.webhooks)
		})
	}
}

func TestPaymentPageRefusals(t *testing.T) {
	c := newClient(t)
	code, m := c.create("12.50", "USD")
	require.Equal(t, http.StatusOK, code, m)
	url := c.srv.PageURL(m["order_id"].(string))
	resp, page := browse(t, http.MethodPost, url+"/fail")
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "no fail at VAI247")
	assert.True(t, strings.Contains(page, `<dd id="status">REQUIRES_ACTION</dd>`))
	resp, _ = browse(t, http.MethodGet, c.srv.URL+"/pay/ord_nope")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}
