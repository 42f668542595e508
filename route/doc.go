// Package route is a paygate.Gateway over several named gateways: it picks the provider for each new
// payment by rules, fails over to the next provider only when the first one's answer proves nothing was
// created, and remembers in a journal (Store) which provider owns every payment, refund and capture,
// so that follow-up calls go there and a crash loses nothing. A capture (of a payment created with
// paygate.CaptureManual, which goes only to providers that declare manual capture) goes to the
// payment's owner and never fails over; its journal entry is open from before the send until the
// answer, and Reconcile settles one a crash left open by inquiring the payment.
//
// Several instances of a service may share one journal (route/routepg). Each write takes its
// entry's lease in the compare-and-swap that opens it and gives it back with the answer. A call
// that meets the live lease of another call on the same Router waits for it to return and then
// answers from the journal; one that meets the lease of another Router's call sends nothing and
// answers U (ErrLeased) at once. Reconcile takes over only expired leases. So one payment id never becomes two orders, whichever instances its calls reach.
package route
