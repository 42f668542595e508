package sim_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// fakeShop is one payment behind a sim.Cashier: what the page shows and what Settle did to it.
type fakeShop struct {
	mu      sync.Mutex
	page    sim.Page
	settled []sim.Settlement
	refuse  error  // Settle's error, when set
	ret     string // Return's URL
}

func (f *fakeShop) cashier() *sim.Cashier {
	return &sim.Cashier{
		Title: "Test sandbox",
		Page: func(id string) (sim.Page, bool) {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.page, id == f.page.ID
		},
		Settle: func(_ context.Context, _ string, st sim.Settlement) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			if f.refuse != nil {
				return f.refuse
			}
			f.settled = append(f.settled, st)
			f.page.Status, f.page.Verbs = status.PaymentSucceeded, nil
			return nil
		},
		Return: func(string, sim.Verb) string { return f.ret },
	}
}

func serve(t *testing.T, f *fakeShop, extra ...string) *httptest.Server {
	mux := http.NewServeMux()
	f.cashier().Mount(mux, extra...)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

var noRedirects = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func do(t *testing.T, method, url string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	require.NoError(t, err)
	resp, err := noRedirects.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(b)
}

func open(t *testing.T) *fakeShop {
	return &fakeShop{page: sim.Page{
		ID: "P1", Amount: money.MustParse("25.00", "USD"), Merchant: `Shop <script>alert(1)</script>`, Method: "CARD",
		Description: `"quoted" & <b>bold</b>`, Status: status.PaymentRequiresAction,
		Verbs: []sim.Verb{sim.VerbPay, sim.VerbFail, sim.VerbCancel},
	}}
}

func TestCashierPageShowsThePaymentEscaped(t *testing.T) {
	f := open(t)
	srv := serve(t, f, "/cashier/")
	for _, path := range []string{"/pay/P1", "/cashier/P1"} {
		resp, body := do(t, http.MethodGet, srv.URL+path)
		require.Equal(t, http.StatusOK, resp.StatusCode, path)
		assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Contains(t, body, "<h1>Test sandbox</h1>")
		assert.Contains(t, body, `<div id="amount">25.00 USD</div>`)
		assert.Contains(t, body, `<dd id="merchant">Shop &lt;script&gt;alert(1)&lt;/script&gt;</dd>`)
		assert.NotContains(t, body, "<script>")
		assert.Contains(t, body, `&#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;`)
		assert.Contains(t, body, `<dd id="method">CARD</dd>`)
		assert.Contains(t, body, `<dd id="status">REQUIRES_ACTION</dd>`)
		for _, v := range []string{"pay", "fail", "cancel"} {
			assert.Contains(t, body, `<form method="post" action="/pay/P1/`+v+`"><button id="`+v+`" type="submit">`)
		}
		assert.NotContains(t, body, `id="authorize"`)
		assert.NotContains(t, body, "http://", "no external asset") // the page links nothing
		assert.NotContains(t, body, `id="qr"`)
	}
}

func TestCashierPostMovesThenRedirectsOrRenders(t *testing.T) {
	tests := []struct {
		verb sim.Verb
		want sim.Settlement
	}{
		{sim.VerbPay, sim.Pay},
		{sim.VerbAuthorize, sim.Pay},
		{sim.VerbFail, sim.Fail},
		{sim.VerbCancel, sim.Expire},
	}
	for _, tt := range tests {
		t.Run(string(tt.verb), func(t *testing.T) {
			f := open(t)
			f.page.Verbs = append(f.page.Verbs, sim.VerbAuthorize)
			f.ret = "https://shop.example/return?order=1"
			srv := serve(t, f)
			resp, _ := do(t, http.MethodPost, srv.URL+"/pay/P1/"+string(tt.verb))
			assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
			assert.Equal(t, "https://shop.example/return?order=1", resp.Header.Get("Location"))
			assert.Equal(t, []sim.Settlement{tt.want}, f.settled)

			// Final now: the page shows its status, no buttons, and a second POST moves nothing.
			resp, body := do(t, http.MethodPost, srv.URL+"/pay/P1/"+string(tt.verb))
			assert.Equal(t, http.StatusConflict, resp.StatusCode)
			assert.Contains(t, body, `<dd id="status">SUCCEEDED</dd>`)
			assert.NotContains(t, body, "<form")
			assert.Len(t, f.settled, 1)
		})
	}
	t.Run("no return URL re-renders", func(t *testing.T) {
		f := open(t)
		srv := serve(t, f)
		resp, body := do(t, http.MethodPost, srv.URL+"/pay/P1/pay")
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Contains(t, body, `<dd id="status">SUCCEEDED</dd>`)
		assert.Contains(t, body, `id="final"`)
	})
}

func TestCashierRefusals(t *testing.T) {
	f := open(t)
	f.page.Verbs = []sim.Verb{sim.VerbPay}
	srv := serve(t, f)

	resp, body := do(t, http.MethodGet, srv.URL+"/pay/nope")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Contains(t, body, "NOT_FOUND")
	resp, _ = do(t, http.MethodPost, srv.URL+"/pay/nope/pay")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp, _ = do(t, http.MethodPost, srv.URL+"/pay/P1/refund")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "not a verb")
	resp, body = do(t, http.MethodPost, srv.URL+"/pay/P1/fail")
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "a verb the page does not offer")
	assert.Contains(t, body, "does not offer fail")
	resp, _ = do(t, http.MethodGet, srv.URL+"/pay/P1/pay")
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode, "acting takes a POST")

	f.refuse = errors.New("the order expired")
	resp, body = do(t, http.MethodPost, srv.URL+"/pay/P1/pay")
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "the simulator refused the move")
	assert.Contains(t, body, "the order expired")
	assert.Empty(t, f.settled)
}

func TestCashierQRAndDeeplink(t *testing.T) {
	f := open(t)
	f.page.QR, f.page.QRPayload, f.page.Deeplink = true, "000201<KHQR>", "shopapp://pay/P1"
	srv := serve(t, f)
	resp, body := do(t, http.MethodGet, srv.URL+"/pay/P1")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "scan to open this page on a phone")
	assert.Contains(t, body, `<code id="qr-payload">000201&lt;KHQR&gt;</code>`)
	assert.Contains(t, body, `<a id="deeplink" href="shopapp://pay/P1">`)
	img, err := sim.PageQRImage([]byte(body))
	require.NoError(t, err)
	assert.Equal(t, "\x89PNG\r\n\x1a\n", string(img[:8]))
	require.NoError(t, sim.CheckQRPNG(img, srv.URL+"/pay/P1"), "the QR code is the page's own URL")
	assert.Error(t, sim.CheckQRPNG(img, srv.URL+"/pay/P2"))

	f.page.Deeplink = "javascript:alert(1)"
	_, body = do(t, http.MethodGet, srv.URL+"/pay/P1")
	assert.NotContains(t, body, `href="javascript:`)
}

func TestVerbSettlements(t *testing.T) {
	for _, v := range sim.Verbs() {
		_, ok := v.Settlement()
		assert.True(t, ok, v)
	}
	_, ok := sim.Verb("refund").Settlement()
	assert.False(t, ok)
	assert.True(t, strings.HasPrefix(sim.PagePath("a/b"), "/pay/a%2Fb"))
}
