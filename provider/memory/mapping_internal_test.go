package memory

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate/status"
)

// Every row of CodeTable is what classify does with the codes the row describes, and the rows cover
// the table.
func TestCodeTableAgreesWithClassify(t *testing.T) {
	rows := CodeTable()
	require.Len(t, rows, len(codeTable)+1, "a row per code and one for the rest")
	for _, row := range rows {
		t.Run(row.ProviderCode, func(t *testing.T) {
			codes := []string{row.ProviderCode}
			if row.ProviderCode == "*" {
				codes = []string{string(status.CodeOK), "NOT_A_CODE", "invalid_request", ""}
			}
			for _, c := range codes {
				outcome, code, advice := classify(c)
				assert.Equal(t, row.Outcome, outcome, c)
				assert.Equal(t, row.Code, code, c)
				if row.ProviderCode != "*" {
					assert.Equal(t, row.Advice, advice, c)
				}
			}
			assert.NotEmpty(t, row.Advice)
		})
	}
	assert.Equal(t, "*", rows[len(rows)-1].ProviderCode, "the catch-all comes last")
}
