package memory

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/status"
)

// The table has a row for every catalog code except OK, and nothing else.
func TestCodeTableCoversCatalog(t *testing.T) {
	for _, c := range status.Codes() {
		row, ok := codeTable[string(c)]
		if c == status.CodeOK {
			assert.False(t, ok, "OK is not an error code")
			continue
		}
		if assert.True(t, ok, "no row for %s", c) {
			assert.True(t, row.outcome == status.Failure || row.outcome == status.Unknown, c)
			assert.NotEmpty(t, row.advice, c)
		}
	}
	assert.Len(t, codeTable, len(status.Codes())-1)
	for k := range codeTable {
		assert.True(t, status.Code(k).Valid(), k)
	}
}

func TestClassifyHTTPStatus(t *testing.T) {
	tests := map[int]status.Code{
		http.StatusTooManyRequests: status.CodeRateLimited,
		500:                        status.CodeUnavailable,
		503:                        status.CodeUnavailable,
		599:                        status.CodeUnavailable,
		600:                        status.CodeUnknown,
		499:                        status.CodeUnknown,
		400:                        status.CodeUnknown,
		302:                        status.CodeUnknown,
		200:                        status.CodeUnknown,
		0:                          status.CodeUnknown,
	}
	for code, want := range tests {
		assert.Equal(t, want, classifyHTTPStatus(code), code)
	}
}
