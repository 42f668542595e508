package vai247

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every row of CodeTable is what classify does with the answers the row describes, and the rows cover
// the table.
func TestCodeTableAgreesWithClassify(t *testing.T) {
	type answer struct {
		status int
		code   string
	}
	// The answers each row for an unlisted status describes, written out independently of unlistedStatuses.
	unlisted := map[string][]answer{
		"any other 5xx status":     {{501, ""}, {502, "x"}, {504, ""}, {599, "insufficient_funds"}},
		"any other non-2xx status": {{302, ""}, {402, ""}, {418, "x"}, {600, ""}},
	}
	rows := CodeTable()
	require.Len(t, rows, len(errorTable)+len(unlisted))
	for _, row := range rows {
		t.Run(fmt.Sprint(row.HTTPStatus, " ", row.ProviderCode, " ", row.Condition), func(t *testing.T) {
			var answers []answer
			switch {
			case row.HTTPStatus == 0:
				answers = unlisted[row.Condition]
				require.NotEmpty(t, answers, "no answers for the condition %q: add them to this test", row.Condition)
			case row.ProviderCode == "*":
				require.Contains(t, errorTable, errKey{row.HTTPStatus, ""})
				answers = []answer{{row.HTTPStatus, ""}, {row.HTTPStatus, "a_code_no_row_lists"}}
			default:
				answers = []answer{{row.HTTPStatus, row.ProviderCode}}
			}
			for _, a := range answers {
				got := classify(a.status, a.code)
				assert.Equal(t, row.Outcome, got.outcome, a)
				assert.Equal(t, row.Code, got.code, a)
				if row.HTTPStatus != 0 {
					assert.Equal(t, row.Advice, got.advice, a)
				}
			}
			assert.True(t, row.Code.Valid(), row.Code)
			assert.NotEmpty(t, row.Advice)
		})
	}
}

func TestStatusTableViews(t *testing.T) {
	payments := PaymentStatusTable()
	require.Len(t, payments, len(orderStates))
	for _, row := range payments {
		assert.Equal(t, orderStates[row.ProviderStatus].status, row.Status, row.ProviderStatus)
		assert.Empty(t, row.Condition)
	}
	refunds := RefundStatusTable()
	require.Len(t, refunds, len(refundStates))
	for _, row := range refunds {
		assert.Equal(t, refundStates[row.ProviderStatus], row.Status, row.ProviderStatus)
	}
}
