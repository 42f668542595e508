package waffotest

import (
	"context"
	"encoding/json"

	"github.com/paygate-go/paygate/provider/sim"
)

// The payment page: the cashier an order's orderAction.webUrl points to, at /pay/<acquiringOrderId>
// (sim.Cashier). It shows the order's amount, merchant, method and normalized status; an open order
// offers Pay (Authorize instead for a manual-capture order: sim.Pay authorizes it), Fail and Cancel,
// each the move Settle makes, with the same PAYMENT_NOTIFICATION. The browser then goes to the
// order's successRedirectUrl (pay, authorize), failedRedirectUrl (fail) or cancelRedirectUrl (cancel;
// the failed one when the merchant gave none: the order ended unpaid, and Waffo documents no other
// fallback), the create fields Waffo's API reference and the SDK's CreateOrderParams name. Waffo
// documents no query parameters on these redirects, so none are added. With no redirect URL the page
// shows the order again.

// PageURL is the URL of the payment page of the order with acquiringOrderID.
func (s *Server) PageURL(acquiringOrderID string) string {
	return s.srv.URL + sim.PagePath(acquiringOrderID)
}

// PageURL is the payment page of the order with the provider's id (sim.Instance).
func (i instance) PageURL(acquiringOrderID string) string { return i.Server.PageURL(acquiringOrderID) }

func (s *Server) cashier() *sim.Cashier {
	return &sim.Cashier{
		Title:  "Waffo sandbox",
		Page:   s.page,
		Settle: func(ctx context.Context, id string, st sim.Settlement) error { return s.SettleOrder(ctx, id, st) },
		Return: s.pageReturn,
	}
}

// created is the order's create request as it arrived (its fingerprint: the body less
// orderRequestedAt), for the fields the page shows and the redirect URLs. Callers hold s.mu.
func created(o *order) *request {
	q := &request{}
	_ = json.Unmarshal([]byte(o.fingerprint), &q.fields) // the simulator marshalled it itself
	return q
}

func (s *Server) page(id string) (sim.Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return sim.Page{}, false
	}
	s.expireIfDue(o)
	s.settleCaptureIfDue(o)
	q := created(o)
	method := q.str("paymentInfo.payMethodName")
	if t := q.str("paymentInfo.payMethodType"); method == "" {
		method = t
	} else if t != "" {
		method = t + " · " + method
	}
	if method == "" {
		method = "any (the customer picks at Waffo's cashier)"
	}
	p := sim.Page{
		ID: o.acquiringOrderID, Amount: o.amount, Merchant: q.str("merchantInfo.merchantId"), Method: method,
		Description: o.description, Status: o.normalized(),
	}
	if o.open() {
		first := sim.VerbPay
		if o.manual {
			first = sim.VerbAuthorize
		}
		p.Verbs = []sim.Verb{first, sim.VerbFail, sim.VerbCancel}
		var a struct {
			DeeplinkURL string `json:"deeplinkUrl"`
			ActionData  struct {
				PaymentQr string `json:"paymentQr"`
			} `json:"actionData"`
		}
		if json.Unmarshal([]byte(o.action), &a) == nil {
			p.Deeplink = a.DeeplinkURL
			p.QRPayload = a.ActionData.PaymentQr
			p.QR = p.QRPayload != ""
		}
	}
	return p, true
}

func (s *Server) pageReturn(id string, v sim.Verb) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.orders[id]
	if !ok {
		return ""
	}
	q := created(o)
	switch v {
	case sim.VerbPay, sim.VerbAuthorize:
		return q.str("successRedirectUrl")
	case sim.VerbCancel:
		if u := q.str("cancelRedirectUrl"); u != "" {
			return u
		}
	}
	return q.str("failedRedirectUrl")
}
