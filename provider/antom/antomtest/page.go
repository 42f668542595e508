package antomtest

import "github.com/paygate-go/paygate/provider/sim"

// PageURL is the URL of the payment page of the payment with paymentID.
func (s *Server) PageURL(paymentID string) string { return s.URL + sim.PagePath(paymentID) }

// PageURL is the payment page of the payment with the provider's id (sim.Instance).
func (i instance) PageURL(paymentID string) string { return i.Server.PageURL(paymentID) }
