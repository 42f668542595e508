package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/memory"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/status"
)

// source is one provider's tables and how the README names their columns.
type source struct {
	name        string // the provider, as the README names it
	pkg         string // its package, from the module root
	codeLabel   string // the header of the provider-code column
	paymentHead string // the header of its column in the payment-status table ("" when it has none)
	refundHead  string // the header of its column in the refund-status table
	codes       []provider.CodeMapping
	payments    []provider.PaymentStatusMapping
	refunds     []provider.RefundStatusMapping

	caps provider.Capabilities // its declaration, for the capability table (no Ops: no row)
}

// sources are the providers in the README's order: the registered ones (provider/registry), then
// the in-memory provider, which is not registered (it has no settings, simulator or statuses).
func sources() []source {
	var srcs []source
	for _, e := range registry.All() {
		a := e.Adapter
		srcs = append(srcs, source{
			name: a.Title, pkg: "provider/" + a.Name, codeLabel: a.Heads.Code,
			paymentHead: a.Heads.Payment, refundHead: a.Heads.Refund,
			codes: a.Codes, payments: a.Payments, refunds: a.Refunds,
			caps: a.Capabilities,
		})
	}
	return append(srcs, source{
		name: "The in-memory provider", pkg: "provider/memory", codeLabel: "Its code",
		codes: memory.CodeTable(),
	})
}

// The normalized statuses, in the order the README lists them.
var (
	paymentOrder = []status.Payment{
		status.PaymentPending, status.PaymentRequiresAction, status.PaymentAuthorized, status.PaymentSucceeded,
		status.PaymentCanceled, status.PaymentFailed, status.PaymentExpired,
	}
	refundOrder = []status.Refund{status.RefundPending, status.RefundSucceeded, status.RefundFailed}
)

// render returns the README's generated blocks.
func render(srcs []source) ([]block, error) {
	statuses, err := renderStatuses(srcs)
	if err != nil {
		return nil, err
	}
	codes, err := renderCodes(srcs)
	if err != nil {
		return nil, err
	}
	caps, err := renderCapabilities(srcs)
	if err != nil {
		return nil, err
	}
	return []block{{"capabilities", caps}, {"status-mapping", statuses}, {"result-codes", codes}}, nil
}

// renderStatuses is the status-mapping block: a row per normalized status, a column per provider
// listing the provider statuses (and conditions) that map to it.
func renderStatuses(srcs []source) (string, error) {
	var withStatuses []source
	for _, s := range srcs {
		if s.paymentHead != "" {
			withStatuses = append(withStatuses, s)
		}
	}
	var b strings.Builder
	head := []string{"Normalized"}
	for _, s := range withStatuses {
		head = append(head, s.paymentHead)
	}
	writeHeader(&b, head)
	payments := make([]map[status.Payment][]string, len(withStatuses)) // per provider: normalized → entries
	refunds := make([]map[status.Refund][]string, len(withStatuses))
	for i, s := range withStatuses {
		payments[i], refunds[i] = map[status.Payment][]string{}, map[status.Refund][]string{}
		for _, r := range s.payments {
			if !slices.Contains(paymentOrder, r.Status) {
				return "", fmt.Errorf("%s: payment status %s maps to %q, which the README's order does not list", s.name, r.ProviderStatus, r.Status)
			}
			payments[i][r.Status] = append(payments[i][r.Status], statusEntry(r.ProviderStatus, r.Condition))
		}
		for _, r := range s.refunds {
			if !slices.Contains(refundOrder, r.Status) {
				return "", fmt.Errorf("%s: refund status %s maps to %q, which the README's order does not list", s.name, r.ProviderStatus, r.Status)
			}
			refunds[i][r.Status] = append(refunds[i][r.Status], statusEntry(r.ProviderStatus, ""))
		}
	}
	for _, st := range paymentOrder {
		row := []string{"`" + string(st) + "`"}
		for i := range withStatuses {
			row = append(row, cell(payments[i][st]))
		}
		writeRow(&b, row)
	}
	b.WriteString("\nRefunds:\n\n")
	head = []string{"Normalized"}
	for _, s := range withStatuses {
		head = append(head, s.refundHead)
	}
	writeHeader(&b, head)
	for _, st := range refundOrder {
		row := []string{"`" + string(st) + "`"}
		for i := range withStatuses {
			row = append(row, cell(refunds[i][st]))
		}
		writeRow(&b, row)
	}
	return b.String(), nil
}

func statusEntry(providerStatus, condition string) string {
	e := "`" + providerStatus + "`"
	if condition != "" {
		e += " (" + condition + ")"
	}
	return e
}

// cell joins a cell's entries; an empty cell is a dash.
func cell(entries []string) string {
	if len(entries) == 0 {
		return "—"
	}
	return strings.Join(entries, ", ")
}

// renderCodes is the result-codes block: a collapsible table per provider.
func renderCodes(srcs []source) (string, error) {
	var b strings.Builder
	b.WriteString("Each provider's result codes as its adapter classifies them (the package's `CodeTable`). Outcome S is " +
		"success, F a definite failure, U unknown. `(any)` is any code that no other row lists, with the row's HTTP status " +
		"and condition.\n")
	for _, s := range srcs {
		if len(s.codes) == 0 {
			return "", fmt.Errorf("%s has no code table", s.name)
		}
		var http, when, meaning bool
		for _, r := range s.codes {
			http = http || r.HTTPStatus != 0
			when = when || r.Condition != ""
			meaning = meaning || r.Meaning != ""
		}
		fmt.Fprintf(&b, "\n<details>\n<summary>%s (<code>%s</code>): %d rows</summary>\n\n", s.name, s.pkg, len(s.codes))
		var head []string
		if http {
			head = append(head, "HTTP")
		}
		head = append(head, s.codeLabel)
		if when {
			head = append(head, "When")
		}
		if meaning {
			head = append(head, "Meaning")
		}
		writeHeader(&b, append(head, "Outcome", "Code", "What to do"))
		for _, r := range s.codes {
			if !r.Outcome.Valid() || !r.Code.Valid() {
				return "", fmt.Errorf("%s: code %s maps to outcome %q and code %q", s.name, r.ProviderCode, r.Outcome, r.Code)
			}
			var row []string
			if http {
				row = append(row, dashIfEmpty(httpStatus(r.HTTPStatus)))
			}
			row = append(row, providerCode(r.ProviderCode))
			if when {
				row = append(row, dashIfEmpty(r.Condition))
			}
			if meaning {
				row = append(row, dashIfEmpty(r.Meaning))
			}
			row = append(row, string(r.Outcome), "`"+string(r.Code)+"`", dashIfEmpty(r.Advice))
			writeRow(&b, row)
		}
		b.WriteString("\n</details>\n")
	}
	return b.String(), nil
}

func httpStatus(s int) string {
	if s == 0 {
		return ""
	}
	return strconv.Itoa(s)
}

// providerCode renders a CodeMapping's ProviderCode: a code, a prefix pattern ("A*") or "*".
func providerCode(c string) string {
	switch prefix, pattern := strings.CutSuffix(c, "*"); {
	case c == "*":
		return "(any)"
	case pattern:
		return "`" + prefix + "…` (any other)"
	}
	return "`" + c + "`"
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func writeHeader(b *strings.Builder, head []string) {
	writeRow(b, head)
	b.WriteString("|" + strings.Repeat("---|", len(head)) + "\n")
}

func writeRow(b *strings.Builder, cells []string) {
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + escape(c) + " |")
	}
	b.WriteString("\n")
}

// escape makes s safe in a table cell: a "|" would end the cell and a newline the row.
func escape(s string) string {
	return strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
