package memory

import (
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// CodeTable returns the memory provider's result codes as its adapter side classifies them, in the
// order of status.Codes: a row per code in its table (its codes are the normalized code names), then
// the row for any other code ("*"), OK included. The rows are read from its own table; the README's
// memory code table is generated from them.
func CodeTable() []provider.CodeMapping {
	rows := make([]provider.CodeMapping, 0, len(codeTable)+1)
	for _, c := range status.Codes() {
		if row, ok := codeTable[string(c)]; ok {
			rows = append(rows, provider.CodeMapping{ProviderCode: string(c), Outcome: row.outcome, Code: c, Advice: row.advice})
		}
	}
	outcome, code, _ := classify(string(status.CodeOK))
	return append(rows, provider.CodeMapping{
		ProviderCode: "*", Condition: "any other code, OK included (it is not an error code)",
		Outcome: outcome, Code: code, Advice: "treat it as unknown: inquire or resend with the same ids",
	})
}
