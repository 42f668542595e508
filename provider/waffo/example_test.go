package waffo_test

import (
	"context"
	"fmt"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/money"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/provider/waffo"
	"github.com/paygate-go/paygate/provider/waffo/waffotest"
	"github.com/paygate-go/paygate/retry"
)

// A checkout against Waffo (here its simulator): create the payment, send the user to the action,
// then learn the result by inquiry. retry.Wrap resends and resolves unknown outcomes with the same ids.
func Example() {
	srv := waffotest.NewServer(waffotest.Config{})
	defer srv.Close()
	gw, err := waffo.New(waffo.Config{
		BaseURL: srv.URL, APIKey: srv.APIKey, MerchantID: srv.MerchantID,
		PrivateKey: srv.Keys.MerchantPrivateKey, WaffoPublicKey: srv.Keys.WaffoPublicKey,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	payments := retry.Wrap(gw, retry.Default())
	ctx := context.Background()

	p, err := payments.Create(ctx, &paygate.CreateRequest{
		PaymentRequestID: "order-1001-try-1",
		Amount:           money.MustParse("149000", "IDR"),
		Description:      "Annual plan",
		NotifyURL:        "https://shop.example/webhooks/waffo",
		ReturnURL:        "https://shop.example/thanks",
		Customer:         paygate.Customer{ID: "cust-42", Email: "buyer@example.com"},
		Method:           paygate.Method{Type: "QR", Name: "QRIS"},
	})
	if err != nil {
		fmt.Println("create:", paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	fmt.Println(p.Status, p.Action.Kind, p.Amount)

	_ = srv.Settle(ctx, "order-1001-try-1", sim.Pay) // the user scans the QR code and pays
	p, err = payments.Inquire(ctx, &paygate.InquireRequest{PaymentRequestID: "order-1001-try-1"})
	if err != nil {
		fmt.Println("inquire:", paygate.OutcomeOf(err), paygate.CodeOf(err))
		return
	}
	fmt.Println(p.Status, p.ProviderStatus)
	// Output:
	// REQUIRES_ACTION qr_code 149000.00 IDR
	// SUCCEEDED PAY_SUCCESS
}
