package antom_test

import (
	"crypto/x509"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// fakeReply is one canned Antom answer.
type fakeReply struct {
	status   int
	body     string
	sign     string // "" signs correctly; "none" leaves the signature out; "bad" signs other bytes
	clientID string // the client-id header; "" means the right one
	noTime   bool   // leave response-time out
}

// fakeAntom answers every request with rep, signed with the vector key as Antom's key, and returns an
// adapter pointed at it.
func fakeAntom(t *testing.T, rep fakeReply) *antom.Gateway {
	t.Helper()
	key := vectorKey(t)
	const clientID = "2188120000000001"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt := time.Now().Format(time.RFC3339)
		cid := rep.clientID
		if cid == "" {
			cid = clientID
		}
		signed := []byte(rep.body)
		if rep.sign == "bad" {
			signed = append(signed, ' ')
		}
		if rep.sign != "none" {
			h, err := antom.Sign(key, "1", r.Method, r.URL.Path, cid, rt, signed)
			require.NoError(t, err)
			w.Header().Set("signature", h)
		}
		w.Header().Set("client-id", cid)
		if !rep.noTime {
			w.Header().Set("response-time", rt)
		}
		st := rep.status
		if st == 0 {
			st = 200
		}
		w.WriteHeader(st)
		_, _ = w.Write([]byte(rep.body))
	}))
	t.Cleanup(srv.Close)
	keys := antomtest.NewServer(antomtest.Config{})
	t.Cleanup(keys.Close)
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	gw, err := antom.New(antom.Config{
		BaseURL: srv.URL, ClientID: clientID, PrivateKey: keys.MerchantPrivateKey,
		AntomPublicKey: base64.StdEncoding.EncodeToString(pub), PaymentMethodType: "GCASH",
		Retry: retry.Policy{MaxAttempts: 1},
	})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	return gw
}

const (
	inquirySuccess = `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentStatus":"SUCCESS","paymentRequestId":"p1","paymentId":"2026112111400000000000000001","paymentAmount":{"currency":"USD","value":"1999"}}`
	cashier        = `{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"in process"},"paymentRequestId":"p1","paymentId":"2026112111400000000000000001","paymentAmount":{"currency":"USD","value":"1999"},"normalUrl":"https://cashier.example/p"}`
	notFound       = `{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"The order does not exist."}}`
	riskReject     = `{"result":{"resultCode":"RISK_REJECT","resultStatus":"F","resultMessage":"The request is rejected by risk control."}}`
	unknownExc     = `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"An API calling is failed, which is caused by unknown reasons."}}`
)

// An answer whose signature is missing or does not verify is not a result, whatever its resultStatus
// says: Antom's official Go SDK refuses every such response (com/alipay/api/defaultAlipayClient.go,
// httpDo → checkRspSign → tools.CheckSignature, which fails on an empty signature). An unsigned
// RISK_REJECT believed as F would let the router fail over while Antom may have taken the payment.

func TestResponseSignatures(t *testing.T) {
	for _, c := range []struct {
		name    string
		rep     fakeReply
		create  bool
		outcome status.Outcome
		code    status.Code
		hint    bool // the error names the credentials to check
	}{
		{"signed S", fakeReply{body: inquirySuccess}, false, status.Success, status.CodeOK, false},
		{"unsigned S is not a result", fakeReply{body: inquirySuccess, sign: "none"}, false, status.Unknown, status.CodeProviderError, true},
		{"mis-signed S", fakeReply{body: inquirySuccess, sign: "bad"}, false, status.Unknown, status.CodeProviderError, true},
		{"S signed for another client", fakeReply{body: inquirySuccess, clientID: "2188120000000002"}, false, status.Unknown, status.CodeProviderError, true},
		{"signed S without response-time", fakeReply{body: inquirySuccess, noTime: true}, false, status.Unknown, status.CodeProviderError, true},
		{"signed cashier answer", fakeReply{body: cashier}, true, status.Success, status.CodeOK, false},
		{"unsigned cashier answer", fakeReply{body: cashier, sign: "none"}, true, status.Unknown, status.CodeProviderError, true},
		{"mis-signed cashier answer", fakeReply{body: cashier, sign: "bad"}, true, status.Unknown, status.CodeProviderError, true},
		{"signed F", fakeReply{body: notFound}, false, status.Failure, status.CodeNotFound, false},
		{"unsigned F is not a result", fakeReply{body: notFound, sign: "none"}, false, status.Unknown, status.CodeProviderError, true},
		{"mis-signed F is not", fakeReply{body: notFound, sign: "bad"}, false, status.Unknown, status.CodeProviderError, true},
		{"signed RISK_REJECT", fakeReply{body: riskReject}, true, status.Failure, status.CodeRiskRejected, false},
		{"unsigned RISK_REJECT is not a result", fakeReply{body: riskReject, sign: "none"}, true, status.Unknown, status.CodeProviderError, true},
		{"mis-signed RISK_REJECT", fakeReply{body: riskReject, sign: "bad"}, true, status.Unknown, status.CodeProviderError, true},
		{"unsigned U", fakeReply{body: unknownExc, sign: "none"}, true, status.Unknown, status.CodeProviderError, true},
		{"unsigned and unparseable", fakeReply{body: `{"result":`, sign: "none"}, false, status.Unknown, status.CodeProviderError, true},
		{"unparseable 200", fakeReply{body: `{"result":`}, false, status.Unknown, status.CodeProviderError, false},
		{"200 without a result", fakeReply{body: `{"paymentStatus":"SUCCESS"}`}, false, status.Unknown, status.CodeProviderError, false},
		{"HTTP 500 with an F body", fakeReply{status: 500, body: notFound}, false, status.Unknown, status.CodeUnavailable, false},
		{"HTTP 500, unsigned", fakeReply{status: 500, body: notFound, sign: "none"}, false, status.Unknown, status.CodeUnavailable, false},
		{"HTTP 429", fakeReply{status: 429, body: "slow down"}, false, status.Unknown, status.CodeRateLimited, false},
		{"HTTP 400", fakeReply{status: 400, body: notFound}, false, status.Unknown, status.CodeUnknown, false},
		{"HTTP 400, unsigned RISK_REJECT", fakeReply{status: 400, body: riskReject, sign: "none"}, true, status.Unknown, status.CodeUnknown, false},
		{"unknown paymentStatus", fakeReply{body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentStatus":"REVERSED","paymentId":"x","paymentAmount":{"currency":"USD","value":"1"}}`}, false, status.Unknown, status.CodeUnknown, false},
		{"paymentAmount with a float", fakeReply{body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentStatus":"SUCCESS","paymentId":"x","paymentAmount":{"currency":"USD","value":"19.99"}}`}, false, status.Unknown, status.CodeProviderError, false},
		{"paymentAmount as a JSON number", fakeReply{body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentStatus":"SUCCESS","paymentId":"x","paymentAmount":{"currency":"USD","value":1999}}`}, false, status.Unknown, status.CodeProviderError, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			gw := fakeAntom(t, c.rep)
			var p *paygate.Payment
			var err error
			if c.create {
				req := createRequest("19.99", "USD")
				req.PaymentRequestID = "p1"
				p, err = gw.Create(ctx(t), req)
			} else {
				p, err = gw.Inquire(ctx(t), &paygate.InquireRequest{PaymentRequestID: "p1"})
			}
			assert.Equal(t, c.outcome, paygate.OutcomeOf(err), "%v", err)
			assert.Equal(t, c.code, paygate.CodeOf(err))
			var pe *paygate.Error
			if c.hint && assert.ErrorAs(t, err, &pe) {
				for _, want := range []string{"Config.ClientID", antom.EnvClientID, "Config.AntomPublicKey", antom.EnvPublicKey, "the request may have been processed"} {
					assert.Contains(t, pe.Message, want)
				}
				assert.Empty(t, pe.ProviderCode, "what an unverified answer claims is not the provider's code")
			}
			if c.outcome == status.Success {
				require.NotNil(t, p)
				assert.Equal(t, "2026112111400000000000000001", p.ProviderPaymentID)
			} else {
				assert.Nil(t, p)
			}
		})
	}
}
