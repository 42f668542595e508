// Package route is a paygate.Gateway over several named gateways: it picks the provider for each new
// payment by rules, fails over to the next provider only when the first one's answer proves nothing was
// created, and remembers in a journal (Store) which provider owns every payment and refund, so that
// follow-up calls go there and a crash loses nothing.
package route
