// Package route is a paygate.Gateway over several named gateways: it picks the provider for each new
// payment by rules, fails over to the next provider only when the first one's answer proves nothing was
// created, and remembers in a journal (Store) which provider owns every payment and refund, so that
// follow-up calls go there and a crash loses nothing.
//
// Several instances of a service may share one journal (route/routepg). Each write takes its
// entry's lease in the compare-and-swap that opens it and gives it back with the answer; a call that
// meets another call's live lease sends nothing and answers U (ErrLeased), and Reconcile takes over
// only expired leases. So one payment id never becomes two orders, whichever instances its calls reach.
package route
