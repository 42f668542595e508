package vai247test

import "github.com/paygate-go/paygate/provider/sim"

// PageURL is the URL of the payment page of the order with orderID.
func (s *Server) PageURL(orderID string) string { return s.URL + sim.PagePath(orderID) }

// PageURL is the payment page of the order with the provider's id (sim.Instance).
func (i instance) PageURL(orderID string) string { return i.Server.PageURL(orderID) }
