package antom

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// docIgnored are fields Antom's documented examples carry that the adapter deliberately does not read,
// each with its source; any other field the adapter's types do not hold fails the strict decode.
var docIgnored = map[string]map[string]string{
	"pay": {
		"orderCodeForm":      "responsePay.AlipayPayResponse.OrderCodeForm (a QR code; the adapter redirects)",
		"paymentActionForm":  "responsePay.AlipayPayResponse.PaymentActionForm (repeats normalUrl)",
		"redirectActionForm": "responsePay.AlipayPayResponse.RedirectActionForm (repeats normalUrl)",
		"appIdentifier":      "responsePay.AlipayPayResponse.AppIdentifier (the wallet app's id)",
	},
	"inquiryPayment": {
		"transactions": "responsePay.AlipayPayQueryResponse.Transactions (captures and refunds of the payment)",
	},
	"notifyPayment": {
		"actualPaymentAmount": "ams_oc 'Accept payment' signed example (the amount after promotions; paymentAmount is what was asked)",
	},
}

// strictDecode decodes body into v refusing unknown fields, after dropping the top-level fields in
// ignored.
func strictDecode(body []byte, v any, ignored map[string]string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return err
	}
	for k := range ignored {
		delete(m, k)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func readDoc(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(path.Join("testdata", "docs", name))
	require.NoError(t, err)
	return b
}

// docServer answers each endpoint with a fixed body, signed as Antom signs, and returns an adapter
// pointed at it.
func docServer(t *testing.T, answers map[string][]byte) *Gateway {
	t.Helper()
	antomKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	merchantKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	const clientID = "2188120000000001"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := answers[path.Base(r.URL.Path)]
		if !ok {
			http.NotFound(w, r)
			return
		}
		rt := time.Now().Format(time.RFC3339)
		sig, err := Sign(antomKey, "1", r.Method, r.URL.Path, clientID, rt, body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("signature", sig)
		w.Header().Set("client-id", clientID)
		w.Header().Set("response-time", rt)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	pub, err := x509.MarshalPKIXPublicKey(&antomKey.PublicKey)
	require.NoError(t, err)
	priv, err := x509.MarshalPKCS8PrivateKey(merchantKey)
	require.NoError(t, err)
	gw, err := New(Config{
		BaseURL: srv.URL, ClientID: clientID, PrivateKey: base64.StdEncoding.EncodeToString(priv),
		AntomPublicKey: base64.StdEncoding.EncodeToString(pub), PaymentMethodType: "ALIPAY_HK",
		Retry: retry.Policy{MaxAttempts: 1},
	})
	require.NoError(t, err)
	t.Cleanup(gw.Close)
	return gw
}

// TestDocumentedExamples reads every documented example body (testdata/docs, sources in SOURCES.md)
// with unknown fields refused into the adapter's types, and through the adapter's parsing path.
func TestDocumentedExamples(t *testing.T) {
	t.Run("strict decode", func(t *testing.T) {
		for _, c := range []struct {
			file, kind string
			into       any
		}{
			{"pay_cashier_web.json", "pay", &struct {
				envelope
				payResponse
			}{}},
			{"pay_cashier_wap.json", "pay", &struct {
				envelope
				payResponse
			}{}},
			{"inquiry_payment_success.json", "inquiryPayment", &struct {
				envelope
				inquiryResponse
			}{}},
			{"cancel_success.json", "cancel", &struct {
				envelope
				cancelResponse
			}{}},
			{"cancel_order_not_exist.json", "error", &envelope{}},
			{"cancel_already_refunded.json", "error", &envelope{}},
			{"cancel_window_exceed.json", "error", &envelope{}},
			{"refund_success.json", "refund", &struct {
				envelope
				refundResponse
			}{}},
			{"notify_payment_success.json", "notifyPayment", &notification{}},
			{"notify_payment_success_signed.json", "notifyPayment", &notification{}},
			{"notify_payment_fail.json", "notifyPayment", &notification{}},
			{"notify_refund_success.json", "notifyRefund", &notification{}},
			{"notify_ack.json", "ack", &envelope{}},
		} {
			t.Run(c.file, func(t *testing.T) {
				assert.NoError(t, strictDecode(readDoc(t, c.file), c.into, docIgnored[c.kind]))
			})
		}
	})

	t.Run("pay", func(t *testing.T) {
		for _, c := range []struct {
			file, requestID string
			kind            paygate.ActionKind
		}{
			{"pay_cashier_web.json", "PAY_20240115172044263", paygate.ActionRedirect},
			{"pay_cashier_wap.json", "PAY_20240229113956783", paygate.ActionRedirect},
		} {
			gw := docServer(t, map[string][]byte{"pay": readDoc(t, c.file)})
			p, err := gw.Create(context.Background(), &paygate.CreateRequest{
				PaymentRequestID: c.requestID, Amount: money.MustParse("1.00", "HKD"), ReturnURL: "https://shop.example/r",
			})
			require.NoError(t, err, c.file)
			assert.Equal(t, status.PaymentRequiresAction, p.Status)
			assert.NotEmpty(t, p.ProviderPaymentID)
			require.NotNil(t, p.Action)
			assert.Equal(t, c.kind, p.Action.Kind)
			assert.True(t, strings.HasPrefix(p.Action.URL, "https://"))
		}
	})

	t.Run("inquiryPayment", func(t *testing.T) {
		gw := docServer(t, map[string][]byte{"inquiryPayment": readDoc(t, "inquiry_payment_success.json")})
		p, err := gw.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "paymentRequestId01"})
		require.NoError(t, err)
		assert.Equal(t, status.PaymentSucceeded, p.Status)
		assert.Equal(t, "paymentRequestId01", p.PaymentRequestID)
		assert.Equal(t, "2019060811401080010018882020035XXXX", p.ProviderPaymentID)
		assert.True(t, p.Amount.Equal(money.MustParse("1.00", "HKD")), p.Amount.String())
	})

	t.Run("cancel", func(t *testing.T) {
		for _, c := range []struct {
			file    string
			outcome status.Outcome
			code    status.Code
		}{
			{"cancel_success.json", status.Success, status.CodeOK},
			{"cancel_order_not_exist.json", status.Failure, status.CodeNotFound},
			{"cancel_already_refunded.json", status.Failure, status.CodeProviderError},
			{"cancel_window_exceed.json", status.Failure, status.CodeCancelWindowExceeded},
		} {
			gw := docServer(t, map[string][]byte{"cancel": readDoc(t, c.file)})
			p, err := gw.Cancel(context.Background(), &paygate.CancelRequest{ProviderPaymentID: "2019061218401080010018882020035XXXX"})
			assert.Equal(t, c.outcome, paygate.OutcomeOf(err), "%s: %v", c.file, err)
			assert.Equal(t, c.code, paygate.CodeOf(err), c.file)
			if err == nil {
				assert.Equal(t, "pay_2089760038715669_20277574507XXXX", p.PaymentRequestID)
				assert.Equal(t, status.PaymentCanceled, p.Status)
			}
		}
	})

	t.Run("refund", func(t *testing.T) {
		// The adapter looks the payment up before refunding; the lookup's answer is the documented
		// inquiry example, moved to the refund example's payment and currency.
		inquiry := bytes.ReplaceAll(readDoc(t, "inquiry_payment_success.json"), []byte("2019060811401080010018882020035XXXX"), []byte("20181129190741010007000000XXXX"))
		inquiry = bytes.ReplaceAll(inquiry, []byte(`"HKD"`), []byte(`"USD"`))
		gw := docServer(t, map[string][]byte{"inquiryPayment": inquiry, "refund": readDoc(t, "refund_success.json")})
		r, err := gw.Refund(context.Background(), &paygate.RefundRequest{
			RefundRequestID: "20181129190741020007000000XXXX", ProviderPaymentID: "20181129190741010007000000XXXX", Amount: money.MustParse("1.00", "USD"),
		})
		require.NoError(t, err)
		assert.Equal(t, status.RefundSucceeded, r.Status)
		assert.Equal(t, "40181129190741020007000000XXXX", r.ProviderRefundID)
		assert.Equal(t, "20181129190741010007000000XXXX", r.ProviderPaymentID)
	})

	t.Run("notifications", func(t *testing.T) {
		for _, c := range []struct {
			file     string
			typ      paygate.EventType
			payment  status.Payment
			refund   status.Refund
			amount   string // "" when the message has none
			currency string
		}{
			{"notify_payment_success.json", paygate.EventPaymentUpdated, status.PaymentSucceeded, "", "1.00", "HKD"},
			{"notify_payment_success_signed.json", paygate.EventPaymentUpdated, status.PaymentSucceeded, "", "80.00", "EUR"},
			{"notify_payment_fail.json", paygate.EventPaymentUpdated, status.PaymentFailed, "", "", ""},
			{"notify_refund_success.json", paygate.EventRefundUpdated, "", status.RefundSucceeded, "100.00", "HKD"},
		} {
			ev, err := decodeNotification(readDoc(t, c.file))
			require.NoError(t, err, c.file)
			require.NotNil(t, ev, c.file)
			assert.Equal(t, c.typ, ev.Type, c.file)
			var amt money.Amount
			if c.typ == paygate.EventPaymentUpdated {
				assert.Equal(t, c.payment, ev.Payment.Status, c.file)
				assert.NotEmpty(t, ev.Payment.PaymentRequestID, c.file)
				assert.NotEmpty(t, ev.Payment.ProviderPaymentID, c.file)
				amt = ev.Payment.Amount
			} else {
				assert.Equal(t, c.refund, ev.Refund.Status, c.file)
				assert.NotEmpty(t, ev.Refund.RefundRequestID, c.file)
				assert.NotEmpty(t, ev.Refund.ProviderRefundID, c.file)
				amt = ev.Refund.Amount
			}
			if c.amount == "" {
				assert.True(t, amt.IsZero(), c.file)
			} else {
				assert.True(t, amt.Equal(money.MustParse(c.amount, c.currency)), "%s: %s", c.file, amt)
			}
		}
		assert.True(t, WebhookAcked(http.StatusOK, readDoc(t, "notify_ack.json")), "the documented acknowledgement is one")
		assert.JSONEq(t, string(readDoc(t, "notify_ack.json")), string(AckBody), "the adapter acknowledges with the documented body")
	})
}
