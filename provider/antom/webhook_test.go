package antom_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/antom"
	"github.com/paygate-go/paygate/provider/antom/antomtest"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// receiverEnv is a simulator, an adapter and the merchant's endpoint running the adapter's handler.
func receiverEnv(t *testing.T, scfg antomtest.Config, edit ...func(*antom.Config)) (*antomtest.Server, *antom.Gateway, *events, string) {
	srv, gw := newEnv(t, scfg, edit...)
	ev := &events{}
	mux := http.NewServeMux()
	mux.Handle("/antom/notify", gw.WebhookHandler(ev.fn))
	// Mounted behind StripPrefix, the handler still verifies against the path Antom signed.
	mux.Handle("/shop/", http.StripPrefix("/shop", gw.WebhookHandler(ev.fn)))
	rcv := httptest.NewServer(mux)
	t.Cleanup(rcv.Close)
	t.Cleanup(srv.Close) // before rcv.Close: stops pending deliveries first
	return srv, gw, ev, rcv.URL
}

func TestWebhooksPaymentAndRefund(t *testing.T) {
	srv, gw, ev, base := receiverEnv(t, antomtest.Config{})
	var paymentIDs, paymentRequestIDs, refundRequestIDs []string
	for _, notify := range []string{base + "/antom/notify", base + "/shop/antom/notify?shop=1"} {
		req := createRequest("19.99", "USD")
		req.NotifyURL = notify
		p, err := gw.Create(ctx(t), req)
		require.NoError(t, err)
		require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
		rid := id("r")
		_, err = gw.Refund(ctx(t), &paygate.RefundRequest{RefundRequestID: rid, ProviderPaymentID: p.ProviderPaymentID, Amount: money.MustParse("5.00", "USD"), NotifyURL: notify})
		require.NoError(t, err)
		require.NoError(t, srv.Webhooks().Wait(ctx(t)))
		paymentIDs, refundRequestIDs = append(paymentIDs, p.ProviderPaymentID), append(refundRequestIDs, rid)
		paymentRequestIDs = append(paymentRequestIDs, req.PaymentRequestID)
	}
	var pays, refs []*paygate.Event
	for _, e := range ev.all() {
		if e.Type == paygate.EventPaymentUpdated {
			pays = append(pays, e)
		} else {
			refs = append(refs, e)
		}
	}
	require.Len(t, pays, 2)
	require.Len(t, refs, 2)
	for i := range 2 {
		pay, ref := pays[i], refs[i]
		assert.Equal(t, status.PaymentSucceeded, pay.Payment.Status)
		assert.Equal(t, "SUCCESS", pay.Payment.ProviderStatus)
		assert.True(t, pay.Payment.Amount.Equal(money.MustParse("19.99", "USD")))
		assert.Equal(t, "antom:PAYMENT_RESULT:"+pay.Payment.ProviderPaymentID+":S:SUCCESS", pay.ID)
		assert.Equal(t, antom.Name, pay.Provider)
		assert.Equal(t, paygate.EventRefundUpdated, ref.Type)
		assert.Equal(t, status.RefundSucceeded, ref.Refund.Status)
		// notifyRefund has no paymentId: the payment's id comes back in the metadata the refund sent.
		assert.Equal(t, paymentIDs[i], ref.Refund.ProviderPaymentID)
		assert.Equal(t, paymentRequestIDs[i], ref.Refund.PaymentRequestID)
		assert.Equal(t, paymentIDs[i], pay.Payment.ProviderPaymentID)
		assert.NotEmpty(t, pay.Payment.PaymentRequestID)
		assert.Equal(t, refundRequestIDs[i], ref.Refund.RefundRequestID)
		assert.NotEmpty(t, ref.Refund.ProviderRefundID)
		assert.True(t, ref.Refund.Amount.Equal(money.MustParse("5.00", "USD")))
	}
	for _, d := range srv.Webhooks().Deliveries() {
		assert.True(t, d.Acked)
		require.Len(t, d.Attempts, 1)
		assert.Equal(t, string(antom.AckBody), string(d.Attempts[0].Reply), "Antom's exact acknowledgement")
	}
}

func TestWebhookStatuses(t *testing.T) {
	for _, c := range []struct {
		name   string
		settle func(*antomtest.Server, string) error
		want   status.Payment
		reason string
	}{
		{"failed", func(s *antomtest.Server, id string) error { return s.Settle(t.Context(), id, sim.Fail) }, status.PaymentFailed, "USER_BALANCE_NOT_ENOUGH"},
		{"expired", func(s *antomtest.Server, id string) error { return s.Settle(t.Context(), id, sim.Expire) }, status.PaymentExpired, "ORDER_IS_CLOSED"},
		{"pending", func(s *antomtest.Server, id string) error { return s.Pend(id) }, status.PaymentPending, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, gw, ev, base := receiverEnv(t, antomtest.Config{})
			req := createRequest("1234", "JPY")
			req.NotifyURL = base + "/antom/notify"
			_, err := gw.Create(ctx(t), req)
			require.NoError(t, err)
			require.NoError(t, c.settle(srv, req.PaymentRequestID))
			require.NoError(t, srv.Webhooks().Wait(ctx(t)))
			got := ev.all()
			require.Len(t, got, 1)
			assert.Equal(t, c.want, got[0].Payment.Status)
			assert.True(t, got[0].Payment.Amount.Equal(req.Amount))
			if c.reason != "" {
				assert.Contains(t, got[0].Payment.FailureReason, c.reason)
			}
		})
	}
}

// A notification the merchant's function fails is answered with something else than the
// acknowledgement, so the simulator sends it again on Antom's schedule, re-signed.
func TestWebhookRetriedOnAntomsSchedule(t *testing.T) {
	srv, gw, ev, base := receiverEnv(t, antomtest.Config{})
	ev.fail = 3
	req := createRequest("19.99", "USD")
	req.NotifyURL = base + "/antom/notify"
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	require.NoError(t, srv.Webhooks().Wait(ctx(t)))
	d := srv.Webhooks().Deliveries()[0]
	require.Len(t, d.Attempts, 4)
	for _, a := range d.Attempts[:3] {
		assert.Equal(t, http.StatusInternalServerError, a.Status)
		assert.False(t, antom.WebhookAcked(a.Status, a.Reply))
	}
	assert.True(t, d.Acked)
	assert.Len(t, ev.all(), 1)

	// A receiver that never acknowledges gets the first try and the eight retries, then nothing.
	ev.fail = 1000
	req2 := createRequest("19.99", "USD")
	req2.NotifyURL = base + "/antom/notify"
	_, err = gw.Create(ctx(t), req2)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req2.PaymentRequestID, sim.Pay))
	require.NoError(t, srv.Webhooks().Wait(ctx(t)))
	d = srv.Webhooks().Deliveries()[1]
	assert.False(t, d.Acked)
	assert.Len(t, d.Attempts, 1+len(antomtest.WebhookSchedule()))
}

// The handler refuses a notification with a stale, future or missing request-time, or a request-time
// that is not a time, even when its signature is good. Antom documents no window; see
// antom.DefaultWebhookMaxAge for the one chosen.
func TestWebhookFreshness(t *testing.T) {
	now := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	clock := sim.NewManualClock(now)
	srv, gw, ev, base := receiverEnv(t, antomtest.Config{Clock: clock}, func(c *antom.Config) { c.Now = clock.Now })
	req := createRequest("19.99", "USD")
	req.NotifyURL = "http://127.0.0.1:1/unused"
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	body := srv.Webhooks().Deliveries()[0].Body
	ms := func(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
	for _, c := range []struct {
		name  string
		opts  antomtest.DeliverOptions
		acked bool
	}{
		{"fresh", antomtest.DeliverOptions{}, true},
		{"24 hours old", antomtest.DeliverOptions{RequestTime: ms(now.Add(-24 * time.Hour))}, true},
		{"ISO 8601", antomtest.DeliverOptions{RequestTime: now.Add(-time.Minute).Format(time.RFC3339)}, true},
		{"a little ahead", antomtest.DeliverOptions{RequestTime: ms(now.Add(time.Minute))}, true},
		{"stale", antomtest.DeliverOptions{RequestTime: ms(now.Add(-antom.DefaultWebhookMaxAge - time.Minute))}, false},
		{"far ahead", antomtest.DeliverOptions{RequestTime: ms(now.Add(time.Hour))}, false},
		{"missing", antomtest.DeliverOptions{OmitRequestTime: true}, false},
		{"not a time", antomtest.DeliverOptions{RequestTime: "yesterday"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(ev.all())
			code, reply, err := srv.Deliver(ctx(t), base+"/antom/notify", body, c.opts)
			require.NoError(t, err)
			assert.Equal(t, c.acked, antom.WebhookAcked(code, reply), "%d %s", code, reply)
			if c.acked {
				assert.Equal(t, string(antom.AckBody), string(reply))
				assert.Len(t, ev.all(), before+1)
			} else {
				assert.Equal(t, http.StatusUnauthorized, code)
				assert.Len(t, ev.all(), before, "a refused notification never reaches the merchant")
			}
		})
	}
}

func TestWebhookRefusals(t *testing.T) {
	srv, gw, ev, _ := receiverEnv(t, antomtest.Config{})
	req := createRequest("19.99", "USD")
	req.NotifyURL = "http://127.0.0.1:1/unused"
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	d := srv.Webhooks().Deliveries()[0]
	h := gw.WebhookHandler(ev.fn)
	post := func(method, path string, header http.Header, body []byte) (int, bool) {
		r := httptest.NewRequest(method, path, bytes.NewReader(body))
		r.Header = header.Clone()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code, antom.WebhookAcked(w.Code, w.Body.Bytes())
	}
	other := d.Header.Clone()
	other.Set("client-id", "2188120000000002")
	noSig := d.Header.Clone()
	noSig.Del("signature")
	withType := func(ct string) http.Header {
		h := d.Header.Clone()
		h.Del("Content-Type")
		if ct != "" {
			h.Set("Content-Type", ct)
		}
		return h
	}
	for _, c := range []struct {
		name, method, path string
		header             http.Header
		want               int
	}{
		{"another client id", http.MethodPost, "/unused", other, http.StatusUnauthorized},
		{"signed over another path", http.MethodPost, "/other-path", d.Header, http.StatusUnauthorized},
		{"no signature", http.MethodPost, "/unused", noSig, http.StatusUnauthorized},
		{"GET", http.MethodGet, "/unused", d.Header, http.StatusMethodNotAllowed},
		{"no Content-Type", http.MethodPost, "/unused", withType(""), http.StatusUnsupportedMediaType},
		{"form Content-Type", http.MethodPost, "/unused", withType("application/x-www-form-urlencoded"), http.StatusUnsupportedMediaType},
		{"text Content-Type", http.MethodPost, "/unused", withType("text/plain; charset=UTF-8"), http.StatusUnsupportedMediaType},
	} {
		code, acked := post(c.method, c.path, c.header, d.Body)
		assert.Equal(t, c.want, code, c.name)
		assert.False(t, acked, c.name)
	}
	assert.Empty(t, ev.all())
	assert.Equal(t, "application/json; charset=UTF-8", d.Header.Get("Content-Type"), "what Antom sends")
	code, acked := post(http.MethodPost, "/unused", d.Header, d.Body)
	assert.Equal(t, http.StatusOK, code, "the genuine one is accepted")
	assert.True(t, acked)
	assert.Len(t, ev.all(), 1)
	code, acked = post(http.MethodPost, "/unused", withType("APPLICATION/JSON"), d.Body)
	assert.Equal(t, http.StatusOK, code, "the media type in any case, without parameters")
	assert.True(t, acked)
}

// A notification type the adapter does not handle is acknowledged without reaching the merchant; a
// payment or capture notification it cannot read is refused.
func TestWebhookOtherTypes(t *testing.T) {
	srv, _, ev, base := receiverEnv(t, antomtest.Config{})
	for _, c := range []struct {
		body  string
		acked bool
	}{
		{`{"notifyType":"DISPUTE_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"disputeId":"d1"}`, true},
		{`{"notifyType":"CAPTURE_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"captureId":"c1"}`, false},
		{`{"notifyType":"CAPTURE_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"},"paymentId":"p","captureId":"c1"}`, false},
		{`{"notifyType":"CAPTURE_RESULT","result":{"resultCode":"X","resultStatus":"U","resultMessage":"?"},"paymentId":"p","captureId":"c1","captureAmount":{"currency":"USD","value":"1"}}`, false},
		{`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"X","resultStatus":"U","resultMessage":"?"},"paymentId":"p","paymentAmount":{"currency":"USD","value":"1"}}`, false},
		{`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"ok"},"paymentId":"p","paymentAmount":{"currency":"USD","value":1}}`, false},
		{`{"notifyType":"REFUND_RESULT","result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"ok"},"refundStatus":"PROCESSING","refundId":"r","refundAmount":{"currency":"USD","value":"1"}}`, false},
		{`not json`, false},
	} {
		code, reply, err := srv.Deliver(ctx(t), base+"/antom/notify", []byte(c.body), antomtest.DeliverOptions{})
		require.NoError(t, err)
		assert.Equal(t, c.acked, antom.WebhookAcked(code, reply), c.body)
	}
	assert.Empty(t, ev.all())
	code, reply, err := srv.Deliver(ctx(t), base+"/antom/notify", []byte(`{"notifyType":"REFUND_RESULT","result":{"resultCode":"REFUND_FAIL","resultStatus":"F","resultMessage":"no"},"refundStatus":"FAIL","refundRequestId":"rr","refundId":"r","paymentId":"p","refundAmount":{"currency":"IDR","value":"150000"}}`), antomtest.DeliverOptions{})
	require.NoError(t, err)
	assert.True(t, antom.WebhookAcked(code, reply))
	got := ev.all()
	require.Len(t, got, 1)
	assert.Equal(t, status.RefundFailed, got[0].Refund.Status)
	assert.True(t, got[0].Refund.Amount.Equal(money.MustParse("1500", "IDR")), "IDR in hundredths")
}

func TestWebhookAcked(t *testing.T) {
	assert.True(t, antom.WebhookAcked(200, antom.AckBody))
	assert.True(t, antom.WebhookAcked(200, []byte(`{"result":{"resultStatus":"S","resultCode":"SUCCESS","resultMessage":"ok"}}`)))
	assert.False(t, antom.WebhookAcked(500, antom.AckBody))
	assert.False(t, antom.WebhookAcked(200, []byte(`{"result":{"resultStatus":"F","resultCode":"SUCCESS"}}`)))
	assert.False(t, antom.WebhookAcked(200, []byte(`ok`)))
	assert.Equal(t, `{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`, string(antom.AckBody))
}

// A negative WebhookMaxAge turns the age check off; the request-time must still be there.
func TestWebhookMaxAgeOff(t *testing.T) {
	srv, gw, _, base := receiverEnv(t, antomtest.Config{}, func(c *antom.Config) { c.WebhookMaxAge = -1 })
	req := createRequest("19.99", "USD")
	req.NotifyURL = "http://127.0.0.1:1/unused"
	_, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Pay))
	body := srv.Webhooks().Deliveries()[0].Body
	code, reply, err := srv.Deliver(ctx(t), base+"/antom/notify", body, antomtest.DeliverOptions{RequestTime: "1000000000000"})
	require.NoError(t, err)
	assert.True(t, antom.WebhookAcked(code, reply), "a 2001 request-time is accepted with the check off")
	code, _, err = srv.Deliver(ctx(t), base+"/antom/notify", body, antomtest.DeliverOptions{OmitRequestTime: true})
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, code)
}

// A payment notification without paymentAmount (Antom documents a failed-payment notification so) or
// without paymentRequestId is completed from an inquiry by its paymentId: the event carries the
// merchant's request id and the exact amount Antom holds. A paymentId Antom does not know leaves the
// event as received.
func TestWebhookCompletesFromInquiry(t *testing.T) {
	srv, gw, ev, base := receiverEnv(t, antomtest.Config{})
	req := createRequest("19.99", "USD")
	p, err := gw.Create(ctx(t), req)
	require.NoError(t, err)
	require.NoError(t, srv.Settle(ctx(t), req.PaymentRequestID, sim.Fail))
	for _, body := range []string{
		`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"USER_BALANCE_NOT_ENOUGH","resultStatus":"F","resultMessage":"no"},"paymentRequestId":"` + req.PaymentRequestID + `","paymentId":"` + p.ProviderPaymentID + `"}`,
		`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"USER_BALANCE_NOT_ENOUGH","resultStatus":"F","resultMessage":"no"},"paymentId":"` + p.ProviderPaymentID + `"}`,
		`{"notifyType":"PAYMENT_RESULT","result":{"resultCode":"USER_BALANCE_NOT_ENOUGH","resultStatus":"F","resultMessage":"no"},"paymentRequestId":"x","paymentId":"unknown"}`,
	} {
		code, reply, err := srv.Deliver(ctx(t), base+"/antom/notify", []byte(body), antomtest.DeliverOptions{})
		require.NoError(t, err)
		assert.True(t, antom.WebhookAcked(code, reply), body)
	}
	got := ev.all()
	require.Len(t, got, 3)
	for _, e := range got[:2] {
		assert.Equal(t, status.PaymentFailed, e.Payment.Status)
		assert.Equal(t, req.PaymentRequestID, e.Payment.PaymentRequestID)
		assert.True(t, e.Payment.Amount.Equal(money.MustParse("19.99", "USD")), e.Payment.Amount.String())
	}
	assert.True(t, got[2].Payment.Amount.IsZero(), "nothing to complete it from")
	assert.Equal(t, status.PaymentFailed, got[2].Payment.Status)
}
