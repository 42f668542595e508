package provider_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/paygate-go/paygate/provider"
)

type acmeOptions struct{ Channel string }
type otherOptions struct{ Channel string }

func TestOptionTakesAValueOrAPointer(t *testing.T) {
	for name, tt := range map[string]struct {
		opts []any
		want acmeOptions
		ok   bool
	}{
		"value":                 {[]any{acmeOptions{"a"}}, acmeOptions{"a"}, true},
		"pointer":               {[]any{&acmeOptions{"b"}}, acmeOptions{"b"}, true},
		"nil pointer skipped":   {[]any{(*acmeOptions)(nil), acmeOptions{"c"}}, acmeOptions{"c"}, true},
		"first wins":            {[]any{otherOptions{"x"}, &acmeOptions{"d"}, acmeOptions{"e"}}, acmeOptions{"d"}, true},
		"other adapters' types": {[]any{otherOptions{"x"}, &otherOptions{"y"}}, acmeOptions{}, false},
		"none":                  {nil, acmeOptions{}, false},
	} {
		t.Run(name, func(t *testing.T) {
			got, ok := provider.Option[acmeOptions](tt.opts)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.ok, ok)
		})
	}
}
