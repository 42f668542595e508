package antom

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

const (
	fuzzClientID     = "2188120000000001"
	fuzzResponseTime = "2026-11-21T08:00:00Z"
	fuzzPayPath      = "/ams/api/v1/payments/pay"
)

// fuzzNow is the clock of the fuzzed adapter.
var fuzzNow = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

// fuzzEnv is what the fuzz targets share, built once per process: an adapter whose HTTP client
// answers in process with fuzzEnv.reply (nothing leaves the machine), Antom's signing key (the fixed
// vector key), and a valid Antom signature of other bytes.
type fuzzEnv struct {
	g        *Gateway
	antomKey *rsa.PrivateKey
	otherSig string

	mu    sync.Mutex
	reply *http.Response // what the next request is answered with
}

func (e *fuzzEnv) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_, _ = io.Copy(io.Discard, r.Body)
		_ = r.Body.Close()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rep := *e.reply
	rep.Request = r
	return &rep, nil
}

var sharedFuzzEnv = sync.OnceValues(func() (*fuzzEnv, error) {
	b, err := os.ReadFile("testdata/vector_key.pem")
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("testdata/vector_key.pem is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	antomKey := k.(*rsa.PrivateKey)
	merchant, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(merchant)
	if err != nil {
		return nil, err
	}
	pub, err := x509.MarshalPKIXPublicKey(&antomKey.PublicKey)
	if err != nil {
		return nil, err
	}
	env := &fuzzEnv{antomKey: antomKey}
	env.g, err = New(Config{
		BaseURL: "http://127.0.0.1:9", ClientID: fuzzClientID,
		PrivateKey: base64.StdEncoding.EncodeToString(der), AntomPublicKey: base64.StdEncoding.EncodeToString(pub),
		PaymentMethodType: "GCASH", HTTPClient: &http.Client{Transport: env}, Retry: retry.Policy{MaxAttempts: 1},
		Now: func() time.Time { return fuzzNow },
	})
	if err != nil {
		return nil, err
	}
	env.otherSig, err = Sign(antomKey, "1", http.MethodPost, fuzzPayPath, fuzzClientID, fuzzResponseTime, []byte(`{"result":{"resultStatus":"S"}}`))
	return env, err
})

func fuzzSetup(f *testing.F) *fuzzEnv {
	env, err := sharedFuzzEnv()
	if err != nil {
		f.Fatal(err)
	}
	return env
}

// Antom's answers to pay, as the docs and the simulator write them, and broken ones.
var payReplySeeds = []string{
	`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"in process"},"paymentRequestId":"p1","paymentId":"2026112111400000000000000001","paymentAmount":{"currency":"USD","value":"1999"},"paymentCreateTime":"2026-11-21T16:00:00+08:00","normalUrl":"https://cashier.example/p"}`,
	`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"in process"},"paymentRequestId":"p1","paymentId":"2026112111400000000000000001","schemeUrl":"gcash://pay","applinkUrl":"https://gcash.example/app"}`,
	`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"U","resultMessage":"in process"},"paymentRequestId":"p1","paymentId":"2026112111400000000000000001"}`,
	`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"p1","paymentId":"2026112111400000000000000001","paymentAmount":{"currency":"USD","value":"1999"}}`,
	`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"p1"}`,
	`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"p1","paymentId":"x","paymentAmount":{"currency":"USD","value":"1000"}}`,
	`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"p1","paymentId":"x","paymentAmount":{"currency":"JPY","value":"1999"}}`,
	`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"p2","paymentId":"x"}`,
	`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"p1","paymentId":"x","paymentAmount":{"currency":"USD","value":"19.99"}}`,
	`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"Success"},"paymentRequestId":"p1","paymentId":"x","paymentAmount":{"currency":"USD","value":1999}}`,
	`{"result":{"resultCode":"ORDER_NOT_EXIST","resultStatus":"F","resultMessage":"The order does not exist."}}`,
	`{"result":{"resultCode":"RISK_REJECT","resultStatus":"F","resultMessage":"risk"}}`,
	`{"result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"F","resultMessage":"?"}}`,
	`{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U","resultMessage":"unknown"}}`,
	`{"result":{"resultCode":"NEW_CODE","resultStatus":"X"}}`,
	`{"result":`, `{"paymentStatus":"SUCCESS"}`, `slow down`, ``,
}

// sigModes: 0 no signature header, 1 Antom's signature of this answer, 2 Antom's signature of other
// bytes, 3 the fuzzer's header.
func signedHeader(t *testing.T, env *fuzzEnv, mode uint8, sig string, body []byte, clientID, rt string) (http.Header, bool) {
	h := http.Header{}
	verified := false
	switch mode % 4 {
	case 1:
		s, err := Sign(env.antomKey, "1", http.MethodPost, fuzzPayPath, clientID, rt, body)
		if err != nil {
			t.Fatal(err)
		}
		h.Set("signature", s)
		verified = clientID == fuzzClientID && rt != ""
	case 2:
		h.Set("signature", env.otherSig)
	case 3:
		h.Set("signature", sig)
	}
	return h, verified
}

// FuzzRead: Antom's reply reader never makes an F or an S itself (its errors are U), and hands on an
// answer (whose resultStatus the operations then read as S, F or U) only for HTTP 200 with a result
// and a signature that verifies: a missing or wrong signature is never S or F.
func FuzzRead(f *testing.F) {
	env := fuzzSetup(f)
	for _, body := range payReplySeeds {
		for mode := range uint8(4) {
			f.Add(200, []byte(body), mode, "", true, false)
		}
	}
	f.Add(500, []byte(payReplySeeds[8]), uint8(1), "", true, false)
	f.Add(429, []byte(payReplySeeds[3]), uint8(1), "", true, false)
	f.Add(200, []byte(payReplySeeds[3]), uint8(1), "", false, false)
	f.Add(200, []byte(payReplySeeds[3]), uint8(1), "", true, true)
	f.Add(200, []byte(payReplySeeds[3]), uint8(3), "algorithm=RSA256,keyVersion=1,signature=bm90IGEgc2lnbmF0dXJl", true, false)
	f.Fuzz(func(t *testing.T, httpStatus int, body []byte, sigMode uint8, sig string, ourClient, noTime bool) {
		clientID, rt := fuzzClientID, fuzzResponseTime
		if !ourClient {
			clientID = "2188120000000002"
		}
		if noTime {
			rt = ""
		}
		h, verified := signedHeader(t, env, sigMode, sig, body, clientID, rt)
		h.Set("client-id", clientID)
		if rt != "" {
			h.Set("response-time", rt)
		}
		a, err := env.g.read(paygate.OpCreate, fuzzPayPath, &provider.Response{StatusCode: httpStatus, Header: h, Body: body})
		if err != nil {
			var pe *paygate.Error
			if !errors.As(err, &pe) || pe.Provider != Name || !pe.Code.Valid() || paygate.OutcomeOf(err) != status.Unknown {
				t.Fatalf("the reader's error is not a well-formed U: %#v", err)
			}
			return
		}
		var e envelope
		switch {
		case httpStatus != http.StatusOK:
			t.Fatalf("an answer from HTTP %d", httpStatus)
		case json.Unmarshal(body, &e) != nil || e.Result == nil || *e.Result != a.result:
			t.Fatalf("an answer from a body without its result: %q", body)
		case !verified:
			t.Fatalf("an answer whose signature is missing or does not verify (mode %d): %q", sigMode%4, body)
		}
	})
}

// FuzzCreateReply: whatever Antom answers to pay, Create is S only for a verified 200 answer about this
// payment (its id, its amount, a paymentId), with a valid status; F only for a verified 200 answer with
// resultStatus F; and never S or F when the answer's signature is missing or does not verify, the
// status is not 200, or the body does not parse.
func FuzzCreateReply(f *testing.F) {
	env := fuzzSetup(f)
	for _, body := range payReplySeeds {
		for mode := range uint8(3) {
			f.Add(200, []byte(body), mode, "")
		}
	}
	f.Add(500, []byte(payReplySeeds[0]), uint8(1), "")
	f.Add(429, []byte(payReplySeeds[8]), uint8(1), "")
	f.Add(200, []byte(payReplySeeds[3]), uint8(3), "algorithm=RSA256,keyVersion=1,signature=%2F%2F")
	amount := money.MustParse("19.99", "USD")
	f.Fuzz(func(t *testing.T, httpStatus int, body []byte, sigMode uint8, sig string) {
		if httpStatus < 100 || httpStatus > 599 {
			httpStatus = 100 + (httpStatus%500+500)%500 // a status net/http can carry
		}
		h, verified := signedHeader(t, env, sigMode, sig, body, fuzzClientID, fuzzResponseTime)
		h.Set("client-id", fuzzClientID)
		h.Set("response-time", fuzzResponseTime)
		env.mu.Lock()
		env.reply = &http.Response{StatusCode: httpStatus, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body))}
		env.mu.Unlock()

		req := &paygate.CreateRequest{PaymentRequestID: "p1", Amount: amount, ReturnURL: "https://shop.example/return", Description: "fuzz"}
		p, err := env.g.Create(context.Background(), req)
		var e envelope
		parsed := json.Unmarshal(body, &e) == nil && e.Result != nil
		switch paygate.OutcomeOf(err) {
		case status.Success:
			switch {
			case p == nil || !p.Status.Valid() || p.Provider != Name:
				t.Fatalf("S with %+v", p)
			case !verified || httpStatus != http.StatusOK || !parsed:
				t.Fatalf("S from HTTP %d, signature mode %d: %q", httpStatus, sigMode%4, body)
			case p.PaymentRequestID != req.PaymentRequestID || p.Amount != amount || p.ProviderPaymentID == "":
				t.Fatalf("S about another payment: %+v", p)
			case !aboutThisPayment(body, req.PaymentRequestID, amount):
				t.Fatalf("S from an answer about another payment: %q", body)
			case p.Status == status.PaymentRequiresAction && (p.Action == nil || p.Action.URL == ""):
				t.Fatalf("REQUIRES_ACTION without a URL: %+v", p)
			}
		case status.Failure:
			switch {
			case p != nil:
				t.Fatalf("F with a payment: %+v", p)
			case !verified:
				t.Fatalf("F from an answer whose signature is missing or does not verify (mode %d): %q", sigMode%4, body)
			case httpStatus != http.StatusOK || !parsed || e.Result.ResultStatus != "F":
				t.Fatalf("F from HTTP %d: %q", httpStatus, body)
			}
		default:
			if p != nil {
				t.Fatalf("U with a payment: %+v", p)
			}
		}
	})
}

// aboutThisPayment reports whether a pay answer names no other payment request and no other amount.
func aboutThisPayment(body []byte, requestID string, amount money.Amount) bool {
	var r payResponse
	if json.Unmarshal(body, &r) != nil || (r.PaymentRequestID != "" && r.PaymentRequestID != requestID) {
		return false
	}
	if r.PaymentAmount == nil {
		return true
	}
	a, err := fromWire(r.PaymentAmount)
	return err == nil && a == amount
}

// Notifications as Antom sends them (notifyPayment, notifyRefund), and broken ones.
var notificationSeeds = []string{
	`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentRequestId":"p1","paymentId":"2026112111400000000000000001","paymentAmount":{"currency":"USD","value":"1999"},"paymentCreateTime":"2026-11-21T16:00:00+08:00","paymentTime":"2026-11-21T16:01:00+08:00"}`,
	`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"ORDER_IS_CLOSED","resultStatus":"F","resultMessage":"closed"},"paymentRequestId":"p1","paymentId":"2026112111400000000000000001","paymentAmount":{"currency":"JPY","value":"1000"}}`,
	`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"USER_BALANCE_NOT_ENOUGH","resultStatus":"F"},"paymentId":"x","paymentAmount":{"currency":"IDR","value":"14900000"}}`,
	`{"notifyType":"PAYMENT_PENDING","result":{"resultCode":"PAYMENT_IN_PROCESS","resultStatus":"S"},"paymentId":"x","paymentAmount":{"currency":"USD","value":"1"}}`,
	`{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"U"},"paymentId":"x","paymentAmount":{"currency":"USD","value":"1"}}`,
	`{"notifyType":"REFUND_RESULT","refundStatus":"SUCCESS","refundRequestId":"r1","refundId":"R1","refundAmount":{"currency":"USD","value":"500"},"refundTime":"2026-11-21T17:00:00+08:00"}`,
	`{"notifyType":"REFUND_RESULT","refundStatus":"FAIL","refundRequestId":"r1","refundId":"R1","refundAmount":{"currency":"USD","value":"500"}}`,
	`{"notifyType":"REFUND_RESULT","refundStatus":"PROCESSING","refundId":"R1","refundAmount":{"currency":"USD","value":"500"}}`,
	`{"notifyType":"CAPTURE_RESULT","result":{"resultStatus":"S"},"captureId":"C1"}`,
	`{"notifyType":"CAPTURE_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"captureRequestId":"c1","paymentId":"2026112111400000000000000001","captureId":"2026112112400000000000000002","captureAmount":{"currency":"USD","value":"1999"},"captureTime":"2026-11-21T17:00:00+08:00"}`,
	`{"notifyType":"CAPTURE_RESULT","result":{"resultCode":"CAPTURE_AMOUNT_EXCEED_AUTH_LIMIT","resultStatus":"F","resultMessage":"over"},"captureRequestId":"c1","paymentId":"x","captureId":"C2","captureAmount":{"currency":"JPY","value":"1999"}}`,
	`{"notifyType":"CAPTURE_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S"},"paymentId":"x","captureAmount":{"currency":"KRW","value":"0.5"}}`,
	`{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"},"paymentId":"x","paymentAmount":{"currency":"USD","value":"-1"}}`,
	`{"notifyType":"PAYMENT_RESULT","result":{"resultStatus":"S"},"paymentId":"x","paymentAmount":{"currency":"XYZ","value":"1"}}`,
	`{"notifyType":"PAYMENT_RESULT"} {}`, `{}`, `null`, ``,
}

// FuzzNotification: a notification decodes to an event only for the types the adapter handles, with
// an id that depends only on the body, a payment or refund with a valid status, and an amount that is
// Antom's exactly (its wire form reads back to it); a payment is SUCCEEDED only for PAYMENT_RESULT
// with resultStatus S. Through the handler, a notification without a valid signature never reaches
// the merchant's function.
func FuzzNotification(f *testing.F) {
	env := fuzzSetup(f)
	for _, s := range notificationSeeds {
		f.Add([]byte(s), "", true)
		f.Add([]byte(s), "algorithm=RSA256,keyVersion=1,signature=bm90IGEgc2lnbmF0dXJl", true)
	}
	var called bool
	handler := env.g.WebhookHandler(func(context.Context, *paygate.Event) error { called = true; return nil })
	f.Fuzz(func(t *testing.T, body []byte, sig string, ourClient bool) {
		ev, err := decodeNotification(body)
		var n notification
		_ = json.Unmarshal(body, &n)
		switch {
		case err != nil && ev != nil:
			t.Fatalf("an event with an error: %v", err)
		case err == nil && ev == nil:
			if n.NotifyType == "PAYMENT_RESULT" || n.NotifyType == "PAYMENT_PENDING" || n.NotifyType == "REFUND_RESULT" || n.NotifyType == "CAPTURE_RESULT" {
				t.Fatalf("a %s notification ignored: %q", n.NotifyType, body)
			}
		case ev != nil:
			again, _ := decodeNotification(body)
			if again == nil || again.ID != ev.ID || !strings.HasPrefix(ev.ID, Name+":"+n.NotifyType+":") || ev.Provider != Name {
				t.Fatalf("event %+v, decoded again %+v", ev, again)
			}
			var amt money.Amount
			var w *wireAmount
			switch {
			case ev.Type == paygate.EventPaymentUpdated && ev.Payment != nil && ev.Refund == nil && n.NotifyType == "CAPTURE_RESULT":
				// A capture result: S is SUCCEEDED with Captured exactly captureAmount; F leaves the
				// payment AUTHORIZED with nothing captured.
				p := ev.Payment
				switch {
				case p.ProviderPaymentID == "" || !p.Amount.IsZero():
					t.Fatalf("capture notification gave %+v", p)
				case n.Result.ResultStatus == "S" && p.Status == status.PaymentSucceeded:
					amt, w = p.Captured, n.CaptureAmount
				case n.Result.ResultStatus == "F" && p.Status == status.PaymentAuthorized && p.Captured.IsZero():
				default:
					t.Fatalf("capture notification with result %+v gave %+v", n.Result, p)
				}
			case ev.Type == paygate.EventPaymentUpdated && ev.Payment != nil && ev.Refund == nil:
				p := ev.Payment
				if !p.Status.Valid() || p.ProviderPaymentID == "" || (p.Status == status.PaymentSucceeded) != (n.NotifyType == "PAYMENT_RESULT" && n.Result.ResultStatus == "S") {
					t.Fatalf("%s with result %+v gave payment %+v", n.NotifyType, n.Result, p)
				}
				amt, w = p.Amount, n.PaymentAmount
				if w == nil {
					// A payment notification without paymentAmount (Antom's docs show a failed one so)
					// decodes with no amount; the handler completes it by inquiry.
					if !amt.IsZero() {
						t.Fatalf("no paymentAmount, yet amount %v", amt)
					}
					break
				}
			case ev.Type == paygate.EventRefundUpdated && ev.Refund != nil && ev.Payment == nil:
				r := ev.Refund
				if !r.Status.Final() || r.ProviderRefundID == "" || r.ProviderStatus != n.RefundStatus {
					t.Fatalf("refund notification gave %+v", r)
				}
				amt, w = r.Amount, n.RefundAmount
			default:
				t.Fatalf("event %+v", ev)
			}
			if w != nil || ev.Type == paygate.EventRefundUpdated {
				checkWire(t, amt, w)
			}
		}

		called = false
		req := httptest.NewRequest(http.MethodPost, "/notify/antom", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json; charset=UTF-8")
		if ourClient {
			req.Header.Set("client-id", fuzzClientID)
		}
		req.Header.Set("request-time", strconv.FormatInt(fuzzNow.UnixMilli(), 10))
		if sig != "" {
			req.Header.Set("signature", sig)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if called || rec.Code != http.StatusUnauthorized {
			t.Fatalf("a notification signed %q reached the merchant (called %v, HTTP %d)", sig, called, rec.Code)
		}
	})
}

// checkWire fails unless a is the amount w says and writes back to a wire amount that reads as a.
func checkWire(t *testing.T, a money.Amount, w *wireAmount) {
	t.Helper()
	if w == nil || a.Currency() != w.Currency {
		t.Fatalf("amount %v from %+v", a, w)
	}
	back, err := toWire(a)
	if err != nil {
		t.Fatalf("%v read from Antom does not write back: %v", a, err)
	}
	if want := strings.TrimLeft(w.Value, "0"); back.Value != want && !(want == "" && back.Value == "0") {
		t.Fatalf("%+v reads as %v, which writes as %+v", *w, a, *back)
	}
	if again, err := fromWire(back); err != nil || again != a {
		t.Fatalf("%v writes as %+v, which reads as %v, %v", a, *back, again, err)
	}
}

// FuzzParseSignatureHeader: any header parses without panicking, a header SignatureHeader printed
// parses back to the same algorithm, key version and signature, and so does a parsed header printed
// again. Key versions are Antom's (no comma, no "signature=", no surrounding space: the header has no
// quoting for them).
func FuzzParseSignatureHeader(f *testing.F) {
	f.Add("algorithm=RSA256,keyVersion=1,signature=mAoyqPbzWp9TUkomKwy8%2BcEjtdx49SzqIuZPIz0%2FIWMZA2rVtmkkZXPONuSp0P1O7rP%2BUUGBi8iflwnyxgcSr%2B8w5uFcrG505U%3D", "1", []byte("sig"))
	f.Add("keyVersion=2, algorithm=RSA256, signature=AAEC", "2", []byte{0, 1, 2})
	f.Add("signature=", "", []byte{})
	f.Add("algorithm=RSA256,keyVersion=1", "10", []byte{0xff, 0xfe})
	f.Add("signature=%zz", "1", []byte("x"))
	f.Add("algorithm=RSA256,keyVersion=1,signature=a+b/c=", "1", bytes.Repeat([]byte{0xfb}, 256))
	f.Fuzz(func(t *testing.T, h, keyVersion string, sig []byte) {
		if p, err := ParseSignatureHeader(h); err == nil && validKeyVersion(p.KeyVersion) {
			again, err := ParseSignatureHeader(SignatureHeader(p.KeyVersion, p.Signature))
			if len(p.Signature) > 0 && (err != nil || again.KeyVersion != p.KeyVersion || !bytes.Equal(again.Signature, p.Signature)) {
				t.Fatalf("%q parses to %+v; printed again it parses to %+v, %v", h, p, again, err)
			}
		}
		if !validKeyVersion(keyVersion) || len(sig) == 0 {
			return
		}
		printed := SignatureHeader(keyVersion, sig)
		p, err := ParseSignatureHeader(printed)
		if err != nil || p.Algorithm != SignatureAlgorithm || p.KeyVersion != keyVersion || !bytes.Equal(p.Signature, sig) {
			t.Fatalf("%q parses to %+v, %v", printed, p, err)
		}
	})
}

func validKeyVersion(v string) bool {
	return !strings.Contains(v, ",") && !strings.Contains(v, "signature=") && strings.TrimSpace(v) == v
}

// FuzzWireAmount: an amount Antom writes (minor units as digits) reads as exactly that many minor
// units at the currency's Antom digits and writes back to the same digits (without leading zeros);
// and every non-negative amount Antom's digits can carry writes to a wire amount that reads back as it.
func FuzzWireAmount(f *testing.F) {
	for _, s := range []struct {
		currency, value string
		minor           int64
	}{
		{"USD", "1999", 1999}, {"JPY", "1000", 1000}, {"IDR", "14900000", 14900000}, {"KRW", "0", 0}, {"USD", "007", 7},
		{"USD", "19.99", 1}, {"USD", "-1", -1}, {"USD", "+1", 1}, {"USD", "9223372036854775807", 1 << 62}, {"USD", "92233720368547758070", 1},
		{"XYZ", "1", 1}, {"KWD", "1", 1}, {"usd", "1", 1}, {"USD", "", 0}, {"VND", "1e3", 1000},
	} {
		f.Add(s.currency, s.value, s.minor)
	}
	f.Fuzz(func(t *testing.T, currency, value string, minor int64) {
		w := &wireAmount{Currency: currency, Value: value}
		if a, err := fromWire(w); err == nil {
			d, _ := Digits(currency)
			n, perr := strconv.ParseInt(value, 10, 64)
			if m, merr := a.MinorAt(d); perr != nil || merr != nil || m != n {
				t.Fatalf("%+v read as %v (%d minor units at %d, %v)", *w, a, m, d, merr)
			}
			checkWire(t, a, w)
		}
		d, ok := Digits(currency)
		if !ok || minor < 0 {
			return // Antom takes no other currency, and no negative amount (requests refuse them first)
		}
		a, err := money.FromMinorAt(minor, currency, d)
		if err != nil {
			return
		}
		back, err := toWire(a)
		if err != nil || back.Currency != currency || back.Value != strconv.FormatInt(minor, 10) {
			t.Fatalf("%v (%d minor units) writes as %+v, %v", a, minor, back, err)
		}
		if again, err := fromWire(back); err != nil || again != a {
			t.Fatalf("%v writes as %+v, which reads as %v, %v", a, *back, again, err)
		}
	})
}

// FuzzRequestTime: a notification's request-time reads as epoch milliseconds (digits only) or an RFC
// 3339 time, and as nothing else; what it reads written back in the same form reads as the same
// instant; and the age check passes exactly the times within WebhookMaxAge before now and 5 minutes
// after. Antom's other times (parseTime) are RFC 3339 or zero.
func FuzzRequestTime(f *testing.F) {
	for _, s := range []string{
		"1685599933871", strconv.FormatInt(fuzzNow.UnixMilli(), 10), "2026-11-21T16:00:00+08:00", "2026-11-21T08:00:00Z",
		"2026-11-21T08:00:00.123Z", "+1685599933871", "-1", "0", "9223372036854775807", "99999999999999999999", "", "2026-11-21",
		strconv.FormatInt(fuzzNow.Add(6*time.Minute).UnixMilli(), 10), "2026-11-20T07:00:00Z",
	} {
		f.Add(s)
	}
	g := fuzzSetup(f).g
	f.Fuzz(func(t *testing.T, s string) {
		tm, ok := parseRequestTime(s)
		rfc, rfcErr := time.Parse(time.RFC3339, s)
		ms, msErr := strconv.ParseInt(s, 10, 64)
		digits := s != "" && strings.Trim(s, "0123456789") == ""
		switch {
		case digits && msErr == nil:
			if !ok || !tm.Equal(time.UnixMilli(ms)) || strconv.FormatInt(tm.UnixMilli(), 10) != strconv.FormatInt(ms, 10) {
				t.Fatalf("%q read as %v, %v; want %d ms", s, tm, ok, ms)
			}
		case rfcErr == nil:
			if !ok || !tm.Equal(rfc) {
				t.Fatalf("%q read as %v, %v; want %v", s, tm, ok, rfc)
			}
			if y := tm.Year(); y >= 0 && y <= 9999 {
				if back, ok := parseRequestTime(tm.Format(time.RFC3339Nano)); !ok || !back.Equal(tm) {
					t.Fatalf("%q read as %v, which writes as %q and reads back as %v, %v", s, tm, tm.Format(time.RFC3339Nano), back, ok)
				}
			}
		default:
			if ok {
				t.Fatalf("%q read as %v: neither epoch milliseconds nor RFC 3339", s, tm)
			}
		}
		if pt := parseTime(s); !pt.IsZero() && (rfcErr != nil || !pt.Equal(rfc)) {
			t.Fatalf("parseTime(%q) = %v; time.Parse gives %v, %v", s, pt, rfc, rfcErr)
		}
		err := g.fresh(s)
		within := ok && !tm.After(fuzzNow.Add(maxClockSkew)) && fuzzNow.Sub(tm) <= g.cfg.WebhookMaxAge
		if (err == nil) != within {
			t.Fatalf("fresh(%q) = %v; read as %v, %v (now %v)", s, err, tm, ok, fuzzNow)
		}
	})
}

// Inquiry answers of manual-capture payments, and broken ones.
var captureInquirySeeds = []string{
	`{"paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":"1999"},"authExpiryTime":"2026-11-28T16:00:00+08:00"}`,
	`{"paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":"1999"},"authExpiryTime":"2026-11-28T16:00:00+08:00","transactions":[{"transactionType":"CAPTURE","transactionStatus":"SUCCESS","transactionAmount":{"currency":"USD","value":"1999"},"transactionRequestId":"c1","transactionId":"C1"}]}`,
	`{"paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":"1999"},"transactions":[{"transactionType":"CAPTURE","transactionStatus":"PROCESSING","transactionAmount":{"currency":"USD","value":"500"}}]}`,
	`{"paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":"1999"},"authExpiryTime":"x","transactions":[{"transactionType":"CAPTURE","transactionStatus":"FAIL","transactionAmount":{"currency":"USD","value":"1999"}},{"transactionType":"REFUND","transactionStatus":"SUCCESS","transactionAmount":{"currency":"USD","value":"1"}}]}`,
	`{"paymentStatus":"SUCCESS","paymentAmount":{"currency":"JPY","value":"1999"},"transactions":[{"transactionType":"CAPTURE","transactionStatus":"SUCCESS","transactionAmount":{"currency":"USD","value":"1"}},{"transactionType":"CAPTURE","transactionStatus":"SUCCESS","transactionAmount":{"currency":"JPY","value":"1"}}]}`,
	`{"paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":"1999"},"transactions":[{"transactionType":"CAPTURE","transactionStatus":"SUCCESS"}]}`,
	`{"paymentStatus":"SUCCESS","paymentAmount":{"currency":"USD","value":"1999"},"transactions":{}}`,
}

// FuzzCaptureState: the capture part of an inquiry answer (authExpiryTime, transactions) never panics
// and gives a SUCCESS payment a consistent state: AUTHORIZED with nothing captured; PENDING only with
// a capture in PROCESSING; SUCCEEDED with Captured positive, the whole amount when no capture is
// listed; Captured always exactly the captures' amounts read from the wire, in their currency.
func FuzzCaptureState(f *testing.F) {
	for _, s := range captureInquirySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var resp inquiryResponse
		if json.Unmarshal(body, &resp) != nil || resp.PaymentAmount == nil {
			return
		}
		amt, err := fromWire(resp.PaymentAmount)
		if err != nil || !amt.IsPositive() {
			return // no payment is for nothing: the invariants below are about real amounts
		}
		p := &paygate.Payment{Amount: amt, Status: status.PaymentSucceeded}
		if err := capturedState(p, &resp); err != nil {
			return // U at the adapter: a capture it cannot read
		}
		live, processing := false, false
		for _, tr := range resp.Transactions {
			if tr.TransactionType == "CAPTURE" && (tr.TransactionStatus == "SUCCESS" || tr.TransactionStatus == "PROCESSING") {
				live = true
				processing = processing || tr.TransactionStatus == "PROCESSING"
			}
		}
		switch p.Status {
		case status.PaymentAuthorized:
			if live || !p.Captured.IsZero() || resp.AuthExpiryTime == "" {
				t.Fatalf("AUTHORIZED from %q: %+v", body, p)
			}
		case status.PaymentPending:
			if !processing || !p.Captured.IsPositive() {
				t.Fatalf("PENDING from %q: %+v", body, p)
			}
		case status.PaymentSucceeded:
			if processing || !p.Captured.IsPositive() || (!live && p.Captured != p.Amount) {
				t.Fatalf("SUCCEEDED from %q: %+v", body, p)
			}
		default:
			t.Fatalf("status %s from %q", p.Status, body)
		}
	})
}

// FuzzCaptureAnswer: a capture's S answer is taken only when it is about the capture sent — the same
// captureRequestId and paymentId where it names them, and exactly the captureAmount sent where it has
// one — and then Captured is that amount; anything else is U.
func FuzzCaptureAnswer(f *testing.F) {
	for _, s := range []string{
		`{"captureRequestId":"c1","captureId":"C1","paymentId":"P1","captureAmount":{"currency":"USD","value":"1999"},"captureTime":"2026-11-21T17:00:00+08:00"}`,
		`{"captureRequestId":"c1","captureId":"C1","paymentId":"P1","captureAmount":{"currency":"USD","value":"1000"}}`,
		`{"captureRequestId":"c2","paymentId":"P1"}`, `{"paymentId":"P2"}`, `{}`,
		`{"captureAmount":{"currency":"JPY","value":"1999"}}`, `{"captureAmount":{"currency":"USD","value":"19.99"}}`,
	} {
		f.Add([]byte(s))
	}
	usd := money.MustParse("19.99", "USD")
	sent := captureRequest{CaptureRequestID: "c1", PaymentID: "P1", CaptureAmount: &wireAmount{Currency: "USD", Value: "1999"}}
	f.Fuzz(func(t *testing.T, body []byte) {
		var cr captureResponse
		if json.Unmarshal(body, &cr) != nil {
			return
		}
		p, err := capturedPayment(paygate.OpCapture, nil, &paygate.Payment{Provider: Name, ProviderPaymentID: "P1", Amount: usd, Status: status.PaymentAuthorized}, &cr, sent)
		if err != nil {
			if paygate.OutcomeOf(err) != status.Unknown {
				t.Fatalf("%q: %v is not U", body, err)
			}
			return
		}
		if p.Status != status.PaymentSucceeded || p.Captured != usd ||
			(cr.CaptureRequestID != "" && cr.CaptureRequestID != "c1") || (cr.PaymentID != "" && cr.PaymentID != "P1") {
			t.Fatalf("%q taken as %+v", body, p)
		}
	})
}
