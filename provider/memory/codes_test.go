package memory_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/sim"
	"github.com/paygate-go/paygate/status"
)

// Every catalog code, answered as a provider code, gives the outcome the package doc's table says.
// This list is written from the doc, independently of the code table.
func TestCodeTable(t *testing.T) {
	failures := map[status.Code]bool{
		status.CodeInvalidRequest: true, status.CodeAuthentication: true, status.CodePermissionDenied: true,
		status.CodeNotFound: true, status.CodeIdempotencyConflict: true, status.CodeInvalidState: true,
		status.CodeCancelWindowExceeded: true, status.CodeRefundNotAllowed: true, status.CodeNotSupported: true,
		status.CodeUnsupportedCurrency: true, status.CodeLimitExceeded: true, status.CodeInsufficientFunds: true,
		status.CodeDeclined: true, status.CodeRiskRejected: true,
	}
	unknowns := map[status.Code]bool{
		status.CodeProviderError: true, status.CodeRateLimited: true, status.CodeUnavailable: true,
		status.CodeTimeout: true, status.CodeInProgress: true, status.CodeUnknown: true,
	}
	type row struct {
		providerCode string
		outcome      status.Outcome
		code         status.Code
	}
	var rows []row
	for _, c := range status.Codes() {
		switch {
		case failures[c]:
			rows = append(rows, row{string(c), status.Failure, c})
		case unknowns[c]:
			rows = append(rows, row{string(c), status.Unknown, c})
		case c == status.CodeOK:
			rows = append(rows, row{"OK", status.Unknown, status.CodeUnknown}) // not an error code
		default:
			t.Fatalf("catalog code %s is in neither list: add it to the memory provider's table and this test", c)
		}
	}
	rows = append(rows,
		row{"E0001", status.Unknown, status.CodeUnknown},
		row{"declined", status.Unknown, status.CodeUnknown}, // codes are case-sensitive
		row{"", status.Unknown, status.CodeUnknown},
	)
	assert.Len(t, rows, len(failures)+len(unknowns)+1+3)

	for _, op := range []paygate.Op{paygate.OpCreate, paygate.OpRefund} {
		for _, tt := range rows {
			t.Run(string(op)+"/"+tt.providerCode, func(t *testing.T) {
				g := newGateway(t, memory.Config{})
				g.Inject(sim.Fault{Op: op, Kind: sim.ReplyCode, Code: tt.providerCode})
				var err error
				if op == paygate.OpCreate {
					_, err = g.Create(context.Background(), createRequest("pay-1"))
				} else {
					_, err = g.Refund(context.Background(), refundRequest("ref-1", "pay-1", "1"))
				}
				pe := requireError(t, err, tt.outcome, tt.code)
				assert.Equal(t, tt.providerCode, pe.ProviderCode, "the raw code is kept")
				assert.Contains(t, pe.ProviderMessage, "injected")
				assert.Empty(t, g.Ledger().AllOrders(), "a code reply is not processed")
			})
		}
	}
}

// The provider's own refusals carry the memory code, which is the normalized name.
func TestOwnCodes(t *testing.T) {
	g := newGateway(t, memory.Config{})
	_, err := g.Inquire(context.Background(), &paygate.InquireRequest{PaymentRequestID: "nope"})
	pe := requireError(t, err, status.Failure, status.CodeNotFound)
	require.Equal(t, "NOT_FOUND", pe.ProviderCode)
	require.NotEmpty(t, pe.ProviderMessage)
}
