// Package retry holds paygate's one set of S/F/U retry rules and applies them to any Gateway.
//
// The rules (see the README's S/F/U table):
//
//   - S is returned at once: the provider processed the call and the object is the truth.
//   - F is returned at once and never retried with the same ids: the provider did not perform it.
//   - U on any call is sent again, identical (same request ids, same parameters), while the attempt
//     budget lasts. A write (create, capture, cancel, refund) that is still U is then resolved by asking
//     Inquire or InquireRefund with the original id until a final answer or Policy.ResolveFor ends.
//     "Not found" on that inquiry means the write did not land, so the same write is sent again.
//     Only when nothing resolves it is U returned. U never becomes F.
//
// [Decide] is the whole decision table as a pure function; [Wrap] applies it to a Gateway. Adapters'
// HTTP transports (provider.Transport) ask the same Decide whether to send an HTTP request again, take
// their delays from the same [Policy], and draw from the same per-call budget of sends (which Wrap puts
// in the context), so transport retries and Wrap retries never multiply.
package retry
