package waffo

import (
	"maps"
	"slices"
	"time"

	"github.com/paygate-go/paygate/provider"
)

// CodeTable returns Waffo's result codes as the adapter classifies them: every code Waffo documents,
// then a row per family letter for the codes it does not document ("A*"), then the row for a code in
// no family ("*"). The rows are read from the adapter's own tables; the README's Waffo code table is
// generated from them.
func CodeTable() []provider.CodeMapping {
	rows := make([]provider.CodeMapping, 0, len(codeTable)+len(familyRows)+1)
	for _, code := range slices.Sorted(maps.Keys(codeTable)) {
		rows = append(rows, codeMapping(code, codeTable[code]))
	}
	for _, family := range slices.Sorted(maps.Keys(familyRows)) {
		rows = append(rows, codeMapping(string(family)+"*", familyRows[family]))
	}
	other := classify(noFamilyCode)
	return append(rows, provider.CodeMapping{
		ProviderCode: "*", Meaning: "a code in no family Waffo documents",
		Outcome: other.outcome, Code: other.code,
		Advice: "treat it as unknown: inquire with the same request id",
	})
}

// noFamilyCode is a code in no documented family: CodeTable asks classify what it makes of one.
const noFamilyCode = "Z0001"

func codeMapping(code string, row codeRow) provider.CodeMapping {
	return provider.CodeMapping{ProviderCode: code, Outcome: row.outcome, Code: row.code, Meaning: row.meaning, Advice: row.advice}
}

// closeCases are the ways an ORDER_CLOSE order can have closed, each with an order that closed that
// way: PaymentStatusTable runs closedStatus on them.
var closeCases = []struct {
	condition string
	why       closeReason
}{
	{"with orderFailedReason", closeReason{failed: true}},
	{"without orderFailedReason, orderUpdatedAt at or after orderExpiredAt", closeReason{expiresAt: time.Unix(1, 0), closedAt: time.Unix(1, 0)}},
	{"otherwise: closed by a cancel", closeReason{}},
}

// PaymentStatusTable returns how the adapter maps Waffo's orderStatus, computed by the adapter's own
// mapping: a status that also depends on orderAction or, for ORDER_CLOSE, on why the order closed has a
// row per case. An orderStatus in no row is U.
func PaymentStatusTable() []provider.PaymentStatusMapping {
	var rows []provider.PaymentStatusMapping
	for _, s := range slices.Sorted(maps.Keys(orderStatusTable)) {
		without, _ := paymentStatus(s, false, closeReason{})
		with, _ := paymentStatus(s, true, closeReason{})
		if with == without {
			rows = append(rows, provider.PaymentStatusMapping{ProviderStatus: s, Status: without})
			continue
		}
		rows = append(rows,
			provider.PaymentStatusMapping{ProviderStatus: s, Condition: "without orderAction", Status: without},
			provider.PaymentStatusMapping{ProviderStatus: s, Condition: "with an orderAction for the user", Status: with})
	}
	for _, c := range closeCases {
		st, _ := paymentStatus(orderClose, false, c.why)
		rows = append(rows, provider.PaymentStatusMapping{ProviderStatus: orderClose, Condition: c.condition, Status: st})
	}
	return rows
}

// RefundStatusTable returns how the adapter maps Waffo's refundStatus. A refundStatus in no row is U.
func RefundStatusTable() []provider.RefundStatusMapping {
	rows := make([]provider.RefundStatusMapping, 0, len(refundStatusTable))
	for _, s := range slices.Sorted(maps.Keys(refundStatusTable)) {
		rows = append(rows, provider.RefundStatusMapping{ProviderStatus: s, Status: refundStatusTable[s]})
	}
	return rows
}
