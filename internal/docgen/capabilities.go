package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
)

// renderCapabilities is the capabilities block: a row per provider that declares its capabilities
// (provider.Capabilities), each cell a ✓ or ✗ read from the declaration, then the declaration's Doc
// wording for that cell. Sources without a declaration (no Ops) have no row.
func renderCapabilities(srcs []source) (string, error) {
	var b strings.Builder
	writeHeader(&b, []string{"Provider", "Create", "Inquire", "Cancel", "Refund", "Refund inquiry",
		"Partial / multiple refunds", "Idempotent create", "Webhooks", "Currencies", "Amount on the wire"})
	rows := 0
	for _, s := range srcs {
		c := s.caps
		if len(c.Ops) == 0 {
			continue
		}
		if !c.Offers(paygate.OpCreate) || !c.Offers(paygate.OpInquire) {
			return "", fmt.Errorf("%s declares no create or no inquire: every adapter must offer both", s.name)
		}
		for _, op := range c.Ops {
			if !op.Write() {
				continue
			}
			if _, ok := c.Idempotency[op]; !ok {
				return "", fmt.Errorf("%s offers %s but declares nothing about resending it (Capabilities.Idempotency)", s.name, op)
			}
		}
		if err := checkCurrencyCount(c); err != nil {
			return "", fmt.Errorf("%s: %w", s.name, err)
		}
		d := c.Doc
		writeRow(&b, []string{
			s.name + " (`" + s.pkg + "`)",
			capCell(c.Offers(paygate.OpCreate), d.Create),
			capCell(c.Offers(paygate.OpInquire), d.Inquire),
			capCell(c.Offers(paygate.OpCancel), d.Cancel),
			capCell(c.Offers(paygate.OpRefund), d.Refund),
			capCell(c.Offers(paygate.OpInquireRefund), d.RefundInquiry),
			mark(c.PartialRefund) + " / " + mark(c.MultipleRefunds) + suffix(d.PartialRefunds),
			capCell(c.IdempotencyOf(paygate.OpCreate).Dedupes, d.IdempotentCreate),
			capCell(c.Webhooks, d.Webhooks),
			currencies(c),
			dashIfEmpty(d.AmountOnWire),
		})
		rows++
	}
	if rows == 0 {
		return "", fmt.Errorf("no provider declares its capabilities")
	}
	return b.String(), nil
}

// capCell is a ✓ or ✗, then the wording: "✓ by refund id", "✗: `NOT_SUPPORTED`, no call".
func capCell(ok bool, doc string) string {
	switch {
	case doc == "":
		return mark(ok)
	case ok:
		return "✓ " + doc
	default:
		return "✗: " + doc
	}
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

func suffix(doc string) string {
	if doc == "" {
		return ""
	}
	return " " + doc
}

// currencies is the wording for the declared currencies, or the list itself when there is none.
func currencies(c provider.Capabilities) string {
	switch {
	case c.Doc.Currencies != "":
		return c.Doc.Currencies
	case len(c.Currencies) == 0:
		return "any the provider accepts"
	}
	return strings.Join(c.Currencies, ", ")
}

// checkCurrencyCount refuses wording that counts the currencies ("24 (CLP, JPY, …)") when the count is
// not the number declared: the wording would say something the code does not.
func checkCurrencyCount(c provider.Capabilities) error {
	first, _, _ := strings.Cut(c.Doc.Currencies, " ")
	n, err := strconv.Atoi(first)
	if err != nil {
		return nil // no count
	}
	if n != len(c.Currencies) {
		return fmt.Errorf("Doc.Currencies says %d currencies, but Currencies lists %d", n, len(c.Currencies))
	}
	return nil
}
