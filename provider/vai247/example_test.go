package vai247_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/vai247"
	"github.com/paygate-go/paygate/provider/vai247/vai247test"
	"github.com/paygate-go/paygate/retry"
)

// Create a payment, show its QR code, let the customer pay (here the simulator plays the customer),
// inquire, and refund part of it.
func Example() {
	srv := vai247test.NewServer(vai247test.Config{RefundSigning: true})
	defer srv.Close()
	gw, err := vai247.New(vai247.Config{
		BaseURL: srv.URL, AppID: srv.AppID, APIKey: srv.APIKey, APISecret: srv.APISecret, StoreID: srv.StoreID,
		WebhookSecret: srv.WebhookSecret, // verifies notifications; without it WebhookHandler refuses them all
		RefundSigning: true,
	})
	if err != nil {
		panic(err)
	}
	defer gw.CloseIdleConnections()
	pay := retry.Wrap(gw, retry.Policy{}) // the S/F/U rules: resend or resolve anything unknown
	ctx := context.Background()

	p, err := pay.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "order-1001", Amount: money.MustParse("19.99", "USD")})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.Action.Kind)

	_ = srv.Settle(ctx, "order-1001", sim.Pay) // the customer scans and pays

	p, err = pay.Inquire(ctx, &paygate.InquireRequest{ProviderPaymentID: p.ProviderPaymentID})
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Status, p.ProviderStatus, p.Amount)

	r, err := pay.Refund(ctx, &paygate.RefundRequest{RefundRequestID: "refund-1001-1", ProviderPaymentID: p.ProviderPaymentID,
		Amount: money.MustParse("5.00", "USD")})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Status, r.Amount)
	// Output:
	// REQUIRES_ACTION qr_code
	// SUCCEEDED paid 19.99 USD
	// SUCCEEDED 5.00 USD
}

// VAI247 takes USD and KHR only; anything else is refused before any call.
func Example_unsupportedCurrency() {
	gw, _ := vai247.New(vai247.Config{AppID: "app", APIKey: "key", StoreID: "store"})
	_, err := gw.Create(context.Background(), &paygate.CreateRequest{PaymentRequestID: "order-1002", Amount: money.MustParse("10", "EUR")})
	fmt.Println(paygate.OutcomeOf(err), paygate.CodeOf(err))
	// Output: F UNSUPPORTED_CURRENCY
}

// VAI247's notifications name the order by VAI247's id only: keep Create's ProviderPaymentID with
// the order, and match events by it. PaymentRequestID is empty, since VAI247 never sends it back.
func Example_webhook() {
	srv := vai247test.NewServer(vai247test.Config{})
	defer srv.Close()
	gw, err := vai247.New(vai247.Config{BaseURL: srv.URL, AppID: srv.AppID, APIKey: srv.APIKey, StoreID: srv.StoreID,
		WebhookSecret: srv.WebhookSecret})
	if err != nil {
		panic(err)
	}
	defer gw.CloseIdleConnections()
	events := make(chan *paygate.Event, 8)
	hs := httptest.NewServer(gw.WebhookHandler(func(_ context.Context, ev *paygate.Event) error {
		events <- ev
		return nil
	}))
	defer hs.Close()
	srv.SetWebhookURL(hs.URL) // as set in VAI247's dashboard
	ctx := context.Background()

	p, err := gw.Create(ctx, &paygate.CreateRequest{PaymentRequestID: "order-2001", Amount: money.MustParse("19.99", "USD")})
	if err != nil {
		panic(err)
	}
	orders := map[string]string{p.ProviderPaymentID: "order-2001"} // the merchant's own record

	_ = srv.Settle(ctx, "order-2001", sim.Pay) // the customer scans and pays
	ev := <-events
	fmt.Println(ev.Type, ev.Payment.Status, ev.Payment.Amount)
	fmt.Printf("PaymentRequestID %q; the order, by ProviderPaymentID: %s\n", ev.Payment.PaymentRequestID, orders[ev.Payment.ProviderPaymentID])
	// Output:
	// payment.updated SUCCEEDED 19.99 USD
	// PaymentRequestID ""; the order, by ProviderPaymentID: order-2001
}
