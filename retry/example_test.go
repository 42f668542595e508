package retry_test

import (
	"context"
	"fmt"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// fastPolicy is retry.Default with millisecond waits, so the examples run in no time. In production
// use retry.Default() (or a zero Policy, which means the same).
var fastPolicy = retry.Policy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, ResolveFor: time.Second}

// The reply to a create is lost on the way back (a timeout after the provider processed it): on its
// own that is U. Wrap resends the identical request with the same PaymentRequestID; the provider
// dedupes it and answers with the payment it already made, so the caller gets S and the provider
// holds one payment, not two. A Report says what it took.
func ExampleWrap() {
	ctx := context.Background()
	gw := memory.New(memory.Config{}) // any Gateway: an adapter, a router, the in-memory provider
	defer gw.Close()
	payments := retry.Wrap(gw, fastPolicy)

	gw.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply}) // processed, reply lost

	var rep retry.Report
	p, err := payments.Create(retry.WithReport(ctx, &rep), &paygate.CreateRequest{
		PaymentRequestID: "pay-2001",
		Amount:           money.MustParse("10.50", "USD"),
	})
	fmt.Println(paygate.OutcomeOf(err), p.ProviderPaymentID, p.Status)
	fmt.Printf("sends %d, inquiries %d, resolved by inquiry %t\n", rep.Sends, rep.Inquiries, rep.Resolved)
	fmt.Println("payments at the provider:", len(gw.Ledger().Orders("pay-2001")))
	// Output:
	// S mem_pay_1 REQUIRES_ACTION
	// sends 2, inquiries 0, resolved by inquiry false
	// payments at the provider: 1
}

// When every send's reply is lost, Wrap stops resending and resolves the create by inquiry with the
// same PaymentRequestID: the inquiry finds the payment, so the answer is S. Report.Resolved says the
// result came from that inquiry.
func ExampleWithReport() {
	ctx := context.Background()
	gw := memory.New(memory.Config{})
	defer gw.Close()
	payments := retry.Wrap(gw, fastPolicy) // MaxAttempts 0: the default, 3 sends

	gw.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply, Times: 3}) // every send is lost

	var rep retry.Report
	p, err := payments.Create(retry.WithReport(ctx, &rep), &paygate.CreateRequest{
		PaymentRequestID: "pay-2002",
		Amount:           money.MustParse("10.50", "USD"),
	})
	fmt.Println(paygate.OutcomeOf(err), p.ProviderPaymentID, p.Status)
	fmt.Printf("sends %d, inquiries %d, resolved by inquiry %t, outcome %s\n", rep.Sends, rep.Inquiries, rep.Resolved, rep.Outcome)
	fmt.Println("payments at the provider:", len(gw.Ledger().Orders("pay-2002")))
	// Output:
	// S mem_pay_1 REQUIRES_ACTION
	// sends 3, inquiries 1, resolved by inquiry true, outcome S
	// payments at the provider: 1
}

// The switch every caller writes after a call through Wrap, one branch per outcome:
//   - S: the payment exists; show its Action to the customer.
//   - F: the provider did not create it. CodeOf says why. Never resend the same PaymentRequestID;
//     another attempt (another card, another provider) gets a new one.
//   - U: it may exist. Keep the PaymentRequestID and inquire (or resend the identical request) later;
//     never treat it as failed and never start over with a new id, or the customer may pay twice.
func ExampleWrap_outcomes() {
	ctx := context.Background()
	gw := memory.New(memory.Config{})
	defer gw.Close()
	// Two sends and no resolution by inquiry, so that a U reaches the caller in this example.
	payments := retry.Wrap(gw, retry.Policy{MaxAttempts: 2, BaseDelay: time.Millisecond, ResolveFor: -1})

	checkout := func(id string) {
		p, err := payments.Create(ctx, &paygate.CreateRequest{PaymentRequestID: id, Amount: money.MustParse("25.00", "USD")})
		switch paygate.OutcomeOf(err) {
		case status.Success:
			fmt.Printf("%s: S %s, send the customer to the %s action\n", id, p.Status, p.Action.Kind)
		case status.Failure:
			fmt.Printf("%s: F %s, nothing was created; a new attempt needs a new id\n", id, paygate.CodeOf(err))
		default: // status.Unknown
			fmt.Printf("%s: U %s, keep the id and inquire later\n", id, paygate.CodeOf(err))
		}
	}

	checkout("pay-3001")

	gw.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED"})
	checkout("pay-3002-try-1")
	checkout("pay-3002-try-2") // the new attempt, with a new id

	gw.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply, Times: 2}) // both sends lost
	checkout("pay-3003")

	// Later (a background job, or the next page load): inquire with the id kept from the U.
	p, err := payments.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-3003"})
	fmt.Println("pay-3003 inquired:", paygate.OutcomeOf(err), p.Status)

	for _, id := range []string{"pay-3001", "pay-3002-try-1", "pay-3002-try-2", "pay-3003"} {
		fmt.Printf("payments for %s: %d\n", id, len(gw.Ledger().Orders(id)))
	}
	// Output:
	// pay-3001: S REQUIRES_ACTION, send the customer to the redirect action
	// pay-3002-try-1: F DECLINED, nothing was created; a new attempt needs a new id
	// pay-3002-try-2: S REQUIRES_ACTION, send the customer to the redirect action
	// pay-3003: U TIMEOUT, keep the id and inquire later
	// pay-3003 inquired: S REQUIRES_ACTION
	// payments for pay-3001: 1
	// payments for pay-3002-try-1: 0
	// payments for pay-3002-try-2: 1
	// payments for pay-3003: 1
}
