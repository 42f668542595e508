package stripetest

import (
	"io"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/status"
)

var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func browse(t *testing.T, method, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, nil)
	require.NoError(t, err)
	resp, err := noFollow.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	t.Cleanup(noFollow.CloseIdleConnections)
	return resp, string(b)
}

// The page stands in for Stripe.js and the redirect pages: next_action's URL opens it, each button
// moves the intent as Settle does (with its events), and the browser goes back to return_url with the
// query Stripe documents (payment_intent, redirect_status).
func TestPaymentPage(t *testing.T) {
	tests := []struct {
		name, verb string
		capture    string
		wantStatus string // the intent's status after the click
		wantResult string // redirect_status
	}{
		{"pay", "pay", "", stSucceeded, "succeeded"},
		{"authorize a manual capture", "authorize", "manual", stRequiresCapture, "succeeded"},
		{"decline: not final", "fail", "", stRequiresPM, "failed"},
		{"cancel", "cancel", "", stCanceled, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTC(t, Config{})
			kv := []string{"confirm", "true", "payment_method_data[type]", "alipay", "payment_method_types[0]", "alipay",
				"return_url", "https://shop.example/return?order=7", "description", "<script>x</script>"}
			if tt.capture != "" {
				kv = append(kv, "capture_method", tt.capture)
			}
			pi := c.create(kv...)
			id := pi["id"].(string)
			next := pi["next_action"].(map[string]any)["alipay_handle_redirect"].(map[string]any)["url"].(string)

			resp, page := browse(t, http.MethodGet, next)
			require.Equal(t, http.StatusOK, resp.StatusCode, "next_action's URL opens the page")
			assert.Contains(t, page, "<h1>Stripe sandbox</h1>")
			assert.Contains(t, page, `<div id="amount">10.00 USD</div>`)
			assert.Contains(t, page, `<dd id="method">alipay</dd>`)
			assert.NotContains(t, page, "<script>x", "the description is escaped")
			assert.Contains(t, page, `<button id="`+tt.verb+`"`)

			resp, _ = browse(t, http.MethodPost, c.srv.PageURL(id)+"/"+tt.verb)
			require.Equal(t, http.StatusSeeOther, resp.StatusCode)
			to, err := url.Parse(resp.Header.Get("Location"))
			require.NoError(t, err)
			assert.Equal(t, "shop.example", to.Host)
			assert.Equal(t, url.Values{"order": {"7"}, "payment_intent": {id}, "redirect_status": {tt.wantResult}}, to.Query())

			st, got, _ := c.do("GET", "/v1/payment_intents/"+id, nil, "")
			require.Equal(t, 200, st)
			assert.Equal(t, tt.wantStatus, got["status"])
		})
	}
}

// A final intent shows its state and refuses every button; an unconfirmed one (no return_url) shows
// the page again after a click.
func TestPaymentPageFinalAndWithoutReturn(t *testing.T) {
	c := newTC(t, Config{})
	id := c.create()["id"].(string)
	resp, page := browse(t, http.MethodPost, c.srv.PageURL(id)+"/pay")
	require.Equal(t, http.StatusOK, resp.StatusCode, "no return_url: the page again")
	assert.Contains(t, page, `<dd id="status">`+string(status.PaymentSucceeded)+`</dd>`)
	assert.NotContains(t, page, "<form")
	resp, _ = browse(t, http.MethodPost, c.srv.PageURL(id)+"/cancel")
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "a final intent cannot be moved")
	resp, _ = browse(t, http.MethodGet, c.srv.PageURL("pi_missing"))
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

// An intent left for Stripe.js takes its return URL from the merchant's page, as confirmParams.return_url:
// the page opened with ?return_url= sends the browser there after a click; a URL that is not absolute
// http(s) is ignored.
func TestPaymentPageGivenReturnURL(t *testing.T) {
	c := newTC(t, Config{})
	id := c.create()["id"].(string)
	ret := "http://127.0.0.1:9/return/pay-1"
	resp, page := browse(t, http.MethodGet, c.srv.PageURL(id)+"?return_url="+url.QueryEscape(ret))
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, page, `action="/pay/`+id+`/pay?return_url=`+url.QueryEscape(ret)+`"`)
	resp, _ = browse(t, http.MethodPost, c.srv.PageURL(id)+"/pay?return_url="+url.QueryEscape(ret))
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, ret+"?payment_intent="+id+"&redirect_status=succeeded", resp.Header.Get("Location"))

	id = c.create()["id"].(string)
	resp, _ = browse(t, http.MethodPost, c.srv.PageURL(id)+"/pay?return_url="+url.QueryEscape("javascript:alert(1)"))
	assert.Equal(t, http.StatusOK, resp.StatusCode, "not an http(s) URL: the page again")
}
