package route_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// stripping returns target's URL through a proxy that deletes header from every answer when strip.
func stripping(t *testing.T, target, header string, strip bool) string {
	u, err := url.Parse(target)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: u.Scheme, Host: u.Host})
	proxy.ModifyResponse = func(r *http.Response) error {
		if strip {
			r.Header.Del(header)
		}
		return nil
	}
	front := httptest.NewServer(proxy)
	t.Cleanup(front.Close)
	return front.URL + u.Path
}

// A RISK_REJECT (Antom) or C0005 channel rejection (Waffo) is a failover code, but only when the
// provider signed it: an answer whose signature is missing (stripped on the way, or forged) is not a
// result, so the payment stays U where it was sent, which may have processed it, and the next provider
// is never asked. The signed one, as a control, moves.
func TestNoFailoverOnUnsignedRejection(t *testing.T) {
	providers := []struct {
		name, code, header string
		start              func(t *testing.T, strip bool) (paygate.Gateway, func(sim.Fault), *sim.Ledger)
	}{
		{antom.Name, "RISK_REJECT", "signature", func(t *testing.T, strip bool) (paygate.Gateway, func(sim.Fault), *sim.Ledger) {
			srv := antomtest.NewServer(antomtest.Config{})
			t.Cleanup(srv.Close)
			gw, err := antom.New(antom.Config{
				BaseURL: stripping(t, srv.URL, "signature", strip), ClientID: srv.ClientID, PrivateKey: srv.MerchantPrivateKey,
				AntomPublicKey: srv.AntomPublicKey, PaymentMethodType: "ALIPAY_CN", Retry: retry.Policy{MaxAttempts: 1},
			})
			require.NoError(t, err)
			t.Cleanup(gw.Close)
			return gw, srv.Inject, srv.Ledger()
		}},
		{waffo.Name, "C0005", "X-SIGNATURE", func(t *testing.T, strip bool) (paygate.Gateway, func(sim.Fault), *sim.Ledger) {
			srv := waffotest.NewServer(waffotest.Config{})
			t.Cleanup(srv.Close)
			gw, err := waffo.New(waffo.Config{
				BaseURL: stripping(t, srv.URL, "X-SIGNATURE", strip), APIKey: srv.APIKey, MerchantID: srv.MerchantID,
				PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey, Retry: retry.Policy{MaxAttempts: 1},
			})
			require.NoError(t, err)
			t.Cleanup(gw.Close)
			return gw, srv.Inject, srv.Ledger()
		}},
	}
	for _, p := range providers {
		for _, strip := range []bool{false, true} {
			name := p.name + " signed " + p.code + " fails over"
			if strip {
				name = p.name + " unsigned " + p.code + " stays"
			}
			t.Run(name, func(t *testing.T) {
				gw, inject, ledger := p.start(t, strip)
				b := newMem(t, "b")
				store := route.NewMemoryStore()
				r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{p.name: gw, "b": b}, Rules: catchAll(p.name, "b"), Store: store})

				inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: p.code})
				req := createReq("pay-rej-1")
				req.ReturnURL = "https://shop.example/return"
				req.Customer.Email = "buyer@example.com"
				req.NotifyURL = "http://127.0.0.1:1/notify" // never reached: nothing is created
				pay, err := r.Create(t.Context(), req)
				assert.Equal(t, 1, ledger.Requests(paygate.OpCreate, "pay-rej-1"))
				e := getEntry(t, store, route.KindPayment, "pay-rej-1")
				if !strip {
					require.NoError(t, err)
					assert.Equal(t, "b", pay.Provider)
					assert.Equal(t, []string{p.name}, e.Tried)
					return
				}
				requireOutcome(t, err, status.Unknown, "")
				assert.Nil(t, pay)
				assert.Zero(t, totalRequests(b), "b must get no request at all")
				assert.Equal(t, p.name, e.Provider)
				assert.Equal(t, paygate.OpCreate, e.Open, "the create stays open where it was sent")
				assert.Empty(t, e.Tried)
			})
		}
	}
}
