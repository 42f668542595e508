package main

import (
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/provider"
	"github.com/paygate-go/paygate/provider/registry"
	"github.com/paygate-go/paygate/retry"
	"github.com/paygate-go/paygate/status"
)

// The committed README.md has exactly what go generate writes: its mapping tables are the adapters'.
func TestREADMEIsUpToDate(t *testing.T) {
	path, err := readmePath()
	require.NoError(t, err)
	readme, err := os.ReadFile(path)
	require.NoError(t, err)
	blocks, err := render(sources())
	require.NoError(t, err)
	if err := stale(readme, blocks); err != nil {
		t.Fatal(err) // "README.md is stale: run go generate ./..." and the first line that differs
	}
}

// A README generated from the tables goes stale when a table changes, and the error names the block.
func TestChangedTableMakesREADMEStale(t *testing.T) {
	srcs := sources()
	fresh := generated(t, srcs)
	tests := []struct {
		name   string
		change func(s []source)
		block  string
	}{
		{"a code's normalized code", func(s []source) { s[0].codes[0].Code = status.CodeDeclined }, "result-codes"},
		{"a code's outcome", func(s []source) { s[1].codes[1].Outcome = status.Unknown }, "result-codes"},
		{"a code's advice", func(s []source) { s[2].codes[0].Advice += "!" }, "result-codes"},
		{"a code row removed", func(s []source) { s[3].codes = s[3].codes[1:] }, "result-codes"},
		{"a code row added", func(s []source) {
			s[0].codes = append(s[0].codes, provider.CodeMapping{ProviderCode: "A0099", Outcome: status.Failure, Code: status.CodeDeclined})
		}, "result-codes"},
		{"a payment status's mapping", func(s []source) { s[2].payments[0].Status = status.PaymentFailed }, "status-mapping"},
		{"a payment status's condition", func(s []source) { s[1].payments[0].Condition = "sometimes" }, "status-mapping"},
		{"a payment status added", func(s []source) {
			s[1].payments = append(s[1].payments, provider.PaymentStatusMapping{ProviderStatus: "AUTHED", Status: status.PaymentAuthorized})
		}, "status-mapping"},
		{"a refund status's mapping", func(s []source) { s[0].refunds[0].Status = status.RefundFailed }, "status-mapping"},
		{"a declared capability", func(s []source) { s[2].caps.PartialRefund = false }, "capabilities"},
		{"an operation no longer offered", func(s []source) {
			s[0].caps.Ops = slices.DeleteFunc(slices.Clone(s[0].caps.Ops), func(op paygate.Op) bool { return op == paygate.OpInquireRefund })
		}, "capabilities"},
		{"a refund inquiry offered", func(s []source) { s[2].caps.Ops = append(slices.Clone(s[2].caps.Ops), paygate.OpInquireRefund) }, "capabilities"},
		{"create no longer deduped", func(s []source) {
			s[1].caps.Idempotency = maps.Clone(s[1].caps.Idempotency)
			s[1].caps.Idempotency[paygate.OpCreate] = retry.Idempotency{}
		}, "capabilities"},
		{"a capability's wording", func(s []source) { s[0].caps.Doc.Webhooks += "!" }, "capabilities"},
		{"manual capture offered", func(s []source) { s[2].caps = withCapture(s[2].caps) }, "capabilities"},
		{"capture resendable", func(s []source) {
			s[2].caps = withCapture(s[2].caps)
			s[2].caps.Idempotency[paygate.OpCapture] = retry.Idempotency{Dedupes: true}
		}, "capabilities"},
		{"the capture wording", func(s []source) { s[2].caps.Doc.Capture += "!" }, "capabilities"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := cloneSources(srcs)
			tt.change(changed)
			blocks, err := render(changed)
			require.NoError(t, err)
			err = stale(fresh, blocks)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "README.md is stale: run go generate ./...")
			assert.Contains(t, err.Error(), `block "`+tt.block+`" differs`)
			for _, b := range blocks {
				if b.name != tt.block {
					assert.NotContains(t, err.Error(), `block "`+b.name+`"`, "only the changed block is stale")
				}
			}
			regenerated, err := splice(fresh, blocks)
			require.NoError(t, err)
			assert.NoError(t, stale(regenerated, blocks), "go generate makes it fresh again")
		})
	}
}

// A table whose rows cannot be rendered faithfully is an error, not a silently wrong README.
func TestRenderRefusesWhatItCannotShow(t *testing.T) {
	tests := []struct {
		name   string
		change func(s []source)
	}{
		{"a payment status outside the README's order", func(s []source) { s[0].payments[0].Status = "REVERSED" }},
		{"a refund status outside the README's order", func(s []source) { s[0].refunds[0].Status = "" }},
		{"an invalid outcome", func(s []source) { s[0].codes[0].Outcome = "X" }},
		{"an invalid code", func(s []source) { s[0].codes[0].Code = "NOPE" }},
		{"no code table", func(s []source) { s[3].codes = nil }},
		{"a write declared without idempotency", func(s []source) { s[0].caps.Idempotency = nil }},
		{"no create", func(s []source) { s[1].caps.Ops = s[1].caps.Ops[1:] }},
		{"a currency count the list does not have", func(s []source) { s[1].caps.Currencies = s[1].caps.Currencies[1:] }},
		{"manual capture without the capture operation", func(s []source) {
			s[0].caps = withoutCapture(s[0].caps)
			s[0].caps.CaptureModes = []paygate.CaptureMode{paygate.CaptureManual}
		}},
		{"the capture operation without manual capture", func(s []source) {
			s[0].caps = withCapture(s[0].caps)
			s[0].caps.CaptureModes = nil
		}},
		{"a void without manual capture", func(s []source) { s[1].caps = withoutCapture(s[1].caps); s[1].caps.Void = true }},
		{"partial capture without manual capture", func(s []source) { s[1].caps = withoutCapture(s[1].caps); s[1].caps.PartialCapture = true }},
		{"a hold without manual capture", func(s []source) { s[1].caps = withoutCapture(s[1].caps); s[1].caps.AuthorizationHold = time.Hour }},
		{"capture offered without idempotency", func(s []source) {
			s[0].caps = withCapture(s[0].caps)
			delete(s[0].caps.Idempotency, paygate.OpCapture)
		}},
		{"no provider declares capabilities", func(s []source) {
			for i := range s {
				s[i].caps = provider.Capabilities{}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := cloneSources(sources())
			tt.change(changed)
			_, err := render(changed)
			assert.Error(t, err)
		})
	}
}

func TestRenderIsDeterministic(t *testing.T) {
	first, err := render(sources())
	require.NoError(t, err)
	for range 5 {
		again, err := render(sources())
		require.NoError(t, err)
		assert.Equal(t, first, again)
	}
}

func TestSplice(t *testing.T) {
	b := block{"x", "new\n"}
	begin, end := beginMarker("x"), endMarker("x")
	tests := []struct {
		name, doc, want, err string
	}{
		{"replaces the text between the markers", "a\n" + begin + "\nold\n" + end + "\nb\n", "a\n" + begin + "\n\nnew\n\n" + end + "\nb\n", ""},
		{"fills an empty block", begin + "\n" + end + "\n", begin + "\n\nnew\n\n" + end + "\n", ""},
		{"no begin marker", "a\n" + end + "\n", "", "has no line"},
		{"no end marker", begin + "\nold\n", "", "has no line"},
		{"a marker inside a line is not a marker", "see " + begin + "\n" + end + "\n", "", "has no line"},
		{"two blocks of one name", begin + "\n" + end + "\n" + begin + "\n" + end + "\n", "", "want one"},
		{"end before begin", end + "\n" + begin + "\n", "", "ends before it begins"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := splice([]byte(tt.doc), []block{b})
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.Error(t, stale([]byte(tt.doc), []block{b}))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			again, err := splice(got, []block{b})
			require.NoError(t, err)
			assert.Equal(t, string(got), string(again), "splicing twice changes nothing")
			assert.NoError(t, stale(got, []block{b}))
		})
	}
}

func TestEscape(t *testing.T) {
	tests := map[string]string{
		"plain":         "plain",
		"a | b":         `a \| b`,
		"line\nbreak":   "line break",
		"crlf\r\nbreak": "crlf break",
	}
	for in, want := range tests {
		assert.Equal(t, want, escape(in), in)
	}
	var b strings.Builder
	writeRow(&b, []string{"x|y", "z"})
	assert.Equal(t, "| x\\|y | z |\n", b.String())
}

// Each cell of the capability table is the declaration's ✓ or ✗ and then its wording.
func TestCapabilityCells(t *testing.T) {
	assert.Equal(t, "✓", capCell(true, ""))
	assert.Equal(t, "✗", capCell(false, ""))
	assert.Equal(t, "✓ by refund id", capCell(true, "by refund id"))
	assert.Equal(t, "✗: `NOT_SUPPORTED`, no call", capCell(false, "`NOT_SUPPORTED`, no call"))
	assert.Equal(t, "USD, KHR", currencies(provider.Capabilities{Currencies: []string{"USD", "KHR"}}))
	assert.Equal(t, "any the provider accepts", currencies(provider.Capabilities{}))
	body, err := renderCapabilities(sources())
	require.NoError(t, err)
	assert.Equal(t, 2+len(registry.All()), strings.Count(body, "\n"), "a header, its rule and a row per adapter (the memory provider has none)")
}

// The manual-capture cell says what the declaration says: offered or not, partial capture, the
// void, the hold and what happens to a capture whose outcome is unknown.
func TestCaptureCell(t *testing.T) {
	manual := []paygate.CaptureMode{paygate.CaptureManual}
	ops := []paygate.Op{paygate.OpCreate, paygate.OpInquire, paygate.OpCapture, paygate.OpCancel}
	tests := []struct {
		name string
		caps provider.Capabilities
		want string
	}{
		{"not offered", provider.Capabilities{Ops: ops[:2]}, "✗"},
		{"not offered, with wording", provider.Capabilities{Ops: ops[:2], Doc: provider.CapabilityDoc{Capture: "`NOT_SUPPORTED`, no call"}}, "✗: `NOT_SUPPORTED`, no call"},
		{"deduped, partial, void, a week's hold", provider.Capabilities{Ops: ops, CaptureModes: manual, PartialCapture: true, Void: true,
			AuthorizationHold: 7 * 24 * time.Hour, Idempotency: map[paygate.Op]retry.Idempotency{paygate.OpCapture: {Dedupes: true}},
			Doc: provider.CapabilityDoc{Capture: "cards"}},
			"✓ cards; partial ✓ (the rest released); void ✓; uncaptured released after 7 days; U: resent with the same capture id"},
		{"not deduped: inquiry only", provider.Capabilities{Ops: ops, CaptureModes: manual, Idempotency: map[paygate.Op]retry.Idempotency{paygate.OpCapture: {}}},
			"✓ whole amount only; void ✗; U: resolved by inquiry, never resent"},
		{"resend safe for a reason", provider.Capabilities{Ops: ops, CaptureModes: manual, Void: true, AuthorizationHold: 36 * time.Hour,
			Idempotency: map[paygate.Op]retry.Idempotency{paygate.OpCapture: {ResendSafe: "a second capture is refused"}}},
			"✓ whole amount only; void ✓; uncaptured released after 36 h; U: resent (a second capture is refused)"},
		{"a day's hold", provider.Capabilities{Ops: ops, CaptureModes: manual, AuthorizationHold: 24 * time.Hour},
			"✓ whole amount only; void ✗; uncaptured released after 1 day; U: resolved by inquiry, never resent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, captureCell(tt.caps))
			assert.NoError(t, checkCapture(tt.caps))
		})
	}
	assert.Equal(t, "1h30m0s", holdText(90*time.Minute))
}

// The capture cell is in the table, in the operations' order (after inquire).
func TestCaptureColumn(t *testing.T) {
	srcs := cloneSources(sources())
	srcs[2].caps = withCapture(srcs[2].caps)
	srcs[1].caps = withoutCapture(srcs[1].caps)
	body, err := renderCapabilities(srcs)
	require.NoError(t, err)
	lines := strings.Split(body, "\n")
	assert.Contains(t, lines[0], "| Inquire | Manual capture | Cancel |")
	assert.Contains(t, lines[3], "| ✓ by request id or Antom id | ✗ | ✓ ", "the third column: no manual capture")
	assert.Contains(t, lines[4], "| ✓ by VAI247 id only | ✓ partial ✓ (the rest released); void ✓; uncaptured released after 7 days; U: resolved by inquiry, never resent |")
}

// withCapture is c with manual capture declared (not deduped), partial capture, the void and a
// week's hold, and no capture wording; its maps and slices are copies.
func withCapture(c provider.Capabilities) provider.Capabilities {
	c = withoutCapture(c)
	c.Ops = append(c.Ops, paygate.OpCapture)
	c.CaptureModes = []paygate.CaptureMode{paygate.CaptureManual}
	c.PartialCapture, c.Void, c.AuthorizationHold = true, true, 7*24*time.Hour
	c.Idempotency = maps.Clone(c.Idempotency)
	c.Idempotency[paygate.OpCapture] = retry.Idempotency{}
	return c
}

// withoutCapture is c without manual capture or anything about it; its maps and slices are copies.
func withoutCapture(c provider.Capabilities) provider.Capabilities {
	c.Ops = slices.DeleteFunc(slices.Clone(c.Ops), func(op paygate.Op) bool { return op == paygate.OpCapture })
	c.CaptureModes, c.PartialCapture, c.Void, c.AuthorizationHold = nil, false, false, 0
	c.Idempotency = maps.Clone(c.Idempotency)
	delete(c.Idempotency, paygate.OpCapture)
	c.Doc.Capture = ""
	return c
}

func TestProviderCode(t *testing.T) {
	tests := map[string]string{"A0001": "`A0001`", "A*": "`A…` (any other)", "*": "(any)"}
	for in, want := range tests {
		assert.Equal(t, want, providerCode(in), in)
	}
}

// generated is an empty README with every block's markers, spliced with the blocks of srcs.
func generated(t *testing.T, srcs []source) []byte {
	t.Helper()
	blocks, err := render(srcs)
	require.NoError(t, err)
	var doc strings.Builder
	for _, b := range blocks {
		doc.WriteString("text\n" + beginMarker(b.name) + "\n" + endMarker(b.name) + "\n")
	}
	out, err := splice([]byte(doc.String()), blocks)
	require.NoError(t, err)
	require.NoError(t, stale(out, blocks))
	return out
}

func cloneSources(srcs []source) []source {
	out := slices.Clone(srcs)
	for i := range out {
		out[i].codes = slices.Clone(out[i].codes)
		out[i].payments = slices.Clone(out[i].payments)
		out[i].refunds = slices.Clone(out[i].refunds)
	}
	return out
}
