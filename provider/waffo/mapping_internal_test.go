package waffo

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// Every row of CodeTable is what classify does with a code it matches, and the rows cover the tables.
func TestCodeTableAgreesWithClassify(t *testing.T) {
	rows := CodeTable()
	require.Len(t, rows, len(codeTable)+len(familyRows)+1, "a row per code, per family, and one for the rest")
	for _, row := range rows {
		t.Run(row.ProviderCode, func(t *testing.T) {
			code := row.ProviderCode
			if prefix, ok := strings.CutSuffix(code, "*"); ok {
				code = prefix + "9999" // a code the pattern covers and no other row lists
				require.NotContains(t, codeTable, code)
			}
			got := classify(code)
			assert.Equal(t, row.Outcome, got.outcome)
			assert.Equal(t, row.Code, got.code)
			assert.True(t, row.Code.Valid(), row.Code)
			assert.NotEmpty(t, row.Advice)
			assert.NotEmpty(t, row.Meaning)
			if row.ProviderCode != "*" {
				assert.Equal(t, row.Advice, got.advice)
				assert.Equal(t, row.Meaning, got.meaning)
			}
			assert.Zero(t, row.HTTPStatus)
		})
	}
	assert.Equal(t, "*", rows[len(rows)-1].ProviderCode, "the catch-all comes last")
}

func TestPaymentStatusTableView(t *testing.T) {
	rows := PaymentStatusTable()
	seen := map[string]bool{}
	closes := map[status.Payment]bool{}
	for _, row := range rows {
		assert.True(t, row.Status.Valid(), row.Status)
		seen[row.ProviderStatus] = true
		if row.ProviderStatus == orderClose {
			closes[row.Status] = true
		}
	}
	for s := range orderStatusTable {
		assert.True(t, seen[s], "no row for %s", s)
	}
	assert.Len(t, seen, len(orderStatusTable)+1, "orderStatusTable and ORDER_CLOSE")
	assert.Equal(t, map[status.Payment]bool{status.PaymentFailed: true, status.PaymentExpired: true, status.PaymentCanceled: true}, closes)
	assert.Contains(t, rows, statusRow(orderPayInProgress, "with an orderAction for the user", status.PaymentRequiresAction))
	assert.Contains(t, rows, statusRow(orderPayInProgress, "without orderAction", status.PaymentPending))
}

func TestRefundStatusTableView(t *testing.T) {
	rows := RefundStatusTable()
	require.Len(t, rows, len(refundStatusTable))
	for _, row := range rows {
		assert.Equal(t, refundStatusTable[row.ProviderStatus], row.Status, row.ProviderStatus)
	}
}

func statusRow(s, condition string, st status.Payment) provider.PaymentStatusMapping {
	return provider.PaymentStatusMapping{ProviderStatus: s, Condition: condition, Status: st}
}
