package route_test

import (
	"testing"

	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/route/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) route.Store { return route.NewMemoryStore() })
}
