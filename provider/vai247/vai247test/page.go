package vai247test

import (
	"context"

	"github.com/paygate-go/paygate/provider/sim"
)

// The payment page, /pay/<order_id> (sim.Cashier): VAI247's create answer carries only its QR code
// (qr_code), so nothing in the answer points here and `paygate sim` prints the page URL instead. It
// shows the order's amount, the store (store_id), the method (VAI247 takes KHQR only), the normalized
// status, a QR code of the page's own URL (to open it on a phone) and the qr_code payload as text.
// Buttons are the customer's moves SettleOrder makes, with the same signed webhooks: Pay from
// pending, processing or failed (the customer tries again), and Cancel (sim.Expire: the customer
// walks away; sim has no customer cancel, and VAI247's cancelled is the merchant's cancel call) from
// pending only, where Expire applies. There is no Fail button: VAI247's failed is not final, so a
// checkout cannot end on it. An orphan order (its QR code never reached the merchant) offers no Pay.
// VAI247's create takes no return URL, so after a click the page shows the order again.

// PageURL is the URL of the payment page of the order with orderID.
func (s *Server) PageURL(orderID string) string { return s.URL + sim.PagePath(orderID) }

// PageURL is the payment page of the order with the provider's id (sim.Instance).
func (i instance) PageURL(orderID string) string { return i.Server.PageURL(orderID) }

func (s *Server) cashier() *sim.Cashier {
	return &sim.Cashier{
		Title:  "VAI247 sandbox",
		Page:   s.page,
		Settle: func(ctx context.Context, id string, st sim.Settlement) error { return s.SettleOrder(ctx, id, st) },
		Return: func(string, sim.Verb) string { return "" },
	}
}

func (s *Server) page(id string) (sim.Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[id]
	if o == nil {
		return sim.Page{}, false
	}
	s.expire(o)
	p := sim.Page{
		ID: o.id, Amount: o.amount, Merchant: s.StoreID, Method: "KHQR", Status: ledgerStatus(o.status),
		QR: true, QRPayload: o.qr,
	}
	switch o.status {
	case "pending":
		if o.given {
			p.Verbs = append(p.Verbs, sim.VerbPay)
		}
		p.Verbs = append(p.Verbs, sim.VerbCancel)
	case "processing", "failed":
		if o.given {
			p.Verbs = []sim.Verb{sim.VerbPay}
		}
	default: // paid and after, cancelled, expired: final
		p.QR, p.QRPayload = false, ""
	}
	return p, true
}
