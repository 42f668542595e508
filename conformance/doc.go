// Package conformance is the suite every paygate adapter must pass: one call, [Run], proves that an
// adapter keeps paygate's contract (statuses, codes, exact amounts, idempotency, webhooks, clean logs)
// and the S/F/U rules, both on its own and inside retry.Wrap. It is modelled on Go CDK's drivertest.
//
// # Plugging in an adapter
//
// An adapter ships a simulator (package …test, built on provider/sim) and, in its own tests, a
// [Harness] that builds a fresh simulator and an adapter pointed at it. Waffo's, for example (this
// code is compiled as the package's Example, so it cannot drift from the API):
//
//	func TestConformance(t *testing.T) {
//		conformance.Run(t, conformance.HarnessFunc(func(t *testing.T, opts conformance.Options) *conformance.Env {
//			srv := waffotest.NewServer(waffotest.Config{WebhookSchedule: sim.Compress(waffotest.WebhookSchedule(), 100_000)})
//			t.Cleanup(srv.Close)
//			gw, err := waffo.New(waffo.Config{
//				BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
//				PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
//				Logger: opts.Logger,
//			})
//			require.NoError(t, err)
//			t.Cleanup(gw.Close)
//			caps := conformance.CapabilitiesFrom(waffo.Capabilities()) // what the adapter declares
//			caps.Settlements = []sim.Settlement{sim.Pay, sim.Fail, sim.Expire, sim.RequireAction}
//			caps.Faults = waffotest.Faults()                       // what the simulator can inject
//			caps.Currencies = []string{"USD", "JPY", "IDR", "VND"} // Waffo declares "any it accepts"
//			return &conformance.Env{
//				Gateway: gw,
//				Sim:     srv, // Settle, Inject, Ledger, Webhooks
//				Caps:    caps,
//				FaultCodes: []conformance.FaultCode{
//					{Op: paygate.OpCreate, ProviderCode: "C0005", Outcome: status.Failure, Code: status.CodeDeclined},
//					{Op: paygate.OpCreate, ProviderCode: "E0001", Outcome: status.Unknown, Code: status.CodeUnknown},
//				},
//				Secrets:        []string{srv.APIKey, srv.Keys.MerchantPrivateKey, srv.Keys.WaffoPrivateKey},
//				WebhookHandler: gw.WebhookHandler,
//				WebhookAcked:   waffo.WebhookAcked,
//			}
//		}))
//	}
//
// The rules for each part:
//
//   - Gateway is the adapter itself, not wrapped; the suite wraps it with retry.Wrap where a case
//     checks the end-to-end rules. It must log through Options.Logger.
//   - Sim is the simulator's control panel ([Simulator]). Settle acts as the user would (SettleOrder on
//     one order, to try paying an orphan); Inject
//     queues faults (provider/sim.Fault) for the next calls of an operation; Ledger counts what
//     really arrived and what was really created — the suite's proof that there was no duplicate.
//   - Caps: build them with [CapabilitiesFrom] from the adapter's declaration (provider.Capabilities,
//     which the router and the README's capability table read too) and add what only the simulator
//     knows. A missing capability skips its cases with a message naming it, so `go test -v` shows
//     what the provider does not offer. Do not switch a capability off to hide a failure. When the
//     Gateway declares its capabilities (provider.Capable), Caps may leave one out (the run logs it)
//     but never claim one the declaration does not: that fails the run.
//   - FaultCodes: list the provider's codes that matter most (at least one F and one U on create).
//     The suite injects each and checks the outcome, the normalized code, that the raw code is kept,
//     that an F reached the simulator exactly once, and that retry.Wrap resolves a single U.
//   - Secrets: every key and secret the adapter holds. After each case, every log line written
//     through Options.Logger is searched for them and for card numbers and CVVs.
//
// # What the suite checks
//
//   - harness: the simulator can inject drop-before-processing, lose-reply and reply-code faults, and
//     FaultCodes hold an F and a U on create. Without them the S/F/U cases would skip, so their
//     absence fails the run. Caps claim nothing the Gateway's declaration does not.
//   - lifecycle: create → action → settle → inquire (by request id and provider id; a paid
//     automatic payment has Captured = Amount); every
//     settlement; NOT_FOUND for an unknown payment; cancel a pending payment; cancel after payment.
//   - refund: full, partial and multiple, over-refund (F, nothing created), refund before payment,
//     refund inquiry (or NOT_SUPPORTED without a call when not offered).
//   - capture (Caps.ManualCapture): a manual-capture payment the customer paid is AUTHORIZED with
//     nothing captured; a full capture (and a partial one, with PartialCapture) ends SUCCEEDED — after
//     PENDING, within a bounded poll, where the provider processes it — with Captured exact and one
//     capture in the ledger; refunds are of captured money only; over-capture is F LIMIT_EXCEEDED,
//     capture of an automatic, unauthorized, captured or voided payment and refund before capture F
//     INVALID_STATE, all with nothing captured; void (Caps.Void) ends CANCELED; every fault kind on
//     capture, once and on every try, through retry.Wrap is never F, U only where the capture may not
//     be resent or the deadline passed, and never captures twice. Without manual capture: Capture and
//     a CaptureManual create are F NOT_SUPPORTED and nothing reaches the simulator.
//   - idempotency: the same create twice is one order; the same id with new parameters is
//     IDEMPOTENCY_CONFLICT; the same refund twice is one refund.
//   - faults: every fault kind on create and refund is never F and leaves exactly one order or
//     refund after the identical request is sent again; a fault on every try stays U.
//   - codes: each FaultCode maps right, raw and under retry.Wrap (an F is sent once).
//   - validation: invalid requests are F INVALID_REQUEST and never reach the simulator, raw or wrapped.
//   - amounts: USD, JPY, KRW, IDR, KWD (where supported) and every listed currency are exact as the
//     simulator reads them from the wire, and on the way back.
//   - concurrency: 200 concurrent creates (run the suite with -race); 20 identical creates at once
//     are one order.
//   - webhooks: a settled payment is notified, verified and acknowledged; a notification the merchant
//     fails is retried; a duplicate yields the same event id; tampered and unsigned ones are rejected
//     without reaching the merchant.
//   - logs: card numbers, CVVs and secrets never appear.
//   - retry: under retry.Wrap a lost reply, U answers, and unknown refunds and cancels resolve to S
//     with one order or refund; a fault that never clears ends in U, never F.
//
// Providers without idempotent create (Capabilities.IdempotentCreate false) are held to the weaker
// promise they can keep: after faults and resends, the suite tries to pay every order a request id
// produced, and at most one may go through; after a lost create reply resolved by retry.Wrap, the
// order returned is the one payable, the orphan refuses payment and — when the simulator implements
// [ClockAdvancer] — expires unpaid. Simulators of providers whose webhook URL is set in a dashboard
// implement [WebhookURLSetter].
//
// The suite's own test (mutants_test.go) runs it against broken variants of the memory provider —
// U reported as F, a retry with a new id, an F resent, a call made before validating, a logged request,
// NOT_FOUND reported as U, an unverified webhook handler, an amount through float64, a harness that
// declares no faults, a harness that claims a capability (or manual capture) the adapter does not
// declare, a paid payment without Captured, a capture resent that captures twice, a U capture reported
// F, a partial capture that takes everything, an adapter without capture that sends it anyway — and
// checks that each one fails, for the right reason.
package conformance
