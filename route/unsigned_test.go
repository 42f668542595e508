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
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/status"
)

// An Antom RISK_REJECT is a failover code, but only when Antom signed it: an answer whose signature
// is missing (stripped on the way, or forged) is not a result, so the payment stays U at Antom, which
// may have processed it, and the next provider is never asked. The signed one, as a control, moves.
func TestNoFailoverOnUnsignedRiskReject(t *testing.T) {
	for _, c := range []struct {
		name   string
		strip  bool
		moved  bool
		result status.Outcome
	}{
		{"signed RISK_REJECT fails over", false, true, status.Success},
		{"unsigned RISK_REJECT stays", true, false, status.Unknown},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, err := antomtest.NewServer(antomtest.Config{})
			require.NoError(t, err)
			t.Cleanup(srv.Close)
			target, err := url.Parse(srv.URL)
			require.NoError(t, err)
			proxy := httputil.NewSingleHostReverseProxy(target)
			proxy.ModifyResponse = func(r *http.Response) error {
				if c.strip {
					r.Header.Del("signature")
				}
				return nil
			}
			front := httptest.NewServer(proxy)
			t.Cleanup(front.Close)
			gw, err := antom.New(antom.Config{
				BaseURL: front.URL, ClientID: srv.ClientID, PrivateKey: srv.MerchantPrivateKey, AntomPublicKey: srv.AntomPublicKey,
				PaymentMethodType: "ALIPAY_CN", Retry: retry.Policy{MaxAttempts: 1},
			})
			require.NoError(t, err)
			t.Cleanup(gw.Close)
			b := newMem(t, "b")
			store := route.NewMemoryStore()
			r := newRouter(t, route.Config{Providers: map[string]paygate.Gateway{antom.Name: gw, "b": b}, Rules: catchAll(antom.Name, "b"), Store: store})

			srv.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "RISK_REJECT"})
			req := createReq("pay-risk-1")
			req.ReturnURL = "https://shop.example/return"
			p, err := r.Create(t.Context(), req)
			assert.Equal(t, c.result, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, 1, srv.Ledger().Requests(paygate.OpCreate, "pay-risk-1"))
			e := getEntry(t, store, route.KindPayment, "pay-risk-1")
			if c.moved {
				require.NotNil(t, p)
				assert.Equal(t, "b", p.Provider)
				assert.Equal(t, []string{antom.Name}, e.Tried)
				return
			}
			assert.Nil(t, p)
			assert.Zero(t, totalRequests(b), "b must get no request at all")
			assert.Equal(t, antom.Name, e.Provider)
			assert.Equal(t, paygate.OpCreate, e.Open, "the create stays open at Antom")
			assert.Empty(t, e.Tried)
		})
	}
}
