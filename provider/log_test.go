package provider

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// The rules and the zap core are tested where they live (internal/redact, internal/redactlog); this
// checks only that what adapters call here reaches them.
func TestRedactionForwarders(t *testing.T) {
	const visa = "4111111111111111"
	core, logs := observer.New(zapcore.DebugLevel)
	NewLogger(zap.New(core), "sk_live_abcdef123").Info("paid with "+visa, zap.String("api_key", "abc"), zap.String("note", "key sk_live_abcdef123"))
	require.Equal(t, 1, logs.Len())
	e := logs.All()[0]
	assert.Equal(t, "paid with ************1111", e.Message)
	assert.Equal(t, map[string]any{"api_key": "[REDACTED]", "note": "key [REDACTED]"}, e.ContextMap())

	assert.Equal(t, "a=[REDACTED]", Redact("a=sk_live_abcdef123", "sk_live_abcdef123"))
	assert.Equal(t, `"cvv=[REDACTED]"`, Excerpt("cvv=123"))
	long := strings.Repeat("a", ExcerptLen+1)
	assert.Equal(t, long[:ExcerptLen]+"…", Bounded(long))
	assert.NotNil(t, NewLogger(nil))
}
