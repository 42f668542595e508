package vai247

import (
	"cmp"
	"maps"
	"slices"

	"github.com/paygate-go/paygate/provider"
)

// CodeTable returns VAI247's error answers as the adapter classifies them: a row per HTTP status and
// error.code in the adapter's table ("*": any code no row of that status lists), then the rows for the
// statuses the table does not list (HTTPStatus 0). The listed rows are read from the adapter's own
// table, and the others come from its classifier; the README's VAI247 code table is generated from them.
func CodeTable() []provider.CodeMapping {
	keys := slices.SortedFunc(maps.Keys(errorTable), func(a, b errKey) int {
		return cmp.Or(cmp.Compare(a.status, b.status), cmp.Compare(a.code, b.code))
	})
	rows := make([]provider.CodeMapping, 0, len(keys)+len(unlistedStatuses))
	for _, k := range keys {
		row := errorTable[k]
		code := k.code
		if code == "" {
			code = "*"
		}
		rows = append(rows, provider.CodeMapping{HTTPStatus: k.status, ProviderCode: code, Outcome: row.outcome, Code: row.code, Advice: row.advice})
	}
	for _, u := range unlistedStatuses {
		row := classify(u.example, "")
		rows = append(rows, provider.CodeMapping{ProviderCode: "*", Condition: u.condition, Outcome: row.outcome, Code: row.code, Advice: u.advice})
	}
	return rows
}

// unlistedStatuses are the HTTP statuses CodeTable describes beyond the table, each with an example
// status for classify (whose own message names the status, so CodeTable states the advice generally).
var unlistedStatuses = []struct {
	condition string
	example   int
	advice    string
}{
	{"any other 5xx status", 502, "the request may have been processed; inquire or resend with the same ids"},
	{"any other non-2xx status", 418, "the adapter cannot classify it: treat it as unknown — inquire or resend with the same ids"},
}

// PaymentStatusTable returns how the adapter maps VAI247's order statuses. A status in no row is U.
func PaymentStatusTable() []provider.PaymentStatusMapping {
	rows := make([]provider.PaymentStatusMapping, 0, len(orderStates))
	for _, s := range slices.Sorted(maps.Keys(orderStates)) {
		rows = append(rows, provider.PaymentStatusMapping{ProviderStatus: s, Status: orderStates[s].status})
	}
	return rows
}

// RefundStatusTable returns how the adapter maps VAI247's refund statuses. A status in no row is U.
func RefundStatusTable() []provider.RefundStatusMapping {
	rows := make([]provider.RefundStatusMapping, 0, len(refundStates))
	for _, s := range slices.Sorted(maps.Keys(refundStates)) {
		rows = append(rows, provider.RefundStatusMapping{ProviderStatus: s, Status: refundStates[s]})
	}
	return rows
}
