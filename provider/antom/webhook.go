package antom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/logfields"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// MaxWebhookBody is the largest notification body WebhookHandler reads (1 MiB); larger is 413.
const MaxWebhookBody = 1 << 20

// AckBody is Antom's required acknowledgement of a notification, which WebhookHandler answers with
// HTTP 200 when the merchant's function accepted it. Anything else makes Antom send it again.
var AckBody = []byte(`{"result":{"resultCode":"SUCCESS","resultStatus":"S","resultMessage":"success"}}`)

// WebhookAcked reports whether a reply acknowledges a notification in Antom's terms: HTTP 200 with a
// result whose status is S and code SUCCESS (what WebhookHandler answers on success).
func WebhookAcked(code int, body []byte) bool {
	if code != http.StatusOK {
		return false
	}
	var ack envelope
	return json.Unmarshal(body, &ack) == nil && ack.Result != nil && ack.Result.ResultStatus == "S" && ack.Result.ResultCode == "SUCCESS"
}

// nack is the reply to a notification that was refused or that the merchant's function failed: a
// result that is not SUCCESS, so Antom retries.
func nack(code, message string) []byte {
	b, _ := encodeJSON(struct {
		Result result `json:"result"`
	}{result{ResultCode: code, ResultStatus: "F", ResultMessage: message}})
	return b
}

// WebhookHandler returns the handler for Antom's notifications (notifyPayment, notifyRefund and
// notifyCapture),
// mounted at the path of the notify URLs given to Create and Refund. For each POST it:
//
//   - requires Content-Type application/json, with any parameters (Antom sends
//     "application/json; charset=UTF-8"); anything else is 415 (provider.CheckWebhookContentType);
//   - reads at most 1 MiB (413 beyond);
//   - requires the client-id header to be Config.ClientID and a request-time header, and verifies the
//     signature header with Antom's public key over "POST <notify path>\n<client-id>.<request-time>.
//     <raw body>", where the path is the request's path as received (also tried with its query, if
//     any); a missing or wrong signature is 401;
//   - refuses a request-time (epoch milliseconds, or ISO 8601) older than Config.WebhookMaxAge or more
//     than 5 minutes ahead of the clock (401): Antom documents no freshness window, see
//     DefaultWebhookMaxAge for the one chosen;
//   - decodes notifyPayment PAYMENT_RESULT (S: SUCCEEDED; F: FAILED, or EXPIRED for ORDER_IS_CLOSED)
//     and PAYMENT_PENDING (PENDING) into an EventPaymentUpdated, and notifyRefund REFUND_RESULT
//     (refundStatus SUCCESS or FAIL) into an EventRefundUpdated, and notifyCapture CAPTURE_RESULT (S:
//     SUCCEEDED with Captured; F: the payment stays AUTHORIZED) into an EventPaymentUpdated; a body it
//     cannot read is 400. A PAYMENT_RESULT S is confirmed by an inquiry (it may be an authorization
//     only): when that fails the answer is 500, so Antom sends it again;
//   - calls fn with the request's context: nil answers HTTP 200 with AckBody, an error 500 with a
//     non-SUCCESS result so Antom sends it again.
//
// Other notification types (disputes, …) are acknowledged without calling fn, and logged.
// Event.ID is the same for every delivery of one notification ("antom:<type>:<object id>:<status>"),
// so fn can drop duplicates. fn must not be nil.
func (g *Gateway) WebhookHandler(fn func(context.Context, *paygate.Event) error) http.Handler {
	if fn == nil {
		panic("antom: WebhookHandler needs a function to receive the events")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			g.webhookReply(w, http.StatusMethodNotAllowed, nack("METHOD_NOT_SUPPORTED", "POST only"), "", "method not allowed")
			return
		}
		if err := provider.CheckWebhookContentType(r.Header); err != nil {
			g.webhookReply(w, http.StatusUnsupportedMediaType, nack("MEDIA_TYPE_NOT_ACCEPTABLE", "application/json only"), "", err.Error())
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				g.webhookReply(w, http.StatusRequestEntityTooLarge, nack("PARAM_ILLEGAL", "body too large"), "", "body over 1 MiB")
				return
			}
			g.webhookReply(w, http.StatusBadRequest, nack("PARAM_ILLEGAL", "unreadable body"), "", "body could not be read")
			return
		}
		if err := g.verifyNotification(r, body); err != nil {
			g.webhookReply(w, http.StatusUnauthorized, nack("INVALID_SIGNATURE", "notification refused"), "", err.Error())
			return
		}
		ev, err := decodeNotification(body)
		if err != nil {
			g.webhookReply(w, http.StatusBadRequest, nack("PARAM_ILLEGAL", "notification not understood"), "", err.Error())
			return
		}
		if ev == nil {
			g.webhookReply(w, http.StatusOK, AckBody, "", "notification type not handled; acknowledged")
			return
		}
		if err := g.complete(r.Context(), ev); err != nil {
			g.webhookReply(w, http.StatusInternalServerError, nack("PROCESS_FAIL", "payment state not confirmed; send again"), ev.ID, err.Error())
			return
		}
		if err := fn(r.Context(), ev); err != nil {
			g.webhookReply(w, http.StatusInternalServerError, nack("PROCESS_FAIL", "merchant handler failed; send again"), ev.ID, "the handler failed; Antom will retry")
			return
		}
		g.webhookReply(w, http.StatusOK, AckBody, ev.ID, "")
	})
}

func (g *Gateway) webhookReply(w http.ResponseWriter, code int, body []byte, eventID, why string) {
	provider.WriteWebhookReply(w, g.log, "antom notification", "application/json; charset=UTF-8", code, body, eventID, why)
}

// complete fills what a payment notification lacks — the amount, or the merchant's paymentRequestId —
// from an inquiry by its paymentId: the event then carries what Antom holds. If the inquiry fails the
// event goes out as Antom sent it (its status is what matters, and Antom would resend it for nothing),
// with one exception: a PAYMENT_RESULT S says the customer paid, or — for a payment made with
// captureMode MANUAL — only authorized, and only the inquiry tells which (AUTHORIZED, or SUCCEEDED
// with Captured). Without it the notification is refused, so Antom sends it again, rather than
// passed on as money taken that may only be held. A failed capture (CAPTURE_RESULT F) takes the
// payment's status from the inquiry too when it answers: AUTHORIZED while the hold lasts.
func (g *Gateway) complete(ctx context.Context, ev *paygate.Event) error {
	p := ev.Payment
	if p == nil {
		return nil
	}
	confirm := p.Status == status.PaymentSucceeded && p.Captured.IsZero() // PAYMENT_RESULT S
	failedCapture := p.Status == status.PaymentAuthorized                 // CAPTURE_RESULT F
	if !confirm && !failedCapture && !p.Amount.IsZero() && p.PaymentRequestID != "" {
		return nil
	}
	ids := logfields.Payment("", p.ProviderPaymentID)
	got, err := g.inquire(ctx, &provider.Call{Op: paygate.OpInquire, IDs: ids}, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	if err == nil && got.ProviderPaymentID != p.ProviderPaymentID {
		err = errors.New("the inquiry answered about another payment")
	}
	if err != nil {
		if confirm {
			return fmt.Errorf("the inquiry that tells a capture from an authorization failed: %w", err)
		}
		g.log.Debug("antom notification: the inquiry to complete it failed; sent as received", append(ids, zap.Error(err))...)
		return nil
	}
	if p.Amount.IsZero() {
		p.Amount = got.Amount
	}
	if p.PaymentRequestID == "" {
		p.PaymentRequestID = got.PaymentRequestID
	}
	if confirm || failedCapture {
		p.Status, p.ProviderStatus, p.Captured = got.Status, got.ProviderStatus, got.Captured
		if got.Status == status.PaymentFailed || got.Status == status.PaymentExpired {
			p.FailureReason = got.FailureReason
		}
	}
	return nil
}

// verifyNotification checks a notification's client-id, signature and request-time.
func (g *Gateway) verifyNotification(r *http.Request, body []byte) error {
	clientID := r.Header.Get("client-id")
	if clientID != g.cfg.ClientID {
		// Not verified yet: quoted short, or an 8 KB header would fill the log line.
		return fmt.Errorf("the client-id header is %s, not the configured client id", provider.Excerpt(clientID))
	}
	sig := r.Header.Get("signature")
	if sig == "" {
		return errors.New("no signature header")
	}
	rt := r.Header.Get("request-time")
	if rt == "" {
		return errors.New("no request-time header")
	}
	// The path as it arrived (RequestURI), so a handler mounted behind http.StripPrefix still verifies.
	path, query := r.URL.EscapedPath(), r.URL.RawQuery
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && r.RequestURI != "" {
		path, query = u.EscapedPath(), u.RawQuery
	}
	err := Verify(g.pub, sig, http.MethodPost, path, clientID, rt, body)
	if err != nil && query != "" {
		if Verify(g.pub, sig, http.MethodPost, path+"?"+query, clientID, rt, body) == nil {
			err = nil
		}
	}
	if err != nil {
		return err
	}
	return g.fresh(rt)
}

// fresh checks a notification's request-time against the clock.
func (g *Gateway) fresh(rt string) error {
	t, ok := parseRequestTime(rt)
	if !ok {
		return fmt.Errorf("request-time %q is neither epoch milliseconds nor ISO 8601", rt)
	}
	now := g.now()
	if t.After(now.Add(maxClockSkew)) {
		return fmt.Errorf("request-time is %s ahead of the clock", t.Sub(now).Round(time.Second))
	}
	if g.cfg.WebhookMaxAge > 0 && now.Sub(t) > g.cfg.WebhookMaxAge {
		return fmt.Errorf("request-time is %s old; the limit is %s", now.Sub(t).Round(time.Second), g.cfg.WebhookMaxAge)
	}
	return nil
}

func parseRequestTime(s string) (time.Time, bool) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil && s[0] != '+' && s[0] != '-' {
		return time.UnixMilli(ms), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// decodeNotification reads a notification. It returns nil, nil for a type the adapter does not handle.
func decodeNotification(body []byte) (*paygate.Event, error) {
	var n notification
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&n); err != nil {
		return nil, fmt.Errorf("the notification does not decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the notification")
	}
	switch n.NotifyType {
	case "PAYMENT_RESULT", "PAYMENT_PENDING":
		return paymentEvent(&n)
	case "REFUND_RESULT":
		return refundEvent(&n)
	case "CAPTURE_RESULT":
		return captureEvent(&n)
	}
	return nil, nil
}

func paymentEvent(n *notification) (*paygate.Event, error) {
	if n.Result == nil || n.PaymentID == "" {
		return nil, errors.New("payment notification without result or paymentId")
	}
	// Antom's failed-payment notification may carry no paymentAmount (docs, ams_oc "Accept payment":
	// the failed notification body); WebhookHandler then looks the amount up.
	var amt money.Amount
	if n.PaymentAmount != nil {
		var err error
		if amt, err = fromWire(n.PaymentAmount); err != nil {
			return nil, fmt.Errorf("payment notification: paymentAmount: %w", err)
		}
	}
	p := &paygate.Payment{
		Provider: Name, PaymentRequestID: n.PaymentRequestID, ProviderPaymentID: n.PaymentID, Amount: amt,
		UpdatedAt: firstTime(parseTime(n.PaymentTime), parseTime(n.PaymentCreateTime)),
	}
	switch {
	case n.NotifyType == "PAYMENT_PENDING" && n.Result.ResultStatus == "S":
		p.Status, p.ProviderStatus = status.PaymentPending, "PENDING"
	case n.NotifyType == "PAYMENT_RESULT" && n.Result.ResultStatus == "S":
		p.Status, p.ProviderStatus = status.PaymentSucceeded, "SUCCESS"
	case n.NotifyType == "PAYMENT_RESULT" && n.Result.ResultStatus == "F":
		p.Status, _ = paymentStatus("FAIL", n.Result.ResultCode)
		p.ProviderStatus = "FAIL"
		p.FailureReason = reason(n.Result.ResultCode, n.Result.ResultMessage)
	default:
		return nil, fmt.Errorf("payment notification %s with result status %q", n.NotifyType, n.Result.ResultStatus)
	}
	return &paygate.Event{
		ID:       strings.Join([]string{Name, n.NotifyType, n.PaymentID, n.Result.ResultStatus, n.Result.ResultCode}, ":"),
		Provider: Name, Type: paygate.EventPaymentUpdated, Payment: p,
	}, nil
}

func refundEvent(n *notification) (*paygate.Event, error) {
	if n.RefundID == "" {
		return nil, errors.New("refund notification without refundId")
	}
	st, ok := refundStatusTable[n.RefundStatus]
	if !ok || st == status.RefundPending {
		return nil, fmt.Errorf("refund notification with refundStatus %q", n.RefundStatus)
	}
	amt, err := fromWire(n.RefundAmount)
	if err != nil {
		return nil, fmt.Errorf("refund notification: refundAmount: %w", err)
	}
	return &paygate.Event{
		ID:       strings.Join([]string{Name, n.NotifyType, n.RefundID, n.RefundStatus}, ":"),
		Provider: Name, Type: paygate.EventRefundUpdated,
		Refund: &paygate.Refund{
			// notifyRefund names no payment: its paymentId is in the metadata the adapter sent.
			Provider: Name, RefundRequestID: n.RefundRequestID, ProviderRefundID: n.RefundID,
			PaymentRequestID: readRefundMetadata(n.Metadata).PaymentRequestID, ProviderPaymentID: readRefundMetadata(n.Metadata).PaymentID,
			Status: st, ProviderStatus: n.RefundStatus, Amount: amt, UpdatedAt: parseTime(n.RefundTime),
		},
	}, nil
}

// captureEvent reads notifyCapture (CAPTURE_RESULT, SDK notify.AlipayCaptureResultNotify; docs
// ams/notify_capture, sent when the capture reaches S or F). S: the payment SUCCEEDED and Captured is
// captureAmount. F: the capture failed and nothing was taken, so the payment stays AUTHORIZED (while
// the hold lasts: complete takes the status from an inquiry), FailureReason saying why.
func captureEvent(n *notification) (*paygate.Event, error) {
	if n.Result == nil || n.PaymentID == "" {
		return nil, errors.New("capture notification without result or paymentId")
	}
	p := &paygate.Payment{Provider: Name, ProviderPaymentID: n.PaymentID, UpdatedAt: parseTime(n.CaptureTime)}
	switch n.Result.ResultStatus {
	case "S":
		amt, err := fromWire(n.CaptureAmount)
		if err != nil {
			return nil, fmt.Errorf("capture notification: captureAmount: %w", err)
		}
		p.Status, p.ProviderStatus, p.Captured = status.PaymentSucceeded, "SUCCESS", amt
	case "F":
		p.Status, p.ProviderStatus = status.PaymentAuthorized, "SUCCESS"
		p.FailureReason = "capture " + provider.Excerpt(n.CaptureRequestID) + " failed: " + reason(n.Result.ResultCode, n.Result.ResultMessage)
	default:
		return nil, fmt.Errorf("capture notification with result status %q", n.Result.ResultStatus)
	}
	return &paygate.Event{
		ID:       strings.Join([]string{Name, n.NotifyType, n.PaymentID, n.Result.ResultStatus, n.Result.ResultCode}, ":"),
		Provider: Name, Type: paygate.EventPaymentUpdated, Payment: p,
	}, nil
}
