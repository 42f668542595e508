package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
)

// renderCapabilities is the capabilities block: a row per provider that declares its capabilities
// (provider.Capabilities), each cell a ✓ or ✗ read from the declaration, then the declaration's Doc
// wording for that cell (the manual-capture cell adds what the declaration says of it, see
// captureCell). Sources without a declaration (no Ops) have no row. Every write offered must declare
// whether it may be resent (Capabilities.Idempotency): capture included.
func renderCapabilities(srcs []source) (string, error) {
	var b strings.Builder
	writeHeader(&b, []string{"Provider", "Create", "Inquire", "Manual capture", "Cancel", "Refund", "Refund inquiry",
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
		if err := checkCapture(c); err != nil {
			return "", fmt.Errorf("%s: %w", s.name, err)
		}
		d := c.Doc
		writeRow(&b, []string{
			s.name + " (`" + s.pkg + "`)",
			capCell(c.Offers(paygate.OpCreate), d.Create),
			capCell(c.Offers(paygate.OpInquire), d.Inquire),
			captureCell(c),
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

// captureCell is the manual-capture cell: ✗ and the wording when the adapter has none; otherwise ✓,
// the wording, then what the declaration says: partial capture, the void, how long the provider
// holds an uncaptured authorization, and what happens to a capture whose outcome is unknown
// (Idempotency[OpCapture], the rule retry.Wrap follows).
func captureCell(c provider.Capabilities) string {
	if !c.Offers(paygate.OpCapture) {
		return capCell(false, c.Doc.Capture)
	}
	parts := []string{}
	if c.Doc.Capture != "" {
		parts = append(parts, c.Doc.Capture)
	}
	if c.PartialCapture {
		parts = append(parts, "partial ✓ (the rest released)")
	} else {
		parts = append(parts, "whole amount only")
	}
	parts = append(parts, "void "+mark(c.Void))
	if c.AuthorizationHold > 0 {
		parts = append(parts, "uncaptured released after "+holdText(c.AuthorizationHold))
	}
	switch i := c.IdempotencyOf(paygate.OpCapture); {
	case i.Dedupes:
		parts = append(parts, "U: resent with the same capture id")
	case i.ResendSafe != "":
		parts = append(parts, "U: resent ("+i.ResendSafe+")")
	default:
		parts = append(parts, "U: resolved by inquiry, never resent")
	}
	return "✓ " + strings.Join(parts, "; ")
}

// holdText is a hold's length in whole days or hours where it is one: "7 days", "36 h", else "1h30m0s".
func holdText(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d == day:
		return "1 day"
	case d%day == 0:
		return strconv.Itoa(int(d/day)) + " days"
	case d%time.Hour == 0:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return d.String()
}

// checkCapture refuses a capture declaration the table cannot show faithfully: manual capture
// without the capture operation or the other way round, or capture details (partial capture, the
// void, a hold) declared by an adapter that has no manual capture.
func checkCapture(c provider.Capabilities) error {
	manual, op := c.Captures(paygate.CaptureManual), c.Offers(paygate.OpCapture)
	switch {
	case manual && !op:
		return fmt.Errorf("manual capture is in CaptureModes but capture is not in Ops: a payment could be authorized and never captured")
	case op && !manual:
		return fmt.Errorf("capture is in Ops but manual capture is not in CaptureModes: nothing could be AUTHORIZED to capture")
	case !op && (c.PartialCapture || c.Void || c.AuthorizationHold != 0):
		return fmt.Errorf("declares PartialCapture, Void or AuthorizationHold without manual capture: the table would not show it")
	}
	return nil
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
