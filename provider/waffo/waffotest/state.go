package waffotest

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// Waffo's order and refund statuses.
const (
	payInProgress     = "PAY_IN_PROGRESS"
	authRequired      = "AUTHORIZATION_REQUIRED"
	authedWaitCapture = "AUTHED_WAITING_CAPTURE" // a manual-capture order the user authorized
	captureInProgress = "CAPTURE_IN_PROGRESS"    // after /order/capture, until Waffo settles it
	paySuccess        = "PAY_SUCCESS"
	orderClose        = "ORDER_CLOSE"

	// manualCapture is paymentInfo.captureMode for an order Waffo only authorizes (the SDK's
	// PaymentInfo.CaptureMode and its manual-capture e2e test).
	manualCapture = "manualCapture"

	refundPartially = "ORDER_PARTIALLY_REFUNDED"
	refundFully     = "ORDER_FULLY_REFUNDED"
)

// closeKind says why an order closed; Waffo shows all three as ORDER_CLOSE.
type closeKind int

const (
	notClosed closeKind = iota
	closedCancelled
	closedFailed
	closedExpired
)

type order struct {
	acquiringOrderID, paymentRequestID, merchantOrderID string
	description                                         string
	amount                                              money.Amount
	wireAmount                                          string
	status                                              string
	closed                                              closeKind
	failedReason                                        string
	action                                              string // orderAction JSON string while open
	notifyURL                                           string
	fingerprint                                         string // the create parameters, for A0011
	refunded                                            money.Amount
	createdAt, updatedAt, expiresAt                     time.Time
	manual                                              bool      // created with captureMode manualCapture
	captureDueAt                                        time.Time // when a CAPTURE_IN_PROGRESS order settles
}

type refund struct {
	acquiringRefundOrderID, refundRequestID, acquiringOrderID string
	amount                                                    money.Amount
	status                                                    string
	fingerprint                                               string
	// What the merchant sent, which the refund inquiry and notification give back.
	reason, requestedAt, merchantRefundOrderID, refundSource, extendInfo string
	createdAt, updatedAt                                                 time.Time
}

// normalized is the simulator's own reading of an order's state, for the ledger.
func (o *order) normalized() status.Payment {
	switch o.status {
	case payInProgress:
		return status.PaymentPending
	case authRequired:
		return status.PaymentRequiresAction
	case authedWaitCapture:
		return status.PaymentAuthorized
	case captureInProgress:
		return status.PaymentPending
	case paySuccess:
		return status.PaymentSucceeded
	}
	switch o.closed {
	case closedFailed:
		return status.PaymentFailed
	case closedExpired:
		return status.PaymentExpired
	}
	return status.PaymentCanceled
}

func (o *order) open() bool { return o.status == payInProgress || o.status == authRequired }

// fingerprint is the create body without orderRequestedAt (a fresh timestamp on every resend is not a
// change of parameters).
func fingerprint(q *request, omit string) string {
	m := make(map[string]any, len(q.fields))
	for k, v := range q.fields {
		if k != omit {
			m[k] = v
		}
	}
	b, _ := json.Marshal(m) // map keys are sorted: a canonical form
	return string(b)
}

func (s *Server) now() time.Time { return s.clock.Now().UTC() }

func (s *Server) nextID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%s%06d", prefix, s.now().Format("060102150405"), s.seq)
}

// create is /order/create.
func (s *Server) create(q *request) reply {
	err := q.check(
		[]string{"paymentRequestId", "merchantOrderId", "orderCurrency", "orderAmount", "orderDescription", "orderRequestedAt", "notifyUrl",
			"merchantInfo.merchantId", "userInfo.userId", "userInfo.userEmail", "userInfo.userTerminal", "paymentInfo.productName"},
		map[string]int{"paymentRequestId": 32, "merchantOrderId": 64, "orderCurrency": 12, "orderAmount": 24, "orderDescription": 128,
			"notifyUrl": 256, "successRedirectUrl": 512, "failedRedirectUrl": 512, "cancelRedirectUrl": 512, "extendInfo": 128,
			"merchantInfo.merchantId": 64, "userInfo.userId": 64, "userInfo.userEmail": 64, "userInfo.userPhone": 30,
			"userInfo.userCountryCode": 3, "userInfo.userTerminal": 32, "paymentInfo.productName": 32})
	if err != nil {
		return fail("A0003", err.Error())
	}
	if q.present("goodsInfo") && (q.str("goodsInfo.goodsName") == "" || q.str("goodsInfo.goodsUrl")+q.str("goodsInfo.appName") == "") {
		return fail("A0003", "goodsInfo needs goodsName and goodsUrl or appName")
	}
	if q.str("merchantInfo.merchantId") != s.MerchantID {
		return fail("A0004", "merchantId does not match the API key")
	}
	for _, f := range []string{"orderRequestedAt", "orderExpiredAt"} {
		if v := q.str(f); v != "" {
			if _, err := parseTime(v); err != nil {
				return fail("A0003", f+": "+err.Error())
			}
		}
	}
	currency := q.str("orderCurrency")
	if !slices.Contains(Currencies, currency) {
		return fail("A0007", "currency "+currency+" is not supported")
	}
	amount, err := parseAmount(q.str("orderAmount"), currency)
	if err != nil {
		return fail("A0003", err.Error())
	}
	if !amount.IsPositive() {
		return fail("A0008", "orderAmount must be positive")
	}
	fp := fingerprint(q, "orderRequestedAt")
	if o, ok := s.byReqID[q.str("paymentRequestId")]; ok {
		if o.fingerprint != fp {
			return fail("A0011", "paymentRequestId was used with different parameters")
		}
		s.expireIfDue(o)
		return success(s.createData(o))
	}
	if code := triggerCode(amount); code != "" {
		return fail(code, "sandbox amount trigger")
	}
	now := s.now()
	o := &order{
		acquiringOrderID: s.nextID("W"), paymentRequestID: q.str("paymentRequestId"), merchantOrderID: q.str("merchantOrderId"),
		description: q.str("orderDescription"), amount: amount, wireAmount: q.str("orderAmount"), status: payInProgress, notifyURL: q.str("notifyUrl"),
		fingerprint: fp, createdAt: now, updatedAt: now, expiresAt: now.Add(s.ttl),
	}
	if v := q.str("orderExpiredAt"); v != "" {
		o.expiresAt, _ = parseTime(v)
	}
	if q.str("paymentInfo.payMethodName") != "" {
		o.status = authRequired // a named method goes straight to its own authorization step
	}
	mode := paygate.CaptureAutomatic
	if q.str("paymentInfo.captureMode") == manualCapture {
		o.manual, mode = true, paygate.CaptureManual
	}
	o.action = s.actionFor(o, q.str("paymentInfo.payMethodType"), q.str("paymentInfo.payMethodName"))
	s.orders[o.acquiringOrderID] = o
	s.byReqID[o.paymentRequestID] = o
	s.ledger.AddOrder(sim.Order{RequestID: o.paymentRequestID, ProviderID: o.acquiringOrderID, Amount: amount,
		WireAmount: o.wireAmount, Status: o.normalized(), CaptureMode: mode, CreatedAt: now})
	return success(s.createData(o))
}

// actionFor builds orderAction: a QR string for QR methods, a deeplink for e-wallets, otherwise the
// cashier page.
func (s *Server) actionFor(o *order, methodType, methodName string) string {
	a := map[string]any{"actionType": "WEB", "webUrl": s.PageURL(o.acquiringOrderID)}
	switch {
	case methodType == "QR" || methodName == "QRIS" || methodName == "PROMPTPAY":
		a["actionData"] = map[string]string{"paymentQr": "00020101021226" + o.acquiringOrderID, "paymentExpiryTime": o.expiresAt.Format(timeLayout)}
	case methodType == "EWALLET":
		a["actionType"], a["deeplinkUrl"] = "DEEPLINK", "waffo-wallet://pay/"+o.acquiringOrderID
	}
	b, _ := json.Marshal(a)
	return string(b)
}

func (s *Server) createData(o *order) map[string]any {
	d := map[string]any{
		"paymentRequestId": o.paymentRequestID, "merchantOrderId": o.merchantOrderID,
		"acquiringOrderId": o.acquiringOrderID, "orderStatus": o.status,
	}
	if o.open() {
		d["orderAction"] = o.action
	}
	return d
}

// orderData is the order as /order/inquiry returns it. The failure reason is a JSON-encoded string here
// and an object in notifications: Waffo has been seen sending both.
func (s *Server) orderData(o *order, reasonAsString bool) map[string]any {
	d := s.createData(o)
	d["orderCurrency"] = o.amount.Currency()
	d["orderAmount"] = o.wireAmount
	d["orderDescription"] = o.description
	d["orderRequestedAt"] = o.createdAt.Format(timeLayout)
	d["orderUpdatedAt"] = o.updatedAt.Format(timeLayout)
	d["orderExpiredAt"] = o.expiresAt.Format(timeLayout)
	if o.status == paySuccess {
		d["finalDealAmount"] = o.wireAmount
	}
	if o.closed == closedFailed {
		reason := map[string]string{"orderFailedCode": "C0005", "orderFailedDescription": o.failedReason}
		if reasonAsString {
			b, _ := json.Marshal(reason)
			d["orderFailedReason"] = string(b)
		} else {
			d["orderFailedReason"] = reason
		}
	}
	return d
}

// findOrder finds the order named by paymentRequestId and/or acquiringOrderId (both must agree).
func (s *Server) findOrder(q *request) (*order, *reply) {
	reqID, acqID := q.str("paymentRequestId"), q.str("acquiringOrderId")
	if reqID == "" && acqID == "" {
		r := fail("A0003", "paymentRequestId or acquiringOrderId is required")
		return nil, &r
	}
	var o *order
	if acqID != "" {
		o = s.orders[acqID]
	} else {
		o = s.byReqID[reqID]
	}
	if o == nil || (reqID != "" && o.paymentRequestID != reqID) {
		r := fail("A0009", "order does not exist")
		return nil, &r
	}
	s.expireIfDue(o)
	s.settleCaptureIfDue(o)
	return o, nil
}

// inquire is /order/inquiry.
func (s *Server) inquire(q *request) reply {
	o, r := s.findOrder(q)
	if r != nil {
		return *r
	}
	return success(s.orderData(o, true))
}

// cancel is /order/cancel: an open order closes; a closed one stays closed; a paid one is A0013, and
// so is an authorized or capturing one: Waffo's lifecycle has no way from AUTHED_WAITING_CAPTURE to
// ORDER_CLOSE and documents no void, so the simulator refuses it with the code for an order whose
// money is taken (an undocumented case: the closest documented code, chosen here).
func (s *Server) cancel(q *request) reply {
	if err := q.check([]string{"merchantId", "orderRequestedAt"}, map[string]int{"paymentRequestId": 32, "acquiringOrderId": 32, "merchantId": 64}); err != nil {
		return fail("A0003", err.Error())
	}
	if _, err := parseTime(q.str("orderRequestedAt")); err != nil {
		return fail("A0003", "orderRequestedAt: "+err.Error())
	}
	if q.str("merchantId") != s.MerchantID {
		return fail("A0004", "merchantId does not match the API key")
	}
	o, r := s.findOrder(q)
	if r != nil {
		return *r
	}
	switch {
	case o.status == paySuccess:
		return fail("A0013", "order already paid, cannot cancel")
	case o.status == authedWaitCapture || o.status == captureInProgress:
		return fail("A0013", "order is "+o.status+", cannot cancel")
	case o.open():
		s.setStatus(o, orderClose, closedCancelled, "")
	}
	return success(map[string]any{"paymentRequestId": o.paymentRequestID, "merchantOrderId": o.merchantOrderID,
		"acquiringOrderId": o.acquiringOrderID, "orderStatus": o.status})
}

// refund is /order/refund: refunds of a paid order up to its amount, deduped by refundRequestId.
func (s *Server) refund(q *request) reply {
	if err := q.check([]string{"refundRequestId", "acquiringOrderId", "merchantId", "requestedAt", "refundAmount", "refundReason"},
		map[string]int{"refundRequestId": 32, "acquiringOrderId": 32, "merchantId": 64, "merchantRefundOrderId": 64, "refundNotifyUrl": 256, "extendInfo": 128}); err != nil {
		return fail("A0003", err.Error())
	}
	if _, err := parseTime(q.str("requestedAt")); err != nil {
		return fail("A0003", "requestedAt: "+err.Error())
	}
	if q.str("merchantId") != s.MerchantID {
		return fail("A0004", "merchantId does not match the API key")
	}
	fp := fingerprint(q, "requestedAt")
	if rf, ok := s.byRefID[q.str("refundRequestId")]; ok {
		if rf.fingerprint != fp {
			return fail("A0011", "refundRequestId was used with different parameters")
		}
		return success(s.refundData(rf))
	}
	o, r := s.findOrder(&request{fields: map[string]any{"acquiringOrderId": q.str("acquiringOrderId")}})
	if r != nil {
		return *r
	}
	amount, err := parseAmount(q.str("refundAmount"), o.amount.Currency())
	if err != nil {
		return fail("A0003", err.Error())
	}
	if !amount.IsPositive() {
		return fail("A0003", "refundAmount must be positive")
	}
	if o.status != paySuccess {
		return fail("A0014", "only a paid order can be refunded")
	}
	refunded := o.refunded
	if refunded.IsZero() {
		refunded, _ = money.FromMinor(0, o.amount.Currency())
	}
	total, err := refunded.Add(amount)
	if err != nil {
		return fail("A0003", err.Error())
	}
	if c, _ := total.Cmp(o.amount); c > 0 {
		return fail("A0014", "refund amount exceeds the refundable amount")
	}
	o.refunded = total
	st := refundPartially
	if total.Equal(o.amount) {
		st = refundFully
	}
	now := s.now()
	rf := &refund{acquiringRefundOrderID: s.nextID("R"), refundRequestID: q.str("refundRequestId"),
		acquiringOrderID: o.acquiringOrderID, amount: amount, status: st, fingerprint: fp,
		reason: q.str("refundReason"), requestedAt: q.str("requestedAt"), merchantRefundOrderID: q.str("merchantRefundOrderId"),
		refundSource: q.str("refundSource"), extendInfo: q.str("extendInfo"), createdAt: now, updatedAt: now}
	s.refunds[rf.acquiringRefundOrderID] = rf
	s.byRefID[rf.refundRequestID] = rf
	s.ledger.AddRefund(sim.Refund{RequestID: rf.refundRequestID, ProviderID: rf.acquiringRefundOrderID, ProviderPaymentID: o.acquiringOrderID,
		Amount: amount, WireAmount: q.str("refundAmount"), Status: status.RefundSucceeded, CreatedAt: now})
	s.ledger.SetOrderStatus(o.acquiringOrderID, o.normalized(), o.refunded)
	url := q.str("refundNotifyUrl")
	if url == "" {
		url = o.notifyURL
	}
	s.notify(url, "REFUND_NOTIFICATION", rf.acquiringRefundOrderID+":"+rf.status, s.refundInquiryData(rf))
	return success(s.refundData(rf))
}

// refundData is the /order/refund reply: the SDK's RefundOrderData and the API reference's
// AcqOrderRefundResponse. No refund message of Waffo's names a currency; a refund is in its order's.
func (s *Server) refundData(rf *refund) map[string]any {
	o := s.orders[rf.acquiringOrderID]
	remaining, _ := o.amount.Sub(o.refunded)
	if o.refunded.IsZero() {
		remaining = o.amount
	}
	d := map[string]any{
		"refundRequestId": rf.refundRequestID, "acquiringOrderId": rf.acquiringOrderID,
		"acquiringRefundOrderId": rf.acquiringRefundOrderID, "refundAmount": formatAmount(rf.amount),
		"refundStatus": rf.status, "remainingRefundAmount": formatAmount(remaining),
	}
	optional(d, "merchantRefundOrderId", rf.merchantRefundOrderID)
	optional(d, "refundSource", rf.refundSource) // given back only when the merchant sent one
	return d
}

// refundInquiryData is the /refund/inquiry reply (the SDK's InquiryRefundData, the API reference's
// AcqOrderRefundInquiry with its required fields) and the result of a REFUND_NOTIFICATION (the SDK's
// RefundNotificationResult holds the same fields).
func (s *Server) refundInquiryData(rf *refund) map[string]any {
	o := s.orders[rf.acquiringOrderID]
	d := s.refundData(rf)
	d["origPaymentRequestId"] = o.paymentRequestID
	d["refundReason"] = rf.reason
	d["refundRequestedAt"] = rf.requestedAt
	d["refundUpdatedAt"] = rf.updatedAt.Format(timeLayout)
	d["finalDealAmount"] = formatAmount(rf.amount) // what the user gets back: the same currency here
	if rf.status != "REFUND_IN_PROGRESS" {
		d["refundCompletedAt"] = rf.updatedAt.Format(timeLayout)
	}
	optional(d, "extendInfo", rf.extendInfo)
	return d
}

func optional(d map[string]any, k, v string) {
	if v != "" {
		d[k] = v
	}
}

// inquireRefund is /refund/inquiry.
func (s *Server) inquireRefund(q *request) reply {
	reqID, acqID := q.str("refundRequestId"), q.str("acquiringRefundOrderId")
	if reqID == "" && acqID == "" {
		return fail("A0003", "refundRequestId or acquiringRefundOrderId is required")
	}
	var rf *refund
	if acqID != "" {
		rf = s.refunds[acqID]
	} else {
		rf = s.byRefID[reqID]
	}
	if rf == nil || (reqID != "" && rf.refundRequestID != reqID) {
		return fail("A0009", "refund does not exist")
	}
	return success(s.refundInquiryData(rf))
}

// capture is /order/capture: it takes the whole amount of an AUTHED_WAITING_CAPTURE order, which
// becomes CAPTURE_IN_PROGRESS and later PAY_SUCCESS (settleCaptureIfDue). The fields it requires are
// the API reference's CaptureOrderRequest's (merchantId, captureRequestedAt; the sandbox answers A0003
// without captureRequestedAt) and captureAmount, which the SDK never omits. Waffo documents neither a
// code for capturing an order in another state nor partial capture through this API: the simulator
// answers A0013 for the first (the documented code for an order whose money is taken or held) and
// A0008 (amount out of range) for any amount other than the order's.
func (s *Server) capture(q *request) reply {
	if err := q.check([]string{"merchantId", "captureRequestedAt", "captureAmount"},
		map[string]int{"paymentRequestId": 32, "acquiringOrderId": 32, "merchantId": 64}); err != nil {
		return fail("A0003", err.Error())
	}
	if _, err := parseTime(q.str("captureRequestedAt")); err != nil {
		return fail("A0003", "captureRequestedAt: "+err.Error())
	}
	if q.str("merchantId") != s.MerchantID {
		return fail("A0004", "merchantId does not match the API key")
	}
	o, r := s.findOrder(q)
	if r != nil {
		return *r
	}
	amount, err := parseAmount(q.str("captureAmount"), o.amount.Currency())
	if err != nil {
		return fail("A0003", "captureAmount: "+err.Error())
	}
	if o.status != authedWaitCapture {
		return fail("A0013", "order is "+o.status+", not "+authedWaitCapture+": it cannot be captured")
	}
	if !amount.Equal(o.amount) {
		return fail("A0008", "captureAmount must be the order amount "+o.wireAmount)
	}
	now := s.now()
	o.captureDueAt = now.Add(s.captureAfter)
	o.status, o.updatedAt = captureInProgress, now // no notification until it settles
	s.ledger.SetOrderStatus(o.acquiringOrderID, o.normalized(), o.refunded)
	s.ledger.AddCapture(sim.Capture{ProviderPaymentID: o.acquiringOrderID, Amount: amount, WireAmount: q.str("captureAmount"), CreatedAt: now})
	return success(map[string]any{"paymentRequestId": o.paymentRequestID, "merchantOrderId": o.merchantOrderID,
		"acquiringOrderId": o.acquiringOrderID, "orderStatus": o.status})
}

// settleCaptureIfDue completes a capture whose time has come on the simulator's clock: the order
// becomes PAY_SUCCESS and the merchant is notified. Callers hold s.mu.
func (s *Server) settleCaptureIfDue(o *order) {
	if o.status == captureInProgress && !s.now().Before(o.captureDueAt) {
		s.setStatus(o, paySuccess, notClosed, "")
	}
}

// settle applies a user's or Waffo's action to o. Callers hold s.mu.
func (s *Server) settle(o *order, st sim.Settlement) error {
	s.expireIfDue(o)
	if o.status == captureInProgress && st == sim.Pay { // Waffo settles the capture now
		s.setStatus(o, paySuccess, notClosed, "")
		return nil
	}
	if !o.open() {
		return fmt.Errorf("waffotest: order %s is %s and cannot be settled (%s)", o.acquiringOrderID, o.status, st)
	}
	switch st {
	case sim.Pay:
		if o.manual { // the user authorizes; the money is held until /order/capture
			s.setStatus(o, authedWaitCapture, notClosed, "")
			break
		}
		s.setStatus(o, paySuccess, notClosed, "")
	case sim.Fail:
		s.setStatus(o, orderClose, closedFailed, "the channel declined the payment")
	case sim.Expire:
		o.expiresAt = s.now()
		s.setStatus(o, orderClose, closedExpired, "")
	case sim.RequireAction:
		s.setStatus(o, authRequired, notClosed, "")
	default:
		return fmt.Errorf("waffotest: unknown settlement %s", st)
	}
	return nil
}

// expireIfDue closes an open order past its expiry. Callers hold s.mu.
func (s *Server) expireIfDue(o *order) {
	if o.open() && !s.now().Before(o.expiresAt) {
		s.setStatus(o, orderClose, closedExpired, "")
	}
}

// setStatus moves o, records it and notifies the merchant. Callers hold s.mu.
func (s *Server) setStatus(o *order, st string, why closeKind, reason string) {
	o.status, o.closed, o.failedReason, o.updatedAt = st, why, reason, s.now()
	s.ledger.SetOrderStatus(o.acquiringOrderID, o.normalized(), o.refunded)
	s.notify(o.notifyURL, "PAYMENT_NOTIFICATION", o.acquiringOrderID+":"+st, s.orderData(o, false))
}

// notify queues a signed notification.
func (s *Server) notify(url, eventType, eventID string, result map[string]any) {
	if url == "" {
		return
	}
	var payload map[string]any
	if s.flat {
		payload = map[string]any{"eventType": eventType}
		for k, v := range result {
			payload[k] = v
		}
	} else {
		payload = map[string]any{"eventType": eventType, "result": result}
	}
	body, err := json.Marshal(payload)
	if err != nil {
		return
	}
	h := http.Header{"Content-Type": {"application/json"}}
	s.sign(nil, h, body)
	s.webhooks.Send(eventID, url, h, body)
}

// acked is Waffo's reading of a webhook reply: HTTP 200, body exactly {"message":"success"}, and an
// X-SIGNATURE over it by the merchant's key.
func (s *Server) acked(code int, h http.Header, body []byte) bool {
	return code == http.StatusOK && bytes.Equal(body, []byte(`{"message":"success"}`)) &&
		verifyWith(s.merchantKey, h.Get("X-SIGNATURE"), body)
}

func parsePublic(s string) (*rsa.PublicKey, error) {
	der, err := derOf(s)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return pub, nil
}

func parsePrivate(s string) (*rsa.PrivateKey, error) {
	der, err := derOf(s)
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	priv, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New("not an RSA key")
	}
	return priv, nil
}

// derOf accepts PEM or bare base64 DER, as Waffo's dashboard hands keys out.
func derOf(s string) ([]byte, error) {
	if b, _ := pem.Decode([]byte(s)); b != nil {
		return b.Bytes, nil
	}
	return base64.StdEncoding.DecodeString(s)
}
