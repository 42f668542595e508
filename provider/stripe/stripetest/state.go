package stripetest

import (
	"crypto/rand"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// PaymentIntent statuses (spec3.json components.schemas.payment_intent.properties.status.enum).
const (
	stRequiresPM      = "requires_payment_method"
	stRequiresConfirm = "requires_confirmation"
	stRequiresAction  = "requires_action"
	stProcessing      = "processing"
	stRequiresCapture = "requires_capture"
	stCanceled        = "canceled"
	stSucceeded       = "succeeded"
)

// AuthorizationLapse is how long a card authorization is held before Stripe cancels the uncaptured
// intent (cancellation_reason automatic): 7 days for online card payments
// (docs.stripe.com/payments/place-a-hold-on-a-payment-method "Authorization validity").
const AuthorizationLapse = 7 * 24 * time.Hour

// MaxAmount is Stripe's largest amount: eight digits in the smallest unit (docs.stripe.com/currencies
// "Minimum and maximum charge amounts").
const MaxAmount = 99999999

type intent struct {
	id, currency, captureMethod, status, cancelReason string
	secret                                            string // the random part of client_secret
	amount, capturable, received                      int64
	metadata                                          map[string]string
	description, pm, returnURL                        string
	pmTypes                                           []string
	next, lastErr                                     map[string]any
	charge                                            *charge
	canceledAt                                        int64
	created, authorizedAt                             time.Time
	index                                             []indexed // the search index's snapshots, oldest first
}

// indexed is the intent as the search index saw it at a time.
type indexed struct {
	at       time.Time
	metadata map[string]string
	obj      map[string]any
}

type charge struct {
	id, status                 string
	amount, captured, refunded int64
	isCaptured, paid           bool
	created                    time.Time
}

type refund struct {
	id, pi, charge, currency, status, reason, failure string
	amount                                            int64
	metadata                                          map[string]string
	created                                           time.Time
}

func newID(prefix string) string { return prefix + strings.ReplaceAll(rand.Text(), "=", "")[:24] }

// Currency rules (docs.stripe.com/currencies "Zero-decimal currencies", "Three-decimal currencies",
// "Special cases"): amounts are integers in the smallest unit; ISK is written with two decimals
// (zero-decimal in fact, so the last two digits must be 00); three-decimal amounts must end in 0.
var (
	zeroDecimal  = []string{"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
	threeDecimal = []string{"bhd", "jod", "kwd", "omr", "tnd"}
)

// minCharge are Stripe's documented minimum charge amounts, in the smallest unit
// (docs.stripe.com/currencies "Minimum and maximum charge amounts"); other currencies: 1.
var minCharge = map[string]int64{
	"usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50, "czk": 1500, "dkk": 250, "eur": 50,
	"gbp": 30, "hkd": 400, "huf": 17500, "inr": 50, "jpy": 50, "mxn": 1000, "myr": 200, "nok": 300, "nzd": 50, "pln": 200,
	"ron": 200, "sek": 300, "sgd": 50, "thb": 1000,
}

// Digits is the number of decimal places Stripe counts a currency's amounts in (lower-case code).
func Digits(currency string) int {
	switch {
	case slices.Contains(zeroDecimal, currency):
		return 0
	case slices.Contains(threeDecimal, currency):
		return 3
	}
	return 2 // "unless otherwise specified, currencies are two-decimal" (ISK included, see above)
}

// amountOf reads an amount parameter for currency: an integer ≥ 1 that Stripe's rules accept, as a
// money.Amount. Errors are parameter validation (not saved).
func amountOf(param, v, currency string, min int64) (int64, money.Amount, *reply) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r := errReply(http.StatusBadRequest, "invalid_request_error", "parameter_invalid_integer", param, "Invalid integer: "+v)
		return 0, money.Amount{}, &r
	}
	if n < max(min, 1) {
		r := errReply(http.StatusBadRequest, "invalid_request_error", "amount_too_small", param,
			fmt.Sprintf("Amount must be at least %d %s (smallest unit)", max(min, 1), currency))
		return 0, money.Amount{}, &r
	}
	if n > MaxAmount {
		r := errReply(http.StatusBadRequest, "invalid_request_error", "amount_too_large", param,
			fmt.Sprintf("Amount must be no more than %d (smallest unit)", MaxAmount))
		return 0, money.Amount{}, &r
	}
	d := Digits(currency)
	if d == 3 && n%10 != 0 {
		r := errReply(http.StatusBadRequest, "invalid_request_error", "", param,
			"Amounts in three-decimal currencies must be rounded to the nearest ten (the last digit must be 0).")
		return 0, money.Amount{}, &r
	}
	a, err := money.FromMinorAt(n, strings.ToUpper(currency), d)
	if err != nil {
		r := errReply(http.StatusBadRequest, "invalid_request_error", "", param, fmt.Sprintf("Invalid amount %d for %s: %v", n, currency, err))
		return 0, money.Amount{}, &r
	}
	return n, a, nil
}

func (s *Server) moneyOf(n int64, currency string) money.Amount {
	a, _ := money.FromMinorAt(n, strings.ToUpper(currency), Digits(currency))
	return a
}

// normalized is the simulator's own reading of an intent's state, for the ledger.
func (pi *intent) normalized() status.Payment {
	switch pi.status {
	case stRequiresAction:
		return status.PaymentRequiresAction
	case stRequiresCapture:
		return status.PaymentAuthorized
	case stSucceeded:
		return status.PaymentSucceeded
	case stCanceled:
		if pi.cancelReason == "expired" || pi.cancelReason == "automatic" {
			return status.PaymentExpired
		}
		return status.PaymentCanceled
	}
	return status.PaymentPending // requires_payment_method (also after a decline: not final), confirmation, processing
}

// changed records a change: the ledger's status, and a search-index snapshot visible after SearchLag.
// Callers hold s.mu.
func (s *Server) changed(pi *intent) {
	var refunded int64
	for _, rf := range s.refundList {
		if rf.pi == pi.id && rf.status != "failed" && rf.status != "canceled" {
			refunded += rf.amount
		}
	}
	var ref money.Amount
	if refunded > 0 {
		ref = s.moneyOf(refunded, pi.currency)
	}
	s.ledger.SetOrderStatus(pi.id, pi.normalized(), ref)
	pi.index = append(pi.index, indexed{at: s.now(), metadata: maps.Clone(pi.metadata), obj: s.piObject(pi, false)})
}

func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// piObject renders a PaymentIntent (a documented subset of its members; see Fields).
func (s *Server) piObject(pi *intent, expandCharge bool) map[string]any {
	var latest any
	if pi.charge != nil {
		latest = pi.charge.id
		if expandCharge {
			latest = s.chargeObject(pi, pi.charge)
		}
	}
	var canceledAt any
	if pi.canceledAt != 0 {
		canceledAt = pi.canceledAt
	}
	var next, lastErr any
	if pi.next != nil {
		next = pi.next
	}
	if pi.lastErr != nil {
		lastErr = pi.lastErr
	}
	return map[string]any{
		"id": pi.id, "object": "payment_intent", "amount": pi.amount, "amount_capturable": pi.capturable, "amount_received": pi.received,
		"capture_method": pi.captureMethod, "client_secret": pi.id + "_secret_" + pi.secret, "cancellation_reason": nullable(pi.cancelReason), "canceled_at": canceledAt,
		"created": pi.created.Unix(), "currency": pi.currency, "description": nullable(pi.description), "last_payment_error": lastErr,
		"latest_charge": latest, "livemode": false, "metadata": orEmpty(pi.metadata), "next_action": next,
		"payment_method": nullable(pi.pm), "payment_method_types": slices.Clone(pi.pmTypes), "status": pi.status,
	}
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return maps.Clone(m)
}

func (s *Server) chargeObject(pi *intent, c *charge) map[string]any {
	return map[string]any{
		"id": c.id, "object": "charge", "amount": c.amount, "amount_captured": c.captured, "amount_refunded": c.refunded,
		"billing_details": map[string]any{"address": nil, "email": nil, "name": nil, "phone": nil},
		"captured":        c.isCaptured, "created": c.created.Unix(), "currency": pi.currency, "disputed": false, "livemode": false,
		"metadata": orEmpty(pi.metadata), "paid": c.paid, "payment_intent": pi.id, "refunded": c.captured > 0 && c.refunded >= c.captured,
		"status": c.status,
	}
}

func (s *Server) refundObject(rf *refund) map[string]any {
	return map[string]any{
		"id": rf.id, "object": "refund", "amount": rf.amount, "charge": rf.charge, "created": rf.created.Unix(), "currency": rf.currency,
		"failure_reason": nullable(rf.failure), "metadata": orEmpty(rf.metadata), "payment_intent": rf.pi, "reason": nullable(rf.reason),
		"status": rf.status,
	}
}

// testCard is what a Stripe test PaymentMethod does on confirmation (docs.stripe.com/testing
// "Declined payments", "3D Secure authentication").
type testCard struct {
	decline string // Codes key of the decline; "" when it succeeds
	action  bool   // requires 3D Secure: requires_action with redirect_to_url
}

var testCards = map[string]testCard{
	"pm_card_visa": {}, "pm_card_visa_debit": {}, "pm_card_mastercard": {}, "pm_card_amex": {}, "pm_card_discover": {},
	"pm_card_jcb": {}, "pm_card_unionpay": {},
	"pm_card_chargeDeclined":                  {decline: "generic_decline"},
	"pm_card_chargeDeclinedInsufficientFunds": {decline: "insufficient_funds"},
	"pm_card_chargeDeclinedFraudulent":        {decline: "fraudulent"},
	"pm_card_chargeDeclinedExpiredCard":       {decline: "expired_card"},
	"pm_card_chargeDeclinedIncorrectCvc":      {decline: "incorrect_cvc"},
	"pm_card_chargeDeclinedProcessingError":   {decline: "processing_error"},
	"pm_card_authenticationRequired":          {action: true},
	"pm_card_threeDSecure2Required":           {action: true},
}

// create is POST /v1/payment_intents. Callers hold s.mu.
func (s *Server) create(r *http.Request, form url.Values, ev evReq) reply {
	for _, p := range Required["create request"] {
		if form.Get(p) == "" {
			return errReply(http.StatusBadRequest, "invalid_request_error", "parameter_missing", p, "Missing required param: "+p+".")
		}
	}
	cur := form.Get("currency")
	if _, ok := money.Digits(strings.ToUpper(cur)); !ok || cur != strings.ToLower(cur) {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "currency",
			fmt.Sprintf("Invalid currency: %s. Stripe currently supports these currencies in lower case (ISO 4217).", cur))
	}
	n, amt, bad := amountOf("amount", form.Get("amount"), cur, minCharge[cur])
	if bad != nil {
		return *bad
	}
	capture := form.Get("capture_method")
	if capture == "" {
		capture = "automatic"
	}
	if !slices.Contains([]string{"automatic", "automatic_async", "manual"}, capture) {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "capture_method",
			"Invalid capture_method: must be one of automatic, automatic_async, or manual")
	}
	confirm := form.Get("confirm")
	if confirm != "" && confirm != "true" && confirm != "false" {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "confirm", "Invalid boolean: "+confirm)
	}
	md, bad := metadataOf(form)
	if bad != nil {
		return *bad
	}
	expand, bad := checkExpand(form, "latest_charge")
	if bad != nil {
		return *bad
	}
	pm, pmType := form.Get("payment_method"), form.Get("payment_method_data[type]")
	if pm != "" && pmType != "" {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "payment_method_data",
			"You cannot provide both payment_method and payment_method_data.")
	}
	if pmType != "" && pmType != "alipay" && pmType != "wechat_pay" {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "payment_method_data[type]",
			"The simulator takes payment_method_data only for alipay and wechat_pay; pay by card with a test PaymentMethod (pm_card_visa …).")
	}
	if _, ok := testCards[pm]; pm != "" && !ok {
		return stateErr(http.StatusBadRequest, "resource_missing", "payment_method", fmt.Sprintf("No such PaymentMethod: '%s'", pm))
	}
	if confirm == "true" && pm == "" && pmType == "" {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "payment_method",
			"You cannot confirm this PaymentIntent because it's missing a payment method.")
	}
	pi := &intent{id: newID("pi_"), secret: newID(""), currency: cur, captureMethod: capture, amount: n, metadata: md, description: form.Get("description"),
		returnURL: form.Get("return_url"), created: s.now(), status: stRequiresPM}
	pi.pmTypes = listOf(form, "payment_method_types")
	switch {
	case pmType != "":
		pi.pmTypes = []string{pmType}
	case len(pi.pmTypes) == 0:
		pi.pmTypes = []string{"card"}
	}
	if pm != "" {
		pi.pm, pi.status = pm, stRequiresConfirm
	}
	s.intents[pi.id] = pi
	s.intentList = append(s.intentList, pi)
	mode := paygate.CaptureAutomatic
	if capture == "manual" {
		mode = paygate.CaptureManual
	}
	s.ledger.AddOrder(sim.Order{RequestID: md[MetaPaymentRequestID], ProviderID: pi.id, Amount: amt, WireAmount: form.Get("amount"),
		Status: pi.normalized(), CaptureMode: mode, CreatedAt: pi.created})
	s.changed(pi)
	s.emitPI(pi, "payment_intent.created", nil, ev)
	if confirm == "true" {
		if rep := s.confirm(pi, pmType, ev); rep != nil {
			return *rep
		}
	}
	return okReply(s.piObject(pi, expand["latest_charge"]))
}

// listOf reads an array parameter written name[]=v or name[0]=v.
func listOf(form url.Values, name string) []string {
	type kv struct {
		k string
		v []string
	}
	var ks []kv
	for k, vs := range form {
		if strings.HasPrefix(k, name+"[") {
			ks = append(ks, kv{k, vs})
		}
	}
	slices.SortFunc(ks, func(a, b kv) int {
		ai, _ := strconv.Atoi(strings.Trim(a.k[len(name):], "[]"))
		bi, _ := strconv.Atoi(strings.Trim(b.k[len(name):], "[]"))
		return ai - bi
	})
	var out []string
	for _, e := range ks {
		out = append(out, e.v...)
	}
	return out
}

// confirm runs a confirmation attempt with the intent's payment method: a redirect method asks for the
// customer's action, a test card succeeds, declines (402, intent back in requires_payment_method) or
// needs 3D Secure. It returns the reply when it is not the intent itself. Callers hold s.mu.
func (s *Server) confirm(pi *intent, pmType string, ev evReq) *reply {
	switch {
	case pmType == "alipay":
		pi.pm = newID("pm_")
		s.requireAction(pi, map[string]any{"type": "alipay_handle_redirect",
			"alipay_handle_redirect": map[string]any{"url": s.URL + "/redirect/" + pi.id, "return_url": nullable(pi.returnURL)}}, ev)
	case pmType == "wechat_pay":
		pi.pm = newID("pm_")
		s.requireAction(pi, map[string]any{"type": "wechat_pay_display_qr_code",
			"wechat_pay_display_qr_code": map[string]any{"data": "weixin://wxpay/bizpayurl?pr=" + pi.id,
				"hosted_instructions_url": s.URL + "/redirect/" + pi.id, "image_data_url": "data:image/png;base64,",
				"image_url_png": s.URL + "/redirect/" + pi.id + ".png", "image_url_svg": s.URL + "/redirect/" + pi.id + ".svg"}}, ev)
	case testCards[pi.pm].action:
		s.requireAction(pi, redirectAction(s.URL, pi), ev)
	case testCards[pi.pm].decline != "":
		rep := s.decline(pi, testCards[pi.pm].decline, ev)
		return &rep
	default:
		s.pay(pi, ev)
	}
	return nil
}

func redirectAction(base string, pi *intent) map[string]any {
	return map[string]any{"type": "redirect_to_url",
		"redirect_to_url": map[string]any{"url": base + "/redirect/" + pi.id, "return_url": nullable(pi.returnURL)}}
}

// requireAction moves pi to requires_action. Callers hold s.mu.
func (s *Server) requireAction(pi *intent, next map[string]any, ev evReq) {
	prev := pi.status
	pi.status, pi.next = stRequiresAction, next
	s.changed(pi)
	s.emitPI(pi, "payment_intent.requires_action", map[string]any{"status": prev}, ev)
}

// decline fails the confirmation with a card error: the intent returns to requires_payment_method with
// last_payment_error and a failed charge, and the answer is 402 carrying the intent. Callers hold s.mu.
func (s *Server) decline(pi *intent, code string, ev evReq) reply {
	c := Codes[code]
	prev := pi.status
	ch := &charge{id: newID("ch_"), status: "failed", amount: pi.amount, created: s.now()}
	pi.charge = ch
	e := errObject(c.Type, c.Code, c.DeclineCode, "", c.Message)
	pi.lastErr = maps.Clone(e)
	pi.status, pi.next = stRequiresPM, nil
	s.changed(pi)
	s.emitPI(pi, "payment_intent.payment_failed", map[string]any{"status": prev}, ev)
	e["payment_intent"] = s.piObject(pi, false)
	r := errObjReply(c.Status, e)
	r.save = true
	return r
}

// pay completes a confirmation: succeeded, or requires_capture for manual capture. Callers hold s.mu.
func (s *Server) pay(pi *intent, ev evReq) {
	prev := pi.status
	if pi.pm == "" {
		pi.pm = newID("pm_")
	}
	pi.next, pi.lastErr = nil, nil
	ch := &charge{id: newID("ch_"), status: "succeeded", amount: pi.amount, paid: true, created: s.now()}
	pi.charge = ch
	if pi.captureMethod == "manual" {
		pi.status, pi.capturable, pi.authorizedAt = stRequiresCapture, pi.amount, s.now()
		s.changed(pi)
		s.emitPI(pi, "payment_intent.amount_capturable_updated", map[string]any{"status": prev, "amount_capturable": 0}, ev)
		return
	}
	ch.isCaptured, ch.captured = true, pi.amount
	pi.status, pi.received = stSucceeded, pi.amount
	s.changed(pi)
	s.emitPI(pi, "payment_intent.succeeded", map[string]any{"status": prev}, ev)
}

// cancelable are the statuses cancel accepts (docs.stripe.com/api/payment_intents/cancel).
var cancelable = []string{stRequiresPM, stRequiresCapture, stRequiresConfirm, stRequiresAction, stProcessing}

// cancelIntent moves pi to canceled. Callers hold s.mu.
func (s *Server) cancelIntent(pi *intent, reason string, ev evReq) {
	prev := pi.status
	pi.status, pi.cancelReason, pi.canceledAt, pi.capturable, pi.next = stCanceled, reason, s.now().Unix(), 0, nil
	s.changed(pi)
	s.emitPI(pi, "payment_intent.canceled", map[string]any{"status": prev}, ev)
}

func (s *Server) lookup(id string) (*intent, *reply) {
	pi, ok := s.intents[id]
	if !ok {
		r := stateErr(http.StatusNotFound, "resource_missing", "intent", fmt.Sprintf("No such payment_intent: '%s'", id))
		return nil, &r
	}
	return pi, nil
}

// retrieve is GET /v1/payment_intents/{intent}: strongly consistent. Callers hold s.mu.
func (s *Server) retrieve(r *http.Request, form url.Values, _ evReq) reply {
	expand, bad := checkExpand(form, "latest_charge")
	if bad != nil {
		return *bad
	}
	pi, bad := s.lookup(r.PathValue("intent"))
	if bad != nil {
		return *bad
	}
	return okReply(s.piObject(pi, expand["latest_charge"]))
}

// cancel is POST /v1/payment_intents/{intent}/cancel. Callers hold s.mu.
func (s *Server) cancel(r *http.Request, form url.Values, ev evReq) reply {
	reason := form.Get("cancellation_reason")
	if reason != "" && !slices.Contains([]string{"abandoned", "duplicate", "fraudulent", "requested_by_customer"}, reason) {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "cancellation_reason",
			"Invalid cancellation_reason: must be one of abandoned, duplicate, fraudulent, or requested_by_customer")
	}
	expand, bad := checkExpand(form, "latest_charge")
	if bad != nil {
		return *bad
	}
	pi, bad := s.lookup(r.PathValue("intent"))
	if bad != nil {
		return *bad
	}
	if !slices.Contains(cancelable, pi.status) {
		return s.unexpected(pi, "canceled", cancelable)
	}
	s.cancelIntent(pi, reason, ev)
	return okReply(s.piObject(pi, expand["latest_charge"]))
}

// unexpected is payment_intent_unexpected_state, carrying the intent as Stripe's error does.
func (s *Server) unexpected(pi *intent, verb string, allowed []string) reply {
	e := errObject("invalid_request_error", "payment_intent_unexpected_state", "", "",
		fmt.Sprintf("This PaymentIntent could not be %s because it has a status of %s. Only a PaymentIntent with one of the following statuses may be %s: %s.",
			verb, pi.status, verb, strings.Join(allowed, ", ")))
	e["payment_intent"] = s.piObject(pi, false)
	r := errObjReply(http.StatusBadRequest, e)
	r.save = true
	return r
}

// capture is POST /v1/payment_intents/{intent}/capture: only from requires_capture; amount_to_capture
// (default all) at most amount_capturable; the rest of the hold is released. Callers hold s.mu.
func (s *Server) capture(r *http.Request, form url.Values, ev evReq) reply {
	md, bad := metadataOf(form)
	if bad != nil {
		return *bad
	}
	expand, bad := checkExpand(form, "latest_charge")
	if bad != nil {
		return *bad
	}
	pi, bad := s.lookup(r.PathValue("intent"))
	if bad != nil {
		return *bad
	}
	amount := pi.capturable
	wire := strconv.FormatInt(amount, 10)
	if v := form.Get("amount_to_capture"); v != "" {
		n, _, bad := amountOf("amount_to_capture", v, pi.currency, 1)
		if bad != nil && !strings.Contains(string(bad.Body), "amount_too_large") {
			return *bad
		}
		amount, wire = n, v
		if bad != nil {
			amount = MaxAmount + 1
		}
	}
	if pi.status != stRequiresCapture {
		return s.unexpected(pi, "captured", []string{stRequiresCapture})
	}
	if amount > pi.capturable {
		return stateErr(http.StatusBadRequest, "amount_too_large", "amount_to_capture",
			fmt.Sprintf("The amount to capture (%s) is greater than the amount capturable (%d).", wire, pi.capturable))
	}
	maps.Copy(pi.metadata, md)
	prev := pi.status
	pi.status, pi.received, pi.capturable = stSucceeded, amount, 0
	pi.charge.isCaptured, pi.charge.captured = true, amount
	s.ledger.AddCapture(sim.Capture{RequestID: ev.key, ProviderID: pi.charge.id, ProviderPaymentID: pi.id, Amount: s.moneyOf(amount, pi.currency),
		WireAmount: wire, CreatedAt: s.now()})
	s.changed(pi)
	s.emitPI(pi, "payment_intent.succeeded", map[string]any{"status": prev, "amount_received": 0}, ev)
	return okReply(s.piObject(pi, expand["latest_charge"]))
}

// search is GET /v1/payment_intents/search: the query language's metadata clauses
// (metadata['key']:'value', joined by AND; docs.stripe.com/search "Query fields for payment intents"),
// over the index as it was SearchLag ago. Callers hold s.mu.
func (s *Server) search(_ *http.Request, form url.Values, _ evReq) reply {
	q := form.Get("query")
	if q == "" {
		return errReply(http.StatusBadRequest, "invalid_request_error", "parameter_missing", "query", "Missing required param: query.")
	}
	clauses, err := parseQuery(q)
	if err != nil {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "query", err.Error())
	}
	limit, bad := limitOf(form)
	if bad != nil {
		return *bad
	}
	expand, bad := checkExpand(form, "data.latest_charge")
	if bad != nil {
		return *bad
	}
	offset := 0
	if p := form.Get("page"); p != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(p, "page_"))
		if !strings.HasPrefix(p, "page_") || err != nil || n < 0 {
			return errReply(http.StatusBadRequest, "invalid_request_error", "", "page", "Invalid page: "+p)
		}
		offset = n
	}
	cutoff := s.now().Add(-s.lag)
	var hits []map[string]any
	for i := len(s.intentList) - 1; i >= 0; i-- { // newest first
		pi := s.intentList[i]
		var snap *indexed
		for j := len(pi.index) - 1; j >= 0; j-- {
			if !pi.index[j].at.After(cutoff) {
				snap = &pi.index[j]
				break
			}
		}
		if snap == nil || !matches(snap.metadata, clauses) {
			continue
		}
		obj := maps.Clone(snap.obj)
		if expand["data.latest_charge"] && pi.charge != nil {
			obj["latest_charge"] = s.chargeObject(pi, pi.charge)
		}
		hits = append(hits, obj)
	}
	data := []map[string]any{}
	if offset < len(hits) {
		data = hits[offset:min(len(hits), offset+limit)]
	}
	more := offset+limit < len(hits)
	var next any
	if more {
		next = "page_" + strconv.Itoa(offset+limit)
	}
	return okReply(map[string]any{"object": "search_result", "data": data, "has_more": more, "next_page": next, "url": "/v1/payment_intents/search"})
}

type clause struct{ key, value string }

// parseQuery reads metadata['k']:'v' clauses (single or double quotes, backslash escapes) joined by AND.
func parseQuery(q string) ([]clause, error) {
	var out []clause
	rest := strings.TrimSpace(q)
	for {
		if !strings.HasPrefix(rest, "metadata[") {
			return nil, fmt.Errorf("the simulator's search takes metadata['key']:'value' clauses joined by AND; cannot read %q", rest)
		}
		key, after, err := quoted(rest[len("metadata["):])
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(after, "]:") {
			return nil, fmt.Errorf("expected ]: after metadata[%q] in %q", key, q)
		}
		value, after, err := quoted(after[2:])
		if err != nil {
			return nil, err
		}
		out = append(out, clause{key, value})
		rest = strings.TrimSpace(after)
		if rest == "" {
			return out, nil
		}
		if !strings.HasPrefix(rest, "AND ") {
			return nil, fmt.Errorf("the simulator's search joins clauses with AND only; cannot read %q", rest)
		}
		rest = strings.TrimSpace(rest[4:])
	}
}

func quoted(s string) (string, string, error) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", "", fmt.Errorf("expected a quoted string at %q", s)
	}
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == q:
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated string at %q", s)
}

func matches(md map[string]string, cs []clause) bool {
	for _, c := range cs {
		if md[c.key] != c.value {
			return false
		}
	}
	return true
}

// limitOf reads limit: 1…100, default 10 (docs.stripe.com/api/pagination).
func limitOf(form url.Values) (int, *reply) {
	v := form.Get("limit")
	if v == "" {
		return 10, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		r := errReply(http.StatusBadRequest, "invalid_request_error", "", "limit", "Invalid limit: must be an integer between 1 and 100, got "+v)
		return 0, &r
	}
	return n, nil
}

// createRefund is POST /v1/refunds, by payment_intent: of a succeeded intent, at most what is left
// of the captured amount. Callers hold s.mu.
func (s *Server) createRefund(r *http.Request, form url.Values, ev evReq) reply {
	if form.Get("charge") != "" {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "charge",
			"The simulator refunds by payment_intent; refunds by charge are not simulated.")
	}
	if form.Get("payment_intent") == "" {
		return errReply(http.StatusBadRequest, "invalid_request_error", "parameter_missing", "payment_intent", "Missing required param: payment_intent.")
	}
	reason := form.Get("reason")
	if reason != "" && !slices.Contains([]string{"duplicate", "fraudulent", "requested_by_customer"}, reason) {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "reason",
			"Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer")
	}
	md, bad := metadataOf(form)
	if bad != nil {
		return *bad
	}
	if _, bad := checkExpand(form); bad != nil {
		return *bad
	}
	pi, ok := s.intents[form.Get("payment_intent")]
	if !ok {
		return stateErr(http.StatusNotFound, "resource_missing", "payment_intent", fmt.Sprintf("No such payment_intent: '%s'", form.Get("payment_intent")))
	}
	if c := form.Get("currency"); c != "" && c != pi.currency {
		return errReply(http.StatusBadRequest, "invalid_request_error", "", "currency", "The refund currency must be the payment's currency "+pi.currency)
	}
	if pi.status != stSucceeded {
		// DECISION: Stripe's reference names no code for refunding an intent without a captured charge; the
		// state error is the one its error-codes page gives for an operation the intent's status forbids.
		return s.unexpected(pi, "refunded", []string{stSucceeded})
	}
	left := pi.charge.captured - s.refundedOf(pi)
	if left <= 0 {
		return stateErr(http.StatusBadRequest, "charge_already_refunded", "", fmt.Sprintf("Charge %s has already been refunded.", pi.charge.id))
	}
	n := left
	wire := strconv.FormatInt(n, 10)
	if v := form.Get("amount"); v != "" {
		m, _, bad := amountOf("amount", v, pi.currency, 1)
		switch {
		case bad != nil && strings.Contains(string(bad.Body), "amount_too_large"):
			m = MaxAmount + 1
		case bad != nil:
			return *bad
		}
		n, wire = m, v
	}
	if n > left {
		return stateErr(http.StatusBadRequest, "amount_too_large", "amount",
			fmt.Sprintf("Refund amount (%s) is greater than unrefunded amount on charge (%d)", wire, left))
	}
	rf := &refund{id: newID("re_"), pi: pi.id, charge: pi.charge.id, currency: pi.currency, status: "succeeded", reason: reason,
		amount: n, metadata: md, created: s.now()}
	if s.pendRef {
		rf.status = "pending"
	}
	s.refunds[rf.id] = rf
	s.refundList = append(s.refundList, rf)
	st := status.RefundSucceeded
	if rf.status == "pending" {
		st = status.RefundPending
	}
	s.ledger.AddRefund(sim.Refund{RequestID: md[MetaRefundRequestID], ProviderID: rf.id, ProviderPaymentID: pi.id,
		Amount: s.moneyOf(n, pi.currency), WireAmount: wire, Status: st, CreatedAt: rf.created})
	pi.charge.refunded += n
	s.changed(pi)
	s.emit(rf.id, "refund.created", s.refundObject(rf), nil, ev)
	s.emit(pi.charge.id, "charge.refunded", s.chargeObject(pi, pi.charge), map[string]any{"amount_refunded": pi.charge.refunded - n}, ev)
	return okReply(s.refundObject(rf))
}

func (s *Server) refundedOf(pi *intent) int64 {
	var n int64
	for _, rf := range s.refundList {
		if rf.pi == pi.id && rf.status != "failed" && rf.status != "canceled" {
			n += rf.amount
		}
	}
	return n
}

// SettleRefund moves a pending refund (Config.PendingRefunds) to succeeded or failed (a failed refund
// gives the money back to the charge's refundable amount), with refund.updated or refund.failed.
func (s *Server) SettleRefund(refundID string, succeeded bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rf, ok := s.refunds[refundID]
	if !ok || rf.status != "pending" {
		return fmt.Errorf("stripetest: no pending refund %q", refundID)
	}
	prev := rf.status
	pi := s.intents[rf.pi]
	if succeeded {
		rf.status = "succeeded"
		s.ledger.SetRefundStatus(rf.id, status.RefundSucceeded)
		s.emit(rf.id, "refund.updated", s.refundObject(rf), map[string]any{"status": prev}, evReq{})
		return nil
	}
	rf.status, rf.failure = "failed", "unknown"
	pi.charge.refunded -= rf.amount
	s.ledger.SetRefundStatus(rf.id, status.RefundFailed)
	s.changed(pi)
	s.emit(rf.id, "refund.failed", s.refundObject(rf), map[string]any{"status": prev}, evReq{})
	return nil
}

// listRefunds is GET /v1/refunds: newest first, strongly consistent. Callers hold s.mu.
func (s *Server) listRefunds(_ *http.Request, form url.Values, _ evReq) reply {
	limit, bad := limitOf(form)
	if bad != nil {
		return *bad
	}
	if _, bad := checkExpand(form); bad != nil {
		return *bad
	}
	piID, after := form.Get("payment_intent"), form.Get("starting_after")
	var all []map[string]any
	started := after == ""
	for i := len(s.refundList) - 1; i >= 0; i-- {
		rf := s.refundList[i]
		if piID != "" && rf.pi != piID {
			continue
		}
		if !started {
			started = rf.id == after
			continue
		}
		all = append(all, s.refundObject(rf))
	}
	if !started {
		return stateErr(http.StatusBadRequest, "resource_missing", "starting_after", fmt.Sprintf("No such refund: '%s'", after))
	}
	data := []map[string]any{}
	if len(all) > 0 {
		data = all[:min(limit, len(all))]
	}
	return okReply(map[string]any{"object": "list", "data": data, "has_more": len(all) > limit, "url": "/v1/refunds"})
}

// retrieveRefund is GET /v1/refunds/{refund}. Callers hold s.mu.
func (s *Server) retrieveRefund(r *http.Request, form url.Values, _ evReq) reply {
	if _, bad := checkExpand(form); bad != nil {
		return *bad
	}
	rf, ok := s.refunds[r.PathValue("refund")]
	if !ok {
		return stateErr(http.StatusNotFound, "resource_missing", "refund", fmt.Sprintf("No such refund: '%s'", r.PathValue("refund")))
	}
	return okReply(s.refundObject(rf))
}

// tick applies what time does: an uncaptured authorization lapses after AuthorizationLapse, canceled
// with cancellation_reason automatic. Callers hold s.mu.
func (s *Server) tick() {
	now := s.now()
	for _, pi := range s.intentList {
		if pi.status == stRequiresCapture && !now.Before(pi.authorizedAt.Add(AuthorizationLapse)) {
			s.cancelIntent(pi, "automatic", evReq{})
		}
	}
}

// settle applies a customer's or Stripe's action. Callers hold s.mu.
func (s *Server) settle(pi *intent, st sim.Settlement) error {
	open := []string{stRequiresPM, stRequiresConfirm, stRequiresAction, stProcessing}
	switch st {
	case sim.Pay:
		if !slices.Contains(open, pi.status) {
			return fmt.Errorf("stripetest: %s is %s and cannot be paid", pi.id, pi.status)
		}
		s.pay(pi, evReq{})
	case sim.Fail:
		if !slices.Contains(open, pi.status) {
			return fmt.Errorf("stripetest: %s is %s and cannot be declined", pi.id, pi.status)
		}
		s.decline(pi, "generic_decline", evReq{})
	case sim.Expire:
		switch {
		case pi.status == stRequiresCapture: // the authorization lapses
			s.cancelIntent(pi, "automatic", evReq{})
		case slices.Contains(open, pi.status):
			s.cancelIntent(pi, "expired", evReq{})
		default:
			return fmt.Errorf("stripetest: %s is %s and cannot expire", pi.id, pi.status)
		}
	case sim.RequireAction:
		if pi.status != stRequiresPM && pi.status != stRequiresConfirm {
			return fmt.Errorf("stripetest: %s is %s and cannot require an action", pi.id, pi.status)
		}
		s.requireAction(pi, redirectAction(s.URL, pi), evReq{})
	default:
		return fmt.Errorf("stripetest: unknown settlement %s", st)
	}
	return nil
}
