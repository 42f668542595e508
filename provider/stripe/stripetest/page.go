package stripetest

import (
	"context"
	"net/url"
	"strings"

	"github.com/paygate-go/paygate/provider/sim"
)

// The payment page (sim.Cashier) stands in for what the customer's browser does at Stripe: Stripe.js
// confirming an intent with a test card, or the bank's or wallet's page that next_action's
// redirect_to_url / alipay_handle_redirect sends the customer to (those URLs point here, at
// /redirect/<id>, and the page also answers /pay/<id>). Buttons make the moves Settle makes, with the
// same signed events: Pay (Authorize for capture_method manual: the money is then held), Fail (the card
// or authentication is declined: the intent goes back to requires_payment_method, not final, so the
// page then offers Pay again) and Cancel (sim.Expire: the customer walks away). After a click the
// browser goes to the intent's return_url, where the create confirmed with one, with the query Stripe
// documents for redirect-based methods (docs.stripe.com/payments/payment-methods#redirect: payment_intent
// and redirect_status, succeeded or failed); an intent without one shows the page again.

// PageURL is the URL of the payment page of the intent with id.
func (s *Server) PageURL(id string) string { return s.URL + sim.PagePath(id) }

// PageURL is the payment page of the intent with the provider's id (sim.Instance).
func (i instance) PageURL(id string) string { return i.Server.PageURL(id) }

func (s *Server) cashier() *sim.Cashier {
	return &sim.Cashier{
		Title:  "Stripe sandbox",
		Page:   s.page,
		Settle: func(ctx context.Context, id string, st sim.Settlement) error { return s.SettleOrder(ctx, id, st) },
		Return: s.returnTo,
		// Stripe.js takes the return URL from the merchant's page (confirmParams.return_url): an
		// unconfirmed intent's page takes it as ?return_url=.
		ReturnParam: "return_url",
	}
}

func (s *Server) page(id string) (sim.Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick()
	pi := s.intents[id]
	if pi == nil {
		return sim.Page{}, false
	}
	p := sim.Page{
		ID: pi.id, Amount: s.moneyOf(pi.amount, pi.currency), Merchant: "stripetest account",
		Method: strings.Join(pi.pmTypes, ", "), Description: pi.description, Status: pi.normalized(),
	}
	switch pi.status {
	case stRequiresPM, stRequiresConfirm, stRequiresAction:
		pay := sim.VerbPay
		if pi.captureMethod == "manual" {
			pay = sim.VerbAuthorize
		}
		p.Verbs = []sim.Verb{pay, sim.VerbFail, sim.VerbCancel}
	}
	return p, true
}

// returnTo is the intent's return_url (or, for an intent confirmed in the browser, the one the page
// was given) with Stripe's redirect query, or "" without either.
func (s *Server) returnTo(id string, v sim.Verb, given string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	pi := s.intents[id]
	if pi == nil {
		return ""
	}
	to := pi.returnURL
	if to == "" {
		to = given
	}
	if to == "" {
		return ""
	}
	u, err := url.Parse(to)
	if err != nil {
		return ""
	}
	result := "succeeded"
	if v != sim.VerbPay && v != sim.VerbAuthorize {
		result = "failed"
	}
	q := u.Query()
	q.Set("payment_intent", pi.id)
	q.Set("redirect_status", result)
	u.RawQuery = q.Encode()
	return u.String()
}
