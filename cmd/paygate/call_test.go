package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate"
	"github.com/paygate-go/paygate/status"
)

// TestErrorJSONRedacts: the JSON the CLI prints for an error carries the provider's message, which
// the provider wrote and may hold card data, redacted; so are the other texts.
func TestErrorJSONRedacts(t *testing.T) {
	pe := &paygate.Error{
		Provider: "waffo", Op: paygate.OpCreate, Outcome: status.Failure, Code: status.CodeDeclined,
		Message:      "declined for card 4111_1111_1111_1111",
		ProviderCode: "C0005", ProviderMessage: `card 4111.1111.1111.1111 cvv 918 declined {"cvv":"918"}`,
	}
	out := errorJSON("create", fmt.Errorf("checkout: %w", pe))
	assert.Equal(t, `card ************1111 cvv [REDACTED] declined {"cvv":"[REDACTED]"}`, out.ProviderMessage)
	assert.Equal(t, "declined for card ************1111", out.Message)
	assert.Equal(t, "C0005", out.ProviderCode)
	assert.NotContains(t, out.Detail, "4111")
	assert.NotContains(t, out.Detail, "918")

	// A cause that is no *paygate.Error is printed redacted too.
	out = errorJSON("create", errors.New("dial https://x/?token=abc for 4111111111111111"))
	assert.Equal(t, "dial https://x/?token=[REDACTED] for ************1111", out.Detail)
}
