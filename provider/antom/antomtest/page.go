package antomtest

import (
	"context"

	"github.com/paygate-go/paygate/provider/sim"
)

// The payment page: the cashier pay's normalUrl points to, /cashier/<paymentId>, also served at
// /pay/<paymentId> (sim.Cashier). It shows the payment's amount, the merchant (the client id), the
// paymentMethodType and the normalized status; a payment still PROCESSING or PENDING offers Pay
// (Authorize instead for paymentFactor.captureMode MANUAL: sim.Pay authorizes it), Fail and Cancel,
// each the move Settle makes, with the same signed notification. Cancel is sim.Expire (FAIL
// ORDER_IS_CLOSED): sim has no settlement for a customer who walks away, and Antom's CANCELLED is
// the merchant's cancel call. The browser then goes to the payment's paymentRedirectUrl (required at
// pay), as Antom's cashier does; Antom documents no query parameters on it, so none are added: the
// merchant asks inquiryPayment for the result. A schemeUrl (WAP, APP terminals) is shown as a link.

// PageURL is the URL of the payment page of the payment with paymentID.
func (s *Server) PageURL(paymentID string) string { return s.URL + sim.PagePath(paymentID) }

// PageURL is the payment page of the payment with the provider's id (sim.Instance).
func (i instance) PageURL(paymentID string) string { return i.Server.PageURL(paymentID) }

func (s *Server) cashier() *sim.Cashier {
	return &sim.Cashier{
		Title:  "Antom sandbox",
		Page:   s.page,
		Settle: func(ctx context.Context, id string, st sim.Settlement) error { return s.SettleOrder(ctx, id, st) },
		Return: func(id string, _ sim.Verb) string {
			s.mu.Lock()
			defer s.mu.Unlock()
			if p := s.paymentsByID[id]; p != nil {
				return p.redirect
			}
			return ""
		},
	}
}

func (s *Server) page(id string) (sim.Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.paymentsByID[id]
	if p == nil {
		return sim.Page{}, false
	}
	s.expireIfDue(p, s.clock.Now())
	pg := sim.Page{
		ID: p.id, Amount: p.amount, Merchant: s.ClientID, Method: p.paymentMethodType,
		Description: p.description, Status: ledgerStatus(p),
	}
	if p.status == "PROCESSING" || p.status == "PENDING" {
		first := sim.VerbPay
		if p.manual {
			first = sim.VerbAuthorize
		}
		pg.Verbs = []sim.Verb{first, sim.VerbFail, sim.VerbCancel}
	}
	if p.status == "PROCESSING" && (p.terminal == "WAP" || p.terminal == "APP") {
		pg.Deeplink = "antomtest://cashier/" + p.id // the schemeUrl payAnswer gives
	}
	return pg, true
}
