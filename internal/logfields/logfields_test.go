package logfields_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/zap"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/internal/logfields"
)

func keys(fs []zap.Field) []string {
	var ks []string
	for _, f := range fs {
		ks = append(ks, f.Key+"="+f.String)
	}
	return ks
}

func TestFieldsNameOnlyTheIDsGiven(t *testing.T) {
	tests := []struct {
		name string
		got  []zap.Field
		want []string
	}{
		{"create", logfields.Create(&paygate.CreateRequest{PaymentRequestID: "p1"}), []string{"payment_request_id=p1"}},
		{"inquire by provider id", logfields.Inquire(&paygate.InquireRequest{ProviderPaymentID: "x1"}), []string{"provider_payment_id=x1"}},
		{"cancel by both", logfields.Cancel(&paygate.CancelRequest{PaymentRequestID: "p1", ProviderPaymentID: "x1"}),
			[]string{"payment_request_id=p1", "provider_payment_id=x1"}},
		{"refund", logfields.RefundRequest(&paygate.RefundRequest{RefundRequestID: "r1", ProviderPaymentID: "x1"}),
			[]string{"provider_payment_id=x1", "refund_request_id=r1"}},
		{"inquire refund", logfields.InquireRefund(&paygate.InquireRefundRequest{RefundRequestID: "r1", ProviderRefundID: "y1"}),
			[]string{"refund_request_id=r1", "provider_refund_id=y1"}},
		{"nothing", logfields.Payment("", ""), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, keys(tt.got)) })
	}
}
