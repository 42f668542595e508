package status

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPaymentFinal(t *testing.T) {
	tests := []struct {
		status Payment
		final  bool
	}{
		{PaymentPending, false},
		{PaymentRequiresAction, false},
		{PaymentAuthorized, false},
		{PaymentSucceeded, true},
		{PaymentFailed, true},
		{PaymentCanceled, true},
		{PaymentExpired, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			assert.Equal(t, tt.final, tt.status.Final())
			assert.True(t, tt.status.Valid())
		})
	}
	assert.False(t, Payment("").Valid())
	assert.False(t, Payment("PAID").Valid())
	assert.False(t, Payment("").Final())
}

func TestRefundFinal(t *testing.T) {
	tests := []struct {
		status Refund
		final  bool
	}{
		{RefundPending, false},
		{RefundSucceeded, true},
		{RefundFailed, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			assert.Equal(t, tt.final, tt.status.Final())
			assert.True(t, tt.status.Valid())
		})
	}
	assert.False(t, Refund("REFUNDED").Valid())
}

func TestOutcome(t *testing.T) {
	for _, o := range []Outcome{Success, Failure, Unknown} {
		assert.True(t, o.Valid(), o)
	}
	assert.Equal(t, []string{"S", "F", "U"}, []string{string(Success), string(Failure), string(Unknown)})
	assert.False(t, Outcome("").Valid())
	assert.False(t, Outcome("s").Valid())
}

// Codes() must list exactly the Code constants declared in code.go, each once, so a new code cannot be
// forgotten by the docs and mapping-table generators that iterate over it.
func TestCodesListsEveryConstant(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "code.go", nil, parser.ParseComments)
	require.NoError(t, err)
	var declared []string
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			for _, name := range spec.(*ast.ValueSpec).Names {
				declared = append(declared, name.Name)
			}
		}
	}
	assert.Len(t, Codes(), len(declared))
	seen := map[Code]bool{}
	for _, c := range Codes() {
		assert.False(t, seen[c], "duplicate %s", c)
		seen[c] = true
		assert.True(t, c.Valid())
	}
	assert.False(t, Code("").Valid())
	assert.False(t, Code("ok").Valid())
	assert.True(t, slices.Contains(Codes(), CodeUnknown))
}
