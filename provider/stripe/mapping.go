package stripe

import (
	"cmp"
	"maps"
	"slices"

	"github.com/paygate-go/paygate/provider"
)

// CodeTable returns Stripe's error answers as the adapter classifies them: a row per HTTP status,
// type and code of its table ("*" for any), the 402 decline codes, then the statuses the table does not
// list (HTTPStatus 0). The rows are read from the tables classify uses; the README's Stripe code
// table is generated from them.
func CodeTable() []provider.CodeMapping {
	keys := slices.SortedFunc(maps.Keys(errorTable), func(a, b errKey) int {
		return cmp.Or(cmp.Compare(a.status, b.status), cmp.Compare(a.typ, b.typ), cmp.Compare(a.code, b.code))
	})
	rows := make([]provider.CodeMapping, 0, len(keys)+len(declineTable)+2)
	for _, k := range keys {
		row := errorTable[k]
		code, cond := k.code, ""
		if code == "" {
			code = "*"
		}
		if k.typ != "" {
			cond = "type " + k.typ
		} else if k.code == "" {
			cond = "any type"
		}
		rows = append(rows, provider.CodeMapping{HTTPStatus: k.status, ProviderCode: code, Condition: cond, Outcome: row.outcome, Code: row.code, Advice: row.advice})
	}
	for _, dc := range slices.Sorted(maps.Keys(declineTable)) {
		row := declineTable[dc]
		rows = append(rows, provider.CodeMapping{HTTPStatus: 402, ProviderCode: dc, Condition: "decline_code (card_error)", Outcome: row.outcome, Code: row.code, Advice: row.advice})
	}
	for _, u := range []struct {
		cond    string
		example int
		advice  string
	}{
		{"any other 5xx status", 599, "the request may have been processed; resend with the same ids or inquire"},
		{"any other non-2xx status", 418, "the adapter cannot classify it: treat it as unknown — inquire or resend with the same ids"},
	} {
		row := classify(u.example, "", "", "")
		rows = append(rows, provider.CodeMapping{ProviderCode: "*", Condition: u.cond, Outcome: row.outcome, Code: row.code, Advice: u.advice})
	}
	return rows
}

// PaymentStatusTable returns how the adapter maps PaymentIntent statuses. A status in no row is U.
func PaymentStatusTable() []provider.PaymentStatusMapping {
	rows := make([]provider.PaymentStatusMapping, 0, len(paymentStates)+1)
	for _, s := range slices.Sorted(maps.Keys(paymentStates)) {
		if s == "canceled" {
			exp, _ := intentStatus(s, expiredReason)
			rows = append(rows,
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "cancellation_reason expired", Status: exp},
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "any other cancellation_reason", Status: paymentStates[s]})
			continue
		}
		rows = append(rows, provider.PaymentStatusMapping{ProviderStatus: s, Status: paymentStates[s]})
	}
	return rows
}

// RefundStatusTable returns how the adapter maps Refund statuses. A status in no row is U.
func RefundStatusTable() []provider.RefundStatusMapping {
	rows := make([]provider.RefundStatusMapping, 0, len(refundStates))
	for _, s := range slices.Sorted(maps.Keys(refundStates)) {
		rows = append(rows, provider.RefundStatusMapping{ProviderStatus: s, Status: refundStates[s]})
	}
	return rows
}
