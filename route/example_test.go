package route_test

import (
	"context"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/route"
)

// A router over two providers: the first refuses the payment with a decline, which proves nothing
// was created there, so the create moves to the second with the same PaymentRequestID. Follow-up
// calls then go to the provider that owns the payment.
func Example() {
	ctx := context.Background()
	primary := memory.New(memory.Config{Name: "primary"})
	defer primary.Close()
	backup := memory.New(memory.Config{Name: "backup"})
	defer backup.Close()

	r, err := route.New(route.Config{
		Providers: map[string]paygate.Gateway{"primary": primary, "backup": backup},
		Rules: []route.Rule{{Name: "all", Targets: []route.Target{
			{Provider: "primary", Priority: 0}, {Provider: "backup", Priority: 1}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	primary.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.ReplyCode, Code: "DECLINED"})
	p, err := r.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "pay-1001", Amount: money.MustParse("25.00", "USD"), Description: "order 1001",
	})
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), err)
		return
	}
	fmt.Println("created at", p.Provider, "as", p.Status)

	_ = backup.Pay("pay-1001") // the customer pays
	p, err = r.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "pay-1001"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("inquired at", p.Provider, "as", p.Status)

	rep, _ := r.Reconcile(ctx) // after a restart, this settles writes left unknown
	fmt.Println("open after reconcile:", len(rep.Unresolved))
	// Output:
	// created at backup as REQUIRES_ACTION
	// inquired at backup as SUCCEEDED
	// open after reconcile: 0
}

// A U never moves: a create whose outcome is unknown at one provider may exist there, so sending it
// to another could charge the customer twice. The router returns the U (after retry.Wrap's resends
// and inquiries, turned off here to show it) and keeps the payment with that provider; the same
// request sent again goes back there only, and finds the payment the lost reply was about.
func Example_unknownDoesNotMove() {
	ctx := context.Background()
	primary := memory.New(memory.Config{Name: "primary"})
	defer primary.Close()
	backup := memory.New(memory.Config{Name: "backup"})
	defer backup.Close()

	r, err := route.New(route.Config{
		Providers: map[string]paygate.Gateway{"primary": primary, "backup": backup},
		Rules: []route.Rule{{Name: "all", Targets: []route.Target{
			{Provider: "primary", Priority: 0}, {Provider: "backup", Priority: 1}}}},
		Retry: retry.Policy{MaxAttempts: 1, ResolveFor: -1}, // one send, no inquiry: let the U through
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	req := &paygate.CreateRequest{PaymentRequestID: "pay-1002", Amount: money.MustParse("25.00", "USD")}

	primary.Inject(sim.Fault{Op: paygate.OpCreate, Kind: sim.LoseReply}) // created, reply lost
	_, err = r.Create(ctx, req)
	fmt.Println("first try:", paygate.OutcomeOf(err), paygate.CodeOf(err))

	p, err := r.Create(ctx, req) // the identical request, later
	if err != nil {
		fmt.Println(paygate.OutcomeOf(err), err)
		return
	}
	fmt.Println("second try:", p.Provider, p.Status)
	fmt.Println("payments at primary:", len(primary.Ledger().Orders("pay-1002")),
		"requests to backup:", backup.Ledger().TotalRequests())
	// Output:
	// first try: U TIMEOUT
	// second try: primary REQUIRES_ACTION
	// payments at primary: 1 requests to backup: 0
}
