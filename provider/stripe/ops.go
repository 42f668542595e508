package stripe

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/logfields"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// CreateOptions are Stripe-specific create settings, passed in CreateRequest.ProviderOptions (as a
// value or a pointer).
type CreateOptions struct {
	// PaymentMethod is a Stripe PaymentMethod id (pm_…): the intent is confirmed with it at once.
	PaymentMethod string
	// PaymentMethodTypes restricts the intent's methods (Stripe's payment_method_types); empty means
	// ["card"] with PaymentMethod, and Stripe's defaults otherwise.
	PaymentMethodTypes []string
}

// redirectMethods are the methods, by Stripe's type name, that the adapter confirms at once with
// payment_method_data[type]: the customer is then sent to Action.URL (redirect) or shown Action.QRCode.
// Method.Name matches case-insensitively, with or without the underscore (ALIPAY, WECHAT_PAY,
// WECHATPAY). Each needs only its type (docs.stripe.com/payments/alipay/accept-a-payment,
// /payments/wechat-pay/accept-a-payment: client=web shows a QR code).
var redirectMethods = map[string]struct {
	redirect bool     // the customer is redirected: return_url is required
	extra    []string // further parameters, key/value pairs
}{
	"alipay":     {redirect: true},
	"wechat_pay": {redirect: false, extra: []string{"payment_method_options[wechat_pay][client]", "web"}},
}

func methodType(name string) (string, bool) {
	n := strings.ToLower(strings.ReplaceAll(name, "-", "_"))
	if n == "wechatpay" {
		n = "wechat_pay"
	}
	_, ok := redirectMethods[n]
	return n, ok
}

// Stripe's metadata limits (docs.stripe.com/api/metadata).
const (
	maxMetaKeys     = 50
	maxMetaKeyLen   = 40
	maxMetaValueLen = 500
)

// Create creates a PaymentIntent. With a PaymentMethod (CreateOptions.PaymentMethod or a Method.Name
// of pm_…) or a redirect/QR method (alipay, wechat_pay) it is confirmed at once; without one it
// stays requires_payment_method for Stripe.js to confirm in the customer's browser (ClientSecret).
func (g *Gateway) Create(ctx context.Context, req *paygate.CreateRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.create)
}

func (g *Gateway) create(ctx context.Context, c *provider.Call, req *paygate.CreateRequest) (*paygate.Payment, error) {
	f, err := createForm(c.Op, req)
	if err != nil {
		return nil, err
	}
	var pi paymentIntent
	if err := g.do(ctx, c, http.MethodPost, "v1/payment_intents", f, idempotencyKey("create", req.PaymentRequestID), &pi); err != nil {
		return nil, err
	}
	p, err := g.intentPayment(c.Op, &pi)
	if err != nil {
		return nil, err
	}
	if p.PaymentRequestID != req.PaymentRequestID || !p.Amount.Equal(req.Amount) {
		return nil, malformed(c.Op, fmt.Errorf("the reply is about intent %s for %s, not the payment created", provider.Excerpt(pi.ID), p.Amount))
	}
	c.Note(append(logfields.Payment("", p.ProviderPaymentID), zap.String("provider_status", p.ProviderStatus))...)
	return p, nil
}

// createForm builds the create body, refusing (F, nothing sent) what Stripe could not take.
func createForm(op paygate.Op, req *paygate.CreateRequest) (*form, error) {
	amt, err := toWire(op, "Amount", req.Amount)
	if err != nil {
		return nil, err
	}
	f := (&form{}).addInt("amount", amt).add("currency", wireCurrency(req.Amount))
	if req.CaptureMode == paygate.CaptureManual {
		f.add("capture_method", "manual")
	}
	if req.Description != "" {
		f.add("description", req.Description)
	}
	if err := addMetadata(op, f, req); err != nil {
		return nil, err
	}
	opts, _ := provider.Option[CreateOptions](req.ProviderOptions)
	pm := opts.PaymentMethod
	if pm == "" && strings.HasPrefix(req.Method.Name, "pm_") {
		pm = req.Method.Name
	}
	types := opts.PaymentMethodTypes
	switch {
	case pm != "":
		if len(types) == 0 {
			types = []string{"card"} // no redirect methods, so no return_url is needed
		}
		addTypes(f, types)
		f.add("payment_method", pm).add("confirm", "true")
		if req.ReturnURL != "" {
			f.add("return_url", req.ReturnURL)
		}
	case req.Method.Name != "":
		mt, ok := methodType(req.Method.Name)
		if !ok {
			return nil, provider.NotSupported(Name, op, "Method.Name", fmt.Sprintf(
				"the adapter does not know the Stripe method %q; nothing was sent: pass a PaymentMethod id (pm_…), alipay or wechat_pay, or no method to confirm with Stripe.js", req.Method.Name))
		}
		m := redirectMethods[mt]
		if m.redirect && req.ReturnURL == "" {
			return nil, provider.Invalid(Name, op, "ReturnURL", mt+" sends the customer to a page and back, so Stripe needs a return URL; nothing was sent: set ReturnURL")
		}
		if len(types) == 0 {
			types = []string{mt}
		}
		addTypes(f, types)
		f.add("payment_method_data[type]", mt).add("confirm", "true")
		for i := 0; i < len(m.extra); i += 2 {
			f.add(m.extra[i], m.extra[i+1])
		}
		if req.ReturnURL != "" {
			f.add("return_url", req.ReturnURL)
		}
	case len(types) > 0:
		addTypes(f, types)
	}
	return f, nil
}

func addTypes(f *form, types []string) {
	for i, t := range types {
		f.add(fmt.Sprintf("payment_method_types[%d]", i), t)
	}
}

// addMetadata writes our ids, then the merchant's metadata in key order.
func addMetadata(op paygate.Op, f *form, req *paygate.CreateRequest) error {
	ours := map[string]string{metaPaymentRequestID: req.PaymentRequestID}
	if req.MerchantOrderID != "" {
		ours[metaMerchantOrderID] = req.MerchantOrderID
	}
	if len(ours)+len(req.Metadata) > maxMetaKeys {
		return provider.Invalid(Name, op, "Metadata", fmt.Sprintf("has %d keys, and with the adapter's %d Stripe's limit of %d is passed; nothing was sent: send fewer", len(req.Metadata), len(ours), maxMetaKeys))
	}
	for _, k := range slices.Sorted(maps.Keys(req.Metadata)) {
		v := req.Metadata[k]
		switch {
		case strings.HasPrefix(k, "paygate_"):
			return provider.Invalid(Name, op, "Metadata", fmt.Sprintf("key %q uses the prefix paygate_, which the adapter keeps for its own ids; nothing was sent: rename it", k))
		case k == "" || len(k) > maxMetaKeyLen || strings.ContainsAny(k, "[]"):
			return provider.Invalid(Name, op, "Metadata", fmt.Sprintf("key %q is not one Stripe takes (1 to %d characters, no square brackets); nothing was sent: rename it", k, maxMetaKeyLen))
		case len(v) > maxMetaValueLen:
			return provider.Invalid(Name, op, "Metadata", fmt.Sprintf("value of %q is over Stripe's %d characters; nothing was sent: shorten it", k, maxMetaValueLen))
		}
	}
	f.add("metadata["+metaPaymentRequestID+"]", req.PaymentRequestID)
	if req.MerchantOrderID != "" {
		f.add("metadata["+metaMerchantOrderID+"]", req.MerchantOrderID)
	}
	for _, k := range slices.Sorted(maps.Keys(req.Metadata)) {
		f.add("metadata["+k+"]", req.Metadata[k])
	}
	return nil
}

// Inquire returns a PaymentIntent's state: by ProviderPaymentID with a GET (strongly consistent;
// 404 is F NOT_FOUND), by PaymentRequestID alone through the search API, which lags: none found is U
// NOT_FOUND, never F.
func (g *Gateway) Inquire(ctx context.Context, req *paygate.InquireRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.inquire)
}

func (g *Gateway) inquire(ctx context.Context, c *provider.Call, req *paygate.InquireRequest) (*paygate.Payment, error) {
	var pi *paymentIntent
	var err error
	if req.ProviderPaymentID != "" {
		pi, err = g.getIntent(ctx, c, req.ProviderPaymentID)
	} else {
		pi, err = g.searchIntent(ctx, c, req.PaymentRequestID)
	}
	if err != nil {
		return nil, err
	}
	p, err := g.intentPayment(c.Op, pi)
	if err != nil {
		return nil, err
	}
	if req.PaymentRequestID != "" && p.PaymentRequestID != "" && p.PaymentRequestID != req.PaymentRequestID {
		return nil, malformed(c.Op, fmt.Errorf("intent %s carries request id %s, not the one asked about", provider.Excerpt(pi.ID), provider.Excerpt(p.PaymentRequestID)))
	}
	if p.PaymentRequestID == "" {
		p.PaymentRequestID = req.PaymentRequestID
	}
	c.Note(zap.String("provider_status", p.ProviderStatus))
	return p, nil
}

// getIntent GETs an intent, its latest charge expanded (for the refunded amount).
func (g *Gateway) getIntent(ctx context.Context, c *provider.Call, id string) (*paymentIntent, error) {
	var pi paymentIntent
	if err := g.do(ctx, c, http.MethodGet, "v1/payment_intents/"+url.PathEscape(id)+"?expand%5B%5D=latest_charge", nil, "", &pi); err != nil {
		return nil, err
	}
	if pi.ID != id {
		return nil, malformed(c.Op, fmt.Errorf("the reply is about intent %s, not the one asked about", provider.Excerpt(pi.ID)))
	}
	return &pi, nil
}

// searchIntent finds the intent carrying our payment request id. The search index is eventually
// consistent: none found is U NOT_FOUND (a payment created moments ago may not be indexed yet).
func (g *Gateway) searchIntent(ctx context.Context, c *provider.Call, paymentRequestID string) (*paymentIntent, error) {
	q := url.Values{"query": {searchQuery(paymentRequestID)}, "expand[]": {"data.latest_charge"}, "limit": {"10"}}
	var res list[paymentIntent]
	if err := g.do(ctx, c, http.MethodGet, "v1/payment_intents/search?"+q.Encode(), nil, "", &res); err != nil {
		return nil, err
	}
	var found []paymentIntent
	for _, pi := range res.Data {
		if pi.Metadata[metaPaymentRequestID] == paymentRequestID {
			found = append(found, pi)
		}
	}
	switch {
	case len(found) == 0:
		return nil, &paygate.Error{Provider: Name, Op: c.Op, Outcome: status.Unknown, Code: status.CodeNotFound,
			Message: "Stripe's search found no PaymentIntent with this request id, but its index lags (usually under a minute): this is not proof that none exists; inquire by the provider id (Payment.ProviderPaymentID), or again later"}
	case len(found) > 1:
		return nil, &paygate.Error{Provider: Name, Op: c.Op, Outcome: status.Unknown, Code: status.CodeProviderError,
			Message: fmt.Sprintf("%d PaymentIntents carry this request id (created outside the adapter?): check them in the Stripe dashboard and inquire by the provider id", len(found))}
	}
	return &found[0], nil
}

// intentID returns the intent id a follow-up names, searching by request id when only that is given.
func (g *Gateway) intentID(ctx context.Context, c *provider.Call, providerID, requestID string) (string, error) {
	if providerID != "" {
		return providerID, nil
	}
	pi, err := g.searchIntent(ctx, c, requestID)
	if err != nil {
		return "", err
	}
	return pi.ID, nil
}

// Capture captures an intent in requires_capture (amount_to_capture: all when Amount is zero, else
// a partial capture, the rest released). A given Amount is first checked against the intent (GET):
// another currency is F INVALID_REQUEST and more than is capturable F LIMIT_EXCEEDED, both unsent.
func (g *Gateway) Capture(ctx context.Context, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.capture)
}

func (g *Gateway) capture(ctx context.Context, c *provider.Call, req *paygate.CaptureRequest) (*paygate.Payment, error) {
	id, err := g.intentID(ctx, c, req.ProviderPaymentID, req.PaymentRequestID)
	if err != nil {
		return nil, err
	}
	f := &form{}
	if !req.Amount.IsZero() {
		amt, err := toWire(c.Op, "Amount", req.Amount)
		if err != nil {
			return nil, err
		}
		pi, err := g.getIntent(ctx, c, id)
		if err != nil {
			return nil, err
		}
		if !strings.EqualFold(pi.Currency, req.Amount.Currency()) {
			return nil, provider.Invalid(Name, c.Op, "Amount", fmt.Sprintf("is in %s but the payment is in %s; nothing was sent: capture in the payment's currency", req.Amount.Currency(), strings.ToUpper(pi.Currency)))
		}
		// Only an intent still holding money is checked: once captured, the resend of a capture that
		// landed must reach Stripe, which replays the saved answer for the Idempotency-Key.
		if pi.Status == "requires_capture" && amt > pi.AmountCapturable {
			return nil, &paygate.Error{Provider: Name, Op: c.Op, Outcome: status.Failure, Code: status.CodeLimitExceeded, Field: "Amount",
				Message: "is more than the payment's authorized (capturable) amount; nothing was sent: capture at most that"}
		}
		f.addInt("amount_to_capture", amt)
	}
	var pi paymentIntent
	if err := g.do(ctx, c, http.MethodPost, "v1/payment_intents/"+url.PathEscape(id)+"/capture", f, idempotencyKey("capture", req.CaptureRequestID), &pi); err != nil {
		return nil, err
	}
	if pi.ID != id {
		return nil, malformed(c.Op, fmt.Errorf("the reply is about intent %s, not the one captured", provider.Excerpt(pi.ID)))
	}
	p, err := g.intentPayment(c.Op, &pi)
	if err != nil {
		return nil, err
	}
	c.Note(zap.String("provider_status", p.ProviderStatus))
	return p, nil
}

// cancellationReasons are Stripe's cancellation_reason values a merchant may send; a Reason that is
// one of them is sent, any other text is not (it would be refused as an enum value).
var cancellationReasons = []string{"abandoned", "duplicate", "fraudulent", "requested_by_customer"}

// Cancel cancels an intent that has not succeeded; on requires_capture it is the void (the hold is
// released). A succeeded intent is F INVALID_STATE (Stripe's payment_intent_unexpected_state): refund it.
func (g *Gateway) Cancel(ctx context.Context, req *paygate.CancelRequest) (*paygate.Payment, error) {
	return provider.Run(ctx, g.calls, req, g.cancel)
}

func (g *Gateway) cancel(ctx context.Context, c *provider.Call, req *paygate.CancelRequest) (*paygate.Payment, error) {
	id, err := g.intentID(ctx, c, req.ProviderPaymentID, req.PaymentRequestID)
	if err != nil {
		return nil, err
	}
	f := &form{}
	if slices.Contains(cancellationReasons, req.Reason) {
		f.add("cancellation_reason", req.Reason)
	}
	var pi paymentIntent
	if err := g.do(ctx, c, http.MethodPost, "v1/payment_intents/"+url.PathEscape(id)+"/cancel", f, idempotencyKey("cancel", id), &pi); err != nil {
		return nil, err
	}
	if pi.ID != id {
		return nil, malformed(c.Op, fmt.Errorf("the reply is about intent %s, not the one canceled", provider.Excerpt(pi.ID)))
	}
	p, err := g.intentPayment(c.Op, &pi)
	if err != nil {
		return nil, err
	}
	if p.PaymentRequestID == "" {
		p.PaymentRequestID = req.PaymentRequestID
	}
	c.Note(zap.String("provider_status", p.ProviderStatus))
	return p, nil
}

// refundReasons are Stripe's refund reason values; any other Reason is not sent.
var refundReasons = []string{"duplicate", "fraudulent", "requested_by_customer"}

// Refund refunds all or part of a succeeded intent. The payment is looked up first
// (provider.Calls.RefundablePayment): the currency must match and an uncaptured payment is F
// INVALID_STATE, both unsent.
func (g *Gateway) Refund(ctx context.Context, req *paygate.RefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls, req, g.refund)
}

func (g *Gateway) refund(ctx context.Context, c *provider.Call, req *paygate.RefundRequest) (*paygate.Refund, error) {
	amt, err := toWire(c.Op, "Amount", req.Amount)
	if err != nil {
		return nil, err
	}
	p, err := g.calls.RefundablePayment(ctx, g.Inquire, req)
	if err != nil {
		return nil, err
	}
	f := (&form{}).add("payment_intent", p.ProviderPaymentID).addInt("amount", amt).
		add("metadata["+metaRefundRequestID+"]", req.RefundRequestID)
	if p.PaymentRequestID != "" {
		// So the refund names the payment by the merchant's id too, in its webhooks and inquiries.
		f.add("metadata["+metaPaymentRequestID+"]", p.PaymentRequestID)
	}
	if slices.Contains(refundReasons, req.Reason) {
		f.add("reason", req.Reason)
	}
	var rf refund
	if err := g.do(ctx, c, http.MethodPost, "v1/refunds", f, idempotencyKey("refund", req.RefundRequestID), &rf); err != nil {
		return nil, err
	}
	r, err := refundOf(c.Op, &rf)
	if err != nil {
		return nil, err
	}
	if r.RefundRequestID != req.RefundRequestID || r.ProviderPaymentID != p.ProviderPaymentID || !r.Amount.Equal(req.Amount) {
		return nil, malformed(c.Op, fmt.Errorf("the reply is refund %s of %s for intent %s, not the refund asked for", provider.Excerpt(rf.ID), r.Amount, provider.Excerpt(rf.PaymentIntent)))
	}
	r.PaymentRequestID = p.PaymentRequestID
	c.Note(append(logfields.Refund("", r.ProviderRefundID), zap.String("provider_status", r.ProviderStatus))...)
	return r, nil
}

// InquireRefund returns a refund's state: by ProviderRefundID with a GET; by RefundRequestID through
// the list of the payment's refunds (strongly consistent: none carrying the id is F NOT_FOUND), which
// needs the payment named (ProviderPaymentID, or PaymentRequestID found by search).
func (g *Gateway) InquireRefund(ctx context.Context, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	return provider.Run(ctx, g.calls, req, g.inquireRefund)
}

// maxRefundPages bounds the refund list walk (100 refunds a page).
const maxRefundPages = 20

func (g *Gateway) inquireRefund(ctx context.Context, c *provider.Call, req *paygate.InquireRefundRequest) (*paygate.Refund, error) {
	if req.ProviderRefundID != "" {
		var rf refund
		if err := g.do(ctx, c, http.MethodGet, "v1/refunds/"+url.PathEscape(req.ProviderRefundID), nil, "", &rf); err != nil {
			return nil, err
		}
		if rf.ID != req.ProviderRefundID {
			return nil, malformed(c.Op, fmt.Errorf("the reply is about refund %s, not the one asked about", provider.Excerpt(rf.ID)))
		}
		r, err := refundOf(c.Op, &rf)
		if err != nil {
			return nil, err
		}
		if req.RefundRequestID != "" && r.RefundRequestID != "" && r.RefundRequestID != req.RefundRequestID {
			return nil, malformed(c.Op, fmt.Errorf("refund %s carries another refund request id", provider.Excerpt(rf.ID)))
		}
		r.PaymentRequestID = req.PaymentRequestID
		return r, nil
	}
	if req.ProviderPaymentID == "" && req.PaymentRequestID == "" {
		return nil, provider.NotSupported(Name, c.Op, "ProviderPaymentID",
			"Stripe finds a refund by the merchant's refund request id only through its payment; nothing was sent: pass the payment's ProviderPaymentID (or PaymentRequestID), or the ProviderRefundID")
	}
	pid, err := g.intentID(ctx, c, req.ProviderPaymentID, req.PaymentRequestID)
	if err != nil {
		return nil, err
	}
	after := ""
	for range maxRefundPages {
		q := url.Values{"payment_intent": {pid}, "limit": {"100"}}
		if after != "" {
			q.Set("starting_after", after)
		}
		var res list[refund]
		if err := g.do(ctx, c, http.MethodGet, "v1/refunds?"+q.Encode(), nil, "", &res); err != nil {
			return nil, err
		}
		for i := range res.Data {
			if res.Data[i].Metadata[metaRefundRequestID] == req.RefundRequestID {
				r, err := refundOf(c.Op, &res.Data[i])
				if err != nil {
					return nil, err
				}
				r.PaymentRequestID = req.PaymentRequestID
				return r, nil
			}
		}
		if !res.HasMore || len(res.Data) == 0 {
			return nil, &paygate.Error{Provider: Name, Op: c.Op, Outcome: status.Failure, Code: status.CodeNotFound,
				Message: "the payment has no refund with this refund request id (Stripe's refund list is up to date): no such refund was made"}
		}
		after = res.Data[len(res.Data)-1].ID
	}
	return nil, &paygate.Error{Provider: Name, Op: c.Op, Outcome: status.Unknown, Code: status.CodeNotFound,
		Message: fmt.Sprintf("the payment has over %d refunds and none of the first ones carries this id: inquire by ProviderRefundID", maxRefundPages*100)}
}

// ClientSecret returns the PaymentIntent's client secret, which Stripe.js needs to confirm an
// unconfirmed intent in the customer's browser. It is a secret of that payment: hand it only to
// that customer's page. The adapter never logs it or puts it in an error; it is in a Payment only as
// Action.ClientSecret of a client_confirm action, for that page.
func (g *Gateway) ClientSecret(ctx context.Context, providerPaymentID string) (string, error) {
	return provider.Run(ctx, g.calls, &paygate.InquireRequest{ProviderPaymentID: providerPaymentID},
		func(ctx context.Context, c *provider.Call, req *paygate.InquireRequest) (string, error) {
			var pi paymentIntent
			if err := g.do(ctx, c, http.MethodGet, "v1/payment_intents/"+url.PathEscape(req.ProviderPaymentID), nil, "", &pi); err != nil {
				return "", err
			}
			if pi.ID != req.ProviderPaymentID || pi.ClientSecret == "" {
				return "", malformed(c.Op, fmt.Errorf("the reply carries no client secret for the intent asked about"))
			}
			return pi.ClientSecret, nil
		})
}

// intentPayment maps a PaymentIntent; a status in no row, or an amount that cannot be read exactly,
// is U.
func (g *Gateway) intentPayment(op paygate.Op, pi *paymentIntent) (*paygate.Payment, error) {
	if pi.ID == "" {
		return nil, malformed(op, fmt.Errorf("the PaymentIntent has no id"))
	}
	st, ok := intentStatus(pi.Status, pi.CancellationReason)
	if !ok {
		return nil, malformed(op, fmt.Errorf("PaymentIntent status %s is not one the adapter knows", provider.Excerpt(pi.Status)))
	}
	amt, err := fromWire(pi.Amount, pi.Currency)
	if err != nil {
		return nil, malformed(op, err)
	}
	p := &paygate.Payment{
		Provider: Name, PaymentRequestID: pi.Metadata[metaPaymentRequestID], MerchantOrderID: pi.Metadata[metaMerchantOrderID],
		ProviderPaymentID: pi.ID, Status: st, ProviderStatus: pi.Status, Amount: amt,
	}
	if pi.CanceledAt > 0 {
		p.UpdatedAt = time.Unix(pi.CanceledAt, 0).UTC()
	}
	switch pi.Status {
	case "requires_payment_method", "requires_confirmation":
		if pi.LastPaymentError != nil {
			p.FailureReason = pi.LastPaymentError.Message
		}
		p.Action = clientConfirm(pi.ClientSecret)
	case "requires_action":
		if p.Action = action(pi.NextAction); p.Action == nil {
			// use_stripe_sdk and the other next actions Stripe.js handles itself.
			p.Action = clientConfirm(pi.ClientSecret)
		}
	case "succeeded":
		if p.Captured, err = fromWire(pi.AmountReceived, pi.Currency); err != nil {
			return nil, malformed(op, err)
		}
		if ch := pi.LatestCharge; ch != nil && ch.Charge != nil && ch.Charge.AmountRefunded > 0 {
			if p.Refunded, err = fromWire(ch.Charge.AmountRefunded, pi.Currency); err != nil {
				return nil, malformed(op, err)
			}
		}
	}
	return p, nil
}

// action is the customer's next step from next_action; nil for kinds the adapter does not map
// (use_stripe_sdk and others that Stripe.js handles).
func action(na *nextAction) *paygate.Action {
	switch {
	case na == nil:
		return nil
	case na.RedirectToURL != nil && na.RedirectToURL.URL != "":
		return &paygate.Action{Kind: paygate.ActionRedirect, URL: na.RedirectToURL.URL}
	case na.AlipayHandleRedirect != nil && na.AlipayHandleRedirect.URL != "":
		return &paygate.Action{Kind: paygate.ActionRedirect, URL: na.AlipayHandleRedirect.URL}
	case na.WechatPayDisplayQRCode != nil && na.WechatPayDisplayQRCode.Data != "":
		return &paygate.Action{Kind: paygate.ActionQRCode, QRCode: na.WechatPayDisplayQRCode.Data}
	case na.WechatPayRedirectToIOSApp != nil && na.WechatPayRedirectToIOSApp.NativeURL != "":
		return &paygate.Action{Kind: paygate.ActionDeeplink, URL: na.WechatPayRedirectToIOSApp.NativeURL}
	}
	return nil
}

// clientConfirm is the action of an intent the customer's browser completes with Stripe.js: it needs
// the intent's client secret (nil when the reply carries none).
func clientConfirm(secret string) *paygate.Action {
	if secret == "" {
		return nil
	}
	return &paygate.Action{Kind: paygate.ActionClientConfirm, ClientSecret: secret}
}

// refundOf maps a Refund; a status in no row is U.
func refundOf(op paygate.Op, rf *refund) (*paygate.Refund, error) {
	if rf.ID == "" {
		return nil, malformed(op, fmt.Errorf("the refund has no id"))
	}
	st, ok := refundStates[rf.Status]
	if !ok {
		return nil, malformed(op, fmt.Errorf("refund status %s is not one the adapter knows", provider.Excerpt(rf.Status)))
	}
	amt, err := fromWire(rf.Amount, rf.Currency)
	if err != nil {
		return nil, malformed(op, err)
	}
	r := &paygate.Refund{Provider: Name, RefundRequestID: rf.Metadata[metaRefundRequestID], ProviderRefundID: rf.ID,
		PaymentRequestID: rf.Metadata[metaPaymentRequestID], ProviderPaymentID: rf.PaymentIntent, Status: st, ProviderStatus: rf.Status, Amount: amt}
	if rf.Created > 0 {
		r.UpdatedAt = time.Unix(rf.Created, 0).UTC()
	}
	return r, nil
}

// do sends one request and decodes a 2xx body into out, or returns the error the answer maps to.
func (g *Gateway) do(ctx context.Context, c *provider.Call, method, path string, f *form, key string, out any) error {
	post := method == http.MethodPost
	var body []byte
	if post {
		body = f.encode()
	}
	resp, err := g.tr.Do(ctx, &provider.Request{
		Op: c.Op, Method: method, Path: path, Header: g.headers(post, key), Body: body,
		Resendable: g.Idempotency(c.Op).Resendable(), IDs: c.IDs, DefiniteAnswer: shouldNotRetry,
	})
	if err != nil {
		return err
	}
	c.Note(zap.Int("http_status", resp.StatusCode))
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		if _, err := decode(resp.Body, out); err != nil {
			return malformed(c.Op, err)
		}
		return nil
	}
	return g.errorAnswer(c.Op, resp)
}

// shouldNotRetry is Stripe's Stripe-Should-Retry: false on an answer the transport would resend: a
// saved answer that a resend with the same key would only replay, so it is returned at once.
func shouldNotRetry(_ int, h http.Header, _ []byte) bool {
	return h.Get("Stripe-Should-Retry") == "false"
}

// errorAnswer maps a non-2xx answer through the error table, keeping Stripe's decline_code, code or type
// and message (bounded, and redacted: Stripe may quote a key back); an F stays U when an earlier try may have landed.
func (g *Gateway) errorAnswer(op paygate.Op, resp *provider.Response) *paygate.Error {
	var typ, code, decline, msg string
	if e := decodeError(resp.Body); e != nil {
		typ, code, decline, msg = e.Type, e.Code, e.DeclineCode, e.Message
	}
	row := classify(resp.StatusCode, typ, code, decline)
	// The most specific of Stripe's three: a card error's decline_code, else the error's code, else
	// its type (an api_error usually has no code).
	pcode := cmp.Or(decline, code, typ)
	return provider.Answered(Name, op, resp, row.outcome, row.code, row.advice, pcode, provider.Bounded(provider.Redact(msg, g.secrets...)))
}

// malformed is the U for a success answer the adapter cannot take: it may have been processed.
func malformed(op paygate.Op, cause error) error {
	return provider.Unknown(Name, op, nil, status.CodeProviderError,
		fmt.Sprintf("Stripe's reply to the %s could not be taken as its result, so it may have been processed; inquire, or resend with the same ids", op), cause)
}
