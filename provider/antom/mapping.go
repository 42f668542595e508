package antom

import (
	"cmp"
	"maps"
	"slices"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/status"
)

// CodeTable returns Antom's result codes as the adapter classifies them: a row per resultCode in the
// adapter's table, with the resultStatus Antom documents for it (S first, then F, then U), then the
// rows for codes the table does not list ("*"). The listed rows are read from the adapter's own table
// and the others come from its classifier; the README's Antom code table is generated from them.
func CodeTable() []provider.CodeMapping {
	rows := make([]provider.CodeMapping, 0, len(codeTable)+len(unlistedCases))
	for code, row := range codeTable {
		outcome := status.Outcome(row.status)
		m := provider.CodeMapping{ProviderCode: code, Condition: "resultStatus " + row.status, Outcome: outcome, Code: row.code}
		if outcome == status.Unknown {
			m.Condition = "resultStatus U or F" // classify's guard: a code documented U is never F
		}
		if outcome != status.Success {
			m.Advice = adviceFor("", code, row.code, outcome)
		}
		rows = append(rows, m)
	}
	order := map[status.Outcome]int{status.Success: 0, status.Failure: 1, status.Unknown: 2}
	slices.SortFunc(rows, func(a, b provider.CodeMapping) int {
		return cmp.Or(cmp.Compare(order[a.Outcome], order[b.Outcome]), cmp.Compare(a.ProviderCode, b.ProviderCode))
	})
	for _, c := range unlistedCases {
		outcome, code := classify(c.resultCode, c.resultStatus)
		m := provider.CodeMapping{ProviderCode: "*", Condition: c.condition, Outcome: outcome, Code: code}
		if outcome != status.Success {
			m.Advice = advice(code, outcome)
		}
		rows = append(rows, m)
	}
	return rows
}

// unlistedCases are the answers CodeTable describes beyond the listed codes, each with an answer of
// that kind for classify.
var unlistedCases = []struct {
	condition                string
	resultCode, resultStatus string
}{
	{"resultStatus S, whatever the code", "ANY_CODE", "S"},
	{"resultStatus F, a code not listed", "NOT_LISTED", "F"},
	{"resultStatus U (or anything but S and F), a code not listed", "NOT_LISTED", "U"},
}

// PaymentStatusTable returns how the adapter maps Antom's paymentStatus (inquiryPayment), computed by
// the adapter's own mapping: FAIL has a row per paymentResultCode case and SUCCESS a row per state of
// the payment's capture. A paymentStatus in no row is U.
func PaymentStatusTable() []provider.PaymentStatusMapping {
	var rows []provider.PaymentStatusMapping
	for _, s := range slices.Sorted(maps.Keys(paymentStatusTable)) {
		other, _ := paymentStatus(s, "")
		closed, _ := paymentStatus(s, "ORDER_IS_CLOSED")
		switch {
		case s == "SUCCESS":
			rows = append(rows,
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "no authExpiryTime and no capture: automatic capture", Status: captureState("", false)},
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "authExpiryTime and no capture: manual capture, authorized", Status: captureState("", true)},
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "a CAPTURE transaction in PROCESSING", Status: captureState("PROCESSING", true)},
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "a CAPTURE transaction in SUCCESS", Status: captureState("SUCCESS", true)})
		case other == closed:
			rows = append(rows, provider.PaymentStatusMapping{ProviderStatus: s, Status: other})
		default:
			rows = append(rows,
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "paymentResultCode other than ORDER_IS_CLOSED", Status: other},
				provider.PaymentStatusMapping{ProviderStatus: s, Condition: "paymentResultCode ORDER_IS_CLOSED", Status: closed})
		}
	}
	return rows
}

// RefundStatusTable returns how the adapter maps Antom's refundStatus (inquiryRefund and notifyRefund).
// A refundStatus in no row is U.
func RefundStatusTable() []provider.RefundStatusMapping {
	rows := make([]provider.RefundStatusMapping, 0, len(refundStatusTable))
	for _, s := range slices.Sorted(maps.Keys(refundStatusTable)) {
		rows = append(rows, provider.RefundStatusMapping{ProviderStatus: s, Status: refundStatusTable[s]})
	}
	return rows
}
