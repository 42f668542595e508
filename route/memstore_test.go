package route_test

import (
	"testing"

	"github.com/paygate-go/paygate/route"
	"github.com/paygate-go/paygate/route/storetest"
)

func TestMemoryStore(t *testing.T) {
	storetest.Run(t, func(*testing.T) route.Store { return route.NewMemoryStore() })
}

// Two routers on one MemoryStore stand for two machines on one journal.
func TestMemoryStoreShared(t *testing.T) {
	storetest.RunShared(t, func(*testing.T) (route.Store, route.Store) {
		s := route.NewMemoryStore()
		return s, s
	})
}
